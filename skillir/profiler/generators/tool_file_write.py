"""tool.file.write: L1 an exact small file; L2 a 1-10 KB list; L3 several files at once."""

from __future__ import annotations

from skillir.profiler.generators._words import NOUNS, sentence
from skillir.profiler.instance import Instance, rng_for, write

P = "tool.file.write"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        text = "\n".join(sentence(r) for _ in range(3)) + "\n"
        prompt = f"Write a file note.txt whose content is exactly these lines:\n\n{text}"
        checks = [{"kind": "text", "name": "note", "path": "note.txt", "mode": "lines",
                   "expected": text}]
        return Instance(P, level, seed, prompt, tuple(checks), (write("note.txt", text),))
    if level == 2:
        n = r.randint(30, 50)
        items = [f"{r.choice(NOUNS)}-{r.randint(100, 999)}" for _ in range(n)]
        text = "".join(f"Item {i:02d}: {w} (checked)\n" for i, w in enumerate(items, 1))
        prompt = (f"Write inventory.txt with {n} lines, one per item below in order, each "
                  "formatted 'Item NN: <item> (checked)' where NN is the 2-digit position "
                  "(01, 02, ...). Items: " + ", ".join(items))
        checks = [{"kind": "text", "name": "inventory", "path": "inventory.txt",
                   "mode": "lines", "expected": text},
                  {"kind": "size", "name": "size", "path": "inventory.txt", "min": 1024,
                   "max": 10240}]
        return Instance(P, level, seed, prompt, tuple(checks), (write("inventory.txt", text),))
    k = r.randint(4, 6)
    names = [f"out/{w}.txt" for w in r.sample(NOUNS, k)]
    contents = {n: sentence(r) + "\n" for n in names}
    prompt = ("Create these files with exactly this content (one line each): "
              + "; ".join(f"{n}: {c.strip()}" for n, c in contents.items()))
    checks = [{"kind": "text", "name": n, "path": n, "expected": c} for n, c in contents.items()]
    return Instance(P, level, seed, prompt, tuple(checks),
                    tuple(write(n, c) for n, c in contents.items()))
