"""The model gateway's own cost per request (the scripted model answers instantly, so this
is translation + HTTP + logging), for each wire format, streamed and not, on a request the
size harnesses send (a ~40 KB system prompt, 12 tools, 6 turns of history), over one
keep-alive connection. Also the translation alone (parse + render, no HTTP).

Target: a few milliseconds per request, next to model turns of 1-60 s.
"""

from __future__ import annotations

import http.client
import json
from pathlib import Path

import pytest

from skillir.runtime.gateway import (
    Gateway,
    ScriptedModel,
    anthropic_messages,
    openai_chat,
    responses,
)

SYSTEM = ("You are an agent working in a repository. " * 1000)[:40_000]
TOOL_NAMES = ["bash", "read", "write", "edit", "list", "glob", "grep", "webfetch", "task",
              "skill", "todowrite", "batch"]
SCHEMA = {"type": "object", "properties": {"command": {"type": "string", "description":
                                                       "The command to run " * 10},
                                           "path": {"type": "string"}}}
STEPS = [{"tool": "shell", "arguments": {"command": "ls -la && cat README.md"},
          "text": "Looking around."}] * 20


def _history(n: int = 3) -> list[tuple[str, str, str]]:
    return [(f"call_{i}", "bash", "x" * 800) for i in range(n)]


def chat_body(stream: bool) -> dict:
    msgs: list[dict] = [{"role": "system", "content": SYSTEM},
                        {"role": "user", "content": "Do the task."}]
    for cid, name, out in _history():
        msgs.append({"role": "assistant", "content": "", "tool_calls": [
            {"id": cid, "type": "function",
             "function": {"name": name, "arguments": "{\"command\": \"ls\"}"}}]})
        msgs.append({"role": "tool", "tool_call_id": cid, "content": out})
    return {"model": "m", "stream": stream, "messages": msgs,
            "tools": [{"type": "function", "function": {"name": n, "description": n * 20,
                                                        "parameters": SCHEMA}}
                      for n in TOOL_NAMES]}


def responses_body(stream: bool) -> dict:
    items: list[dict] = [{"type": "message", "role": "user",
                          "content": [{"type": "input_text", "text": "Do the task."}]}]
    for cid, _, out in _history():
        items.append({"type": "function_call", "call_id": cid, "name": "exec_command",
                      "arguments": "{\"cmd\": \"ls\"}"})
        items.append({"type": "function_call_output", "call_id": cid, "output": out})
    return {"model": "m", "stream": stream, "instructions": SYSTEM, "input": items,
            "tools": [{"type": "function", "name": "exec_command" if n == "bash" else n,
                       "description": n * 20, "parameters": SCHEMA} for n in TOOL_NAMES]}


def anthropic_body(stream: bool) -> dict:
    msgs: list[dict] = [{"role": "user", "content": "Do the task."}]
    for cid, _, out in _history():
        msgs.append({"role": "assistant", "content": [
            {"type": "tool_use", "id": cid, "name": "Bash", "input": {"command": "ls"}}]})
        msgs.append({"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": cid, "content": out}]})
    return {"model": "m", "max_tokens": 32000, "stream": stream,
            "system": [{"type": "text", "text": SYSTEM}], "messages": msgs,
            "tools": [{"name": "Bash" if n == "bash" else n, "description": n * 20,
                       "input_schema": SCHEMA} for n in TOOL_NAMES]}


FORMATS = {
    "chat": ("/v1/chat/completions", chat_body, openai_chat),
    "responses": ("/v1/responses", responses_body, responses),
    "anthropic": ("/v1/messages?beta=true", anthropic_body, anthropic_messages),
}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory):
    log = Path(tmp_path_factory.mktemp("gw")) / "gateway.jsonl"
    with Gateway(ScriptedModel(STEPS), log_path=log) as gw:
        yield gw


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "stream"])
@pytest.mark.parametrize("wire", sorted(FORMATS))
def test_gateway_request_overhead(benchmark, gateway, wire, stream):
    path, make, _ = FORMATS[wire]
    data = json.dumps(make(stream)).encode()
    conn = http.client.HTTPConnection("127.0.0.1", gateway.port, timeout=30)
    benchmark.group = "gateway request (HTTP, keep-alive, ~45 KB body)"

    def once() -> bytes:
        conn.request("POST", path, body=data, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        out = resp.read()
        assert resp.status == 200, out[:300]
        return out

    out = benchmark(once)
    conn.close()
    assert (b"ls -la" in out) and len(gateway.requests) > 0
    gateway.requests.clear()  # keep memory flat across the rounds


@pytest.mark.parametrize("wire", sorted(FORMATS))
def test_gateway_translation_only(benchmark, wire):
    _, make, module = FORMATS[wire]
    body = make(True)
    model = ScriptedModel(STEPS)
    benchmark.group = "gateway translation (parse + stream render, no HTTP)"

    def once() -> int:
        req = module.parse(body)
        response = model.complete(req.messages, req.tools)
        return sum(len(chunk) for chunk in module.stream(response, req, "m"))

    assert benchmark(once) > 500
