"""tool.file.read: L1 copy one file; L2 summarise many files, some missing (NOT_FOUND);
L3 extract a line range from a large file."""

from __future__ import annotations

from skillir.profiler.generators._words import sentence
from skillir.profiler.instance import Instance, read, rng_for, run, write

P = "tool.file.read"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        text = "\n".join(sentence(r) for _ in range(r.randint(3, 6))) + "\n"
        name = r.choice(["notes.txt", "memo.txt", "draft.txt"])
        prompt = f"Read {name} and write an exact copy of its content to copy.txt."
        checks = [{"kind": "text", "name": "copy", "path": "copy.txt", "expected": text}]
        return Instance(P, level, seed, prompt, tuple(checks),
                        (read(name), write("copy.txt", text)), {name: text})
    if level == 2:
        names = [f"docs/{w}.txt" for w in r.sample(["alpha", "beta", "gamma", "delta", "omega",
                                                   "sigma", "kappa"], 5)]
        present = r.sample(names, 3)
        files = {n: sentence(r) + "\n" + sentence(r) + "\n" for n in present}
        files["files.txt"] = "\n".join(names) + "\n"
        out = "".join(f"{n}: {files[n].splitlines()[0] if n in files else 'NOT_FOUND'}\n"
                      for n in names)
        prompt = ("files.txt lists file paths, one per line. For each, in order, write a line "
                  "'<path>: <first line of the file>' to summary.txt, or '<path>: NOT_FOUND' "
                  "when the file does not exist.")
        checks = [{"kind": "text", "name": "summary", "path": "summary.txt", "mode": "lines",
                   "expected": out}]
        actions = (read("files.txt"), *[read(n) for n in present], write("summary.txt", out))
        return Instance(P, level, seed, prompt, tuple(checks), actions, files)
    n = r.randint(6000, 8000)
    lines = [f"{i:05d} {r.choice(['ok', 'warn', 'fail'])} {r.randint(0, 10**6):07d} "
             f"{r.choice(['north', 'south', 'east', 'west'])}-{r.randint(100, 999)}"
             for i in range(1, n + 1)]
    a = r.randint(n // 2, n - 50)
    b = a + r.randint(5, 20)
    prompt = (f"big.log is large ({n} lines; too large to read in one go). Write lines {a} to "
              f"{b} (1-based, inclusive) of it, unchanged, to excerpt.txt.")
    checks = [{"kind": "text", "name": "excerpt", "path": "excerpt.txt", "mode": "lines",
               "expected": "\n".join(lines[a - 1:b])}]
    return Instance(P, level, seed, prompt, tuple(checks),
                    (run(f"sed -n '{a},{b}p' big.log > excerpt.txt"),),
                    {"big.log": "\n".join(lines) + "\n"})
