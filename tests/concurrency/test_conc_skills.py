"""extract-concurrency over the nine skills that mirror the paper's concurrency tasks
(tests/data/concurrency_skills/<name>/{SKILL.md,expected.json}): exactly the expected
groups, harness-aware statuses, unchanged markdown, verified and legal IR."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pytest

from skillir.backends.markdown import emit
from skillir.concurrency.build import analyze, read_graph
from skillir.dialects.conc import GraphOp
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import load_skill
from skillir.harnesses import harness_names, load_harness
from skillir.pipeline import PassManager

DATA = Path(__file__).resolve().parents[1] / "data" / "concurrency_skills"
SKILLS = sorted(p.name for p in DATA.iterdir() if (p / "SKILL.md").is_file())
PAPER_TASKS = {
    "batch-analysis", "log-parsing", "metrics-profiler", "code-scanner", "dependency-audit",
    "lint-checker", "multi-service-debug", "test-suites", "cli-debug",
}


def expected(name: str) -> list[tuple[str, list[list[int]]]]:
    raw = json.loads((DATA / name / "expected.json").read_text())
    return sorted(
        (g["kind"], g["branches"] if "branches" in g else [[i] for i in g["members"]])
        for g in raw["groups"]
    )


def skill_of(module) -> SkillOp:
    return next(op for op in module.ops if isinstance(op, SkillOp))


def graph_of(module) -> GraphOp:
    return next(op for op in skill_of(module).body.blocks.first.ops if isinstance(op, GraphOp))


def compile_skill(name: str, harness: str = "bare-agent"):
    module = load_skill(DATA / name)
    PassManager.from_spec(f"extract-concurrency{{harness={harness}}}", verify_each=True).run(module)
    return module


def test_the_nine_paper_tasks_are_there():
    assert PAPER_TASKS <= set(SKILLS)


@pytest.mark.parametrize("name", SKILLS)
def test_groups_match_expected(name):
    module = load_skill(DATA / name)
    found = analyze(skill_of(module), load_harness("claude-code")).groups
    assert sorted((g.kind, g.units) for g in found) == expected(name)


def _expected_joins(name: str) -> dict[tuple, int | None]:
    """Each expected group's members (a tlp group's branches flattened) -> the step that
    joins it, or None. Every group states its join, so every skill checks something."""
    joins = {}
    for group in json.loads((DATA / name / "expected.json").read_text())["groups"]:
        assert "join" in group, f"{name}: state the join of the {group['kind']} group (a step id or null)"
        members = group["members"] if "members" in group else [i for b in group["branches"] for i in b]
        joins[(group["kind"], tuple(members))] = group["join"]
    return joins


@pytest.mark.parametrize("name", SKILLS)
def test_expected_joins(name):
    joins = _expected_joins(name)
    assert joins
    module = load_skill(DATA / name)
    found = {(g.kind, tuple(g.members)): g.join
             for g in analyze(skill_of(module), load_harness("bare-agent")).groups}
    assert found == joins


@pytest.mark.parametrize("harness", harness_names())
@pytest.mark.parametrize("name", SKILLS)
def test_pass_keeps_markdown_and_statuses_follow_the_harness(name, harness):
    original = (DATA / name / "SKILL.md").read_text()
    module = compile_skill(name, harness)
    out = io.StringIO()
    emit(module, out)
    assert out.getvalue() == original
    features = load_harness(harness)
    view = read_graph(graph_of(module))
    assert view.harness == harness
    for group in view.groups:
        verdict = features.can_run(group.kind)
        assert (group.status == "parallel") == verdict.kept
        if group.status != "parallel":
            assert group.fallback and group.mechanism == "sequential_execution"
    assert 1.0 <= view.ideal_speedup <= view.max_speedup
    if all(g.status == "parallel" for g in view.groups):
        assert view.ideal_speedup == view.max_speedup


def test_counts_per_kind_match_expected():
    found, wanted = Counter(), Counter()
    for name in SKILLS:
        module = load_skill(DATA / name)
        found.update(g.kind for g in analyze(skill_of(module), load_harness("bare-agent")).groups)
        wanted.update(kind for kind, _ in expected(name))
    assert found == wanted
    assert wanted == Counter({"dlp": 6, "ilp": 4, "tlp": 3})


def test_multi_service_debug_mirrors_figure_7_per_harness():
    statuses = {}
    for harness in ("bare-agent", "codex", "claude-code", "openclaw"):
        view = read_graph(graph_of(compile_skill("multi-service-debug", harness)))
        statuses[harness] = {g.kind: g.status for g in view.groups}
    assert statuses["bare-agent"] == {"ilp": "parallel", "dlp": "parallel", "tlp": "sequential"}
    assert statuses["codex"] == {"ilp": "sequential", "dlp": "parallel", "tlp": "parallel"}
    assert statuses["claude-code"] == {"ilp": "parallel", "dlp": "parallel", "tlp": "parallel"}
    assert statuses["openclaw"] == {"ilp": "sequential", "dlp": "parallel", "tlp": "parallel"}
    bare = read_graph(graph_of(compile_skill("multi-service-debug", "bare-agent")))
    claude = read_graph(graph_of(compile_skill("multi-service-debug", "claude-code")))
    assert bare.ideal_speedup < claude.ideal_speedup == claude.max_speedup
    tlp = next(g for g in bare.groups if g.kind == "tlp")
    assert "sub-agent" in tlp.fallback
    assert tlp.branches == [[3, 4], [5, 6]]


def test_dlp_nested_in_ilp_like_figure_7():
    module = compile_skill("multi-service-debug", "claude-code")
    view = read_graph(graph_of(module))
    ilp = next(i for i, g in enumerate(view.groups) if g.kind == "ilp")
    dlp = next(g for g in view.groups if g.kind == "dlp")
    assert dlp.nested_in == ilp and dlp.members == [2] and dlp.mechanism == "xargs -P"


def test_pass_is_idempotent():
    module = compile_skill("lint-checker")
    first = [op for op in skill_of(module).body.blocks.first.ops if isinstance(op, GraphOp)]
    PassManager.from_spec("extract-concurrency{harness=codex}").run(module)
    graphs = [op for op in skill_of(module).body.blocks.first.ops if isinstance(op, GraphOp)]
    assert len(first) == len(graphs) == 1 and graphs[0].harness.data == "codex"


def test_dlp_details():
    view = read_graph(graph_of(compile_skill("log-parsing")))
    by_member = {g.members[0]: g for g in view.groups}
    assert by_member[1].over == "logs/*.log.gz" and by_member[1].mechanism == "xargs -P"
    assert by_member[2].over == "logs/*.log"
    batch = read_graph(graph_of(compile_skill("batch-analysis")))
    assert batch.groups[0].mechanism == "multiprocessing"


def test_order_artifact_and_critical_path():
    view = read_graph(graph_of(compile_skill("cli-debug", "claude-code")))
    assert view.dag.deps[2] == {1: "failure.log"}
    for member in (3, 4, 5):
        assert view.dag.deps[member] == {2: "order"}
    assert set(view.dag.deps[6]) == {3, 4, 5}
    assert view.critical_path[0] == 1 and view.critical_path[-1] == 7
