"""Grader for error_report: errors.txt holds the ERROR lines, summary.json counts them."""
import json
import os

EXPECTED = [
    "2026-01-05 10:00:02 ERROR disk quota exceeded on /data",
    "2026-01-05 10:00:05 ERROR connection reset by peer",
    "2026-01-05 10:00:07 ERROR timeout talking to db",
]


def _text(path):
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError):
        return None


def grade(transcript, workspace_path):
    errors = _text(os.path.join(workspace_path, "errors.txt"))
    lines = errors.splitlines() if errors is not None else None
    raw = _text(os.path.join(workspace_path, "summary.json"))
    try:
        summary = json.loads(raw) if raw is not None else None
    except json.JSONDecodeError:
        summary = None
    return [
        {"id": "errors-lines", "score": 1.0 if lines == EXPECTED else 0.0, "weight": 0.5,
         "description": "errors.txt holds exactly the three ERROR lines, in order",
         "details": None if lines == EXPECTED else f"got {lines!r}"},
        {"id": "summary", "score": 1.0 if summary == {"errors": 3, "first": "disk quota exceeded on /data"} else 0.0,
         "weight": 0.5, "description": "summary.json counts 3 errors and names the first",
         "details": f"got {raw!r}"},
    ]
