"""skill-bench: plans, the SQLite results store, resume after an interruption, the engines,
the report (tables, figure, HTML checked in a real headless browser)."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.errors import SkillIRError
from skillir.study import matrix
from skillir.study.plan import load_plan, plan_from_data
from skillir.study.report import aggregate, html_report, markdown_tables, regressions
from skillir.study.results_db import ResultsDB
from skillir.tools import skill_bench

SUITE = ROOT / "tasks" / "suite"
TASKS = [str(SUITE / "regex-extract"), str(SUITE / "batch-rename")]


def _plan(tmp_path: Path, **extra):
    data = {"name": "t", "tasks": TASKS, "models": ["sim/qwen3.5-9b"],
            "conditions": ["no-skill", "original", "compiled"], **extra}
    return plan_from_data(data, base=tmp_path, source="plan.json")


def test_plan_expands_the_matrix_with_stable_keys(tmp_path):
    plan = _plan(tmp_path, harnesses=["bare-agent"], seeds=[0, 1],
                 models=["sim/qwen3.5-9b", "sim/opus-4.6"])
    cells = plan.cells()
    assert len(cells) == 2 * 2 * 1 * 3 * 2
    assert len({c.key for c in cells}) == len(cells)
    assert [c.key for c in _plan(tmp_path, seeds=[0, 1], models=["sim/qwen3.5-9b",
                                                               "sim/opus-4.6"]).cells()] \
        == [c.key for c in cells]
    assert plan.target_model("sim/qwen3.5-9b") == "qwen3.5-9b"


def test_plan_file_yaml_with_globs(tmp_path):
    (tmp_path / "plan.yaml").write_text(
        f"tasks: ['{SUITE}/regex-*', '{SUITE}/batch-rename']\nmodels: [sim/opus-4.6]\n"
        "conditions: [no-skill, {name: nocap, kind: compiled, pipeline: 'lower-to-harness'}]\n")
    plan = load_plan(tmp_path / "plan.yaml")
    assert [Path(t).name for t in plan.tasks] == ["regex-extract", "batch-rename"]
    assert [c.name for c in plan.conditions] == ["no-skill", "nocap"]
    assert plan.conditions[1].pipeline == "lower-to-harness"


@pytest.mark.parametrize("data, message", [
    ({"tasks": [], "models": ["sim/x"]}, "must not be empty"),
    ({"tasks": TASKS, "models": ["sim/x"], "conditions": ["fancy"]}, "condition"),
    ({"tasks": TASKS, "models": ["sim/x"], "color": 1}, "color"),
    ({"tasks": ["/nonexistent/task"], "models": ["sim/x"]}, "no task folder matches"),
    ({"tasks": TASKS, "models": ["sim/x"], "conditions": [{"name": "x", "kind": "original",
                                                          "pipeline": "a"}]}, "not compiled"),
])
def test_bad_plans_are_one_line_errors(tmp_path, data, message):
    with pytest.raises(SkillIRError) as err:
        plan_from_data(data, base=tmp_path, source="plan.json")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_run_resume_and_report(tmp_path, capsys):
    """A plan stopped after some runs loses nothing and reruns nothing on --resume."""
    db_path = tmp_path / "bench.sqlite"
    argv = ["run", "--tasks", ",".join(TASKS), "--models", "sim/qwen3.5-9b",
            "--conditions", "no-skill,original,compiled", "--db", str(db_path), "--quiet"]
    assert skill_bench.main([*argv, "--limit", "2"]) == 0
    with ResultsDB(db_path) as db:
        first = {r["key"]: r["record"]["run_id"] for r in db.rows()}
    assert len(first) == 2
    assert skill_bench.main(argv) == 2  # the same plan again without --resume: refused
    assert "add --resume" in capsys.readouterr().err
    assert skill_bench.main([*argv, "--resume", "-j", "2"]) == 0
    with ResultsDB(db_path) as db:
        rows = db.rows()
    assert len(rows) == 6
    assert {r["key"]: r["record"]["run_id"] for r in rows if r["key"] in first} == first
    assert all(r["simulated"] == 1 and r["status"] == "ok" for r in rows)
    assert {r["condition"] for r in rows} == {"no-skill", "original", "compiled"}
    compiled = [r["record"] for r in rows if r["condition"] == "compiled"]
    assert all(c["condition"] == "compiled" for c in compiled)  # the run saw a compiled skill
    assert len(list((tmp_path / "bench-runs" / "compiled").iterdir())) == 2
    capsys.readouterr()
    assert skill_bench.main([*argv, "--resume"]) == 0
    assert "0 runs (none), 6 already done" in capsys.readouterr().out

    assert skill_bench.main(["report", "--db", str(db_path)]) == 0
    table = capsys.readouterr().out
    assert "SIMULATED" in table
    body = [line for line in table.splitlines() if line.startswith("| sim/")]
    assert len(body) == 3 and all(line.count("(simulated)") >= 8 for line in body)


def test_interrupted_plan_keeps_finished_runs(tmp_path, monkeypatch):
    plan = _plan(tmp_path)
    real = matrix.run_cell
    calls = []

    def flaky(cell, plan_, runs_dir):
        calls.append(cell.key)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(cell, plan_, runs_dir)

    monkeypatch.setattr(matrix, "run_cell", flaky)
    with ResultsDB(tmp_path / "b.sqlite") as db:
        with pytest.raises(KeyboardInterrupt):
            matrix.run_plan(plan, db, runs_dir=tmp_path / "runs", progress=None)
        assert db.count() == 2
        monkeypatch.setattr(matrix, "run_cell", real)
        summary = matrix.run_plan(plan, db, runs_dir=tmp_path / "runs", progress=None,
                                  resume=True)
        assert (summary.ran, summary.skipped) == (4, 2)
        assert db.count() == 6


def test_a_cell_that_cannot_be_set_up_is_an_error_row_and_retried(tmp_path):
    task = tmp_path / "copy" / "regex-extract"
    shutil.copytree(SUITE / "regex-extract", task)
    data = json.loads((task / "task.json").read_text())
    data["skill"] = "../missing-skill"
    (task / "task.json").write_text(json.dumps(data))
    plan = plan_from_data({"tasks": [str(task)], "models": ["sim/qwen3.5-9b"],
                           "conditions": ["original"]}, base=tmp_path, source="p")
    with ResultsDB(tmp_path / "b.sqlite") as db:
        matrix.run_plan(plan, db, runs_dir=tmp_path / "runs", progress=None)
        (row,) = db.rows()
        assert row["status"] == "error" and "missing-skill" in row["record"]["status_detail"]
        assert db.done_keys() == set()  # retried on --resume


def test_results_db_refuses_a_foreign_file(tmp_path):
    bad = tmp_path / "x.sqlite"
    bad.write_text("not a database at all" * 100)
    with pytest.raises(SkillIRError, match="cannot open the results database"):
        ResultsDB(bad)
    other = tmp_path / "o.sqlite"
    conn = sqlite3.connect(other)
    conn.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                       "INSERT INTO meta VALUES ('schema_version', '99');")
    conn.commit()
    conn.close()
    with pytest.raises(SkillIRError, match="schema 99"):
        ResultsDB(other)


def _row(task, cond, score, simulated=False):
    return {"task": task, "task_id": task, "model": "m/x", "harness": "bare-agent",
            "condition": cond, "status": "ok", "score": score, "passed": score >= 0.5,
            "simulated": int(simulated), "tokens_in": 10, "tokens_out": 5, "wall_s": 1.0,
            "model_s": 0.5}


def test_report_counts_regressions_and_labels_real_runs_plainly():
    rows = [_row("a", "no-skill", 1.0), _row("a", "compiled", 0.2), _row("b", "no-skill", 0.0),
            _row("b", "compiled", 1.0)]
    assert regressions(rows) == {("m/x", "bare-agent", "compiled"): ["a"]}
    groups = {g.condition: g for g in aggregate(rows)}
    assert groups["compiled"].completion == 0.5 and groups["compiled"].regressions == 1
    text = markdown_tables(rows)
    assert "simulated" not in text.lower() and "4 runs with real models" in text


@pytest.mark.skipif(shutil.which("chromium-headless-shell") is None,
                    reason="chromium-headless-shell not installed (make system-packages)")
def test_html_report_renders_in_a_headless_browser(tmp_path):
    rows = [_row("a", "no-skill", 1.0, True), _row("a", "original", 0.0, True),
            _row("a", "compiled", 1.0, True)]
    page = tmp_path / "index.html"
    page.write_text(html_report(rows))
    dom = subprocess.run(
        ["chromium-headless-shell", "--no-sandbox", "--disable-gpu", "--user-data-dir="
         + str(tmp_path / "profile"), "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True).stdout
    assert re.search(r'<body[^>]*data-rows="3"', dom)  # the browser ran the page's script
    width = re.search(r'data-figure-width="(\d+)"', dom)
    assert width and int(width.group(1)) > 100  # and decoded the inline figure
    assert dom.count("(simulated)") >= 3 * 8 and "SIMULATED" in dom


def test_the_same_plan_runs_on_a_local_ray_instance(tmp_path, monkeypatch):
    pytest.importorskip("ray")
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    plan = plan_from_data({"tasks": TASKS[:1], "models": ["sim/qwen3.5-9b", "sim/opus-4.6"],
                           "conditions": ["no-skill"]}, base=tmp_path, source="p")
    with ResultsDB(tmp_path / "b.sqlite") as db:
        summary = matrix.run_plan(plan, db, runs_dir=tmp_path / "runs", engine="ray", jobs=1,
                                  progress=None)
        rows = db.rows()
    assert summary.ran == 2 and {r["model"] for r in rows} == {"sim/qwen3.5-9b", "sim/opus-4.6"}
    assert all(r["status"] == "ok" and r["simulated"] for r in rows)
    assert all(Path(r["run_dir"]).is_relative_to(tmp_path / "runs") for r in rows)


def test_compiled_plus_jit_runs_through_solidification(tmp_path):
    plan = plan_from_data({"tasks": TASKS[:1], "models": ["sim/opus-4.6"],
                           "conditions": ["compiled+jit"], "seeds": [0, 1]},
                          base=tmp_path, source="p")
    with ResultsDB(tmp_path / "b.sqlite") as db:
        matrix.run_plan(plan, db, runs_dir=tmp_path / "runs", progress=None)
        rows = db.rows()
    assert [r["status"] for r in rows] == ["ok", "ok"]
    assert all("jit" in r["record"] and "jit_observed" in r["record"] for r in rows)
    assert (tmp_path / "runs" / "jit").is_dir()
