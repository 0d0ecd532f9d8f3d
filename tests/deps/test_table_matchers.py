"""The shortcuts of the dependency tables' matchers change no answer, on every line and
paragraph of the corpus and on edge cases (text outside ASCII among them):

- a cue matcher (`skillir.deps.tables.CueMatcher`) with only plain words answers as its
  needle check then its regex always did; one with a `re:` cue as its whole regex does;
- a `NamePattern` finds what its regex's `finditer` finds."""

from __future__ import annotations

import pytest

from corpus_paths import corpus_skill_dirs
from skillir.deps.tables import CueMatcher, rules

EDGES = [
    "", "x", "Optional: foo", "if `jq` is available", "If **pandoc** is installed, use it",
    "Alternatively run it by hand", "opt\u017fional", "if pre\u017fent", "\u212aeep it", "INSTALL FIRST",
    "requires ffmpeg", "R\u0130QU\u0130RED", "requ\u0131red \u2014 ok", "Must have \u212aubectl \u2705", "needs to be installed", "Or use the API", "fall  back",
]


def _texts() -> list[str]:
    texts = list(EDGES)
    for folder in corpus_skill_dirs()[:60]:
        body = (folder / "SKILL.md").read_text(encoding="utf-8", errors="replace")
        texts.extend(body.split("\n"))
        texts.extend(body.split("\n\n"))
    return texts


def _span(match) -> tuple[int, int] | None:
    return match.span() if match is not None else None


def _check(matcher: CueMatcher, texts: list[str], exact: bool) -> None:
    """`search` gives, span for span, what it gave before it had a shortcut: `exact`, the
    regex's answer; else the needle check then the regex."""
    for text in texts:
        if exact:
            expected = matcher.pattern.search(text)
        else:
            lowered = text.lower()
            checked = any(n in lowered for n in matcher.needles) or not matcher.needles
            expected = matcher.pattern.search(text) if checked else None
        assert _span(matcher.search(text)) == _span(expected), (matcher.words, text)


@pytest.mark.parametrize(("name", "exact"), [
    ("requirement_cue", False), ("optional_cue", True), ("mcp_usage_cue", False),  # (a `re:` cue: the regex alone)
    ("counter_example", True), ("example_end", True), ("required_block", True),  # (plain regexes before)
])
def test_shortcut_gives_the_regex_answer(name: str, exact: bool):
    texts = _texts()
    assert len(texts) > 100
    _check(getattr(rules(), name), texts, exact)


def test_shortcut_on_odd_word_lists():
    texts = [*EDGES, "abc", "Opti\u017fnal and optional", "must  have, must have", "pre-installed; preinstalled"]
    for words in ([], ["optional"], ["opti\u017fnal", "install"], ["re:x+", "must have"], ["re:^\\s*or\\b"],
                  ["(if available)", "pre-installed", "in path"]):
        _check(CueMatcher(words), texts, exact=any(w.startswith("re:") for w in words))
        _check(CueMatcher(words, exact=True), texts, exact=True)


def test_re_cue_without_needle_still_matches():
    matcher = CueMatcher(["optional", "re:\\bif\\s+\\w+\\s+is\\s+there\\b"])
    assert matcher.search("Use it if jq is there.") is not None
    assert matcher.search("Use it always.") is None
    assert matcher.search("It is OPTIONAL.") is not None
    assert matcher.search("It is opti\u017fnal, if x is there") is not None  # outside ASCII: the regex decides


@pytest.mark.parametrize("table", ["tools", "services"])
def test_name_pattern_finds_what_its_regex_finds(table: str):
    from skillir.deps.tables import tool_table

    names = tool_table().prose_pattern if table == "tools" else rules().service_pattern
    texts = [*_texts(), "xLibreOffice and LibreOffice", "/usr/bin/ffmpeg", "GitHub CLIx GitHub CLI.", "-Redis Redis"]
    for text in texts:
        expected = [(m.span(), m.group(1)) for m in names.pattern.finditer(text)]
        assert [(m.span(), m.group(1)) for m in names.finditer(text)] == expected, text


def test_fold_spells_every_letter_an_ascii_letter_matches():
    """`casefold.fold`'s table is complete (the regex engine's case tables: a non-ASCII character an
    ASCII letter matches with IGNORECASE), and lower-casing keeps one character per
    character but for `İ`."""
    import re
    import sys

    from skillir.casefold import TO_ASCII

    letters = re.compile("[a-z]", re.IGNORECASE)
    outside = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    assert {ord(c) for c in letters.findall(outside)} == set(TO_ASCII)
    assert all(re.fullmatch(ascii_letter, chr(c), re.IGNORECASE) for c, ascii_letter in TO_ASCII.items())
    assert [c for c in outside if len(c.lower()) != 1] == ["\u0130"]


def test_a_text_opens_with_a_cue_only_at_its_start():
    optional = rules().optional_cue
    assert optional.opens("Optionally, render a preview:")
    assert not optional.opens("Implement extraction with automatic fallback:")
    counter = rules().counter_example
    assert counter.opens("❌ WRONG: importing an outside library")
    assert not counter.opens("Check for bad channels first")
