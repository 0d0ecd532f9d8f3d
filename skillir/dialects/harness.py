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

from xdsl.dialects.builtin import (
    ArrayAttr,
    DictionaryAttr,
    IntegerAttr,
    StringAttr,
    SymbolNameConstraint,
)
from xdsl.ir import Dialect
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    lazy_traits_def,
    opt_prop_def,
    prop_def,
    region_def,
    traits_def,
)
from xdsl.traits import HasParent, NoTerminator, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException

from skillir.dialects.fast_verify import compile_verifier

PROMPT_KINDS = ("system", "skill")
SETUP_FAILURE_MODES = ("continue-with-output", "abort")
BATCH_KINDS = ("ilp", "dlp")


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

    ```mlir
    harness.script "scripts/merge.py" {lang = "python", step = 2 : i64}
    ```
    """

    name = "harness.script"

    path = prop_def(StringAttr)
    lang = prop_def(StringAttr)
    step = opt_prop_def(IntegerAttr)
    params = opt_prop_def(DictionaryAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path attr-dict"


_OPS = [ProgramOp, SetupOp, PromptOp, GuardOp, CallOp, BatchOp, SubagentOp, ScriptOp]
for _op in _OPS:
    compile_verifier(_op)

Harness = Dialect("harness", _OPS, [])
