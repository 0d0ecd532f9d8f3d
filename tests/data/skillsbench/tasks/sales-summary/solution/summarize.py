"""Reference summariser of sales-summary."""

import csv
import json

by_region = {}
with open("/root/data/sales.csv") as fh:
    for row in csv.DictReader(fh):
        rev = int(row["units"]) * float(row["unit_price"])
        by_region[row["region"]] = round(by_region.get(row["region"], 0.0) + rev, 2)
result = {"total": round(sum(by_region.values()), 2), "by_region": by_region,
          "top_region": max(by_region, key=by_region.get)}
with open("/root/output/summary.json", "w") as fh:
    json.dump(result, fh)
