"""gen.code.shell: L1 grep count; L2 filter, sort, head pipeline; L3 awk aggregation."""

from __future__ import annotations

from skillir.profiler.instance import Instance, rng_for, run

P = "gen.code.shell"
NAMES = ("ada bo cy dee eli fay gus hal ivy jon kai lea max nia oto pia quin rex sol tia "
         "uma vic wes xia yan zed").split()


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        word = r.choice(["ERROR", "WARN", "TIMEOUT"])
        lines = [f"{i:04d} {r.choice(['INFO', 'DEBUG', word, 'INFO'])} event {r.randint(1, 99)}"
                 for i in range(r.randint(30, 60))]
        files = {"app.log": "\n".join(lines) + "\n"}
        prompt = (f"Using shell commands, count the lines of app.log that contain {word} and "
                  "write the number to count.txt.")
        cmd = f"grep -c {word} app.log > count.txt"
        checks = [{"kind": "number", "name": "count", "path": "count.txt",
                   "value": sum(word in ln for ln in lines)}]
    elif level == 2:
        names = r.sample(NAMES, 12)
        scores = r.sample(range(10, 100), 12)
        dept = {n: r.choice(["red", "blue"]) for n in names}
        files = {"scores.txt": "".join(f"{n} {dept[n]} {s}\n" for n, s in zip(names, scores,
                                                                             strict=True))}
        team = r.choice(["red", "blue"])
        k = 3
        top = sorted((s, n) for n, s in zip(names, scores, strict=True) if dept[n] == team)
        want = [n for s, n in reversed(top)][:k]
        prompt = (f"scores.txt has lines 'name team score'. With a shell pipeline (grep/sort/"
                  f"head/cut, redirection), write the names of the {k} highest-scoring members "
                  f"of team {team}, best first, one per line, to top.txt.")
        cmd = f"grep ' {team} ' scores.txt | sort -k3,3nr | head -n {k} | cut -d' ' -f1 > top.txt"
        checks = [{"kind": "text", "name": "top", "path": "top.txt", "mode": "lines",
                   "expected": "\n".join(want)}]
    else:
        statuses = [200, 301, 404, 500, 503]
        rows = [(f"10.0.0.{r.randint(1, 20)}", r.choice(["GET", "POST"]), r.choice(statuses),
                 r.randint(100, 9000)) for _ in range(r.randint(40, 80))]
        files = {"access.log": "".join(f"{ip} {m} /p{b % 7} {s} {b}\n" for ip, m, s, b in rows)}
        tot: dict[int, int] = {}
        for _, _, s, b in rows:
            tot[s] = tot.get(s, 0) + b
        prompt = ("access.log has lines 'ip method path status bytes'. With awk (and sort), "
                  "write to bytes_by_status.txt one line 'status total_bytes' per status code, "
                  "sorted by status code ascending.")
        cmd = "awk '{t[$4]+=$5} END {for (s in t) print s, t[s]}' access.log | sort -n " \
              "> bytes_by_status.txt"
        checks = [{"kind": "text", "name": "totals", "path": "bytes_by_status.txt",
                   "mode": "lines", "expected": "\n".join(f"{s} {tot[s]}" for s in sorted(tot))}]
    return Instance(P, level, seed, prompt, tuple(checks), (run(cmd),), files)
