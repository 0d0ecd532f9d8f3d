"""The real local model (llama-cpp-python's server + SmolLM2-135M) behind the gateway, one
streamed turn with tools per wire format. llama-cpp-python's server alone has no
/v1/responses and no /v1/messages and cannot stream tool calls; the gateway asks it
without streaming and streams the answer in each format. Slow: `-m e2e`."""

from __future__ import annotations

import json

import pytest

from skillir.runtime.config import RuntimeConfig
from skillir.runtime.gateway import Gateway
from skillir.runtime.providers import get_provider

pytestmark = pytest.mark.e2e
PROMPT = "Write the word hello to the file hello.txt"
SYSTEM = "You complete tasks by using tools."
PARAMS = {"type": "object", "properties": {"path": {"type": "string"},
                                           "content": {"type": "string"}},
          "required": ["path", "content"]}
BODIES = {
    "/v1/chat/completions": {
        "model": "smollm2", "stream": True, "stream_options": {"include_usage": True},
        "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}],
        "tools": [{"type": "function", "function": {"name": "write_file",
                                                    "description": "Write a file",
                                                    "parameters": PARAMS}}]},
    "/v1/responses": {
        "model": "smollm2", "stream": True, "instructions": SYSTEM, "input": PROMPT,
        "tools": [{"type": "function", "name": "write_file", "description": "Write a file",
                   "parameters": PARAMS}]},
    "/v1/messages?beta=true": {
        "model": "smollm2", "stream": True, "max_tokens": 64, "system": SYSTEM,
        "messages": [{"role": "user", "content": PROMPT}],
        "tools": [{"name": "write_file", "description": "Write a file",
                   "input_schema": PARAMS}]},
}


def _stream(gw: Gateway, path: str, body: dict) -> list[dict]:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", gw.port, timeout=600)
    conn.request("POST", path, body=json.dumps(body), headers={"Content-Type":
                                                                "application/json"})
    resp = conn.getresponse()
    data = resp.read().decode()
    conn.close()
    assert resp.status == 200, data[:500]
    assert resp.getheader("X-SkillIR-Simulated") is None  # a real model: not labelled
    out = []
    for block in data.split("\n\n"):
        payload = [ln[6:] for ln in block.split("\n") if ln.startswith("data: ")]
        if payload and payload[0] != "[DONE]":
            out.append(json.loads(payload[0]))
    return out


def test_local_model_streams_tool_calls_in_every_wire_format(local_model, tmp_path):
    provider = get_provider("local/smollm2", RuntimeConfig({}, None))
    with Gateway(provider, log_path=tmp_path / "gw.jsonl") as gw:
        chat = _stream(gw, "/v1/chat/completions", BODIES["/v1/chat/completions"])
        resp = _stream(gw, "/v1/responses", BODIES["/v1/responses"])
        msgs = _stream(gw, "/v1/messages?beta=true", BODIES["/v1/messages?beta=true"])
    assert [r.status for r in gw.requests] == [200, 200, 200]
    for r in gw.requests:  # usage from the real model, not an estimate
        assert r.response is not None and r.response.usage.available
        assert r.response.usage.input_tokens > 50 and r.response.latency_s > 0
        # SmolLM2 at temperature 0 answers this prompt with a write_file call
        assert [c.name for c in r.response.tool_calls][:1] == ["write_file"], r.response
    names = [d["function"].get("name") for c in chat if c["choices"]
             for d in c["choices"][0]["delta"].get("tool_calls") or [] if "id" in d]
    assert names[:1] == ["write_file"]
    assert chat[-1]["usage"]["prompt_tokens"] == gw.requests[0].response.usage.input_tokens
    done = [e["item"] for e in resp if e["type"] == "response.output_item.done"]
    assert any(i["type"] == "function_call" and i["name"] == "write_file" for i in done)
    assert resp[-1]["type"] == "response.completed"
    blocks = [e["content_block"] for e in msgs if e["type"] == "content_block_start"]
    assert any(b["type"] == "tool_use" and b["name"] == "write_file" for b in blocks)
    assert msgs[-1]["type"] == "message_stop"
    # one real turn each: what it cost (seen with -s; the report quotes these)
    print({r.wire: round(r.duration_s, 2) for r in gw.requests})
