#!/usr/bin/env bash
# Reference solution of flood-days: run from the workspace root (stdlib Python only).
set -euo pipefail
python3 - <<'PY'
import csv
import json
from collections import defaultdict
from pathlib import Path

stages = json.loads(Path("data/flood_stages.json").read_text())
daily_max = defaultdict(lambda: float("-inf"))
with open("data/gage_readings.csv", newline="") as fh:
    for row in csv.DictReader(fh):
        day = row["datetime"][:10]
        if row["gage_height_ft"].strip() and "2025-04-01" <= day <= "2025-04-07":
            key = (row["site_no"], day)
            daily_max[key] = max(daily_max[key], float(row["gage_height_ft"]))
days = defaultdict(int)
for (station, _), peak in daily_max.items():
    if peak >= stages[station]["flood"]:
        days[station] += 1
Path("output").mkdir(exist_ok=True)
with open("output/flood_results.csv", "w", newline="") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["station_id", "flood_days"])
    writer.writerows(sorted(days.items(), key=lambda kv: (-kv[1], kv[0])))
PY
