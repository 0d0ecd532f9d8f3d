"""gen.regex: write a Python regular expression to pattern.txt; graded on held-out
examples. L1 literals, classes, quantifiers; L2 groups, alternation, anchors; L3
lookaround and named groups."""

from __future__ import annotations

import json

from skillir.profiler.instance import Instance, rng_for, write

P = "gen.regex"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        tag, n = r.choice(["ERR", "REQ", "INV", "TKT"]), r.randint(3, 5)
        desc = (f"matches (re.search) any text containing '{tag}' immediately followed by "
                f"exactly {n} digits and then a non-digit or the end")
        pattern = tag + r"\d{" + str(n) + r"}(\D|$)"
        pos = [f"x {tag}{'7' * n} y", f"{tag}{'1' * n}", f"see {tag}{'0' * n}."]
        neg = [f"{tag}{'1' * (n - 1)}x", f"{tag.lower()}{'2' * n}", f"{tag}{'3' * (n + 1)}",
               f"{tag}-{'4' * n}"]
        mode = "search"
    elif level == 2:
        kind = r.choice(["date", "kv"])
        if kind == "date":
            desc = ("fully matches (re.fullmatch) a date YYYY-MM-DD or DD/MM/YYYY, with a year "
                    "of 4 digits starting 19 or 20, a month 01-12 and a day 01-31")
            pattern = (r"(?:(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])|"
                       r"(0[1-9]|[12]\d|3[01])/(0[1-9]|1[0-2])/(19|20)\d\d)")
            pos = ["2024-02-29", "1999-12-31", "07/11/2003", "31/01/1950"]
            neg = ["2024-13-01", "1899-01-01", "2024-1-05", "32/01/2000", "2024/01/05",
                   "07-11-2003"]
        else:
            desc = ("fully matches (re.fullmatch) a line 'key=value' where the key is a "
                    "lowercase letter followed by lowercase letters, digits or underscores, "
                    "and the value is either an integer (optional minus) or 'true' or 'false'")
            pattern = r"[a-z][a-z0-9_]*=(-?\d+|true|false)"
            pos = ["port=8080", "debug=true", "max_retries=-3", "a=false"]
            neg = ["Port=1", "port=", "port=1.5", "9x=1", "debug=True", "port =1"]
        mode = "fullmatch"
    else:
        n = r.randint(8, 12)
        desc = (f"fully matches (re.fullmatch) a password of at least {n} characters with no "
                f"whitespace that contains at least one digit, one uppercase letter and one of "
                f"!@#$%, and does not start with a digit. Use lookahead assertions, and name "
                f"the whole password with a named group 'pw'")
        pattern = (r"(?P<pw>(?=\S*\d)(?=\S*[A-Z])(?=\S*[!@#$%])(?!\d)\S{" + str(n) + r",})")
        pos = ["Ab!" + "x" * (n - 4) + "1", "Q" + "z" * (n - 3) + "9%", "#" + "A1" * n]
        neg = ["1Ab!" + "x" * n, "ab!" + "x" * n + "1", "AB1" + "x" * n,
               "Ab!1" + " x" * n, "Ab!1x"]
        mode = "fullmatch"
    prompt = ("Write a Python regular expression (the `re` module) to pattern.txt, alone on "
              f"one line, that {desc}.")
    spec = {"pos": pos, "neg": neg, "mode": mode, "named": level == 3}
    code = (f"SPEC = json.loads({json.dumps(json.dumps(spec))})\n"
            "def check(ws):\n"
            "    t = read('pattern.txt')\n"
            "    if t is None: return False, 'pattern.txt not found'\n"
            "    lines = [ln for ln in t.splitlines() if ln.strip()]\n"
            "    if len(lines) != 1: return False, 'pattern.txt must hold one line'\n"
            "    try: rx = re.compile(lines[0].strip())\n"
            "    except re.error as exc: return False, f'not a regex: {exc}'\n"
            "    f = rx.fullmatch if SPEC['mode'] == 'fullmatch' else rx.search\n"
            "    bad = [s for s in SPEC['pos'] if not f(s)] + [s for s in SPEC['neg'] if f(s)]\n"
            "    if bad: return False, f'wrong on {bad[:2]}'\n"
            "    if SPEC['named'] and 'pw' not in rx.groupindex: return False, 'no group pw'\n"
            "    return True, 'ok'\n")
    checks = [{"kind": "python", "name": "regex", "code": code}]
    return Instance(P, level, seed, prompt, tuple(checks), (write("pattern.txt", pattern + "\n"),))
