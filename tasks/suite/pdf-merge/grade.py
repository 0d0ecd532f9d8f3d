"""pdf-merge grader (python-grade protocol): checks merged.pdf page by page with pypdf."""

import hashlib
import re
from pathlib import Path

EXPECTED_PAGES = ["Intro - page 1 of 2", "Intro - page 2 of 2", "Methods - page 1 of 3",
                  "Methods - page 2 of 3", "Methods - page 3 of 3", "Appendix - page 1 of 1"]
INPUTS = {  # the fixtures, which must be left as they were
    "input/01-intro.pdf": "a2d22419780b2cc2443bf6842bea6dc7850284edfcfc66379ae11de3404f540f",
    "input/02-methods.pdf": "146d788f0ab8c18905b813bd4da3b7f77ada252815e5028e45e46eed679eb543",
    "input/10-appendix.pdf": "b06fa70f4d0c6881f6c9bd5697936ab9388a063a1b3ed0ee412f198311c079a5",
}


def _rec(cid, ok, weight, description, details=""):
    return {"id": cid, "score": 1.0 if ok else 0.0, "weight": weight,
            "description": description, "details": details}


def grade(transcript, workspace_path):
    from pypdf import PdfReader

    ws = Path(workspace_path)
    merged = ws / "merged.pdf"
    texts, problem = None, "merged.pdf does not exist"
    if merged.is_file():
        try:
            texts = [" ".join((p.extract_text() or "").split())
                     for p in PdfReader(str(merged)).pages]
            problem = f"{len(texts)} pages: {texts}"
        except Exception as exc:  # any parse failure means the file is not a usable PDF
            problem = f"merged.pdf is not a readable PDF ({type(exc).__name__}: {exc})"
    out = [_rec("merged-readable", texts is not None, 0.1,
                "merged.pdf exists in the workspace root and is a readable PDF", problem)]
    out.append(_rec("page-sequence", texts == EXPECTED_PAGES, 0.55,
                    "merged.pdf holds every page of input/*.pdf exactly once, files in name "
                    "order (01-intro, 02-methods, 10-appendix), pages in their original order",
                    f"expected {EXPECTED_PAGES}; got {texts}"))
    out.append(_rec("page-count", texts is not None and len(texts) == 6, 0.1,
                    "merged.pdf has 6 pages (2 + 3 + 1; input/README.txt is not a PDF)",
                    problem))
    report = ws / "report.md"
    rtext = report.read_text(encoding="utf-8", errors="replace") if report.is_file() else ""
    out.append(_rec("report-count", bool(re.search(r"\b6\s+pages?\b", rtext, re.I)), 0.15,
                    "report.md states the page count of merged.pdf as '6 pages'",
                    "report.md missing" if not report.is_file() else rtext[:200]))
    changed = [rel for rel, digest in INPUTS.items()
               if not (ws / rel).is_file()
               or hashlib.sha256((ws / rel).read_bytes()).hexdigest() != digest]
    out.append(_rec("inputs-intact", texts is not None and not changed, 0.1,
                    "the files in input/ are neither modified nor deleted (counts only once "
                    "merged.pdf exists)", f"changed or missing: {changed}" if changed else ""))
    return out
