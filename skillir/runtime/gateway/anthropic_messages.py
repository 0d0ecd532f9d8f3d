"""Anthropic Messages (`POST /v1/messages`, also `?beta=true`), as Claude Code speaks it.

Request: `system` (a string or text blocks), `messages` (user / assistant, and system, which Claude Code 2.1 sends
inside the list; content a string or blocks: `text`, `tool_use` {id, name, input}, `tool_result` {tool_use_id, content,
is_error}; `thinking`/`redacted_thinking` skipped, images replaced by a placeholder),
`tools` (`{name, description, input_schema}`; server tools without an input schema are not
offered to the provider), `max_tokens`, `temperature`, `stream`.

Streamed answer (SSE):

    message_start {message: {id, role, model, content: [], usage}}
    content_block_start {index, content_block: text ""}    content_block_delta text_delta*
    content_block_stop
    content_block_start {index, content_block: tool_use {id, name, input: {}}}
    content_block_delta input_json_delta*                    content_block_stop
    message_delta {delta: {stop_reason}, usage: {output_tokens}}    message_stop

`POST /v1/messages/count_tokens` answers `{"input_tokens": N}` with an estimate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from skillir.runtime.gateway.wire import (
    ARGS_CHUNK,
    TEXT_CHUNK,
    BadRequest,
    ChatRequest,
    arguments_json,
    chunks,
    estimate_tokens,
    new_id,
    request_chars,
    sampling,
    sse,
    text_of,
    usage_of,
    want,
)
from skillir.runtime.providers.base import Message, Response, ToolCall, ToolSpec

WIRE = "anthropic"
_STOP = {"end_turn": "end_turn", "tool_use": "tool_use", "max_tokens": "max_tokens",
         "error": "end_turn", "other": "end_turn"}
_SKIPPED_BLOCKS = ("thinking", "redacted_thinking", "server_tool_use",
                   "web_search_tool_result")


def _blocks(content: Any, where: str) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if not isinstance(content, list):
        raise BadRequest(f"{where}: content must be a string or a list of blocks")
    out = []
    for j, block in enumerate(content):
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            raise BadRequest(f"{where}.content[{j}] must be a block with a type")
        out.append(block)
    return out


def parse(body: dict[str, Any]) -> ChatRequest:
    messages: list[Message] = []
    system = body.get("system")
    if system:
        messages.append(Message("system", text_of(system, where="system")))
    raw_messages = want(body, "messages", list, where="messages", required=True)
    for i, m in enumerate(raw_messages):
        where = f"messages[{i}]"
        if not isinstance(m, dict):
            raise BadRequest(f"{where} must be an object")
        role = m.get("role")
        blocks = _blocks(m.get("content"), where)
        if role == "assistant":
            text, calls = [], []
            for j, b in enumerate(blocks):
                if b["type"] == "text":
                    text.append(str(b.get("text") or ""))
                elif b["type"] == "tool_use":
                    args = b.get("input")
                    if not isinstance(b.get("name"), str) or not isinstance(args, dict):
                        raise BadRequest(f"{where}.content[{j}]: tool_use needs name and "
                                         "an input object")
                    calls.append(ToolCall(str(b.get("id") or f"toolu_{i}_{j}"), b["name"],
                                          args))
            messages.append(Message("assistant", "".join(text), tool_calls=tuple(calls)))
        elif role == "user":
            text = []
            for j, b in enumerate(blocks):
                if b["type"] == "tool_result":
                    messages.append(Message(
                        "tool", text_of(b.get("content"), where=f"{where}.content[{j}]"),
                        tool_call_id=str(b.get("tool_use_id") or ""),
                        is_error=bool(b.get("is_error"))))
                elif b["type"] in _SKIPPED_BLOCKS:
                    continue
                else:
                    text.append(text_of([b], where=f"{where}.content[{j}]"))
            if text:
                messages.append(Message("user", "\n".join(text)))
        elif role == "system":  # Claude Code 2.1 sends its environment block this way
            messages.append(Message("system", "\n".join(
                text_of([b], where=f"{where}.content[{j}]") for j, b in enumerate(blocks)
                if b["type"] not in _SKIPPED_BLOCKS)))
        else:
            raise BadRequest(f"{where}: role must be user, assistant or system, not {role!r}")
    tools = []
    skipped: list[str] = []
    for i, t in enumerate(want(body, "tools", list, where="messages") or []):
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            raise BadRequest(f"tools[{i}] must be {{name, description, input_schema}}")
        schema = t.get("input_schema")
        if isinstance(schema, dict):
            tools.append(ToolSpec(t["name"], str(t.get("description") or ""), schema))
        else:
            skipped.append(f"tools[{i}]: {t.get('type') or t['name']}")
    max_tokens, temperature = sampling(body, "max_tokens", where="messages")
    return ChatRequest(WIRE, str(body.get("model") or ""), messages, tools,
                       stream=bool(body.get("stream")), max_tokens=max_tokens,
                       temperature=temperature, skipped=skipped)


def count_tokens(body: dict[str, Any]) -> dict[str, Any]:
    """`{"input_tokens": N}`: an estimate (characters / 4) of the request's prompt."""
    req = parse({**body, "max_tokens": 1})
    return {"input_tokens": estimate_tokens("x" * request_chars(req))}


def _usage(response: Response, req: ChatRequest) -> dict[str, Any]:
    u = usage_of(response, req)
    return {"input_tokens": u.input_tokens, "output_tokens": u.output_tokens,
            "cache_creation_input_tokens": u.cache_write_tokens,
            "cache_read_input_tokens": u.cache_read_tokens}


def _tool_id(call: ToolCall) -> str:
    return call.id if call.id.startswith("toolu_") else f"toolu_{call.id}"


def _content(response: Response) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if response.text:
        out.append({"type": "text", "text": response.text})
    out += [{"type": "tool_use", "id": _tool_id(c), "name": c.name, "input": c.arguments}
            for c in response.tool_calls]
    return out


def render(response: Response, req: ChatRequest, model: str) -> dict[str, Any]:
    stop = "tool_use" if response.tool_calls else _STOP[response.stop_reason]
    return {"id": new_id("msg_"), "type": "message", "role": "assistant", "model": model,
            "content": _content(response), "stop_reason": stop, "stop_sequence": None,
            "usage": _usage(response, req)}


def stream(response: Response, req: ChatRequest, model: str) -> Iterator[bytes]:
    usage = _usage(response, req)
    start = {"id": new_id("msg_"), "type": "message", "role": "assistant", "model": model,
             "content": [], "stop_reason": None, "stop_sequence": None,
             "usage": {**usage, "output_tokens": 1}}
    yield sse({"type": "message_start", "message": start}, event="message_start")
    yield sse({"type": "ping"}, event="ping")
    index = 0
    if response.text:
        yield sse({"type": "content_block_start", "index": index,
                   "content_block": {"type": "text", "text": ""}}, event="content_block_start")
        for piece in chunks(response.text, TEXT_CHUNK):
            yield sse({"type": "content_block_delta", "index": index,
                       "delta": {"type": "text_delta", "text": piece}},
                      event="content_block_delta")
        yield sse({"type": "content_block_stop", "index": index}, event="content_block_stop")
        index += 1
    for call in response.tool_calls:
        yield sse({"type": "content_block_start", "index": index,
                   "content_block": {"type": "tool_use", "id": _tool_id(call),
                                     "name": call.name, "input": {}}},
                  event="content_block_start")
        for piece in chunks(arguments_json(call), ARGS_CHUNK):
            yield sse({"type": "content_block_delta", "index": index,
                       "delta": {"type": "input_json_delta", "partial_json": piece}},
                      event="content_block_delta")
        yield sse({"type": "content_block_stop", "index": index}, event="content_block_stop")
        index += 1
    stop = "tool_use" if response.tool_calls else _STOP[response.stop_reason]
    yield sse({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
               "usage": {"output_tokens": usage["output_tokens"]}}, event="message_delta")
    yield sse({"type": "message_stop"}, event="message_stop")


def error(status: int, message: str) -> dict[str, Any]:
    kind = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
            413: "request_too_large", 429: "rate_limit_error", 529: "overloaded_error",
            504: "timeout_error"}.get(status, "invalid_request_error" if status < 500
                                      else "api_error")
    return {"type": "error", "error": {"type": kind, "message": message}}
