#!/usr/bin/env bash
# A plausible wrong solution: keeps the first occurrence of a duplicate (not the lowest id),
# reads DD/MM/YYYY as MM/DD/YYYY and sorts ids as text. Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
import csv
import datetime as dt
import json
from pathlib import Path


def date(text):
    for fmt in ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    return text


rows = [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(open("raw/customers.csv"))]
seen, clean = set(), []
for r in rows:
    email = r["email"].lower()
    if "@" not in email or email in seen:
        continue
    seen.add(email)
    spend = r["spend"].replace("$", "").replace(",", "") or "0"
    clean.append([r["id"], " ".join(r["name"].split()), email, date(r["signup_date"]),
                  r["country"].upper(), f"{float(spend):.2f}"])
clean.sort(key=lambda r: r[0])
Path("clean").mkdir(exist_ok=True)
with open("clean/customers.csv", "w", newline="") as fh:
    csv.writer(fh).writerows([["id", "name", "email", "signup_date", "country", "spend"], *clean])
Path("clean/report.json").write_text(json.dumps({"rows_in": len(rows), "rows_out": len(clean)}))
PY
