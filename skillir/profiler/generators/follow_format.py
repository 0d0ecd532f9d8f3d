"""follow.format: L1 a named format (JSON); L2 fill a template exactly; L3 several format
constraints at once (byte limit, sorted keys, lower case, types)."""

from __future__ import annotations

import json

from skillir.profiler.generators._words import NOUNS
from skillir.profiler.instance import Instance, rng_for, write

P = "follow.format"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        name, qty = r.choice(NOUNS), r.randint(1, 99)
        value = {"item": name, "quantity": qty}
        prompt = (f"Record that we have {qty} of '{name}' as JSON in order.json, with the keys "
                  "item (a string) and quantity (an integer).")
        return Instance(P, level, seed, prompt, ({"kind": "json", "name": "json",
                                                  "path": "order.json", "value": value},),
                        (write("order.json", json.dumps(value) + "\n"),))
    if level == 2:
        who, n, status = r.choice(["Ana", "Bo", "Cy"]), r.randint(2, 40), r.choice(
            ["GREEN", "AMBER", "RED"])
        template = ("REPORT\n======\nOwner: <owner>\nOpen tickets: <count>\nStatus: <status>\n"
                    "-- end --")
        text = template.replace("<owner>", who).replace("<count>", str(n)).replace(
            "<status>", status) + "\n"
        prompt = (f"Fill in this template exactly (same lines, same punctuation) and save it as "
                  f"report.txt: owner {who}, count {n}, status {status}.\n\n{template}")
        return Instance(P, level, seed, prompt, ({"kind": "text", "name": "template",
                                                  "path": "report.txt", "mode": "lines",
                                                  "expected": text},),
                        (write("report.txt", text),))
    keys = r.sample(["zone", "alpha", "mode", "count", "label", "owner", "ratio"], 5)
    value = {k: (r.randint(1, 999) if k in ("count", "ratio") else r.choice(NOUNS).lower())
             for k in keys}
    limit = len(json.dumps(value, sort_keys=True, separators=(",", ":"))) + r.randint(0, 8)
    prompt = ("Write data.json holding exactly these entries: " + ", ".join(
        f"{k} = {json.dumps(v)}" for k, v in value.items())
        + f". Constraints, all at once: at most {limit} bytes; keys in alphabetical order; "
        "every string value in lower case; numbers as JSON integers; one line.")
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    code = ("def check(ws):\n"
            "    t = read('data.json')\n"
            "    if t is None: return False, 'not found'\n"
            f"    if len(t.rstrip('\\n').encode()) > {limit}: return False, 'too long'\n"
            "    if len(t.strip().splitlines()) != 1: return False, 'not one line'\n"
            "    try: d = json.loads(t)\n"
            "    except ValueError: return False, 'not JSON'\n"
            f"    if d != {value!r}: return False, 'wrong entries'\n"
            "    if list(d) != sorted(d): return False, 'keys not sorted'\n"
            "    if any(isinstance(v, str) and v != v.lower() for v in d.values()): "
            "return False, 'upper case'\n"
            "    return True, 'ok'\n")
    return Instance(P, level, seed, prompt, ({"kind": "python", "name": "format", "code": code},),
                    (write("data.json", text + "\n"),))
