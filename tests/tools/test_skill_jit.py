"""skill-jit and skill-run --jit from the command line, with the simulated model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillir.tools import skill_jit, skill_run

DATA = Path(__file__).resolve().parents[1] / "data"
TASK = str(DATA / "sim_tasks" / "sum_json")
SKILL = str(DATA / "sim_skills" / "sum-script")


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CONFIG", str(tmp_path / "no-config.json"))
    monkeypatch.setenv("SKILLIR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SKILLIR_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("SKILLIR_JIT", str(tmp_path / "jit"))


def test_run_promotes_then_solidifies_and_every_line_says_simulated(capsys):
    code = skill_jit.main(["run", "--task", TASK, "--skill", SKILL, "--model",
                           "sim/synthetic-strong", "--runs", "3", "--promote-after", "2",
                           "--sandbox", "none"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and len(out) == 3
    assert all(line.startswith("[simulated] run ") for line in out)
    assert "promoted t-" in out[1] and "SOLIDIFIED" in out[2] and "tokens 0 in / 0 out" in out[2]
    assert skill_jit.main(["list", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["skill"] == "sum-script" and entry["promoted"] == 1
    assert skill_jit.main(["show", "sum-script", "--mlir"]) == 0
    mlir = capsys.readouterr().out
    assert 'harness.script "jit/t-' in mlir and "${file" in mlir
    assert "program.mlir" in mlir.splitlines()[0] and 'harness.program @"sum-script"' in mlir
    assert 'model = "sim/synthetic-strong"' in mlir and 'shapes = ["' in mlir
    assert skill_jit.main(["clear", "sum-script"]) == 0
    assert "cleared sum-script" in capsys.readouterr().out
    assert skill_jit.main(["list"]) == 0
    assert capsys.readouterr().out.startswith("no JIT state yet")


def test_skill_run_jit_learns_across_invocations(capsys):
    args = ["--task", TASK, "--skill", SKILL, "--model", "sim/synthetic-strong", "--jit",
            "--json", "--sandbox", "none"]
    records = []
    for _ in range(4):
        assert skill_run.main(args) == 0
        records.append(json.loads(capsys.readouterr().out))
    assert [r["jit"]["solidified"] for r in records] == [False, False, False, True]
    assert records[2]["jit_observed"]["promoted"]  # the default: promote after 3
    assert records[3]["tokens"]["input"] == 0 and records[3]["score"] == 1.0


def test_errors_are_one_line(capsys):
    assert skill_jit.main(["show", "nothing-here"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("skill-jit: ") and "no JIT state for 'nothing-here'" in err
    assert err.count("\n") == 1
    assert skill_run.main(["--task", TASK, "--model", "sim/synthetic-strong", "--jit"]) == 2
    assert "--jit needs a skill" in capsys.readouterr().err
    assert skill_jit.main(["run", "--task", TASK, "--skill", SKILL, "--model",
                           "sim/synthetic-strong", "--runs", "0"]) == 2
    assert "--runs must be at least 1" in capsys.readouterr().err


def test_a_hand_promotion_solidifies_the_next_run_without_matching_runs(capsys):
    assert skill_jit.main(["promote", "--skill", SKILL, "--task", TASK, "--model",
                           "sim/synthetic-strong"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[simulated] promoted a-") and "program.mlir" in out
    assert skill_jit.main(["run", "--task", TASK, "--skill", SKILL, "--model",
                           "sim/synthetic-strong", "--runs", "1", "--sandbox", "none"]) == 0
    line = capsys.readouterr().out
    assert "SOLIDIFIED score 1.000" in line and "tokens 0 in / 0 out" in line
    assert skill_jit.main(["show", "sum-script", "--mlir"]) == 0
    assert "step = @step_1" in capsys.readouterr().out  # the code block's own step


def test_a_hand_promotion_needs_a_candidate_the_prompt_can_fill(capsys, tmp_path):
    assert skill_jit.main(["promote", "--skill", SKILL, "--task", TASK, "--model",
                           "sim/synthetic-strong", "--candidate", "a-000000000000"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("[simulated] skill-jit: error: no ahead-of-time candidate 'a-000000000000'")
    task = tmp_path / "other"
    (task / "workspace").mkdir(parents=True)
    source = json.loads((Path(TASK) / "task.json").read_text(encoding="utf-8"))
    source["id"], source["prompt"] = "other", "Add up the numbers and tell me the total."  # no file
    (task / "task.json").write_text(json.dumps(source), encoding="utf-8")
    assert skill_jit.main(["promote", "--skill", SKILL, "--task", str(task), "--model",
                           "sim/synthetic-strong"]) == 2
    assert "cannot be filled from the task's prompt" in capsys.readouterr().err
