"""follow.delegation: L1 a product through compute.py; L2 totals of a CSV by script (too
big for mental arithmetic); L3 exact decimal arithmetic with the decimal module."""

from __future__ import annotations

from decimal import Decimal

from skillir.profiler.instance import ANSWER, Instance, py_heredoc, rng_for, run, write

P = "follow.delegation"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        a, b = r.randint(1000, 99999), r.randint(1000, 99999)
        prompt = (f"Write a Python script compute.py that prints the product of {a} and {b}, "
                  f"run it, and write its output to product.txt.")
        script = f"print({a} * {b})\n"
        checks = ({"kind": "number", "name": "product", "path": "product.txt", "value": a * b},
                  {"kind": "contains", "name": "script", "path": "compute.py",
                   "items": [str(a), str(b)]})
        return Instance(P, level, seed, prompt, checks,
                        (write("compute.py", script), run("python3 compute.py > product.txt")))
    if level == 2:
        rows = [(f"sku{i}", r.randint(1, 40), r.randint(100, 9999)) for i in range(r.randint(
            150, 250))]
        total = sum(q * p for _, q, p in rows)
        files = {"orders.csv": "sku,qty,unit_cents\n" + "".join(f"{s},{q},{p}\n"
                                                                for s, q, p in rows)}
        prompt = ("Compute the total value of orders.csv in cents (the sum of qty * "
                  f"unit_cents over all rows) and write the number to {ANSWER}. Use code, not "
                  "mental arithmetic.")
        code = ("import csv\nt = sum(int(r['qty']) * int(r['unit_cents']) for r in csv.DictReader("
                f"open('orders.csv')))\nopen({ANSWER!r}, 'w').write(str(t) + '\\n')")
        return Instance(P, level, seed, prompt, ({"kind": "number", "name": "total",
                                                  "path": ANSWER, "value": total},),
                        (run(py_heredoc(code)),), files)
    vals = [f"0.{r.randint(1, 9)}" if r.random() < 0.7 else f"{r.randint(0, 9)}.{r.randint(1, 99):02d}"
            for _ in range(r.randint(20, 40))]
    exact = sum(Decimal(v) for v in vals)
    while float(exact) == sum(float(v) for v in vals):  # float arithmetic must not get it
        vals.append("0.1")
        exact = sum(Decimal(v) for v in vals)
    files = {"amounts.txt": "\n".join(vals) + "\n"}
    prompt = ("amounts.txt lists decimal amounts. Write their exact sum to total.txt, computed "
              "with Python's decimal (or fractions) module so that no binary floating-point "
              "error appears, written in plain decimal notation.")
    code = ("from decimal import Decimal\nt = sum(Decimal(x) for x in open('amounts.txt').read()"
            ".split())\nopen('total.txt', 'w').write(str(t) + '\\n')")
    return Instance(P, level, seed, prompt, ({"kind": "text", "name": "exact", "path": "total.txt",
                                              "expected": str(exact)},),
                    (run(py_heredoc(code)),), files)
