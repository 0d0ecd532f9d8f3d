"""reason.analysis: L1 what a snippet does (multiple choice); L2 the line of a bug; L3
the root cause (file and line) of a failure across files."""

from __future__ import annotations

from skillir.profiler.instance import ANSWER, ANSWER_RULE, Instance, answer, rng_for

P = "reason.analysis"
FUNCS = {
    "sum of the list": "def f(xs):\n    t = 0\n    for x in xs:\n        t += x\n    return t\n",
    "largest element": "def f(xs):\n    m = xs[0]\n    for x in xs:\n        if x > m:\n"
                       "            m = x\n    return m\n",
    "reversed list": "def f(xs):\n    out = []\n    for x in xs:\n        out.insert(0, x)\n"
                     "    return out\n",
    "number of vowels": "def f(s):\n    return sum(1 for c in s.lower() if c in 'aeiou')\n",
    "factorial": "def f(n):\n    r = 1\n    for i in range(2, n + 1):\n        r *= i\n"
                 "    return r\n",
}
BUGS = [
    ("def average(xs):\n    total = 0\n    for x in xs:\n        total += x\n"
     "    return total / (len(xs) - 1)\n", 5, "the average of a list"),
    ("def last_item(xs):\n    n = len(xs)\n    return xs[n]\n", 3, "the last item of a list"),
    ("def is_even(n):\n    if n % 2 == 1:\n        return True\n    return False\n", 2,
     "whether n is even"),
    ("def count_pos(xs):\n    c = 0\n    for x in xs:\n        if x >= 0:\n            c += 1\n"
     "    return c\n", 4, "how many numbers are strictly positive"),
]


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    files: dict[str, str] = {}
    if level == 1:
        labels = list(FUNCS)
        r.shuffle(labels)
        right = r.choice(labels)
        files["snippet.py"] = FUNCS[right]
        opts = " ".join(f"({chr(65 + i)}) {lab}" for i, lab in enumerate(labels))
        q = (f"What does the function in snippet.py return? Options: {opts}. Answer with the "
             "option's words exactly as written (without the letter).")
        want = right
    elif level == 2:
        code, line, purpose = r.choice(BUGS)
        files["code.py"] = code
        q = (f"The function in code.py should return {purpose}, but it has one bug. On which "
             "line number (1-based) is the bug? Answer as 'line N'.")
        want = f"line {line}"
    else:
        port = r.randint(5000, 9000)
        wrong = port + r.choice([1, 10, 100])
        key = r.choice(["db_port", "cache_port", "queue_port"])
        pad = r.randint(2, 6)
        files["config/settings.ini"] = ("[service]\n" + "".join(f"opt{i} = {i}\n"
                                                             for i in range(pad))
                                        + f"{key} = {wrong}\n")
        files["app/server.py"] = (
            "from app.client import connect\n\ndef start(settings):\n"
            f"    return connect(int(settings['{key}']))\n")
        files["app/client.py"] = (f"LISTENING = {port}\n\ndef connect(port):\n"
                                  "    if port != LISTENING:\n"
                                  "        raise ConnectionError(f'nothing listens on {port}')\n"
                                  "    return True\n")
        files["error.log"] = f"ConnectionError: nothing listens on {wrong}\n"
        q = ("The service fails with the error in error.log. Find the root cause across the "
             "files in config/ and app/: which file and line hold the wrong value? Answer as "
             "'path:line' (path relative to the working directory, line 1-based).")
        want = f"config/settings.ini:{pad + 2}"
    checks = ({"kind": "text", "name": "answer", "path": ANSWER, "expected": want, "mode": "ci"},)
    return Instance(P, level, seed, f"{q} {ANSWER_RULE}", checks, (answer(want),), files)
