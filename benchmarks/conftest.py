"""Benchmarks share the test fixtures (corpus location)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from conftest import CORPUS, corpus_id, corpus_skill_dirs  # noqa: E402,F401
