"""OpenAI-compatible Chat Completions (`POST {base_url}/chat/completions`): OpenAI itself,
vLLM, Ollama, llama.cpp's servers, LiteLLM, OpenRouter, ...

Native tool-call form: `tools=[{"type": "function", "function": {...}}]` in, assistant
`tool_calls=[{"id", "type": "function", "function": {"name", "arguments": "<json>"}}]` out,
results as `{"role": "tool", "tool_call_id", "content"}` messages.

Route options (config file `providers.<route>`): `max_tokens_field` (`max_completion_tokens`
for OpenAI reasoning models), `extra_body` (merged into every request), `send_temperature`
(false for models that reject it).
"""

from __future__ import annotations

import json
import uuid
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
    decode_arguments,
)
from skillir.runtime.providers.http import RetryPolicy, bind_route, exchange

_FINISH = {"stop": "end_turn", "tool_calls": "tool_use", "function_call": "tool_use",
           "length": "max_tokens", "eos": "end_turn"}


def to_openai_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "assistant":
            # content "" rather than null: llama-cpp-python's schema rejects null
            msg: dict[str, Any] = {"role": "assistant", "content": m.content or ""}
            if m.tool_calls:
                msg["tool_calls"] = [
                    {"id": c.id, "type": "function",
                     "function": {"name": c.name,
                                  "arguments": c.raw_arguments if c.raw_arguments is not None
                                  else json.dumps(c.arguments)}}
                    for c in m.tool_calls]
            out.append(msg)
        elif m.role == "tool":
            out.append({"role": "tool", "tool_call_id": m.tool_call_id or "",
                        "content": m.content})
        else:
            out.append({"role": m.role, "content": m.content})
    return out


def to_openai_tools(tools: Sequence[ToolSpec]) -> list[dict[str, Any]]:
    return [{"type": "function",
             "function": {"name": t.name, "description": t.description,
                          "parameters": t.parameters}} for t in tools]


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content)


def parse_openai_response(body: dict[str, Any]) -> tuple[str, tuple[ToolCall, ...],
                                                         Usage, StopReason, str]:
    """(text, tool calls, usage, stop reason, model) from a chat.completion body."""
    choices = body.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        raise ProviderError(f"response has no choices: {json.dumps(body)[:300]}")
    choice = choices[0]
    message = choice.get("message") or {}
    text = _text_of(message.get("content"))
    calls: list[ToolCall] = []
    raw_calls = message.get("tool_calls") or []
    if not raw_calls and isinstance(message.get("function_call"), dict):
        raw_calls = [{"id": None, "function": message["function_call"]}]
    for i, raw in enumerate(raw_calls):
        if not isinstance(raw, dict):
            continue
        fn = raw.get("function") or {}
        raw_args = fn.get("arguments")
        args, err = decode_arguments(raw_args)
        calls.append(ToolCall(id=str(raw.get("id") or f"call_{i}_{uuid.uuid4().hex[:8]}"),
                              name=str(fn.get("name") or ""), arguments=args,
                              raw_arguments=raw_args if isinstance(raw_args, str)
                              else json.dumps(raw_args),
                              parse_error=err))
    usage_raw = body.get("usage")
    if isinstance(usage_raw, dict):
        details = usage_raw.get("prompt_tokens_details") or {}
        usage = Usage(input_tokens=int(usage_raw.get("prompt_tokens") or 0),
                      output_tokens=int(usage_raw.get("completion_tokens") or 0),
                      cache_read_tokens=int(details.get("cached_tokens") or 0)
                      if isinstance(details, dict) else 0)
    else:
        usage = Usage(available=False)
    finish = choice.get("finish_reason")
    stop: StopReason = _FINISH.get(str(finish), "other") if finish else "end_turn"  # type: ignore[assignment]
    if calls and stop == "end_turn":
        stop = "tool_use"
    return text, tuple(calls), usage, stop, str(body.get("model") or "")


class OpenAICompatProvider(Provider):
    """`openai/<model>` (or any route of kind `openai`)."""

    def __init__(self, route: RouteConfig, model: str, *, retry: RetryPolicy | None = None):
        bind_route(self, route, model, kind="openai", retry=retry,
                   key_hint=("set OPENAI_API_KEY, or providers."
                               f"{route.route}.api_key in ~/.skillir/config.json, or point "
                               "OPENAI_BASE_URL at a local server"))

    def headers(self) -> dict[str, str]:
        h = dict(self.route.headers)
        if self.route.api_key:
            h["Authorization"] = f"Bearer {self.route.api_key}"
        return h

    def build_request(self, messages: Sequence[Message], tools: Sequence[ToolSpec], *,
                      max_tokens: int | None, temperature: float | None,
                      seed: int | None) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model, "messages": to_openai_messages(messages)}
        if tools:
            body["tools"] = to_openai_tools(tools)
            body["tool_choice"] = "auto"
        opts = self.route.options
        if max_tokens is not None:
            body[str(opts.get("max_tokens_field", "max_tokens"))] = max_tokens
        if temperature is not None and opts.get("send_temperature", True):
            body["temperature"] = temperature
        if seed is not None:
            body["seed"] = seed
        extra = opts.get("extra_body")
        if isinstance(extra, dict):
            body.update(extra)
        return body

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        body = self.build_request(messages, tools, max_tokens=max_tokens,
                                  temperature=temperature, seed=seed)
        return exchange(f"{self.base_url}/chat/completions", body, self.headers(), timeout=self.route.timeout,
                        retry=self.retry, deadline=deadline, parse=parse_openai_response,
                        default_model=self.model)

    def direct_access(self) -> Any:
        """Chat Completions at `.../v1`; the Responses API too where the route says so
        (`options.responses`, default: only OpenAI's own URL)."""
        from skillir.runtime.config import DEFAULT_BASE_URLS
        from skillir.runtime.providers.http import direct_access

        responses = self.route.options.get("responses", self.base_url == DEFAULT_BASE_URLS["openai"])
        wires = ("openai-chat", "openai-responses") if responses else ("openai-chat",)
        root = self.base_url[:-3] if self.base_url.endswith("/v1") else None
        return direct_access(self, wires, root)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "base_url": self.base_url, "api": "openai-chat",
                "key_source": self.route.key_source or "none"}
