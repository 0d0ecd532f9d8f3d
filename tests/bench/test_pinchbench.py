"""The PinchBench importer: task markdown with front matter and an embedded grade() becomes
a runnable SkVM task; its dict-returning grader is wrapped into python-grade records."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.bench.graders import GradeContext, grade_task
from skillir.bench.pinchbench import analyze_pinch_task, import_pinch_task, listing, main
from skillir.bench.run import JudgeFactory, RunOptions, run_task
from skillir.errors import SkillIRError
from skillir.runtime.testing import ScriptedProvider, turn

PB = ROOT / "tests" / "data" / "pinchbench"
WORDS = PB / "tasks" / "task_word_count.md"
HYBRID = PB / "tasks" / "task_poem_summary.md"
MIRROR = Path("/work/.mirror/pinchbench+skill/repo")


def test_analyze_reads_front_matter_sections_and_workspace_files():
    pt = analyze_pinch_task(WORDS)
    assert (pt.id, pt.grading_type, pt.timeout_ms, pt.status) == (
        "task_word_count", "automated", 60_000, "runnable")
    assert pt.prompt.startswith("Count the words in `poem.txt`")
    assert "---" not in pt.prompt and "Expected Behavior" not in pt.prompt
    assert pt.fixtures == {"poem.txt": PB / "assets" / "texts" / "poem.txt"}
    assert pt.grader is not None and pt.grader.startswith("def grade(")


def test_listing_skips_multi_session_and_says_why():
    rows = {(r.id if hasattr(r, "id") else r["id"]): r for r in listing(PB)}
    assert set(rows) == {"task_word_count", "task_poem_summary", "task_two_sessions"}
    skipped = rows["task_two_sessions"]
    assert skipped.status == "skipped" and "multi_session" in skipped.skip_reasons[0]


@pytest.mark.parametrize("text, message", [
    ("no front matter\n## Prompt\nx\n", "no front matter"),
    ("---\nid: x\n---\n## Automated Checks\n", "no '## Prompt' section"),
    ("---\nid: x\ngrading_type: vibes\n---\n## Prompt\nhi\n", "grading_type 'vibes'"),
    ("---\nid: x\ntimeout_seconds: soon\n---\n## Prompt\nhi\n", "timeout_seconds"),
])
def test_bad_task_files_are_one_line_errors(tmp_path, text, message):
    f = tmp_path / "task_bad.md"
    f.write_text(text)
    with pytest.raises(SkillIRError) as err:
        analyze_pinch_task(f)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_workspace_files_outside_or_missing_make_it_skipped(tmp_path):
    f = tmp_path / "tasks" / "task_x.md"
    f.parent.mkdir()
    f.write_text("---\nid: task_x\nworkspace_files:\n  - {source: a.txt, dest: ../../etc/x}\n"
                 "  - {source: missing.csv, dest: m.csv}\n---\n## Prompt\nhi\n"
                 "## Automated Checks\n```python\ndef grade(t, w):\n    return {'a': 1.0}\n```\n")
    pt = analyze_pinch_task(f)
    assert pt.status == "skipped"
    assert any("leaves the workspace" in r for r in pt.skip_reasons)
    assert any("missing.csv" in r for r in pt.skip_reasons)


def test_imported_grader_scores_a_correct_and_an_empty_workspace(tmp_path):
    _, task = import_pinch_task(WORDS, tmp_path / "task_word_count")
    ws = tmp_path / "ws"
    ws.mkdir()
    task.materialize(ws)
    assert (ws / "poem.txt").read_text().split()[:2] == ["the", "quick"]
    empty = grade_task(GradeContext(task=task, workspace=ws, transcript=[]))
    assert empty.score == 0.0 and not empty.infra_errors
    (ws / "count.txt").write_text("11\n")
    full = grade_task(GradeContext(task=task, workspace=ws, transcript=[]))
    (crit,) = full.criteria
    assert full.score == 1.0 and [c["name"] for c in crit.checkpoints] == [
        "file_created", "count_correct"]
    assert [c["weight"] for c in crit.checkpoints] == [0.5, 0.5]


def test_hybrid_task_runs_end_to_end_with_a_scripted_agent_and_judge(tmp_path):
    _, task = import_pinch_task(HYBRID, tmp_path / "task_poem_summary")
    assert task.grading_weights == {"automated": 0.6, "llmJudge": 0.4}
    assert [c.method for c in task.eval] == ["custom", "llm-judge"]
    agent = ScriptedProvider([turn("writing", [("write_file", {
        "path": "summary.md", "content": "A fox jumps over a lazy dog.\n"})])])
    judge = JudgeFactory("scripted/judge", builder=lambda m, c: ScriptedProvider(
        [turn('{"score": 0.5, "reasoning": "faithful but flat"}')]))
    record = run_task(task, agent, judge=judge, options=RunOptions(runs_dir=tmp_path / "runs"))
    assert record["status"] == "ok"
    assert record["score"] == pytest.approx(0.6 * 1.0 + 0.4 * 0.5)


def test_module_cli_lists_and_imports(tmp_path, capsys):
    assert main(["list", str(PB), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert sorted(r["status"] for r in rows) == ["runnable", "runnable", "skipped"]
    assert main(["import", str(PB), str(tmp_path / "out")]) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "tasks").iterdir()) == [
        "task_poem_summary", "task_two_sessions", "task_word_count"]
    assert main(["list", str(tmp_path / "nothing")]) == 2
    assert "no PinchBench task files" in capsys.readouterr().err


@pytest.mark.skipif(not MIRROR.is_dir(), reason="no PinchBench mirror (fetch pinchbench/skill)")
def test_a_real_pinchbench_checkout_imports_and_its_graders_run(tmp_path):
    env = {**os.environ, "GIT_LFS_SKIP_SMUDGE": "1"}
    subprocess.run(["git", "clone", "-q", str(MIRROR), str(tmp_path / "pb")], env=env,
                   check=False, capture_output=True, timeout=120)
    rows = listing(tmp_path / "pb")
    assert len(rows) >= 20
    graded = [r for r in rows if hasattr(r, "grader") and r.grader and r.status == "runnable"]
    assert len(graded) >= 10
    for pt in graded[:5]:
        _, task = import_pinch_task(pt.source, tmp_path / "imp" / pt.id)
        ws = tmp_path / "ws" / pt.id
        ws.mkdir(parents=True)
        task.materialize(ws)
        result = grade_task(GradeContext(task=task, workspace=ws, transcript=[]))
        automated = [c for c in result.criteria if c.method == "custom"]
        assert automated and not automated[0].infra_error, automated[0].details
