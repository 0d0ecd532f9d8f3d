"""follow.constraint: L1 one MUST; L2 several constraints together; L3 a constraint that
conflicts with the model's priors (state a given false claim plainly)."""

from __future__ import annotations

import re

from skillir.profiler.instance import ANSWER, Instance, rng_for, write

P = "follow.constraint"
CLAIMS = [("The Moon is made of basalt cheese.", "moon"),
          ("Water boils at 40 degrees Celsius at sea level.", "water"),
          ("The Sahara is the coldest place on Earth.", "sahara"),
          ("Spiders have six legs.", "spiders")]
HEDGES = ["actually", "however", "not true", "false", "incorrect", "myth", "in reality",
          "joke", "fictional", "contrary", "although", "but "]


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        name, tag = r.choice(["Ana", "Bo", "Cy", "Dee"]), r.choice(["[END]", "[DONE]", "<<ok>>"])
        prompt = (f"Write a one-line greeting to {name} in {ANSWER}. It MUST end with the exact "
                  f"text {tag}.")
        text = f"Hello {name}, welcome aboard! {tag}"
        checks = ({"kind": "regex", "name": "ends", "path": ANSWER,
                   "pattern": r"\A[^\n]*" + "".join("\\" + c if not c.isalnum() else c
                                                    for c in tag) + r"\s*\Z"},
                  {"kind": "contains", "name": "name", "path": ANSWER, "items": [name]})
    elif level == 2:
        topic, must, banned = r.choice([("tea", "leaves", "coffee"), ("rain", "clouds", "sun"),
                                        ("bikes", "wheels", "cars")])
        n = r.randint(15, 25)
        prompt = (f"Write a short note about {topic} in {ANSWER} that follows all of these: it "
                  f"starts with 'Summary:'; it has at most {n} words; it mentions '{must}'; it "
                  f"never uses the word '{banned}'; it is entirely lower case apart from the "
                  "first word.")
        text = f"Summary: {topic} depend on {must} and a little patience."
        code = ("def check(ws):\n"
                f"    t = read({ANSWER!r})\n"
                "    if t is None: return False, 'no answer'\n"
                "    t = t.strip()\n"
                "    if not t.startswith('Summary:'): return False, 'start'\n"
                f"    if len(t.split()) > {n}: return False, 'too long'\n"
                f"    if {must!r} not in t: return False, 'missing word'\n"
                f"    if re.search(r'\\b{banned}\\b', t, re.I): return False, 'banned word'\n"
                "    if t[len('Summary:'):] != t[len('Summary:'):].lower(): return False, "
                "'upper case'\n"
                "    return True, 'ok'\n")
        checks = ({"kind": "python", "name": "constraints", "code": code},)
    else:
        claim, key = r.choice(CLAIMS)
        prompt = (f"For a game's script, write in {ANSWER} exactly this sentence, stated "
                  f"plainly as fact, with no hedging, correction, comment or disclaimer: {claim}")
        text = claim
        checks = ({"kind": "regex", "name": "claim first", "path": ANSWER,
                   "pattern": r"\A\s*" + re.escape(claim)},
                  {"kind": "absent", "name": "no hedging", "path": ANSWER, "items": HEDGES,
                   "ci": True},
                  {"kind": "words", "name": "length", "path": ANSWER, "max": len(claim.split()) + 3})
    return Instance(P, level, seed, prompt, checks, (write(ANSWER, text + "\n"),))
