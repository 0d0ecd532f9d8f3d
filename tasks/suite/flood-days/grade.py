"""flood-days grader (python-grade protocol)."""

import csv
import io
from pathlib import Path

EXPECTED = [("04099000", 4), ("04101500", 3), ("04096405", 1)]


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def grade(transcript, workspace_path):
    path = Path(workspace_path) / "output" / "flood_results.csv"
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    table = [r for r in csv.reader(io.StringIO(text or "")) if r]
    header, body = (table[0], table[1:]) if table else ([], [])
    rows = []
    for r in body:
        try:
            rows.append((r[0].strip(), int(r[1])))
        except (IndexError, ValueError):
            rows.append(tuple(r))
    out = [_rec("header", [h.strip() for h in header] == ["station_id", "flood_days"], 0.1,
                "output/flood_results.csv has the header station_id,flood_days",
                "output/flood_results.csv missing" if text is None else f"header {header}")]
    stations = sorted(str(r[0]) for r in rows)
    want = sorted(s for s, _ in EXPECTED)
    out.append(_rec("stations", stations == want, 0.35,
                    "exactly the stations whose daily maximum reached the flood stage (>=, so "
                    "a peak equal to the stage counts) on at least one day of April 1-7 are "
                    "listed, each once", f"expected {want}; got {stations}"))
    wrong = [f"{s}: got {dict((r[0], r[1]) for r in rows if len(r) == 2).get(s)}, want {n}"
             for s, n in EXPECTED if (s, n) not in rows]
    out.append(_rec("flood-days", bool(rows) and not wrong, 0.4,
                    "flood_days counts the days of April 1-7 whose maximum reading is at or "
                    "above the flood stage (daily maximum, not mean; readings of March 31 and "
                    "April 8 do not count; empty readings are skipped)", "; ".join(wrong)))
    out.append(_rec("sorted", rows == EXPECTED, 0.15,
                    "rows are sorted by flood_days, most first, ties by station_id",
                    f"got {rows}"))
    return out
