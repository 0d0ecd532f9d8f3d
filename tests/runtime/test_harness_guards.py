"""Guards under automation (issue 15): the drivers run the real CLIs with their bypass flags
(nobody is there to confirm), so a command the compiled skill guards must be refused by the
harness itself: Claude Code `--disallowedTools`, Codex a `forbidden` prefix rule, OpenCode a
`deny` bash permission. A scripted model calls the guarded command, then the skill's own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.bench.run import RunOptions, run_task
from skillir.bench.task import load_task
from skillir.runtime.harness_drivers import clis
from skillir.runtime.harness_drivers.drivers import DRIVERS
from skillir.runtime.harness_drivers.runner import guarded_commands
from skillir.runtime.skill import load_skill_bundle
from skillir.runtime.trace import read_trace

DATA = ROOT / "tests" / "data"
SKILL = DATA / "harness_skills" / "guarded-fetch"
ENFORCING = [name for name, d in sorted(DRIVERS.items()) if d.enforces_denials]


def _compiled(harness: str, out: Path) -> Path:
    proc = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(SKILL),
                           f"--target={harness}/opus-4.6", "--security=guard", "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


def test_the_enforcing_harnesses_are_the_three_with_deny_rules():
    assert ENFORCING == ["claude-code", "codex", "opencode"]


@pytest.mark.parametrize("harness", ENFORCING)
def test_a_guarded_command_is_refused_by_the_harness_itself(harness: str, tmp_path: Path):
    if clis.find_cli(harness) is None:
        pytest.skip(f"{harness} CLI is not installed (make harness-clis)")
    from skillir.runtime.gateway import ScriptedModel

    bundle = load_skill_bundle(_compiled(harness, tmp_path / "out"), compiled=True)
    assert guarded_commands(bundle) == ("curl",)
    model = ScriptedModel.from_file(DATA / "scripts" / "harness_guard.json")
    record = run_task(load_task(DATA / "tasks" / "harness_hello"), model, skill=bundle,
                      options=RunOptions(harness=harness, runs_dir=tmp_path / "runs",
                                         keep_workspace=True))
    assert record["status"] == "ok", record.get("status_detail")
    events = read_trace(Path(record["run_dir"]))
    calls = [e for e in events if e["type"] == "tool_call"]
    curl = [c for c in calls if "curl" in json.dumps(c["arguments"])]
    assert curl and all(c["is_error"] for c in curl), curl
    assert not any("CURL-STEP-RAN" in c["result_preview"] for c in calls)
    # the skill's own, unguarded command still ran, and the grader passed
    assert (Path(record["workspace"]) / "hello.txt").read_text() == "hello from the skill\n"
    assert record["score"] == 1.0
    run = next(e for e in events if e["type"] == "harness_run")
    assert run["guarded_commands"] == ["curl"] and run["guards"] == "denied by the harness"
