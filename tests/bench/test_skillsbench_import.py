"""The SkillsBench (Harbor) importer: the 22 corpus tasks (no graders, no solutions, no
Dockerfiles in this copy) import without crashing and are classified with the right reasons;
the synthetic Harbor task in tests/data/skillsbench imports to a runnable task whose pytest
grader passes on its reference solution and fails on an empty workspace; skill-run runs it or
says why not."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from corpus_paths import CORPUS
from skillir.bench.graders import GradeContext, grade_task, validate_grade_records
from skillir.bench.harbor_tests import list_tests, rewrite_paths
from skillir.bench.run import JudgeFactory, RunOptions, run_task
from skillir.bench.skillsbench import (
    analyze_harbor_task,
    find_harbor_tasks,
    format_listing,
    import_harbor_task,
    import_skillsbench,
    listing,
    strip_workspace_prefixes,
    write_task,
)
from skillir.bench.task import load_task, load_task_data
from skillir.errors import SkillIRError
from skillir.runtime.providers.base import ToolCall
from skillir.runtime.sandbox import Sandbox
from skillir.runtime.testing import ScriptedProvider, turn
from skillir.runtime.tools import BARE_AGENT_TOOLS, ToolExecutor
from skillir.tools import skill_run

DATA = Path(__file__).resolve().parents[1] / "data" / "skillsbench"
SYNTH = DATA / "tasks" / "sales-summary"
SB = CORPUS / "skillsbench"
NO_GRADER = {"dialogue-parser", "manufacturing-fjsp-optimization"}
REASONS = {  # a substring each corpus task's skip reasons must contain (host-independent)
    "3d-scan-calc": "input files not in this copy: scan_data.stl",
    "citation-check": "needs the network",
    "dapt-intrusion-detection": "packets.pcap",
    "earthquake-phase-association": "data/wave.mseed",
    "econ-detrending-correlation": "ERP-2025-table10.xls",
    "fix-build-agentops": "/home/github/build/failed",
    "fix-erlang-ssh-cve": "workspace/otp_src_27.3.2",
    "flood-risk-analysis": "needs the network: downloads",
    "gh-repo-analytics": "docker-compose.yaml",
    "hvac-control": "hvac_simulator.py",
    "invoice-fraud-detection": "invoices.pdf, vendors.xlsx",
    "jax-computing-basics": "data/x.npy",
    "mario-coin-counting": "super-mario.mp4",
    "offer-letter-generator": "offer_letter_template.docx",
    "pdf-excel-diff": "employees_backup.pdf, employees_current.xlsx",
    "powerlifting-coef-calc": "data/openipf.xlsx",
    "sec-financial-report": "2025-q2",
    "setup-fuzzing-py": "needs the network: package installs",
    "suricata-custom-exfil": "pcaps",
    "xlsx-recover-data": "nasa_budget_incomplete.xlsx",
}
SUMMARY = {"total": 152.5, "by_region": {"north": 55.0, "south": 25.0, "east": 72.5},
           "top_region": "east"}


@pytest.fixture(scope="module")
def corpus_tasks():
    if not SB.is_dir():
        pytest.skip(f"SkillsBench corpus not found at {SB}")
    return {t.id: t for t in listing(SB)}


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SKILLIR_CONFIG", str(tmp_path / "no-config.json"))
    return tmp_path / "home"


# -- the corpus -----------------------------------------------------------------------------
def test_all_22_corpus_tasks_are_classified(corpus_tasks):
    assert len(corpus_tasks) == 22
    assert set(corpus_tasks) == NO_GRADER | set(REASONS)
    for tid, t in corpus_tasks.items():
        if tid in NO_GRADER:
            assert t.status == "no-grader" and t.host_ready, (tid, t.skip_reasons)
        else:
            assert t.status == "skipped", tid
            assert any(REASONS[tid] in r for r in t.skip_reasons), (tid, t.skip_reasons)
        assert t.grading.startswith("none: tests/test_outputs.py not in this copy"), tid
        assert t.reference.startswith("none: solution/solve.sh not in this copy"), tid
        assert any("environment/Dockerfile not in this copy" in n for n in t.notes), tid
    assert "solution/ holds data only: dialogue.json, script.txt" in \
        corpus_tasks["dialogue-parser"].reference
    assert corpus_tasks["hvac-control"].grading == (
        "none: tests/test_outputs.py not in this copy (left out of the corpus as code, "
        "11601 bytes)")
    assert any(n.startswith("tests/test_setup.py not in this copy")
               for n in corpus_tasks["setup-fuzzing-py"].notes)
    text = format_listing(list(corpus_tasks.values()))
    assert text.endswith("22 tasks: 0 runnable, 20 skipped, 2 without a grader")


def test_every_corpus_task_imports_and_loads(corpus_tasks, tmp_path):
    for tid, ht in corpus_tasks.items():
        dest = tmp_path / tid
        write_task(ht, dest)
        task = load_task(dest)
        assert task.id == tid and task.host_ready == ht.host_ready
        assert task.max_steps == 50
        info = task.extra["skillsbench"]
        assert info["status"] == ht.status and info["skipReasons"] == ht.skip_reasons
        assert [c.method for c in task.eval] == ["llm-judge"]  # no tests in this copy
        assert task.grading_type == "llm_judge"
        assert not (dest / "REFERENCE").exists() and not (dest / "grade.py").exists()
        assert not re.search(r"(?<![\w.:/~-])/(root|app|workspace)/", task.prompt), tid
        for p in task.skill_paths:
            assert (p / "SKILL.md").is_file()


def test_corpus_metadata_prompt_fixtures_and_skills(corpus_tasks, tmp_path):
    fjsp = corpus_tasks["manufacturing-fjsp-optimization"]
    assert fjsp.difficulty == "medium" and fjsp.category == "manufacturing"
    assert fjsp.timeout_ms == 600_000 and fjsp.verifier_timeout_s == 300.0
    assert "data/instance.txt" in fjsp.fixtures and "output/solution.json" in fjsp.prompt
    scan = corpus_tasks["3d-scan-calc"]
    assert "`scan_data.stl`" in scan.prompt and "/root" not in scan.prompt
    assert strip_workspace_prefixes("in `/app/` and /root/x.txt") == "in `./` and x.txt"
    write_task(scan, tmp_path / "scan")
    skill = (tmp_path / "scan" / "skills" / "mesh-analysis" / "SKILL.md").read_text()
    assert "sys.path.append('./scripts')" in skill and "/root/.claude" not in skill
    original = (SB / "tasks" / "3d-scan-calc" / "environment" / "skills" / "mesh-analysis"
                / "SKILL.md").read_text()
    assert "/root/.claude/skills/mesh-analysis/scripts" in original  # the corpus is untouched


def test_batch_import_deduplicates_skills_by_sha256(tmp_path):
    if not SB.is_dir():
        pytest.skip("no corpus")
    out = tmp_path / "out"
    import_skillsbench(SB, out)
    corpus_skills = list((SB / "tasks").glob("*/environment/skills/*/SKILL.md"))
    digests = {hashlib.sha256(p.read_bytes()).hexdigest() for p in corpus_skills}
    written = list((out / "skills").glob("*/SKILL.md"))
    assert len(corpus_skills) == 53 and len(written) == len(digests) < 53
    users = [json.loads(p.read_text())["skill"] for p in (out / "tasks").glob("*/task.json")]
    assert sum("../../skills/xlsx" in (u or []) for u in users) == 4
    for folder in (out / "tasks").iterdir():
        task = load_task(folder)  # folder name == id: the strict loader accepts it
        assert all((p / "SKILL.md").is_file() for p in task.skill_paths)


def test_name_collisions_get_the_task_suffix(tmp_path):
    root = tmp_path / "bench" / "tasks"
    for tid, body in (("a-task", "first"), ("b-task", "second")):
        shutil.copytree(SYNTH, root / tid)
        (root / tid / "environment" / "skills" / "csv-summary" / "SKILL.md").write_text(
            f"---\nname: csv-summary\ndescription: {body}\n---\n\n# {body}\n")
    import_skillsbench(tmp_path / "bench", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out" / "skills").iterdir()) == \
        ["csv-summary", "csv-summary-b-task"]


# -- the synthetic Harbor task --------------------------------------------------------------
def test_synthetic_task_analysis():
    ht = analyze_harbor_task(SYNTH)
    assert ht.status == "runnable" and ht.host_ready and ht.test_count == 5
    assert ht.difficulty == "medium" and ht.timeout_ms == 120_000
    assert ht.verifier_timeout_s == 60.0
    assert sorted(ht.fixtures) == ["data/sales.csv"]  # the Dockerfile's COPY lines decide
    assert any("/opt/notes.txt" in n for n in ht.notes)
    assert ht.reference == "solution/solve.sh -> REFERENCE/run.sh"
    assert [i for i, _ in list_tests((SYNTH / "tests" / "test_outputs.py").read_text())] == [
        "test_output_exists", "test_total", "test_region_revenue",
        "TestTopRegion::test_top_region", "TestTopRegion::test_no_extra_regions"]


def test_skip_reasons_of_a_docker_only_task():
    ht = analyze_harbor_task(DATA / "tasks" / "web-status")
    assert ht.status == "skipped"
    joined = "; ".join(ht.skip_reasons)
    for part in ("needs nginx", "needs a GPU (environment.gpus = 1)", "needs the network"):
        assert part in joined
    assert ht.reference == "none: no solution/solve.sh"
    assert ht.grading == "none: tests/test_outputs.py not in this copy"


def _imported(tmp_path):
    ht, task = import_harbor_task(SYNTH, tmp_path / "imported", reward="fraction")
    ws = tmp_path / "ws"
    ws.mkdir()
    task.materialize(ws)
    return task, ws


def _grade(task, ws):
    return grade_task(GradeContext(task=task, workspace=ws, transcript=[]))


def test_reference_passes_the_imported_pytest_grader(tmp_path):
    task, ws = _imported(tmp_path)
    assert sorted(p.name for p in task.dir.iterdir()) == [
        ".skillir-output", "REFERENCE", "_harbor_tests.py", "fixtures", "grade.py", "skills", "task.json", "tests"]
    assert task.skill_paths == (task.dir / "skills" / "csv-summary",)
    skill = (task.dir / "skills" / "csv-summary" / "SKILL.md").read_text()
    assert "python3 ./scripts/summarize.py" in skill
    ref = (task.dir / "REFERENCE").resolve()
    sandbox = Sandbox(ws, ro_binds=(ref,))
    sandbox.adopt()
    res = ToolExecutor(sandbox, tools=BARE_AGENT_TOOLS).execute(
        ToolCall(id="r", name="execute_command", arguments={"command": f"bash {ref}/run.sh"}))
    assert not res.is_error, res.content
    assert json.loads((ws / "output" / "summary.json").read_text()) == SUMMARY
    result = _grade(task, ws)
    crit = result.criteria[0]
    assert result.score >= 0.9 and result.passed and not crit.infra_error, crit.details
    assert [cp["name"] for cp in crit.checkpoints][-2:] == [
        "TestTopRegion::test_top_region", "TestTopRegion::test_no_extra_regions"]
    assert all(cp["weight"] == pytest.approx(0.2) for cp in crit.checkpoints)
    assert crit.checkpoints[2]["reason"] == "3 of 3 cases passed"
    assert crit.checkpoints[1]["description"].startswith("The total revenue is the sum")


def test_empty_workspace_and_partial_output_fail(tmp_path):
    task, ws = _imported(tmp_path)
    empty = _grade(task, ws)
    assert empty.score == 0.0 and not empty.passed and not empty.criteria[0].infra_error
    (ws / "output").mkdir()
    wrong = {**SUMMARY, "by_region": {**SUMMARY["by_region"], "north": 50.0},
             "top_region": "north"}
    (ws / "output" / "summary.json").write_text(json.dumps(wrong))
    partial = _grade(task, ws)
    cps = {cp["name"]: cp["score"] for cp in partial.criteria[0].checkpoints}
    assert cps["test_region_revenue"] == pytest.approx(2 / 3)
    assert cps["TestTopRegion::test_top_region"] == 0.0 and cps["test_output_exists"] == 1.0
    assert partial.score == pytest.approx((1 + 1 + 2 / 3 + 0 + 1) / 5)


def test_wrapper_returns_the_list_protocol_and_missing_modules_are_infra(tmp_path):
    from skillir.bench.harbor_tests import run_tests

    ws = tmp_path / "ws"
    (ws / "output").mkdir(parents=True)
    (ws / "output" / "summary.json").write_text(json.dumps(SUMMARY))
    records = run_tests(str(ws), tests_dir=SYNTH / "tests", timeout_s=60)
    assert validate_grade_records(records) == (records, None)
    assert [r["score"] for r in records] == [1.0] * 5
    broken = tmp_path / "tests"
    shutil.copytree(SYNTH / "tests", broken)
    (broken / "test_outputs.py").write_text("import no_such_module_here\n\n\n"
                                            "def test_x():\n    assert True\n")
    with pytest.raises(ImportError, match="no_such_module_here"):
        run_tests(str(ws), tests_dir=broken, timeout_s=60)


def test_rewrite_paths():
    text = 'open("/root/out.json"); Path("/app") / "x"; "/tests/expected.json"; "/logs/a"'
    assert rewrite_paths(text, "/W", "/T", "/L") == \
        'open("/W/out.json"); Path("/W") / "x"; "/T/expected.json"; "/L/a"'


def test_bad_task_toml_is_an_error_and_listed_as_skipped(tmp_path):
    bad = tmp_path / "tasks" / "broken"
    shutil.copytree(SYNTH, bad)
    (bad / "task.toml").write_text("[metadata\n")
    with pytest.raises(SkillIRError, match="task.toml is not valid TOML"):
        analyze_harbor_task(bad)
    [entry] = listing(tmp_path)
    assert entry.status == "skipped" and "cannot be imported" in entry.skip_reasons[0]
    with pytest.raises(SkillIRError, match="no SkillsBench"):
        find_harbor_tasks(tmp_path / "nothing")


# -- running --------------------------------------------------------------------------------
def test_run_task_on_the_imported_task_with_a_scripted_agent(tmp_path, home):
    ht, task = import_harbor_task(SYNTH)  # into the cache under SKILLIR_HOME
    assert task.dir.is_relative_to(home) and task.dir.name == "sales-summary"
    again = import_harbor_task(SYNTH)[1]
    assert again.dir == task.dir  # unchanged source: the cached import is reused
    agent = ScriptedProvider([turn("writing", [("write_file", {
        "path": "output/summary.json", "content": json.dumps(SUMMARY)})])])
    record = run_task(task, agent, options=RunOptions(runs_dir=tmp_path / "runs"))
    assert record["status"] == "ok" and record["score"] == 1.0, record.get("criteria")


def test_ungraded_corpus_task_runs_with_a_judge(tmp_path):
    if not SB.is_dir():
        pytest.skip("no corpus")
    ht, task = import_harbor_task(SB / "tasks" / "dialogue-parser", tmp_path / "dialogue")
    assert ht.status == "no-grader" and [c.method for c in task.eval] == ["llm-judge"]
    assert (task.dir / "fixtures" / "script.txt").is_file()  # environment/script.txt
    judge = JudgeFactory("scripted/judge", builder=lambda m, c: ScriptedProvider(
        [turn('{"score": 0.25, "reasoning": "no dialogue.json"}')]))
    record = run_task(task, ScriptedProvider(), judge=judge,
                      options=RunOptions(runs_dir=tmp_path / "runs"))
    assert record["status"] == "ok" and record["score"] == pytest.approx(0.25)


def test_skill_run_reports_skipped_and_ungraded_corpus_tasks(capsys):
    if not SB.is_dir():
        pytest.skip("no corpus")
    code = skill_run.main(["--task", str(SB / "tasks" / "3d-scan-calc"), "--model", "x/y"])
    err = capsys.readouterr().err
    assert code == 3
    assert "skill-run: 3d-scan-calc: skipped: input files not in this copy: scan_data.stl" in err
    code = skill_run.main(["--task", str(SB / "tasks" / "dialogue-parser"), "--json"])
    out, err = capsys.readouterr()
    assert code == 4 and "cannot be scored: no grader" in err and "--judge-model" in err
    assert json.loads(out)["status"] == "no-grader"
    assert skill_run.main(["--list-skillsbench", str(SB)]) == 0
    assert "22 tasks: 0 runnable, 20 skipped, 2 without a grader" in capsys.readouterr().out


def test_skill_run_imports_a_runnable_harbor_task(home, capsys, tmp_path):
    code = skill_run.main(["--task", str(SYNTH), "--model", "nosuchprovider/x",
                           "--runs-dir", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 2 and "nosuchprovider" in err  # it got past the import to the provider
    cached = list((home / "imports" / "skillsbench").glob("*/sales-summary/task.json"))
    assert len(cached) == 1
    data = json.loads(cached[0].read_text())
    assert load_task_data(data, cached[0].parent).extra["skillsbench"]["status"] == "runnable"
