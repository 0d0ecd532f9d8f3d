#!/usr/bin/env bash
# Reference solution of batch-rename: run from the workspace root (stdlib Python only).
set -euo pipefail
python3 - <<'PY'
import csv
import re
from collections import defaultdict
from pathlib import Path

pattern = re.compile(r"^(?:IMG|DSC)_(\d{4})(\d{2})(\d{2})_(\d{6})\.(?:jpe?g)$", re.IGNORECASE)
by_day = defaultdict(list)
for path in Path("photos").iterdir():
    m = pattern.match(path.name)
    if m:
        by_day[f"{m[1]}-{m[2]}-{m[3]}"].append((m[4], path.name))
renames = []
for day, shots in by_day.items():
    for n, (_, old) in enumerate(sorted(shots), start=1):
        renames.append((old, f"{day}_{n:02d}.jpg"))
renames.sort(key=lambda r: r[1])
for old, new in renames:
    Path("photos", old).rename(Path("photos", new))
with open("rename_log.csv", "w", newline="") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["old", "new"])
    writer.writerows(renames)
PY
