"""The frontend's shortcuts give what the plain regex search gives: `path_matches` is
`_path_pattern().finditer`, `_extension_ref_matches` is `_extension_refs().finditer`,
`constraint_kind` finds the keyword the `\\b` patterns find, and a text that
`_may_name_files` rules out names no file sentence by sentence."""

from __future__ import annotations

import random

import pytest

from corpus_paths import corpus_skill_dirs
from skillir.frontend import classify
from skillir.frontend.blocks import segment

_PIECES = ["a", "Z", "é", "_", "1", "/", "~", "$", "{", "}", "*", ".", "<", ">", "-", "(", " ", "\n", "@", ":", "`",
           ".py", ".md", ".PDF", ".json", ".tar.gz", "$HOME", "${X}", "<id>", "out", "dir/", "ſ", "K", "..", "./",
           "MUST", " NOT", "NEVER", "Never", "Do not", "Don't", "You must", "xMUST", "**", "- ", "1. ", ". ",
           "the ", "The generated ", "PNG", "`.html`", "THE ", "bathe", " files", "`.", "Write ", "save to ", "create:", "Output: ", "`out/`",
           "Do NOT", "DO NOT", "Do Not", "You must not", "SHALL NOT", "IMPORTANT", "Always", "ALWAYS", "! ", "Nevers"]


def _texts() -> list[str]:
    rnd = random.Random(20)
    made = ["".join(rnd.choice(_PIECES) for _ in range(rnd.randint(1, 14))) for _ in range(3000)]
    for skill in corpus_skill_dirs()[::10]:
        body = (skill / "SKILL.md").read_bytes()
        made.extend(body[s.start : s.end].decode("utf-8") for s in segment(body))
    assert len(made) > 3000
    return made


def _spans(matches) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in matches]


@pytest.mark.parametrize(("pattern", "fast"), [
    (classify._path_pattern, classify.path_matches),
    (classify._extension_refs, classify._extension_ref_matches),
], ids=["path_matches", "extension_refs"])
def test_the_fast_search_is_the_pattern_search(pattern, fast):
    found = 0
    for text in _texts():
        expected = _spans(pattern().finditer(text))
        assert _spans(fast(text)) == expected, text
        found += bool(expected)
    assert found > 100


def test_constraint_keywords_are_the_boundary_patterns_matches():
    def plain(text: str) -> str | None:  # the rule without the candidate search
        upper = classify._CONSTRAINT_UPPER.search(text)
        lead = next((m for m in classify._CONSTRAINT_LEAD.finditer(text)
                     if classify._SENTENCE_START.search(text, max(0, m.start() - 6), m.start())), None)
        if upper is None and lead is None:
            return None
        first = upper if lead is None or (upper is not None and upper.start() < lead.start()) else lead
        return classify.constraint_keywords()[first.group(1).lower()]

    kinds = 0
    for text in _texts():
        assert classify.constraint_kind(text) == plain(text), text
        kinds += plain(text) is not None
    assert kinds > 100


def test_no_position_starts_keywords_of_both_kinds():
    """`constraint_kind` tries the upper-case pattern first at each candidate: right
    only because no text has an upper-case keyword and a lead keyword at one position
    (their second letters differ in case), and the candidate search finds both."""
    upper = classify._CONSTRAINT_UPPER.pattern.removeprefix(r"\b(").removesuffix(r")\b").split("|")
    lead = classify._CONSTRAINT_LEAD.pattern.removeprefix(r"\b(").removesuffix(r")\b").split("|")
    assert len(upper) > 5 and len(lead) > 5
    assert all(word[1].isupper() for word in upper) and all(word[1].islower() for word in lead)
    for word in upper + lead:
        assert classify._KEYWORD_CANDIDATE.match(word + " ") is not None, word


def test_text_that_names_no_file_has_no_file_roles():
    ruled_out = 0
    for text in _texts():
        if not classify._may_name_files(text) and not classify._INLINE_COMMAND.search(text):
            ruled_out += 1
            sentences = classify._SENTENCE.split(text)
            assert not any(classify._path_pattern().search(s) or "/`" in s or classify._extension_refs().search(s)
                           for s in sentences), text
    assert ruled_out > 100
