"""Every grader, including malformed grade.py output, and SkVM's weighted score."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from skillir.bench.graders import (
    GradeContext,
    compute_weighted_score,
    fix_inline_python,
    grade_task,
    parse_junit,
    validate_grade_records,
)
from skillir.bench.judge import parse_judge_answer
from skillir.bench.task import load_task_data
from skillir.runtime.providers.base import ProviderError
from skillir.runtime.testing import ScriptedProvider, turn

TRANSCRIPT = [{"role": "user", "content": "do it"},
              {"role": "assistant", "content": [{"type": "text", "text": "ok"}]}]


def make(tmp_path: Path, evals, *, grade_py: str | None = None, files=None, **extra):
    task_dir = tmp_path / "task"
    task_dir.mkdir(exist_ok=True)
    if grade_py is not None:
        (task_dir / "grade.py").write_text(grade_py)
    task = load_task_data({"id": "task", "prompt": "Do the thing.", "eval": evals, **extra},
                          task_dir)
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    for rel, content in (files or {}).items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(content)
    return task, ws


def grade(tmp_path, evals, judge=None, **kw):
    task, ws = make(tmp_path, evals, **kw)
    return grade_task(GradeContext(task=task, workspace=ws, transcript=TRANSCRIPT,
                                   final_text="final", judge=judge))


# -- script -----------------------------------------------------------------------------------
def test_script_exit_code_and_expected_output(tmp_path):
    res = grade(tmp_path, [
        {"method": "script", "id": "ok", "command": "test -f out.txt"},
        {"method": "script", "id": "code", "command": "exit 3", "expectedExitCode": 3},
        {"method": "script", "id": "bad", "command": "exit 1"},
        {"method": "script", "id": "out", "command": "cat out.txt", "expectedOutput": "42"},
        {"method": "script", "id": "wrong", "command": "echo 41", "expectedOutput": "42"},
        {"method": "script", "id": "taskdir", "command": "test -f \"$TASK_DIR/task.json\" "
                                                          "|| test -d \"$TASK_DIR\""},
    ], files={"out.txt": "42\n"})
    scores = {c.id: c.score for c in res.criteria}
    assert scores == {"ok": 1.0, "code": 1.0, "bad": 0.0, "out": 1.0, "wrong": 0.0,
                      "taskdir": 1.0}
    assert "exit code 1 (expected 0)" in res.criteria[2].details
    assert "output mismatch" in res.criteria[4].details
    assert res.score == pytest.approx(4 / 6) and res.passed


def test_script_checkpoints_give_partial_credit(tmp_path):
    cps = {"checkpoints": [{"name": "a", "score": 1.0}, {"name": "b", "score": 0.25,
                                                           "reason": "half wrong"},
                           {"name": "c", "score": 7}]}
    res = grade(tmp_path, [{"method": "script", "command": f"echo noise; echo '{json.dumps(cps)}'"}])
    c = res.criteria[0]
    assert c.score == pytest.approx((1 + 0.25 + 1) / 3)
    assert not c.passed  # every checkpoint must reach 0.5
    assert [cp["name"] for cp in c.checkpoints] == ["a", "b", "c"]
    assert "b: 0.25 (half wrong)" in c.details


def test_script_inline_python_with_double_quotes(tmp_path):
    cmd = 'python3 -c "import json; print(json.dumps({"checkpoints": [{"name": "q", "score": 1}]}))"'
    assert "PYEOF" in fix_inline_python(cmd)
    res = grade(tmp_path, [{"method": "script", "command": cmd}])
    assert res.criteria[0].score == 1.0, res.criteria[0].details


def test_script_infra_error_and_timeout(tmp_path):
    res = grade(tmp_path, [
        {"method": "script", "id": "infra", "command": "echo '{\"infraError\": \"no pandas\"}'"},
        {"method": "script", "id": "slow", "command": "sleep 10", "timeoutMs": 300}])
    assert res.criteria[0].infra_error == "no pandas"
    assert "killed" in res.criteria[1].infra_error
    assert len(res.infra_errors) == 2


# -- file-check -------------------------------------------------------------------------------
def test_file_check_modes(tmp_path):
    schema = {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}}
    res = grade(tmp_path, [
        {"method": "file-check", "id": "exact", "path": "a.txt", "mode": "exact",
         "expected": "hello"},
        {"method": "file-check", "id": "exact-no", "path": "a.txt", "mode": "exact",
         "expected": "hell"},
        {"method": "file-check", "id": "contains", "path": "a.txt", "mode": "contains",
         "expected": "ell"},
        {"method": "file-check", "id": "regex", "path": "a.txt", "mode": "regex",
         "expected": "^h.l+o$"},
        {"method": "file-check", "id": "glob", "glob": "out/*.json", "mode": "json-schema",
         "expected": schema},
        {"method": "file-check", "id": "schema-no", "path": "out/b.json", "mode": "json-schema",
         "expected": json.dumps(schema)},
        {"method": "file-check", "id": "notjson", "path": "a.txt", "mode": "json-schema",
         "expected": schema},
        {"method": "file-check", "id": "missing", "path": "nope.txt", "mode": "contains",
         "expected": "x"},
        {"method": "file-check", "id": "noglob", "glob": "*.csv", "mode": "contains",
         "expected": "x"},
    ], files={"a.txt": "hello\n", "out/a.json": '{"n": 3}', "out/b.json": '{"n": "three"}'})
    scores = {c.id: c.score for c in res.criteria}
    assert scores == {"exact": 1, "exact-no": 0, "contains": 1, "regex": 1, "glob": 1,
                      "schema-no": 0, "notjson": 0, "missing": 0, "noglob": 0}
    details = {c.id: c.details for c in res.criteria}
    assert "/n: 'three' is not of type 'integer'" in details["schema-no"]
    assert "not JSON" in details["notjson"] and "file not found" in details["missing"]
    assert "no file matches glob" in details["noglob"]


def test_file_check_does_not_follow_symlinks_out(tmp_path):
    (tmp_path / "secret").write_text("hello")
    task, ws = make(tmp_path, [{"method": "file-check", "path": "a.txt", "mode": "contains",
                                "expected": "hello"}])
    os.symlink(tmp_path / "secret", ws / "a.txt")
    res = grade_task(GradeContext(task=task, workspace=ws, transcript=[]))
    assert res.criteria[0].score == 0 and "outside the workspace" in res.criteria[0].details


# -- python-grade -----------------------------------------------------------------------------
GOOD = """
import os
def grade(transcript, workspace_path):
    ok = os.path.exists(os.path.join(workspace_path, "a.txt"))
    said = transcript[1]["content"][0]["text"]
    return [{"id": "exists", "score": 1.0 if ok else 0.0, "weight": 0.75,
             "description": "a.txt exists"},
            {"id": "said-ok", "score": 0.5 if said == "ok" else 0.0, "weight": 0.25}]
"""


def test_python_grade_valid(tmp_path):
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade"}], grade_py=GOOD,
                files={"a.txt": "x"})
    c = res.criteria[0]
    assert c.score == pytest.approx(0.75 + 0.125) and c.passed and not c.infra_error
    assert [cp["name"] for cp in c.checkpoints] == ["exists", "said-ok"]
    assert c.checkpoints[0]["description"] == "a.txt exists"


def test_python_grade_inline_payload(tmp_path):
    src = "def grade(t, w):\n    return [{'id': 'x', 'score': 1, 'weight': 1}]\n"
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade", "payload": src}])
    assert res.criteria[0].score == 1.0


MALFORMED_OUTPUTS = [
    ("{'a': 1.0}", "must return a list of criterion records, got dict"),
    ("[]", "grade() returned an empty list"),
    ("[1.0]", "record 0 is not a dict"),
    ("[{'id': 'a', 'score': 1}]", "record 0 (a) missing required field 'weight'"),
    ("[{'score': 1, 'weight': 1}]", "missing required field 'id'"),
    ("[{'id': 'a', 'score': 1, 'weight': 0.5}, {'id': 'a', 'score': 1, 'weight': 0.5}]",
     "duplicate criterion id: 'a'"),
    ("[{'id': 'a', 'score': 1.5, 'weight': 1}]", "record a score 1.5 not in [0, 1]"),
    ("[{'id': 'a', 'score': -0.1, 'weight': 1}]", "not in [0, 1]"),
    ("[{'id': 'a', 'score': True, 'weight': 1}]", "score True not in [0, 1]"),
    ("[{'id': 'a', 'score': '1', 'weight': 1}]", "score '1' not in [0, 1]"),
    ("[{'id': 'a', 'score': float('nan'), 'weight': 1}]", "not in [0, 1]"),
    ("[{'id': 'a', 'score': 1, 'weight': -1}, {'id': 'b', 'score': 1, 'weight': 2}]",
     "record a has negative weight -1"),
    ("[{'id': 'a', 'score': 1, 'weight': 0.5}, {'id': 'b', 'score': 1, 'weight': 0.4}]",
     "criterion weights must sum to 1.0, got 0.9000"),
    ("[{'id': '', 'score': 1, 'weight': 1}]", "id that is not a non-empty string"),
    ("None", "got NoneType"),
    ("(x for x in [])", "got generator"),
    ("({'id': 'a', 'score': 1, 'weight': 1},)", "got tuple"),
]


@pytest.mark.parametrize(("returned", "message"), MALFORMED_OUTPUTS,
                         ids=[m for _, m in MALFORMED_OUTPUTS])
def test_python_grade_protocol_violations_score_zero(tmp_path, returned, message):
    src = f"def grade(transcript, workspace_path):\n    return {returned}\n"
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade"}], grade_py=src)
    c = res.criteria[0]
    assert c.score == 0.0 and not c.passed and c.infra_error is None
    assert "protocol violation" in c.details and message in c.details


def test_numpy_like_scalars_count_as_numbers(tmp_path):
    src = ("class F:\n    def __float__(self):\n        return 0.5\n"
           "def grade(t, w):\n    return [{'id': 'a', 'score': F(), 'weight': 1}]\n")
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade"}], grade_py=src)
    assert res.criteria[0].score == 0.5


def test_weights_within_tolerance_are_accepted():
    recs, err = validate_grade_records([{"id": "a", "score": 1, "weight": 0.3334},
                                        {"id": "b", "score": 0, "weight": 0.6670}])
    assert err is None and len(recs) == 2


def test_python_grade_raising_and_missing_dependency(tmp_path):
    raising = "def grade(t, w):\n    raise FileNotFoundError('report.md')\n"
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade"}],
                grade_py=raising)
    c = res.criteria[0]
    assert c.score == 0 and c.infra_error is None
    assert "grade() raised FileNotFoundError: report.md" in c.details
    missing = "import surely_not_installed_pkg\ndef grade(t, w):\n    return []\n"
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade"}],
                grade_py=missing)
    assert "surely_not_installed_pkg" in res.criteria[0].infra_error


def test_python_grade_that_prints_noise_or_hangs(tmp_path):
    noisy = ("import sys\ndef grade(t, w):\n    print('@@SKILLIR-GRADE@@fake:{\"ok\": true}')\n"
             "    sys.stderr.write('warn\\n')\n"
             "    return [{'id': 'a', 'score': 0.25, 'weight': 1}]\n")
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade"}], grade_py=noisy)
    assert res.criteria[0].score == 0.25
    hang = "import time\ndef grade(t, w):\n    time.sleep(30)\n"
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "python-grade",
                            "timeoutMs": 500}], grade_py=hang)
    assert "killed" in res.criteria[0].infra_error


# -- junit-grade ------------------------------------------------------------------------------
JUNIT_XML = """<?xml version="1.0"?>
<testsuites><testsuite name="s">
  <testcase classname="backlog.json" name="file exists"/>
  <testcase classname="stories" name="exactly 5 user stories"><failure>4</failure></testcase>
  <testcase classname="stories" name="each story has points"/>
  <testcase classname="pipe" name="Version: 1.0 | Data:"/>
</testsuite></testsuites>"""


def test_junit_grade_with_a_custom_runner(tmp_path):
    runner = tmp_path / "task" / "emit_junit.py"
    runner.parent.mkdir(parents=True, exist_ok=True)
    runner.write_text(f"import sys\nopen(sys.argv[1], 'w').write({JUNIT_XML!r})\n")
    payload = {"testFile": "unused.test.ts", "command": "python3 $TASK_DIR/emit_junit.py {out}",
               "criteria": [
                   {"id": "exists", "weight": 0.2, "description": "d",
                    "testPattern": "backlog.json > file exists"},
                   {"id": "stories", "weight": 0.4, "description": "d",
                    "testPattern": "stories >"},
                   {"id": "pipe", "weight": 0.2, "description": "d",
                    "testPattern": "version: 1\\.0 \\| data"},
                   {"id": "none", "weight": 0.2, "description": "d",
                    "testPattern": "nothing matches|neither"}]}
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "junit-grade",
                            "payload": payload}])
    c = res.criteria[0]
    scores = {cp["name"]: cp["score"] for cp in c.checkpoints}
    assert scores == {"exists": 1.0, "stories": 0.5, "pipe": 1.0, "none": 0.0}
    assert c.score == pytest.approx(0.2 + 0.2 + 0.2)
    assert "no tests matched" in c.checkpoints[3]["reason"]
    assert not list((tmp_path / "ws").glob(".skillir-junit-*"))


def test_junit_grade_without_a_runner_is_an_infra_error(tmp_path):
    payload = {"testFile": "x.test.ts", "command": "definitely-not-a-command {testFile} {out}",
               "criteria": [{"id": "a", "weight": 1, "description": "d", "testPattern": "a"}]}
    res = grade(tmp_path, [{"method": "custom", "evaluatorId": "junit-grade",
                            "payload": payload}])
    assert res.criteria[0].infra_error == "test runner unavailable"


def test_parse_junit_names():
    cases = parse_junit(JUNIT_XML)
    assert cases["backlog.json > file exists"] is True
    assert cases["stories > exactly 5 user stories"] is False


# -- llm-judge --------------------------------------------------------------------------------
def judge_with(*turns):
    provider = ScriptedProvider(list(turns), name="scripted/judge")
    seen = []

    def factory(model):
        seen.append(model)
        return provider

    return factory, provider, seen


JUDGE = {"method": "llm-judge", "rubric": {"form": "3 lines", "topic": "compilers"},
         "maxScore": 10}


def test_llm_judge_tool_call(tmp_path):
    factory, provider, seen = judge_with(turn("", [("submit_grade", {"score": 7,
                                                                     "reasoning": "decent"})]))
    res = grade(tmp_path, [JUDGE], judge=factory, files={"poem.txt": "bits flow\n",
                                                         "skills/s/SKILL.md": "hidden"})
    c = res.criteria[0]
    assert c.score == pytest.approx(0.7) and c.passed and "7/10" in c.details
    assert c.usage == {"input": 10, "output": 5}
    prompt = provider.calls[0][1].content
    assert "### poem.txt" in prompt and "bits flow" in prompt and "SKILL.md" not in prompt
    assert "- form: 3 lines" in prompt and "Do the thing." in prompt
    assert provider.tools_seen[0] == ["submit_grade"] and seen == [None]


def test_llm_judge_json_text_and_model_override(tmp_path):
    factory, _, seen = judge_with(turn('Here: {"score": 12, "reasoning": "great"}'))
    res = grade(tmp_path, [{**JUDGE, "model": "anthropic/judge"}], judge=factory)
    assert res.criteria[0].score == 1.0  # clamped to maxScore
    assert seen == ["anthropic/judge"]


def test_llm_judge_failures_are_infra_errors(tmp_path):
    factory, _, _ = judge_with(turn("I like it a lot."))
    res = grade(tmp_path, [JUDGE], judge=factory)
    assert "no score" in res.criteria[0].infra_error
    factory, _, _ = judge_with(ProviderError("HTTP 503"))
    res = grade(tmp_path, [JUDGE], judge=factory)
    assert "judge call failed" in res.criteria[0].infra_error
    res = grade(tmp_path, [JUDGE], judge=None)
    assert "no judge model configured" in res.criteria[0].infra_error


def test_parse_judge_answer():
    assert parse_judge_answer("", {"score": "3", "reasoning": "r"}) == (3.0, "r")
    assert parse_judge_answer('x {"score": 0.5, "reason": "y"} z', None) == (0.5, "y")
    assert parse_judge_answer("Score: 8/10", None)[0] == 8.0
    assert parse_judge_answer("no number here", None) is None


# -- scoring ----------------------------------------------------------------------------------
def test_weighted_score_strategies():
    # per-criterion weights (missing ones default to 1/n), normalised
    assert compute_weighted_score([("script", 1.0, 0.7), ("llm-judge", 0.0, 0.3)])[0] == \
        pytest.approx(0.7)
    overall, auto, judge = compute_weighted_score([("script", 1.0, 3.0), ("file-check", 0.0,
                                                                            None)])
    assert overall == pytest.approx(3 / (3 + 0.5)) and auto == 0.5 and judge is None
    # gradingWeights split between automated and judge means
    gw = {"automated": 0.5, "llmJudge": 0.5}
    assert compute_weighted_score([("script", 1.0, None), ("file-check", 0.0, None),
                                   ("llm-judge", 1.0, None)], gw)[0] == pytest.approx(0.75)
    assert compute_weighted_score([("script", 0.4, None)], gw)[0] == pytest.approx(0.4)
    # flat mean
    assert compute_weighted_score([("script", 1.0, None), ("custom", 0.0, None)])[0] == 0.5
    assert compute_weighted_score([]) == (0.0, None, None)


def test_pass_threshold(tmp_path):
    res = grade(tmp_path, [{"method": "script", "command": "true", "weight": 0.5},
                           {"method": "script", "command": "false", "weight": 0.5}])
    assert res.score == 0.5 and res.passed
    res = grade(tmp_path, [{"method": "script", "command": "true", "weight": 0.49},
                           {"method": "script", "command": "false", "weight": 0.51}])
    assert not res.passed
