"""derive-sandbox-policy: the network cue's prefilter never hides a match."""

from __future__ import annotations

from pathlib import Path

from corpus_paths import corpus_skill_dirs
from skillir.dialects.skill import SOURCE_OPS, CodeOp
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.passes.derive_sandbox_policy import _code_of_markdown, _network_cue, _network_match
from skillir.xdsl_compat.walk import walk_ops

_DEVSET = Path(__file__).resolve().parents[2] / "benchmarks" / "devset" / "skills"


def _codes():
    """The code the pass reads in every corpus and devset skill (code blocks, markdown's
    code)."""
    for skill_dir in [*corpus_skill_dirs(), *sorted(p.parent for p in _DEVSET.glob("*/SKILL.md"))]:
        try:
            module = load_skill(skill_dir)
        except SkillIRError:
            continue
        for op in walk_ops(module):
            if isinstance(op, CodeOp):
                yield op.body.data
            elif isinstance(op, SOURCE_OPS):
                yield _code_of_markdown(op.text.data)


def test_network_match_is_the_cue_search_on_corpus_code():
    found = 0
    for code in _codes():
        plain = _network_cue().search(code)
        fast = _network_match(code)
        assert (fast and (fast.span(), fast.group(0))) == (plain and (plain.span(), plain.group(0)))
        found += plain is not None
    assert found >= 5  # the corpus alone (a clean checkout has no devset skills) holds 7


def test_network_match_edge_cases():
    for code in ["curl https://example.com/x", "CURL HTTPS://EXAMPLE.COM", "wget http://localhost/x",
                 "requests.get('https://api.example.com')", "fetch ſ https://x.io", "no url here",
                 "git  clone https://github.com/a/b", ""]:
        plain = _network_cue().search(code)
        fast = _network_match(code)
        assert (fast and fast.group(0)) == (plain and plain.group(0)), code
