"""The scripted model: a provider that answers turn by turn from a script, in whatever tool
vocabulary the harness offers. Deterministic, no model, labelled simulated.

A script is JSON: a list of steps, or `{"name": ..., "steps": [...], "final": "Done."}`.

    [{"tool": "skill", "arguments": {"name": "pdf-merge"}},
     {"tool": "shell", "arguments": {"command": "python merge.py"}, "text": "Merging."},
     {"calls": [{"tool": "read", "arguments": {"path": "a.txt"}},
                {"tool": "read", "arguments": {"path": "b.txt"}}]},
     {"text": "Merged 3 files into merged.pdf."}]

- **Which step.** The step answering a request is the number of assistant turns already in
  the request's conversation (`mode="history"`, the default), so a harness that retries a
  request gets the same answer again; `mode="sequential"` plays one step per request
  instead. A request that offers no tools (a title or a quota probe) gets `idle_text` and
  uses no step. After the last step every answer is `final`.
- **Which tool.** `tool` is a tool name (used when offered), a list of names (first offered
  wins), names per harness (`{"claude-code": "Bash", "codex": "exec_command"}`, picked by
  the model's `harness`), or a role (`shell`/`exec`, `read`, `write`, `list`, `skill`, `edit`, ...), resolved
  against the tools the request offers with the role tables of `harnesses.json` and
  `gateway_roles.json`: role "shell" finds `bash`, `Bash`, `exec_command`, `shell`,
  `terminal` or `exec`; "read" finds `read`, `Read`, `read_file`; "skill" finds `skill`,
  `Skill`, `skill_view`. When no tool plays `read`, `list` or `write`, the shell does it
  (`cat`, `ls -la`, a base64 write); when none plays `skill` (OpenClaw, Codex), the
  `SKILL.md` whose location the request's skill listing gives is read. A step that fits nothing offered raises `ScriptError`
  (the gateway answers 400 so the harness stops at once, and the log says why).
- **Which arguments.** Keys are canonical (`command`, `path`, `content`, `name`) and are
  renamed to the offered tool's spelling (`cmd`, `file_path`, `filePath`, `skill`); a
  command given as a string to a tool that takes an array becomes `["bash", "-lc", ...]`;
  a relative path for `file_path`/`filePath` (which must be absolute) is joined to
  `workspace`; `${workspace}` in any string is replaced by it.

`RoleMappedProvider(provider)` applies the same mapping to another provider's tool calls:
the simulated model (`sim/...`, which acts with the bare-agent tools `read_file`,
`write_file`, `list_directory`, `execute_command`) then acts through each harness's own
tools behind the gateway.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from skillir.datafiles import load_data, load_json_file
from skillir.errors import SkillIRError
from skillir.runtime.providers.base import (
    Message,
    Provider,
    Response,
    RunInfo,
    ToolCall,
    ToolSpec,
    Usage,
)

DEFAULT_FINAL = "Done."
DEFAULT_IDLE = "OK."
MAX_SCRIPT_BYTES = 4 << 20


class ScriptError(Exception):
    """A script step does not fit the request (no offered tool plays its role)."""


@dataclass(frozen=True)
class ScriptCall:
    tool: tuple[str, ...]
    """Names or roles, first match wins."""
    arguments: dict[str, Any]
    per_harness: dict[str, tuple[str, ...]] | None = None
    """`{"claude-code": "Bash", "codex": "exec_command"}`: the names for the model's
    `harness`; without one, all of them in order (first offered wins)."""

    def names(self, harness: str | None) -> tuple[str, ...]:
        if self.per_harness and harness in self.per_harness:
            return self.per_harness[harness]
        return self.tool


@dataclass(frozen=True)
class Step:
    text: str = ""
    calls: tuple[ScriptCall, ...] = ()


@dataclass(frozen=True)
class _Roles:
    aliases: dict[str, str]
    tools: dict[str, tuple[str, ...]]
    arguments: dict[str, tuple[str, ...]]
    absolute: frozenset[str]


@cache
def _roles() -> _Roles:
    from skillir.harnesses import all_harnesses

    data = load_data("gateway_roles.json")
    tools: dict[str, list[str]] = {}
    for harness in all_harnesses():
        for tool in harness.tools:
            tools.setdefault(tool.role, [])
            if tool.name not in tools[tool.role]:
                tools[tool.role].append(tool.name)
    for role, names in data["tools"].items():
        tools.setdefault(role, [])
        tools[role] += [n for n in names if n not in tools[role]]
    return _Roles(aliases=dict(data["role_aliases"]),
                  tools={r: tuple(n) for r, n in tools.items()},
                  arguments={k: tuple(v) for k, v in data["arguments"].items()},
                  absolute=frozenset(data["absolute_path_keys"]))


def role_of(name: str) -> str | None:
    """The role a tool name or role word stands for (None: not a known role)."""
    roles = _roles()
    key = roles.aliases.get(name.lower(), name.lower())
    if key in roles.tools:
        return key
    for role, names in roles.tools.items():
        if name in names:
            return role
    return None


def _properties(spec: ToolSpec) -> dict[str, Any]:
    props = spec.parameters.get("properties") if isinstance(spec.parameters, dict) else None
    return props if isinstance(props, dict) else {}


def _substitute(value: Any, workspace: str | None) -> Any:
    if workspace is None:
        return value
    if isinstance(value, str):
        return value.replace("${workspace}", workspace)
    if isinstance(value, list):
        return [_substitute(v, workspace) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, workspace) for k, v in value.items()}
    return value


def map_arguments(arguments: dict[str, Any], spec: ToolSpec,
                  workspace: str | None = None) -> dict[str, Any]:
    """Canonical argument keys renamed to the spelling `spec` declares (see the module
    docstring); keys the schema declares, or that have no known spelling, stay."""
    roles = _roles()
    props = _properties(spec)
    out: dict[str, Any] = {}
    for key, raw in arguments.items():
        value = _substitute(raw, workspace)
        target = key
        if props and key not in props:
            spellings = roles.arguments.get(key) or next(
                (v for v in roles.arguments.values() if key in v), ())
            target = next((s for s in spellings if s in props), key)
        prop = props.get(target) if isinstance(props.get(target), dict) else {}
        if prop.get("type") == "array" and isinstance(value, str):
            value = ["bash", "-lc", value]
        if (target in roles.absolute and isinstance(value, str) and workspace
                and not value.startswith("/")):
            value = str(PurePosixPath(workspace) / value)
        out[target] = value
    return out


def _shell_fallback(role: str, arguments: dict[str, Any]) -> str | None:
    """A shell command doing what a read/list/write tool would (for harnesses without one)."""
    path = str(arguments.get("path") or ".")
    if role == "read":
        return f"cat -- {shlex.quote(path)}"
    if role == "list":
        return f"ls -la -- {shlex.quote(path)}"
    if role == "write" and "content" in arguments:
        blob = base64.b64encode(str(arguments["content"]).encode()).decode()
        parent = str(PurePosixPath(path).parent)
        mkdir = f"mkdir -p -- {shlex.quote(parent)} && " if parent != "." else ""
        return f"{mkdir}printf %s {blob} | base64 -d > {shlex.quote(path)}"
    return None


def skill_file(name: str, context: Sequence[Message]) -> str | None:
    """Where the request's own skill listing says skill `name`'s SKILL.md is (OpenClaw and
    Codex list a location and let the model read it), or None."""
    pattern = re.compile(r"(?:[A-Za-z0-9_.~/-]*/)?" + re.escape(name) + r"/SKILL\.md")
    for message in context:
        if message.role in ("system", "user"):
            found = pattern.search(message.content)
            if found:
                path = found.group(0)
                # Codex lists short paths (`r1/NAME/SKILL.md`) with a table of skill roots
                root, _, rest = path.partition("/")
                table = re.search(r"`" + re.escape(root) + r"` = `([^`]+)`", message.content)
                return f"{table.group(1).rstrip('/')}/{rest}" if table else path
    return None


def resolve_call(tool: Sequence[str], arguments: dict[str, Any], tools: Sequence[ToolSpec], *,
                 workspace: str | None = None,
                 context: Sequence[Message] = ()) -> tuple[str, dict[str, Any]]:
    """The offered tool and its arguments for a step's call (see the module docstring).
    `context` (the request's messages) lets the `skill` role read the listed SKILL.md when
    the harness has no skill tool."""
    offered = {t.name: t for t in tools}
    folded = {t.name.lower(): t for t in reversed(tools)}
    for name in tool:
        if name in offered:
            return name, map_arguments(arguments, offered[name], workspace)
    roles = _roles()
    for name in tool:
        role = role_of(name)
        if role is None:
            continue
        names = roles.tools[role]
        found = next((offered[n] for n in names if n in offered), None) or next(
            (folded[n.lower()] for n in names if n.lower() in folded), None)
        if found is not None:
            return found.name, map_arguments(arguments, found, workspace)
        if role == "skill" and isinstance(arguments.get("name"), str):
            path = skill_file(arguments["name"], context)
            if path is not None:
                return resolve_call(("read",), {"path": path}, tools, workspace=workspace)
        command = _shell_fallback(role, arguments)
        if command is not None:
            shell = next((offered[n] for n in roles.tools["exec"] if n in offered), None)
            if shell is not None:
                return shell.name, map_arguments({"command": command}, shell, workspace)
    names = ", ".join(sorted(offered)) or "none"
    raise ScriptError(f"no offered tool plays {' or '.join(map(repr, tool))} "
                      f"(the request offers: {names})")


def _parse_call(raw: Any, where: str) -> ScriptCall:
    if not isinstance(raw, dict) or "tool" not in raw:
        raise SkillIRError(f"{where}: a call needs 'tool'", hint="e.g. {\"tool\": \"shell\", "
                           "\"arguments\": {\"command\": \"ls\"}}")
    def names_of(tool: Any) -> tuple[str, ...]:
        names = (tool,) if isinstance(tool, str) else tuple(tool) if isinstance(tool, list) \
            else ()
        if not names or not all(isinstance(n, str) and n for n in names):
            raise SkillIRError(f"{where}: 'tool' must be a name, a list of names or "
                               "{harness: name}")
        return names

    tool = raw["tool"]
    per_harness = None
    if isinstance(tool, dict) and tool:
        per_harness = {str(h): names_of(v) for h, v in tool.items()}
        names = tuple(n for v in per_harness.values() for n in v)
    else:
        names = names_of(tool)
    args = raw.get("arguments", {})
    if not isinstance(args, dict):
        raise SkillIRError(f"{where}: 'arguments' must be an object")
    return ScriptCall(names, args, per_harness)


def load_script(data: Any, *, source: str = "script") -> tuple[list[Step], str, str]:
    """(steps, final text, name) from a script's JSON value; a one-line error if malformed."""
    name = source
    final = DEFAULT_FINAL
    if isinstance(data, dict):
        name = str(data.get("name") or source)
        final = str(data.get("final", DEFAULT_FINAL))
        data = data.get("steps")
    if not isinstance(data, list):
        raise SkillIRError(f"{source}: a script is a list of steps (or {{'steps': [...]}})",
                           hint='e.g. [{"tool": "shell", "arguments": {"command": "ls"}}, '
                           '{"text": "done"}]')
    steps = []
    for i, raw in enumerate(data):
        where = f"{source}: step {i}"
        if not isinstance(raw, dict):
            raise SkillIRError(f"{where} must be an object")
        text = raw.get("text", "")
        if not isinstance(text, str):
            raise SkillIRError(f"{where}: 'text' must be a string")
        calls = [_parse_call(raw, where)] if "tool" in raw else []
        extra = raw.get("calls", [])
        if not isinstance(extra, list):
            raise SkillIRError(f"{where}: 'calls' must be a list")
        calls += [_parse_call(c, f"{where}.calls[{j}]") for j, c in enumerate(extra)]
        if not text and not calls:
            raise SkillIRError(f"{where} has neither 'text' nor a tool call")
        steps.append(Step(text, tuple(calls)))
    return steps, final, name


class ScriptedModel(Provider):
    """A provider playing a script (see the module docstring). `name` is `scripted/NAME`."""

    simulated = True

    def __init__(self, steps: Sequence[Step | dict[str, Any]] | dict[str, Any], *,
                 name: str = "script", workspace: str | os.PathLike[str] | None = None,
                 mode: str = "history", idle_text: str = DEFAULT_IDLE,
                 final: str | None = None, harness: str | None = None):
        if mode not in ("history", "sequential"):
            raise SkillIRError(f"scripted model mode must be history or sequential, not "
                               f"{mode!r}")
        if not isinstance(steps, dict) and all(isinstance(s, Step) for s in steps):
            parsed, final_default = [s for s in steps if isinstance(s, Step)], DEFAULT_FINAL
        else:
            parsed, final_default, name = load_script(
                steps if isinstance(steps, dict) else list(steps), source=name)
        self.steps: list[Step] = parsed
        self.final = final if final is not None else final_default
        self.script_name = name
        self.name = f"scripted/{name}"
        self.workspace = str(workspace) if workspace is not None else None
        self.mode = mode
        self.harness = harness
        self.idle_text = idle_text
        self.served: list[int | None] = []
        """The step index each request was answered with (None: idle or final)."""
        self._next = 0

    @classmethod
    def from_file(cls, path: str | os.PathLike[str], **options: Any) -> ScriptedModel:
        data = load_json_file(path, schema=None, what="script", limit=MAX_SCRIPT_BYTES)
        steps, final, name = load_script(data, source=Path(path).stem)
        return cls(steps, name=name, final=final, **options)

    def start_run(self, info: RunInfo) -> None:
        if self.workspace is None:
            self.workspace = str(info.workspace)
        if self.harness is None:
            self.harness = info.harness
        self._next = 0

    def _index(self, messages: Sequence[Message]) -> int:
        if self.mode == "sequential":
            index, self._next = self._next, self._next + 1
            return index
        return sum(1 for m in messages if m.role == "assistant")

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        if not tools:
            self.served.append(None)
            return self._response(self.idle_text, ())
        index = self._index(messages)
        if index >= len(self.steps):
            self.served.append(None)
            return self._response(self.final, ())
        step = self.steps[index]
        calls = []
        for j, call in enumerate(step.calls):
            try:
                name, args = resolve_call(call.names(self.harness), call.arguments, tools,
                                          workspace=self.workspace, context=messages)
            except ScriptError as exc:
                raise ScriptError(f"{self.script_name} step {index}: {exc}") from None
            calls.append(ToolCall(id=f"call_{index}_{j}", name=name, arguments=args,
                                  raw_arguments=json.dumps(args, ensure_ascii=False)))
        self.served.append(index)
        return self._response(step.text, tuple(calls))

    def _response(self, text: str, calls: tuple[ToolCall, ...]) -> Response:
        out = len(text) + sum(len(c.raw_arguments or "") for c in calls)
        return Response(text=text, tool_calls=calls,
                        usage=Usage(output_tokens=max(1, out // 4), available=False),
                        latency_s=0.0, stop_reason="tool_use" if calls else "end_turn",
                        model=self.name, simulated=True)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "scripted": True, "steps": len(self.steps),
                "mode": self.mode}


class RoleMappedProvider(Provider):
    """Another provider whose tool calls (bare-agent names or roles) are mapped onto the
    tools each request offers (see the module docstring). Everything else passes through;
    the simulated label is the inner provider's."""

    def __init__(self, inner: Provider, *, workspace: str | os.PathLike[str] | None = None):
        self.inner = inner
        self.name = inner.name
        self.simulated = inner.simulated
        self.context_chars = inner.context_chars
        self.workspace = str(workspace) if workspace is not None else None

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        response = self.inner.complete(messages, tools, max_tokens=max_tokens,
                                       temperature=temperature, deadline=deadline, seed=seed)
        if not response.tool_calls or not tools:
            return response
        calls = []
        for call in response.tool_calls:
            name, args = resolve_call((call.name,), call.arguments, tools,
                                      workspace=self.workspace)
            calls.append(ToolCall(id=call.id, name=name, arguments=args,
                                  raw_arguments=json.dumps(args, ensure_ascii=False)))
        return Response(text=response.text, tool_calls=tuple(calls), usage=response.usage,
                        latency_s=response.latency_s, stop_reason=response.stop_reason,
                        model=response.model, attempts=response.attempts,
                        simulated=response.simulated,
                        extra={**response.extra, "mapped_from": [c.name for c in
                                                                 response.tool_calls]})

    def prepare(self) -> None:
        self.inner.prepare()

    def start_run(self, info: RunInfo) -> None:
        if self.workspace is None:
            self.workspace = str(info.workspace)
        self.inner.start_run(info)

    def close(self) -> None:
        self.inner.close()

    def run_details(self) -> dict[str, Any] | None:
        return self.inner.run_details()

    def describe(self) -> dict[str, Any]:
        return {**self.inner.describe(), "gateway_role_mapping": True}
