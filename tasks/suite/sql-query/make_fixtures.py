"""Writes fixtures/shop.db (SQLite) for the sql-query task from a fixed seed, standard library
only: `python3 tasks/suite/sql-query/make_fixtures.py`. The grader's expected answer comes from
`expected()` below (printed when run); the test suite checks that the committed database holds
exactly the rows this script generates.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, country TEXT NOT NULL);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT NOT NULL, category TEXT NOT NULL,
                       unit_price REAL NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),
                     order_date TEXT NOT NULL, status TEXT NOT NULL);
CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders(id),
                          product_id INTEGER NOT NULL REFERENCES products(id),
                          quantity INTEGER NOT NULL, unit_price REAL NOT NULL);
"""
CUSTOMERS = [(1, "Ada Lovelace", "GB"), (2, "Grace Hopper", "US"), (3, "Alan Turing", "GB"),
             (4, "Katherine Johnson", "US"), (5, "Edsger Dijkstra", "NL"),
             (6, "Barbara Liskov", "US"), (7, "Niklaus Wirth", "CH"), (8, "Frances Allen", "US"),
             (9, "Donald Knuth", "US"), (10, "Margaret Hamilton", "US")]
PRODUCTS = [(1, "Keyboard", "hardware", 49.90), (2, "Monitor", "hardware", 189.00),
            (3, "Compiler Book", "books", 72.50), (4, "USB Cable", "accessories", 7.25),
            (5, "Laptop Stand", "accessories", 34.99), (6, "Algorithms Book", "books", 88.00)]
STATUSES = ["paid"] * 6 + ["refunded", "pending", "cancelled"]


def rows() -> tuple[list[tuple], list[tuple]]:
    rng = random.Random(20240601)
    orders, items = [], []
    for oid in range(1, 61):
        cust = rng.randint(1, 9)  # customer 10 never orders
        year = rng.choice([2023, 2024, 2024, 2024, 2025])
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        orders.append((oid, cust, date, rng.choice(STATUSES)))
        for pid in rng.sample(range(1, 7), rng.randint(1, 3)):
            price = PRODUCTS[pid - 1][3]
            if rng.random() < 0.2:  # a discounted line: the item price, not the list price, counts
                price = round(price * 0.9, 2)
            items.append((oid, pid, rng.randint(1, 4), price))
    return orders, items


def build(path: Path) -> None:
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript(SCHEMA)
    orders, items = rows()
    con.executemany("INSERT INTO customers VALUES (?, ?, ?)", CUSTOMERS)
    con.executemany("INSERT INTO products VALUES (?, ?, ?, ?)", PRODUCTS)
    con.executemany("INSERT INTO orders VALUES (?, ?, ?, ?)", orders)
    con.executemany("INSERT INTO order_items VALUES (?, ?, ?, ?)", items)
    con.commit()
    con.execute("VACUUM")
    con.close()


def expected() -> list[tuple[str, str, float]]:
    """Top 3 customers by 2024 spend on paid orders (quantity x item price), ties by name."""
    orders, items = rows()
    names = {c[0]: (c[1], c[2]) for c in CUSTOMERS}
    paid = {o[0]: o[1] for o in orders if o[2].startswith("2024-") and o[3] == "paid"}
    spend: dict[int, float] = {}
    for oid, _, qty, price in items:
        if oid in paid:
            spend[paid[oid]] = spend.get(paid[oid], 0.0) + qty * price
    ranked = sorted(spend.items(), key=lambda kv: (-round(kv[1], 2), names[kv[0]][0]))
    return [(names[c][0], names[c][1], round(s, 2)) for c, s in ranked[:3]]


def main() -> None:
    path = Path(__file__).resolve().parent / "fixtures" / "shop.db"
    build(path)
    print(f"wrote {path} ({path.stat().st_size} bytes)")
    for row in expected():
        print(row)


if __name__ == "__main__":
    main()
