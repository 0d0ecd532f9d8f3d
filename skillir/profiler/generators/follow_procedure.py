"""follow.procedure: L1 three sequential steps; L2 five to seven steps with a branch; L3 a
loop over rounds and a verification step."""

from __future__ import annotations

from skillir.profiler.generators._words import NOUNS
from skillir.profiler.instance import Instance, py_heredoc, rng_for, run, write

P = "follow.procedure"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        word = r.choice(NOUNS)
        prompt = (f"Follow these steps in order: 1. create a folder named out. 2. write the word "
                  f"'{word}' to out/a.txt. 3. write the same word in upper case to out/b.txt.")
        checks = ({"kind": "text", "name": "a", "path": "out/a.txt", "expected": word},
                  {"kind": "text", "name": "b", "path": "out/b.txt", "expected": word.upper()})
        return Instance(P, level, seed, prompt, checks,
                        (run("mkdir -p out"), write("out/a.txt", word + "\n"),
                         write("out/b.txt", word.upper() + "\n")))
    if level == 2:
        n = r.randint(10, 99)
        add, mul = r.randint(2, 9), r.randint(2, 5)
        prompt = (f"Follow these steps: 1. read number.txt. 2. if the number is even, add "
                  f"{add} to it; if it is odd, multiply it by {mul}. 3. write the result to "
                  f"result.txt. 4. write 'even' or 'odd' (the parity of the original number) to "
                  f"branch.txt. 5. if the result is greater than 100 write 'big' to size.txt, "
                  f"else 'small'. 6. write the three values separated by commas (original, "
                  f"result, size) to summary.txt.")
        res = n + add if n % 2 == 0 else n * mul
        size = "big" if res > 100 else "small"
        outs = {"result.txt": str(res), "branch.txt": "even" if n % 2 == 0 else "odd",
                "size.txt": size, "summary.txt": f"{n},{res},{size}"}
        checks = tuple({"kind": "text", "name": k, "path": k, "expected": v}
                       for k, v in outs.items())
        return Instance(P, level, seed, prompt, checks,
                        (*[write(k, v + "\n") for k, v in outs.items()],),
                        {"number.txt": f"{n}\n"})
    pool = r.sample(NOUNS, r.randint(3, 5))
    rounds = r.randint(7, 13)
    log = [pool[i % len(pool)] for i in range(rounds)]
    counts = {w: log.count(w) for w in pool}
    prompt = (f"The word pool is: {', '.join(pool)}. Run {rounds} rounds: in round i (starting "
              f"at 0) append the word at position i modulo {len(pool)} of the pool as a new "
              "line to log.txt. Then write counts.txt with one line 'word count' per pool word, "
              "in pool order. Finally verify: if the counts add up to the number of lines of "
              "log.txt, write 'verified' to check.txt, else 'mismatch'.")
    code = (f"pool = {pool!r}\nwith open('log.txt', 'w') as f:\n    for i in range({rounds}):\n"
            "        f.write(pool[i % len(pool)] + '\\n')\nlog = open('log.txt').read().split()\n"
            "open('counts.txt', 'w').write(''.join(f'{w} {log.count(w)}\\n' for w in pool))\n"
            "ok = sum(log.count(w) for w in pool) == len(log)\n"
            "open('check.txt', 'w').write('verified\\n' if ok else 'mismatch\\n')")
    checks = ({"kind": "text", "name": "log", "path": "log.txt", "mode": "lines",
               "expected": "\n".join(log)},
              {"kind": "text", "name": "counts", "path": "counts.txt", "mode": "lines",
               "expected": "\n".join(f"{w} {c}" for w, c in counts.items())},
              {"kind": "text", "name": "check", "path": "check.txt", "expected": "verified"})
    return Instance(P, level, seed, prompt, checks, (run(py_heredoc(code)),))
