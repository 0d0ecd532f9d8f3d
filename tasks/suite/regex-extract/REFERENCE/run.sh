#!/usr/bin/env bash
# Reference solution of regex-extract: run from the workspace root (stdlib Python re).
set -euo pipefail
python3 - <<'PY'
import json
import re
from pathlib import Path

text = Path("tickets.txt").read_text()
email = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}")
order = re.compile(r"(?<![A-Za-z0-9_])ORD-\d{6}(?!\d)")
phone = re.compile(r"(?<![\w-])(?:\+1[ .-]?|1-)?(?:\((\d{3})\) ?|(\d{3})[ .-])(\d{3})[ .-](\d{4})(?!\d)")
result = {
    "emails": sorted({m.lower() for m in email.findall(text)}),
    "order_ids": sorted(set(order.findall(text))),
    "phones": sorted({"+1" + (a or b) + c + d for a, b, c, d in phone.findall(text)}),
}
Path("extracted.json").write_text(json.dumps(result, indent=2) + "\n")
PY
