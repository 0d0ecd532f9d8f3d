"""`lower-to-harness{harness=...}`: a compiled skill becomes what one harness loads.

One rewrite pattern per source op, applied in two walks (1-2, then 3) that offer each op
only to the patterns of its name, in the order xdsl's greedy walker would (`_walk`; like
MLIR Toy's `LowerToAffine`, with the legality written beside the patterns):

1. `skill.skill` -> `harness.program` (`SkillToProgram`): the skill moves into the
   program's `harness.prompt skill` (its markdown stays as skill ops, so the backends
   write SKILL.md byte for byte where nothing changed) and its steps are named
   `@step_N`, which every harness op uses to refer to a step.
2. a kept `conc.parallel` -> `harness.batch` (ILP, DLP; a DLP group nested in a kept
   ILP group becomes a batch inside that batch) or one `harness.subagent` per TLP
   branch (`ParallelToBatch`), and a one-line hint in SKILL.md after the group's last
   step naming the harness's mechanism. A group the harness runs one after another
   lowers to nothing here (its record says why).
3. the rest, each where it stands:
   - runnable `skill.code` -> `harness.call` with the harness's own exec tool, in the
     batch or sub-agent of its step (`CodeToCall`);
   - `env.setup` -> `harness.setup`, the hook run before the skill loads
     (`EnvSetupToHook`); `env.require` -> a `harness.guard` (the dependency's check
     before the step that needs it) and a `harness.dependency` record
     (`EnvRequireToGuard`); `env.note` -> `harness.env_note`; `env.bind` and
     `env.probe` dissolve;
   - `cap.profile`, `cap.gap` and the transform ops -> the `harness.profile`,
     `harness.gap` and `harness.transform` records; an offload with a script also a
     `harness.script` (`CapTransformToRecord`); `cap.require` is counted on the program
     and erased;
   - `conc.graph` -> the `harness.workflow` record (tasks and groups by id).
   - clean-up: a step whose region held only `cap.require`s gets back its plain
     form; a nested DLP batch with no call goes.

compile-report.json and workflow-dag.md are computed from the records at emission
(`skillir.emit.report`). Legality afterwards (`LOWERING_LEGALITY`, read by the pass
manager through `legality`): no cap, env or conc op remains; no batch or sub-agent
block of a kind the harness cannot run; one harness per skill; every `@step_N` names a
step of its program.
"""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
)
from xdsl.ir import Block, Operation, Region
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    PatternRewriter,
    RewritePattern,
    op_type_rewrite_pattern,
)
from xdsl.rewriter import InsertPoint

from skillir.attrs import i64_attr
from skillir.concurrency.build import GraphView, read_graph
from skillir.concurrency.groups import step_span
from skillir.dialects.conc import (
    GraphOp,
    ParallelKind,
    ParallelKindAttr,
    ParallelOp,
    group_status,
    task_kind,
)
from skillir.dialects.harness import (
    BatchKind,
    BatchKindAttr,
    BatchOp,
    CallOp,
    DependencyOp,
    EnvNoteOp,
    GapOp,
    GroupOp,
    GuardOp,
    OnFailure,
    OnFailureAttr,
    ProfileOp,
    ProgramOp,
    PromptKind,
    PromptKindAttr,
    PromptOp,
    ScriptOp,
    SetupOp,
    SubagentOp,
    TaskOp,
    TransformKind,
    TransformKindAttr,
    TransformOp,
    WorkflowOp,
    harness_for,
    step_number,
    step_ref,
    step_symbol,
    target_of,
)
from skillir.dialects.skill import (
    CodeOp,
    SkillOp,
    StepOp,
    ensure_block,
    folder_name,
    region_ops,
    skill_markdown,
)
from skillir.errors import SkillIRError
from skillir.readers.languages import family as language_family
from skillir.xdsl_compat.build import i64_array, new_block, new_op, text_attr
from skillir.xdsl_compat.rewrite import rewrite_roots
from skillir.xdsl_compat.walk import walk_ops

_LOWERED_DIALECTS = ("cap.", "env.", "conc.")
_NOT_RUNNABLE_AS_IS = frozenset({"pycon", "jupyter", "ts", "tsx", "typescript"})
"""Tags of a family (`skillir.readers.languages`) whose body its interpreter cannot run
as written: `>>>` sessions, notebooks, TypeScript under node."""
_MAX_COMMAND = 4000
_BLOCK_OPS = (BatchOp, SubagentOp)
_TRANSFORM_OPS = {f"cap.{kind.value}": kind for kind in TransformKind}
_SKILL_PROMPT = PromptKindAttr(PromptKind.SKILL)


def _folder_name(skill: SkillOp) -> str:
    """`folder_name`, saying so when it is not the skill's name."""
    folder = folder_name(skill)
    if folder != skill.sym_name.data:
        logging.getLogger("skillir.lower").warning(
            "warning: %s: the name %r cannot name a folder; the compiled skill goes in %r, the "
            "folder it came from (its front matter keeps the name)", skill.source.data, skill.sym_name.data, folder)
    return folder


def skill_path(harness, name: str) -> str:
    """Where the harness discovers a skill folder, relative to its root."""
    template = harness.skills.discover.path or f"skills/{name}/SKILL.md"
    for prefix in ("<workDir>/", "<workspace>/", "$HERMES_HOME/", "~/"):
        template = template.removeprefix(prefix)
    return template.replace("<name>", name)


def _label(step: StepOp, limit: int = 72) -> str:
    from skillir.frontend.classify import lead_text

    line = " ".join(lead_text(step.text.data).split())
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"


def _i64(value: int) -> IntegerAttr:
    return i64_attr(value)


def _steps(numbers: list[int]) -> ArrayAttr:
    return ArrayAttr([step_ref(n) for n in numbers])


def _command_for(code: CodeOp) -> str | None:
    """The shell command a runnable code block amounts to."""
    lang = code.lang.data.lower().strip()
    body = code.body.data
    if len(body) > _MAX_COMMAND or lang in _NOT_RUNNABLE_AS_IS:
        return None
    family = language_family(lang)
    if family == "shell":
        lines = [ln[2:] if ln.startswith("$ ") else ln for ln in body.splitlines()]
        return "\n".join(lines).strip() or None
    if family == "python":
        return f"python3 - <<'SKILLIR_PY'\n{body}SKILLIR_PY"
    if family == "javascript":
        return f"node - <<'SKILLIR_JS'\n{body}SKILLIR_JS"
    return None


def _guard_command(require: Operation) -> str:
    """A stand-alone shell check for an `env.require` (its own `check` calls helpers
    that only exist inside env-setup.sh)."""

    def names(prop: str) -> list[str]:
        value = require.properties.get(prop)
        return [a.data for a in value.data] if value is not None else []

    kind, package = require.kind.data, require.package.data
    if kind == "pip":
        modules = names("modules") or [package.replace("-", "_")]
        return "python3 -c " + shlex.quote("import " + ", ".join(modules))
    if kind == "system":
        bins = names("bins") or [package]
        return " && ".join(f"command -v {shlex.quote(b)} >/dev/null" for b in bins)
    if kind == "npm":
        return f"npm ls --depth=0 {shlex.quote(package)} >/dev/null || npm ls -g --depth=0 {shlex.quote(package)} >/dev/null"
    return require.check.data


def _hint(group, harness) -> str | None:
    numbers = ", ".join(str(s) for s in group.members)
    if group.kind == "ilp":
        tool = harness.parallel_tool_calls.tool
        how = f"in one `{tool}` call" if tool else "as parallel tool calls in one turn"
        if len(group.members) == 1:
            return ("> **Parallel (SkillIR):** this step's tool calls do not depend on each other: "
                    f"issue them together, {how}.")
        return f"> **Parallel (SkillIR):** steps {numbers} do not depend on each other: issue their tool calls together, {how}."
    if group.kind == "tlp":
        tool = harness.subagents.tool
        via = f" with the `{tool}` tool" if tool else ""
        if len(group.members) == 1:
            return ("> **Parallel (SkillIR):** the sub-agents of this step are independent: start them "
                    f"together{via}, then continue when all have finished.")
        if group.per_item:
            return (f"> **Parallel (SkillIR):** steps {step_span(group.members)} are what each item's sub-agent "
                    f"does: start one sub-agent per item{via}, all together, then continue when all have finished.")
        branches = "; ".join(" → ".join(str(s) for s in b) for b in group.branches)
        return (f"> **Parallel (SkillIR):** the branches {branches} are independent: hand each to a "
                f"sub-agent{via}, then continue when all have finished.")
    if group.kind == "dlp":
        return (f"> **Parallel (SkillIR):** step {numbers} repeats the same work over many items: "
                f"process them in parallel ({group.mechanism}) instead of one by one.")
    return None


# ---------------------------------------------------------------------------
# what the patterns share: per program, the facts read once when the skill is lowered


@dataclass
class _ProgramFacts:
    harness: object
    """The harness's feature table (`skillir.harnesses.HarnessFeatures`)."""
    steps: list[StepOp]
    view: GraphView | None
    groups: dict[ParallelOp, int]
    """Each `conc.parallel` of the skill's graph -> its position in `view.groups`."""
    requires: list[str]
    """Names of the non-optional dependencies (for `harness.setup`)."""
    containers: dict[int, Operation] = field(default_factory=dict)
    """Step number -> the innermost batch or sub-agent its call goes in."""
    lowered_groups: dict[int, list[Operation]] = field(default_factory=dict)
    hints: dict[int, str] = field(default_factory=dict)
    called: set[StepOp] = field(default_factory=set)
    growth_left: int | None = None
    """Characters the parallel hints may still add to SKILL.md (None: no cap)."""
    hints_skipped: dict[int, str] = field(default_factory=dict)

    _step_lines: list[int | None] | None = field(default=None, init=False, repr=False)

    def step_lines(self) -> list[int | None]:
        """Each step's source line (its location's, or its nearest located ancestor's),
        read once per program: a step's location does not change while it lowers."""
        if self._step_lines is None:
            from skillir.ir import location_of

            self._step_lines = [location_of(step)[1] for step in self.steps]
        return self._step_lines

    @property
    def exec_tool(self) -> str:
        return self.harness.tool_for("exec") or "execute_command"


@dataclass
class _Lowering:
    """The state one run of the pass keeps between matches, keyed by op."""

    option: str
    max_growth_percent: int = 0
    programs: dict[ProgramOp, _ProgramFacts] = field(default_factory=dict)

    def facts(self, op: Operation) -> tuple[ProgramOp, _ProgramFacts] | None:
        """The program `op` sits in and its facts (None before its skill is lowered)."""
        parent = op.parent_op()
        while parent is not None and parent.__class__ is not ProgramOp:  # no subclass: no ABC check
            parent = parent.parent_op()
        facts = self.programs.get(parent) if parent is not None else None
        return None if facts is None else (parent, facts)


def _enclosing_step(op: Operation) -> StepOp | None:
    parent = op.parent_op()
    while parent is not None and parent.__class__ is not StepOp and parent.__class__ is not SkillOp:
        parent = parent.parent_op()
    return parent if parent.__class__ is StepOp else None


def _record(op: Operation, record: Operation, rewriter: PatternRewriter) -> None:
    """Replace `op` by `record`, which keeps its place and its location."""
    record.location = op.location
    rewriter.replace(op, record)


# ---------------------------------------------------------------------------
# round 1


@dataclass
class SkillToProgram(RewritePattern):
    """`skill.skill` at module level -> `harness.program` whose skill prompt holds it."""

    roots: ClassVar[tuple[str, ...]] = ("skill.skill",)

    state: _Lowering

    @op_type_rewrite_pattern
    def match_and_rewrite(self, skill: SkillOp, rewriter: PatternRewriter) -> None:
        from skillir.harnesses import load_harness

        if not isinstance(skill.parent_op(), ModuleOp):
            return
        graph = next((g for g in region_ops(skill.body) if isinstance(g, GraphOp)), None)
        recorded = graph.harness.data if graph is not None else None
        harness = load_harness(harness_for(skill, self.state.option, LowerToHarnessPass.name, recorded))
        steps: list[StepOp] = []
        requirements = 0
        requires: list[str] = []
        model = "unknown"
        for op in walk_ops(skill):
            if op.__class__ is StepOp:
                steps.append(op)
                op.properties["sym_name"] = text_attr(step_symbol(len(steps)))
            elif op.name == "cap.require":
                requirements += 1
            elif op.name == "env.require" and op.optional is None:
                requires.append(op.package.data)
            elif op.name == "cap.profile":
                model = op.model.data
        view = read_graph(graph) if graph is not None else None
        groups = {par: index for index, par in enumerate(graph.groups())} if graph is not None else {}
        prompt = new_op(PromptOp, {
            "kind": _SKILL_PROMPT,
            "path": text_attr(skill_path(harness, _folder_name(skill))),
            "inject": StringAttr(harness.skills.inject.mechanism),
        }, regions=[Region(Block())])
        props = {"sym_name": skill.sym_name, "harness": StringAttr(harness.name), "model": text_attr(model)}
        if requirements:
            props["requirements"] = _i64(requirements)
        program = new_op(ProgramOp, props, regions=[Region(new_block([prompt]))])
        facts = self.state.programs[program] = _ProgramFacts(harness, steps, view, groups, requires)
        if groups and self.state.max_growth_percent:
            facts.growth_left = _growth_left(skill, self.state.max_growth_percent)
        rewriter.insert(program, InsertPoint.before(skill))
        skill.detach()  # moved, not erased: the skill is the prompt's content
        rewriter.insert(skill, InsertPoint.at_end(prompt.body.block))


# ---------------------------------------------------------------------------
# round 2


@dataclass
class ParallelToBatch(RewritePattern):
    """A kept `conc.parallel` -> `harness.batch` (ILP, DLP) or `harness.subagent`s (TLP),
    in the batch of the kept group it is nested in, else in the program; plus its hint."""

    roots: ClassVar[tuple[str, ...]] = ("conc.parallel",)

    state: _Lowering

    @op_type_rewrite_pattern
    def match_and_rewrite(self, par: ParallelOp, rewriter: PatternRewriter) -> None:
        found = self.state.facts(par)
        if found is None:
            return
        program, facts = found
        index = facts.groups.get(par)
        if index is None or index in facts.lowered_groups or par.status.data != "parallel":
            return
        group = facts.view.groups[index]
        parent = group.nested_in
        if parent is not None and facts.view.groups[parent].status == "parallel":
            if parent not in facts.lowered_groups:
                return  # unreachable: the walk is pre-order, so the enclosing group came first
            outer = facts.lowered_groups[parent]
            target_block = None
        else:
            outer, target_block = [], program.body.block
        count = len(facts.steps)
        made: list[Operation] = []
        if group.kind in ("ilp", "dlp"):
            steps = [s for s in group.members if 1 <= s <= count]
            made.append(new_op(BatchOp, {
                "kind": BatchKindAttr(BatchKind(group.kind)), "steps": _steps(steps),
                "reason": text_attr(group.reason)}, regions=[Region()]))
            for s in steps:
                facts.containers[s] = made[0]
        else:
            for branch in group.branches:
                sub = new_op(SubagentOp, {
                    "task": text_attr(" then ".join(_label(facts.steps[s - 1]) for s in branch)),
                    "tool": StringAttr(facts.harness.subagents.tool or "subagent"),
                    "steps": _steps(branch)}, regions=[Region()])
                made.append(sub)
                for s in branch:
                    facts.containers[s] = sub
        facts.lowered_groups[index] = made
        for op in made:
            if target_block is not None:
                rewriter.insert(op, InsertPoint.at_end(target_block))
            else:  # nested: in the enclosing batch or sub-agent that holds its first step
                home = next((o for o in outer if group.members[0] in [step_number(r) for r in o.steps.data]),
                            outer[0])
                rewriter.insert(op, InsertPoint.at_end(ensure_block(home.regions[0])))
        self._add_hint(group, index, facts, rewriter)

    @staticmethod
    def _add_hint(group, index: int, facts: _ProgramFacts, rewriter: PatternRewriter) -> None:
        from skillir.capability.edits import add_note

        hint = _hint(group, facts.harness)
        last = max(group.members) if group.members else 0
        if hint is None or not 1 <= last <= len(facts.steps):
            return
        if facts.growth_left is not None:
            cost = len(hint) + 8  # the note, its indent and blank line
            if cost > facts.growth_left:
                facts.hints_skipped[index] = ("no hint in SKILL.md: it would grow the compiled skill past "
                                              "max-growth-percent of the original")
                return
            facts.growth_left -= cost
        facts.hints[index] = add_note(facts.steps[last - 1], hint, rewriter).strip()


def _growth_left(skill: SkillOp, percent: int) -> int:
    """What may still be added to a skill's SKILL.md within `percent` of the skill as
    written: the original is today's text with outlined material put back and the text
    compile-capabilities added (its records' `added`) taken out; what outline-references
    saved is room, what compile-capabilities added is spent."""
    now = len(skill_markdown(skill))
    added = sum(len(op.added.data) for op in skill.walk()
                if op.name.startswith("cap.") and getattr(op, "added", None) is not None
                and not op.added.data.startswith("(paths)"))
    original = max(1, len(skill_markdown(skill, inline_outlined=True)) - added)
    return percent * original // 100 - (now - original)


# ---------------------------------------------------------------------------
# round 3


@dataclass
class CodeToCall(RewritePattern):
    """The first runnable `skill.code` of a step that the shell can run ->
    `harness.call` with the harness's exec tool, in its step's batch or sub-agent."""

    roots: ClassVar[tuple[str, ...]] = ("skill.code",)

    state: _Lowering

    @op_type_rewrite_pattern
    def match_and_rewrite(self, code: CodeOp, rewriter: PatternRewriter) -> None:
        step = code.parent_op()
        found = self.state.facts(code)
        if found is None or step.__class__ is not StepOp or not code.is_runnable:
            return
        program, facts = found
        if step in facts.called:
            return
        command = _command_for(code)
        if command is None or _runnable_before(code, step):
            return
        facts.called.add(step)
        number = facts.steps.index(step) + 1
        call = new_op(CallOp, {"tool": StringAttr(facts.exec_tool),
                               "args": DictionaryAttr({"command": text_attr(command)}),
                                         "step": step_ref(number)})
        container = facts.containers.get(number)
        block = ensure_block(container.regions[0]) if container is not None else program.body.block
        rewriter.insert(call, InsertPoint.at_end(block))


def _runnable_before(code: CodeOp, step: StepOp) -> bool:
    """Does a runnable code block with a shell command come before `code` in its step?"""
    for op in step.nested_ops:
        if op is code:
            return False
        if op.__class__ is CodeOp and op.is_runnable and _command_for(op) is not None:
            return True
    return False


@dataclass
class EnvBindDissolve(RewritePattern):
    """`env.bind`: its ops move out in front of it (each lowers on its own), it goes."""

    roots: ClassVar[tuple[str, ...]] = ("env.bind",)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "env.bind" or self.state.facts(op) is None:
            return
        block = op.regions[0].block
        rewriter.inline_block(block, InsertPoint.before(op))
        rewriter.erase(op)


@dataclass
class EnvSetupToHook(RewritePattern):
    """`env.setup` -> `harness.setup` at the start of the program."""

    roots: ClassVar[tuple[str, ...]] = ("env.setup",)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "env.setup" or (found := self.state.facts(op)) is None:
            return
        program, facts = found
        setup = new_op(SetupOp, {
            "path": op.path, "script": op.script,
            "requires": ArrayAttr([text_attr(n) for n in facts.requires]),
            "on_failure": OnFailureAttr(OnFailure.CONTINUE_WITH_OUTPUT),
        })
        rewriter.insert(setup, InsertPoint.at_start(program.body.block))
        rewriter.erase(op)


@dataclass
class EnvRequireToGuard(RewritePattern):
    """`env.require` -> a `harness.dependency` record where it stood and, unless it is
    optional, a `harness.guard` (its check) before the step whose text names it."""

    roots: ClassVar[tuple[str, ...]] = ("env.require",)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "env.require" or (found := self.state.facts(op)) is None:
            return
        program, facts = found
        if op.optional is None:
            props = {"check": text_attr(_guard_command(op)),
                     "message": text_attr(f"{op.kind.data} dependency '{op.package.data}' is missing: run env-setup.sh")}
            line = next((e.line.data for e in op.evidence.data
                         if getattr(e, "file", None) is not None and e.file.data == "SKILL.md" and e.line.data), None)
            step = _step_at_line(facts.step_lines(), line)
            if step is not None:
                props["step"] = step_ref(step)
            rewriter.insert(new_op(GuardOp, props), InsertPoint.at_end(program.body.block))
        record = {key: op.properties[key] for key in ("kind", "package", "source", "check", "install")}
        if op.present is not None:
            record["present"] = op.present
        if op.optional is not None:
            record["optional"] = op.optional
        _record(op, new_op(DependencyOp, record), rewriter)


def _step_at_line(step_lines: list[int | None], line: int | None) -> int | None:
    """The number of the last step that starts at or before `line` (`step_lines`: each
    step's source line, `_ProgramFacts.step_lines`)."""
    best = None
    for index, step_line in enumerate(step_lines, start=1):
        if step_line is not None and line is not None and step_line <= line:
            best = index
    return best


@dataclass
class EnvNoteToRecord(RewritePattern):
    """`env.note` -> `harness.env_note`; `env.probe` (the presence probe's log) goes."""

    roots: ClassVar[tuple[str, ...]] = ("env.note", "env.probe")

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name not in ("env.note", "env.probe") or self.state.facts(op) is None:
            return
        if op.name == "env.probe":
            rewriter.erase(op)
            return
        _record(op, new_op(EnvNoteOp, {"file": op.file, "kind": op.kind, "message": op.message}),
                rewriter)


@dataclass
class CapProfileToRecord(RewritePattern):
    """`cap.profile` -> `harness.profile` (the capability table itself is not kept)."""

    roots: ClassVar[tuple[str, ...]] = ("cap.profile",)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "cap.profile" or self.state.facts(op) is None:
            return
        keep = ("model", "harness", "source", "date", "path", "fallback", "synthetic")
        props = {key: op.properties[key] for key in keep if key in op.properties}
        _record(op, new_op(ProfileOp, props), rewriter)


@dataclass
class CapRequireErase(RewritePattern):
    """`cap.require` goes (the program counts them: `requirements`)."""

    roots: ClassVar[tuple[str, ...]] = ("cap.require",)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name == "cap.require" and self.state.facts(op) is not None:
            rewriter.erase(op)


@dataclass
class CapGapToRecord(RewritePattern):
    """`cap.gap` -> `harness.gap`, in the same step."""

    roots: ClassVar[tuple[str, ...]] = ("cap.gap",)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        if op.name != "cap.gap" or self.state.facts(op) is None:
            return
        props = {"prim": op.prim, "available": op.available, "kind": op.kind}
        if op.rule is not None:
            props["rule"] = op.rule
        _record(op, new_op(GapOp, props), rewriter)


@dataclass
class CapTransformToRecord(RewritePattern):
    """`cap.compensated|substituted|decomposed|offloaded|unresolved` -> `harness.transform`
    in the same step; an offload that wrote a script also -> `harness.script`."""

    roots: ClassVar[tuple[str, ...]] = tuple(_TRANSFORM_OPS)

    state: _Lowering

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        kind = _TRANSFORM_OPS.get(op.name)
        if kind is None or (found := self.state.facts(op)) is None:
            return
        program, facts = found
        details = {key: value for key, value in op.properties.items() if key != "prim"}
        if kind is TransformKind.OFFLOADED and "script" in details:
            lang = details.get("lang")
            if lang is not None and not isinstance(lang, StringAttr):  # the cap dialect's enum
                lang = StringAttr(str(lang.data))
            props = {"path": details["script"], "lang": lang or StringAttr("python")}
            step = _enclosing_step(op)
            if step is not None and step in facts.steps:
                props["step"] = step_ref(facts.steps.index(step) + 1)
            for key in ("body", "run"):  # the script the compiler wrote, and how the skill runs it
                if key in details and details[key].data:
                    props[key] = details[key]
            rewriter.insert(new_op(ScriptOp, props), InsertPoint.at_end(program.body.block))
        _record(op, new_op(TransformOp, {"kind": TransformKindAttr(kind), "prim": op.prim,
                                         "details": DictionaryAttr(details)}), rewriter)


@dataclass
class GraphToWorkflow(RewritePattern):
    """`conc.graph` (with its tasks, groups and joins) -> `harness.workflow` with one
    `harness.task` per step and one `harness.group` per group found."""

    roots: ClassVar[tuple[str, ...]] = ("conc.graph",)

    state: _Lowering

    @op_type_rewrite_pattern
    def match_and_rewrite(self, graph: GraphOp, rewriter: PatternRewriter) -> None:
        found = self.state.facts(graph)
        if found is None:
            return
        _, facts = found
        view = facts.view if facts.view is not None else read_graph(graph)
        workflow = new_op(WorkflowOp, {
            "harness": graph.harness, "critical_path": i64_array(view.critical_path),
            "total_cost": graph.total_cost, "critical_cost": graph.critical_cost,
            "ideal_speedup": graph.ideal_speedup, "max_speedup": graph.max_speedup,
        }, regions=[Region(new_block(_workflow_tasks(view, len(facts.steps))
                                     + _workflow_groups(view, facts)))])
        _record(graph, workflow, rewriter)


_PARALLEL_KINDS = {kind.value: ParallelKindAttr(kind) for kind in ParallelKind}


def _workflow_tasks(view: GraphView, count: int) -> list[Operation]:
    """One `harness.task` per node of the graph's DAG (the strings are the graph's own
    `str` values: `text_attr` makes their StringAttrs without the type check)."""
    dag = view.dag
    tasks: list[Operation] = []
    for number in dag.nodes:
        deps = dag.deps.get(number, {})
        props = {"id": _i64(number), "label": text_attr(dag.label.get(number, "")),
                 "kind": task_kind(view.kinds[number]), "cost": _i64(dag.cost[number])}
        if 1 <= number <= count:
            props["step"] = step_ref(number)
        if deps:
            props["deps"] = i64_array(list(deps))
            props["via"] = ArrayAttr([text_attr(w) for w in deps.values()])
        tasks.append(new_op(TaskOp, props))
    return tasks


def _workflow_groups(view: GraphView, facts: _ProgramFacts) -> list[Operation]:
    """One `harness.group` per group of the graph, with its hint or why it has none."""
    groups: list[Operation] = []
    for index, g in enumerate(view.groups):
        props = {"kind": _PARALLEL_KINDS[g.kind], "status": group_status(g.status),
                 "mechanism": text_attr(g.mechanism), "reason": text_attr(g.reason),
                 "members": i64_array(g.members), "branches": ArrayAttr([i64_array(b) for b in g.branches])}
        for key in ("join", "items", "lanes", "nested_in"):
            value = getattr(g, key)
            if value is not None:
                props[key] = _i64(value)
        for key in ("fallback", "over"):
            value = getattr(g, key)
            if value is not None:
                props[key] = text_attr(value)
        if index in facts.hints:
            props["hint"] = text_attr(facts.hints[index])
        elif index in facts.hints_skipped:
            props["hint_skipped"] = text_attr(facts.hints_skipped[index])
        groups.append(new_op(GroupOp, props))
    return groups


# ---------------------------------------------------------------------------
# round 4: clean-up


@dataclass
class PlainEmptyStep(RewritePattern):
    """A step whose region held only lowered ops (`cap.require`s) gets back its plain
    form (the walk visits the step after the ops in its region)."""

    roots: ClassVar[tuple[str, ...]] = ("skill.step",)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, step: StepOp, rewriter: PatternRewriter) -> None:
        if step.body is None or step.nested_ops:
            return
        step.detach_region(step.body)  # the step stays the same op: its symbol, uses and place
        rewriter.notify_op_modified(step)


@dataclass
class EraseEmptyNestedBatch(RewritePattern):
    """A DLP batch nested in another block that got no call goes (its step had no
    runnable code); a top-level one stays, as the group's record for the harness."""

    roots: ClassVar[tuple[str, ...]] = ("harness.batch",)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, batch: BatchOp, rewriter: PatternRewriter) -> None:
        if isinstance(batch.parent_op(), _BLOCK_OPS) and not region_ops(batch.body):
            rewriter.erase(batch)


@dataclass
class _RootIndexedApplier(RewritePattern):
    """Patterns indexed by the name of the op they match (their `roots`), as MLIR's
    frozen pattern sets are: an op is offered only to the patterns written for it,
    the first that rewrites wins."""

    patterns: list[RewritePattern]
    by_root: dict[str, list[RewritePattern]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for pattern in self.patterns:
            for root in pattern.roots:
                self.by_root.setdefault(root, []).append(pattern)

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        for pattern in self.by_root.get(op.name, ()):
            pattern.match_and_rewrite(op, rewriter)
            if rewriter.has_done_action:
                return


def _walk(module: ModuleOp, *patterns: RewritePattern, regions_first: bool) -> None:
    """One walk over the module (`skillir.xdsl_compat.rewrite.rewrite_roots`, xdsl's
    walker without its worklist): each pattern lowers an op once and creates only target
    ops, so nothing needs a second walk."""
    applier = _RootIndexedApplier(list(patterns))
    rewrite_roots(module, applier, applier.by_root, regions_first=regions_first)


@dataclass(frozen=True)
class LowerToHarnessPass(ModulePass):
    """Lower compiled skills to harness programs (what one harness loads and runs)."""

    name = "lower-to-harness"

    max_growth_percent: int = 0
    """When set, parallel hints go into SKILL.md only while the compiled skill stays
    within this percent of the original (what compile-capabilities added counts, what
    outline-references moved out makes room); a group left without its hint says so
    (`hint_skipped`). 0 (the default): every kept group gets its hint, since the hint is
    how most harnesses learn of the parallelism."""
    harness: str = ""
    """The harness to lower for (bare-agent, claude-code, codex, opencode, openclaw,
    hermes) when the IR does not say it yet (default bare-agent). The skill's target
    (from bind-profile) and the harness extract-concurrency recorded win; an option
    that disagrees with them is an error naming the skill's location."""

    def legality(self, module: ModuleOp) -> list[str]:
        """Post-condition the pass manager checks after this pass (`LOWERING_LEGALITY`)."""
        return harness_legality(module)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from skillir.harnesses import load_harness

        if self.harness:
            load_harness(self.harness)  # an unknown harness is an error even with no skill
        if self.max_growth_percent < 0:
            raise SkillIRError("lower-to-harness: max-growth-percent cannot be negative",
                               hint="give a percent of the original SKILL.md, or 0 for no cap")
        state = _Lowering(self.harness, self.max_growth_percent)
        # an op before the ops in its regions: the skill becomes a program before its
        # groups lower, and an enclosing kept group before a group nested in it
        _walk(op, SkillToProgram(state), ParallelToBatch(state), regions_first=False)
        # the ops in a region before the op: a step sees its region after its
        # cap.requires went, a batch after its calls came
        _walk(op, CodeToCall(state), EnvBindDissolve(state), EnvSetupToHook(state), EnvRequireToGuard(state),
              EnvNoteToRecord(state), CapProfileToRecord(state), CapRequireErase(state), CapGapToRecord(state),
              CapTransformToRecord(state), GraphToWorkflow(state), PlainEmptyStep(), EraseEmptyNestedBatch(),
              regions_first=True)


LOWERING_LEGALITY = (
    "no cap, env or conc op remains",
    "every skill.skill at module level was lowered to a harness.program",
    "one harness per skill: the program's harness is the skill's target harness",
    "no harness.batch ilp or harness.subagent on a harness that cannot run them",
    "every @step_N a harness op names is a step of its program",
)
"""What must not remain after lower-to-harness (checked by `harness_legality`)."""


def harness_legality(module: ModuleOp) -> list[str]:
    """The `LOWERING_LEGALITY` problems of a module: every op left of a lowered dialect
    first, then each top-level op's own (a skill not lowered, a program's checks)."""
    remains: list[str] = []
    checks: list[str] = []
    for top in module.body.block.ops:
        ops = walk_ops(top)  # one walk per top-level op: both checks read it
        remains.extend(f"'{op.name}' remains after lowering" for op in ops if op.name.startswith(_LOWERED_DIALECTS))
        if top.__class__ is ProgramOp:
            checks.extend(_program_problems(top, ops))
        elif top.__class__ is SkillOp:
            checks.append(f"skill '{top.sym_name.data}' was not lowered")
    return remains + checks


def _program_problems(program: ProgramOp, ops: list[Operation]) -> list[str]:
    """One harness per skill, blocks the harness can run, every `@step_N` a step of the
    program (`ops`: the program's walk). The steps are named and the referring ops found
    in one pass over the walk, then checked in walk order."""
    from skillir.harnesses import load_harness

    problems = []
    features = load_harness(program.harness.data)
    skill = next((s for s in program.walk() if isinstance(s, SkillOp)), None)
    target = target_of(skill) if skill is not None else None
    if target is not None and target.harness != program.harness.data:
        problems.append(f"skill '{program.sym_name.data}' targets {target.harness} "
                        f"but was lowered for {program.harness.data}: one harness per skill")
    named: set[str] = set()
    referring: list[tuple[Operation, list]] = []
    for op in ops:
        if op.__class__ is StepOp and op.sym_name is not None:
            named.add(op.sym_name.data)
        if op.__class__ is BatchOp or op.__class__ is SubagentOp:
            referring.append((op, list(op.steps.data)))
        elif "step" in op.properties:
            referring.append((op, [op.properties["step"]]))
    for op, refs in referring:
        if op.__class__ is BatchOp and op.kind.data is BatchKind.ILP and not features.can_run("ilp").kept:
            problems.append(f"{features.name} cannot run an ILP batch")
        if op.__class__ is SubagentOp and not features.can_run("tlp").kept:
            problems.append(f"{features.name} cannot run sub-agents")
        for ref in refs:
            if ref.root_reference.data not in named:
                problems.append(f"'{op.name}' names @{ref.root_reference.data}, no step of "
                                f"program '{program.sym_name.data}'")
    return problems
