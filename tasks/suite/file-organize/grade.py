"""file-organize grader (python-grade protocol)."""

import json
from pathlib import Path

PLACEMENT = {  # file -> category folder under organized/
    "report.pdf": "documents", "Invoice_March.PDF": "documents", "notes.txt": "documents",
    "README.md": "documents", "letter.docx": "documents",
    "photo1.jpg": "images", "Screenshot.PNG": "images", "logo.svg": "images",
    "song.mp3": "audio", "podcast.M4A": "audio",
    "data.csv": "spreadsheets", "budget.xlsx": "spreadsheets",
    "backup.tar.gz": "archives", "project.zip": "archives",
    "setup.sh": "other", "Makefile": "other",
}
CONTENT = {
    "report.pdf": "%PDF-1.4 quarterly report (stand-in bytes)\n",
    "Invoice_March.PDF": "%PDF-1.4 invoice (stand-in bytes)\n", "notes.txt": "meeting notes\n",
    "README.md": "# readme\n", "letter.docx": "PK docx stand-in\n",
    "photo1.jpg": "JPEG stand-in 1\n", "Screenshot.PNG": "PNG stand-in\n",
    "logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n", "song.mp3": "ID3 stand-in\n",
    "podcast.M4A": "m4a stand-in\n", "data.csv": "a,b\n1,2\n",
    "budget.xlsx": "PK xlsx stand-in\n", "backup.tar.gz": "gzip stand-in\n",
    "project.zip": "PK zip stand-in\n", "setup.sh": "#!/bin/sh\necho setup\n",
    "Makefile": "all:\n\techo hi\n",
}
SUMMARY = {"archives": 2, "audio": 2, "documents": 5, "images": 3, "other": 2, "spreadsheets": 2}


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def _read(path):
    try:
        return path.read_text(encoding="utf-8") if path.is_file() else None
    except (OSError, UnicodeDecodeError):
        return None


def grade(transcript, workspace_path):
    ws = Path(workspace_path)
    org = ws / "organized"
    found = {}
    if org.is_dir():
        for p in sorted(org.rglob("*")):
            if p.is_file() and p.name != "summary.json":
                found.setdefault(p.name, []).append(p.relative_to(org).as_posix())
    wrong = [f"{name} -> {found.get(name)} (want {cat}/{name})"
             for name, cat in PLACEMENT.items()
             if found.get(name) != [f"{cat}/{name}"]
             or _read(org / cat / name) != CONTENT[name]]
    extra = sorted(n for n in found if n not in PLACEMENT)
    out = [_rec("placement", not wrong and not extra, 0.5,
                "every file of downloads/ is in organized/<category>/ under its own name with "
                "its content intact, categories by extension ignoring case (.tar.gz is an "
                "archive; files without a known extension go to other/)",
                f"wrong: {wrong[:6]}" + (f"; unexpected {extra}" if extra else ""))]
    worked = bool(found)
    dl = ws / "downloads"
    left = sorted(p.name for p in dl.iterdir()) if dl.is_dir() else []
    out.append(_rec("moved-not-copied", worked and left == [".hidden"], 0.15,
                    "files were moved, not copied: downloads/ keeps only its hidden file "
                    "(counts only once something was organised)", f"downloads/ holds {left}"))
    out.append(_rec("hidden-untouched", worked and _read(dl / ".hidden") == "dotfile: stays\n",
                    0.1, "the hidden file downloads/.hidden stays where it is, unchanged (counts "
                    "only once something was organised)", ""))
    summary = _read(org / "summary.json")
    try:
        data = json.loads(summary) if summary is not None else None
    except json.JSONDecodeError:
        data = None
    out.append(_rec("summary", data == SUMMARY, 0.25,
                    "organized/summary.json maps each non-empty category to its file count",
                    "summary.json missing" if summary is None else f"got {summary[:200]}"))
    return out
