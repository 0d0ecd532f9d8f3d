"""The harness feature table: what each agent harness can load and run.

The facts live in `skillir/data/harnesses.json`, each with its source (a section of
PAPER_NOTES or the harness's public docs or code) and a confidence; this module loads
and validates them once and answers the questions passes and backends ask:

```python
from skillir.harnesses import load_harness, all_harnesses
h = load_harness("claude-code")
h.tool_for("exec")                  # 'Bash'
h.subagents.usable                  # True
h.can_run("ilp")                    # Verdict(kept=True, mechanism='several tool_use blocks ...', ...)
[x.name for x in all_harnesses()]   # the six harnesses, in table order
```

Support levels: `yes`; `no`; `config` (the harness has it once the emitted files turn
it on, see `Feature.config`: the backend must write that); `model` (depends on the
model, so not assumed at compile time). Only `yes` and `config` count as usable.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

from skillir.errors import SkillIRError

SUPPORT_LEVELS = ("yes", "no", "config", "model")
CONFIDENCE_LEVELS = ("documented", "paper", "assumed")
DEFAULT_HARNESS = "bare-agent"
_DATA = "harnesses.json"


@dataclass(frozen=True, slots=True)
class Tool:
    """A tool the harness gives the model, under its own name, with its role."""

    name: str
    role: str
    source: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Feature:
    """A run-time capability (parallel tool calls, sub-agents): whether the harness
    has it, how it works, the tool that realises it, the config that enables it."""

    support: str
    mechanism: str
    source: str
    confidence: str
    tool: str | None = None
    config: Mapping[str, Any] | None = None
    max_parallel: int | None = None
    details: str = ""

    @property
    def usable(self) -> bool:
        """The compiled skill may rely on it (`yes`, or `config` that the backend sets)."""
        return self.support in ("yes", "config")


@dataclass(frozen=True, slots=True)
class Placement:
    """Where and how a skill reaches the model in one loading mode."""

    mechanism: str
    source: str
    confidence: str
    target: str | None = None
    format: str | None = None
    path: str | None = None
    trigger: str | None = None


@dataclass(frozen=True, slots=True)
class SkillLoading:
    """Where the harness looks for skills and how SkVM injects or places them."""

    file: str
    project_dirs: tuple[str, ...]
    user_dirs: tuple[str, ...]
    inject: Placement
    discover: Placement
    frontmatter: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class InstructionFile:
    path: str
    scope: str
    source: str
    confidence: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether a parallel group of some kind is kept on this harness, with the
    mechanism that runs it, or the reason it falls back to sequential execution."""

    kept: bool
    mechanism: str
    reason: str
    source: str = ""
    config: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class HarnessFeatures:
    """Everything SkillIR assumes about one harness (one entry of harnesses.json)."""

    name: str
    display_name: str
    kind: str
    evaluated_in_paper: bool
    docs: str
    tools: tuple[Tool, ...]
    parallel_tool_calls: Feature
    subagents: Feature
    skills: SkillLoading
    instruction_files: tuple[InstructionFile, ...]
    bootstrap_files: tuple[str, ...]
    env_setup: Mapping[str, Any]
    custom_agents_dir: str | None = None
    notes: tuple[str, ...] = field(default=())

    def tool_for(self, role: str) -> str | None:
        """The harness's own name of the first tool with `role` (read, exec, ...)."""
        for tool in self.tools:
            if tool.role == role:
                return tool.name
        return None

    @property
    def tool_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tools)

    def can_run(self, kind: str) -> Verdict:
        """Is a `dlp`, `ilp` or `tlp` group kept on this harness, and how?

        DLP needs nothing from the harness (the command itself fans out, e.g.
        `xargs -P`); ILP needs several tool calls in one turn; TLP needs sub-agents.
        """
        if kind == "dlp":
            exec_tool = self.tool_for("exec") or "the exec tool"
            return Verdict(True, f"one {exec_tool} call that fans out over the items",
                           "DLP needs no harness support", "PAPER_NOTES (d) pass 3")
        if kind == "ilp":
            feature, what = self.parallel_tool_calls, "several tool calls in one model turn"
        elif kind == "tlp":
            feature, what = self.subagents, "sub-agents"
        else:
            raise SkillIRError(f"unknown parallelism kind '{kind}'", hint="use dlp, ilp or tlp")
        if feature.usable:
            return Verdict(True, feature.mechanism, f"{self.name} supports {what}", feature.source,
                           feature.config)
        why = {
            "no": f"{self.name} cannot run {what}",
            "model": f"{self.name} runs {what} only for some models, which the compiler cannot assume",
        }[feature.support]
        detail = feature.details or feature.mechanism
        return Verdict(False, "sequential_execution", f"{why} ({detail})", feature.source)


# ---------------------------------------------------------------------------
# loading and validation


@cache
def _table() -> tuple[HarnessFeatures, ...]:
    raw = json.loads(resources.files("skillir.data").joinpath(_DATA).read_text(encoding="utf-8"))
    roles = raw.get("tool_roles")
    entries = raw.get("harnesses")
    if not isinstance(roles, list) or not isinstance(entries, dict) or not entries:
        raise SkillIRError("harness table has no 'tool_roles' or 'harnesses'", path=_DATA)
    return tuple(_harness(name, entry, frozenset(roles)) for name, entry in entries.items())


def _fail(where: str, message: str) -> SkillIRError:
    return SkillIRError(f"harness table: {where}: {message}", path=f"skillir/data/{_DATA}",
                        hint="fix the entry; every fact needs a source and a confidence")


def _str(entry: Mapping[str, Any], key: str, where: str, *, optional: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"'{key}' must be a non-empty string")
    return value


def _sourced(entry: Any, where: str) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    source = _str(entry, "source", where)
    confidence = _str(entry, "confidence", where)
    if confidence not in CONFIDENCE_LEVELS:
        raise _fail(where, f"confidence '{confidence}' is not one of {CONFIDENCE_LEVELS}")
    return source, confidence  # type: ignore[return-value]


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def _feature(entry: Any, where: str, tool_names: set[str]) -> Feature:
    source, confidence = _sourced(entry, where)
    support = _str(entry, "support", where)
    if support not in SUPPORT_LEVELS:
        raise _fail(where, f"support '{support}' is not one of {SUPPORT_LEVELS}")
    config = entry.get("config")
    if support == "config" and not isinstance(config, dict):
        raise _fail(where, "support 'config' needs a 'config' object saying what to set")
    tool = _str(entry, "tool", where, optional=True)
    if tool is not None and tool not in tool_names:
        raise _fail(where, f"tool '{tool}' is not in the harness's tool list")
    max_parallel = entry.get("max_parallel")
    if max_parallel is not None and (not isinstance(max_parallel, int) or max_parallel < 1):
        raise _fail(where, "'max_parallel' must be a positive integer or null")
    return Feature(support, _str(entry, "mechanism", where), source, confidence, tool,  # type: ignore[arg-type]
                   _freeze(config) if config is not None else None, max_parallel,
                   _str(entry, "details", where, optional=True) or "")


def _placement(entry: Any, where: str) -> Placement:
    source, confidence = _sourced(entry, where)
    return Placement(
        mechanism=_str(entry, "mechanism", where) if "mechanism" in entry else "place the folder",  # type: ignore[arg-type]
        source=source, confidence=confidence,
        target=_str(entry, "target", where, optional=True),
        format=_str(entry, "format", where, optional=True),
        path=_str(entry, "path", where, optional=True),
        trigger=_str(entry, "trigger", where, optional=True),
    )


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(where, "must be a list of non-empty strings")
    return tuple(value)


def _harness(name: str, entry: Any, roles: frozenset[str]) -> HarnessFeatures:
    where = name
    if not isinstance(entry, dict):
        raise _fail(where, "must be an object")
    tools: list[Tool] = []
    for index, item in enumerate(entry.get("tools") or ()):
        tw = f"{name}.tools[{index}]"
        source, confidence = _sourced(item, tw)
        role = _str(item, "role", tw)
        if role not in roles:
            raise _fail(tw, f"role '{role}' is not one of tool_roles")
        tools.append(Tool(_str(item, "name", tw), role, source, confidence))  # type: ignore[arg-type]
    if not tools:
        raise _fail(where, "needs a non-empty 'tools' list")
    names = {t.name for t in tools}
    if len(names) != len(tools):
        raise _fail(where, "tool names must be unique")
    if not any(t.role == "exec" for t in tools):
        raise _fail(where, "needs a tool with role 'exec' (env-setup and DLP run through it)")
    skills = entry.get("skills")
    if not isinstance(skills, dict):
        raise _fail(where, "needs a 'skills' object")
    frontmatter = skills.get("frontmatter")
    _sourced(frontmatter, f"{name}.skills.frontmatter")
    loading = SkillLoading(
        file=_str(skills, "file", f"{name}.skills"),  # type: ignore[arg-type]
        project_dirs=_strings(skills.get("project_dirs"), f"{name}.skills.project_dirs"),
        user_dirs=_strings(skills.get("user_dirs"), f"{name}.skills.user_dirs"),
        inject=_placement(skills.get("inject"), f"{name}.skills.inject"),
        discover=_placement(skills.get("discover"), f"{name}.skills.discover"),
        frontmatter=_freeze(frontmatter),
    )
    if not loading.project_dirs and not loading.user_dirs:
        raise _fail(f"{name}.skills", "needs at least one place skills are loaded from")
    instruction_files = []
    for index, item in enumerate(entry.get("instruction_files") or ()):
        iw = f"{name}.instruction_files[{index}]"
        source, confidence = _sourced(item, iw)
        instruction_files.append(InstructionFile(_str(item, "path", iw), _str(item, "scope", iw),  # type: ignore[arg-type]
                                                 source, confidence))
    env_setup = entry.get("env_setup")
    _sourced(env_setup, f"{name}.env_setup")
    if env_setup.get("tool") not in names:
        raise _fail(f"{name}.env_setup", f"tool '{env_setup.get('tool')}' is not in the tool list")
    evaluated = entry.get("evaluated_in_paper")
    if not isinstance(evaluated, bool):
        raise _fail(where, "'evaluated_in_paper' must be true or false")
    return HarnessFeatures(
        name=name,
        display_name=_str(entry, "display_name", where),  # type: ignore[arg-type]
        kind=_str(entry, "kind", where),  # type: ignore[arg-type]
        evaluated_in_paper=evaluated,
        docs=_str(entry, "docs", where),  # type: ignore[arg-type]
        tools=tuple(tools),
        parallel_tool_calls=_feature(entry.get("parallel_tool_calls"), f"{name}.parallel_tool_calls", names),
        subagents=_feature(entry.get("subagents"), f"{name}.subagents", names),
        skills=loading,
        instruction_files=tuple(instruction_files),
        bootstrap_files=_strings(entry.get("bootstrap_files", []), f"{name}.bootstrap_files")
        if entry.get("bootstrap_files") else (),
        env_setup=_freeze(env_setup),
        custom_agents_dir=_str(entry, "custom_agents_dir", where, optional=True),
        notes=_strings(entry.get("notes"), f"{name}.notes") if entry.get("notes") else (),
    )


# ---------------------------------------------------------------------------
# public API


def all_harnesses() -> tuple[HarnessFeatures, ...]:
    """Every harness in the table, in table order (validated on first use)."""
    return _table()


def harness_names() -> tuple[str, ...]:
    return tuple(h.name for h in _table())


def load_harness(name: str) -> HarnessFeatures:
    """The features of harness `name`; an unknown name is a SkillIRError listing them."""
    for harness in _table():
        if harness.name == name:
            return harness
    raise SkillIRError(f"unknown harness '{name}'", hint=f"choose one of {', '.join(harness_names())}")


__all__ = [
    "DEFAULT_HARNESS",
    "Feature",
    "HarnessFeatures",
    "InstructionFile",
    "Placement",
    "SkillLoading",
    "Tool",
    "Verdict",
    "all_harnesses",
    "harness_names",
    "load_harness",
]
