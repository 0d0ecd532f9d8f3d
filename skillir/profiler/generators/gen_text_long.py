"""gen.text.long: L1 a numbered list between markers (under 1 KB); L2 a sectioned
document of 1-5 KB; L3 a document over 5 KB with a table of contents and intact
delimiters."""

from __future__ import annotations

import json

from skillir.profiler.generators._words import NOUNS, paragraph
from skillir.profiler.instance import Instance, rng_for, write

P = "gen.text.long"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        items = r.sample(NOUNS, r.randint(6, 10))
        prompt = ("Write list.txt: a line 'BEGIN', then the items " + ", ".join(items)
                  + " as a numbered list ('1. item', '2. item', ...) one per line in that "
                  "order, then a line 'END'. Under 1 KB.")
        text = "BEGIN\n" + "".join(f"{i}. {w}\n" for i, w in enumerate(items, 1)) + "END\n"
        checks = [{"kind": "text", "name": "list", "path": "list.txt", "mode": "lines",
                   "expected": text},
                  {"kind": "size", "name": "size", "path": "list.txt", "max": 1023}]
        return Instance(P, level, seed, prompt, tuple(checks), (write("list.txt", text),))
    n = r.randint(4, 6) if level == 2 else r.randint(8, 10)
    topics = r.sample(NOUNS, n)
    words = 50 if level == 2 else 110
    if level == 2:
        prompt = (f"Write doc.md, between 1 KB and 5 KB: {n} sections in this order, each "
                  f"starting with a heading line '## <topic>' for the topics "
                  f"{', '.join(topics)}, each followed by a paragraph of at least {words} "
                  "words about it.")
        text = "".join(f"## {t}\n\n{paragraph(r, words + 5)}\n\n" for t in topics)
        lim = (1024, 5120)
    else:
        prompt = (f"Write reference.md, over 5 KB: a first line '=== START ===', then a "
                  f"'Contents' heading line followed by the {n} section titles as a numbered "
                  f"list, then {n} sections, each a heading line '## <n>. <title>' (titles "
                  f"{', '.join(topics)}, in order) followed by at least {words} words, and a "
                  "last line '=== END ==='. Keep both delimiter lines exactly.")
        text = ("=== START ===\nContents\n" + "".join(f"{i}. {t}\n" for i, t in
                                                     enumerate(topics, 1)) + "\n"
                + "".join(f"## {i}. {t}\n\n{paragraph(r, words + 5)}\n\n"
                          for i, t in enumerate(topics, 1)) + "=== END ===\n")
        lim = (5121, 4 << 20)
    path = "doc.md" if level == 2 else "reference.md"
    spec = {"topics": topics, "words": words, "level": level}
    code = (f"SPEC = json.loads({json.dumps(json.dumps(spec))})\n"
            "def check(ws):\n"
            f"    t = read({path!r})\n"
            "    if t is None: return False, 'file not found'\n"
            "    lines = t.strip().splitlines()\n"
            "    if SPEC['level'] == 3:\n"
            "        if lines[0].strip() != '=== START ===' or lines[-1].strip() != "
            "'=== END ===': return False, 'delimiters'\n"
            "        toc = [f'{i}. {x}' for i, x in enumerate(SPEC['topics'], 1)]\n"
            "        stripped = [ln.strip() for ln in lines]\n"
            "        if 'Contents' not in ' '.join(stripped[:3]) or any(x not in stripped for "
            "x in toc): return False, 'table of contents'\n"
            "        want = [f'## {i}. {x}' for i, x in enumerate(SPEC['topics'], 1)]\n"
            "    else:\n"
            "        want = [f'## {x}' for x in SPEC['topics']]\n"
            "    heads = [ln.strip() for ln in lines if ln.startswith('## ')]\n"
            "    if heads != want: return False, f'headings {heads[:3]}'\n"
            "    body = re.split(r'^## .*$', t, flags=re.M)[1:]\n"
            "    short = [i for i, b in enumerate(body) if len(b.replace('=== END ===', '')"
            ".split()) < SPEC['words']]\n"
            "    if short: return False, f'section {short[0] + 1} too short'\n"
            "    return True, 'ok'\n")
    checks = [{"kind": "python", "name": "structure", "code": code},
              {"kind": "size", "name": "size", "path": path, "min": lim[0], "max": lim[1]}]
    return Instance(P, level, seed, prompt, tuple(checks), (write(path, text),))
