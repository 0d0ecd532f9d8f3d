"""data-clean grader (python-grade protocol)."""

import csv
import io
import json
from pathlib import Path

HEADER = ["id", "name", "email", "signup_date", "country", "spend"]
EXPECTED = [
    ["1", "Ada Lovelace", "ada@example.com", "2024-01-15", "GB", "1200.50"],
    ["2", "Grace Hopper", "grace@navy.mil", "2024-02-15", "US", "300.00"],
    ["4", "Katherine Johnson", "katherine@nasa.gov", "2024-03-05", "US", "0.00"],
    ["7", "Barbara Liskov", "barbara@mit.edu", "2024-06-07", "US", "1000.00"],
    ["8", "Niklaus Wirth", "niklaus@ethz.ch", "2024-06-30", "CH", "75.00"],
    ["10", "Frances Allen", "frances@ibm.com", "2023-12-01", "US", "12.30"],
    ["11", "Donald Knuth", "knuth@stanford.edu", "2023-12-31", "US", "0.50"],
]
REPORT = {"rows_in": 11, "rows_out": 7, "dropped_invalid_email": 2, "dropped_duplicates": 2}


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def grade(transcript, workspace_path):
    ws = Path(workspace_path)
    path = ws / "clean" / "customers.csv"
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    table = [r for r in csv.reader(io.StringIO(text or "")) if r]
    header, body = (table[0], table[1:]) if table else ([], [])
    ids = [r[0] for r in body if r]
    try:
        ordered = bool(ids) and [int(i) for i in ids] == sorted(int(i) for i in ids)
    except ValueError:
        ordered = False
    out = [_rec("header-and-order", header == HEADER and ordered, 0.1,
                "clean/customers.csv keeps the header id,name,email,signup_date,country,spend "
                "and its rows are sorted by id as a number (2 before 10)",
                "clean/customers.csv missing" if text is None else f"header {header}, ids {ids}")]
    want_ids = [r[0] for r in EXPECTED]
    out.append(_rec("rows-kept", sorted(ids, key=lambda i: (len(i), i)) == want_ids, 0.3,
                    "exactly the rows with a valid e-mail survive, one per e-mail address "
                    "(compared lowercased and trimmed), the one with the lowest id kept: ids "
                    "1 2 4 7 8 10 11", f"got ids {ids}"))
    by_id = {r[0]: r for r in body if r}
    wrong = [f"id {r[0]}: got {by_id.get(r[0])}, want {r}" for r in EXPECTED
             if by_id.get(r[0]) != r]
    out.append(_rec("values-normalised", not wrong, 0.4,
                    "every kept row is normalised: fields trimmed, inner runs of spaces in "
                    "names collapsed, e-mail lowercased, dates as YYYY-MM-DD (inputs DD/MM/YYYY, "
                    "YYYY/MM/DD, 'Mon D, YYYY'), country upper case, spend as a plain number "
                    "with two decimals (no $ or thousands separators; empty is 0.00)",
                    "; ".join(wrong[:3])))
    rpath = ws / "clean" / "report.json"
    try:
        report = json.loads(rpath.read_text(encoding="utf-8")) if rpath.is_file() else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        report = "not JSON"
    out.append(_rec("report", report == REPORT, 0.2,
                    "clean/report.json counts rows_in 11, rows_out 7, dropped_invalid_email 2 "
                    "and dropped_duplicates 2", f"got {report}"))
    return out
