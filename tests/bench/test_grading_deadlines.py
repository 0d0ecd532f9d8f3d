"""Grading ends by its deadline whatever the task's graders do: a script that sleeps
forever with a huge `timeoutMs`, a grade.py that never returns, a pytest whose test leaves a
child holding the output open; each criterion says why it scored 0. Bounds are generous:
the assertions are "it ended and said why", not durations."""

from __future__ import annotations

import time
from pathlib import Path

from skillir.bench.graders import GradeContext, grade_task
from skillir.bench.task import load_task_data

HOUR_MS = 3_600_000
TRANSCRIPT = [{"role": "user", "content": "do it"}]


def _task(tmp_path: Path, evals, grade_py: str | None = None):
    task_dir = tmp_path / "task"
    task_dir.mkdir(exist_ok=True)
    if grade_py is not None:
        (task_dir / "grade.py").write_text(grade_py)
    task = load_task_data({"id": "task", "prompt": "p", "eval": evals}, task_dir)
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    return GradeContext(task=task, workspace=ws, transcript=TRANSCRIPT)


def test_a_grading_script_that_sleeps_forever_ends_at_the_grading_deadline(tmp_path):
    ctx = _task(tmp_path, [
        {"method": "script", "id": "forever", "command": "sleep 100000", "timeoutMs": HOUR_MS},
        {"method": "script", "id": "after", "command": "true"},
    ])
    start = time.monotonic()
    res = grade_task(ctx, timeout_s=2)
    assert time.monotonic() - start < 60
    forever, after = res.criteria
    assert forever.score == 0 and "killed (timeout)" in (forever.infra_error or "")
    assert after.score == 0 and "grading deadline of 2 s passed" in (after.infra_error or "")
    assert "not graded" in after.details and res.infra_errors


def test_a_grade_py_that_never_returns_ends_at_the_grading_deadline(tmp_path):
    ctx = _task(tmp_path, [{"method": "custom", "id": "loop", "evaluatorId": "python-grade",
                            "timeoutMs": HOUR_MS}],
                grade_py="def grade(transcript, workspace):\n    while True:\n        pass\n")
    start = time.monotonic()
    res = grade_task(ctx, timeout_s=2)
    assert time.monotonic() - start < 60
    assert res.criteria[0].score == 0
    assert "grade.py was killed (timeout)" in (res.criteria[0].infra_error or "")


def test_a_fifo_named_by_a_file_check_does_not_block_grading(tmp_path, monkeypatch):
    import os

    import skillir.bench.graders as graders

    ctx = _task(tmp_path, [{"method": "file-check", "id": "f", "path": "out.txt",
                            "mode": "contains", "expected": "x"}])
    os.mkfifo(ctx.workspace / "out.txt")
    # the check saw a regular file; a FIFO is there when the file is opened (a race)
    monkeypatch.setattr(graders, "_find_file", lambda crit, c: (c.workspace / "out.txt",
                                                                "out.txt"))
    res = grade_task(ctx, timeout_s=30)
    assert res.criteria[0].score == 0 and "not a regular file" in res.criteria[0].details


def test_harbor_tests_kill_a_test_that_leaves_a_child_holding_the_output(tmp_path):
    from skillir.bench.harbor_tests import run_tests

    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_outputs.py").write_text(
        "import subprocess, time\n\n\n"
        "def test_hangs():\n"
        "    subprocess.Popen(['sleep', '100000'])  # inherits pytest's output\n"
        "    time.sleep(100000)\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    start = time.monotonic()
    records = run_tests(str(ws), tests_dir=tests, timeout_s=3)
    assert time.monotonic() - start < 60
    assert [r["id"] for r in records] == ["test_hangs"] and records[0]["score"] == 0.0
    assert "did not finish within 3 s" in records[0]["details"]
