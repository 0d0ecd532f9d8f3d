"""`-t HARNESS -o DIR`: a compiled skill as one harness loads it, for all six harnesses.

The harnesses differ here only by data (`skillir/data/harnesses.json`): where skills
are discovered (the prompt's `path`, set by lower-to-harness) and which config a kept
parallel feature needs turned on. A feature's `config` says the file and its settings
(`file`, `set`, `format`: toml or json) or the command-line flag (`cli`), and the line
the report gets (`report`). The config is written when the program holds an op of
that feature: `harness.batch ilp` for parallel tool calls, `harness.subagent` for
sub-agents.

```python
from skillir.backends import get_backend
get_backend("codex")(validate=False).emit_dir(module, Path("out"))
```

Layout and report: `skillir.emit.skill_folder`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation
from xdsl.utils.target import Target as XdslTarget

from skillir.backends.guards import guard_files
from skillir.dialects.harness import BatchOp, ProgramOp, SubagentOp
from skillir.dialects.skill import region_ops
from skillir.emit.program_walk import ProgramWalk
from skillir.emit.skill_folder import emit_harness
from skillir.errors import SkillIRError
from skillir.xdsl_compat.opclass import op_kinds
from skillir.xdsl_compat.walk import walk_ops


def _flat(settings: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if not isinstance(settings, dict | type(None)) and not hasattr(settings, "items"):
        return [(prefix, settings)]
    out: list[tuple[str, Any]] = []
    for key, value in settings.items():
        out.extend(_flat(value, f"{prefix}.{key}" if prefix else key))
    return out


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=dict))


def _toml(config: Any) -> str:
    lines = [f"# {config['comment']}"] if config.get("comment") else []
    for table, values in _plain(config["set"]).items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
    return "\n".join(lines) + "\n"


def _json(config: Any) -> str:
    head = {"$schema": config["schema"]} if config.get("schema") else {}
    return json.dumps({**head, **_plain(config["set"])}, indent=2) + "\n"


_FORMATS = {"toml": _toml, "json": _json}


_PARALLEL = (BatchOp, SubagentOp)


def _harness_ops(program: ProgramOp) -> tuple[list[Operation], list[type | None]]:
    """The program's own ops and those nested in its batches and sub-agents (not the
    skill's markdown in the prompt, where no batch or sub-agent can be), each with the
    one of `_PARALLEL` it is (or None)."""
    top = region_ops(program.body)
    ops: list[Operation] = []
    for op, kind in zip(top, op_kinds(top, _PARALLEL), strict=True):
        ops.extend(walk_ops(op) if kind is not None else (op,))
    return ops, op_kinds(ops, _PARALLEL)


def config_extras(program: ProgramOp, report: dict, out: Path, walk: ProgramWalk | None = None) -> dict[str, str]:
    """The config files (and report lines) the program's kept parallel features need
    (`walk`: the program's walk, when the emitter has made it, for the guards)."""
    from skillir.harnesses import load_harness

    features = load_harness(program.harness.data)
    ops, kinds = _harness_ops(program)
    used = (
        (features.parallel_tool_calls,
         any(kind is BatchOp and o.kind.data == "ilp" for o, kind in zip(ops, kinds, strict=True))),
        (features.subagents, SubagentOp in kinds),
    )
    files: dict[str, str] = {}
    for feature, kept in used:
        config = feature.config
        if not kept or not config or "report" not in config:
            continue
        settings = ", ".join(f"{k} = {v}" for k, v in _flat(config.get("set", {})))
        fields = {key: value for key, value in config.items() if isinstance(value, str)}
        report.setdefault("harness_config", []).append(config["report"].format(settings=settings, **fields))
        if "file" in config and "format" in config:
            files[config["file"]] = _FORMATS[config["format"]](config)
    return guard_files(program, report, files, walk)  # security confirmations + sandbox policy


@dataclass(frozen=True)
class HarnessFolderTarget(XdslTarget):
    """An emit target with options, spelled like a pass: `claude-code{validate=false}`."""

    name: ClassVar[str] = "harness-folder"

    harness: str = "bare-agent"
    """The harness whose folder layout and config to write."""
    validate: bool = True
    """Run skills-ref on the input and output skill folders."""

    def emit(self, ctx: Context, module: ModuleOp, output: IO[str]) -> None:
        raise SkillIRError(f"-t {self.harness} writes a folder, not a stream", hint="give it with -o DIR")

    def emit_dir(self, module: ModuleOp, folder: Path) -> list[dict]:
        """Write every program of the module under `folder`; returns the reports."""
        return emit_harness(module, Path(folder), self.harness, config_extras, {"validate": self.validate})

    def __call__(self, module: ModuleOp, folder: Path, options: dict | None = None) -> list[dict]:
        """The folder-backend calling convention: `(module, folder, {"validate": False})`."""
        validate = bool((options or {}).get("validate", self.validate))
        return emit_harness(module, Path(folder), self.harness, config_extras, {"validate": validate})
