#!/usr/bin/env bash
# Reference solution of data-clean: run from the workspace root (stdlib Python only).
set -euo pipefail
python3 - <<'PY'
import csv
import datetime as dt
import json
import re
from pathlib import Path


def date(text: str) -> str:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    raise ValueError(f"unknown date format: {text!r}")


with open("raw/customers.csv", newline="") as fh:
    rows = [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]
email_ok = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
valid = [r for r in rows if email_ok.match(r["email"])]
best: dict[str, dict] = {}
for r in sorted(valid, key=lambda r: int(r["id"])):
    best.setdefault(r["email"].lower(), r)
clean = []
for r in sorted(best.values(), key=lambda r: int(r["id"])):
    spend = r["spend"].replace("$", "").replace(",", "") or "0"
    clean.append([r["id"], re.sub(r"\s+", " ", r["name"]), r["email"].lower(),
                  date(r["signup_date"]), r["country"].upper(), f"{float(spend):.2f}"])
Path("clean").mkdir(exist_ok=True)
with open("clean/customers.csv", "w", newline="") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["id", "name", "email", "signup_date", "country", "spend"])
    writer.writerows(clean)
report = {"rows_in": len(rows), "rows_out": len(clean),
          "dropped_invalid_email": len(rows) - len(valid),
          "dropped_duplicates": len(valid) - len(clean)}
Path("clean/report.json").write_text(json.dumps(report, indent=2) + "\n")
PY
