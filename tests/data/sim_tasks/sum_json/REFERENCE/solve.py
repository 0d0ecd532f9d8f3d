import csv
import json

with open("sales.csv", newline="") as fh:
    total = sum(int(row["amount"]) for row in csv.DictReader(fh))
with open("total.json", "w") as fh:
    fh.write(json.dumps({"total": total}) + "\n")
