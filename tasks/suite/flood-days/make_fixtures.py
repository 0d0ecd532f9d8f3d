"""Writes the flood-days fixtures (synthetic 3-hourly gage heights and flood stages for four
USGS-style station ids) from a fixed seed, standard library only:
`python3 tasks/suite/flood-days/make_fixtures.py`. The data are invented; only the layout
follows USGS instantaneous values.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

STAGES = {  # station -> NWS-style stages in feet
    "04096405": {"action": 13.0, "flood": 15.0, "moderate": 16.5, "major": 18.0},
    "04097500": {"action": 5.0, "flood": 6.0, "moderate": 7.0, "major": 8.0},
    "04099000": {"action": 8.0, "flood": 9.0, "moderate": 10.5, "major": 12.0},
    "04101500": {"action": 9.0, "flood": 10.0, "moderate": 11.0, "major": 13.0},
}
BASE = {"04096405": 12.0, "04097500": 4.6, "04099000": 7.5, "04101500": 8.0}
PEAKS = {  # (station, date) -> the peak reading of that day (one 3-hour reading)
    ("04101500", "2025-03-31"): 11.2, ("04101500", "2025-04-02"): 10.4,
    ("04101500", "2025-04-03"): 10.0, ("04101500", "2025-04-04"): 10.9,
    ("04101500", "2025-04-08"): 12.1,
    ("04096405", "2025-04-05"): 15.0,
    ("04097500", "2025-04-03"): 5.8, ("04097500", "2025-04-04"): 5.95,
    ("04099000", "2025-04-01"): 9.6, ("04099000", "2025-04-02"): 9.2,
    ("04099000", "2025-04-06"): 10.8, ("04099000", "2025-04-07"): 9.05,
}


def readings() -> list[tuple[str, str, str]]:
    rng = random.Random(2025)
    rows = []
    start = dt.datetime(2025, 3, 31)
    for station in sorted(BASE):
        for k in range(9 * 8):
            when = start + dt.timedelta(hours=3 * k)
            day = when.date().isoformat()
            value = BASE[station] + rng.uniform(-0.4, 0.4)
            if (station, day) in PEAKS and when.hour == 12:
                value = PEAKS[(station, day)]
            text = f"{value:.2f}"
            if station == "04099000" and day == "2025-04-03" and when.hour == 9:
                text = ""  # a missing reading (equipment outage)
            rows.append((station, when.strftime("%Y-%m-%d %H:%M"), text))
    return rows


def main() -> None:
    root = Path(__file__).resolve().parent / "fixtures" / "data"
    root.mkdir(parents=True, exist_ok=True)
    lines = ["site_no,datetime,gage_height_ft"] + [",".join(r) for r in readings()]
    (root / "gage_readings.csv").write_text("\n".join(lines) + "\n")
    (root / "flood_stages.json").write_text(json.dumps(STAGES, indent=2) + "\n")
    print(f"wrote {root}")


if __name__ == "__main__":
    main()
