#!/usr/bin/env bash
# Reference solution of file-organize: run from the workspace root (stdlib Python only).
set -euo pipefail
python3 - <<'PY'
import json
import shutil
from pathlib import Path

CATEGORIES = {
    "documents": (".pdf", ".txt", ".md", ".docx"),
    "images": (".jpg", ".jpeg", ".png", ".gif", ".svg"),
    "audio": (".mp3", ".wav", ".m4a", ".flac"),
    "spreadsheets": (".csv", ".xlsx"),
    "archives": (".zip", ".tar.gz", ".tgz"),
}


def category(name: str) -> str:
    lower = name.lower()
    for cat, exts in CATEGORIES.items():
        if any(lower.endswith(ext) for ext in exts):
            return cat
    return "other"


counts: dict[str, int] = {}
for path in sorted(Path("downloads").iterdir()):
    if path.name.startswith(".") or not path.is_file():
        continue
    cat = category(path.name)
    dest = Path("organized", cat)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), dest / path.name)
    counts[cat] = counts.get(cat, 0) + 1
Path("organized/summary.json").write_text(json.dumps(dict(sorted(counts.items())), indent=2))
PY
