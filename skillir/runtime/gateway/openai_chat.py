"""OpenAI Chat Completions (`POST /v1/chat/completions`), as OpenCode (ai-sdk
openai-compatible), OpenClaw (`api: openai-completions`) and Hermes (`chat_completions`)
speak it.

Request: `messages` (system / developer / user / assistant with `tool_calls` / tool), `tools`
(`{"type": "function", "function": {name, description, parameters}}`), `stream`,
`stream_options.include_usage`, `max_tokens` / `max_completion_tokens`, `temperature`.
Streamed answer: `chat.completion.chunk`s: the role, text deltas, then per tool call one
chunk with `{index, id, type, function: {name, arguments: ""}}` and argument deltas, a
final chunk with `finish_reason` (and `usage`), a usage-only chunk when asked, `[DONE]`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from skillir.runtime.gateway.wire import (
    ARGS_CHUNK,
    TEXT_CHUNK,
    BadRequest,
    ChatRequest,
    arguments_json,
    chunks,
    new_id,
    sampling,
    sse,
    text_of,
    usage_of,
    want,
)
from skillir.runtime.providers.base import Message, Response, ToolCall, ToolSpec, decode_arguments

WIRE = "openai-chat"
_FINISH = {"end_turn": "stop", "tool_use": "tool_calls", "max_tokens": "length",
           "error": "stop", "other": "stop"}


def parse(body: dict[str, Any]) -> ChatRequest:
    raw_messages = want(body, "messages", list, where="chat.completions", required=True)
    messages: list[Message] = []
    for i, m in enumerate(raw_messages):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            raise BadRequest(f"{where} must be an object")
        role = m.get("role")
        content = text_of(m.get("content"), where=where)
        if role in ("system", "developer"):
            messages.append(Message("system", content))
        elif role == "user":
            messages.append(Message("user", content))
        elif role == "assistant":
            calls = []
            for j, c in enumerate(m.get("tool_calls") or []):
                fn = c.get("function") if isinstance(c, dict) else None
                if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
                    raise BadRequest(f"{where}.tool_calls[{j}] needs function.name")
                raw = fn.get("arguments")
                args, err = decode_arguments(raw)
                calls.append(ToolCall(id=str(c.get("id") or f"call_{i}_{j}"), name=fn["name"],
                                      arguments=args,
                                      raw_arguments=raw if isinstance(raw, str) else None,
                                      parse_error=err))
            messages.append(Message("assistant", content, tool_calls=tuple(calls)))
        elif role in ("tool", "function"):
            messages.append(Message("tool", content, tool_call_id=str(m.get("tool_call_id")
                                                                      or ""),
                                    name=m.get("name") if isinstance(m.get("name"), str)
                                    else None))
        else:
            raise BadRequest(f"{where}: unknown role {role!r}")
    tools = []
    for i, t in enumerate(want(body, "tools", list, where="chat.completions") or []):
        fn = t.get("function") if isinstance(t, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise BadRequest(f"tools[{i}] must be {{type: function, function: {{name, ...}}}}")
        params = fn.get("parameters")
        tools.append(ToolSpec(fn["name"], str(fn.get("description") or ""),
                              params if isinstance(params, dict) else {"type": "object"}))
    max_tokens, temperature = sampling(body, "max_completion_tokens", where="chat.completions")
    options = body.get("stream_options")
    return ChatRequest(WIRE, str(body.get("model") or ""), messages, tools,
                       stream=bool(body.get("stream")), max_tokens=max_tokens,
                       temperature=temperature,
                       include_usage=isinstance(options, dict)
                       and bool(options.get("include_usage")))


def _usage(response: Response, req: ChatRequest) -> dict[str, Any]:
    u = usage_of(response, req)
    return {"prompt_tokens": u.input_tokens, "completion_tokens": u.output_tokens,
            "total_tokens": u.input_tokens + u.output_tokens,
            "prompt_tokens_details": {"cached_tokens": u.cache_read_tokens}}


def render(response: Response, req: ChatRequest, model: str) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": response.text or None}
    if response.tool_calls:
        message["tool_calls"] = [{"id": c.id, "type": "function",
                                  "function": {"name": c.name, "arguments": arguments_json(c)}}
                                 for c in response.tool_calls]
    finish = "tool_calls" if response.tool_calls else _FINISH[response.stop_reason]
    return {"id": new_id("chatcmpl-"), "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": message,
                                         "finish_reason": finish, "logprobs": None}],
            "usage": _usage(response, req)}


def stream(response: Response, req: ChatRequest, model: str) -> Iterator[bytes]:
    base = {"id": new_id("chatcmpl-"), "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> bytes:
        return sse({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": finish,
                                         "logprobs": None}], **extra})

    yield chunk({"role": "assistant", "content": ""})
    for piece in chunks(response.text, TEXT_CHUNK):
        yield chunk({"content": piece})
    for index, call in enumerate(response.tool_calls):
        yield chunk({"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                     "function": {"name": call.name, "arguments": ""}}]})
        for piece in chunks(arguments_json(call), ARGS_CHUNK):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    finish = "tool_calls" if response.tool_calls else _FINISH[response.stop_reason]
    usage = _usage(response, req)
    yield chunk({}, finish, usage=usage)
    if req.include_usage:
        yield sse({**base, "choices": [], "usage": usage})
    yield sse("[DONE]")


def error(status: int, message: str) -> dict[str, Any]:
    kind = ("invalid_request_error" if status < 500 else
            "timeout" if status == 504 else "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": status}}
