#!/usr/bin/env bash
# A plausible wrong solution (a typical model mistake): merges newest-name-first (reverse
# order). Must score below 0.5.
set -euo pipefail
python3 - <<'PY'
from pathlib import Path

from pypdf import PdfReader, PdfWriter

files = sorted((p for p in Path("input").iterdir() if p.suffix == ".pdf"), reverse=True)
writer = PdfWriter()
for path in files:
    for page in PdfReader(path).pages:
        writer.add_page(page)
with open("merged.pdf", "wb") as fh:
    writer.write(fh)
Path("report.md").write_text("merged.pdf: 6 pages\n")
PY
