"""tool.call.batch: L1 concatenate 2 files; L2 the first word of each of 5 files; L3 a
sum, maximum and minimum across 3-6 files."""

from __future__ import annotations

import json

from skillir.profiler.generators._words import sentence
from skillir.profiler.instance import Instance, read, rng_for, write

P = "tool.call.batch"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        files = {"a.txt": sentence(r) + "\n", "b.txt": sentence(r) + "\n"}
        out = files["a.txt"] + files["b.txt"]
        prompt = ("Read a.txt and b.txt (you may read both at once) and write combined.txt: "
                  "the content of a.txt followed by the content of b.txt.")
        checks = ({"kind": "text", "name": "combined", "path": "combined.txt", "mode": "lines",
                   "expected": out},)
        return Instance(P, level, seed, prompt, checks,
                        (read("a.txt"), read("b.txt"), write("combined.txt", out)), files)
    if level == 2:
        names = [f"part{i}.txt" for i in range(1, 6)]
        files = {n: f"{r.choice(['Amber', 'Basil', 'Coral', 'Dune', 'Echo', 'Fern'])} "
                    f"{sentence(r)}\n" for n in names}
        out = "".join(files[n].split()[0] + "\n" for n in names)
        prompt = ("Read part1.txt to part5.txt (reading them in parallel is fine) and write "
                  "firsts.txt with the first word of each file, one per line, in file order.")
        checks = ({"kind": "text", "name": "firsts", "path": "firsts.txt", "mode": "lines",
                   "expected": out},)
        return Instance(P, level, seed, prompt, checks,
                        (*[read(n) for n in names], write("firsts.txt", out)), files)
    k = r.randint(3, 6)
    names = [f"shop{i}.txt" for i in range(1, k + 1)]
    nums = {n: [r.randint(1, 500) for _ in range(r.randint(3, 6))] for n in names}
    while len({sum(v) for v in nums.values()}) < k:
        nums = {n: [r.randint(1, 500) for _ in range(r.randint(3, 6))] for n in names}
    files = {n: "\n".join(map(str, v)) + "\n" for n, v in nums.items()}
    want = {"total": sum(map(sum, nums.values())),
            "best": max(names, key=lambda n: sum(nums[n])),
            "worst": min(names, key=lambda n: sum(nums[n]))}
    prompt = (f"Each of {', '.join(names)} lists one shop's sales, one number per line. Read "
              "them all and write result.json: {\"total\": <sum over all files>, \"best\": "
              "<file name with the largest sum>, \"worst\": <file name with the smallest sum>}.")
    checks = ({"kind": "json", "name": "result", "path": "result.json", "value": want},)
    return Instance(P, level, seed, prompt, checks,
                    (*[read(n) for n in names], write("result.json", json.dumps(want))), files)
