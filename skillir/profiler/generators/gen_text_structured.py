"""gen.text.structured: L1 a flat JSON object under 500 bytes; L2 nested JSON under 5 KB;
L3 deeply nested JSON over 5 KB, built by a stated rule."""

from __future__ import annotations

import json

from skillir.profiler.instance import Instance, rng_for, write

P = "gen.text.structured"
KEYS = "name city colour animal planet metal river tree".split()
VALS = "lima oslo teal otter mars iron nile oak rome jade lynx zinc".split()


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        keys = r.sample(KEYS, r.randint(3, 5))
        value = {k: r.choice(VALS) for k in keys}
        value["count"] = r.randint(1, 99)
        prompt = ("Write config.json: one flat JSON object with exactly these entries: "
                  + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items())
                  + " (strings as strings, numbers as numbers). Keep it under 500 bytes.")
        limits = (1, 499)
    elif level == 2:
        users = []
        for i in range(r.randint(3, 5)):
            users.append({"id": i + 1, "name": r.choice(VALS), "address": {
                "city": r.choice(VALS), "zip": f"{r.randint(10000, 99999)}"},
                "tags": r.sample(KEYS, 2), "active": r.random() < 0.5})
        value = {"version": r.randint(1, 9), "users": users}
        prompt = ("Write users.json, a JSON object equal to this description: version = "
                  f"{value['version']}; users = a list, in order, of: "
                  + "; ".join(f"id {u['id']}, name {u['name']!r}, address with city "
                              f"{u['address']['city']!r} and zip {u['address']['zip']!r} (a "
                              f"string), tags {u['tags']}, active {str(u['active']).lower()}"
                              for u in users)
                  + ". Use the key names version, users, id, name, address, city, zip, tags, "
                  "active. Under 5 KB.")
        limits = (1, 5119)
    else:
        ncat, nprod = r.randint(5, 6), r.randint(7, 9)
        mult = r.randint(2, 9)
        value = {"catalog": {"categories": [
            {"id": f"c{i}", "products": [
                {"sku": f"c{i}-p{j}", "price": i * j * mult,
                 "specs": {"dims": {"w": i, "h": j}, "ok": (i + j) % 2 == 0}}
                for j in range(1, nprod + 1)]}
            for i in range(1, ncat + 1)]}}
        prompt = (f"Write catalog.json, over 5 KB and exactly this structure: {{\"catalog\": "
                  f"{{\"categories\": [...]}}}} with categories i = 1..{ncat} in order, each "
                  f"{{\"id\": \"c<i>\", \"products\": [...]}} with products j = 1..{nprod} in "
                  f"order, each {{\"sku\": \"c<i>-p<j>\", \"price\": i*j*{mult} (an integer), "
                  "\"specs\": {\"dims\": {\"w\": i, \"h\": j}, \"ok\": true when i+j is even "
                  "else false}}. Pretty-print it with an indent of 2.")
        limits = (5121, 4 << 20)
    path = {1: "config.json", 2: "users.json", 3: "catalog.json"}[level]
    text = json.dumps(value, indent=2 if level == 3 else None) + "\n"
    checks = [{"kind": "json", "name": "value", "path": path, "value": value},
              {"kind": "size", "name": "size", "path": path, "min": limits[0],
               "max": limits[1]}]
    return Instance(P, level, seed, prompt, tuple(checks), (write(path, text),))
