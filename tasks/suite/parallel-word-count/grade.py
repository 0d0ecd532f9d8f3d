"""parallel-word-count grader (python-grade protocol)."""

import json
from pathlib import Path

FILES = {"chapter_01.txt": 76, "chapter_02.txt": 126, "chapter_03.txt": 129,
         "chapter_04.txt": 71, "chapter_05.txt": 117, "chapter_06.txt": 112,
         "chapter_07.txt": 89, "chapter_08.txt": 135}
TOTAL = 855
TOP = [("the", 64), ("of", 53), ("a", 47), ("it", 34), ("and", 32), ("ir", 30), ("skill", 24),
       ("compiler", 23), ("model", 23), ("gap", 22)]


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def grade(transcript, workspace_path):
    path = Path(workspace_path) / "wordcount.json"
    data, problem = None, "wordcount.json missing"
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            problem = ""
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            problem = f"not JSON: {exc}"
    shaped = isinstance(data, dict) and isinstance(data.get("files"), dict) \
        and isinstance(data.get("top"), list) and "total" in data
    out = [_rec("json-shape", shaped, 0.1,
                "wordcount.json is an object with 'files' (file name -> count), 'total' and "
                "'top' (a list of {word, count})", problem or f"got keys {list(data or {})}")]
    files = data.get("files") if shaped else None
    out.append(_rec("per-file-counts", files == FILES, 0.4,
                    "files maps each texts/*.txt file name (and no other file, e.g. not "
                    "notes.md) to its word count, a word being a maximal run of letters a-z "
                    "after lowercasing (well-known is 2 words, 2024 is none)",
                    f"got {files}"))
    out.append(_rec("total", shaped and data.get("total") == TOTAL, 0.15,
                    "total is the sum of the per-file counts, 855",
                    f"got {data.get('total') if shaped else None}"))
    top = None
    if shaped:
        try:
            top = [(t["word"], t["count"]) for t in data["top"]]
        except (KeyError, TypeError):
            top = "malformed"
    out.append(_rec("top-10", top == TOP, 0.35,
                    "top lists the 10 most frequent words over all chapters with their counts, "
                    "most frequent first, ties in alphabetical order (gap before level at 22)",
                    f"got {top}"))
    return out
