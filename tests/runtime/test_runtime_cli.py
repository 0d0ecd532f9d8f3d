"""skill-run and skill-model as a user meets them (scripted provider; no real model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillir.runtime.providers import register_provider
from skillir.runtime.testing import ScriptedProvider, turn
from skillir.tools import skill_model, skill_run

TASKS = Path(__file__).resolve().parents[1] / "data" / "tasks"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CONFIG", str(tmp_path / "no-config.json"))
    monkeypatch.setenv("SKILLIR_HOME", str(tmp_path / "home"))
    register_provider("cli-test", lambda route, model: ScriptedProvider(
        [turn("", [("write_file", {"path": "hello.txt", "content": "hello"})], tokens=(77, 9)),
         turn("done", tokens=(80, 2))], name=f"cli-test/{model}"))


def run_cli(capsys, *argv):
    code = skill_run.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_skill_run_human_output(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--task", str(TASKS / "hello_write"), "--model",
                             "cli-test/m", "--runs-dir", str(tmp_path / "runs"))
    assert code == 0, err
    assert "status   ok" in out and "score    1.000  PASS" in out
    assert "tokens   157 in / 11 out" in out and "[SIMULATED MODEL]" in out
    assert "time     wall" in out and "model" in out
    lines = out.splitlines()
    assert all(line.startswith("[simulated] ") for line in lines)  # never mistaken for real
    trace = next(line.split()[-1] for line in lines if line.startswith("[simulated] trace"))
    assert Path(trace).is_file()


def test_skill_run_json_and_replay(tmp_path, capsys):
    code, out, _ = run_cli(capsys, "--task", str(TASKS / "hello_write"), "--model",
                           "cli-test/m", "--runs-dir", str(tmp_path / "runs"), "--json",
                           "--seed", "3")
    assert code == 0
    rec = json.loads(out)
    assert rec["status"] == "ok" and rec["score"] == 1.0 and rec["seed"] == 3
    assert rec["tokens"] == {"input": 157, "output": 11, "cache_read": 0, "cache_write": 0,
                             "usage_available": True}
    for key in ("wall_time_s", "model_time_s", "trace", "criteria", "steps", "sandbox"):
        assert key in rec
    code, out, _ = run_cli(capsys, "--replay", rec["trace"])
    assert code == 0 and "step 1" in out and "write_file" in out and "grade: score 1.000" in out
    code, out, _ = run_cli(capsys, "--replay", str(Path(rec["trace"]).parent), "--json")
    assert json.loads(out)["run_id"] == rec["run_id"]


def test_skill_run_with_a_skill(tmp_path, capsys):
    skill = tmp_path / "greet"
    skill.mkdir()
    (skill / "SKILL.md").write_text("---\nname: greet\ndescription: greet\n---\nSay hello.\n")
    code, out, _ = run_cli(capsys, "--task", str(TASKS / "hello_write"), "--skill", str(skill),
                           "--model", "cli-test/m", "--runs-dir", str(tmp_path / "r"), "--json")
    rec = json.loads(out)
    assert code == 0 and rec["condition"] == "original" and rec["skill"]["name"] == "greet"


@pytest.mark.parametrize(("argv", "message"), [
    (["--task", "/nonexistent/task", "--model", "cli-test/m"], "no such task"),
    (["--task", str(TASKS / "hello_write"), "--model", "gpt-4o"], "has no provider prefix"),
    (["--task", str(TASKS / "hello_write"), "--model", "bogus/x"], "unknown provider 'bogus'"),
    (["--task", str(TASKS / "hello_write")], "--task and --model are required"),
    (["--task", str(TASKS / "hello_write"), "--model", "cli-test/m", "--skill", "/nope"],
     "no such file or folder"),
    (["--task", str(TASKS / "hello_write"), "--model", "cli-test/m", "--harness", "vscode"],
     "unknown harness 'vscode'"),
    (["--replay", "/nonexistent/trace.jsonl"], "no such trace"),
])
def test_skill_run_user_errors_are_one_line(tmp_path, capsys, argv, message):
    code, out, err = run_cli(capsys, *argv, "--runs-dir", str(tmp_path / "runs"))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_replay_of_a_broken_trace(tmp_path, capsys):
    bad = tmp_path / "trace.jsonl"
    bad.write_text('{"type": "run_start"}\n{oops\n')
    code, _, err = run_cli(capsys, "--replay", str(bad))
    assert code == 2 and f"{bad}:2:" in err
    partial = tmp_path / "p" / "trace.jsonl.partial"
    partial.parent.mkdir()
    partial.write_text('{"type": "run_start", "t": 0, "run_id": "r"}\n'
                       '{"type": "model_call", "t": 1, "step": 1, "tool_calls": []}\n')
    code, out, _ = run_cli(capsys, "--replay", str(partial.parent))
    assert code == 0 and "did not finish" in out


def test_skill_model_when_nothing_runs(tmp_path, capsys):
    state = str(tmp_path / "state")
    assert skill_model.main(["status", "--state-dir", state]) == 0
    assert "not running" in capsys.readouterr().out
    assert skill_model.main(["health", "--state-dir", state, "--json"]) == 1
    assert json.loads(capsys.readouterr().out) == {"model": "smollm2", "healthy": False}
    assert skill_model.main(["stop", "--state-dir", state]) == 0
    assert "was not running" in capsys.readouterr().out
    assert skill_model.main(["status", "--model", "gpt-9", "--state-dir", state]) == 2
    assert "unknown local model 'gpt-9'" in capsys.readouterr().err
