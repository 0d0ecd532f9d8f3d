"""extract-concurrency over the shared corpus: skills whose procedures are strictly
sequential yield no parallel group at all; every skill compiles to verified, legal IR
with its markdown unchanged; the critical path agrees with networkx."""

from __future__ import annotations

import io

import pytest
from conftest import CORPUS, corpus_id, corpus_skill_dirs

from skillir.backends.markdown import emit
from skillir.concurrency.build import analyze, read_graph
from skillir.concurrency.dag import speedup
from skillir.dialects.conc import GraphOp
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import load_skill
from skillir.harnesses import load_harness
from skillir.pipeline import PassManager

SEQUENTIAL = [
    # read by hand: each procedure is an ordered chain where every step needs the one before
    "obra-superpowers/skills/test-driven-development",        # red, verify red, green, verify green, refactor
    "obra-superpowers/skills/systematic-debugging",           # four phases, each gated by the previous
    "obra-superpowers/skills/executing-plans",                # load plan, execute tasks in order, report
    "obra-superpowers/skills/finishing-a-development-branch",  # verify tests, present options, execute choice
    "obra-superpowers/skills/using-git-worktrees",            # pick dir, verify ignored, create, setup, baseline
    "obra-superpowers/skills/brainstorming",                  # "complete them in order"
    "obra-superpowers/skills/writing-plans",
    "obra-superpowers/skills/receiving-code-review",          # read, understand, verify, evaluate, respond
    "obra-superpowers/skills/verification-before-completion",
    "openai-skills/skills/.curated/gh-fix-ci",                # auth, resolve PR, inspect, plan, implement, recheck
    "openai-skills/skills/.system/skill-installer",
    "openai-skills/skills/.experimental/create-plan",
    "anthropics-skills/skills/web-artifacts-builder",         # init, develop, bundle, share, test
    "anthropics-skills/skills/mcp-builder",                   # research, implement, review, evaluate
    "skillsbench/tasks/setup-fuzzing-py/environment/skills/setup-env",  # venv, install, run
    "skillsbench/tasks/offer-letter-generator/environment/skills/docx",
]

DIRS = corpus_skill_dirs()


def _skill(module) -> SkillOp:
    return next(op for op in module.ops if isinstance(op, SkillOp))


@pytest.mark.parametrize("rel", SEQUENTIAL)
@pytest.mark.parametrize("harness", ["bare-agent", "claude-code"])
def test_sequential_corpus_skills_have_no_parallel_group(corpus, rel, harness):
    path = CORPUS / rel
    if not (path / "SKILL.md").is_file():
        pytest.skip(f"{rel} not in this corpus")
    module = load_skill(path)
    result = analyze(_skill(module), load_harness(harness))
    assert result.groups == [], [(g.kind, g.units, g.reason) for g in result.groups]
    assert result.ideal_speedup == result.max_speedup == 1.0
    assert result.critical_path == [s.index for s in result.steps]


@pytest.mark.parametrize("path", DIRS, ids=[corpus_id(p) for p in DIRS])
def test_every_corpus_skill_compiles_to_a_legal_graph(path):
    text = (path / "SKILL.md").read_bytes().decode("utf-8")
    module = load_skill(path)
    PassManager.from_spec("extract-concurrency{harness=claude-code}", verify_each=True).run(module)
    out = io.StringIO()
    emit(module, out)
    assert out.getvalue() == text
    skill = _skill(module)
    graphs = [op for op in skill.body.blocks.first.ops if isinstance(op, GraphOp)]
    assert len(graphs) == 1
    view = read_graph(graphs[0])
    # cross-check the critical path with networkx on the same weights
    import networkx as nx

    graph = view.dag.to_networkx()
    assert nx.is_directed_acyclic_graph(graph)
    if graph.number_of_nodes() and not view.groups:
        weight = nx.dag_longest_path_length(graph, weight=None, default_weight=0)
        assert weight >= 0
        path_nodes = view.critical_path
        assert sum(view.dag.cost[n] for n in path_nodes) == view.critical_cost
        # the longest path by node weight: rebuild with node costs on edges
        dual = nx.DiGraph()
        dual.add_node("s")
        for node in graph.nodes:
            dual.add_edge("s", node, w=view.dag.cost[node])
            for succ in graph.successors(node):
                dual.add_edge(node, succ, w=view.dag.cost[succ])
        assert nx.dag_longest_path_length(dual, weight="w") == view.critical_cost
    assert view.total_cost == sum(view.dag.cost.values())
    assert view.ideal_speedup == speedup(view.total_cost, view.critical_cost)
