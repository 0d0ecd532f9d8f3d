"""What the three wire formats share: the parsed request, request errors, SSE framing, ids,
delta chunking and the token estimate used where a provider reports no usage."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from skillir.runtime.providers.base import Message, Response, ToolSpec, Usage

TEXT_CHUNK = 24
"""Characters per streamed text delta (small, so clients see several deltas)."""
ARGS_CHUNK = 48
"""Characters per streamed tool-argument delta."""


class BadRequest(Exception):
    """The client sent something this gateway cannot serve: answered with `status` and the
    message in the wire format's error body, never a crash."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class ChatRequest:
    """A request of any wire format in provider-neutral form."""

    wire: str
    model: str
    messages: list[Message]
    tools: list[ToolSpec]
    stream: bool = False
    max_tokens: int | None = None
    temperature: float | None = None
    include_usage: bool = False
    tool_kinds: dict[str, str] = field(default_factory=dict)
    """Responses API: tool name -> "function" | "custom" (free-form input)."""
    skipped: list[str] = field(default_factory=list)
    """Parts of the request the provider does not see (unknown item types, hosted tools),
    for the log."""


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:24]}"


def sse(data: Any, event: str | None = None) -> bytes:
    """One server-sent event (`data` JSON-encoded unless it is already a string)."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False,
                                                           separators=(",", ":"))
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def chunks(text: str, size: int) -> Iterator[str]:
    """`text` in pieces of at most `size` characters (nothing for an empty text)."""
    for i in range(0, len(text), size):
        yield text[i:i + size]


def estimate_tokens(text: str) -> int:
    """A rough token count (characters / 4) for clients that ask and providers that do
    not say; never presented as measured."""
    return max(1, len(text) // 4) if text else 0


def request_chars(req: ChatRequest) -> int:
    total = sum(len(m.content) + sum(len(c.raw_arguments or json.dumps(c.arguments))
                                     for c in m.tool_calls) for m in req.messages)
    return total + sum(len(t.name) + len(t.description) + len(json.dumps(t.parameters))
                       for t in req.tools)


def usage_of(response: Response, req: ChatRequest) -> Usage:
    """The provider's usage, or an estimate when it reported none."""
    if response.usage.available:
        return response.usage
    out = len(response.text) + sum(len(c.raw_arguments or json.dumps(c.arguments))
                                   for c in response.tool_calls)
    return Usage(input_tokens=max(1, request_chars(req) // 4), output_tokens=max(1, out // 4),
                 available=False)


def arguments_json(call: Any) -> str:
    """A tool call's arguments as the JSON text sent on the wire."""
    if call.raw_arguments is not None and not call.parse_error:
        return str(call.raw_arguments)
    return json.dumps(call.arguments, ensure_ascii=False)


def text_of(content: Any, *, where: str) -> str:
    """Text of a message content: a string, or a list of parts with `text` (other parts,
    e.g. images, become a placeholder)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, dict):
                if isinstance(part.get("text"), str):
                    out.append(part["text"])
                elif part.get("type") in ("image", "image_url", "input_image", "input_file",
                                          "document", "file"):
                    out.append(f"[{part.get('type')} omitted by the SkillIR gateway]")
            else:
                raise BadRequest(f"{where}: content part must be an object or a string")
        return "\n".join(out)  # separate blocks (system reminders, prompt) stay apart
    raise BadRequest(f"{where}: content must be a string or a list of parts, "
                     f"not {type(content).__name__}")


def want(body: dict[str, Any], key: str, kind: type | tuple[type, ...], *, where: str,
         required: bool = False) -> Any:
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequest(f"{where}: '{key}' is required")
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise BadRequest(f"{where}: '{key}' must be {names}, not {type(value).__name__}")
    return value


def sampling(body: dict[str, Any], max_key: str, *, where: str) -> tuple[int | None,
                                                                       float | None]:
    max_tokens = want(body, max_key, int, where=where)
    if max_tokens is None and max_key != "max_tokens":
        max_tokens = want(body, "max_tokens", int, where=where)
    temperature = want(body, "temperature", (int, float), where=where)
    return max_tokens, None if temperature is None else float(temperature)
