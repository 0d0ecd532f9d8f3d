"""Issue 12: `extract-concurrency{oracle=llm model=...}`: a model proposes groups; each
must quote the skill and pass the rules' own vetoes; answers are cached; any failure
leaves the rules' groups. Recorded responses (no network); once on the local model."""

from __future__ import annotations

import json

import pytest

from skillir.dialects.conc import GraphOp
from skillir.dialects.skill import SkillOp
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import parse_markdown
from skillir.ir import verify_module
from skillir.oracle import unregister_text_models
from skillir.pipeline import PassManager

SKILL = """---
name: incident
description: Investigate a production incident.
---

# Incident

1. Search the issue tracker for the error message.
2. Fetch the last hour of server logs with `kubectl logs deploy/api --since=1h`.
3. Look up the deploy history with `gh run list --limit 5`.
4. Then merge what you found into `findings.md`.
5. For each failing endpoint, replay one request with `curl`.
"""

GOOD = {"groups": [
    {"kind": "ilp", "units": [[1], [2], [3]], "evidence": "Search the issue tracker for the error message"},
    {"kind": "ilp", "units": [[3], [4]], "evidence": "Look up the deploy history"},  # 4 orders itself after 3
    {"kind": "dlp", "units": [[4]], "evidence": "merge what you found"},  # a reduction
    {"kind": "tlp", "units": [[1], [9]], "evidence": "Search the issue tracker"},  # no step 9
    {"kind": "dlp", "units": [[2]], "evidence": "fetch the logs of every pod in parallel"},  # not a quote
]}


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_HOME", str(tmp_path / "home"))




def groups(options: str = "") -> list[tuple[str, list[int], str]]:
    module = parse_markdown(SKILL, label="t/SKILL.md")
    PassManager.from_spec(f"extract-concurrency{{harness=claude-code{options}}}").run(module)
    verify_module(module)
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    graph = next(op for op in skill.body.block.ops if isinstance(op, GraphOp))
    return [(g.group_kind.value, sorted(t.task_id for t in g.tasks()), g.reason.data) for g in graph.groups()]


def test_proposals_pass_the_rules_vetoes_and_join_the_rules_groups(scripted):
    rules = groups()
    assert [(k, m) for k, m, _ in rules] == [("dlp", [5])]  # the rules alone: 'for each' only
    provider = scripted(json.dumps(GOOD))
    found = groups(" oracle=llm model=scripted/c1")
    assert len(provider.calls) == 1
    assert [(k, m) for k, m, _ in found] == [("ilp", [1, 2, 3]), ("dlp", [5])]
    assert found[0][2].startswith("llm:scripted/c1")
    again = scripted()  # cached: deterministic and offline
    assert groups(" oracle=llm model=scripted/c1") == found
    assert again.calls == []


@pytest.mark.parametrize("answer", [
    "Steps 1-3 look parallel.",
    json.dumps({"groups": [{"kind": "xlp", "units": [[1], [2]], "evidence": "Search"}]}),
    RuntimeError("HTTP 503 from the provider"),
])
def test_a_failed_or_invalid_answer_leaves_the_rules_groups(scripted, answer):
    scripted(answer)
    assert groups(" oracle=llm model=scripted/c2") == groups()


def test_options_are_checked():
    with pytest.raises(SkillIRError, match="oracle=llm needs model=PROVIDER/MODEL"):
        groups(" oracle=llm")
    with pytest.raises(SkillIRError, match="has no oracle 'magic'"):
        groups(" oracle=magic")
    assert groups(" oracle=llm model=nowhere/x") == groups()


@pytest.mark.e2e
def test_the_oracle_on_the_local_model(local_model):
    from skillir.runtime.compiler_model import register

    register(["local"])
    try:
        found = groups(" oracle=llm model=local/smollm2")
    finally:
        unregister_text_models("local")
    assert ("dlp", [5]) in [(k, m) for k, m, _ in found]  # the rules' group stands either way
