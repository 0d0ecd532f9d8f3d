"""A simulated run through the gateway: the simulated model (`sim/...`, bare-agent tool
names) behind the gateway in `RoleMappedProvider`, asked in the Anthropic wire format with
Claude Code's tool names (Bash, Read, Write, Glob) by a stand-in harness that executes
them with the real tools of the run. Same task, model and seed as a direct run: same
files, same score; every answer labelled simulated."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from skillir.bench.run import RunOptions, run_task
from skillir.bench.task import load_task
from skillir.runtime.config import RouteConfig
from skillir.runtime.gateway import Gateway, RoleMappedProvider
from skillir.runtime.providers.anthropic import AnthropicProvider
from skillir.runtime.providers.base import Message, Provider, Response, RunInfo, ToolCall, ToolSpec
from skillir.runtime.providers.sim import SimProvider
from skillir.runtime.replay import snapshot

TASKS = Path(__file__).resolve().parents[1] / "data" / "sim_tasks"
ROUTE = RouteConfig(route="sim", kind="sim", base_url=None, api_key=None)
S = {"type": "string"}
CLAUDE_TOOLS = [
    ToolSpec("Bash", "Run a command", {"type": "object", "properties": {"command": S,
                                                                         "description": S}}),
    ToolSpec("Read", "Read a file", {"type": "object", "properties": {"file_path": S}}),
    ToolSpec("Write", "Write a file", {"type": "object", "properties": {"file_path": S,
                                                                         "content": S}}),
    ToolSpec("Glob", "Find files", {"type": "object", "properties": {"pattern": S}}),
]


class ClaudeCodeStandIn(Provider):
    """What a harness does, reduced: offers Claude Code's tools over the Anthropic wire
    format to the gateway, and hands the calls it gets back to the run's (bare-agent) tool
    executor. The gateway's provider learns the run through `start_run`, as a harness
    driver would tell it."""

    def __init__(self, gw: Gateway):
        self.gw = gw
        self.name = gw.provider.name
        self.simulated = gw.provider.simulated
        self.client = AnthropicProvider(RouteConfig(route="gw", kind="anthropic",
                                                    base_url=gw.base_url, api_key="k",
                                                    max_retries=0), "claude-sim")
        self.workspace = ""

    def start_run(self, info: RunInfo) -> None:
        self.workspace = str(info.workspace)
        self.gw.provider.start_run(info)

    def run_details(self) -> dict[str, Any] | None:
        return self.gw.provider.run_details()

    def _to_claude(self, call: ToolCall) -> ToolCall:
        a = call.arguments
        if call.name == "execute_command":
            return ToolCall(call.id, "Bash", {"command": a["command"]})
        if call.name == "list_directory":
            return ToolCall(call.id, "Bash", {"command": f"ls -la -- {a.get('path', '.')}"})
        path = os.path.join(self.workspace, a["path"])
        if call.name == "read_file":
            return ToolCall(call.id, "Read", {"file_path": path})
        return ToolCall(call.id, "Write", {"file_path": path, "content": a["content"]})

    def _from_claude(self, call: ToolCall) -> ToolCall:
        a = call.arguments
        if call.name == "Bash":
            return ToolCall(call.id, "execute_command", {"command": a["command"]})
        rel = os.path.relpath(a["file_path"], self.workspace)
        if call.name == "Read":
            return ToolCall(call.id, "read_file", {"path": rel})
        assert call.name == "Write", call
        return ToolCall(call.id, "write_file", {"path": rel, "content": a["content"]})

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (),
                 **kw: Any) -> Response:
        sent = [dataclasses.replace(m, tool_calls=tuple(map(self._to_claude, m.tool_calls)))
                for m in messages]
        r = self.client.complete(sent, CLAUDE_TOOLS, max_tokens=kw.get("max_tokens"))
        return dataclasses.replace(r, tool_calls=tuple(map(self._from_claude, r.tool_calls)),
                                   simulated=True, latency_s=self.gw.requests[-1]
                                   .response.latency_s)


def _run(tmp_path: Path, provider: Provider, seed: int, name: str) -> dict:
    return run_task(load_task(TASKS / "sum_json"), provider,
                    options=RunOptions(runs_dir=tmp_path / name, seed=seed,
                                       keep_workspace=True))


def _files(record: dict) -> dict[str, bytes]:
    root = Path(record["workspace"])
    return {rel: (root / rel).read_bytes() for rel in snapshot(root, skip=())}


@pytest.mark.parametrize("seed", [3, 4])  # one run that passes, one that fails
def test_simulated_model_acts_through_claude_code_tools_behind_the_gateway(tmp_path, seed):
    direct = _run(tmp_path, SimProvider(ROUTE, "qwen3.5-9b"), seed, "direct")
    backend = RoleMappedProvider(SimProvider(ROUTE, "qwen3.5-9b"))
    with Gateway(backend, log_path=tmp_path / "gw.jsonl") as gw:
        via = _run(tmp_path, ClaudeCodeStandIn(gw), seed, "gateway")
    assert via["status"] == direct["status"] == "ok"
    assert via["score"] == direct["score"] and via["passed"] == direct["passed"]
    assert via["simulated"] is True
    assert _files(via) == _files(direct)
    assert via["provider_run"]["steps"] == direct["provider_run"]["steps"]
    # every model turn went through the gateway, in Claude Code's vocabulary
    answered = [r.response for r in gw.requests if r.response is not None]
    assert len(answered) == direct["steps"] == via["steps"]
    used = {c.name for r in answered for c in r.tool_calls}
    assert used <= {"Bash", "Read", "Write"} and {"Bash", "Write"} <= used
    mapped = [c.arguments["command"] for r in answered for c in r.tool_calls
              if c.name == "Bash" and c.arguments["command"].startswith("ls -la")]
    assert mapped == ["ls -la -- ."]  # list_directory, which Claude Code lacks, via Bash
    log = [json.loads(line) for line in (tmp_path / "gw.jsonl").read_text().splitlines()]
    assert len(log) == len(gw.requests) and all(e["simulated"] for e in log)
    assert {e["wire"] for e in log} == {"anthropic"}
