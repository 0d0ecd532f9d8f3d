"""concurrency.build's shortcuts give what xdsl's generic accessors give."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillir.concurrency.build import GraphView, GroupView, _tasks_of, read_graph
from skillir.concurrency.dag import Dag
from skillir.dialects.conc import GraphOp, JoinOp, ParallelOp
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import load_skill
from skillir.ir import parse_module, print_module
from skillir.pipeline import PassManager
from skillir.xdsl_compat.walk import walk_ops

DATA = Path(__file__).resolve().parents[1] / "data" / "concurrency_skills"
SKILLS = sorted(p.name for p in DATA.iterdir() if (p / "SKILL.md").is_file())


def _reference_view(graph: GraphOp) -> GraphView:
    """read_graph as it was before it walked the graph once (the ops' own accessors and
    isinstance): the view it must still give."""
    dag = Dag()
    kinds: dict[int, str] = {}
    token_tasks: dict = {}
    for task in graph.tasks():
        dag.add_node(task.task_id, task.cost_ms, task.label.data)
        kinds[task.task_id] = task.task_kind
        token_tasks[task.done] = [task.task_id]
    groups: list[GroupView] = []
    positions: dict[ParallelOp, int] = {}
    for par in graph.groups():
        join = par.body.block.last_op
        members_tokens = list(join.members) if isinstance(join, JoinOp) else []
        for result, member in zip(par.results, members_tokens, strict=False):
            token_tasks[result] = _tasks_of(member, token_tasks)
        branches: dict[int, list[int]] = {}
        for t in par.tasks():
            key = t.branch.value.data if t.branch is not None else t.task_id
            branches.setdefault(key, []).append(t.task_id)
        parent = par.parent_op()
        view = GroupView(
            kind=par.group_kind.value, status=par.group_status, mechanism=par.mechanism.data,
            reason=par.reason.data, fallback=par.fallback.data if par.fallback else None,
            members=[t.task_id for t in par.tasks()], branches=list(branches.values()),
            join=par.join.value.data if par.join is not None else None,
            over=par.over.data if par.over is not None else None,
            items=par.items.value.data if par.items is not None else None,
            lanes=par.lanes.value.data if par.lanes is not None else None,
            nested_in=positions.get(parent) if isinstance(parent, ParallelOp) else None,
        )
        positions[par] = len(groups)
        groups.append(view)
    for task in graph.tasks():
        for dep, why in zip(task.deps, task.reasons, strict=True):
            for source in _tasks_of(dep, token_tasks):
                dag.add_edge(source, task.task_id, why)
    skill = graph.parent_op()
    return GraphView(
        skill=skill.skill_name if isinstance(skill, SkillOp) else "skill",
        harness=graph.harness.data, dag=dag, kinds=kinds, groups=groups,
        critical_path=list(graph.path), total_cost=graph.total_cost.value.data,
        critical_cost=graph.critical_cost.value.data,
        ideal_speedup=graph.ideal_speedup.value.data, max_speedup=graph.max_speedup.value.data,
    )


@pytest.mark.parametrize("harness", ["bare-agent", "claude-code"])
def test_read_graph_matches_the_accessors(harness: str) -> None:
    """On every concurrency test skill, built and parsed back from its text (dict order included)."""
    seen = 0
    for name in SKILLS:
        module = load_skill(DATA / name)
        PassManager.from_spec(f"extract-concurrency{{harness={harness}}}").run(module)
        for source in (module, parse_module(print_module(module))):
            for graph in (op for op in walk_ops(source) if isinstance(op, GraphOp)):
                assert repr(read_graph(graph)) == repr(_reference_view(graph)), name
                seen += 1
    assert seen == 2 * len(SKILLS)
