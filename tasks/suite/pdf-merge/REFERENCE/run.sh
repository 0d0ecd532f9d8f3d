#!/usr/bin/env bash
# Reference solution of pdf-merge: run from the workspace root. Needs pypdf (declared in
# task.json "dependencies").
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

from pypdf import PdfReader, PdfWriter

files = sorted(p for p in Path("input").iterdir() if p.suffix.lower() == ".pdf")
Path("files.txt").write_text("".join(f"{p}\n" for p in files))
writer = PdfWriter()
for path in files:
    for page in PdfReader(path).pages:
        writer.add_page(page)
with open("merged.pdf", "wb") as fh:
    writer.write(fh)
count = len(PdfReader("merged.pdf").pages)
Path("report.md").write_text(f"# Merge report\n\nmerged.pdf: {count} pages\n")
PY
