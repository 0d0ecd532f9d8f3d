"""tool.call.format: write a function-call object {"name", "arguments"} as JSON. L1 string
arguments; L2 typed, structured arguments; L3 nested arguments with special characters."""

from __future__ import annotations

import json

from skillir.profiler.instance import Instance, rng_for, write

P = "tool.call.format"


def generate(level: int, seed: int) -> Instance:
    r = rng_for(P, level, seed)
    if level == 1:
        name = r.choice(["send_email", "create_note", "search_docs"])
        args = {"to" if name == "send_email" else "title": r.choice(["ops", "ana", "lab"]),
                "text": r.choice(["hello there", "see you soon", "report attached"])}
        desc = ", ".join(f"{k} = the string {v!r}" for k, v in args.items())
    elif level == 2:
        name = "schedule_meeting"
        args = {"title": r.choice(["sync", "review", "retro"]), "duration_min": r.choice(
            [15, 30, 45]), "attendees": r.sample(["ana", "bo", "cy", "dee"], 3),
            "remote": r.random() < 0.5, "priority": round(r.uniform(0, 1), 2)}
        desc = (f"title = the string {args['title']!r}, duration_min = the integer "
                f"{args['duration_min']}, attendees = the list {json.dumps(args['attendees'])}, "
                f"remote = the boolean {json.dumps(args['remote'])}, priority = the number "
                f"{args['priority']}")
    else:
        name = "create_record"
        quote = r.choice(['He said "hi"', 'path C:\\temp\\new', 'tab\there'])
        args = {"record": {"label": quote, "meta": {"tags": ["a/b", "ünï", "x&y<z>"],
                                                    "lines": "first\nsecond"},
                           "values": [[1, 2], [r.randint(3, 9), None]]}, "dry_run": False}
        desc = ("record = an object with label = the string " + json.dumps(quote)
                + " (JSON-escaped as shown), meta = an object with tags = the list "
                '["a/b", "ünï", "x&y<z>"] and lines = a string of two lines "first" and '
                '"second" joined by a newline, values = the nested list '
                + json.dumps(args["record"]["values"]) + "; dry_run = the boolean false")
    call = {"name": name, "arguments": args}
    prompt = (f"Write call.json: a JSON object {{\"name\": ..., \"arguments\": {{...}}}} that "
              f"calls the function {name} with {desc}.")
    return Instance(P, level, seed, prompt, ({"kind": "json", "name": "call", "path": "call.json",
                                              "value": call},),
                    (write("call.json", json.dumps(call, ensure_ascii=False) + "\n"),))
