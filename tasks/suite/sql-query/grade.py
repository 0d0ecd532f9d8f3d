"""sql-query grader (python-grade protocol)."""

import csv
import hashlib
import io
import re
import sqlite3
from pathlib import Path

DB_SHA256 = "2319e10f25634790da0b1e68acd3d43f883c0f46c858249b5015b9d40ce1d2e1"
EXPECTED = [("Grace Hopper", "US", 2904.41), ("Donald Knuth", "US", 1410.06),
            ("Frances Allen", "US", 970.98)]
HEADER = ["customer", "country", "total_spend"]


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def _matches(rows):
    """rows: [(name, country, total)] -> equal to EXPECTED (totals within half a cent)."""
    if len(rows) != len(EXPECTED):
        return False
    for (n, c, t), (en, ec, et) in zip(rows, EXPECTED, strict=True):
        try:
            total = float(t)
        except (TypeError, ValueError):
            return False
        if str(n).strip() != en or str(c).strip() != ec or abs(total - et) > 0.005:
            return False
    return True


def grade(transcript, workspace_path):
    ws = Path(workspace_path)
    out_csv = ws / "top_customers.csv"
    text = out_csv.read_text(encoding="utf-8", errors="replace") if out_csv.is_file() else None
    table = [r for r in csv.reader(io.StringIO(text or "")) if r]
    header, body = (table[0], table[1:]) if table else ([], [])
    two_dp = bool(body) and all(len(r) == 3 and re.fullmatch(r"\d+\.\d{2}", r[2].strip())
                                for r in body)
    out = [_rec("csv-format", [h.strip() for h in header] == HEADER and two_dp, 0.1,
                "top_customers.csv has the header customer,country,total_spend and every "
                "total_spend has exactly two decimals",
                "top_customers.csv missing" if text is None else f"header {header}, rows {body}")]
    out.append(_rec("top-3-rows", _matches([tuple(r) for r in body if len(r) == 3])
                    and len(body) == 3, 0.5,
                    "the rows are the 3 customers with the highest total spend on orders "
                    "dated 2024 with status 'paid' (spend = sum of quantity x order_items."
                    "unit_price, the price actually charged), highest first",
                    f"expected {EXPECTED}; got {body}"))
    query = ws / "query.sql"
    detail, ok = "query.sql missing", False
    if query.is_file():
        sql = query.read_text(encoding="utf-8", errors="replace").strip().rstrip(";").strip()
        if ";" in sql:
            detail = "query.sql holds more than one statement"
        elif not re.match(r"(?is)^\s*(--[^\n]*\n\s*)*(select|with)\b", sql):
            detail = "query.sql is not a SELECT query"
        else:
            try:
                con = sqlite3.connect(f"file:{ws / 'shop.db'}?mode=ro", uri=True)
                try:
                    got = [tuple(r) for r in con.execute(sql).fetchall()]
                finally:
                    con.close()
                rows = [(r[0], r[1], r[-1]) if len(r) >= 3 else r for r in got]
                ok = _matches(rows)
                detail = f"the query returned {got[:5]}"
            except sqlite3.Error as exc:
                detail = f"the query fails on shop.db: {exc}"
    out.append(_rec("query-reproduces", ok, 0.25,
                    "query.sql is one SELECT statement that, run on shop.db, returns the same "
                    "three customers (name first, country second, total last) in the same order",
                    detail))
    db = ws / "shop.db"
    same = db.is_file() and hashlib.sha256(db.read_bytes()).hexdigest() == DB_SHA256
    out.append(_rec("db-unchanged", same and text is not None, 0.15,
                    "shop.db is left unmodified (counts only once top_customers.csv exists)",
                    "" if same else "shop.db was modified or deleted"))
    return out
