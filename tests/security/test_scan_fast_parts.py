"""The scanner's fast paths give what their plain definitions give: the prefilter's
`fold` (any text, not only ASCII) and `code_mask` (read with `str.find` and one regex pass
instead of line by line)."""

from __future__ import annotations

import re
import sys
from re import _casefix

from hypothesis import given, settings
from hypothesis import strategies as st

from skillir.casefold import TO_ASCII, fold
from skillir.security.prefilter import required
from skillir.security.scan import code_mask, rule_set

PATTERNS = [p for rule in rule_set().rules for p in rule.patterns]


def test_fold_spells_in_ascii_every_letter_that_ignorecase_matches_to_ascii():
    import _sre

    extra = {k: v for k, v in _casefix._EXTRA_CASES.items() if k >= 128}
    want = {cp: chr(low) for cp in range(128, sys.maxunicode + 1)
            if (low := _sre.unicode_tolower(cp)) < 128}
    want |= {cp: chr(min(others)) for cp, others in extra.items() if min(others) < 128}
    assert {cp: TO_ASCII[cp] for cp in TO_ASCII} == want


def test_fold_keeps_one_character_per_character():
    assert all(len(fold(chr(cp))) == 1 for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("aİıſKkSé😀\n `"), max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_a_slice_of_a_folded_text_is_the_fold_of_the_slice(text, a, b):
    assert fold(text)[a:b] == fold(text[a:b])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["curl", "cİrl", "ıgnore", "ſh", "Kill", "wget", " ", "-k", "--insecure", "|",
                                 "sh", "baſh", "rm", "-rf", "/", "ignore", "prevıous", "instructions", "eval",
                                 "(", ")", "base64", "-d", "\n", "CURL", "é", "$(", "x", "verify", "=", "False"]),
                max_size=14))
def test_the_folded_prefilter_never_rejects_a_match(words):
    from skillir.security.prefilter import holds

    window = "".join(words)
    for pattern in PATTERNS:
        if pattern.search(window):
            assert holds(required(pattern), fold(window)), (pattern.pattern, window)


_FENCE_LINE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")


def _plain_code_mask(text: str) -> str:
    """code_mask's definition, line by line."""
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        opened = _FENCE_LINE.match(line)
        if fence is not None:
            closes = opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence)
            out.append(" " * len(line) if closes else line)
            fence = None if closes else fence
        elif opened:
            fence = opened.group(1)
            out.append(" " * len(line))
        else:
            kept = [" "] * len(line)
            for match in re.finditer(r"`([^`\n]+)`", line):
                kept[match.start(1):match.end(1)] = match.group(1)
            out.append("".join(kept))
    return "\n".join(out)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["`", "``", "```", "````", "~~~", "~", " ", "    ", "\t", "\n", "\n", "a", "b c",
                                 "é", "😀", "\r", "\u2028"]), max_size=40))
def test_code_mask_is_its_line_by_line_definition(parts):
    text = "".join(parts)
    assert code_mask(text, "markdown") == _plain_code_mask(text)
    assert code_mask(text, "script") == text


def _plain_join_quoted(text: str) -> str:
    """`_join_quoted`'s definition: rounds over the whole text."""
    from skillir.security.scan import _JOIN_ROUNDS, _QUOTED_JOIN

    for _ in range(_JOIN_ROUNDS):
        step = _QUOTED_JOIN.sub(lambda m: m.group(1) + m.group(2) + m.group(4) + m.group(1), text)
        if step == text:
            break
        text = step
    return text


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(['"', "'", '"', "'", " ", "\n", "\n", "+", ".", ",", "a", "x = ", "\t", "\u2028",
                                 ")", ";", ' + ', '"a" + ', "'b' . ", "y" * 120]), max_size=60))
def test_quoted_strings_join_as_in_whole_text_rounds(parts):
    from skillir.security.scan import _join_quoted

    text = "".join(parts)
    assert _join_quoted(text) == _plain_join_quoted(text)


_LINES = st.lists(st.sampled_from(["", "a", "b", "ab", "x y", "é"]), min_size=1, max_size=14)


@settings(max_examples=1000, deadline=None)
@given(_LINES, st.lists(st.tuples(st.integers(0, 13), st.sampled_from(["", "a", "c", "a\nb", "é"])), max_size=4))
def test_changed_ranges_are_changed_only_over_every_line(lines, edits):
    from skillir.security.scan import _changed_only, _changed_ranges, _line_starts

    later = list(lines)
    for at, new in edits:
        later[at % len(later)] = new
    first, view = "\n".join(lines), "\n".join(later)
    split = view.split("\n")
    assert _changed_ranges(first, view) == _changed_only(lines, split, _line_starts(split), len(view))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab\n", max_size=300), st.text(alphabet="ab\n", max_size=300))
def test_common_prefix(a, b):
    import os

    from skillir.security.scan import _common_prefix

    assert _common_prefix(a, b) == len(os.path.commonprefix([a, b]))
    assert _common_prefix(a + b, a + "c" + b) == len(a)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["curl", "cİrl", "ıgnore", "ſh", "Kill", "ΑΣ", "Σ", " ", "-k", "|", "sh", "`",
                                 "```", "\n", "CURL", "é", "$(", "verify", "=", "False", "rm -rf /", "eval"]),
                max_size=20), st.integers(0, 80), st.integers(0, 80))
def test_a_window_folded_on_its_own_passes_the_checks_the_whole_fold_passes(words, a, b):
    from skillir.security.scan import _Reading

    text = "".join(words)
    window = [tuple(sorted((min(a, len(text)), min(b, len(text)))))]
    checks = [c for rule in rule_set().rules for c in rule.prefilters if c is not None]
    whole, part = _Reading(text, "markdown"), _Reading(text, "markdown", whole=False)
    for code in (False, True):
        got, want = part.folds(code, window)[0], whole.folds(code, window)[0]
        assert [c(got) for c in checks] == [c(want) for c in checks]


def _plain_assignments(text: str) -> dict[str, str]:
    """`_substitute_variables`' table by its definition: each line read on its own."""
    from skillir.security.scan import _ASSIGN

    return {m.group(1): m.group(2).strip("'\"") for line in text.split("\n") for m in _ASSIGN.finditer(line)}


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(["a=1", "b='x y'", 'c="$d"', "d=.ss", "=", " ", "\n", "\n", ";", "&", "$a",
                                 "${b}", "e=$HOME/x", "f", "\t", "x=", "'", '"', "|", "(", "g=${a}b"]),
                max_size=30))
def test_variables_are_substituted_as_when_each_line_is_read_on_its_own(parts):
    from skillir.security.scan import _VARIABLE_USE, _substitute_variables

    text = "".join(parts)
    values = _plain_assignments(text)
    want = text if not values or "=" not in text or "$" not in text else _VARIABLE_USE.sub(
        lambda m: values.get(m.group(1) or m.group(2), m.group(0)), text)
    assert _substitute_variables(text) == want
