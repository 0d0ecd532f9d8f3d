#!/usr/bin/env bash
# A plausible wrong solution: forgets the lunch break (M4 lands on Tue 11:00-13:00). Must
# score below 0.5.
set -euo pipefail
python3 - <<'PY'
import json
from pathlib import Path

req = json.loads(Path("requests.json").read_text())


def mins(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def hhmm(m):
    return f"{m // 60:02d}:{m % 60:02d}"


work = (mins(req["work_hours"]["start"]), mins(req["work_hours"]["end"]))
lunch = (mins(req["lunch"]["start"]), mins(req["lunch"]["end"]))
taken = {p: [(b["day"], mins(b["start"]), mins(b["end"])) for b in blocks]
         for p, blocks in req["busy"].items()}


def free(person, day, start, end):
    return all(not (d == day and s < end and start < e) for d, s, e in taken.get(person, []))


scheduled, unscheduled = [], []
for m in req["meetings"]:
    placed = None
    for day in req["week"]:
        if day > m.get("deadline", "9999") or day < m.get("not_before", ""):
            continue
        for start in range(work[0], work[1] - m["minutes"] + 1, req["slot_minutes"]):
            end = start + m["minutes"]
            if all(free(p, day, start, end) for p in m["participants"]):
                placed = (day, start, end)
                break
        if placed:
            break
    if placed is None:
        unscheduled.append(m["id"])
        continue
    day, start, end = placed
    for p in m["participants"]:
        taken.setdefault(p, []).append(placed)
    scheduled.append({"id": m["id"], "day": day, "start": hhmm(start), "end": hhmm(end)})
Path("schedule.json").write_text(json.dumps({"scheduled": scheduled, "unscheduled": unscheduled}, indent=2) + "\n")
PY
