#!/usr/bin/env bash
# Reference solution of sql-query: run from the workspace root (stdlib Python sqlite3).
set -euo pipefail
cat > query.sql <<'SQL'
SELECT c.name, c.country, ROUND(SUM(i.quantity * i.unit_price), 2) AS total_spend
FROM orders AS o
JOIN customers AS c ON c.id = o.customer_id
JOIN order_items AS i ON i.order_id = o.id
WHERE o.status = 'paid' AND o.order_date >= '2024-01-01' AND o.order_date < '2025-01-01'
GROUP BY c.id
ORDER BY total_spend DESC, c.name ASC
LIMIT 3;
SQL
python3 - <<'PY'
import csv
import sqlite3
from pathlib import Path

con = sqlite3.connect("file:shop.db?mode=ro", uri=True)
rows = con.execute(Path("query.sql").read_text()).fetchall()
with open("top_customers.csv", "w", newline="") as fh:
    writer = csv.writer(fh, lineterminator="\n")
    writer.writerow(["customer", "country", "total_spend"])
    for name, country, total in rows:
        writer.writerow([name, country, f"{total:.2f}"])
PY
