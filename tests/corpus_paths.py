"""Where the shared corpus is, and the skill folders in it (used by tests and benchmarks)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SKILLIR_CORPUS", ROOT.parent / "shared" / "corpus")).resolve()


def corpus_skill_dirs() -> list[Path]:
    """Every folder in the shared corpus that holds a SKILL.md (sorted, stable ids)."""
    if not CORPUS.is_dir():
        return []
    return sorted(p.parent for p in CORPUS.rglob("SKILL.md"))


def corpus_id(path: Path) -> str:
    return str(path.relative_to(CORPUS))
