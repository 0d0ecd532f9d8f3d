"""Every skill of the shared corpus loads, verifies, and round-trips: back to its
SKILL.md byte for byte, and through custom and generic textual IR."""

from __future__ import annotations

import pytest

from corpus_paths import corpus_id, corpus_skill_dirs
from skillir import emit_markdown
from skillir.frontend.skill_md import load_skill_with_diagnostics
from skillir.ir import parse_module, print_module

SKILLS = corpus_skill_dirs()


def test_corpus_is_there():
    assert len(SKILLS) >= 100, "the shared corpus should hold the 127 sample skills"


@pytest.mark.parametrize("skill_dir", SKILLS, ids=corpus_id)
def test_corpus_skill_round_trips(skill_dir):
    module, _ = load_skill_with_diagnostics(skill_dir)
    module.verify()
    original = (skill_dir / "SKILL.md").read_bytes()
    assert emit_markdown(module).encode("utf-8") == original

    custom = print_module(module)
    reparsed = parse_module(custom)
    reparsed.verify()
    assert print_module(reparsed) == custom
    assert emit_markdown(reparsed).encode("utf-8") == original

    generic = print_module(module, generic=True)
    assert print_module(parse_module(generic)) == custom
