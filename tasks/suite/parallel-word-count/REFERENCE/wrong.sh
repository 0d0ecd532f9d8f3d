#!/usr/bin/env bash
# A plausible wrong solution: `wc -w`-style whitespace splitting, case kept, punctuation kept.
# Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
import collections
import json
from pathlib import Path

files, total = {}, collections.Counter()
for path in sorted(Path("texts").glob("*.txt")):
    words = path.read_text().split()
    files[path.name] = len(words)
    total.update(words)
top = [{"word": w, "count": c} for w, c in total.most_common(10)]
Path("wordcount.json").write_text(json.dumps({"files": files, "total": sum(files.values()), "top": top}))
PY
