"""The one small interface every model provider implements.

A provider turns a conversation (`Message`s) plus the tools on offer (`ToolSpec`s) into one
`Response`: the text, the tool calls in a provider-neutral form, token usage as the service
reported it, and the wall-clock latency of the call. Each concrete provider translates to and
from its API's native tool-call form (OpenAI `tool_calls` / Anthropic `tool_use` blocks).

The agent loop only ever talks to this interface, so a simulated provider (`sim/...`, issue 8)
plugs in by subclassing `Provider`, setting `simulated = True`, and optionally using the
`start_run` hook to see the task, workspace and seed of the run it is about to serve.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
StopReason = Literal["end_turn", "tool_use", "max_tokens", "error", "other"]


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model: name, description, JSON-schema of its arguments."""

    name: str
    description: str
    parameters: dict[str, Any]


@dataclass(frozen=True)
class ToolCall:
    """One tool call the model asked for.

    `arguments` is the decoded argument object; when the model produced something that is
    not a JSON object, `arguments` is empty and `parse_error` says why (the agent loop
    reports that back to the model instead of running the tool).
    """

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str | None = None
    parse_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "arguments": self.arguments}
        if self.parse_error:
            out["parse_error"] = self.parse_error
            out["raw_arguments"] = self.raw_arguments
        return out


@dataclass(frozen=True)
class Message:
    """A provider-neutral chat message.

    - `system`: instructions (providers that take a separate system field lift it out);
    - `user`: a prompt;
    - `assistant`: text and/or `tool_calls`;
    - `tool`: the result of the tool call `tool_call_id` (`is_error` when it failed).
    """

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None
    is_error: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"role": self.role, "content": self.content}
        if self.tool_calls:
            out["tool_calls"] = [c.to_json() for c in self.tool_calls]
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        if self.name is not None:
            out["name"] = self.name
        if self.is_error:
            out["is_error"] = True
        return out


@dataclass(frozen=True)
class Usage:
    """Token usage of one call, as reported by the service (`available=False` when the
    response carried none; the counts are then 0, never guessed)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    available: bool = True

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.input_tokens + other.input_tokens,
            self.output_tokens + other.output_tokens,
            self.cache_read_tokens + other.cache_read_tokens,
            self.cache_write_tokens + other.cache_write_tokens,
            self.available and other.available,
        )


@dataclass(frozen=True)
class Response:
    """What one `Provider.complete` call returns."""

    text: str
    tool_calls: tuple[ToolCall, ...]
    usage: Usage
    latency_s: float
    stop_reason: StopReason = "end_turn"
    model: str = ""
    attempts: int = 1
    simulated: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RunInfo:
    """What a provider may learn about the run it is about to serve (`Provider.start_run`).

    Real providers ignore it; a simulated provider uses it (the task folder for reference
    solutions, the skill for its requirements, the workspace, the seed).
    """

    run_id: str
    task_dir: Path | None
    task_id: str | None
    workspace: Path
    skill_dir: Path | None
    seed: int | None
    harness: str
    task: Any = None
    """The loaded task (`skillir.bench.task.Task`); the simulated model needs it."""
    skill: Any = None
    """The `skillir.runtime.skill.SkillBundle` injected (kind, folder, compile report)."""


class ProviderError(Exception):
    """A model call failed for good (after retries). `status` is the HTTP status if any;
    `retryable` says whether the failure was of a kind that retries are meant for (the
    retries ran out)."""

    def __init__(self, message: str, *, status: int | None = None, retryable: bool = False,
                 attempts: int = 1):
        super().__init__(message)
        self.status = status
        self.retryable = retryable
        self.attempts = attempts


class ProviderTimeout(ProviderError):
    """The call (with its retries) did not finish before its deadline."""


class RunNotSupported(Exception):
    """Raised by `Provider.start_run` when the provider cannot serve this run at all (the
    simulated provider on a task without a reference solution). The run is recorded with
    `status` and the message as its reason, and is neither carried out nor scored."""

    def __init__(self, message: str, *, status: str = "unsupported"):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class DirectAccess:
    """How a harness that speaks this provider's API reaches it without our gateway."""

    wires: tuple[str, ...]
    """The APIs the endpoint serves: "anthropic", "openai-chat", "openai-responses"."""
    root: str
    """The base URL without the API's `/v1` (harness drivers add their API's path)."""
    api_key: str
    model: str


class Provider(ABC):
    """Base class of all providers. Subclasses implement `complete`.

    `name` is the full model id (`openai/gpt-4o`, `local/smollm2`, `sim/qwen3.5-9b`);
    `simulated` must be True for any provider that does not call a real model: every
    output and trace then says so.
    """

    name: str = ""
    simulated: bool = False
    context_chars: int | None = None
    """If set, the agent loop clips each tool result to this many characters (small models)."""

    @abstractmethod
    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        """One model turn. `deadline` is a `time.monotonic()` instant after which the call
        (including retries) must give up with `ProviderTimeout`."""

    def direct_access(self) -> DirectAccess | None:
        """The endpoint a harness may call itself (a remote API), or None: the harness
        then talks to the runtime's gateway in front of this provider. Default: None."""
        return None

    def prepare(self) -> None:  # noqa: B027 - optional hook
        """Acquire what the provider needs before a run (e.g. start a local server); raise
        `SkillIRError` for problems the user must fix. Default: nothing."""

    def start_run(self, info: RunInfo) -> None:  # noqa: B027 - optional hook
        """Called once before the first `complete` of a run. Default: nothing."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections, servers, etc. Default: nothing."""

    def run_details(self) -> dict[str, Any] | None:
        """What the provider wants recorded about the run it just served (the run record's
        `provider_run`; the simulated provider's decisions). Default: nothing."""
        return None

    def describe(self) -> dict[str, Any]:
        """What goes into the trace's run header about this provider."""
        return {"name": self.name, "simulated": self.simulated, "kind": type(self).__name__}

    def __enter__(self) -> Provider:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def decode_arguments(raw: Any) -> tuple[dict[str, Any], str | None]:
    """Decode a tool call's arguments (a JSON string or an object) to a dict.

    Returns `(arguments, parse_error)`; small models often emit broken JSON, which the agent
    loop reports back to the model rather than crashing.
    """
    if raw is None or raw == "":
        return {}, None
    if isinstance(raw, dict):
        return raw, None
    if not isinstance(raw, str):
        return {}, f"arguments must be a JSON object, got {type(raw).__name__}"
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        return {}, f"arguments are not valid JSON: {exc.msg} at position {exc.pos}"
    if not isinstance(value, dict):
        return {}, f"arguments must be a JSON object, got {type(value).__name__}"
    return value, None
