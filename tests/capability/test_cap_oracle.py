"""Issue 12: `infer-capabilities{oracle=llm model=...}`: the answer is validated
(schema, evidence quoted from the skill), cross-checked against the rules (code facts
stay, judgments only the rules make are dropped), cached by content hash and model so
a rerun is offline, and any failure leaves the rule-based result. Recorded responses
(no network); once on the local model (e2e)."""

from __future__ import annotations

import json
import time

import pytest
from cap_requirements import requirements_after

from skillir.errors import SkillIRError
from skillir.frontend.skill_md import parse_markdown
from skillir.oracle import quote_found, unregister_text_models

SKILL = """---
name: release-notes
description: Draft release notes from the git history.
---

# Release notes

1. Find the last tag with `git describe --tags --abbrev=0`.
2. Save `git log <tag>..HEAD --pretty=%s > commits.txt`.
3. Read `commits.txt` and group the commits into features and fixes.
4. Check the changelog on the project's website for wording that was used before.
"""

ANSWER = {"requirements": [
    {"primitive": "tool.web", "level": 1, "evidence": "Check the changelog on the project's website"},
    {"primitive": "reason.analysis", "level": 2, "evidence": "group the commits into features and fixes"},
    {"primitive": "gen.text.long", "level": 3, "evidence": "a 40-page report"},  # not in the skill: refused
]}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_HOME", str(tmp_path / "home"))




def requirements(options: str = "", text: str = SKILL) -> dict[str, tuple[int, str]]:
    return requirements_after(parse_markdown(text, label="t/SKILL.md"), options)


def test_the_answer_is_checked_and_folded_into_the_rules(scripted):
    rules = requirements("{oracle=rules}")
    provider = scripted(json.dumps(ANSWER))
    found = requirements("{oracle=llm model=scripted/o1}")
    assert len(provider.calls) == 1
    assert found["tool.web"] == (1, "llm:scripted/o1")  # only the oracle saw it
    assert "gen.text.long" not in found  # its evidence is not a quote of the skill
    assert found["gen.code.shell"] == rules["gen.code.shell"]  # code is a fact: kept
    assert found["tool.exec"] == rules["tool.exec"]
    dropped = {p for p, (_, rule) in rules.items() if p not in found}
    assert dropped and not dropped & {"gen.code.shell", "tool.exec"}  # judgments the oracle did not make
    # a rerun is deterministic and offline: the answer comes from the cache
    again = scripted()
    assert requirements("{oracle=llm model=scripted/o1}") == found
    assert again.calls == []


@pytest.mark.parametrize("answer", [
    "The skill needs git.",
    json.dumps({"requirements": [{"primitive": "tool.teleport", "level": 1, "evidence": "git log"}]}),
    json.dumps({"requirements": [{"primitive": "tool.web", "level": 4, "evidence": "git log"}]}),
    RuntimeError("HTTP 503 from the provider"),
])
def test_a_failed_or_invalid_answer_leaves_the_rules_result(scripted, answer):
    scripted(answer)
    # (the rules alone: with no oracle the default also asks the learned one)
    assert requirements("{oracle=llm model=scripted/o2}") == requirements("{oracle=rules}")


def test_options_are_checked_and_an_unknown_provider_falls_back():
    with pytest.raises(SkillIRError, match="oracle=llm needs model=PROVIDER/MODEL"):
        requirements("{oracle=llm}")
    with pytest.raises(SkillIRError, match="has no oracle 'magic'"):
        requirements("{oracle=magic}")
    assert requirements("{oracle=llm model=nowhere/x}") == requirements("{oracle=rules}")


def test_evidence_must_quote_the_skill():
    text = "Run `make test`, then read   the failing\nlog and fix it."
    assert quote_found("read the failing log", text)
    assert quote_found("Run `make test` ... fix it", text)
    assert not quote_found("read the passing log", text)
    assert not quote_found("...", text)


@pytest.mark.e2e
def test_the_oracle_on_the_local_model(local_model):
    from skillir.runtime.compiler_model import register

    register(["local"])
    start = time.monotonic()
    try:
        found = requirements("{oracle=llm model=local/smollm2}")
    finally:
        unregister_text_models("local")
    # the toy model's answer is either folded in or refused; both leave the rules' code facts
    assert found["gen.code.shell"][0] >= 1 and "tool.exec" in found
    assert time.monotonic() - start < 600
