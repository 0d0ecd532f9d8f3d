"""gen.code.python: L1 filter and count lines; L2 csv -> JSON aggregation (stdlib);
L3 numpy statistics."""

from __future__ import annotations

import json

from skillir.profiler.instance import Instance, py_heredoc, rng_for, run

P = "gen.code.python"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        nums = [r.randint(1, 999) for _ in range(r.randint(30, 60))]
        t = r.randint(200, 800)
        files = {"numbers.txt": "\n".join(map(str, nums)) + "\n"}
        prompt = (f"Write and run a Python script that counts the lines of numbers.txt whose "
                  f"number is greater than {t}, and writes just that count to count.txt.")
        code = (f"n = sum(1 for line in open('numbers.txt') if line.strip() and "
                f"int(line) > {t})\nopen('count.txt', 'w').write(str(n) + '\\n')")
        checks = [{"kind": "number", "name": "count", "path": "count.txt",
                   "value": sum(x > t for x in nums)}]
    elif level == 2:
        regions = r.sample(["north", "south", "east", "west", "central", "coast"], 4)
        rows = [(r.choice(regions), round(r.uniform(5, 500), 2)) for _ in range(40)]
        files = {"sales.csv": "region,amount\n" + "".join(f"{g},{a}\n" for g, a in rows)}
        totals: dict[str, float] = {}
        for g, a in rows:
            totals[g] = round(totals.get(g, 0.0) + a, 2)
        prompt = ("Write and run a Python script (standard library: csv, json) that reads "
                  "sales.csv and writes totals.json: a JSON object mapping each region to its "
                  "total amount, rounded to 2 decimals.")
        code = ("import csv, json\nt = {}\nfor row in csv.DictReader(open('sales.csv')):\n"
                "    t[row['region']] = t.get(row['region'], 0) + float(row['amount'])\n"
                "json.dump({k: round(v, 2) for k, v in t.items()}, open('totals.json', 'w'))")
        checks = [{"kind": "json", "name": "totals", "path": "totals.json", "value": totals,
                   "tol": 0.011}]
    else:
        vals = [round(r.gauss(50, 15), 3) for _ in range(r.randint(80, 150))]
        files = {"values.txt": "\n".join(map(str, vals)) + "\n"}
        import statistics

        want = {"mean": round(statistics.fmean(vals), 4), "std": round(statistics.pstdev(vals), 4),
                "median": round(statistics.median(vals), 4)}
        prompt = ("Write and run a Python script that uses numpy to compute the mean, the "
                  "population standard deviation and the median of the numbers in values.txt, "
                  "and writes stats.json: {\"mean\": ..., \"std\": ..., \"median\": ...}, each "
                  "rounded to 4 decimals.")
        code = ("import json, numpy as np\na = np.loadtxt('values.txt')\njson.dump({'mean': "
                "round(float(a.mean()), 4), 'std': round(float(a.std()), 4), 'median': "
                "round(float(np.median(a)), 4)}, open('stats.json', 'w'))")
        checks = [{"kind": "json", "name": "stats", "path": "stats.json", "value": want,
                   "tol": 0.001}]
    return Instance(P, level, seed, prompt, tuple(checks), (run(py_heredoc(code)),), files,
                    description=json.dumps(sorted(files)))
