"""Word banks and a deterministic sentence maker for the text generators' references."""

from __future__ import annotations

import random

NOUNS = ("river garden library harbour lantern valley orchard meadow bridge market forest "
         "workshop village canal tower island station museum school kitchen").split()
ADJS = ("quiet bright ancient careful gentle steady patient modern simple narrow wide "
        "warm calm clear").split()
VERBS = ("supports guides shelters connects welcomes protects reflects serves frames "
         "shapes").split()


def sentence(r: random.Random, extra: str = "") -> str:
    s = (f"The {r.choice(ADJS)} {r.choice(NOUNS)} {r.choice(VERBS)} the {r.choice(ADJS)} "
         f"{r.choice(NOUNS)} every morning{extra}.")
    return s


def paragraph(r: random.Random, words: int, keywords: tuple[str, ...] = ()) -> str:
    parts: list[str] = []
    pending = list(keywords)
    while sum(len(p.split()) for p in parts) < words or pending:
        extra = f" near the {pending.pop(0)}" if pending else ""
        parts.append(sentence(r, extra))
    return " ".join(parts)
