"""The `harness` dialect: what one harness actually loads and runs.

`lower-to-harness{harness=...}` turns a compiled skill (skill + cap + env + conc ops)
into one `harness.program` per skill. The program holds the environment-setup hook,
the prompt blocks the harness loads (the skill's markdown stays as skill ops inside
the prompt's region, so the backends emit it byte for byte), guards checked before a
step runs, tool calls spelled with that harness's own tool names, batches of calls
issued in one model turn, sub-agent blocks, and calls of solidified scripts.

Steps are referred to by symbol: the lowering names the skill's `N`-th `skill.step`
(document order) `@step_N` (its `sym_name`), and `step = @step_N` / `steps = [@step_1,
@step_2]` on a guard, call, batch, sub-agent or script name it.

What the compiler did stays in the IR as typed *record ops*, each put where the fact it
records stood (so a gap or transform stays inside its step): `harness.profile` (from
`cap.profile`), `harness.gap` (`cap.gap`), `harness.transform` (`cap.compensated`,
`cap.substituted`, `cap.decomposed`, `cap.offloaded`, `cap.unresolved`),
`harness.dependency` and `harness.env_note` (`env.require`, `env.note`), and
`harness.workflow` with its `harness.task`s and `harness.group`s (the `conc.graph`,
flattened to task ids). The program counts the `cap.require`s (`requirements`).
Emission computes compile-report.json and the workflow DAG (mermaid) from these ops
(`skillir.emit.report`); nothing is stored as JSON or markdown text. Records carry no
markdown, so the skill's SKILL.md is unchanged by them. A record's source line is its
location (print with debug info to keep the report's lines through text).

Why records and not the cap/env/conc ops themselves: the lowering's legality is that no
op of the levels above remains, and backends read only this dialect; why not a JSON
report attribute: it could disagree with the IR beside it and nothing verifies it.

```mlir
harness.program @"pdf-merge" attributes {harness = "claude-code", model = "opus-4.6", requirements = 3 : i64} {
  harness.setup "env-setup.sh" continue_with_output {requires = ["pypdf"]}
  harness.prompt skill attributes {path = ".claude/skills/pdf-merge/SKILL.md"} {
    skill.skill @"pdf-merge" attributes {source = "pdf-merge/SKILL.md"} {
      harness.profile "opus-4.6" {harness = "claude-code", source = "SkVM", date = "2026-04-08"}
      %0 = skill.step "1. List the PDF files in `input/`.\n" {sym_name = "step_1"} -> !skill.artifact<"input/*.pdf">
      skill.step "2. Merge them.\n" (%0 : !skill.artifact<"input/*.pdf">) {sym_name = "step_2"} with {
        harness.gap #cap.prim<gen.code.python, 3> {available = 2 : i64, kind = #cap<gap_kind weak>}
        harness.transform compensated #cap.prim<gen.code.python, 3> {details = {method = "worked-example"}}
      }
      harness.dependency pip "pypdf" {source = #env<source import>, check = "...", install = "pip install pypdf"}
      harness.workflow attributes {harness = "claude-code", critical_path = array<i64: 1, 2>, total_cost = 9000 : i64, critical_cost = 9000 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
        harness.task 1 tool "List the PDF files" {step = @step_1, cost = 4500 : i64}
        harness.task 2 tool "Merge them" {step = @step_2, cost = 4500 : i64, deps = array<i64: 1>, via = ["input/*.pdf"]}
      }
    }
  }
  harness.guard "python3 -c 'import pypdf'" {message = "pypdf is missing: run env-setup.sh", step = @step_2}
  harness.batch ilp attributes {steps = [@step_1, @step_2]} {
    harness.call "Read" {args = {file_path = "a.txt"}, step = @step_1}
    harness.call "Read" {args = {file_path = "b.txt"}, step = @step_2}
  }
  harness.subagent "Debug the backend" attributes {tool = "Task", steps = [@step_3, @step_4]} {
    harness.call "Bash" {args = {command = "pytest backend"}, step = @step_3}
  }
  harness.script "scripts/merge.py" {lang = "python", step = @step_2}
}
```
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum, auto
from functools import cache

from xdsl.dialects.builtin import (
    I64,
    ArrayAttr,
    DenseArrayBase,
    DictionaryAttr,
    FileLineColLoc,
    FloatAttr,
    IntegerAttr,
    StringAttr,
    SymbolNameConstraint,
    SymbolRefAttr,
    UnitAttr,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Attribute,
    Dialect,
    Operation,
    ParametrizedAttribute,
    SpacedOpaqueSyntaxAttribute,
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
    traits_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import HasAncestor, HasParent, NoTerminator, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from skillir.dialects.cap import GapKindAttr, PrimAttr
from skillir.dialects.conc import GroupStatusAttr, ParallelKindAttr, TaskKindAttr
from skillir.dialects.env import DepKindAttr, NoteKindAttr, SourceAttr
from skillir.dialects.fast_verify import compile_verifier
from skillir.errors import SkillIRError
from skillir.harnesses import DEFAULT_HARNESS
from skillir.target import Target
from skillir.xdsl_compat.accessors import install as install_fast_accessors
from skillir.xdsl_compat.walk import walk_region


class PromptKind(StrEnum):
    """What a prompt block is: the harness's system prompt or the skill's context."""

    SYSTEM = auto()
    SKILL = auto()


class OnFailure(StrEnum):
    """What the harness does when the environment-setup hook fails."""

    CONTINUE_WITH_OUTPUT = auto()
    ABORT = auto()


class BatchKind(StrEnum):
    """Instruction-level (independent calls in one turn) or data-level (one call over many items)."""

    ILP = auto()
    DLP = auto()


class TransformKind(StrEnum):
    """How `compile-capabilities` handled a gap (the `cap` op it came from, without `cap.`)."""

    COMPENSATED = auto()
    SUBSTITUTED = auto()
    DECOMPOSED = auto()
    OFFLOADED = auto()
    UNRESOLVED = auto()


@irdl_attr_definition
class PromptKindAttr(EnumAttribute[PromptKind], SpacedOpaqueSyntaxAttribute):
    """`system` or `skill`; `#harness<prompt_kind skill>` in the generic form."""

    name = "harness.prompt_kind"


@irdl_attr_definition
class OnFailureAttr(EnumAttribute[OnFailure], SpacedOpaqueSyntaxAttribute):
    """`continue_with_output` or `abort`."""

    name = "harness.on_failure"


@irdl_attr_definition
class BatchKindAttr(EnumAttribute[BatchKind], SpacedOpaqueSyntaxAttribute):
    """`ilp` or `dlp`; `#harness<batch_kind ilp>` in the generic form."""

    name = "harness.batch_kind"


@irdl_attr_definition
class TransformKindAttr(EnumAttribute[TransformKind], SpacedOpaqueSyntaxAttribute):
    """`compensated`, `substituted`, `decomposed`, `offloaded` or `unresolved`."""

    name = "harness.transform_kind"

PROMPT_KINDS = tuple(PromptKind)
SETUP_FAILURE_MODES = tuple(OnFailure)
BATCH_KINDS = tuple(BatchKind)

TARGET_ATTR = "harness.target"
"""The discardable attribute, set once by `bind-profile`, that says which target a
`skill.skill` is compiled for; every later pass reads it from there."""


@irdl_attr_definition
class TargetAttr(ParametrizedAttribute):
    """The (harness, model) pair a skill is compiled for:
    `#harness.target<"claude-code", "opus-4.6">`. Build it from a parsed
    `skillir.target.Target` (`TargetAttr.of(target)`) and read it back with `.target`.

    ```mlir
    skill.skill @"pdf-merge" attributes {harness.target = #harness.target<"claude-code", "opus-4.6">} {
    }
    ```
    """

    name = "harness.target"

    harness: StringAttr
    model: StringAttr

    @classmethod
    def of(cls, target: Target) -> TargetAttr:
        return cls(StringAttr(target.harness), StringAttr(target.model))

    @property
    def target(self) -> Target:
        return Target(self.harness.data, self.model.data)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            harness = parser.parse_str_literal(" harness name")
            parser.parse_punctuation(",")
            model = parser.parse_str_literal(" model name")
        return (StringAttr(harness), StringAttr(model))

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string("<")
        printer.print_string_literal(self.harness.data)
        printer.print_string(", ")
        printer.print_string_literal(self.model.data)
        printer.print_string(">")

    def verify(self) -> None:
        if not self.harness.data or not self.model.data:
            raise VerifyException("a target names a harness and a model")


def target_of(op: Operation) -> Target | None:
    """The target written on `op` (a skill) by bind-profile, or None."""
    attr = op.attributes.get(TARGET_ATTR)
    return attr.target if isinstance(attr, TargetAttr) else None


def _where(op: Operation) -> tuple[str | None, int | None]:
    current: Operation | None = op
    while current is not None:
        if isinstance(current.location, FileLineColLoc):
            return current.location.filename.data, current.location.line.data
        current = current.parent_op()
    return None, None


def harness_for(skill: Operation, option: str, pass_name: str, recorded: str | None = None) -> str:
    """The harness a pass compiles `skill` for: the target bind-profile wrote on it,
    else `recorded` (what an earlier pass wrote, e.g. the conc.graph's harness), else
    the pass's `harness` option, else bare-agent. An option that disagrees with what
    the IR says is a one-line SkillIRError at the skill's location."""
    target = target_of(skill)
    said, where = (target.harness, f"the skill's target {target}") if target is not None else (
        recorded, f"the harness '{recorded}' an earlier pass recorded")
    if said is None:
        return option or DEFAULT_HARNESS
    if option and option != said:
        path, line = _where(skill)
        raise SkillIRError(
            f"{pass_name}{{harness={option}}} disagrees with {where}",
            path=path, line=line,
            hint=f"drop the harness option (the IR already says {said}), or compile for "
                 f"{option} from the start with bind-profile{{target={option}/MODEL}}",
        )
    return said




def step_symbol(number: int) -> str:
    """The `sym_name` lower-to-harness gives the skill's `number`-th step (1-based)."""
    return f"step_{number}"


@cache
def step_ref(number: int) -> SymbolRefAttr:
    """`@step_N`: how harness ops name the skill's `N`-th step."""
    return SymbolRefAttr(step_symbol(number))


def step_number(ref: SymbolRefAttr | None) -> int | None:
    """The step number a `@step_N` reference names (None for no reference)."""
    if ref is None:
        return None
    name = ref.root_reference.data
    return int(name[5:]) if name.startswith("step_") and name[5:].isdigit() else None


def _i64s(attr: DenseArrayBase) -> list[int]:
    return [int(v) for v in attr.get_values()]


@irdl_op_definition
class ProgramOp(IRDLOperation):
    """Everything one harness loads and runs for one skill. `requirements` counts the
    capability requirements the compiler found (the `cap.require` ops lowered away).

    ```mlir
    harness.program @"pdf-merge" attributes {harness = "bare-agent", model = "qwen3.5-9b", requirements = 4 : i64} {
    }
    ```
    """

    name = "harness.program"

    sym_name = prop_def(SymbolNameConstraint())
    harness = prop_def(StringAttr)
    model = prop_def(StringAttr)
    requirements = opt_prop_def(IntegerAttr[I64])
    body = region_def()

    traits = traits_def(NoTerminator(), SymbolOpInterface())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$sym_name attr-dict-with-keyword $body"

    def verify_(self) -> None:
        if not self.harness.data:
            raise VerifyException("a harness program names its harness")
        block = self.body.blocks.first  # prompts sit directly in the program (HasParent)
        ops = block.ops if block is not None else ()
        prompts = [op for op in ops if isinstance(op, PromptOp) and op.kind.data is PromptKind.SKILL]
        if len(prompts) > 1:
            raise VerifyException("a harness program loads one skill prompt")


@irdl_op_definition
class SetupOp(IRDLOperation):
    """The environment-setup hook: the script runs before the skill is loaded; when
    it fails, the skill still runs and the script's output joins the model's context.

    ```mlir
    harness.setup "env-setup.sh" continue_with_output {requires = ["pypdf"]}
    ```
    """

    name = "harness.setup"

    path = prop_def(StringAttr)
    script = opt_prop_def(StringAttr)
    requires = prop_def(ArrayAttr[StringAttr])
    on_failure = prop_def(OnFailureAttr)

    traits = lazy_traits_def(lambda: (HasParent(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path $on_failure attr-dict"


@irdl_op_definition
class PromptOp(IRDLOperation):
    """A prompt block the harness loads: the system prompt, or the skill context
    (its region holds the skill's markdown as skill ops). `path` is where the harness
    finds it relative to its skills root, or empty when the text is injected.

    ```mlir
    harness.prompt skill attributes {path = ".claude/skills/pdf-merge/SKILL.md"} {
      skill.text "# Merge PDFs\\n"
    }
    ```
    """

    name = "harness.prompt"

    kind = prop_def(PromptKindAttr)
    path = opt_prop_def(StringAttr)
    inject = opt_prop_def(StringAttr)
    body = region_def()

    traits = lazy_traits_def(lambda: (NoTerminator(), HasParent(ProgramOp)))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind attr-dict-with-keyword $body"


@irdl_op_definition
class GuardOp(IRDLOperation):
    """A precondition checked before a step runs (a dependency present, a file there).

    ```mlir
    harness.guard "command -v qpdf" {message = "qpdf is missing", step = @step_2}
    ```
    """

    name = "harness.guard"

    check = prop_def(StringAttr)
    message = prop_def(StringAttr)
    step = opt_prop_def(SymbolRefAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$check attr-dict"

    def verify_(self) -> None:
        if not self.check.data.strip():
            raise VerifyException("a guard needs a check command")


@irdl_op_definition
class CallOp(IRDLOperation):
    """One tool call, with the harness's own tool name and arguments.

    ```mlir
    harness.call "execute_command" {args = {command = "ls input"}, step = @step_1}
    ```
    """

    name = "harness.call"

    tool = prop_def(StringAttr)
    args = prop_def(DictionaryAttr)
    step = opt_prop_def(SymbolRefAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$tool attr-dict"

    def verify_(self) -> None:
        if not self.tool.data:
            raise VerifyException("a tool call names its tool")


@irdl_op_definition
class BatchOp(IRDLOperation):
    """Tool calls issued together in one model turn (ILP), or the same call over many
    items (DLP), for a harness that dispatches them in parallel.

    ```mlir
    harness.batch ilp attributes {steps = [@step_1, @step_2]} {
      harness.call "read_file" {args = {path = "a"}, step = @step_1}
    }
    ```
    """

    name = "harness.batch"

    kind = prop_def(BatchKindAttr)
    steps = prop_def(ArrayAttr[SymbolRefAttr])
    reason = opt_prop_def(StringAttr)
    body = region_def()

    traits = lazy_traits_def(lambda: (NoTerminator(), HasAncestor(ProgramOp)))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind attr-dict-with-keyword $body"


@irdl_op_definition
class SubagentOp(IRDLOperation):
    """An independent multi-step branch handed to a sub-agent (TLP).

    ```mlir
    harness.subagent "Debug the database" attributes {tool = "Task", steps = [@step_4]} {
    }
    ```
    """

    name = "harness.subagent"

    task = prop_def(StringAttr)
    tool = prop_def(StringAttr)
    steps = prop_def(ArrayAttr[SymbolRefAttr])
    expected = opt_prop_def(StringAttr)
    body = region_def()

    traits = lazy_traits_def(lambda: (NoTerminator(), HasAncestor(ProgramOp)))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$task attr-dict-with-keyword $body"


@irdl_op_definition
class ScriptOp(IRDLOperation):
    """A call of a solidified script that stands in for model work on a step (code
    the compiler offloaded, or a JIT-promoted template).

    `body` is the script's text when the compiler wrote it (an offloaded code block: the
    backends write it at `path` beside SKILL.md); `run` the command line the skill uses.

    ```mlir
    harness.script "scripts/merge.py" {lang = "python", step = @step_2}
    harness.script "scripts/report_step_3.py" {lang = "python", body = "import sys\\n...", run = "python3 skills/report/scripts/report_step_3.py ARG1"}
    harness.script "jit/t-5d2e9a0c41b7.sh" {lang = "shell", body = "sort ${file_1} > ${file_2}", run = "sh jit/t-5d2e9a0c41b7.sh", params = {file_1 = "file: file #0 with .csv"}, shapes = ["sort <file.csv> into <file.csv>"]}
    ```

    A JIT-promoted script (`skillir.jit.rewrite`) lists in `shapes` the task families
    (prompt shapes) on which it answers in the model's place.
    """

    name = "harness.script"

    path = prop_def(StringAttr)
    lang = prop_def(StringAttr)
    step = opt_prop_def(SymbolRefAttr)
    params = opt_prop_def(DictionaryAttr)
    body = opt_prop_def(StringAttr)
    run = opt_prop_def(StringAttr)
    shapes = opt_prop_def(ArrayAttr[StringAttr])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path attr-dict"


# ---------------------------------------------------------------------------
# records: what the compiler did, kept for emission (compile-report.json, the DAG)


@irdl_op_definition
class ProfileOp(IRDLOperation):
    """The capability profile the skill was compiled against (from `cap.profile`).

    ```mlir
    harness.profile "opus-4.6" {harness = "claude-code", source = "SkVM", date = "2026-04-08", synthetic}
    ```
    """

    name = "harness.profile"

    model = prop_def(StringAttr)
    harness = prop_def(StringAttr)
    source = prop_def(StringAttr)
    date = prop_def(StringAttr)
    path = opt_prop_def(StringAttr)
    fallback = opt_prop_def(StringAttr)
    synthetic = opt_prop_def(UnitAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$model attr-dict"


@irdl_op_definition
class GapOp(IRDLOperation):
    """A capability gap found on the step it sits in (from `cap.gap`): the primitive and
    level the step needs, the level the target has, and (`rule`) the rule that found the
    requirement.

    ```mlir
    harness.gap #cap.prim<gen.code.python, 3> {available = 2 : i64, kind = #cap<gap_kind weak>}
    ```
    """

    name = "harness.gap"

    prim = prop_def(PrimAttr)
    available = prop_def(IntegerAttr[I64])
    kind = prop_def(GapKindAttr)
    rule = opt_prop_def(StringAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) attr-dict"


@irdl_op_definition
class TransformOp(IRDLOperation):
    """How a gap was handled on the step it sits in (from the `cap.compensated`,
    `substituted`, `decomposed`, `offloaded` or `unresolved` op): `details` keeps that
    op's other properties (method, script, rule, ...) as typed attributes.

    ```mlir
    harness.transform offloaded #cap.prim<gen.code.python, 3> {details = {script = "scripts/s.py", lang = "python"}}
    ```
    """

    name = "harness.transform"

    kind = prop_def(TransformKindAttr)
    prim = prop_def(PrimAttr)
    details = prop_def(DictionaryAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind qualified($prim) attr-dict"


@irdl_op_definition
class DependencyOp(IRDLOperation):
    """A dependency of the skill's environment (from `env.require`).

    ```mlir
    harness.dependency pip "pypdf" {source = #env<source import>, check = "...", install = "pip install pypdf", present = false}
    ```
    """

    name = "harness.dependency"

    kind = prop_def(DepKindAttr)
    package = prop_def(StringAttr)
    source = prop_def(SourceAttr)
    check = prop_def(StringAttr)
    install = prop_def(StringAttr)
    present = opt_prop_def(IntegerAttr)
    optional = opt_prop_def(UnitAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind $package attr-dict"


@irdl_op_definition
class EnvNoteOp(IRDLOperation):
    """A note `bind-env` made about the environment (from `env.note`).

    ```mlir
    harness.env_note "SKILL.md" {kind = #env<note_kind unpinned>, message = "..."}
    ```
    """

    name = "harness.env_note"

    file = prop_def(StringAttr)
    kind = prop_def(NoteKindAttr)
    message = prop_def(StringAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$file attr-dict"


@irdl_op_definition
class WorkflowOp(IRDLOperation):
    """The skill's workflow DAG (from `conc.graph`), flattened: one `harness.task` per
    step, one `harness.group` per parallel group found (kept or not).

    ```mlir
    harness.workflow attributes {harness = "codex", critical_path = array<i64: 1, 2>, total_cost = 9000 : i64, critical_cost = 9000 : i64, ideal_speedup = 1.0 : f64, max_speedup = 1.0 : f64} {
      harness.task 1 tool "List" {step = @step_1, cost = 4500 : i64}
    }
    ```
    """

    name = "harness.workflow"

    harness = prop_def(StringAttr)
    critical_path = prop_def(DenseArrayBase)
    total_cost = prop_def(IntegerAttr[I64])
    critical_cost = prop_def(IntegerAttr[I64])
    ideal_speedup = prop_def(FloatAttr)
    max_speedup = prop_def(FloatAttr)
    body = region_def()

    traits = lazy_traits_def(lambda: (NoTerminator(), HasAncestor(ProgramOp)))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict-with-keyword $body"

    def tasks(self) -> list[TaskOp]:
        return [op for op in walk_region(self.body) if op.__class__ is TaskOp]  # (no subclasses)

    def groups(self) -> list[GroupOp]:
        return [op for op in walk_region(self.body) if op.__class__ is GroupOp]


@irdl_op_definition
class TaskOp(IRDLOperation):
    """One workflow node: step `id`'s label, kind and estimated cost, and the tasks it
    waits for (`deps`), each with why (`via`: an artifact path, "order" or "ref").

    ```mlir
    harness.task 2 tool "Merge them" {step = @step_2, cost = 4500 : i64, deps = array<i64: 1>, via = ["order"]}
    ```
    """

    name = "harness.task"

    id = prop_def(IntegerAttr[I64])
    label = prop_def(StringAttr)
    kind = prop_def(TaskKindAttr)
    cost = prop_def(IntegerAttr[I64])
    step = opt_prop_def(SymbolRefAttr)
    deps = opt_prop_def(DenseArrayBase)
    via = opt_prop_def(ArrayAttr[StringAttr])

    traits = lazy_traits_def(lambda: (HasParent(WorkflowOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$id $kind $label attr-dict"

    def verify_(self) -> None:
        deps = _i64s(self.deps) if self.deps is not None else []
        via = self.via.data if self.via is not None else ()
        if len(deps) != len(via):
            raise VerifyException("a task gives one 'via' per dependency")


@irdl_op_definition
class GroupOp(IRDLOperation):
    """A parallel group of the workflow: its kind, whether the harness runs it in
    parallel (`status`), its member task ids and TLP branches, the group it is nested
    in (by position), and the hint added to SKILL.md when it is kept (or, in
    `hint_skipped`, why it was not: the growth cap).

    ```mlir
    harness.group ilp parallel {mechanism = "...", reason = "...", members = array<i64: 1, 2>, branches = [array<i64: 1>, array<i64: 2>]}
    ```
    """

    name = "harness.group"

    kind = prop_def(ParallelKindAttr)
    status = prop_def(GroupStatusAttr)
    mechanism = prop_def(StringAttr)
    reason = prop_def(StringAttr)
    members = prop_def(DenseArrayBase)
    branches = prop_def(ArrayAttr[DenseArrayBase])
    fallback = opt_prop_def(StringAttr)
    join = opt_prop_def(IntegerAttr[I64])
    over = opt_prop_def(StringAttr)
    items = opt_prop_def(IntegerAttr[I64])
    lanes = opt_prop_def(IntegerAttr[I64])
    nested_in = opt_prop_def(IntegerAttr[I64])
    hint = opt_prop_def(StringAttr)
    hint_skipped = opt_prop_def(StringAttr)

    traits = lazy_traits_def(lambda: (HasParent(WorkflowOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind $status attr-dict"


_OPS = [ProgramOp, SetupOp, PromptOp, GuardOp, CallOp, BatchOp, SubagentOp, ScriptOp,
        ProfileOp, GapOp, TransformOp, DependencyOp, EnvNoteOp, WorkflowOp, TaskOp, GroupOp]
for _op in _OPS:
    compile_verifier(_op)

Harness = Dialect("harness", _OPS, [TargetAttr, PromptKindAttr, OnFailureAttr, BatchKindAttr, TransformKindAttr])
install_fast_accessors(_OPS)  # skillir.xdsl_compat.accessors: named values read directly
