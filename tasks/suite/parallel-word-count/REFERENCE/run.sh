#!/usr/bin/env bash
# Reference solution of parallel-word-count: run from the workspace root. Counts each file in
# its own process (data-level parallelism, `xargs -P`), then merges the partial counts.
set -euo pipefail
mkdir -p .wc-parts
cat > .wc-parts/count.py <<'PY'
import collections
import json
import re
import sys
from pathlib import Path

path = Path(sys.argv[1])
words = re.findall(r"[a-z]+", path.read_text(encoding="utf-8").lower())
out = Path(".wc-parts") / (path.name + ".json")
out.write_text(json.dumps({"file": path.name, "counts": collections.Counter(words)}))
PY
find texts -maxdepth 1 -name '*.txt' -print0 | xargs -0 -n 1 -P 4 python3 .wc-parts/count.py
python3 - <<'PY'
import collections
import json
from pathlib import Path

files, total = {}, collections.Counter()
for part in sorted(Path(".wc-parts").glob("*.json")):
    data = json.loads(part.read_text())
    files[data["file"]] = sum(data["counts"].values())
    total.update(data["counts"])
top = sorted(total.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
result = {"files": dict(sorted(files.items())), "total": sum(files.values()),
          "top": [{"word": w, "count": c} for w, c in top]}
Path("wordcount.json").write_text(json.dumps(result, indent=2) + "\n")
PY
rm -rf .wc-parts
