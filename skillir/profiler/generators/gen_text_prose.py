"""gen.text.prose: L1 one paragraph with required keywords; L2 several paragraphs in one
register; L3 a long-form piece with sections. Answers in response.txt."""

from __future__ import annotations

import json

from skillir.profiler.generators._words import NOUNS, paragraph
from skillir.profiler.instance import ANSWER, Instance, rng_for, write

P = "gen.text.prose"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    kws = tuple(r.sample(NOUNS, 3))
    subject = r.choice(["a small town", "a public library", "a city park", "a railway"])
    if level == 1:
        prompt = (f"Write one paragraph (a single block of text, no blank lines, 60 to 150 "
                  f"words) about {subject} that uses the words {', '.join(kws)}. Write it to "
                  f"{ANSWER}.")
        text = paragraph(r, 60, kws)
        spec = {"paras": [1, 1], "words": [60, 150], "kws": kws, "sections": 0}
    elif level == 2:
        prompt = (f"Write three paragraphs (separated by blank lines, each at least 40 words) "
                  f"about {subject} in a calm, neutral register: no exclamation marks, no "
                  f"questions, and no first person (I, me, my, we). Use the words "
                  f"{', '.join(kws)} somewhere. Write it to {ANSWER}.")
        text = "\n\n".join(paragraph(r, 45, kws if i == 0 else ()) for i in range(3))
        spec = {"paras": [3, 3], "words": [120, 2000], "kws": kws, "sections": 0,
                "neutral": True}
    else:
        n = r.randint(5, 6)
        prompt = (f"Write a long-form article about {subject}: a first line '# <title>', then "
                  f"{n} sections each starting with a '## <heading>' line and holding at least "
                  f"70 words; at least 400 words in total; use the words {', '.join(kws)}. "
                  f"Write it to {ANSWER}.")
        text = f"# On {subject}\n\n" + "".join(
            f"## Part {i}\n\n{paragraph(r, 75, kws if i == 1 else ())}\n\n" for i in range(1, n + 1))
        spec = {"paras": [0, 999], "words": [400, 10**6], "kws": kws, "sections": n}
    code = (f"SPEC = json.loads({json.dumps(json.dumps(spec))})\n"
            "def check(ws):\n"
            f"    t = read({ANSWER!r})\n"
            "    if t is None: return False, 'no answer'\n"
            "    if t.lstrip().startswith('```'): return False, 'fenced'\n"
            "    n = len(t.split())\n"
            "    if not SPEC['words'][0] <= n <= SPEC['words'][1]: return False, f'{n} words'\n"
            "    low = t.lower()\n"
            "    miss = [k for k in SPEC['kws'] if k not in low]\n"
            "    if miss: return False, f'missing {miss}'\n"
            "    paras = [p for p in re.split(r'\\n\\s*\\n', t.strip()) if p.strip()]\n"
            "    if SPEC['sections']:\n"
            "        if not t.lstrip().startswith('# '): return False, 'no title'\n"
            "        secs = re.split(r'^## .*$', t, flags=re.M)[1:]\n"
            "        if len(secs) < SPEC['sections']: return False, f'{len(secs)} sections'\n"
            "        if any(len(s.split()) < 70 for s in secs): return False, 'short section'\n"
            "    elif not SPEC['paras'][0] <= len(paras) <= SPEC['paras'][1]:\n"
            "        return False, f'{len(paras)} paragraphs'\n"
            "    if SPEC.get('neutral'):\n"
            "        if any(len(p.split()) < 40 for p in paras): return False, 'short paragraph'\n"
            "        if '!' in t or '?' in t: return False, 'exclamation or question'\n"
            "        if re.search(r'\\b(I|me|my|we|We|Me|My)\\b', t): return False, 'first person'\n"
            "    return True, 'ok'\n")
    checks = [{"kind": "python", "name": "prose", "code": code}]
    return Instance(P, level, seed, prompt, tuple(checks), (write(ANSWER, text + "\n"),))
