"""The capability rules' fast paths give the answers of the plain code they replace:
`_conditions` is `condition.finditer` (and `forbidden_named`, the choice phrases and the
procedure cues the plain regex), `_words` the `str.translate` split, `_holds_any`
an `any` over a word list, `is_decision_tree` the `DECISION_TREE` search and
`_line_offsets` a scan for newlines, `_INLINE_CODE` its plain form, on every corpus text
and on texts made to trip them."""

from __future__ import annotations

import re

import pytest
from conftest import corpus_skill_dirs

from skillir.capability import inference, rules
from skillir.casefold import fold


@pytest.fixture(scope="module")
def corpus_texts(corpus) -> list[str]:
    """Every corpus SKILL.md, whole and line by line."""
    texts: list[str] = []
    for folder in corpus_skill_dirs():
        text = (folder / "SKILL.md").read_text(encoding="utf-8")
        texts.append(text)
        texts.extend(text.split("\n"))
    return texts


_TRICKY = [
    "", "if", "If x, use y.", "IF THE FILE IS SMALL, USE OPENPYXL", "specific, different: verify it, run",
    "When done: run it. Unless told otherwise, skip. If unsure, ask",  # several, overlapping candidates
    "if if if, use", "whenever x, use y", "iff, use", "Unless-x: go", "notif x, use y",
    "If the ſize is small, use it", "İf x, use y", "When K\u212a, run it",  # letters IGNORECASE folds
    "a—b “quoted” «x» y…z · w • v", "tab\tsep\u00a0nbsp\u2003em\u3000ideo", "x\u2028y\u0085z",
    "├── yes → go", "└─ no", "Is it big?\n  │", "plain text", "a?\n b",
]


def _spans(matches) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in matches]


def test_conditions_are_the_regex_matches(corpus_texts):
    condition = rules.choice_patterns()[0]
    for text in [*corpus_texts, *_TRICKY, *(t.upper() for t in _TRICKY)]:
        assert _spans(rules._conditions(condition, text, text.lower())) == _spans(condition.finditer(text)), text


def test_forbidden_named_is_the_regex_matches(corpus_texts):
    samples = ["Do NOT use `x`", "never run `a b`, avoid `c`", "ſhould not use `x`", "DON'T `y`", "not `z`"]
    for text in [*corpus_texts, *_TRICKY, *samples]:
        plain = rules._forbidding_pattern().finditer(text) if "`" in text else ()
        assert _spans(rules.forbidden_named(text)) == _spans(plain), text


def test_choice_phrases_are_the_regex_matches(corpus_texts):
    phrase = rules.choice_patterns()[1]
    for text in [*corpus_texts, *_TRICKY, "OTHERWISE, else", "Fall back to x; in that case"]:
        assert _spans(rules._matches(phrase, text, text.lower())) == _spans(phrase.finditer(text)), text


_CUES = ["├── yes", "x └─ No", "if ├ no", "├ nodigraph", "├ no digraph", "İf x", "RETRY once", "then re-run it",
         "\nrerun", "loop until it passes", "for each file, verify", "go back to step 2", "ReCheck"]


@pytest.mark.parametrize("name", ["LOOP", "VERIFY", "REPEAT", "BRANCH"])
def test_procedure_cues_are_where_the_regex_matches(name, corpus_texts):
    pattern = getattr(rules, name)
    for text in [*corpus_texts, *_TRICKY, *_CUES]:
        folded = fold(text)
        at = rules.branch_at(text, folded) if name == "BRANCH" else rules.cue_at(pattern, text, folded)
        match = pattern.search(text)
        assert at == (None if match is None else match.start()), text


def test_call_open_finds_what_its_plain_form_finds(corpus_texts):
    plain = re.compile(r"[A-Za-z0-9]\(\s*(?:\{|[A-Za-z_]\w*\s*[=:])")
    for text in [*corpus_texts, "a(b=1)", "(b=1)", "x ({", "9({", "é(x:", "_(x=1)"]:
        assert (rules._CALL_OPEN.search(text) is None) == (plain.search(text) is None), text


def test_words_outside_ascii_split_as_translate_does():
    for code in range(0x110000):
        char = chr(code)
        for text in (char, f"a{char}b", f"{char}é", f"é{char}x{char}"):
            assert rules._words(text) == set(text.translate(rules._WORD_BREAKS).split()), hex(code)


def test_words_match_the_translate_split_on_the_corpus(corpus_texts):
    for text in [*corpus_texts, *_TRICKY]:
        lowered = text.lower()
        assert rules._words(lowered) == set(lowered.translate(rules._WORD_BREAKS).split())


@pytest.mark.parametrize("key", ["choice_phrases", "prior_conflict_phrases"])
def test_holds_any_is_any_phrase(key, corpus_texts):
    phrases = rules.words()[key]
    for text in [*corpus_texts, *_TRICKY, *phrases]:
        lowered = text.lower()
        assert rules._holds_any(key)(lowered) == any(p in lowered for p in phrases)


def test_decision_tree_test_is_the_regex(corpus_texts):
    samples = [*corpus_texts, *_TRICKY, "Done?\n├─ Yes", "ok?\n   └", "x\n│ no", "├yes", "└── No: stop"]
    for text in samples:
        assert rules.is_decision_tree(text) == (rules.DECISION_TREE.search(text) is not None), text


def test_heading_gate_words_are_in_every_format_heading_and_template_title():
    """`_heading_rules` skips a title without 'format', 'template' or 'structure'."""
    for heading in inference._FORMAT_HEADING:
        assert any(word in heading for word in ("format", "template", "structure"))
    for title in ("Template", "PR description template", "templates to follow exactly", "1. The Templates"):
        assert inference._TEMPLATE_TITLE.search(title.lower())
    for alternative in inference._TEMPLATE_TITLE.pattern.split("|\\b"):
        assert "template" in alternative


def test_line_offsets_are_the_line_starts(corpus_texts):
    for text in [*corpus_texts[:50], "", "\n", "a\n\nb\n", "x\r\ny"]:
        assert rules._line_offsets(text) == [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]


def test_inline_code_spans_are_the_plain_patterns(corpus_texts):
    plain = re.compile(r"(?<!`)`([^`\n]{1,200})`(?!`)")  # the lookbehind first
    samples = ["`a`", "``a``", "```a```", "x``a`", "`a``", "a`b`c`d`", "``", "`", "` `", "\n`a`\n``b`"]
    for text in [*corpus_texts, *samples]:
        assert [(m.span(), m.span(1)) for m in rules._INLINE_CODE.finditer(text)] == \
            [(m.span(), m.span(1)) for m in plain.finditer(text)], text


def _guess_plain_counting_all(body: str) -> str:
    """`rules._guess_plain` as it was written first: every line's command word counted."""
    if rules._PY_SYNTAX.search(body):
        return "python"
    if rules._SQL_SYNTAX.search(body):
        return "sql"
    lines = [ln.strip() for ln in body.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if lines:
        commands = sum(1 for ln in lines if rules._command_word(ln.removeprefix("$ ")) is not None)
        if commands and commands * 2 >= len(lines):
            return "shell"
    return "plain"


def test_plain_block_guess_stops_early_with_the_same_answer(corpus):
    bodies = ["", "# only a comment", "ls", "ls\nfoo", "foo\nls", "foo\nbar\nls", "ls\ncat x\nfoo\nbar", "$ ls\nout"]
    for folder in corpus_skill_dirs():
        text = (folder / "SKILL.md").read_text(encoding="utf-8")
        bodies.extend(text.split("```")[1::2])  # fenced blocks, roughly
    for body in bodies:
        assert rules._guess_plain(body) == _guess_plain_counting_all(body), body


def test_third_party_use_screen_keeps_every_match(corpus):
    """`_may_use_third_party` says no only where `_PY_THIRD_PARTY_USE` cannot match."""
    screen = rules._may_use_third_party()
    samples = ["df.head()", "import pandas as pd\npd.read_csv(x)", "x.groupby(k)", "DataFrame(rows)",
               "np.array([1])", "nothing here", "DATAFRAME", "données.iloc[0]"]
    for folder in corpus_skill_dirs():
        samples.extend(p.read_text(encoding="utf-8", errors="replace") for p in folder.rglob("*.py"))
        samples.extend((folder / "SKILL.md").read_text(encoding="utf-8").split("```")[1::2])
    for body in samples:
        if rules._PY_THIRD_PARTY_USE.search(body):
            assert screen(body), body[:200]
    assert not screen("print('hello')")
