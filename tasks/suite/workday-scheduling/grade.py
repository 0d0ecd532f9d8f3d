"""workday-scheduling grader (python-grade protocol)."""

import json
import re
from pathlib import Path

REQUEST = {'week': ['2025-03-10', '2025-03-11', '2025-03-12', '2025-03-13', '2025-03-14'],
 'work_hours': {'start': '09:00', 'end': '17:00'},
 'lunch': {'start': '12:00', 'end': '13:00'},
 'slot_minutes': 30,
 'busy': {'ana': [{'day': '2025-03-10', 'start': '09:00', 'end': '11:00'},
                  {'day': '2025-03-11', 'start': '13:00', 'end': '17:00'}],
          'ben': [{'day': '2025-03-10', 'start': '10:30', 'end': '12:00'},
                  {'day': '2025-03-10', 'start': '14:00', 'end': '15:30'}],
          'chen': [{'day': '2025-03-10', 'start': '09:00', 'end': '17:00'}],
          'dara': [{'day': '2025-03-12', 'start': '09:00', 'end': '10:00'}]},
 'meetings': [{'id': 'M1',
               'title': 'Design review',
               'participants': ['ana', 'ben'],
               'minutes': 60},
              {'id': 'M2',
               'title': 'Ana / Chen 1:1',
               'participants': ['ana', 'chen'],
               'minutes': 30},
              {'id': 'M3',
               'title': 'Sprint planning',
               'participants': ['ana', 'ben', 'chen', 'dara'],
               'minutes': 90,
               'deadline': '2025-03-11'},
              {'id': 'M4', 'title': 'Budget', 'participants': ['ben', 'dara'], 'minutes': 120},
              {'id': 'M5',
               'title': 'Retro',
               'participants': ['ana', 'ben', 'chen'],
               'minutes': 60,
               'deadline': '2025-03-10'},
              {'id': 'M6',
               'title': 'Hiring sync',
               'participants': ['chen', 'dara'],
               'minutes': 45,
               'not_before': '2025-03-12'}]}  # a copy of fixtures/requests.json (the test suite checks they are equal)
EXPECTED = [{"id": "M1", "day": "2025-03-10", "start": "13:00", "end": "14:00"},
            {"id": "M2", "day": "2025-03-11", "start": "09:00", "end": "09:30"},
            {"id": "M3", "day": "2025-03-11", "start": "09:30", "end": "11:00"},
            {"id": "M4", "day": "2025-03-11", "start": "13:00", "end": "15:00"},
            {"id": "M6", "day": "2025-03-12", "start": "10:00", "end": "10:45"}]
UNSCHEDULED = ["M5"]
HHMM = re.compile(r"^\d{2}:\d{2}$")


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def _mins(text):
    return int(text[:2]) * 60 + int(text[3:])


def _problems(entries):
    """Every rule a proposed schedule breaks (empty list: feasible)."""
    meetings = {m["id"]: m for m in REQUEST["meetings"]}
    work = (_mins(REQUEST["work_hours"]["start"]), _mins(REQUEST["work_hours"]["end"]))
    lunch = (_mins(REQUEST["lunch"]["start"]), _mins(REQUEST["lunch"]["end"]))
    taken = {p: [(b["day"], _mins(b["start"]), _mins(b["end"])) for b in blocks]
             for p, blocks in REQUEST["busy"].items()}
    problems, seen = [], set()
    for e in entries:
        m = meetings.get(e["id"])
        if m is None or e["id"] in seen:
            problems.append(f"{e['id']}: unknown or repeated meeting")
            continue
        seen.add(e["id"])
        day, start, end = e["day"], _mins(e["start"]), _mins(e["end"])
        if end - start != m["minutes"]:
            problems.append(f"{e['id']}: lasts {end - start} min, not {m['minutes']}")
        if day not in REQUEST["week"]:
            problems.append(f"{e['id']}: {day} is not a day of the week")
        if day > m.get("deadline", "9999") or day < m.get("not_before", ""):
            problems.append(f"{e['id']}: {day} breaks its deadline / not_before")
        if start < work[0] or end > work[1] or start % REQUEST["slot_minutes"]:
            problems.append(f"{e['id']}: {e['start']}-{e['end']} outside working hours or "
                            "not on a slot boundary")
        if start < lunch[1] and lunch[0] < end:
            problems.append(f"{e['id']}: overlaps lunch")
        for p in m["participants"]:
            for d, s, t in taken.get(p, []):
                if d == day and s < end and start < t:
                    problems.append(f"{e['id']}: {p} is busy {day} at that time")
                    break
            taken.setdefault(p, []).append((day, start, end))
    return problems


def grade(transcript, workspace_path):
    path = Path(workspace_path) / "schedule.json"
    data, problem = None, "schedule.json missing"
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = ""
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"not JSON: {exc}"
    entries = data.get("scheduled") if isinstance(data, dict) else None
    shaped = isinstance(entries, list) and isinstance(data.get("unscheduled"), list) and all(
        isinstance(e, dict) and isinstance(e.get("id"), str)
        and isinstance(e.get("day"), str) and HHMM.match(str(e.get("start")))
        and HHMM.match(str(e.get("end"))) for e in entries)
    out = [_rec("json-shape", shaped, 0.1,
                "schedule.json is {\"scheduled\": [{id, day, start HH:MM, end HH:MM}], "
                "\"unscheduled\": [ids]}", problem or ("" if shaped else f"got {str(data)[:200]}"))]
    broken = _problems(entries) if shaped else ["no readable schedule"]
    out.append(_rec("feasible", shaped and bool(entries) and not broken, 0.35,
                    "every scheduled meeting has its length, lies within 09:00-17:00 on a 30-minute "
                    "boundary, avoids lunch 12:00-13:00, respects its deadline / not_before day, "
                    "and none of its participants is busy or in another meeting then",
                    "; ".join(broken[:4])))
    exact = shaped and entries == EXPECTED and data.get("unscheduled") == UNSCHEDULED
    out.append(_rec("earliest-slots", exact, 0.55,
                    "meetings are placed in the listed order, each at the earliest feasible "
                    "(day, start): M1 Mon 13:00, M2 Tue 09:00, M3 Tue 09:30, M4 Tue 13:00, "
                    "M6 Wed 10:00; M5 cannot fit before its deadline and is unscheduled",
                    "" if exact else f"got {str(data)[:300]}"))
    return out
