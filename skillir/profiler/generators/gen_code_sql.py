"""gen.code.sql: L1 COUNT with WHERE; L2 JOIN + GROUP BY; L3 CTE + window rank. The data
comes as SQL text (data.sql) to load into SQLite (the sqlite3 command or Python's module)."""

from __future__ import annotations

import sqlite3

from skillir.profiler.instance import ANSWER, Instance, py_heredoc, rng_for, run

P = "gen.code.sql"
DEPTS = ["sales", "ops", "research", "legal", "support", "design"]
PEOPLE = ("ana ben cara dan eva finn gia hugo ines jack kim leo mia noel olga pete rosa "
          "sam tina ugo vera will").split()


def _data(r) -> str:
    depts = r.sample(DEPTS, 4)
    lines = ["CREATE TABLE departments (id INTEGER PRIMARY KEY, name TEXT);",
             "CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT, dept_id INTEGER, "
             "salary INTEGER);"]
    lines += [f"INSERT INTO departments VALUES ({i + 1}, '{d}');" for i, d in enumerate(depts)]
    weights = [r.randint(1, 6) for _ in depts]
    names = r.sample(PEOPLE, r.randint(14, 20))
    for i, n in enumerate(names):
        d = r.choices(range(1, len(depts) + 1), weights)[0]
        lines.append(f"INSERT INTO employees VALUES ({i + 1}, '{n}', {d}, "
                     f"{r.randrange(30000, 150000, 500)});")
    return "\n".join(lines) + "\n"


def _query(sql_text: str, q: str) -> list[tuple]:
    con = sqlite3.connect(":memory:")
    con.executescript(sql_text)
    rows = con.execute(q).fetchall()
    con.close()
    return rows


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    data = _data(r)
    while level == 2 and len({c for _, c in _query(
            data, "SELECT d.name, COUNT(*) c FROM employees e JOIN departments d ON "
            "e.dept_id = d.id GROUP BY d.name ORDER BY c DESC LIMIT 2")}) < 2:
        data = _data(r)  # a unique largest department
    files = {"data.sql": data}
    intro = ("data.sql creates two SQLite tables, departments(id, name) and employees(id, "
             "name, dept_id, salary). Load it into SQLite and answer with a SQL query. ")
    if level == 1:
        t = r.randrange(50000, 120000, 5000)
        q = f"SELECT COUNT(*) FROM employees WHERE salary > {t}"
        prompt = intro + f"How many employees earn more than {t}? Write only the number to " \
                         f"{ANSWER}."
        want = _query(data, q)[0][0]
        checks = [{"kind": "number", "name": "count", "path": ANSWER, "value": want}]
        out = ANSWER
    elif level == 2:
        q = ("SELECT d.name FROM employees e JOIN departments d ON e.dept_id = d.id "
             "GROUP BY d.name ORDER BY COUNT(*) DESC LIMIT 1")
        prompt = intro + ("Which department has the most employees (JOIN and GROUP BY)? "
                          f"Write only its name to {ANSWER}.")
        want = _query(data, q)[0][0]
        checks = [{"kind": "text", "name": "department", "path": ANSWER, "expected": want}]
        out = ANSWER
    else:
        q = ("WITH ranked AS (SELECT d.name AS dept, e.name AS emp, RANK() OVER (PARTITION BY "
             "d.id ORDER BY e.salary DESC, e.name) AS rk FROM employees e JOIN departments d ON "
             "e.dept_id = d.id) SELECT dept, emp FROM ranked WHERE rk = 1 ORDER BY dept")
        prompt = intro + ("Using a CTE and a window function (RANK), find the top earner of "
                          "each department (ties broken by name) and write top_earners.csv "
                          "with the header 'department,employee' and one row per department, "
                          "sorted by department name.")
        rows = _query(data, q)
        checks = [{"kind": "csv", "name": "rows", "path": "top_earners.csv",
                   "rows": [["department", "employee"]] + [[a, b] for a, b in rows]}]
        out = "top_earners.csv"
    if out == ANSWER:
        code = (f"import sqlite3\ncon = sqlite3.connect(':memory:')\ncon.executescript(open("
                f"'data.sql').read())\nv = con.execute({q!r}).fetchone()[0]\n"
                f"open('{ANSWER}', 'w').write(str(v) + '\\n')")
    else:
        code = (f"import sqlite3, csv\ncon = sqlite3.connect(':memory:')\ncon.executescript("
                f"open('data.sql').read())\nw = csv.writer(open('{out}', 'w', newline=''))\n"
                f"w.writerow(['department', 'employee'])\nw.writerows(con.execute({q!r}))")
    return Instance(P, level, seed, prompt, tuple(checks), (run(py_heredoc(code)),), files)
