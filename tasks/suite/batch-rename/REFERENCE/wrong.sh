#!/usr/bin/env bash
# A plausible wrong solution: numbers the photos of a day in file-name order instead of
# time-of-day order (DSC_..._120000 gets 01). Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
import csv
import re
from collections import defaultdict
from pathlib import Path

pattern = re.compile(r"^(?:IMG|DSC)_(\d{4})(\d{2})(\d{2})_(\d{6})\.(?:jpe?g)$", re.IGNORECASE)
by_day = defaultdict(list)
for path in sorted(Path("photos").iterdir()):
    m = pattern.match(path.name)
    if m:
        by_day[f"{m[1]}-{m[2]}-{m[3]}"].append(path.name)
renames = []
for day, shots in by_day.items():
    for n, old in enumerate(shots, start=1):
        renames.append((old, f"{day}_{n:02d}.jpg"))
renames.sort(key=lambda r: r[1])
for old, new in renames:
    Path("photos", old).rename(Path("photos", new))
with open("rename_log.csv", "w", newline="") as fh:
    csv.writer(fh, lineterminator="\n").writerows([("old", "new"), *renames])
PY
