"""Where the shared corpus is, and the skill folders in it (used by tests and benchmarks)."""

from __future__ import annotations

import json
import os
import shutil
from functools import cache
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


@cache
def _excluded_code() -> dict[Path, tuple[str, ...]]:
    """Per corpus source folder, the code files its MANIFEST.json says were left out."""
    return {m.parent: tuple(e["path"] for e in json.loads(m.read_text()).get("excluded_code", []))
            for m in sorted(CORPUS.glob("*/MANIFEST.json"))}


def materialize(skill_dir: Path, into: Path) -> Path:
    """A copy of a corpus skill at `into/<name>` with an empty placeholder for each bundled
    code file the corpus left out (its MANIFEST.json lists them), so `scripts/` exist."""
    target = into / skill_dir.name
    shutil.copytree(skill_dir, target)
    root = next((r for r in _excluded_code() if skill_dir.is_relative_to(r)), None)
    if root is not None:
        prefix = str(skill_dir.relative_to(root)) + "/"
        for rel in _excluded_code()[root]:
            if rel.startswith(prefix):
                placeholder = target / rel[len(prefix):]
                placeholder.parent.mkdir(parents=True, exist_ok=True)
                placeholder.touch()
    return target
