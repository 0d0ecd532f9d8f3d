"""Print per-region revenue of a sales CSV as JSON (bundled with the csv-summary skill)."""

import csv
import json
import sys

by_region = {}
for row in csv.DictReader(open(sys.argv[1])):
    by_region[row["region"]] = by_region.get(row["region"], 0) + int(row["units"]) * float(row["unit_price"])
print(json.dumps(by_region))
