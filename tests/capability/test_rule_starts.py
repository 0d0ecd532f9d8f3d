"""The prose rules read folded text (`skillir.casefold.fold`, ASCII or not): their
prefilter may only say no where the pattern cannot match, and a pattern whose matches
start with a few literals is tried only where they are (`prefilter.match_starts`),
finding the same matches as `finditer`."""

from __future__ import annotations

import re

import pytest
from conftest import corpus_skill_dirs

from skillir.capability import rules
from skillir.casefold import fold
from skillir.security.prefilter import checker, match_starts, required, starts

_ODD_CASES = ["uſe the format below", "DEBUG İT now", "debug ıt", "FOLLOW THE TEMPLATE — now",
              "Kelvin: uſe the \u212a format", "ſearch the web for it", "Write the output to report.md — as JSON",
              "do not debug the build", "xfollow the format", "use  using the template"]
"""Texts with the letters outside ASCII that IGNORECASE matches to ASCII ones."""


def _rules():
    return (*rules.prose_rules(), *rules.marker_rules())


@pytest.fixture(scope="module")
def corpus_windows(corpus) -> list[str]:
    """Every corpus SKILL.md in windows of three lines, as written (not made ASCII)."""
    windows = list(_ODD_CASES)
    for skill in corpus_skill_dirs():
        lines = (skill / "SKILL.md").read_text(encoding="utf-8").split("\n")
        windows += ["\n".join(lines[i:i + 3]) for i in range(0, len(lines), 3)]
    return windows


@pytest.mark.parametrize(("pattern", "literals"), [
    (r"\b(?:follow|use|conform to)\b\s+x", ("conform to", "follow", "use")),
    (r"(?<![/\d])\bFor (?:each|every)\b", ("for e",)),  # lookarounds and anchors consume nothing (and
    # the parser moves the alternatives' common "e" out of them)
    (r"(?:ab)+c|d", ("ab", "d")),
    (r"(?:ab)?c", None),  # an optional start: any position
    (r"\w+x|ab", None),  # one alternative starts with a class
    (r"é", None),  # not ASCII
])
def test_start_literals(pattern, literals):
    assert starts(re.compile(pattern, re.IGNORECASE)) == literals


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r.name)
def test_a_rule_finds_the_same_matches_from_its_start_literals(rule, corpus_windows):
    literals = starts(rule.pattern)
    if literals is None:
        return
    for window in corpus_windows:
        expected = [m.span() for m in rule.pattern.finditer(window)]
        assert [m.span() for m in match_starts(rule.pattern, window, fold(window), literals)] == expected, \
            (rule.name, window)


@pytest.mark.parametrize("rule", _rules(), ids=lambda r: r.name)
def test_every_match_satisfies_its_need_in_folded_text(rule, corpus_windows):
    """The prefilter read on folded text (not only ASCII) never rejects a match."""
    compiled = checker(required(rule.pattern))
    if compiled is None:
        return
    for window in corpus_windows:
        for match in rule.pattern.finditer(window):
            assert compiled(fold(match.group(0))), (rule.name, match.group(0))


def test_the_odd_letters_still_find_their_rules():
    found = {f.rule for text in _ODD_CASES for f in rules.analyze_prose(text)}
    assert {"analysis.debug-review"} <= found


_FORMAT_TEXTS = [
    "Keep it under 50 characters. Dates as YYYY-MM-DD, ids like PROJ-123.",
    "Use this exact format, sorted by date; the first line is the title; names in kebab-case.",
    "The level must be one of: low, high. At most ≤ 80 chars per line: x≤ 80 chars.",
    "Tickets: ABC-NNN or XY-YYYY. Lowercase letters only. Ids: ab-123 (not an id).",
    "Run `git log -1` → `git show HEAD`; run `npm test`, then `npm run build`. Use the output of the previous step.",
    "FROM_STEP 2; from step 3; ISO 8601; İn this order; uſe the template verbatim",
]


def test_skill_wide_scans_match_the_plain_regex_search(corpus):
    """`format_constraint_kinds` and `chained_command_places` try their patterns only
    where a match can start (`cue_at`, `match_starts`) and check the id pattern's gate
    first: the same kinds and counts as searching the whole text with every pattern."""
    texts = list(_FORMAT_TEXTS) + [(s / "SKILL.md").read_text(encoding="utf-8") for s in corpus_skill_dirs()]
    kinds_seen = set()
    for text in texts:
        expected = [name for name, patterns in rules._FORMAT_CONSTRAINTS  # noqa: SLF001 - the table itself
                    if any(p.search(text) for p in patterns)]
        assert rules.format_constraint_kinds(text) == expected, text[:80]
        assert rules.chained_command_places(text) == sum(len(p.findall(text)) for p in rules._CHAINED_COMMANDS), \
            text[:80]  # noqa: SLF001
        kinds_seen.update(expected)
    assert kinds_seen == {name for name, _ in rules._FORMAT_CONSTRAINTS}  # noqa: SLF001 - every kind was tried


@pytest.mark.parametrize("literals", [("a",), ("ab", "b"), ("x", "y", "z", "ab", "ba", "aa", "bb")])
def test_literal_positions_are_every_start_in_order(literals):
    from skillir.security.prefilter import literal_positions

    text = "abab xx aab bba zyx " * 3
    expected = sorted({i for i in range(len(text)) for lit in literals if text.startswith(lit, i)})
    assert sorted(set(literal_positions(text, literals))) == expected
    assert literal_positions(text, literals) == sorted(literal_positions(text, literals))


@pytest.mark.parametrize("pattern", [r"(?i)\bcurl\b[^\n]*\s(-k|--insecure)\b", r"(?i)(?<!x)\b(ab|bc)\w*",
                                     r"(?i)\b(?:ab|bc|cd|de|ef|fg|gh|hb)", r"(?i)\b(?:ab|ba)\b"])
def test_match_starts_in_a_window_is_finditer_with_pos_and_endpos(pattern):
    """The security scanner reads windows of a text: `match_starts(..., begin, end)` finds
    what `finditer(text, begin, end)` finds (lookbehinds see before `begin`; nothing after
    `end` is seen), with many literals (one regex) or few (`str.find`)."""
    compiled = re.compile(pattern)
    literals = starts(compiled)
    assert literals is not None
    text = "xab ab curl -k ba bb hb CURL  --insecure abab\nab ba curl x -k" * 2
    for begin in range(0, len(text), 7):
        for end in (begin, begin + 3, begin + 20, len(text)):
            expected = [m.span() for m in compiled.finditer(text, begin, end)]
            assert [m.span() for m in match_starts(compiled, text, fold(text), literals, begin, end)] == expected
