#!/usr/bin/env bash
# A plausible wrong solution: totals use the products' list price instead of the price
# charged on the order line (order_items.unit_price). Must score below 0.5.
set -euo pipefail
cat > query.sql <<'SQL'
SELECT c.name, c.country, ROUND(SUM(i.quantity * p.unit_price), 2) AS total_spend
FROM orders o JOIN customers c ON c.id = o.customer_id
JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id
WHERE o.status = 'paid' AND o.order_date LIKE '2024-%'
GROUP BY c.id ORDER BY total_spend DESC LIMIT 3
SQL
python3 - <<'PY'
import sqlite3
from pathlib import Path

rows = sqlite3.connect("shop.db").execute(Path("query.sql").read_text()).fetchall()
lines = ["customer,country,total_spend"] + [f"{n},{c},{t:.2f}" for n, c, t in rows]
Path("top_customers.csv").write_text("\n".join(lines) + "\n")
PY
