"""tool.exec: L1 a single command; L2 a given script run with parameters and relative
paths; L3 a chained pipeline with intermediate files."""

from __future__ import annotations

from skillir.profiler.instance import Instance, rng_for, run

P = "tool.exec"
CONVERT = '''import argparse
ap = argparse.ArgumentParser()
ap.add_argument("--input", required=True)
ap.add_argument("--scale", type=int, required=True)
ap.add_argument("--output", required=True)
a = ap.parse_args()
vals = [int(x) for x in open(a.input).read().split()]
open(a.output, "w").write("\\n".join(str(v * a.scale) for v in vals) + "\\n")
'''


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        lines = [f"row {r.randint(1, 999)}" for _ in range(r.randint(20, 90))]
        prompt = ("Run a command that counts the lines of data.txt (for example wc -l) and "
                  "write just the number to lines.txt.")
        return Instance(P, level, seed, prompt,
                        ({"kind": "number", "name": "lines", "path": "lines.txt",
                          "value": len(lines)},),
                        (run("wc -l < data.txt > lines.txt"),),
                        {"data.txt": "\n".join(lines) + "\n"})
    if level == 2:
        vals = [r.randint(1, 50) for _ in range(r.randint(5, 10))]
        scale = r.randint(2, 9)
        sub = r.choice(["input", "raw", "src"])
        prompt = (f"Run the script tools/convert.py from the working directory with --input "
                  f"{sub}/values.txt --scale {scale} --output results/scaled.txt (create the "
                  f"results folder first).")
        return Instance(P, level, seed, prompt,
                        ({"kind": "text", "name": "scaled", "path": "results/scaled.txt",
                          "mode": "lines", "expected": "\n".join(str(v * scale) for v in vals)},),
                        (run(f"mkdir -p results && python3 tools/convert.py --input "
                             f"{sub}/values.txt --scale {scale} --output results/scaled.txt"),),
                        {"tools/convert.py": CONVERT, f"{sub}/values.txt": " ".join(map(str, vals))
                         + "\n"})
    words = [f"{r.choice(['cat', 'dog', 'cow', 'owl', 'bee'])}{r.randint(1, 30)}"
             for _ in range(r.randint(30, 60))]
    pick = r.choice(["cat", "dog", "owl"])
    srt = sorted(words)
    flt = [w for w in srt if pick in w]
    prompt = (f"Do this in steps, keeping the intermediate files: sort the lines of words.txt "
              f"(plain sort) into sorted.txt; keep the lines of sorted.txt containing '{pick}' "
              f"in filtered.txt; write the number of lines of filtered.txt to count.txt.")
    checks = ({"kind": "text", "name": "sorted", "path": "sorted.txt", "mode": "lines",
               "expected": "\n".join(srt)},
              {"kind": "text", "name": "filtered", "path": "filtered.txt", "mode": "lines",
               "expected": "\n".join(flt)},
              {"kind": "number", "name": "count", "path": "count.txt", "value": len(flt)})
    cmd = (f"LC_ALL=C sort words.txt > sorted.txt && (grep '{pick}' sorted.txt || true) > "
           "filtered.txt && wc -l < filtered.txt > count.txt")
    return Instance(P, level, seed, prompt, checks, (run(cmd),),
                    {"words.txt": "\n".join(words) + "\n"})
