"""task.json loading: valid tasks, and every malformed field named in a one-line error."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from skillir.bench.task import load_task, load_task_data, split_alternatives
from skillir.errors import SkillIRError

TASKS = Path(__file__).resolve().parents[1] / "data" / "tasks"

BASE = {"id": "t1", "prompt": "Do it.", "eval": [
    {"method": "file-check", "path": "out.txt", "mode": "exact", "expected": "x"}]}

JUNIT = {"method": "custom", "evaluatorId": "junit-grade", "payload": {
    "testFile": "t.test.ts",
    "criteria": [{"id": "a", "weight": 0.5, "description": "A", "testPattern": "alpha|al\\|pha"},
                 {"id": "b", "weight": 0.5, "description": "B", "testPattern": "beta"}]}}


def write_task(root: Path, data, name: str = "t1") -> Path:
    d = root / name
    d.mkdir(parents=True, exist_ok=True)
    (d / "task.json").write_text(data if isinstance(data, str) else json.dumps(data))
    return d


def test_example_tasks_load():
    t = load_task(TASKS / "hello_write")
    assert t.id == "hello_write" and t.max_steps == 3 and t.timeout_ms == 60000
    assert t.difficulty == "easy" and t.category == "file-ops" and len(t.eval) == 2
    g = load_task(TASKS / "graded_python" / "task.json")
    assert g.fixtures_dir is not None and g.fixtures == {"notes/readme.txt": "inline fixture"}
    assert g.eval[0].evaluator == "python-grade" and "def grade" in g.eval[0].payload
    j = load_task(TASKS / "judged")
    assert j.grading_weights == {"automated": 0.5, "llmJudge": 0.5}
    assert [c.id for c in j.eval] == ["file-check-0", "llm-judge-1"]


def test_defaults_and_extras(tmp_path):
    data = {**BASE, "difficulty": "middle", "skill": "../../skills/x", "requires": ["a"],
            "origin": {"source": "skvm-bench"}}
    t = load_task(write_task(tmp_path, data))
    assert t.timeout_ms == 120_000 and t.max_steps == 30 and t.category == "general"
    assert t.difficulty == "medium" and t.host_ready and t.extra == {"requires": ["a"]}
    assert t.skill_paths == (tmp_path / "t1" / "../../skills/x",)


def test_materialize_fixtures(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    written = load_task(TASKS / "graded_python").materialize(ws)
    assert sorted(written) == ["notes/readme.txt", "numbers.csv"]
    assert (ws / "numbers.csv").read_text().startswith("name,value")
    assert (ws / "notes/readme.txt").read_text() == "inline fixture"
    assert not (ws / "grade.py").exists() and not (ws / "task.json").exists()


def test_junit_payload_validates(tmp_path):
    t = load_task(write_task(tmp_path, {**BASE, "eval": [JUNIT]}))
    pats = t.eval[0].payload["_patterns"]
    assert [[p.pattern for p in alts] for alts in pats] == [["alpha", "al\\|pha"], ["beta"]]
    assert split_alternatives("a|b\\|c| |d") == ["a", "b\\|c", "d"]


def mutate(path: str, value):
    """A copy of BASE with the dotted path (list indexes as ints) set; value DELETE removes."""
    data = copy.deepcopy(BASE)
    keys = path.split(".")
    target = data
    for k in keys[:-1]:
        target = target[int(k)] if k.isdigit() else target[k]
    last = int(keys[-1]) if keys[-1].isdigit() else keys[-1]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return data


DELETE = object()
FC = {"method": "file-check", "path": "o", "mode": "exact", "expected": "x"}

MALFORMED = [
    (mutate("id", DELETE), "'id' is missing"),
    (mutate("id", "other"), "'id' is 'other' but the folder is named 't1'"),
    (mutate("prompt", ""), "'prompt' must not be empty"),
    (mutate("prompt", 3), "'prompt' must be a string"),
    (mutate("timeoutMs", -5), "'timeoutMs' must be greater than 0"),
    (mutate("timeoutMs", "60s"), "'timeoutMs' must be a number"),
    (mutate("maxSteps", 2.5), "'maxSteps' must be a whole number"),
    (mutate("gradingType", "vibes"), "'gradingType' must be one of"),
    (mutate("difficulty", "extreme"), "'difficulty' must be easy, medium or hard"),
    (mutate("hostReady", "yes"), "'hostReady' must be true or false"),
    (mutate("fixtures", ["a"]), "'fixtures' must be an object"),
    (mutate("fixtures", {"../x": "a"}), "'fixtures.../x' must be a relative path"),
    (mutate("fixtures", {"/etc/x": "a"}), "'fixtures./etc/x' must be a relative path"),
    (mutate("fixtures", {"a.txt": 5}), "'fixtures.a.txt' must be a string"),
    (mutate("gradingWeights", {"automated": 1}), "'gradingWeights.llmJudge' is missing"),
    (mutate("gradingWeights", {"automated": -1, "llmJudge": 1}),
     "'gradingWeights.automated' must be at least 0"),
    (mutate("skill", 5), "'skill' must be a path"),
    (mutate("eval", DELETE), "'eval' is missing"),
    (mutate("eval", []), "'eval' must be a non-empty list"),
    (mutate("eval.0", "script"), "'eval[0]' must be an object"),
    (mutate("eval.0.method", "vibes"), "'eval[0].method' must be one of"),
    (mutate("eval.0.weight", -1), "'eval[0].weight' must be at least 0"),
    (mutate("eval.0.mode", "fuzzy"), "'eval[0].mode' must be one of"),
    (mutate("eval.0.mode", DELETE), "'eval[0].mode' is missing"),
    (mutate("eval.0.path", DELETE), "'eval[0]' needs exactly one of 'path' or 'glob'"),
    (mutate("eval.0.glob", "*.txt"), "'eval[0]' needs exactly one of 'path' or 'glob'"),
    (mutate("eval.0.path", "/etc/passwd"), "'eval[0].path' must be relative"),
    (mutate("eval.0.expected", DELETE), "'eval[0].expected' is missing"),
    ({**BASE, "eval": [{**FC, "mode": "regex", "expected": "(unclosed"}]},
     "'eval[0].expected' is not a valid regex"),
    ({**BASE, "eval": [{**FC, "mode": "json-schema", "expected": "{nope"}]},
     "'eval[0].expected' is not a JSON schema"),
    ({**BASE, "eval": [{**FC, "mode": "json-schema", "expected": {"type": 5}}]},
     "'eval[0].expected' is not a valid JSON schema"),
    ({**BASE, "eval": [FC, {**FC, "id": "file-check-0"}]},
     "'eval[1].id' repeats the id 'file-check-0'"),
    ({**BASE, "eval": [{"method": "script"}]}, "'eval[0].command' is missing"),
    ({**BASE, "eval": [{"method": "script", "command": "true", "expectedExitCode": 300}]},
     "'eval[0].expectedExitCode' must be an exit code"),
    ({**BASE, "eval": [{"method": "llm-judge"}]}, "'eval[0].rubric' is missing"),
    ({**BASE, "eval": [{"method": "llm-judge", "rubric": {"a": ""}}]},
     "'eval[0].rubric' must map criterion names"),
    ({**BASE, "eval": [{"method": "llm-judge", "rubric": "r", "maxScore": 0}]},
     "'eval[0].maxScore' must be greater than 0"),
    ({**BASE, "eval": [{"method": "custom"}]}, "'eval[0].evaluatorId' is missing"),
    ({**BASE, "eval": [{"method": "custom", "evaluatorId": "magic"}]},
     "'eval[0].evaluatorId' must be one of"),
    ({**BASE, "eval": [{"method": "custom", "evaluatorId": "python-grade"}]},
     "has no grade.py"),
    ({**BASE, "eval": [{"method": "custom", "evaluatorId": "python-grade", "payload": "x = 1"}]},
     "defines no grade("),
    ({**BASE, "eval": [{"method": "custom", "evaluatorId": "junit-grade"}]},
     "'eval[0].payload' is missing"),
]


def _junit(**changes):
    payload = copy.deepcopy(JUNIT["payload"])
    payload.update(changes)
    return {**BASE, "eval": [{**JUNIT, "payload": payload}]}


MALFORMED += [
    (_junit(testFile=""), "'eval[0].payload.testFile' must not be empty"),
    (_junit(criteria=[]), "'eval[0].payload.criteria' must be a non-empty list"),
    (_junit(criteria=[{"id": "a", "weight": 0.5, "description": "A", "testPattern": "x"},
                      {"id": "b", "weight": 0.4, "description": "B", "testPattern": "y"}]),
     "weights must sum to 1.0 ± 0.001, got 0.9000"),
    (_junit(criteria=[{"id": "a", "weight": 0.5, "description": "A", "testPattern": "x"},
                      {"id": "a", "weight": 0.5, "description": "B", "testPattern": "y"}]),
     "repeats the criterion id 'a'"),
    (_junit(criteria=[{"id": "a", "weight": 1, "description": "A", "testPattern": "(x"}]),
     "alternative '(x' is not a valid regex"),
    (_junit(criteria=[{"id": "a", "weight": 1, "description": "A", "testPattern": " | "}]),
     "has no non-empty alternative"),
    (_junit(criteria=[{"id": "a", "weight": 1, "testPattern": "x"}]),
     "'eval[0].payload.criteria[0].description' is missing"),
    (_junit(testFileFrom="elsewhere"), "'eval[0].payload.testFileFrom' must be"),
]


@pytest.mark.parametrize(("data", "message"), MALFORMED,
                         ids=[m[:40] for _, m in MALFORMED])
def test_malformed_task_names_the_field(tmp_path, data, message):
    task_dir = write_task(tmp_path, data)
    with pytest.raises(SkillIRError) as info:
        load_task(task_dir)
    text = str(info.value)
    assert message in text
    assert str(task_dir / "task.json") in text and "\n" not in text


def test_broken_json_gives_the_line(tmp_path):
    d = write_task(tmp_path, '{\n  "id": "t1",\n  "prompt": oops\n}')
    with pytest.raises(SkillIRError) as info:
        load_task(d)
    assert f"{d / 'task.json'}:3:" in str(info.value)
    with pytest.raises(SkillIRError, match="must hold a JSON object"):
        load_task(write_task(tmp_path, "[1, 2]", "t2"))


def test_missing_task(tmp_path):
    with pytest.raises(SkillIRError, match="folder has no task.json"):
        load_task(tmp_path)
    with pytest.raises(SkillIRError, match="no such task"):
        load_task(tmp_path / "nope")


def test_grade_py_syntax_error_points_at_the_line(tmp_path):
    d = write_task(tmp_path, {**BASE, "eval": [{"method": "custom",
                                                "evaluatorId": "python-grade"}]})
    (d / "grade.py").write_text("def grade(t, w):\n    return [\n")
    with pytest.raises(SkillIRError) as info:
        load_task(d)
    assert "grade.py has a syntax error" in str(info.value)
    assert str(d / "grade.py") in str(info.value)


def test_fixture_symlink_out_is_refused(tmp_path):
    d = write_task(tmp_path, BASE)
    (d / "fixtures").mkdir()
    (d / "fixtures" / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(SkillIRError, match="symlink that points outside fixtures"):
        load_task(d)


def test_importers_can_skip_the_id_check(tmp_path):
    t = load_task_data({**BASE, "id": "imported-1"}, tmp_path, check_id=False)
    assert t.id == "imported-1"
