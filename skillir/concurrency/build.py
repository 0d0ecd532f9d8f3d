"""From a skill to its `conc.graph`, and from a `conc.graph` back to a plain view.

`analyze(skill, harness)` runs the whole extraction (step facts, groups, DAG, costs,
harness verdicts) and returns an `Analysis`; `build_graph(analysis)` turns it into ops;
`read_graph(graph_op)` reads any `conc.graph` (built here or parsed from text) into a
`GraphView` for rendering and reports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.dialects.builtin import (
    ArrayAttr,
    UnitAttr,
)
from xdsl.ir import Operation, Region, SSAValue

from skillir.attrs import f64_attr, i64_attr, str_attr
from skillir.concurrency.dag import Dag, speedup
from skillir.concurrency.groups import Group, detect
from skillir.concurrency.steps import StepFacts, collect_steps
from skillir.dialects.conc import (
    VIA_ORDER,
    VIA_REF,
    GraphOp,
    JoinOp,
    ParallelKind,
    ParallelKindAttr,
    ParallelOp,
    TaskOp,
    TokenType,
    group_status,
    items_source,
    task_kind,
)
from skillir.dialects.skill import SkillOp
from skillir.harnesses import HarnessFeatures, Verdict
from skillir.oracle import TextModel
from skillir.xdsl_compat.build import i64_array, new_block, new_op, string_attr, text_attr
from skillir.xdsl_compat.walk import walk_region


@dataclass(slots=True)
class Analysis:
    skill: SkillOp
    harness: HarnessFeatures
    steps: list[StepFacts]
    groups: list[Group]
    verdicts: list[Verdict]
    dag: Dag
    critical_path: list[int]
    critical_cost: int
    total_cost: int
    ideal_speedup: float
    max_speedup: float


@dataclass(slots=True)
class Oracle:
    """A model that proposes groups (`skillir.concurrency.llm_groups`); `model` None:
    cached answers only. `outcomes` collects what it did, skill by skill."""

    model_id: str
    model: TextModel | None
    unavailable: str | None = None
    outcomes: list = field(default_factory=list)


def analyze(skill: SkillOp, harness: HarnessFeatures, oracle: Oracle | None = None) -> Analysis:
    sections: list = []
    steps = collect_steps(skill, sections)
    groups = [g for g in detect(skill, steps, sections) if _contiguous(g)]
    if oracle is not None:
        from skillir.concurrency.llm_groups import oracle_groups

        groups, outcome = oracle_groups(skill, steps, groups, oracle.model_id, oracle.model)
        if outcome.note and oracle.unavailable and not outcome.cached:
            outcome.note = f"{outcome.note} ({oracle.unavailable})"
        oracle.outcomes.append(outcome)
        groups = [g for g in groups if _contiguous(g)]
    verdicts = [harness.can_run(g.kind) for g in groups]
    dag = dependency_dag(steps, groups)
    kept_dlp = {g.members[0] for g, v in zip(groups, verdicts, strict=True) if g.kind == "dlp" and v.kept}
    weight = {s.index: (s.parallel_cost_ms if s.index in kept_dlp else s.cost_ms) for s in steps}
    total = sum(s.cost_ms for s in steps)
    chained = [edge for g, v in zip(groups, verdicts, strict=True) if not v.kept for edge in _chain(g)]
    path, critical = dag.critical_path(weight, chained)
    all_dlp = {g.members[0] for g in groups if g.kind == "dlp"}
    max_weight = {s.index: (s.parallel_cost_ms if s.index in all_dlp else s.cost_ms) for s in steps}
    _, best = dag.critical_path(max_weight)
    return Analysis(skill, harness, steps, groups, verdicts, dag, path, critical, total,
                    speedup(total, critical), speedup(total, best))


def _contiguous(group: Group) -> bool:
    members = sorted(group.members)
    return members == list(range(members[0], members[-1] + 1)) and members == group.members


def _chain(group: Group) -> list[tuple[int, int]]:
    """Edges that run a group's members one after another (when the harness can't)."""
    if group.kind == "dlp":
        return []
    ends = [(unit[0], unit[-1]) for unit in group.units]
    return [(ends[k][1], ends[k + 1][0]) for k in range(len(ends) - 1)]


def dependency_dag(steps: list[StepFacts], groups: list[Group]) -> Dag:
    """Order edges from document order (relaxed inside groups), artifact edges from
    def-use, reference edges from "step N" mentions."""
    dag = Dag()
    for step in steps:
        dag.add_node(step.index, step.cost_ms, step.label)
    group_of = {i: g for g in groups if g.kind != "dlp" for i in g.members}
    by_index = {s.index: s for s in steps}
    exits: list[int] = []
    index = 1
    while index <= len(steps):
        group = group_of.get(index)
        if group is None:
            for source in exits:
                dag.add_edge(source, index, VIA_ORDER)
            exits = [index]
            index += 1
            continue
        for unit in group.units:
            for position, member in enumerate(unit):
                sources = exits if position == 0 else [unit[position - 1]]
                for source in sources:
                    dag.add_edge(source, member, VIA_ORDER)
        exits = [unit[-1] for unit in group.units]
        index = max(group.members) + 1
    for step in steps:
        for producer, path in step.uses:
            if producer in by_index and producer < step.index:
                dag.add_edge(producer, step.index, path)
        for ref in step.refs:
            if ref not in dag.deps[step.index]:
                dag.add_edge(ref, step.index, VIA_REF)
    return dag


# ---------------------------------------------------------------------------
# ops

_TOKEN = TokenType()
_KINDS = {k: ParallelKindAttr(k) for k in ParallelKind}


def build_graph(analysis: Analysis) -> GraphOp:
    """The `conc.graph` op of an analysis (not yet inserted anywhere)."""
    steps = {s.index: s for s in analysis.steps}
    dag = analysis.dag
    outer: dict[int, SSAValue] = {}
    ops: list[Operation] = []
    group_at: dict[int, tuple[Group, Verdict]] = {}
    dlp_of: dict[int, tuple[Group, Verdict]] = {}
    for group, verdict in zip(analysis.groups, analysis.verdicts, strict=True):
        if group.kind == "dlp":
            dlp_of[group.members[0]] = (group, verdict)
        else:
            group_at[group.members[0]] = (group, verdict)

    def task(index: int, scope: dict[int, SSAValue], branch: int | None = None) -> TaskOp:
        step = steps[index]
        deps = dag.deps.get(index, {})
        operands = []
        via: list[str] = []
        for source in sorted(deps):
            value = scope.get(source) or outer.get(source)
            if value is None:
                continue
            operands.append(value)
            via.append(deps[source])
        props = {
            "id": i64_attr(index),
            "label": text_attr(step.label),
            "kind": task_kind(step.kind),
            "cost": i64_attr(step.cost_ms),
        }
        if any(why != VIA_ORDER for why in via):
            props["via"] = ArrayAttr([text_attr(why) for why in via])
        if branch is not None:
            props["branch"] = i64_attr(branch)
        return new_op(TaskOp, props, operands=operands, result_types=[_TOKEN])

    def unit_op(index: int, scope: dict[int, SSAValue], branch: int | None = None) -> Operation:
        if index in dlp_of:
            group, verdict = dlp_of[index]
            inner = task(index, scope, branch)
            return _parallel(group, verdict, [inner])
        return task(index, scope, branch)

    index = 1
    count = len(steps)
    while index <= count:
        if index in group_at:
            group, verdict = group_at[index]
            local: dict[int, SSAValue] = {}
            members: list[Operation] = []
            order: list[int] = []
            for branch, unit in enumerate(group.units):
                for member in unit:
                    op = unit_op(member, local, branch if group.kind == "tlp" else None)
                    local[member] = op.results[0]
                    members.append(op)
                    order.append(member)
            par = _parallel(group, verdict, members)
            for member, result in zip(order, par.results, strict=True):
                outer[member] = result
            ops.append(par)
            index = max(group.members) + 1
            continue
        op = unit_op(index, {})
        outer[index] = op.results[0]
        ops.append(op)
        index += 1
    props = {
        "harness": str_attr(analysis.harness.name),
        "critical_path": i64_array(analysis.critical_path),
        "total_cost": i64_attr(analysis.total_cost),
        "critical_cost": i64_attr(analysis.critical_cost),
        "ideal_speedup": f64_attr(analysis.ideal_speedup),
        "max_speedup": f64_attr(analysis.max_speedup),
    }
    return new_op(GraphOp, props, regions=[Region(new_block(ops))])



def _parallel(group: Group, verdict: Verdict, members: list[Operation]) -> ParallelOp:
    tokens = [r for op in members for r in op.results]
    kind = ParallelKind(group.kind)
    props = {
        "kind": _KINDS[kind],
        "reason": string_attr(group.reason),
        "status": group_status("parallel" if verdict.kept else "sequential"),
    }
    if group.kind == "dlp" and group.dlp is not None:
        props["mechanism"] = str_attr(group.dlp.mechanism)
        props["over"] = text_attr(group.dlp.over)
        props["items"] = i64_attr(group.dlp.items)
        props["items_source"] = items_source(group.dlp.items_source)
        props["lanes"] = i64_attr(group.dlp.lanes)
    else:
        props["mechanism"] = str_attr(verdict.mechanism if verdict.kept else "sequential_execution")
    if not verdict.kept:
        props["fallback"] = string_attr(verdict.reason)
    if group.join is not None:
        props["join"] = i64_attr(group.join)
    if group.kind in ("ilp", "tlp") and len(group.units) == 1:
        # one step issuing its own calls or sub-agents; a tlp branch of several steps is
        # what every sub-agent does for an item of its own
        props["per_item" if len(group.units[0]) > 1 else "in_one_step"] = UnitAttr()
    join = new_op(JoinOp, {}, operands=tokens)
    return new_op(ParallelOp, props, result_types=[_TOKEN] * len(tokens), regions=[Region(new_block([*members, join]))])


# ---------------------------------------------------------------------------
# reading a graph back


@dataclass(slots=True)
class GroupView:
    kind: str
    status: str
    mechanism: str
    reason: str
    fallback: str | None
    members: list[int]
    branches: list[list[int]]
    join: int | None = None
    over: str | None = None
    items: int | None = None
    lanes: int | None = None
    nested_in: int | None = None
    per_item: bool = False
    """A `tlp` group of one branch that every sub-agent runs for an item of its own."""


@dataclass(slots=True)
class GraphView:
    skill: str
    harness: str
    dag: Dag
    kinds: dict[int, str]
    groups: list[GroupView]
    critical_path: list[int]
    total_cost: int
    critical_cost: int
    ideal_speedup: float
    max_speedup: float
    extra: dict = field(default_factory=dict)


def read_graph(graph: GraphOp) -> GraphView:
    """A plain view of a `conc.graph`: the DAG (task ids, costs, labelled edges) and
    its groups.

    One walk of the graph's ops (and one of each group's) gives its tasks and groups in
    the order `graph.tasks()`/`graph.groups()`/`par.tasks()` give them; ops are told
    apart by exact class (irdl op classes are never subclassed), not by isinstance."""
    dag = Dag()
    kinds: dict[int, str] = {}
    token_tasks: dict[SSAValue, list[int]] = {}
    ops = walk_region(graph.body)
    edges: list[tuple[int, tuple[SSAValue, ...], tuple[str, ...]]] = []
    for task in ops:
        if type(task) is TaskOp:
            task_id, deps, reasons = _read_task(task, dag, kinds)
            token_tasks[task.done] = [task_id]
            edges.append((task_id, deps, reasons))
    groups: list[GroupView] = []
    positions: dict[ParallelOp, int] = {}
    for par in ops:
        if type(par) is ParallelOp:
            groups.append(_group_view(par, token_tasks, positions))
            positions[par] = len(groups) - 1
    for task_id, deps, reasons in edges:
        for dep, why in zip(deps, reasons, strict=True):
            for source in _tasks_of(dep, token_tasks):
                dag.add_edge(source, task_id, why)
    skill = graph.parent_op()
    return GraphView(
        skill=skill.skill_name if type(skill) is SkillOp else "skill",
        harness=graph.harness.data, dag=dag, kinds=kinds, groups=groups,
        critical_path=list(graph.path), total_cost=graph.total_cost.value.data,
        critical_cost=graph.critical_cost.value.data,
        ideal_speedup=graph.ideal_speedup.value.data, max_speedup=graph.max_speedup.value.data,
    )


def _read_task(task: TaskOp, dag: Dag, kinds: dict[int, str]) -> tuple[int, tuple[SSAValue, ...], tuple[str, ...]]:
    """Add a task's node to `dag` and its kind to `kinds`; its id, the tokens it waits
    for and why (`task.reasons`). Read from the properties dict once: the accessors
    (`task.task_id`, `task.cost_ms` ...) each look the property up again."""
    props = task.properties
    task_id = props["id"].value.data
    dag.add_node(task_id, props["cost"].value.data, props["label"].data)
    kinds[task_id] = props["kind"].data.value
    deps = tuple(task.deps)
    via = props.get("via")
    reasons = (VIA_ORDER,) * len(deps) if via is None else tuple(s.data for s in via.data)
    return task_id, deps, reasons


def _group_view(par: ParallelOp, token_tasks: dict[SSAValue, list[int]],
                positions: dict[ParallelOp, int]) -> GroupView:
    """One group of `read_graph` (its results' tasks go into `token_tasks`; `positions`:
    the groups read so far, for the one it is nested in)."""
    join = par.body.block.last_op
    members_tokens = list(join.members) if type(join) is JoinOp else []
    for result, member in zip(par.results, members_tokens, strict=False):
        token_tasks[result] = _tasks_of(member, token_tasks)
    tasks: list[int] = []
    branches: dict[int, list[int]] = {}
    for t in walk_region(par.body):
        if type(t) is TaskOp:
            props = t.properties
            task_id = props["id"].value.data
            tasks.append(task_id)
            branch = props.get("branch")
            branches.setdefault(task_id if branch is None else branch.value.data, []).append(task_id)
    parent = par.parent_op()
    return GroupView(
        kind=par.group_kind.value, status=par.group_status, mechanism=par.mechanism.data,
        reason=par.reason.data, fallback=par.fallback.data if par.fallback else None,
        members=tasks, branches=list(branches.values()),
        join=par.join.value.data if par.join is not None else None,
        over=par.over.data if par.over is not None else None,
        items=par.items.value.data if par.items is not None else None,
        lanes=par.lanes.value.data if par.lanes is not None else None,
        nested_in=positions.get(parent) if type(parent) is ParallelOp else None,
        per_item=par.per_item is not None,
    )


def _tasks_of(value: SSAValue, known: dict[SSAValue, list[int]]) -> list[int]:
    if value in known:
        return known[value]
    owner = value.owner
    if type(owner) is TaskOp:
        return [owner.task_id]
    if type(owner) is ParallelOp:
        join = owner.body.block.last_op
        if type(join) is JoinOp:
            index = list(owner.results).index(value)
            if index < len(join.members):
                return _tasks_of(join.members[index], known)
    return []
