"""regex-extract grader (python-grade protocol)."""

import json
from pathlib import Path

EXPECTED = {
    "emails": ["bob_smith@mail.example.org", "jane.doe@example.com", "k.osei@example.net",
               "li.wei+orders@shop.example.co.uk", "maria@example.com"],
    "order_ids": ["ORD-123456", "ORD-204518", "ORD-204519", "ORD-300001", "ORD-300002",
                  "ORD-300003"],
    "phones": ["+15550101234", "+15550102468", "+15550103000", "+15550107777",
               "+15550109999"],
}
RULES = {
    "emails": "every well-formed address (the domain has a dot; support-bot@localhost and "
              "noreply@ do not count), lowercased, without trailing punctuation, unique, sorted",
    "order_ids": "every ORD- followed by exactly 6 digits that is not glued to a letter or "
                 "digit before it or a digit after it (not ORD-12345, ORD-1234567, "
                 "XORD-777777, ORD_555555), unique, sorted",
    "phones": "every 10-digit US phone number (optionally +1 or 1- first; separators space, "
              "dot, hyphen, or parentheses around the area code) normalised to +1 and 10 "
              "digits; the 7-digit 555-0101 is not one; unique, sorted",
}


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def grade(transcript, workspace_path):
    path = Path(workspace_path) / "extracted.json"
    data, problem = None, "extracted.json missing"
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = ""
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"extracted.json is not JSON: {exc}"
    shaped = isinstance(data, dict) and sorted(data) == sorted(EXPECTED) and all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in data.values())
    if data is not None and not shaped:
        problem = f"keys {sorted(data) if isinstance(data, dict) else type(data).__name__}"
    out = [_rec("json-shape", shaped, 0.1,
                "extracted.json is a JSON object with exactly the keys emails, order_ids and "
                "phones, each a list of strings", problem)]
    for key, weight in (("emails", 0.3), ("order_ids", 0.3), ("phones", 0.3)):
        got = data.get(key) if isinstance(data, dict) else None
        if isinstance(got, list) and got != EXPECTED[key]:
            as_set, want = set(map(str, got)), set(EXPECTED[key])
            detail = (f"missing {sorted(want - as_set)}, unexpected {sorted(as_set - want)}"
                      + ("; not sorted or has duplicates" if as_set == want else ""))
        else:
            detail = "" if got == EXPECTED[key] else f"no list under '{key}'"
        out.append(_rec(key, got == EXPECTED[key], weight, f"{key}: {RULES[key]}", detail))
    return out
