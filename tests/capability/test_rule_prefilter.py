"""What a regex match must contain (`skillir.capability.prefilter`): the test may only say
no where the pattern cannot match, on any prose rule and any text."""

from __future__ import annotations

import re

import pytest
from conftest import corpus_skill_dirs

from skillir.capability import rules
from skillir.capability.prefilter import ALWAYS, Need, requirement, screen


def _holds(need: Need, text: str) -> bool:
    """The two forms of the test agree; their answer."""
    lowered = text.lower()
    answer = need.holds(lowered)
    assert need.compiled()(lowered) is answer
    return answer


def test_spelled_out_parts_join_into_strings():
    need = requirement(re.compile(r"\bone (?:row|line) (?:per|for each)\b", re.IGNORECASE))
    assert set(need.any_of) == {"one row per", "one row for each", "one line per", "one line for each"}
    assert _holds(need, "Write ONE ROW PER finding")
    assert not _holds(need, "one row, per finding")


def test_a_sequence_needs_each_part_and_a_branch_one_alternative():
    need = requirement(re.compile(r"\b(?:write|draft)\w*\s+(?:a|the)\s+(?:report|memo)s?\b|\bwhitepaper\b"))
    assert _holds(need, "drafting the memos")
    assert _holds(need, "a whitepaper")
    assert not _holds(need, "write it down")  # no noun the first alternative needs
    assert not _holds(need, "a report")  # no verb


def test_what_it_cannot_read_asks_for_nothing():
    assert requirement(re.compile(r"[a-z]+\d")) == ALWAYS
    assert requirement(re.compile(r"(?:foo)?bar|x")) == ALWAYS  # 'x' is too short to ask for
    assert requirement(re.compile(r"(\w+) \1")) == ALWAYS
    assert _holds(ALWAYS, "anything")


def test_optional_letters_and_small_classes_are_spelled_out():
    need = requirement(re.compile(r"\boptimi[sz]e[sd]?\b"))
    assert set(need.any_of) == {"optimise", "optimize"}  # 'optimised' holds 'optimise'


def test_non_ascii_letters_in_a_pattern_ask_for_nothing():
    # KELVIN SIGN matches 'k' under IGNORECASE: nothing may be learnt from it
    need = requirement(re.compile("\u212aelvin", re.IGNORECASE))
    assert _holds(need, "kelvin") and _holds(need, "xelvin")


def test_a_screen_lets_non_ascii_text_through():
    may_match = screen(re.compile(r"\brun\s+scripts/\w+\.py\b", re.IGNORECASE))
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
    """On every match in the corpus the need holds on the matched text itself (so on any
    text holding it): skipping a rule where the need fails never loses a match."""
    need = requirement(rule.pattern)
    for match in rule.pattern.finditer(corpus_text):
        assert _holds(need, match.group(0)), (rule.name, match.group(0))
