"""batch-rename grader (python-grade protocol)."""

import csv
import io
import re
from pathlib import Path

CONTENT = {  # original name -> its bytes (the fixtures)
    "IMG_20230914_183012.jpg": "JPEG-bytes evening at the harbour\n",
    "IMG_20230914_090501.jpg": "JPEG-bytes morning market\n",
    "DSC_20230914_120000.JPEG": "JPEG-bytes lunch on the square\n",
    "IMG_20230915_070000.JPG": "JPEG-bytes sunrise over the bay\n",
    "DSC_20230801_235959.jpg": "JPEG-bytes midnight fireworks\n",
    "IMG_20231231_000001.jpeg": "JPEG-bytes new year\n",
}
UNTOUCHED = {"IMG_broken.jpg": "JPEG-bytes no timestamp in the name\n",
             "notes.txt": "Trip notes: keep this file as it is.\n"}
RENAMES = [  # (old, new) sorted by new name
    ("DSC_20230801_235959.jpg", "2023-08-01_01.jpg"),
    ("IMG_20230914_090501.jpg", "2023-09-14_01.jpg"),
    ("DSC_20230914_120000.JPEG", "2023-09-14_02.jpg"),
    ("IMG_20230914_183012.jpg", "2023-09-14_03.jpg"),
    ("IMG_20230915_070000.JPG", "2023-09-15_01.jpg"),
    ("IMG_20231231_000001.jpeg", "2023-12-31_01.jpg"),
]
NEW_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}_\d{2}\.jpg$")


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def _read(path):
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def grade(transcript, workspace_path):
    photos = Path(workspace_path) / "photos"
    names = sorted(p.name for p in photos.iterdir()) if photos.is_dir() else []
    new_names = sorted(n for n in names if NEW_NAME.match(n))
    expected_new = sorted(new for _, new in RENAMES)
    worked = bool(new_names)
    out = [_rec("renamed-set", new_names == expected_new, 0.25,
                "photos/ holds exactly the new names YYYY-MM-DD_NN.jpg for the six timestamped "
                "photos (lowercase .jpg, two-digit per-day sequence)",
                f"expected {expected_new}; got {new_names}")]
    wrong = [f"{new} (should hold {old})" for old, new in RENAMES
             if _read(photos / new) != CONTENT[old]]
    out.append(_rec("content-follows-name", not wrong, 0.45,
                    "each new file holds the photo it was renamed from: the sequence number NN "
                    "counts the photos of one day in time-of-day order (HHMMSS), from 01",
                    f"wrong or missing: {wrong}" if wrong else ""))
    left = [old for old, _ in RENAMES if old in names]
    out.append(_rec("originals-gone", worked and not left, 0.1,
                    "the photos were renamed (moved), not copied: no old name is left "
                    "(counts only once something was renamed)", f"still present: {left}"))
    touched = [n for n, c in UNTOUCHED.items() if _read(photos / n) != c]
    out.append(_rec("others-untouched", worked and not touched, 0.05,
                    "files that do not match PREFIX_YYYYMMDD_HHMMSS.ext (IMG_broken.jpg, "
                    "notes.txt) keep their names and contents (counts only once something "
                    "was renamed)", f"changed: {touched}" if touched else ""))
    log = Path(workspace_path) / "rename_log.csv"
    text = _read(log) if log.is_file() else None
    rows = list(csv.reader(io.StringIO(text))) if text else []
    expected_rows = [["old", "new"]] + [[o, n] for o, n in RENAMES]
    rows = [[c.strip() for c in r] for r in rows if r]
    out.append(_rec("rename-log", rows == expected_rows, 0.15,
                    "rename_log.csv has the header old,new and one row per rename (file names "
                    "only), sorted by the new name",
                    "rename_log.csv missing" if text is None else f"got {rows[:8]}"))
    return out
