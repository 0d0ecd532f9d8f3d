"""Anthropic Messages API (`POST {base_url}/v1/messages`).

Native tool-call form: `tools=[{"name", "description", "input_schema"}]` in, assistant content
blocks `{"type": "tool_use", "id", "name", "input"}` out, results as `tool_result` blocks in
the next user message. System messages are lifted into the top-level `system` field;
consecutive tool results (and a following user text) are merged into one user turn, as the API
requires strictly alternating roles.

Token accounting: `input_tokens` in our `Usage` is the whole prompt (Anthropic's
`input_tokens + cache_read_input_tokens + cache_creation_input_tokens`), so numbers are
comparable with OpenAI's `prompt_tokens`; the cache parts are also reported separately.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from skillir.runtime.config import RouteConfig
from skillir.runtime.providers.base import (
    Message,
    Provider,
    ProviderError,
    Response,
    StopReason,
    ToolCall,
    ToolSpec,
    Usage,
)
from skillir.runtime.providers.http import RetryPolicy, bind_route, exchange

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 4096
_STOP = {"end_turn": "end_turn", "stop_sequence": "end_turn", "tool_use": "tool_use",
         "max_tokens": "max_tokens", "pause_turn": "other", "refusal": "other"}


def to_anthropic(messages: Sequence[Message]) -> tuple[str, list[dict[str, Any]]]:
    """(system text, messages) in Messages-API form."""
    system_parts: list[str] = []
    out: list[dict[str, Any]] = []

    def push(role: str, blocks: list[dict[str, Any]]) -> None:
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})

    for m in messages:
        if m.role == "system":
            system_parts.append(m.content)
        elif m.role == "user":
            push("user", [{"type": "text", "text": m.content or "(empty)"}])
        elif m.role == "tool":
            block: dict[str, Any] = {"type": "tool_result", "tool_use_id": m.tool_call_id or "",
                                     "content": m.content}
            if m.is_error:
                block["is_error"] = True
            push("user", [block])
        else:
            blocks: list[dict[str, Any]] = []
            if m.content:
                blocks.append({"type": "text", "text": m.content})
            for c in m.tool_calls:
                blocks.append({"type": "tool_use", "id": c.id, "name": c.name,
                               "input": c.arguments})
            push("assistant", blocks or [{"type": "text", "text": "(no output)"}])
    return "\n\n".join(p for p in system_parts if p), out


def to_anthropic_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    return [{"name": t.name, "description": t.description, "input_schema": t.parameters}
            for t in tools]


def parse_anthropic_response(body: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...],
                                                            Usage, StopReason, str]:
    if body.get("type") == "error":
        err = body.get("error") or {}
        raise ProviderError(f"Messages API error: {err.get('message') or json.dumps(err)}")
    content = body.get("content")
    if not isinstance(content, list):
        raise ProviderError(f"response has no content list: {json.dumps(body)[:300]}")
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in content:
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        elif block.get("type") == "tool_use":
            raw_input = block.get("input")
            err = None
            if not isinstance(raw_input, dict):
                err = f"tool input must be an object, got {type(raw_input).__name__}"
                raw_input = {}
            calls.append(ToolCall(id=str(block.get("id") or f"toolu_{len(calls)}"),
                                  name=str(block.get("name") or ""), arguments=raw_input,
                                  raw_arguments=None, parse_error=err))
    usage_raw = body.get("usage")
    if isinstance(usage_raw, dict):
        cache_read = int(usage_raw.get("cache_read_input_tokens") or 0)
        cache_write = int(usage_raw.get("cache_creation_input_tokens") or 0)
        usage = Usage(input_tokens=int(usage_raw.get("input_tokens") or 0) + cache_read
                      + cache_write,
                      output_tokens=int(usage_raw.get("output_tokens") or 0),
                      cache_read_tokens=cache_read, cache_write_tokens=cache_write)
    else:
        usage = Usage(available=False)
    stop: StopReason = _STOP.get(str(body.get("stop_reason")), "other")  # type: ignore[assignment]
    if calls and stop == "end_turn":
        stop = "tool_use"
    return "".join(texts), tuple(calls), usage, stop, str(body.get("model") or "")


class AnthropicProvider(Provider):
    """`anthropic/<model>` (or any route of kind `anthropic`)."""

    def __init__(self, route: RouteConfig, model: str, *, retry: RetryPolicy | None = None):
        bind_route(self, route, model, kind="anthropic", retry=retry, strip_suffix="/v1",
                   key_hint=("set ANTHROPIC_API_KEY, or providers."
                               f"{route.route}.api_key in ~/.skillir/config.json"))

    def headers(self) -> dict[str, str]:
        h = {"anthropic-version": API_VERSION, **self.route.headers}
        if self.route.api_key:
            h["x-api-key"] = self.route.api_key
        return h

    def build_request(self, messages: Sequence[Message], tools: Sequence[ToolSpec], *,
                      max_tokens: int | None, temperature: float | None) -> dict[str, Any]:
        system, msgs = to_anthropic(messages)
        body: dict[str, Any] = {"model": self.model, "messages": msgs,
                                "max_tokens": max_tokens or DEFAULT_MAX_TOKENS}
        if system:
            body["system"] = system
        if tools:
            body["tools"] = to_anthropic_tools(tools)
        if temperature is not None and self.route.options.get("send_temperature", True):
            body["temperature"] = temperature
        extra = self.route.options.get("extra_body")
        if isinstance(extra, dict):
            body.update(extra)
        return body

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        body = self.build_request(messages, tools, max_tokens=max_tokens,
                                  temperature=temperature)
        return exchange(f"{self.base_url}/v1/messages", body, self.headers(), timeout=self.route.timeout,
                        retry=self.retry, deadline=deadline, parse=parse_anthropic_response,
                        default_model=self.model)

    def direct_access(self) -> Any:
        from skillir.runtime.providers.http import direct_access

        return direct_access(self, ("anthropic",), self.base_url)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "base_url": self.base_url, "api": "anthropic-messages",
                "key_source": self.route.key_source or "none"}
