"""The `harness` dialect: what one harness actually loads and runs.

`lower-to-harness{harness=...}` turns a compiled skill (skill + cap + env + conc ops)
into one `harness.program` per skill. The program holds the environment-setup hook,
the prompt blocks the harness loads (the skill's markdown stays as skill ops inside
the prompt's region, so the backends emit it byte for byte), guards checked before a
step runs, tool calls spelled with that harness's own tool names, batches of calls
issued in one model turn, sub-agent blocks, and calls of solidified scripts.

```mlir
harness.program @"pdf-merge" attributes {harness = "claude-code", model = "opus-4.6"} {
  harness.setup "env-setup.sh" {on_failure = "continue-with-output", requires = ["pypdf"]}
  harness.prompt "skill" {path = ".claude/skills/pdf-merge/SKILL.md"} {
    skill.text "# Merge PDFs\n\n"
  }
  harness.guard "python3 -c 'import pypdf'" {step = 2 : i64, message = "pypdf is missing: run env-setup.sh"}
  harness.batch {kind = "ilp", steps = [1, 2]} {
    harness.call "Read" {args = {file_path = "a.txt"}, step = 1 : i64}
    harness.call "Read" {args = {file_path = "b.txt"}, step = 2 : i64}
  }
  harness.subagent "Debug the backend" {tool = "Task", steps = [3, 4]} {
    harness.call "Bash" {args = {command = "pytest backend"}, step = 3 : i64}
  }
  harness.script "scripts/merge.py" {lang = "python", step = 2 : i64}
}
```
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    FileLineColLoc,
    IntegerAttr,
    StringAttr,
    SymbolNameConstraint,
)
from xdsl.ir import Attribute, Dialect, Operation, ParametrizedAttribute
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
from xdsl.traits import HasParent, NoTerminator, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from skillir.dialects.fast_verify import compile_verifier
from skillir.errors import SkillIRError
from skillir.harnesses import DEFAULT_HARNESS
from skillir.target import Target

PROMPT_KINDS = ("system", "skill")
SETUP_FAILURE_MODES = ("continue-with-output", "abort")
BATCH_KINDS = ("ilp", "dlp")

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


@irdl_op_definition
class ProgramOp(IRDLOperation):
    """Everything one harness loads and runs for one skill. `report` keeps, as JSON,
    what the compiler did (profile, gaps, transforms, dependencies, parallel groups)
    once the cap, env and conc ops are lowered away; `dag` the workflow DAG as mermaid
    markdown when the skill has parallelism.

    ```mlir
    harness.program @"pdf-merge" attributes {harness = "bare-agent", model = "qwen3.5-9b"} {
    }
    ```
    """

    name = "harness.program"

    sym_name = prop_def(SymbolNameConstraint())
    harness = prop_def(StringAttr)
    model = prop_def(StringAttr)
    report = opt_prop_def(StringAttr)
    dag = opt_prop_def(StringAttr)
    body = region_def()

    traits = traits_def(NoTerminator(), SymbolOpInterface())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$sym_name attr-dict-with-keyword $body"

    def verify_(self) -> None:
        if not self.harness.data:
            raise VerifyException("a harness program names its harness")
        if self.report is not None:
            import json

            try:
                json.loads(self.report.data)
            except ValueError as exc:
                raise VerifyException(f"report is not JSON: {exc}") from None
        prompts = [op for op in self.walk() if isinstance(op, PromptOp) and op.kind.data == "skill"]
        if len(prompts) > 1:
            raise VerifyException("a harness program loads one skill prompt")


@irdl_op_definition
class SetupOp(IRDLOperation):
    """The environment-setup hook: the script runs before the skill is loaded; when
    it fails, the skill still runs and the script's output joins the model's context.

    ```mlir
    harness.setup "env-setup.sh" {on_failure = "continue-with-output", requires = ["pypdf"]}
    ```
    """

    name = "harness.setup"

    path = prop_def(StringAttr)
    script = opt_prop_def(StringAttr)
    requires = prop_def(ArrayAttr)
    on_failure = prop_def(StringAttr)

    traits = lazy_traits_def(lambda: (HasParent(ProgramOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path attr-dict"

    def verify_(self) -> None:
        if self.on_failure.data not in SETUP_FAILURE_MODES:
            raise VerifyException(f"on_failure must be one of {SETUP_FAILURE_MODES}")
        if not all(isinstance(a, StringAttr) for a in self.requires.data):
            raise VerifyException("requires lists dependency names as strings")


@irdl_op_definition
class PromptOp(IRDLOperation):
    """A prompt block the harness loads: the system prompt, or the skill context
    (its region holds the skill's markdown as skill ops). `path` is where the harness
    finds it relative to its skills root, or empty when the text is injected.

    ```mlir
    harness.prompt "skill" {path = ".claude/skills/pdf-merge/SKILL.md"} {
      skill.text "# Merge PDFs\n"
    }
    ```
    """

    name = "harness.prompt"

    kind = prop_def(StringAttr)
    path = opt_prop_def(StringAttr)
    inject = opt_prop_def(StringAttr)
    body = region_def()

    traits = traits_def(NoTerminator())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind attr-dict-with-keyword $body"

    def verify_(self) -> None:
        if self.kind.data not in PROMPT_KINDS:
            raise VerifyException(f"prompt kind must be one of {PROMPT_KINDS}")


@irdl_op_definition
class GuardOp(IRDLOperation):
    """A precondition checked before a step runs (a dependency present, a file there).

    ```mlir
    harness.guard "command -v qpdf" {message = "qpdf is missing", step = 2 : i64}
    ```
    """

    name = "harness.guard"

    check = prop_def(StringAttr)
    message = prop_def(StringAttr)
    step = opt_prop_def(IntegerAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$check attr-dict"

    def verify_(self) -> None:
        if not self.check.data.strip():
            raise VerifyException("a guard needs a check command")


@irdl_op_definition
class CallOp(IRDLOperation):
    """One tool call, with the harness's own tool name and arguments.

    ```mlir
    harness.call "execute_command" {args = {command = "ls input"}, step = 1 : i64}
    ```
    """

    name = "harness.call"

    tool = prop_def(StringAttr)
    args = prop_def(DictionaryAttr)
    step = opt_prop_def(IntegerAttr)

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
    harness.batch {kind = "ilp", steps = [1, 2]} {
      harness.call "read_file" {args = {path = "a"}}
    }
    ```
    """

    name = "harness.batch"

    kind = prop_def(StringAttr)
    steps = prop_def(ArrayAttr)
    reason = opt_prop_def(StringAttr)
    body = region_def()

    traits = traits_def(NoTerminator())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict-with-keyword $body"

    def verify_(self) -> None:
        if self.kind.data not in BATCH_KINDS:
            raise VerifyException(f"batch kind must be one of {BATCH_KINDS}")


@irdl_op_definition
class SubagentOp(IRDLOperation):
    """An independent multi-step branch handed to a sub-agent (TLP).

    ```mlir
    harness.subagent "Debug the database" {tool = "Task", steps = [4]} {
    }
    ```
    """

    name = "harness.subagent"

    task = prop_def(StringAttr)
    tool = prop_def(StringAttr)
    steps = prop_def(ArrayAttr)
    expected = opt_prop_def(StringAttr)
    body = region_def()

    traits = traits_def(NoTerminator())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$task attr-dict-with-keyword $body"


@irdl_op_definition
class ScriptOp(IRDLOperation):
    """A call of a solidified script that stands in for model work on a step (code
    the compiler offloaded, or a JIT-promoted template).

    `body` is the script's text when the compiler wrote it (an offloaded code block: the
    backends write it at `path` beside SKILL.md); `run` the command line the skill uses.

    ```mlir
    harness.script "scripts/merge.py" {lang = "python", step = 2 : i64}
    harness.script "scripts/report_step_3.py" {lang = "python", body = "import sys\n...", run = "python3 skills/report/scripts/report_step_3.py ARG1"}
    ```
    """

    name = "harness.script"

    path = prop_def(StringAttr)
    lang = prop_def(StringAttr)
    step = opt_prop_def(IntegerAttr)
    params = opt_prop_def(DictionaryAttr)
    body = opt_prop_def(StringAttr)
    run = opt_prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path attr-dict"


_OPS = [ProgramOp, SetupOp, PromptOp, GuardOp, CallOp, BatchOp, SubagentOp, ScriptOp]
for _op in _OPS:
    compile_verifier(_op)

Harness = Dialect("harness", _OPS, [TargetAttr])
