"""The cue matchers' shortcut (`skillir.deps.tables.CueMatcher`): skipping the regex on
text without a cue word changes no answer. A matcher with only plain words answers as
its needle check then its regex always did; one with a `re:` cue answers as its whole
regex does, on every line and paragraph of the corpus and on text outside ASCII."""

from __future__ import annotations

import pytest

from corpus_paths import corpus_skill_dirs
from skillir.deps.tables import CueMatcher, rules

EDGES = [
    "", "x", "Optional: foo", "if `jq` is available", "If **pandoc** is installed, use it",
    "Alternatively run it by hand", "opt\u017fional", "if pre\u017fent", "\u212aeep it", "INSTALL FIRST",
    "requires ffmpeg", "R\u0130QU\u0130RED", "needs to be installed", "Or use the API", "fall  back",
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


@pytest.mark.parametrize("name", ["requirement_cue", "optional_cue", "mcp_usage_cue"])
def test_shortcut_gives_the_regex_answer(name: str):
    matcher: CueMatcher = getattr(rules(), name)
    texts = _texts()
    assert len(texts) > 100
    has_re = matcher._special is not None
    for text in texts:
        if has_re:
            expected = matcher.pattern.search(text)
        else:
            lowered = text.lower()
            expected = matcher.pattern.search(text) if any(n in lowered for n in matcher.needles) else None
        assert _span(matcher.search(text)) == _span(expected), (name, text)


def test_re_cue_without_needle_still_matches():
    matcher = CueMatcher(["optional", "re:\\bif\\s+\\w+\\s+is\\s+there\\b"])
    assert matcher.search("Use it if jq is there.") is not None
    assert matcher.search("Use it always.") is None
    assert matcher.search("It is OPTIONAL.") is not None
    assert matcher.search("It is opti\u017fnal, if x is there") is not None  # outside ASCII: the regex decides
