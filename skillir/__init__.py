"""SkillIR: compile LLM-agent skills the way compilers compile code.

The Python API, imported lazily so `import skillir` stays cheap:

- `load_skill(path) -> ModuleOp`: a skill folder or SKILL.md as `skill` dialect IR.
- `run_pipeline(module, "a,b{opt=v}")`: run registered passes, verifying after each.
- `print_ir(module)`, `parse_ir(text)`: textual IR in custom or generic form.
- `emit_markdown(module) -> str`: the SKILL.md text back from the IR.
"""

from __future__ import annotations

from skillir.version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~10 ms of a command's start)

if TYPE_CHECKING:
    from xdsl.dialects.builtin import ModuleOp



def load_skill(path) -> ModuleOp:
    from skillir.frontend.skill_md import load_skill as _load

    return _load(path)


def run_pipeline(module: ModuleOp, pipeline: str, **options) -> ModuleOp:
    from skillir.pipeline import PassManager

    PassManager.from_spec(pipeline, **options).run(module)
    return module


def print_ir(module: ModuleOp, *, generic: bool = False, debuginfo: bool = False) -> str:
    from skillir.ir import print_module

    return print_module(module, generic=generic, debuginfo=debuginfo)


def parse_ir(text: str, name: str = "<input>") -> ModuleOp:
    from skillir.ir import parse_module

    return parse_module(text, name)


def emit_markdown(module: ModuleOp) -> str:
    import io

    from skillir.backends.markdown import emit

    out = io.StringIO()
    emit(module, out)
    return out.getvalue()


__all__ = ["load_skill", "run_pipeline", "print_ir", "parse_ir", "emit_markdown", "__version__"]
