"""No bogus required dependency over the corpus (issue 12): every required dependency
bind-env finds in the 127 corpus skills is one a reader checked by hand
(tests/data/corpus_required_deps.json). A rule that makes a word into a package fails here
with the skills it did so in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus_paths import corpus_id, corpus_skill_dirs, materialize
from skillir.envbind.extract import extract_skill
from skillir.frontend.skill_md import load_skill

REVIEWED = Path(__file__).resolve().parents[1] / "data" / "corpus_required_deps.json"


def test_every_required_dependency_in_the_corpus_was_read_by_hand(tmp_path):
    dirs = corpus_skill_dirs()
    if not dirs:
        pytest.skip("shared corpus not found")
    reviewed = json.loads(REVIEWED.read_text())["required"]
    unread: dict[str, list[str]] = {}
    for index, skill_dir in enumerate(dirs):
        folder = materialize(skill_dir, tmp_path / str(index))
        for dep in extract_skill(load_skill(folder).body.block.first_op, folder).dependencies:
            label = f"{dep.kind}:{dep.name}"
            if not dep.optional and label not in reviewed:
                unread.setdefault(label, []).append(corpus_id(skill_dir))
    assert not unread, f"required dependencies nobody has read (add real ones to {REVIEWED.name}): {unread}"
