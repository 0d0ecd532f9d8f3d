"""The bare-agent tool set: read_file, write_file, list_directory, execute_command.

Every tool works through a `Sandbox`: file tools refuse paths outside the workspace (symlinks
included), execute_command runs sandboxed with limits. A tool never raises: failures come back
as an error result the model can read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from skillir.runtime.providers.base import ToolCall, ToolSpec
from skillir.runtime.sandbox import Sandbox, SandboxViolation

READ_FILE = ToolSpec(
    "read_file",
    "Read a text file. The path is relative to the working directory.",
    {"type": "object",
     "properties": {"path": {"type": "string", "description": "File path, relative to the "
                                                               "working directory"}},
     "required": ["path"]})
WRITE_FILE = ToolSpec(
    "write_file",
    "Create or overwrite a file with the given content (parent folders are created).",
    {"type": "object",
     "properties": {"path": {"type": "string", "description": "File path, relative to the "
                                                               "working directory"},
                    "content": {"type": "string", "description": "The complete file content"}},
     "required": ["path", "content"]})
LIST_DIRECTORY = ToolSpec(
    "list_directory",
    "List files and directories at the given path relative to the working directory.",
    {"type": "object",
     "properties": {"path": {"type": "string", "description": "Relative directory path "
                                                               "(default: '.')"}}})
EXECUTE_COMMAND = ToolSpec(
    "execute_command",
    "Run a shell command in the working directory and return its output and exit code. "
    "There is no network access.",
    {"type": "object",
     "properties": {"command": {"type": "string", "description": "The shell command to run"},
                    "timeout": {"type": "number",
                                "description": "Seconds before the command is killed "
                                               "(optional)"}},
     "required": ["command"]})

BARE_AGENT_TOOLS: tuple[ToolSpec, ...] = (READ_FILE, WRITE_FILE, LIST_DIRECTORY, EXECUTE_COMMAND)


@dataclass
class ToolResult:
    """What a tool returned: `content` goes to the model; the rest goes to the trace."""

    content: str
    is_error: bool = False
    duration_s: float = 0.0
    meta: dict[str, Any] = field(default_factory=dict)


def _arg(args: dict[str, Any], name: str, *, required: bool = True, default: Any = None) -> Any:
    if name not in args or args[name] is None:
        if required:
            raise ValueError(f"missing required argument '{name}'")
        return default
    return args[name]


class ToolExecutor:
    """Runs tool calls against one sandbox. Thread-safe: the agent loop runs the calls of one
    model turn in parallel."""

    def __init__(self, sandbox: Sandbox, *, tools: Sequence[ToolSpec] = BARE_AGENT_TOOLS,
                 deadline: Callable[[], float | None] = lambda: None):
        self.sandbox = sandbox
        self.tools = tuple(tools)
        self._names = {t.name for t in self.tools}
        self._deadline = deadline
        self._handlers: dict[str, Callable[[dict[str, Any]], ToolResult]] = {
            "read_file": self._read_file, "write_file": self._write_file,
            "list_directory": self._list_directory, "execute_command": self._execute_command,
        }

    def execute(self, call: ToolCall) -> ToolResult:
        start = time.monotonic()
        if call.parse_error:
            result = ToolResult(f"error: could not run {call.name or 'the tool'}: "
                                f"{call.parse_error}", is_error=True)
        elif call.name not in self._names or call.name not in self._handlers:
            result = ToolResult(f"error: unknown tool '{call.name}'; available tools: "
                                + ", ".join(sorted(self._names)), is_error=True)
        elif (refused := self._refused(call)) is not None:  # the skill's sandbox policy
            result = ToolResult(f"error: {refused}", is_error=True, meta={"policy": "refused"})
        else:
            try:
                result = self._handlers[call.name](call.arguments)
            except SandboxViolation as exc:
                result = ToolResult(f"error: {exc}", is_error=True, meta={"violation": True})
            except (ValueError, TypeError) as exc:
                result = ToolResult(f"error: {exc}", is_error=True)
            except FileNotFoundError:
                result = ToolResult(f"error: no such file or directory: "
                                    f"{call.arguments.get('path')}", is_error=True)
            except IsADirectoryError:
                result = ToolResult(f"error: {call.arguments.get('path')} is a directory "
                                    "(use list_directory)", is_error=True)
            except NotADirectoryError:
                result = ToolResult(f"error: {call.arguments.get('path')} is not a directory",
                                    is_error=True)
            except OSError as exc:
                result = ToolResult(f"error: {exc.strerror or exc}", is_error=True)
        result.duration_s = time.monotonic() - start
        return result

    def _refused(self, call: ToolCall) -> str | None:
        policy = self.sandbox.policy
        return policy.refusal(call.name, call.arguments) if policy is not None else None

    # -- the tools ------------------------------------------------------------------------
    def _read_file(self, args: dict[str, Any]) -> ToolResult:
        path = str(_arg(args, "path"))
        data, size = self.sandbox.read_file(path)
        if b"\0" in data[:8192]:
            return ToolResult(f"[binary file, {size} bytes; use execute_command to inspect "
                              "it]", meta={"bytes": size, "binary": True})
        text = data.decode("utf-8", errors="replace")
        meta: dict[str, Any] = {"bytes": size}
        if size > len(data):
            text += f"\n[... truncated: showing {len(data)} of {size} bytes ...]"
            meta["truncated"] = True
        return ToolResult(text, meta=meta)

    def _write_file(self, args: dict[str, Any]) -> ToolResult:
        path = str(_arg(args, "path"))
        content = _arg(args, "content")
        if not isinstance(content, str):
            content = str(content)
        data = content.encode("utf-8")
        rel = self.sandbox.write_file(path, data)
        return ToolResult(f"wrote {len(data)} bytes to {rel}", meta={"bytes": len(data),
                                                                    "path": str(rel)})

    def _list_directory(self, args: dict[str, Any]) -> ToolResult:
        path = str(_arg(args, "path", required=False, default=".") or ".")
        entries = self.sandbox.list_dir(path)
        cap = self.sandbox.limits.list_entries
        lines = []
        for name, kind, size in entries[:cap]:
            if kind == "dir":
                lines.append(f"[dir] {name}")
            elif kind == "link":
                lines.append(f"[link] {name}")
            else:
                lines.append(f"[file] {name} ({size} bytes)")
        if len(entries) > cap:
            lines.append(f"[... {len(entries) - cap} more entries ...]")
        return ToolResult("\n".join(lines) or "(empty directory)",
                          meta={"entries": len(entries)})

    def _execute_command(self, args: dict[str, Any]) -> ToolResult:
        command = _arg(args, "command")
        if not isinstance(command, str) or not command.strip():
            raise ValueError("'command' must be a non-empty string")
        limit = self.sandbox.limits.command_timeout_s
        asked = args.get("timeout")
        if isinstance(asked, (int, float)) and asked > 0:
            limit = min(limit, float(asked))
        deadline = self._deadline()
        if deadline is not None:
            limit = max(0.0, min(limit, deadline - time.monotonic()))
        res = self.sandbox.run(command, timeout=limit)
        return ToolResult(res.describe(), is_error=res.exit_code != 0,
                          meta={"exit_code": res.exit_code, "output_bytes": res.output_bytes,
                                "truncated": res.truncated, "killed": res.killed})
