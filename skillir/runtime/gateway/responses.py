"""The OpenAI Responses API (`POST /v1/responses`), as Codex 0.171 speaks it
(`wire_api = "responses"`, streaming, `store: false`: the whole input every turn).

Request: `instructions` (system), `input` (a string, or items: `message` with role user /
developer / system / assistant and `input_text`/`output_text` parts, `function_call`
{call_id, name, arguments}, `function_call_output` {call_id, output}, `custom_tool_call`
{call_id, name, input}, `custom_tool_call_output`; `reasoning` items are skipped), `tools`
(`{"type": "function", name, description, parameters}`; `{"type": "custom", name, ...}`
free-form tools take one string, seen by the provider as `{"input": "..."}`; hosted tools
such as web_search are not offered to the provider), `max_output_tokens`, `stream`.

Streamed answer (SSE, each with `sequence_number`):

    response.created, response.in_progress
    response.output_item.added {item: message}   response.content_part.added
    response.output_text.delta*                   response.output_text.done
    response.content_part.done                    response.output_item.done
    response.output_item.added {item: function_call (arguments "")}
    response.function_call_arguments.delta*       response.function_call_arguments.done
    response.output_item.done {item: function_call}
    response.completed {response: {output, usage}}
"""

from __future__ import annotations

import json
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

WIRE = "openai-responses"
CUSTOM_PARAMETERS = {"type": "object", "properties": {"input": {"type": "string"}},
                     "required": ["input"]}


def _output_text(value: Any, where: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "content" in value:
        return text_of(value["content"], where=where)
    return text_of(value, where=where)


def parse(body: dict[str, Any]) -> ChatRequest:
    messages: list[Message] = []
    skipped: list[str] = []
    if body.get("previous_response_id"):
        raise BadRequest("responses: previous_response_id is not supported (the gateway "
                         "stores nothing): send the whole conversation as input, store=false")
    instructions = want(body, "instructions", str, where="responses")
    if instructions:
        messages.append(Message("system", instructions))
    raw_input = body.get("input")
    if isinstance(raw_input, str):
        raw_input = [{"type": "message", "role": "user", "content": raw_input}]
    if not isinstance(raw_input, list):
        raise BadRequest("responses: 'input' must be a string or a list of items")
    pending: list[ToolCall] = []
    pending_text = ""

    def flush() -> None:
        nonlocal pending, pending_text
        if pending or pending_text:
            messages.append(Message("assistant", pending_text, tool_calls=tuple(pending)))
        pending, pending_text = [], ""

    for i, item in enumerate(raw_input):
        where = f"input[{i}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{where} must be an object")
        kind = item.get("type") or ("message" if "role" in item else None)
        if kind == "message":
            role = item.get("role")
            content = text_of(item.get("content"), where=where)
            if role == "assistant":
                flush()
                pending_text = content
                continue
            flush()
            if role in ("system", "developer"):
                messages.append(Message("system", content))
            elif role == "user":
                messages.append(Message("user", content))
            else:
                raise BadRequest(f"{where}: unknown role {role!r}")
        elif kind in ("function_call", "custom_tool_call"):
            name = item.get("name")
            if not isinstance(name, str):
                raise BadRequest(f"{where}: {kind} needs a name")
            call_id = str(item.get("call_id") or item.get("id") or f"call_{i}")
            if kind == "function_call":
                raw = item.get("arguments")
                args, err = decode_arguments(raw)
                pending.append(ToolCall(call_id, name, args,
                                        raw_arguments=raw if isinstance(raw, str) else None,
                                        parse_error=err))
            else:
                text = str(item.get("input") or "")
                pending.append(ToolCall(call_id, name, {"input": text},
                                        raw_arguments=json.dumps({"input": text})))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            flush()
            messages.append(Message("tool", _output_text(item.get("output"), where),
                                    tool_call_id=str(item.get("call_id") or "")))
        elif kind in ("reasoning", "compaction"):
            continue
        elif isinstance(kind, str):  # hosted-tool calls and other items: not for the model
            skipped.append(f"{where}: {kind}")
        else:
            raise BadRequest(f"{where}: an input item needs a 'type'")
    flush()
    tools: list[ToolSpec] = []
    kinds: dict[str, str] = {}
    for i, t in enumerate(want(body, "tools", list, where="responses") or []):
        if not isinstance(t, dict):
            raise BadRequest(f"tools[{i}] must be an object")
        kind = t.get("type")
        if kind in ("function", "custom"):
            if not isinstance(t.get("name"), str):
                raise BadRequest(f"tools[{i}]: a {kind} tool needs a name")
            params = t.get("parameters") if kind == "function" else CUSTOM_PARAMETERS
            tools.append(ToolSpec(t["name"], str(t.get("description") or ""),
                                  params if isinstance(params, dict) else {"type": "object"}))
            kinds[t["name"]] = str(kind)
        else:
            skipped.append(f"tools[{i}]: {kind}")
    max_tokens, temperature = sampling(body, "max_output_tokens", where="responses")
    return ChatRequest(WIRE, str(body.get("model") or ""), messages, tools,
                       stream=bool(body.get("stream")), max_tokens=max_tokens,
                       temperature=temperature, tool_kinds=kinds, skipped=skipped)


def _items(response: Response, req: ChatRequest) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if response.text:
        items.append({"type": "message", "id": new_id("msg_"), "status": "completed",
                      "role": "assistant",
                      "content": [{"type": "output_text", "text": response.text,
                                   "annotations": []}]})
    for call in response.tool_calls:
        if req.tool_kinds.get(call.name) == "custom":
            items.append({"type": "custom_tool_call", "id": new_id("ctc_"),
                          "status": "completed", "call_id": call.id, "name": call.name,
                          "input": str(call.arguments.get("input", ""))})
        else:
            items.append({"type": "function_call", "id": new_id("fc_"), "status": "completed",
                          "call_id": call.id, "name": call.name,
                          "arguments": arguments_json(call)})
    return items


def _usage(response: Response, req: ChatRequest) -> dict[str, Any]:
    u = usage_of(response, req)
    return {"input_tokens": u.input_tokens, "output_tokens": u.output_tokens,
            "total_tokens": u.input_tokens + u.output_tokens,
            "input_tokens_details": {"cached_tokens": u.cache_read_tokens},
            "output_tokens_details": {"reasoning_tokens": 0}}


def _envelope(rid: str, model: str, status: str, output: list[dict[str, Any]],
              usage: dict[str, Any] | None) -> dict[str, Any]:
    return {"id": rid, "object": "response", "created_at": int(time.time()), "status": status,
            "model": model, "output": output, "usage": usage, "error": None,
            "incomplete_details": None, "parallel_tool_calls": True}


def render(response: Response, req: ChatRequest, model: str) -> dict[str, Any]:
    out = _envelope(new_id("resp_"), model, "completed", _items(response, req),
                    _usage(response, req))
    out["output_text"] = response.text
    return out


def stream(response: Response, req: ChatRequest, model: str) -> Iterator[bytes]:
    rid = new_id("resp_")
    seq = 0

    def event(kind: str, **fields: Any) -> bytes:
        nonlocal seq
        seq += 1
        return sse({"type": kind, "sequence_number": seq - 1, **fields}, event=kind)

    yield event("response.created", response=_envelope(rid, model, "in_progress", [], None))
    yield event("response.in_progress", response=_envelope(rid, model, "in_progress", [], None))
    items = _items(response, req)
    for index, item in enumerate(items):
        if item["type"] == "message":
            text = item["content"][0]["text"]
            yield event("response.output_item.added", output_index=index,
                        item={**item, "status": "in_progress", "content": []})
            part = {"type": "output_text", "text": "", "annotations": []}
            yield event("response.content_part.added", item_id=item["id"], output_index=index,
                        content_index=0, part=part)
            for piece in chunks(text, TEXT_CHUNK):
                yield event("response.output_text.delta", item_id=item["id"],
                            output_index=index, content_index=0, delta=piece)
            yield event("response.output_text.done", item_id=item["id"], output_index=index,
                        content_index=0, text=text)
            yield event("response.content_part.done", item_id=item["id"], output_index=index,
                        content_index=0, part={**part, "text": text})
        elif item["type"] == "function_call":
            yield event("response.output_item.added", output_index=index,
                        item={**item, "status": "in_progress", "arguments": ""})
            for piece in chunks(item["arguments"], ARGS_CHUNK):
                yield event("response.function_call_arguments.delta", item_id=item["id"],
                            output_index=index, delta=piece)
            yield event("response.function_call_arguments.done", item_id=item["id"],
                        output_index=index, arguments=item["arguments"])
        else:  # custom_tool_call
            yield event("response.output_item.added", output_index=index,
                        item={**item, "status": "in_progress", "input": ""})
            for piece in chunks(item["input"], ARGS_CHUNK):
                yield event("response.custom_tool_call_input.delta", item_id=item["id"],
                            output_index=index, delta=piece)
            yield event("response.custom_tool_call_input.done", item_id=item["id"],
                        output_index=index, input=item["input"])
        yield event("response.output_item.done", output_index=index, item=item)
    yield event("response.completed",
                response=_envelope(rid, model, "completed", items, _usage(response, req)))


def error(status: int, message: str) -> dict[str, Any]:
    kind = ("invalid_request_error" if status < 500 else
            "timeout" if status == 504 else "server_error")
    return {"error": {"message": message, "type": kind, "param": None, "code": str(status)}}
