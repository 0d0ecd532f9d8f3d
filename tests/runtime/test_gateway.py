"""The model gateway on a real local server: the three wire formats, stream and not, tool
calls round trip, probes, errors, the request log. Clients: the project's own OpenAI and
Anthropic providers (non-stream) and raw HTTP with an SSE reader (stream); the official
SDKs are not installed in this venv."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from skillir.runtime.config import RouteConfig
from skillir.runtime.gateway import Gateway, ScriptedModel, responses
from skillir.runtime.gateway.wire import ARGS_CHUNK
from skillir.runtime.providers.anthropic import AnthropicProvider
from skillir.runtime.providers.base import (
    Message,
    ProviderError,
    ProviderTimeout,
    Response,
    ToolSpec,
    Usage,
)
from skillir.runtime.providers.openai_compat import OpenAICompatProvider
from skillir.runtime.testing import ScriptedProvider, turn

LONG = "for i in $(seq 1 20); do echo line-$i; done > lines.txt && wc -l lines.txt"
SCRIPT = [{"tool": "shell", "arguments": {"command": LONG}, "text": "Running it."},
          {"text": "There are 20 lines in lines.txt."}]
BASH = {"name": "bash", "description": "Run a command",
        "parameters": {"type": "object", "properties": {"command": {"type": "string"}},
                       "required": ["command"]}}


# -- a small HTTP client --------------------------------------------------------------------
def request(gw: Gateway, method: str, path: str, body: Any = None, *,
            raw: bytes | None = None, headers: dict[str, str] | None = None
            ) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=30)
    try:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None
                                            else None)
        conn.request(method, path, body=data,
                     headers={"Content-Type": "application/json", **(headers or {})})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def post(gw: Gateway, path: str, body: Any) -> tuple[int, Any]:
    status, _, data = request(gw, "POST", path, body)
    return status, json.loads(data)


def events(data: bytes) -> list[tuple[str | None, Any]]:
    """(event name, decoded data) of each server-sent event."""
    out = []
    for block in data.decode().split("\n\n"):
        if not block.strip():
            continue
        name, payload = None, []
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                payload.append(line[6:])
        text = "\n".join(payload)
        out.append((name, text if text == "[DONE]" else json.loads(text)))
    return out


@pytest.fixture
def gw(tmp_path: Path):
    with Gateway(ScriptedModel(SCRIPT, name="t"), log_path=tmp_path / "gw.jsonl") as gateway:
        yield gateway


# -- OpenAI chat.completions ----------------------------------------------------------------
def test_chat_completions_tool_call_round_trip_with_our_openai_provider(gw):
    route = RouteConfig(route="gw", kind="openai", base_url=gw.base_url + "/v1", api_key="k",
                        max_retries=0)
    client = OpenAICompatProvider(route, "scripted-model")
    tools = [ToolSpec(BASH["name"], BASH["description"], BASH["parameters"])]
    history = [Message("system", "be brief"), Message("user", "count the lines")]
    first = client.complete(history, tools)
    assert first.text == "Running it."
    assert [(c.name, c.arguments) for c in first.tool_calls] == [("bash", {"command": LONG})]
    assert first.stop_reason == "tool_use" and first.usage.output_tokens > 0
    history += [Message("assistant", first.text, tool_calls=first.tool_calls),
                Message("tool", "20 lines.txt", tool_call_id=first.tool_calls[0].id)]
    second = client.complete(history, tools)
    assert second.text == "There are 20 lines in lines.txt." and second.tool_calls == ()
    assert second.stop_reason == "end_turn"
    assert [r.wire for r in gw.requests] == ["openai-chat", "openai-chat"]
    # the gateway saw the tool result as a tool message answering the call
    sent = gw.requests[1].body["messages"]
    assert sent[-1] == {"role": "tool", "tool_call_id": first.tool_calls[0].id,
                        "content": "20 lines.txt"}


def test_chat_completions_stream_with_tool_call_deltas(gw):
    body = {"model": "m", "stream": True, "stream_options": {"include_usage": True},
            "messages": [{"role": "user", "content": "go"}],
            "tools": [{"type": "function", "function": BASH}]}
    status, headers, data = request(gw, "POST", "/v1/chat/completions", body)
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    assert headers["x-skillir-simulated"] == "true"
    evs = [d for _, d in events(data)]
    assert evs[-1] == "[DONE]"
    chunks = evs[:-1]
    assert all(c["object"] == "chat.completion.chunk" and c["model"] == "m" for c in chunks)
    assert chunks[0]["choices"][0]["delta"]["role"] == "assistant"
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "Running it."
    calls: dict[int, dict[str, str]] = {}
    arg_deltas = 0
    for c in chunks:
        for tc in (c["choices"][0]["delta"].get("tool_calls") or []) if c["choices"] else []:
            slot = calls.setdefault(tc["index"], {"id": "", "name": "", "arguments": ""})
            slot["id"] += tc.get("id", "")
            slot["name"] += tc.get("function", {}).get("name", "")
            piece = tc["function"].get("arguments", "")
            slot["arguments"] += piece
            arg_deltas += bool(piece)
    assert list(calls) == [0] and calls[0]["name"] == "bash" and calls[0]["id"]
    assert json.loads(calls[0]["arguments"]) == {"command": LONG}
    assert arg_deltas == -(-len(calls[0]["arguments"]) // ARGS_CHUNK) > 1
    finish = [c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert [f["choices"][0]["finish_reason"] for f in finish] == ["tool_calls"]
    usage_only = [c for c in chunks if not c["choices"]]
    assert len(usage_only) == 1 and usage_only[0]["usage"]["completion_tokens"] > 0


def test_chat_completions_text_stream_without_usage_chunk(gw):
    body = {"model": "m", "stream": True, "tools": [{"type": "function", "function": BASH}],
            "messages": [{"role": "user", "content": "go"},
                         {"role": "assistant", "content": None, "tool_calls": [
                             {"id": "c1", "type": "function",
                              "function": {"name": "bash", "arguments": "{\"command\":\"ls\"}"}}]},
                         {"role": "tool", "tool_call_id": "c1", "content": "x"}]}
    status, _, data = request(gw, "POST", "/chat/completions", body)  # base URL with /v1
    assert status == 200
    chunks = [d for _, d in events(data)][:-1]
    assert all(c["choices"] for c in chunks)  # no usage-only chunk unless asked
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    assert text == "There are 20 lines in lines.txt."
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop" and "usage" in chunks[-1]


# -- OpenAI Responses -----------------------------------------------------------------------
RESP_TOOLS = [{"type": "function", "name": "exec_command", "description": "run",
               "parameters": {"type": "object", "properties": {"cmd": {"type": "string"}}}},
              {"type": "custom", "name": "apply_patch", "description": "patch",
               "format": {"type": "grammar"}},
              {"type": "web_search"}]


def test_responses_stream_events_as_codex_reads_them(gw):
    body = {"model": "gpt-x", "instructions": "You are Codex.", "stream": True, "store": False,
            "input": [{"type": "message", "role": "developer",
                       "content": [{"type": "input_text", "text": "skills: hello"}]},
                      {"type": "message", "role": "user",
                       "content": [{"type": "input_text", "text": "count"}]}],
            "tools": RESP_TOOLS}
    status, _, data = request(gw, "POST", "/v1/responses", body)
    assert status == 200
    evs = events(data)
    names = [n for n, _ in evs]
    assert all(n == d["type"] for n, d in evs)
    assert [d["sequence_number"] for _, d in evs] == list(range(len(evs)))
    assert names[:2] == ["response.created", "response.in_progress"]
    assert names[-1] == "response.completed"
    assert names.count("response.output_item.added") == 2
    assert names.count("response.output_item.done") == 2
    text = "".join(d["delta"] for n, d in evs if n == "response.output_text.delta")
    assert text == "Running it."
    args = "".join(d["delta"] for n, d in evs if n == "response.function_call_arguments.delta")
    done_items = [d["item"] for n, d in evs if n == "response.output_item.done"]
    call = done_items[1]
    assert call["type"] == "function_call" and call["name"] == "exec_command"
    assert json.loads(args) == json.loads(call["arguments"]) == {"cmd": LONG}  # role mapped
    completed = evs[-1][1]["response"]
    assert completed["status"] == "completed" and completed["output"] == done_items
    assert completed["usage"]["output_tokens"] > 0
    req = gw.requests[0]
    assert req.wire == "openai-responses" and req.stream and req.status == 200
    # the provider saw instructions and the developer message as system text, the tools
    # minus the hosted web_search, the custom tool with one string input
    parsed = responses.parse(body)
    assert [(m.role, m.content) for m in parsed.messages] == [
        ("system", "You are Codex."), ("system", "skills: hello"), ("user", "count")]
    assert [t.name for t in parsed.tools] == ["exec_command", "apply_patch"]
    assert parsed.tool_kinds == {"exec_command": "function", "apply_patch": "custom"}
    assert parsed.tools[1].parameters["properties"] == {"input": {"type": "string"}}


def test_responses_function_call_output_round_trip_non_stream(gw):
    first = {"model": "gpt-x", "input": "count", "tools": RESP_TOOLS}
    status, out = post(gw, "/v1/responses", first)
    assert status == 200 and out["object"] == "response"
    call = [i for i in out["output"] if i["type"] == "function_call"][0]
    second = {"model": "gpt-x", "tools": RESP_TOOLS, "input": [
        {"type": "message", "role": "user", "content": "count"},
        {"type": "reasoning", "summary": []},
        {"type": "function_call", "call_id": call["call_id"], "name": call["name"],
         "arguments": call["arguments"]},
        {"type": "function_call_output", "call_id": call["call_id"], "output": "20 lines.txt"}]}
    status, out = post(gw, "/v1/responses", second)
    assert status == 200
    assert out["output_text"] == "There are 20 lines in lines.txt."
    assert [i["type"] for i in out["output"]] == ["message"]
    assert out["output"][0]["content"][0]["type"] == "output_text"


def test_responses_custom_tool_call_comes_back_as_free_form_input():
    model = ScriptedModel([{"tool": "apply_patch", "arguments": {"input": "*** Begin Patch"}}])
    with Gateway(model) as gw:
        status, _, data = request(gw, "POST", "/v1/responses",
                                  {"model": "m", "stream": True, "input": "patch",
                                   "tools": RESP_TOOLS})
    assert status == 200
    evs = events(data)
    item = [d["item"] for n, d in evs if n == "response.output_item.done"][0]
    assert item["type"] == "custom_tool_call" and item["input"] == "*** Begin Patch"
    assert "".join(d["delta"] for n, d in evs
                   if n == "response.custom_tool_call_input.delta") == "*** Begin Patch"


# -- Anthropic Messages ---------------------------------------------------------------------
ANTHROPIC_TOOLS = [{"name": "Bash", "description": "Run a shell command",
                    "input_schema": {"type": "object",
                                     "properties": {"command": {"type": "string"},
                                                    "description": {"type": "string"}}}},
                   {"type": "web_search_20250305", "name": "web_search"}]


def test_anthropic_tool_use_round_trip_with_our_anthropic_provider(gw):
    route = RouteConfig(route="gw", kind="anthropic", base_url=gw.base_url, api_key="k",
                        max_retries=0)
    client = AnthropicProvider(route, "claude-x")
    tools = [ToolSpec("Bash", "Run", ANTHROPIC_TOOLS[0]["input_schema"])]
    history = [Message("system", "You are Claude Code."), Message("user", "count")]
    first = client.complete(history, tools)
    assert first.text == "Running it." and first.stop_reason == "tool_use"
    assert [(c.name, c.arguments) for c in first.tool_calls] == [("Bash", {"command": LONG})]
    assert first.tool_calls[0].id.startswith("toolu_")
    history += [Message("assistant", first.text, tool_calls=first.tool_calls),
                Message("tool", "20", tool_call_id=first.tool_calls[0].id)]
    second = client.complete(history, tools)
    assert second.text == "There are 20 lines in lines.txt." and second.stop_reason == "end_turn"
    assert gw.requests[1].body["system"] == "You are Claude Code."


def test_anthropic_stream_as_claude_code_reads_it(gw):
    body = {"model": "claude-x", "max_tokens": 32000, "stream": True,
            "system": [{"type": "text", "text": "You are Claude Code.",
                        "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "count"}]}],
            "tools": ANTHROPIC_TOOLS}
    status, _, data = request(gw, "POST", "/v1/messages?beta=true", body,
                              headers={"anthropic-version": "2023-06-01"})
    assert status == 200
    evs = events(data)
    assert all(n == d["type"] for n, d in evs)
    names = [n for n, _ in evs]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    starts = [d["content_block"] for n, d in evs if n == "content_block_start"]
    assert [b["type"] for b in starts] == ["text", "tool_use"]
    assert starts[1]["name"] == "Bash" and starts[1]["input"] == {}
    text = "".join(d["delta"]["text"] for n, d in evs
                   if n == "content_block_delta" and d["delta"]["type"] == "text_delta")
    partial = [d["delta"]["partial_json"] for n, d in evs
               if n == "content_block_delta" and d["delta"]["type"] == "input_json_delta"]
    assert text == "Running it." and len(partial) > 1
    assert json.loads("".join(partial)) == {"command": LONG}
    assert names.count("content_block_stop") == 2
    delta = evs[-2][1]
    assert delta["delta"]["stop_reason"] == "tool_use" and delta["usage"]["output_tokens"] > 0
    assert evs[0][1]["message"]["usage"]["input_tokens"] > 0


def test_anthropic_tool_result_blocks_become_tool_messages():
    seen: list[list[Message]] = []

    def answer(messages):
        seen.append(list(messages))
        return turn("ok")

    provider = ScriptedProvider([answer])
    with Gateway(provider) as gw:
        status, out = post(gw, "/v1/messages", {
            "model": "m", "max_tokens": 10, "tools": ANTHROPIC_TOOLS,
            "messages": [
                {"role": "user", "content": "hi"},
                {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "hm", "signature": "s"},
                    {"type": "text", "text": "Let me look."},
                    {"type": "tool_use", "id": "toolu_1", "name": "Bash",
                     "input": {"command": "ls"}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "is_error": True,
                     "content": [{"type": "text", "text": "no such file"}]},
                    {"type": "text", "text": "go on"}]}]})
    assert status == 200 and out["content"] == [{"type": "text", "text": "ok"}]
    msgs = seen[0]
    assert [m.role for m in msgs] == ["user", "assistant", "tool", "user"]
    assert msgs[1].content == "Let me look." and msgs[1].tool_calls[0].arguments == {"command": "ls"}
    assert msgs[2].tool_call_id == "toolu_1" and msgs[2].is_error
    assert msgs[2].content == "no such file" and msgs[3].content == "go on"
    assert provider.tools_seen == [["Bash"]]  # the server tool is not offered to the model


def test_count_tokens_and_probes(gw):
    status, out = post(gw, "/v1/messages/count_tokens?beta=true", {
        "model": "m", "messages": [{"role": "user", "content": "x" * 400}]})
    assert status == 200 and out == {"input_tokens": 100}
    status, out = post(gw, "/v1/messages/count_tokens", {"model": "m"})
    assert status == 400 and out["type"] == "error"
    status, _, data = request(gw, "GET", "/v1/models")
    models = json.loads(data)
    assert status == 200 and models["data"][0]["id"] == "scripted/t"
    assert models["data"][0]["display_name"].endswith("(simulated)")
    status, _, data = request(gw, "GET", "/v1/models/claude-x")
    assert status == 200 and json.loads(data)["id"] == "claude-x"
    status, headers, data = request(gw, "HEAD", "/")
    assert status == 200 and data == b""
    status, _, data = request(gw, "GET", "/")
    assert status == 200 and json.loads(data)["simulated"] is True
    status, _, data = request(gw, "GET", "/nope")
    assert status == 404 and "no route" in json.loads(data)["error"]["message"]


# -- errors ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "shape"), [
    ("/v1/chat/completions", "openai"), ("/v1/responses", "openai"),
    ("/v1/messages?beta=true", "anthropic")])
def test_bad_requests_are_400_in_the_wire_format_and_the_server_lives_on(gw, path, shape):
    bad = [b"{not json", b"[1, 2]", json.dumps({"model": "m", "messages": "hi",
                                                "input": 5}).encode(),
           json.dumps({"model": "m", "max_tokens": "lots", "messages": [],
                       "input": []}).encode()]
    for raw in bad:
        status, _, data = request(gw, "POST", path, raw=raw)
        body = json.loads(data)
        assert status == 400, (raw, body)
        if shape == "anthropic":
            assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
            message = body["error"]["message"]
        else:
            assert body["error"]["type"] == "invalid_request_error"
            message = body["error"]["message"]
        assert message and "\n" not in message
    assert [r.status for r in gw.requests] == [400] * 4
    assert all(r.error for r in gw.requests)
    status, _ = post(gw, "/v1/chat/completions",
                     {"model": "m", "messages": [{"role": "user", "content": "hi"}],
                      "tools": [{"type": "function", "function": BASH}]})
    assert status == 200


def test_deeply_nested_body_is_a_400(gw):
    status, _, data = request(gw, "POST", "/v1/messages", raw=b"[" * 100_000 + b"]" * 100_000)
    assert status == 400 and "nested too deeply" in json.loads(data)["error"]["message"]


def test_unknown_route_body_limit_and_chunked_body(tmp_path):
    with Gateway(ScriptedModel(SCRIPT), max_body_bytes=1000) as gw:
        status, out = post(gw, "/v1/completions", {"prompt": "x"})
        assert status == 404 and "no route POST /v1/completions" in out["error"]["message"]
        status, _, data = request(gw, "POST", "/v1/messages", raw=b"x" * 2000)
        assert status == 413 and json.loads(data)["error"]["type"] == "request_too_large"
        conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=10)
        conn.request("POST", "/v1/chat/completions", body=iter([b"{}"]),
                     encode_chunked=True, headers={"Transfer-Encoding": "chunked"})
        resp = conn.getresponse()
        assert resp.status == 411 and b"Content-Length" in resp.read()
        conn.close()
        status, _ = post(gw, "/v1/chat/completions",
                         {"model": "m", "messages": [{"role": "user", "content": "hi"}]})
        assert status == 200


@pytest.mark.parametrize(("error", "status", "anthropic_type"), [
    (ProviderError("rate limited", status=429, retryable=True), 429, "rate_limit_error"),
    (ProviderError("connection refused"), 502, "api_error"),
    (ProviderTimeout("too slow"), 504, "timeout_error"),
    (RuntimeError("boom"), 500, "api_error"),
])
def test_provider_failures_become_http_errors(error, status, anthropic_type):
    with Gateway(ScriptedProvider([error, error])) as gw:
        code, out = post(gw, "/v1/messages", {"model": "m", "max_tokens": 5,
                                              "messages": [{"role": "user", "content": "x"}]})
        assert code == status and out["error"]["type"] == anthropic_type
        code, out = post(gw, "/v1/chat/completions",
                         {"model": "m", "messages": [{"role": "user", "content": "x"}]})
        assert code == status and str(error) in out["error"]["message"]
        code, _ = post(gw, "/v1/chat/completions",
                       {"model": "m", "messages": [{"role": "user", "content": "x"}]})
        assert code == 200  # the scripted provider's turns are used up: "done"


def test_a_script_that_does_not_fit_is_a_400_that_says_why():
    model = ScriptedModel([{"tool": "skill", "arguments": {"name": "x"}}], name="needs-skill")
    with Gateway(model) as gw:
        status, out = post(gw, "/v1/chat/completions",
                           {"model": "m", "messages": [{"role": "user", "content": "x"}],
                            "tools": [{"type": "function", "function": BASH}]})
    assert status == 400
    message = out["error"]["message"]
    assert message.startswith("scripted model: needs-skill step 0: no offered tool plays 'skill'")
    assert "(the request offers: bash)" in message


def test_deadline_reaches_the_provider():
    deadlines = []

    class Slow(ScriptedProvider):
        def complete(self, messages, tools=(), **kw):
            deadlines.append(kw["deadline"])
            return super().complete(messages, tools, **kw)

    import time
    with Gateway(Slow([]), request_timeout_s=7.0) as gw:
        before = time.monotonic()
        post(gw, "/v1/chat/completions", {"model": "m", "messages": []})
        after = time.monotonic()
    assert len(deadlines) == 1 and before + 7.0 <= deadlines[0] <= after + 7.0


# -- log, unix socket, concurrency ----------------------------------------------------------
def test_log_file_has_one_json_line_per_request(gw, tmp_path):
    post(gw, "/v1/chat/completions", {"model": "m", "messages": [{"role": "user",
                                                                  "content": "hi"}],
                                      "tools": [{"type": "function", "function": BASH}]})
    request(gw, "GET", "/v1/models")
    post(gw, "/v1/responses", {"input": 3})
    lines = [json.loads(line) for line in (tmp_path / "gw.jsonl").read_text().splitlines()]
    assert [(e["wire"], e["status"]) for e in lines] == [
        ("openai-chat", 200), ("probe", 200), ("openai-responses", 400)]
    assert all(e["simulated"] is True for e in lines)
    assert lines[0]["response"]["tool_calls"][0]["name"] == "bash"
    assert lines[0]["body"]["messages"][0]["content"] == "hi"
    assert "must be a string or a list" in lines[2]["error"]


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str):
        super().__init__("localhost", timeout=10)
        self.unix_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def test_unix_socket_serves_the_same_api(tmp_path):
    sock = tmp_path / "gw.sock"
    with Gateway(ScriptedModel(SCRIPT), unix_socket=sock) as gw:
        assert gw.unix_socket == sock and sock.is_socket()
        assert sock.stat().st_mode & 0o777 == 0o666
        conn = _UnixConnection(str(sock))
        conn.request("POST", "/v1/chat/completions", body=json.dumps(
            {"model": "m", "messages": [{"role": "user", "content": "hi"}],
             "tools": [{"type": "function", "function": BASH}]}),
            headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        out = json.loads(resp.read())
        conn.close()
        assert resp.status == 200
        assert out["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "bash"
    assert not sock.exists()  # removed on stop


def test_concurrent_requests_are_served_one_provider_call_at_a_time():
    active, peak = [0], [0]
    lock = threading.Lock()

    def answer(messages):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        threading.Event().wait(0.02)
        with lock:
            active[0] -= 1
        return Response("ok", (), Usage(3, 1), 0.0)

    with Gateway(ScriptedProvider([answer] * 6)) as gw:
        results: list[int] = []
        threads = [threading.Thread(target=lambda: results.append(post(
            gw, "/v1/chat/completions", {"model": "m", "messages": []})[0])) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert results == [200] * 6 and peak[0] == 1
    assert all(r.response is not None and r.response.text == "ok" for r in gw.requests)


def test_gateway_refuses_a_non_loopback_host():
    from skillir.errors import SkillIRError

    with pytest.raises(SkillIRError, match="loopback only"):
        Gateway(ScriptedModel(SCRIPT), host="0.0.0.0")


def test_parts_the_provider_does_not_see_are_logged(gw, tmp_path):
    status, _ = post(gw, "/v1/responses", {
        "model": "m", "tools": RESP_TOOLS,
        "input": [{"type": "message", "role": "user", "content": [
                      {"type": "input_text", "text": "first"},
                      {"type": "input_text", "text": "second"}]},
                  {"type": "web_search_call", "id": "ws_1", "status": "completed"}]})
    assert status == 200
    assert gw.requests[0].skipped == ["input[1]: web_search_call", "tools[2]: web_search"]
    assert json.loads((tmp_path / "gw.jsonl").read_text())["skipped"] == gw.requests[0].skipped
    parsed = responses.parse(gw.requests[0].body)
    assert parsed.messages[0].content == "first\nsecond"  # separate blocks stay apart
    status, out = post(gw, "/v1/responses", {"model": "m", "input": "x",
                                             "previous_response_id": "resp_1"})
    assert status == 400 and "send the whole conversation" in out["error"]["message"]
    status, out = post(gw, "/v1/responses", {"model": "m", "input": [{"role": "x"}]})
    assert status == 400 and "unknown role 'x'" in out["error"]["message"]


def test_anthropic_system_messages_inside_the_list_as_claude_code_sends_them():
    provider = ScriptedProvider([turn("ok")])
    with Gateway(provider) as gw:
        status, out = post(gw, "/v1/messages?beta=true", {
            "model": "m", "max_tokens": 10, "system": [{"type": "text", "text": "A"},
                                                      {"type": "text", "text": "B"}],
            "messages": [{"role": "user", "content": [{"type": "text", "text": "<r>x</r>"},
                                                      {"type": "text", "text": "greet"}]},
                         {"role": "system", "content": [{"type": "text",
                                                         "text": "# Environment"}]}]})
    assert status == 200 and out["stop_reason"] == "end_turn"
    assert [(m.role, m.content) for m in provider.calls[0]] == [
        ("system", "A\nB"), ("user", "<r>x</r>\ngreet"), ("system", "# Environment")]
