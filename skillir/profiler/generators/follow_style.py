"""follow.style: L1 formal register (no contractions, no slang); L2 a persona (explain to
a five-year-old: short sentences, short words); L3 a style (pirate) kept over every section
of a long answer."""

from __future__ import annotations

import json

from skillir.profiler.generators._words import paragraph
from skillir.profiler.instance import ANSWER, Instance, rng_for, write

P = "follow.style"
CONTRACTIONS = r"\b\w+'(t|re|m|ll|ve|d|s)\b"
SLANG = ["hey", "gonna", "wanna", "cool", "yeah", "awesome", "guys", "lol"]
PIRATE = ["arr", "matey", "ye", "aye", "ahoy", "treasure", "ship"]


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        event = r.choice(["the annual dinner", "the product launch", "the board retreat"])
        prompt = (f"Write, in {ANSWER}, a formal message of 40 to 150 words declining an "
                  f"invitation to {event}. It must start with 'Dear', use no contractions "
                  "(write 'do not', not 'don't') and no casual words.")
        text = ("Dear organising committee,\n\nThank you for the kind invitation to " + event
                + ". I regret to inform you that I am unable to attend, owing to a prior "
                "commitment that cannot be moved. I would be grateful if you could convey my "
                "apologies to the other guests. I hope that the occasion is a great success, "
                "and I look forward to the opportunity to meet on a future occasion.\n\n"
                "Yours sincerely,\nA. Member")
        spec = {"start": "Dear", "words": [40, 150], "slang": SLANG}
        code = ("def check(ws):\n    t = read(%r)\n    if t is None: return False, 'no answer'\n"  # noqa: UP031
                "    if not t.lstrip().startswith(SPEC['start']): return False, 'start'\n"
                "    n = len(t.split())\n    if not SPEC['words'][0] <= n <= SPEC['words'][1]: "
                "return False, f'{n} words'\n    if re.search(%r, t.replace('\\u2019', \"'\"), re.I): "
                "return False, 'contraction'\n    low = re.findall(r'[a-z]+', t.lower())\n"
                "    if set(low) & set(SPEC['slang']): return False, 'casual word'\n"
                "    return True, 'ok'\n") % (ANSWER, CONTRACTIONS)
    elif level == 2:
        topic = r.choice(["why the sky is blue", "how plants drink water", "what the moon is"])
        prompt = (f"Explain {topic} to a five-year-old, in {ANSWER}: 4 to 10 sentences, every "
                  "sentence at most 12 words, no word longer than 10 letters, and talk to the "
                  "child directly (use 'you').")
        text = {"why the sky is blue": "The sun sends light to us. Light has many colours. "
                "The air bumps the blue light the most. So blue light goes all over the sky. "
                "That is why you see a blue sky.",
                "how plants drink water": "Plants have roots under the ground. The roots soak "
                "up water like a straw. The water goes up the stem. Then it goes into each "
                "leaf. That is how you can see a plant stay green.",
                "what the moon is": "The moon is a big ball of rock. It goes round and round "
                "our world. It has no light of its own. It shines with light from the sun. At "
                "night you can see it up high."}[topic]
        spec = {}
        code = ("def check(ws):\n    t = read(%r)\n    if t is None: return False, 'no answer'\n"  # noqa: UP031
                "    if t.lstrip().startswith('```'): return False, 'code fence'\n"
                "    s = [x for x in re.split(r'[.!?]+', t) if x.strip()]\n"
                "    if not 4 <= len(s) <= 10: return False, f'{len(s)} sentences'\n"
                "    if any(len(x.split()) > 12 for x in s): return False, 'long sentence'\n"
                "    if any(len(w) > 10 for w in re.findall(r'[A-Za-z]+', t)): return False, "
                "'long word'\n    if not re.search(r'\\byou\\b', t, re.I): return False, "
                "'no you'\n    return True, 'ok'\n") % ANSWER
    else:
        n = r.randint(3, 4)
        topic = r.choice(["a voyage", "the weather at sea", "a lost map"])
        prompt = (f"Write about {topic} in {ANSWER} in a pirate's voice throughout: {n} "
                  "sections, each starting with a line '## <heading>' and holding at least 50 "
                  "words, and every section using at least two of these words: "
                  + ", ".join(PIRATE) + ".")
        text = "".join(f"## Part {i}\n\nArr, matey, ye listen well. {paragraph(r, 50)}\n\n"
                       for i in range(1, n + 1))
        spec = {"n": n, "pirate": PIRATE}
        code = ("def check(ws):\n    t = read(%r)\n    if t is None: return False, 'no answer'\n"  # noqa: UP031
                "    if t.lstrip().startswith('```'): return False, 'code fence'\n"
                "    secs = re.split(r'^## .*$', t, flags=re.M)[1:]\n"
                "    if len(secs) < SPEC['n']: return False, f'{len(secs)} sections'\n"
                "    for i, s in enumerate(secs):\n        words = set(re.findall(r'[a-z]+', "
                "s.lower()))\n        if len(s.split()) < 50: return False, f'section {i + 1} "
                "short'\n        if len(words & set(SPEC['pirate'])) < 2: return False, "
                "f'section {i + 1} drops the voice'\n    return True, 'ok'\n") % ANSWER
    code = f"SPEC = json.loads({json.dumps(json.dumps(spec))})\n" + code
    return Instance(P, level, seed, prompt, ({"kind": "python", "name": "style", "code": code},),
                    (write(ANSWER, text + "\n"),))
