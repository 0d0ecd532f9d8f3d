#!/usr/bin/env bash
# A plausible wrong solution: loose patterns (ORD-\d+, no boundaries), emails not lowercased,
# phones kept as written. Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
import json
import re
from pathlib import Path

text = Path("tickets.txt").read_text()
result = {
    "emails": sorted(set(re.findall(r"[\w.+-]+@[\w.-]+\.\w+", text))),
    "order_ids": sorted(set(re.findall(r"ORD-\d+", text))),
    "phones": sorted(set(re.findall(r"\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}", text))),
}
Path("extracted.json").write_text(json.dumps(result, indent=2))
PY
