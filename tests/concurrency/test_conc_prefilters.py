"""The shortcuts of concurrency extraction answer as the plain code does: the required-word
prefilters before `cue`, the sub-agent, several-calls, per-item and "step N" patterns, the
costliest-first command cost and the rewritten emphasis pattern, on every text of the
corpus (steps, nested prose, section intros and titles, their sentences, code) and on
random strings."""

from __future__ import annotations

import random
import re

import pytest
from conftest import corpus_skill_dirs

from skillir.concurrency import steps as S
from skillir.concurrency.rules import rules
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import load_skill


def _plain_cue(pattern: re.Pattern[str], text: str, r) -> bool:
    """`cue` as it read before the prefilters (hint words, then every match)."""
    if not text:
        return False
    hints = r.parallel_hints if pattern is r.parallel else r.sequential_hints if pattern is r.sequential else ()
    if hints and not any(h in text.lower() for h in hints):
        return False
    for match in pattern.finditer(text):
        window = re.split(r"[.!?;\n]", text[max(0, match.start() - 48): match.start()])[-1]
        if not r.negation.search(window):
            return True
    return False


def _plain_command_cost(model, code: str) -> tuple[str, int]:
    """`CostModel.command_cost` as it read before: every category, the costliest kept."""
    best = ("command", model.default_command_ms)
    found = False
    for name, ms, pattern in model.command_ms:
        if pattern.search(code):
            if not found or ms > best[1]:
                best = (name, ms)
            found = True
    return best


@pytest.fixture(scope="module")
def texts(corpus) -> dict[str, list[str]]:
    """Every text of the corpus the extraction reads, by kind."""
    out: dict[str, list[str]] = {"step": [], "prose": [], "title": [], "code": [], "lead": []}
    for path in corpus_skill_dirs():
        skill = next(op for op in load_skill(path).ops if isinstance(op, SkillOp))
        sections: list = []
        for facts in S.collect_steps(skill, sections):
            out["step"].append(facts.text)
            out["lead"].append(facts.lead)
            out["prose"].extend(text for text in S.step_texts(facts)[1:])
            out["code"].extend(c for c in (facts.code, facts.inline_code) if c)
        for section, intro in sections:
            out["title"].append(section.title.data)
            out["prose"].append(intro)
    return out


_ODD = ["", "ſequentially", "İn parallel", "in\u00a0parallel", "KELVIN \u212a", "Step 2", "ſtep 3", "one at a time",
        "Don't run these in parallel.", "run all four checks", "each file as a separate document"]


def _sentences(texts: list[str]) -> list[str]:
    return [s for text in texts for s in S.sentences(text)]


def test_cue_with_prefilters_answers_as_before(texts):
    r = rules()
    every = texts["step"] + texts["prose"] + texts["title"] + _ODD
    pieces = every + _sentences(every)
    for pattern in (r.parallel, r.sequential, r.subagent_step, r.fan_out):
        for text in pieces:
            assert S.cue(pattern, text, r) == _plain_cue(pattern, text, r), (pattern.pattern[:40], text[:80])
            assert S.cue(pattern, text, r, text.lower()) == _plain_cue(pattern, text, r)


def test_prefilters_never_hide_a_match(texts):
    """Wherever a pattern matches, its prefilter lets the text through."""
    r = rules()
    every = texts["step"] + texts["prose"] + texts["title"] + texts["lead"] + _ODD
    checks = [
        (r.dlp_parallel, r.dlp_parallel_check),
        (r.several_calls, r.several_calls_check),
        (r.fan_out, r.fan_out_check),
        (r.parallel_title, r.cue_checks[id(r.parallel_title)]),
        (S._EACH_SEPARATE, S._EACH_SEPARATE_CHECK),
        (S._STEP_REF, S._STEP_REF_CHECK),
    ]
    matched = 0
    for pattern, check in checks:
        for text in every + _sentences(every):
            if pattern.search(text):
                matched += 1
                assert S.may_match(check, text, text.lower()), (pattern.pattern[:40], text[:80])
    assert matched > 0


def test_command_cost_costliest_first_answers_as_before(texts):
    model = rules().cost
    samples = texts["code"] + ["", "make && pytest", "ls -la | grep x", "npm install && npm run build",
                               "cargo test; cargo build", "ruff check . && mypy .", "ſed -i x"]
    for code in samples:
        assert model.command_cost(code) == _plain_command_cost(model, code), code[:80]


def test_emphasis_pattern_removes_what_the_plain_one_removes(texts):
    plain = re.compile(S._EMPHASIS_PLAIN)
    rng = random.Random(20)
    alphabet = "ab _*\u00e9\n\t.1"
    samples = texts["lead"] + texts["step"] + _ODD + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(20000)]
    for text in samples:
        assert S._EMPHASIS.sub("", text) == plain.sub("", text), text[:80]
