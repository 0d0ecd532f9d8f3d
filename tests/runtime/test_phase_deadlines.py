"""Every phase of a run ends by its deadline and says why (issue 19): a model endpoint that
accepts and never answers, a tool command that never ends (tests/runtime/test_runtime_agent.py
::test_wall_time_limit), an env-setup.sh that never ends or leaves a daemon behind. Grading:
tests/bench/test_grading_deadlines.py. The bounds are generous: "it ended and said why"."""

from __future__ import annotations

import time

import pytest
from hostile_cases import RawServer, never_answers

from skillir.runtime import env_setup
from skillir.runtime.agent import AgentConfig, run_agent
from skillir.runtime.config import RouteConfig
from skillir.runtime.providers.openai_compat import OpenAICompatProvider
from skillir.runtime.sandbox import Limits, Sandbox, bwrap_status
from skillir.runtime.tools import ToolExecutor

needs_bwrap = pytest.mark.skipif(not bwrap_status()[0], reason="bubblewrap is not usable here")


def test_a_model_that_never_answers_ends_the_run_at_its_deadline(tmp_path):
    with RawServer(never_answers) as srv:
        port = srv.sock.getsockname()[1]
        route = RouteConfig(route="local", kind="openai", base_url=f"http://127.0.0.1:{port}/v1",
                            api_key="x", timeout=600, max_retries=0)
        provider = OpenAICompatProvider(route, "m")
        ws = tmp_path / "ws"
        ws.mkdir()
        deadline = time.monotonic() + 2
        ex = ToolExecutor(Sandbox(ws, Limits(command_timeout_s=30)), deadline=lambda: deadline)
        start = time.monotonic()
        res = run_agent(provider, "go", ex, system="s", config=AgentConfig(timeout_s=2),
                        deadline=deadline)
    assert time.monotonic() - start < 60
    assert res.status == "timeout" and res.stop_reason == "timeout" and res.error
    assert srv.accepted  # the request did reach the server


@needs_bwrap
@pytest.mark.parametrize("script", ["while true; do sleep 1; done\n",
                                    "setsid sleep 100000 > /dev/null 2>&1 &\nsleep 100000\n"])
def test_an_env_setup_that_never_ends_is_stopped_at_its_timeout(tmp_path, script):
    ws = tmp_path / "ws"
    ws.mkdir()
    setup = tmp_path / "skill" / "env-setup.sh"
    setup.parent.mkdir()
    setup.write_text("#!/bin/bash\n" + script)
    sandbox = Sandbox(ws, Limits(command_timeout_s=30))
    start = time.monotonic()
    outcome = env_setup.run_skill_setup(setup, ws, sandbox, timeout=2)
    assert time.monotonic() - start < 60
    assert outcome.where == "sandbox" and not outcome.result.ok
    assert outcome.result.exit_code is None
    assert "env-setup: timed out after 2 s and was stopped" in outcome.result.output
