"""Providers: wire formats, retries (against a real local HTTP server), config and registry."""

from __future__ import annotations

import email.utils
import json
import time

import pytest

from skillir.errors import SkillIRError
from skillir.runtime.config import RouteConfig, RuntimeConfig, load_config
from skillir.runtime.providers import get_provider, parse_model_id, register_provider
from skillir.runtime.providers.anthropic import AnthropicProvider, to_anthropic
from skillir.runtime.providers.base import (
    Message,
    ProviderError,
    ProviderTimeout,
    ToolCall,
    ToolSpec,
    decode_arguments,
)
from skillir.runtime.providers.http import RetryPolicy, parse_retry_after, post_json
from skillir.runtime.providers.openai_compat import OpenAICompatProvider, to_openai_messages
from skillir.runtime.testing import FakeHTTPServer, ScriptedProvider

TOOL = ToolSpec("write_file", "Write a file", {"type": "object",
                                               "properties": {"path": {"type": "string"}}})

OPENAI_OK = {
    "id": "chatcmpl-1", "model": "fake-model",
    "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
        "role": "assistant", "content": None,
        "tool_calls": [
            {"id": "call_a", "type": "function",
             "function": {"name": "write_file", "arguments": "{\"path\": \"a.txt\"}"}},
            {"id": "call_b", "type": "function",
             "function": {"name": "write_file", "arguments": "{not json"}}]}}],
    "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150,
              "prompt_tokens_details": {"cached_tokens": 100}},
}


def no_sleep_policy(retries: int = 4) -> tuple[RetryPolicy, list[float]]:
    slept: list[float] = []
    return RetryPolicy(max_retries=retries, sleep=slept.append), slept


def openai_provider(url: str, **kw) -> OpenAICompatProvider:
    route = RouteConfig(route="openai", kind="openai", base_url=f"{url}/v1", api_key="sk-test")
    return OpenAICompatProvider(route, "fake-model", **kw)


def test_openai_retries_429_then_succeeds():
    answers = iter([(429, {"Retry-After": "0"}, {"error": {"message": "rate limited"}}),
                    (200, {}, OPENAI_OK)])
    policy, slept = no_sleep_policy()
    with FakeHTTPServer(lambda rec: next(answers)) as srv:
        provider = openai_provider(srv.url, retry=policy)
        resp = provider.complete([Message("system", "sys"), Message("user", "hi")], [TOOL],
                                 max_tokens=50, temperature=0.0, seed=7)
    assert len(srv.requests) == 2
    assert resp.attempts == 2 and slept == [0.0]
    assert resp.extra["retries"][0]["status"] == 429
    assert resp.extra["retries"][0]["retry_after"] is True
    req = srv.requests[-1]
    assert req.path == "/v1/chat/completions"
    assert req.headers["authorization"] == "Bearer sk-test"
    assert req.body["tools"][0]["function"]["name"] == "write_file"
    assert req.body["tool_choice"] == "auto"
    assert req.body["max_tokens"] == 50 and req.body["seed"] == 7
    assert req.body["temperature"] == 0.0
    assert resp.usage.input_tokens == 120 and resp.usage.output_tokens == 30
    assert resp.usage.cache_read_tokens == 100
    assert resp.stop_reason == "tool_use"
    assert [c.name for c in resp.tool_calls] == ["write_file", "write_file"]
    assert resp.tool_calls[0].arguments == {"path": "a.txt"}
    assert resp.tool_calls[1].parse_error and resp.tool_calls[1].arguments == {}
    assert resp.latency_s > 0


def test_retry_backoff_is_exponential_with_jitter_and_5xx_retried():
    answers = iter([(503, {}, {"error": "busy"}), (502, {}, b"bad gateway"),
                    (500, {}, {"error": {"message": "oops"}}), (200, {}, OPENAI_OK)])
    slept: list[float] = []
    policy = RetryPolicy(max_retries=4, base_delay=1.0, max_delay=3.0, sleep=slept.append)
    with FakeHTTPServer(lambda rec: next(answers)) as srv:
        resp = openai_provider(srv.url, retry=policy).complete([Message("user", "hi")])
    assert resp.attempts == 4
    assert 0.5 <= slept[0] <= 1.0 and 1.0 <= slept[1] <= 2.0 and 1.5 <= slept[2] <= 3.0


def test_client_error_is_not_retried_and_message_is_kept():
    with FakeHTTPServer(lambda rec: (400, {}, {"error": {"message": "context too long"}})) as srv:
        policy, slept = no_sleep_policy()
        with pytest.raises(ProviderError) as info:
            openai_provider(srv.url, retry=policy).complete([Message("user", "hi")])
    assert info.value.status == 400 and "context too long" in str(info.value)
    assert len(srv.requests) == 1 and slept == []


def test_retries_run_out():
    with FakeHTTPServer(lambda rec: (529, {}, {"error": "overloaded"})) as srv:
        policy, slept = no_sleep_policy(retries=2)
        with pytest.raises(ProviderError) as info:
            openai_provider(srv.url, retry=policy).complete([Message("user", "hi")])
    assert len(srv.requests) == 3 and len(slept) == 2
    assert info.value.retryable and "giving up after 3 attempts" in str(info.value)


def test_connection_errors_are_retried():
    with FakeHTTPServer(lambda rec: (200, {}, {})) as srv:
        url = srv.url  # the port is closed after this block
    policy, slept = no_sleep_policy(retries=2)
    with pytest.raises(ProviderError) as info:
        post_json(f"{url}/x", {}, {}, timeout=2, retry=policy)
    assert info.value.attempts == 3 and len(slept) == 2
    assert "Connection" in str(info.value) or "refused" in str(info.value)


def test_retry_after_longer_than_allowed_fails_fast():
    with FakeHTTPServer(lambda rec: (429, {"Retry-After": "3600"}, {})) as srv:
        policy, slept = no_sleep_policy()
        with pytest.raises(ProviderError, match="retry after 3600s"):
            post_json(f"{srv.url}/x", {}, {}, timeout=2, retry=policy)
    assert slept == []


def test_deadline_stops_retries():
    with FakeHTTPServer(lambda rec: (503, {"Retry-After": "5"}, {})) as srv:
        with pytest.raises(ProviderTimeout):
            post_json(f"{srv.url}/x", {}, {}, timeout=2, retry=RetryPolicy(),
                      deadline=time.monotonic() + 1.0)
    with pytest.raises(ProviderTimeout):
        post_json("http://127.0.0.1:9/x", {}, {}, timeout=2, deadline=time.monotonic() - 1)


def test_parse_retry_after_forms():
    assert parse_retry_after({"Retry-After": "2"}) == 2.0
    assert parse_retry_after({"retry-after-ms": "1500", "Retry-After": "9"}) == 1.5
    when = email.utils.formatdate(1000.0 + 30, usegmt=True)
    assert parse_retry_after({"Retry-After": when}, now=1000.0) == pytest.approx(30, abs=1)
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({}) is None


def test_openai_messages_round_trip_tool_results():
    call = ToolCall("c1", "write_file", {"path": "x"}, raw_arguments='{"path": "x"}')
    msgs = to_openai_messages([Message("system", "s"), Message("user", "u"),
                               Message("assistant", "", tool_calls=(call,)),
                               Message("tool", "ok", tool_call_id="c1")])
    assert msgs[2] == {"role": "assistant", "content": "", "tool_calls": [
        {"id": "c1", "type": "function",
         "function": {"name": "write_file", "arguments": '{"path": "x"}'}}]}
    assert msgs[3] == {"role": "tool", "tool_call_id": "c1", "content": "ok"}


def test_usage_missing_is_reported_not_guessed():
    body = {"choices": [{"finish_reason": "stop", "message": {"content": "hi"}}]}
    with FakeHTTPServer(lambda rec: (200, {}, body)) as srv:
        resp = openai_provider(srv.url).complete([Message("user", "hi")])
    assert resp.text == "hi" and not resp.usage.available and resp.usage.input_tokens == 0


def test_malformed_response_is_a_provider_error():
    with FakeHTTPServer(lambda rec: (200, {}, b"<html>")) as srv:
        with pytest.raises(ProviderError, match="not JSON"):
            openai_provider(srv.url).complete([Message("user", "hi")])
    with FakeHTTPServer(lambda rec: (200, {}, {"choices": []})) as srv:
        with pytest.raises(ProviderError, match="no choices"):
            openai_provider(srv.url).complete([Message("user", "hi")])


# -- Anthropic Messages API against a fake server -------------------------------------------
ANTHROPIC_OK = {
    "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
    "content": [{"type": "text", "text": "I'll write it."},
                {"type": "tool_use", "id": "toolu_1", "name": "write_file",
                 "input": {"path": "a.txt"}}],
    "stop_reason": "tool_use",
    "usage": {"input_tokens": 50, "output_tokens": 20, "cache_read_input_tokens": 100,
              "cache_creation_input_tokens": 10},
}


def anthropic_provider(url: str, **kw) -> AnthropicProvider:
    route = RouteConfig(route="anthropic", kind="anthropic", base_url=url, api_key="ak-test")
    return AnthropicProvider(route, "claude-test", **kw)


def test_anthropic_wire_format_and_529_retry():
    answers = iter([(529, {}, {"type": "error", "error": {"type": "overloaded_error",
                                                          "message": "Overloaded"}}),
                    (200, {}, ANTHROPIC_OK)])
    policy, slept = no_sleep_policy()
    call = ToolCall("toolu_0", "write_file", {"path": "b"})
    history = [Message("system", "be brief"), Message("user", "go"),
               Message("assistant", "", tool_calls=(call,)),
               Message("tool", "done", tool_call_id="toolu_0"),
               Message("tool", "boom", tool_call_id="toolu_x", is_error=True)]
    with FakeHTTPServer(lambda rec: next(answers)) as srv:
        resp = anthropic_provider(srv.url, retry=policy).complete(history, [TOOL],
                                                                   temperature=0.0)
    assert len(srv.requests) == 2 and len(slept) == 1
    req = srv.requests[-1]
    assert req.path == "/v1/messages"
    assert req.headers["x-api-key"] == "ak-test"
    assert req.headers["anthropic-version"] == "2023-06-01"
    body = req.body
    assert body["system"] == "be brief" and body["max_tokens"] == 4096
    assert body["tools"] == [{"name": "write_file", "description": "Write a file",
                              "input_schema": TOOL.parameters}]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    results = body["messages"][2]["content"]
    assert [b["type"] for b in results] == ["tool_result", "tool_result"]
    assert results[1]["is_error"] is True
    assert body["messages"][1]["content"][0]["type"] == "tool_use"
    assert resp.text == "I'll write it." and resp.stop_reason == "tool_use"
    assert resp.tool_calls[0].arguments == {"path": "a.txt"}
    assert resp.usage.input_tokens == 160 and resp.usage.cache_read_tokens == 100
    assert resp.usage.cache_write_tokens == 10 and resp.usage.output_tokens == 20


def test_anthropic_user_text_after_tool_results_is_merged():
    system, msgs = to_anthropic([Message("user", "a"), Message("assistant", "b"),
                                 Message("tool", "r", tool_call_id="t"),
                                 Message("user", "more")])
    assert system == "" and [m["role"] for m in msgs] == ["user", "assistant", "user"]
    assert [b["type"] for b in msgs[2]["content"]] == ["tool_result", "text"]


def test_anthropic_error_body():
    body = {"type": "error", "error": {"type": "invalid_request_error", "message": "bad"}}
    with FakeHTTPServer(lambda rec: (400, {}, body)) as srv:
        with pytest.raises(ProviderError, match="bad"):
            anthropic_provider(srv.url).complete([Message("user", "hi")])


# -- config and registry ---------------------------------------------------------------------
def test_missing_keys_are_user_errors(monkeypatch):
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    empty = RuntimeConfig({}, None)
    with pytest.raises(SkillIRError, match="OPENAI_API_KEY"):
        get_provider("openai/gpt-4o", empty)
    with pytest.raises(SkillIRError, match="ANTHROPIC_API_KEY"):
        get_provider("anthropic/claude", empty)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:8000/v1")
    provider = get_provider("openai/qwen", empty)  # a local server needs no key
    assert provider.name == "openai/qwen" and provider.describe()["key_source"] == "none"


def test_environment_overrides_config_file(tmp_path, monkeypatch):
    cfg_file = tmp_path / "config.json"
    cfg_file.write_text(json.dumps({"providers": {
        "openai": {"api_key": "from-file", "base_url": "http://file/v1"},
        "vllm": {"kind": "openai", "base_url": "http://gpu:8000/v1", "timeout": 30},
        "anthropic": {"api_key_env": "MY_KEY"}},
        "judge": {"model": "vllm/judge"}, "runs_dir": str(tmp_path / "runs")}))
    monkeypatch.setenv("SKILLIR_CONFIG", str(cfg_file))
    monkeypatch.setenv("OPENAI_API_KEY", "from-env")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("SKILLIR_JUDGE_MODEL", raising=False)
    monkeypatch.delenv("SKILLIR_RUNS_DIR", raising=False)
    monkeypatch.setenv("MY_KEY", "named-var")
    cfg = load_config()
    openai = cfg.route("openai")
    assert openai.api_key == "from-env" and openai.base_url == "http://file/v1"
    vllm = get_provider("vllm/qwen3-30b", cfg)
    assert isinstance(vllm, OpenAICompatProvider)
    assert vllm.base_url == "http://gpu:8000/v1" and vllm.route.timeout == 30
    assert cfg.route("anthropic").api_key == "named-var"
    assert cfg.judge_model() == "vllm/judge" and cfg.runs_dir() == tmp_path / "runs"


def test_malformed_config_names_the_file(tmp_path, monkeypatch):
    bad = tmp_path / "config.json"
    bad.write_text('{"providers": {"openai": }')
    monkeypatch.setenv("SKILLIR_CONFIG", str(bad))
    with pytest.raises(SkillIRError) as info:
        load_config()
    assert str(bad) in str(info.value) and "not valid JSON" in str(info.value)


def test_model_ids_and_registry():
    assert parse_model_id("openrouter/qwen/qwen3") == ("openrouter", "qwen/qwen3")
    with pytest.raises(SkillIRError, match="provider prefix"):
        parse_model_id("gpt-4o")
    with pytest.raises(SkillIRError, match="unknown provider 'nope'"):
        get_provider("nope/x", RuntimeConfig({}, None))
    register_provider("scripted", lambda route, model: ScriptedProvider(name=f"scripted/{model}"))
    provider = get_provider("scripted/abc", RuntimeConfig({}, None))
    assert provider.name == "scripted/abc" and provider.simulated


def test_decode_arguments():
    assert decode_arguments('{"a": 1}') == ({"a": 1}, None)
    assert decode_arguments({"a": 1}) == ({"a": 1}, None)
    assert decode_arguments("") == ({}, None)
    assert decode_arguments("[1]")[1] == "arguments must be a JSON object, got list"
    assert "not valid JSON" in decode_arguments("{oops")[1]
