"""The prose rules skip a text that lacks what every match of their regex holds
(`skillir.security.prefilter`, read from the pattern): the test may only say no where
the pattern cannot match, on any prose or marker rule and any text."""

from __future__ import annotations

import re

import pytest
from conftest import corpus_skill_dirs

from skillir.capability import rules
from skillir.security.prefilter import checker, holds, required


def test_a_screen_lets_non_ascii_text_through():
    may_match = rules._screen(re.compile(r"\brun\s+scripts/\w+\.py\b", re.IGNORECASE))
    assert may_match("Then RUN scripts/a.py")
    assert not may_match("then run the tests")
    assert may_match("then run the tests — all of them")  # not ASCII: the regex decides


def _prose_rules():
    return (*rules.prose_rules(), *rules.marker_rules())


@pytest.fixture(scope="module")
def corpus_text(corpus) -> str:
    """Every corpus SKILL.md, made ASCII (the test is only used on ASCII text)."""
    text = "\n".join((d / "SKILL.md").read_text(encoding="utf-8") for d in corpus_skill_dirs())
    return text.encode("ascii", "replace").decode()


@pytest.mark.parametrize("rule", _prose_rules(), ids=lambda r: r.name)
def test_every_match_of_a_rule_satisfies_its_need(rule, corpus_text):
    """On every match in the corpus the formula holds on the matched text itself (so on
    any text holding it), in both forms: skipping a rule where it fails never loses a match."""
    formula = required(rule.pattern)
    compiled = checker(formula)
    for match in rule.pattern.finditer(corpus_text):
        low = match.group(0).lower()
        assert holds(formula, low), (rule.name, match.group(0))
        assert compiled is None or compiled(low), (rule.name, match.group(0))
