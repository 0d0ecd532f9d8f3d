"""Tasks in SkVM's `task.json` format (PAPER_NOTES §h), loaded and validated up front so that a
malformed task fails before any model call, with an error that names the field.

```json
{
  "id": "hello_task_01",                  // must equal the folder name
  "name": "...", "category": "general", "difficulty": "easy|medium|hard",
  "gradingType": "automated|llm_judge|hybrid",
  "prompt": "...",
  "timeoutMs": 120000, "maxSteps": 30,
  "fixtures": {"rel/path": "content"},    // and/or a sibling fixtures/ folder
  "eval": [ {"method": "script", "command": "...", "expectedExitCode": 0, "expectedOutput": "..."},
            {"method": "file-check", "path": "out.txt" | "glob": "*.txt",
             "mode": "exact|contains|regex|json-schema", "expected": "..."},
            {"method": "llm-judge", "rubric": "..." | {"criterion": "text"}, "maxScore": 1},
            {"method": "custom", "evaluatorId": "python-grade"},          // sibling grade.py
            {"method": "custom", "evaluatorId": "junit-grade", "payload": {...}} ],
  "gradingWeights": {"automated": 0.7, "llmJudge": 0.3},
  "skill": "../../skills/x" | [...] | null, "origin": {...}, "hostReady": true
}
```

Every criterion may carry `id`, `name` and `weight`. Unknown top-level keys are kept in
`Task.extra` (importers and the simulated provider may use them).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from skillir.datafiles import load_json_file
from skillir.errors import SkillIRError

METHODS = ("script", "file-check", "llm-judge", "custom")
FILE_MODES = ("exact", "contains", "regex", "json-schema")
EVALUATORS = ("python-grade", "junit-grade")
GRADING_TYPES = ("automated", "llm_judge", "hybrid")
DIFFICULTIES = {"easy": "easy", "medium": "medium", "middle": "medium", "hard": "hard"}
DEFAULT_TIMEOUT_MS = 120_000
DEFAULT_MAX_STEPS = 30
WEIGHT_TOLERANCE = 1e-3
_KNOWN = {"id", "name", "category", "gradingType", "prompt", "timeoutMs", "maxSteps", "eval",
          "fixtures", "gradingWeights", "skill", "origin", "hostReady", "difficulty"}


@dataclass(frozen=True)
class Criterion:
    """One entry of `eval`: `spec` is the validated raw object (camelCase keys as in
    task.json); `payload` is hydrated (python-grade: the grade.py source)."""

    index: int
    id: str
    method: str
    name: str | None
    weight: float | None
    spec: dict[str, Any]
    payload: Any = None

    @property
    def evaluator(self) -> str | None:
        return self.spec.get("evaluatorId") if self.method == "custom" else None

    @property
    def automated(self) -> bool:
        return self.method != "llm-judge"


@dataclass(frozen=True)
class Task:
    id: str
    dir: Path
    source: str
    prompt: str
    eval: tuple[Criterion, ...]
    name: str | None = None
    category: str = "general"
    grading_type: str | None = None
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    max_steps: int = DEFAULT_MAX_STEPS
    fixtures: dict[str, str] = field(default_factory=dict)
    fixtures_dir: Path | None = None
    grading_weights: dict[str, float] | None = None
    skill_paths: tuple[Path, ...] = ()
    origin: dict[str, Any] | None = None
    host_ready: bool = True
    difficulty: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def materialize(self, workspace: Path) -> list[str]:
        """Put the fixtures into `workspace` (the folder first, then inline files); returns
        the relative paths written."""
        written: list[str] = []
        if self.fixtures_dir is not None:
            for src in sorted(self.fixtures_dir.rglob("*")):
                rel = src.relative_to(self.fixtures_dir)
                dest = workspace / rel
                if src.is_dir():
                    dest.mkdir(parents=True, exist_ok=True)
                    continue
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
                if os.access(src, os.X_OK):
                    dest.chmod(0o755)
                written.append(rel.as_posix())
        for rel, content in self.fixtures.items():
            dest = workspace / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(content, encoding="utf-8")
            written.append(rel)
        return written


class _Checker:
    """Raises SkillIRError naming the field, with the task.json path (and line when the
    JSON itself is broken)."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, field_name: str, problem: str, hint: str | None = None) -> SkillIRError:
        return SkillIRError(f"task field '{field_name}' {problem}", path=self.source, hint=hint)

    def string(self, obj: dict[str, Any], key: str, where: str, *, required: bool = False,
               nonempty: bool = True) -> str | None:
        if key not in obj or obj[key] is None:
            if required:
                raise self.fail(where, "is missing")
            return None
        value = obj[key]
        if not isinstance(value, str):
            raise self.fail(where, f"must be a string, not {_kind(value)}")
        if nonempty and not value.strip():
            raise self.fail(where, "must not be empty")
        return value

    def number(self, obj: dict[str, Any], key: str, where: str, *, minimum: float | None = None,
               integer: bool = False, positive: bool = False) -> float | None:
        if key not in obj or obj[key] is None:
            return None
        value = obj[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(
                value):
            raise self.fail(where, f"must be a number, not {_kind(value)}")
        if integer and int(value) != value:
            raise self.fail(where, f"must be a whole number, not {value}")
        if positive and value <= 0:
            raise self.fail(where, f"must be greater than 0, not {value}")
        if minimum is not None and value < minimum:
            raise self.fail(where, f"must be at least {minimum}, not {value}")
        return value


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), type(value).__name__)


def _relpath_ok(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts and "\0" not in rel \
        and not rel.startswith("~")


def load_task(path: str | os.PathLike[str]) -> Task:
    """Load `TASK_DIR/task.json` (or the file itself) and validate it."""
    given = Path(path)
    task_file = given / "task.json" if given.is_dir() else given
    if not task_file.exists():
        if given.is_dir():
            raise SkillIRError("folder has no task.json", path=str(given),
                               hint="a task folder holds task.json (SkVM task format)")
        raise SkillIRError("no such task", path=str(given),
                           hint="give a task folder or its task.json")
    # bounded first: a regular file (never a FIFO or a device), at most 16 MiB, nested at most
    # 64 deep; the fields are then checked below, with messages that name each field
    data = load_json_file(task_file, schema=None, what="task.json")
    return load_task_data(data, task_file.parent, source=str(task_file))


def load_task_data(data: Any, task_dir: Path, *, source: str | None = None,
                   check_id: bool = True) -> Task:
    """Validate a task object (as read from task.json, or built by an importer)."""
    src = source or str(task_dir / "task.json")
    ck = _Checker(src)
    if not isinstance(data, dict):
        raise SkillIRError(f"task.json must hold a JSON object, not {_kind(data)}", path=src)
    task_id = ck.string(data, "id", "id", required=True)
    assert task_id is not None
    if check_id and task_id != task_dir.name:
        raise ck.fail("id", f"is '{task_id}' but the folder is named '{task_dir.name}'",
                      hint="the id must equal the task folder's name")
    prompt = ck.string(data, "prompt", "prompt", required=True)
    assert prompt is not None
    name = ck.string(data, "name", "name")
    category = ck.string(data, "category", "category") or "general"
    grading_type = ck.string(data, "gradingType", "gradingType")
    if grading_type is not None and grading_type not in GRADING_TYPES:
        raise ck.fail("gradingType", f"must be one of {', '.join(GRADING_TYPES)}, not "
                      f"'{grading_type}'")
    timeout = ck.number(data, "timeoutMs", "timeoutMs", integer=True, positive=True)
    steps = ck.number(data, "maxSteps", "maxSteps", integer=True, positive=True)
    difficulty = ck.string(data, "difficulty", "difficulty")
    if difficulty is not None:
        if difficulty not in DIFFICULTIES:
            raise ck.fail("difficulty", f"must be easy, medium or hard, not '{difficulty}'")
        difficulty = DIFFICULTIES[difficulty]
    host_ready = data.get("hostReady", True)
    if not isinstance(host_ready, bool):
        raise ck.fail("hostReady", f"must be true or false, not {_kind(host_ready)}")
    origin = data.get("origin")
    if origin is not None and not isinstance(origin, dict):
        raise ck.fail("origin", f"must be an object, not {_kind(origin)}")

    fixtures: dict[str, str] = {}
    raw_fx = data.get("fixtures")
    if raw_fx is not None:
        if not isinstance(raw_fx, dict):
            raise ck.fail("fixtures", f"must be an object mapping paths to contents, not "
                          f"{_kind(raw_fx)}")
        for rel, content in raw_fx.items():
            if not _relpath_ok(rel):
                raise ck.fail(f"fixtures.{rel}", "must be a relative path inside the workspace",
                              hint="no absolute paths, '~' or '..'")
            if not isinstance(content, str):
                raise ck.fail(f"fixtures.{rel}", f"must be a string (the file content), not "
                              f"{_kind(content)}")
            fixtures[str(PurePosixPath(rel))] = content
    fixtures_dir = task_dir / "fixtures"
    if fixtures_dir.is_dir():
        real = fixtures_dir.resolve()
        for p in fixtures_dir.rglob("*"):
            if p.is_symlink() and not str(p.resolve()).startswith(str(real) + os.sep):
                raise SkillIRError("fixture is a symlink that points outside fixtures/",
                                   path=str(p), hint="copy the file instead of linking it")
    else:
        fixtures_dir = None

    weights = data.get("gradingWeights")
    grading_weights: dict[str, float] | None = None
    if weights is not None:
        if not isinstance(weights, dict):
            raise ck.fail("gradingWeights", f"must be an object, not {_kind(weights)}")
        grading_weights = {}
        for key in ("automated", "llmJudge"):
            value = ck.number(weights, key, f"gradingWeights.{key}", minimum=0)
            if value is None:
                raise ck.fail(f"gradingWeights.{key}", "is missing")
            grading_weights[key] = float(value)
        if sum(grading_weights.values()) <= 0:
            raise ck.fail("gradingWeights", "must not be all zero")

    skill = data.get("skill")
    skills: list[str] = []
    if isinstance(skill, str):
        skills = [skill]
    elif isinstance(skill, list) and all(isinstance(s, str) for s in skill):
        skills = list(skill)
    elif skill is not None:
        raise ck.fail("skill", f"must be a path, a list of paths or null, not {_kind(skill)}")

    raw_eval = data.get("eval")
    if raw_eval is None:
        raise ck.fail("eval", "is missing", hint="list at least one evaluation criterion")
    if not isinstance(raw_eval, list) or not raw_eval:
        raise ck.fail("eval", "must be a non-empty list of criteria")
    criteria = tuple(_criterion(ck, i, c, task_dir) for i, c in enumerate(raw_eval))
    seen: set[str] = set()
    for c in criteria:
        if c.id in seen:
            raise ck.fail(f"eval[{c.index}].id", f"repeats the id '{c.id}'",
                          hint="criterion ids must be unique")
        seen.add(c.id)
    return Task(id=task_id, dir=task_dir, source=src, prompt=prompt, eval=criteria, name=name,
                category=category, grading_type=grading_type,
                timeout_ms=int(timeout) if timeout is not None else DEFAULT_TIMEOUT_MS,
                max_steps=int(steps) if steps is not None else DEFAULT_MAX_STEPS,
                fixtures=fixtures, fixtures_dir=fixtures_dir, grading_weights=grading_weights,
                skill_paths=tuple((task_dir / s) for s in skills), origin=origin,
                host_ready=host_ready, difficulty=difficulty,
                extra={k: v for k, v in data.items() if k not in _KNOWN})


def _criterion(ck: _Checker, i: int, raw: Any, task_dir: Path) -> Criterion:
    at = f"eval[{i}]"
    if not isinstance(raw, dict):
        raise ck.fail(at, f"must be an object, not {_kind(raw)}")
    method = ck.string(raw, "method", f"{at}.method", required=True)
    if method not in METHODS:
        raise ck.fail(f"{at}.method", f"must be one of {', '.join(METHODS)}, not '{method}'")
    cid = ck.string(raw, "id", f"{at}.id") or f"{method}-{i}"
    name = ck.string(raw, "name", f"{at}.name")
    weight = ck.number(raw, "weight", f"{at}.weight", minimum=0)
    payload: Any = None
    if method == "script":
        ck.string(raw, "command", f"{at}.command", required=True)
        code = ck.number(raw, "expectedExitCode", f"{at}.expectedExitCode", integer=True)
        if code is not None and not 0 <= code <= 255:
            raise ck.fail(f"{at}.expectedExitCode", f"must be an exit code 0-255, not {code}")
        ck.string(raw, "expectedOutput", f"{at}.expectedOutput", nonempty=False)
        ck.number(raw, "timeoutMs", f"{at}.timeoutMs", positive=True)
    elif method == "file-check":
        path = ck.string(raw, "path", f"{at}.path")
        glob = ck.string(raw, "glob", f"{at}.glob")
        if (path is None) == (glob is None):
            raise ck.fail(f"{at}", "needs exactly one of 'path' or 'glob'")
        target = path if path is not None else glob
        assert target is not None
        if not _relpath_ok(target):
            raise ck.fail(f"{at}.{'path' if path is not None else 'glob'}",
                          "must be relative to the workspace", hint="no absolute paths or '..'")
        mode = ck.string(raw, "mode", f"{at}.mode", required=True)
        if mode not in FILE_MODES:
            raise ck.fail(f"{at}.mode", f"must be one of {', '.join(FILE_MODES)}, not '{mode}'")
        expected = raw.get("expected")
        if mode == "json-schema":
            payload = _schema(ck, f"{at}.expected", expected)
        else:
            if not isinstance(expected, str):
                raise ck.fail(f"{at}.expected", "is missing" if expected is None else
                              f"must be a string, not {_kind(expected)}")
            if mode == "regex":
                try:
                    payload = re.compile(expected)
                except re.error as exc:
                    raise ck.fail(f"{at}.expected", f"is not a valid regex ({exc})") from None
    elif method == "llm-judge":
        rubric = raw.get("rubric")
        if isinstance(rubric, str):
            if not rubric.strip():
                raise ck.fail(f"{at}.rubric", "must not be empty")
        elif isinstance(rubric, dict):
            if not rubric or not all(isinstance(v, str) and v.strip() for v in rubric.values()):
                raise ck.fail(f"{at}.rubric", "must map criterion names to non-empty texts")
        else:
            raise ck.fail(f"{at}.rubric", "is missing" if rubric is None else
                          f"must be a string or an object, not {_kind(rubric)}")
        ck.number(raw, "maxScore", f"{at}.maxScore", positive=True)
        ck.string(raw, "model", f"{at}.model")
    else:
        evaluator = ck.string(raw, "evaluatorId", f"{at}.evaluatorId", required=True)
        if evaluator not in EVALUATORS:
            raise ck.fail(f"{at}.evaluatorId", f"must be one of {', '.join(EVALUATORS)}, not "
                          f"'{evaluator}'")
        if evaluator == "python-grade":
            payload = _python_grade_payload(ck, at, raw, task_dir)
        else:
            payload = _junit_payload(ck, at, raw.get("payload"))
    return Criterion(index=i, id=cid, method=method, name=name,
                     weight=float(weight) if weight is not None else None, spec=raw,
                     payload=payload)


def _schema(ck: _Checker, where: str, expected: Any) -> dict[str, Any]:
    if isinstance(expected, str):
        try:
            expected = json.loads(expected)
        except json.JSONDecodeError as exc:
            raise ck.fail(where, f"is not a JSON schema ({exc.msg})") from None
    if not isinstance(expected, dict):
        raise ck.fail(where, "must be a JSON schema object (or its JSON text)")
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is a dependency
        return expected
    try:
        jsonschema.validators.validator_for(expected).check_schema(expected)
    except jsonschema.SchemaError as exc:
        raise ck.fail(where, f"is not a valid JSON schema ({exc.message})") from None
    return expected


def _python_grade_payload(ck: _Checker, at: str, raw: dict[str, Any], task_dir: Path) -> str:
    inline = raw.get("payload")
    if inline is not None:
        if not isinstance(inline, str) or not inline.strip():
            raise ck.fail(f"{at}.payload", "must be the grade.py source as a string")
        source, label = inline, f"{at}.payload"
    else:
        grade_py = task_dir / "grade.py"
        if not grade_py.is_file():
            raise ck.fail(f"{at}.evaluatorId", "is python-grade but the task folder has no "
                          "grade.py", hint="add grade.py beside task.json or inline its "
                          "source as 'payload'")
        try:
            source, label = grade_py.read_text(encoding="utf-8"), str(grade_py)
        except (OSError, UnicodeDecodeError) as exc:
            raise SkillIRError(f"cannot read grade.py ({exc})", path=str(grade_py)) from None
    try:
        compile(source, label, "exec")
    except SyntaxError as exc:
        raise SkillIRError(f"grade.py has a syntax error: {exc.msg}", path=label,
                           line=exc.lineno, hint="fix grade.py") from None
    if not re.search(r"^\s*def\s+grade\s*\(", source, re.MULTILINE):
        raise ck.fail(f"{at}", "python-grade source defines no grade(transcript, "
                      "workspace_path) function")
    return source


def split_alternatives(pattern: str) -> list[str]:
    """Split a junit-grade testPattern on top-level `|` (`\\|` is a literal pipe)."""
    parts, cur, i = [], [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern) and pattern[i + 1] == "|":
            cur.append("\\|")
            i += 2
            continue
        if ch == "|":
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return [p for p in (s.strip() for s in parts) if p]


def _junit_payload(ck: _Checker, at: str, payload: Any) -> dict[str, Any]:
    where = f"{at}.payload"
    if not isinstance(payload, dict):
        raise ck.fail(where, "is missing" if payload is None else
                      f"must be an object, not {_kind(payload)}")
    ck.string(payload, "testFile", f"{where}.testFile", required=True)
    ck.string(payload, "command", f"{where}.command")
    origin = payload.get("testFileFrom", "fixtures")
    if origin not in ("fixtures", "task"):
        raise ck.fail(f"{where}.testFileFrom", "must be 'fixtures' or 'task'")
    crits = payload.get("criteria")
    if not isinstance(crits, list) or not crits:
        raise ck.fail(f"{where}.criteria", "must be a non-empty list")
    total = 0.0
    ids: set[str] = set()
    compiled: list[list[re.Pattern[str]]] = []
    for j, c in enumerate(crits):
        cw = f"{where}.criteria[{j}]"
        if not isinstance(c, dict):
            raise ck.fail(cw, f"must be an object, not {_kind(c)}")
        cid = ck.string(c, "id", f"{cw}.id", required=True)
        ck.string(c, "description", f"{cw}.description", required=True)
        w = ck.number(c, "weight", f"{cw}.weight", minimum=0)
        if w is None:
            raise ck.fail(f"{cw}.weight", "is missing")
        pat = ck.string(c, "testPattern", f"{cw}.testPattern", required=True)
        assert cid is not None and pat is not None
        if cid in ids:
            raise ck.fail(f"{cw}.id", f"repeats the criterion id '{cid}'")
        ids.add(cid)
        total += w
        alts = split_alternatives(pat)
        if not alts:
            raise ck.fail(f"{cw}.testPattern", "has no non-empty alternative")
        regs = []
        for alt in alts:
            try:
                regs.append(re.compile(alt, re.IGNORECASE))
            except re.error as exc:
                raise ck.fail(f"{cw}.testPattern", f"alternative '{alt}' is not a valid regex "
                              f"({exc})") from None
        compiled.append(regs)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ck.fail(f"{where}.criteria", f"weights must sum to 1.0 ± {WEIGHT_TOLERANCE}, "
                      f"got {total:.4f}")
    return {**payload, "_patterns": compiled}
