"""The `conc` dialect: a skill's workflow as a DAG of tasks, and its parallelism.

One `conc.graph` sits in a `skill.skill` (after its content, so the markdown backend,
which skips non-skill ops, gives the SKILL.md back unchanged). It holds one
`conc.task` per workflow node: task `N` stands for the skill's `N`-th `skill.step` in
document order (1-based). A task's operands are the tasks it waits for, as SSA values of
type `!conc.token`; `via` says why, one entry per operand: the artifact path that flows
(`"report.json"`), or `"order"` (document order, kept because nothing proves the steps
independent), or `"ref"` (the text names the earlier step).

Parallel groups are regions, like `scf.parallel`: `conc.parallel dlp | ilp | tlp` holds
its member tasks and ends with `conc.join`, which yields the token of every member; the
group's results are those tokens, and later tasks wait on them. `dlp` (the same operation
over many items, realised by `xargs -P`, multiprocessing or `Promise.all`) holds one
task; `ilp` (independent single tool calls issued in one model turn) and `tlp`
(independent multi-step branches run as sub-agents, `branch` on each task) hold at least
two members that do not wait on each other; an `ilp` group marked `in_one_step` holds
one task instead: the independent tool calls inside that one step ("Run all four
checks: ..."), issued together, and a `tlp` group so marked the one step that hands its
work to several sub-agents ("Review (4 parallel agents): ..."). A `tlp` group marked
`per_item` holds one branch of several tasks that every sub-agent runs for an item of
its own ("For each angle, dispatch a subagent that does the following: 1. ... 2. ...").
`status` says whether the target harness
runs the group in parallel; when it cannot, the group stays in the IR with status
`sequential` and the reason in `fallback`, so later passes and backends know what was
found and why it is not used. Kinds and statuses are enum attributes, printed as bare
words (`#conc<status sequential>` in the generic form).

```mlir
skill.skill @audit attributes {metadata = {}, source = "audit/SKILL.md"} {
  ...
  conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1, 2, 4>, total_cost = 42000 : i64, critical_cost = 25500 : i64, ideal_speedup = 1.65 : f64, max_speedup = 1.65 : f64} {
    %0 = conc.task 1 tool "List the lock files" {cost = 4500 : i64}
    %1:2 = conc.parallel ilp parallel -> !conc.token, !conc.token attributes {mechanism = "parallel tool calls in one turn", reason = "...", join = 4 : i64} {
      %2 = conc.task 2 tool "Run `npm audit`" (%0) {cost = 14000 : i64, via = ["order"]}
      %3 = conc.task 3 tool "Run `pip-audit`" (%0) {cost = 14000 : i64, via = ["order"]}
      conc.join %2, %3
    }
    %4 = conc.task 4 think "Merge the reports" (%1#0, %1#1) {cost = 7000 : i64, via = ["npm.json", "pip.json"]}
  }
}
```

Costs are estimated milliseconds (`skillir.concurrency.cost`). The graph's
`critical_path` lists task ids; `ideal_speedup` = `total_cost / critical_cost` with the
groups the harness runs, `max_speedup` the same with every group found.

The verifier rejects dependency cycles, dangling dependencies (a token that is not a
task or group of the same graph, or is used where its definition is not visible:
outside a group without going through its join, or before it is defined), members of an
`ilp` group (or of different `tlp` branches) that wait on each other, and task ids that
name no step of the skill.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import auto

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    StringAttr,
    UnitAttr,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    opt_prop_def,
    prop_def,
    region_def,
    result_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import HasParent, IsTerminator, NoTerminator
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from skillir.dialects.fast_verify import compile_verifier
from skillir.xdsl_compat.accessors import install as install_fast_accessors
from skillir.xdsl_compat.walk import block_ops, walk_ops, walk_region

VIA_ORDER = "order"
VIA_REF = "ref"


class TaskKind(StrEnum):
    """`tool`: one tool call; `multi`: several turns of work; `think`: no tool, the model
    answers or writes from what it has."""

    TOOL = auto()
    MULTI = auto()
    THINK = auto()


class GroupStatus(StrEnum):
    """A group's fate on the target harness: run in parallel, or one after another."""

    PARALLEL = auto()
    SEQUENTIAL = auto()


class ItemsSource(StrEnum):
    """Where a `dlp` group's item count comes from: the code, the text, or a default."""

    CODE = auto()
    TEXT = auto()
    ASSUMED = auto()


TASK_KINDS = tuple(k.value for k in TaskKind)
STATUSES = tuple(k.value for k in GroupStatus)
ITEMS_SOURCES = tuple(k.value for k in ItemsSource)


class ParallelKind(StrEnum):
    """Data-, instruction- and thread-level parallelism (PAPER_NOTES section d)."""

    DLP = auto()
    ILP = auto()
    TLP = auto()


@irdl_attr_definition
class ParallelKindAttr(EnumAttribute[ParallelKind], SpacedOpaqueSyntaxAttribute):
    """`dlp`, `ilp` or `tlp`; `#conc<kind ilp>` in the generic form."""

    name = "conc.kind"


@irdl_attr_definition
class TaskKindAttr(EnumAttribute[TaskKind], SpacedOpaqueSyntaxAttribute):
    """`tool`, `multi` or `think`; `#conc<task_kind tool>` in the generic form."""

    name = "conc.task_kind"


@irdl_attr_definition
class GroupStatusAttr(EnumAttribute[GroupStatus], SpacedOpaqueSyntaxAttribute):
    """`parallel` or `sequential`; `#conc<status parallel>` in the generic form."""

    name = "conc.status"


@irdl_attr_definition
class ItemsSourceAttr(EnumAttribute[ItemsSource], SpacedOpaqueSyntaxAttribute):
    """`code`, `text` or `assumed`; `#conc<items_source code>` in the generic form."""

    name = "conc.items_source"


_TASK_KIND_ATTRS = {k.value: TaskKindAttr(k) for k in TaskKind}
_STATUS_ATTRS = {k.value: GroupStatusAttr(k) for k in GroupStatus}
_ITEMS_SOURCE_ATTRS = {k.value: ItemsSourceAttr(k) for k in ItemsSource}


def task_kind(kind: str) -> TaskKindAttr:
    """The (shared) enum attribute of a task kind; KeyError if not one."""
    return _TASK_KIND_ATTRS[kind]


def group_status(status: str) -> GroupStatusAttr:
    """The (shared) enum attribute of a group status; KeyError if not one."""
    return _STATUS_ATTRS[status]


def items_source(source: str) -> ItemsSourceAttr:
    """The (shared) enum attribute of an item-count source; KeyError if not one."""
    return _ITEMS_SOURCE_ATTRS[source]


@irdl_attr_definition
class TokenType(ParametrizedAttribute, TypeAttribute):
    """Completion of a task or group: what later tasks wait on. `!conc.token`"""

    name = "conc.token"


def _int_value(attr: IntegerAttr) -> int:
    return attr.value.data


@compile_verifier
@irdl_op_definition
class TaskOp(IRDLOperation):
    """One workflow node: the skill's `id`-th step, the tasks it waits for, its kind
    and estimated cost (ms). In a `tlp` group, `branch` numbers its branch.

    ```mlir
    %3 = conc.task 3 think "Merge the reports" (%1, %2) {cost = 7000 : i64, via = ["npm.json", "order"]}
    ```
    """

    name = "conc.task"

    id = prop_def(IntegerAttr[I64])
    label = prop_def(StringAttr)
    kind = prop_def(TaskKindAttr)
    cost = prop_def(IntegerAttr[I64])
    via = opt_prop_def(ArrayAttr[StringAttr])
    branch = opt_prop_def(IntegerAttr[I64])
    deps = var_operand_def(TokenType)
    done = result_def(TokenType)

    traits = lazy_traits_def(lambda: (HasParent(GraphOp, ParallelOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$id $kind $label (` ` `(` $deps^ `)`)? attr-dict"

    @property
    def task_kind(self) -> str:
        return self.kind.data.value

    @property
    def task_id(self) -> int:
        return _int_value(self.id)

    @property
    def cost_ms(self) -> int:
        return _int_value(self.cost)

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why the task waits for each operand (`order` when not recorded)."""
        if self.via is None:
            return (VIA_ORDER,) * len(self.deps)
        return tuple(s.data for s in self.via.data)

    def verify_(self) -> None:
        if self.task_id < 1:
            raise VerifyException(f"task ids start at 1, got {self.task_id}")
        if self.cost_ms < 0:
            raise VerifyException("a task cost cannot be negative")
        deps, via = self.deps, self.via  # (each accessor call rebuilds its view)
        if via is not None and len(via.data) != len(deps):
            raise VerifyException(
                f"'via' gives {len(via.data)} reasons for {len(deps)} dependencies"
            )
        if len(set(deps)) != len(deps):
            raise VerifyException("a task lists each dependency once")
        if self.branch is not None:
            parent = self.parent_op()
            while isinstance(parent, ParallelOp) and parent.kind.data is ParallelKind.DLP:
                parent = parent.parent_op()
            if not (isinstance(parent, ParallelOp) and parent.kind.data is ParallelKind.TLP):
                raise VerifyException("'branch' is only meaningful inside a 'tlp' group")


@compile_verifier
@irdl_op_definition
class JoinOp(IRDLOperation):
    """Ends a parallel group: yields the token of every member, in order.

    ```mlir
    conc.join %2, %3
    ```
    """

    name = "conc.join"

    members = var_operand_def(TokenType)

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(ParallelOp)))
    assembly_format = "($members^)? attr-dict"

    def __init__(self, members: list[SSAValue]):
        super().__init__(operands=[members])


@compile_verifier
@irdl_op_definition
class ParallelOp(IRDLOperation):
    """A parallel group: its kind, how the harness realises it (`mechanism`), why its
    members are independent (`reason`), whether the target harness runs it (`status`;
    `fallback` says why not), the task that joins the branches when there is one
    (`join`), and for `dlp` the item set (`over`), how many items (`items`, with
    `items_source` = code | text | assumed) and parallel lanes (`lanes`). An `ilp` group
    with `in_one_step` holds one task whose own tool calls are independent; a `tlp` group
    with it, one task that fans its work out to several sub-agents. A `tlp` group with
    `per_item` holds one branch of tasks that each sub-agent runs for its own item.

    ```mlir
    %5 = conc.parallel dlp parallel items from assumed -> !conc.token attributes {mechanism = "xargs -P", over = "logs/*.log", items = 8 : i64, lanes = 4 : i64, reason = "..."} {
      %6 = conc.task 2 tool "Count ERROR lines in each log" (%0) {cost = 12000 : i64}
      conc.join %6
    }
    ```
    """

    name = "conc.parallel"

    kind = prop_def(ParallelKindAttr)
    mechanism = prop_def(StringAttr)
    reason = prop_def(StringAttr)
    status = prop_def(GroupStatusAttr)
    fallback = opt_prop_def(StringAttr)
    join = opt_prop_def(IntegerAttr[I64])
    over = opt_prop_def(StringAttr)
    items = opt_prop_def(IntegerAttr[I64])
    items_source = opt_prop_def(ItemsSourceAttr)
    lanes = opt_prop_def(IntegerAttr[I64])
    in_one_step = opt_prop_def(UnitAttr)
    per_item = opt_prop_def(UnitAttr)
    outputs = var_result_def(TokenType)
    body = region_def("single_block")

    traits = lazy_traits_def(lambda: (HasParent(GraphOp, ParallelOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$kind $status (`items` `from` $items_source^)? (`->` type($outputs)^)? attr-dict-with-keyword $body"
    )

    @property
    def group_kind(self) -> ParallelKind:
        return self.kind.data

    @property
    def group_status(self) -> str:
        return self.status.data.value

    @property
    def is_parallel(self) -> bool:
        return self.status.data is GroupStatus.PARALLEL

    def units(self) -> list[Operation]:
        """The members: tasks and nested groups, without the join."""
        return [op for op in self.body.block.ops if not isinstance(op, JoinOp)]

    def tasks(self) -> Iterator[TaskOp]:
        """Every task in the group, nested groups included."""
        for op in walk_region(self.body):
            if isinstance(op, TaskOp):
                yield op

    def verify_(self) -> None:
        kind = self.group_kind
        block = self.body.block
        last = block.last_op
        if not isinstance(last, JoinOp):
            raise VerifyException("a 'conc.parallel' region must end with 'conc.join'")
        if self.status.data is GroupStatus.SEQUENTIAL and (self.fallback is None or not self.fallback.data):
            raise VerifyException("a sequential group must say why in 'fallback'")
        if not self.mechanism.data:
            raise VerifyException("a parallel group needs a 'mechanism'")
        units = self.units()
        defined: list[SSAValue] = []
        for op in units:
            if not isinstance(op, TaskOp | ParallelOp):
                raise VerifyException(f"'{op.name}' cannot be a member of a parallel group")
            defined.extend(op.results)
        if list(last.members) != defined:
            raise VerifyException("'conc.join' must yield the token of every member, in order")
        if len(self.outputs) != len(defined):
            raise VerifyException(
                f"the group has {len(self.outputs)} results but joins {len(defined)} tokens"
            )
        dlp_only = ("over", "items", "items_source", "lanes")
        if self.in_one_step is not None and kind is ParallelKind.DLP:
            raise VerifyException("'in_one_step' marks an 'ilp' or 'tlp' group of exactly one task")
        if self.per_item is not None and (kind is not ParallelKind.TLP or self.in_one_step is not None):
            raise VerifyException("'per_item' marks a 'tlp' group of one branch (and not 'in_one_step')")
        if kind is ParallelKind.DLP:
            if len(units) != 1 or not isinstance(units[0], TaskOp):
                raise VerifyException("a 'dlp' group holds exactly one task (the per-item operation)")
            if self.items is not None and _int_value(self.items) < 1:
                raise VerifyException("'items' must be positive")
            if self.lanes is not None and _int_value(self.lanes) < 1:
                raise VerifyException("'lanes' must be positive")
            return
        for name in dlp_only:
            if self.properties.get(name) is not None:
                raise VerifyException(f"'{name}' is only meaningful on a 'dlp' group")
        for op in units:
            if isinstance(op, ParallelOp) and op.group_kind is not ParallelKind.DLP:
                raise VerifyException("only a 'dlp' group can nest in another group")
        owner_of = {}  # token -> member unit index (or branch for tlp)
        for index, op in enumerate(units):
            key = index if kind is ParallelKind.ILP else _branch_of(op)
            if key is None:
                raise VerifyException("every task of a 'tlp' group needs a 'branch'")
            for value in op.results:
                owner_of[value] = key
            if isinstance(op, ParallelOp):
                for inner in op.tasks():
                    owner_of[inner.done] = key
        keys = set(owner_of.values())
        if self.in_one_step is not None:  # (its kind was checked above)
            if len(units) != 1 or not isinstance(units[0], TaskOp):
                raise VerifyException("'in_one_step' marks an 'ilp' or 'tlp' group of exactly one task")
            return  # the calls (ilp) or sub-agents (tlp) of one step, issued together
        if self.per_item is not None:
            if len(keys) != 1:
                raise VerifyException("'per_item' marks a 'tlp' group of one branch")
            return  # one branch (its tasks, and dlp groups in it), run by one sub-agent per item
        if len(keys) < 2:
            what = "members" if kind is ParallelKind.ILP else "branches"
            raise VerifyException(f"an '{kind.value}' group needs at least two {what}")
        for index, op in enumerate(units):
            mine = index if kind is ParallelKind.ILP else _branch_of(op)
            tasks = [op] if isinstance(op, TaskOp) else list(op.tasks())
            for task in tasks:
                for dep in task.deps:
                    other = owner_of.get(dep)
                    if other is not None and other != mine:
                        if kind is ParallelKind.ILP:
                            raise VerifyException(
                                f"members of an 'ilp' group must be independent: task "
                                f"{task.task_id} waits on another member"
                            )
                        raise VerifyException(
                            f"'tlp' branches must be independent: task {task.task_id} "
                            f"(branch {mine}) waits on branch {other}"
                        )


def _branch_of(op: Operation) -> int | None:
    if isinstance(op, TaskOp):
        return _int_value(op.branch) if op.branch is not None else None
    if isinstance(op, ParallelOp):
        branches = {_branch_of(t) for t in op.tasks()}
        return branches.pop() if len(branches) == 1 else None
    return None


@compile_verifier
@irdl_op_definition
class GraphOp(IRDLOperation):
    """The workflow DAG of the enclosing skill, for one target harness: tasks and
    parallel groups in a topological order, the critical path (task ids), total and
    critical-path cost (ms) and the speedup bounds.

    ```mlir
    conc.graph attributes {harness = "bare-agent", critical_path = array<i64: 1, 2>, total_cost = 9000 : i64, critical_cost = 9000 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      %0 = conc.task 1 tool "List the PDF files" {cost = 4500 : i64}
      %1 = conc.task 2 tool "Merge them" (%0) {cost = 4500 : i64, via = ["files.txt"]}
    }
    ```
    """

    name = "conc.graph"

    harness = prop_def(StringAttr)
    critical_path = prop_def(DenseArrayBase[I64])
    total_cost = prop_def(IntegerAttr[I64])
    critical_cost = prop_def(IntegerAttr[I64])
    ideal_speedup = prop_def(FloatAttr)
    max_speedup = prop_def(FloatAttr)
    body = region_def("single_block")

    traits = lazy_traits_def(lambda: (NoTerminator(), HasParent(_skill_op())))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict-with-keyword $body"

    def tasks(self) -> Iterator[TaskOp]:
        for op in walk_region(self.body):
            if isinstance(op, TaskOp):
                yield op

    def groups(self) -> Iterator[ParallelOp]:
        for op in walk_region(self.body):
            if type(op) is ParallelOp:
                yield op

    @property
    def path(self) -> tuple[int, ...]:
        return tuple(int(v) for v in self.critical_path.get_values())

    def verify_(self) -> None:
        for name in ("total_cost", "critical_cost"):
            if _int_value(self.properties[name]) < 0:
                raise VerifyException(f"'{name}' cannot be negative")
        for name in ("ideal_speedup", "max_speedup"):
            if self.properties[name].value.data < 1.0 - 1e-9:
                raise VerifyException(f"'{name}' is at least 1.0 (parallelism never slows the ideal)")
        for op in self.body.block.ops:
            if not isinstance(op, TaskOp | ParallelOp):
                raise VerifyException(f"'{op.name}' cannot appear directly in a 'conc.graph'")
        tasks = list(self.tasks())
        ids = [t.task_id for t in tasks]
        seen: set[int] = set()
        for task_id in ids:
            if task_id in seen:
                raise VerifyException(f"task {task_id} appears twice")
            seen.add(task_id)
        steps = _count_steps(self.parent_op())
        for task_id in ids:
            if task_id > steps:
                raise VerifyException(
                    f"dangling task {task_id}: the skill has {steps} step(s)"
                )
        try:
            _check_visibility(self)
        except VerifyException:
            # with every token defined before its use (in program order) no cycle can
            # exist, so the costlier cycle search runs only here, for its better message
            _check_acyclic(self, tasks)
            raise
        position = {task_id: i for i, task_id in enumerate(ids)}
        last = -1
        for task_id in self.path:
            if task_id not in position:
                raise VerifyException(f"the critical path names task {task_id}, which is not in the graph")
            if position[task_id] <= last:
                raise VerifyException("the critical path must follow the graph's order")
            last = position[task_id]


def _skill_op():
    from skillir.dialects.skill import SkillOp

    return SkillOp


def _count_steps(skill: Operation | None) -> int:
    from skillir.dialects.skill import StepOp

    if skill is None:
        return 0
    return sum(1 for op in walk_ops(skill) if op.__class__ is StepOp)  # (no subclasses: no isinstance)


def _token_tasks(value: SSAValue, memo: dict[SSAValue, tuple[TaskOp, ...]]) -> tuple[TaskOp, ...]:
    """The tasks a token stands for: its task, or for a group result the member's tasks."""
    found = memo.get(value)
    if found is not None:
        return found
    owner = value.owner
    if isinstance(owner, TaskOp):
        result: tuple[TaskOp, ...] = (owner,)
    elif isinstance(owner, ParallelOp):
        join = owner.body.block.last_op
        index = owner.results.index(value)
        if isinstance(join, JoinOp) and index < len(join.members):
            result = _token_tasks(join.members[index], memo)
        else:
            result = ()
    else:
        result = ()
    memo[value] = result
    return result


def _check_acyclic(graph: GraphOp, tasks: list[TaskOp]) -> None:
    memo: dict[SSAValue, tuple[TaskOp, ...]] = {}
    edges: dict[TaskOp, list[TaskOp]] = {t: [] for t in tasks}
    for task in tasks:
        for dep in task.deps:
            for source in _token_tasks(dep, memo):
                if source in edges:
                    edges[source].append(task)
    state: dict[TaskOp, int] = {}  # 1 = on stack, 2 = done
    for root in tasks:
        if root in state:
            continue
        stack: list[tuple[TaskOp, int]] = [(root, 0)]
        path: list[TaskOp] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            succ = edges[node]
            if index < len(succ):
                stack.append((node, index + 1))
                nxt = succ[index]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt):] + [nxt]
                    raise VerifyException(
                        "dependency cycle: " + " -> ".join(f"task {t.task_id}" for t in cycle)
                    )
                if nxt not in state:
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()


def _check_visibility(graph: GraphOp) -> None:
    """Each dependency is a token of this graph, defined before its use in the same
    block or an enclosing one (inside the graph)."""
    for block, ancestors in _blocks(graph.body.block, ()):
        visible_here: set[SSAValue] = set()
        for op in block_ops(block):
            deps = op.deps if isinstance(op, TaskOp) else ()
            for dep in deps:
                if dep in visible_here or any(dep in seen for seen in ancestors):
                    continue
                owner = dep.owner
                task = op.task_id
                if not isinstance(owner, TaskOp | ParallelOp) or _graph_of(owner) is not graph:
                    raise VerifyException(
                        f"dangling dependency of task {task}: not a task or group of this graph"
                    )
                if isinstance(owner.parent_op(), ParallelOp) and not _encloses(owner.parent_op(), op):
                    raise VerifyException(
                        f"task {task} uses a token from inside a parallel group: use the group's result"
                    )
                raise VerifyException(f"task {task} uses a dependency before it is defined")
            visible_here.update(op.results)
        # tokens a nested block may use: what is defined before it, here and above
    return


def _blocks(block: Block, ancestors: tuple[set[SSAValue], ...]):
    """Each block of the graph with the tokens visible to it from enclosing blocks."""
    yield block, ancestors
    seen: set[SSAValue] = set()
    for op in block_ops(block):
        if type(op) is ParallelOp:
            yield from _blocks(op.body.block, (*ancestors, set(seen)))
        seen.update(op.results)


def _graph_of(op: Operation) -> GraphOp | None:
    current: Operation | None = op
    while current is not None and not isinstance(current, GraphOp):
        current = current.parent_op()
    return current


def _encloses(outer: Operation, op: Operation) -> bool:
    current: Operation | None = op
    while current is not None:
        if current is outer:
            return True
        current = current.parent_op()
    return False


_OPS = [GraphOp, TaskOp, ParallelOp, JoinOp]

Conc = Dialect("conc", _OPS, [TokenType, ParallelKindAttr, TaskKindAttr, GroupStatusAttr, ItemsSourceAttr])
install_fast_accessors(_OPS)  # skillir.xdsl_compat.accessors: named values read directly


def make_region(ops: list[Operation]) -> Region:
    return Region(Block(ops))


__all__ = [
    "Conc",
    "GraphOp",
    "JoinOp",
    "ParallelKind",
    "ParallelKindAttr",
    "ParallelOp",
    "TaskOp",
    "TokenType",
    "TASK_KINDS",
    "STATUSES",
    "ITEMS_SOURCES",
    "GroupStatus",
    "GroupStatusAttr",
    "ItemsSource",
    "ItemsSourceAttr",
    "TaskKind",
    "TaskKindAttr",
    "group_status",
    "items_source",
    "task_kind",
    "VIA_ORDER",
    "VIA_REF",
]
