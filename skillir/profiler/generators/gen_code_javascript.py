"""gen.code.javascript: L1 count lines with a character (fs); L2 CSV average to JSON (Node
built-ins); L3 Promise.all merge and dedupe of several JSON files (async/await)."""

from __future__ import annotations

import json

from skillir.profiler.instance import Instance, rng_for, run

P = "gen.code.javascript"
WORDS = "amber birch cedar delta ember fjord grove harbor iris jade kelp lotus maple".split()


def _node(code: str) -> str:
    return f"node - <<'JSEOF'\n{code.strip()}\nJSEOF"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        ch = r.choice("xzqk")
        lines = [" ".join(r.choice(WORDS) + r.choice(["", ch, "", ""]) for _ in range(4))
                 for _ in range(r.randint(20, 40))]
        files = {"text.txt": "\n".join(lines) + "\n"}
        prompt = (f"Write and run a Node.js script (using the fs module) that counts the lines "
                  f"of text.txt containing the character '{ch}' and writes the count to "
                  f"count.txt.")
        code = (f"const fs = require('fs');\nconst n = fs.readFileSync('text.txt', 'utf8')"
                f".split('\\n').filter(l => l.includes('{ch}')).length;\n"
                f"fs.writeFileSync('count.txt', n + '\\n');")
        checks = [{"kind": "number", "name": "count", "path": "count.txt",
                   "value": sum(ch in ln for ln in lines)}]
    elif level == 2:
        col = r.choice(["price", "weight", "score"])
        vals = [round(r.uniform(1, 100), 2) for _ in range(r.randint(15, 30))]
        files = {"data.csv": f"id,{col}\n" + "".join(f"{i},{v}\n" for i, v in enumerate(vals))}
        prompt = (f"Write and run a Node.js script (built-in modules only: fs, path) that reads "
                  f"data.csv and writes average.json: {{\"average\": <mean of the {col} column, "
                  f"rounded to 2 decimals>}}.")
        code = ("const fs = require('fs'); const path = require('path');\n"
                "const rows = fs.readFileSync(path.join('.', 'data.csv'), 'utf8').trim()"
                ".split('\\n').slice(1);\nconst v = rows.map(r => parseFloat(r.split(',')[1]));\n"
                "const avg = Math.round(v.reduce((a, b) => a + b, 0) / v.length * 100) / 100;\n"
                "fs.writeFileSync('average.json', JSON.stringify({average: avg}));")
        checks = [{"kind": "json", "name": "average", "path": "average.json",
                   "value": {"average": round(sum(vals) / len(vals), 2)}, "tol": 0.011}]
    else:
        n = r.randint(3, 5)
        files, merged = {}, {}
        for i in range(n):
            items = [{"id": r.randint(1, 40), "name": r.choice(WORDS)} for _ in range(6)]
            files[f"data/part{i + 1}.json"] = json.dumps(items)
            for it in items:
                merged.setdefault(it["id"], it)
        want = [merged[k] for k in sorted(merged)]
        prompt = (f"The folder data/ holds {n} JSON files, each a list of {{id, name}} objects. "
                  "Write and run a Node.js script that reads all of them concurrently with "
                  "fs/promises and Promise.all (async/await), merges the lists, keeps the first "
                  "object of each id (files in name order part1, part2, ...), sorts by id and "
                  "writes the list to merged.json.")
        code = ("const fs = require('fs/promises');\n(async () => {\n"
                "  const names = (await fs.readdir('data')).filter(f => f.endsWith('.json'))"
                ".sort();\n  const lists = await Promise.all(names.map(async f => JSON.parse("
                "await fs.readFile('data/' + f, 'utf8'))));\n  const seen = new Map();\n"
                "  for (const l of lists) for (const o of l) if (!seen.has(o.id)) "
                "seen.set(o.id, o);\n  const out = [...seen.values()].sort((a, b) => a.id - b.id);\n"
                "  await fs.writeFile('merged.json', JSON.stringify(out));\n})();")
        checks = [{"kind": "json", "name": "merged", "path": "merged.json", "value": want}]
    return Instance(P, level, seed, prompt, tuple(checks), (run(_node(code)),), files)
