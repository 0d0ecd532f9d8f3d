"""Shared fixtures: where the corpus is (see corpus_paths.py)."""

from __future__ import annotations

import pytest
from corpus_paths import CORPUS, ROOT, corpus_id, corpus_skill_dirs  # noqa: F401


@pytest.fixture(scope="session")
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS} (set SKILLIR_CORPUS)")
    return CORPUS
