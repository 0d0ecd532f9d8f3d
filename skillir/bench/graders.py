"""Graders for the four eval methods, and SkVM's weighted task score.

- `script`: runs the command in the workspace (sandboxed, `$TASK_DIR` set to the task folder,
  read-only); the exit code must match; a `{"checkpoints": [{name, score, reason}]}` JSON line on
  stdout gives partial credit (score = mean, pass = every checkpoint ≥ 0.5); otherwise
  `expectedOutput` (trimmed) decides; `{"infraError": "..."}` marks the grade untrustworthy.
- `file-check`: `path` or first `glob` match (sorted), modes exact (trimmed) | contains | regex
  (search) | json-schema (full JSON Schema validation with `jsonschema`).
- `custom`/`python-grade`: `grade(transcript, workspace_path)` from grade.py, run in a sandboxed
  subprocess; the result must be a non-empty list of `{id, score ∈ [0,1], weight ≥ 0}` records
  with unique ids and weights summing to 1 ± 1e-3 — any violation scores 0 (the details say
  which rule). A grade.py that cannot import its dependencies is an infrastructure error.
- `custom`/`junit-grade`: runs the test command (default `bun test FILE --reporter=junit`),
  matches criteria patterns against `classname > name` of each testcase; criterion score =
  passed / matched.
- `llm-judge`: see `skillir.bench.judge`.

Task score (`compute_weighted_score`, SkVM's `computeWeightedScore`): per-criterion weights if
any criterion has one (missing weights default to 1/n; normalised by the weight total), else
the task's `gradingWeights` split between automated and judge criteria, else the flat mean.
A task passes at score ≥ 0.5. A criterion with an `infra_error` makes the run `tainted`.

Deadlines: grading as a whole ends by `GRADE_TIMEOUT_S` (an argument of `grade_task`);
every grading command is cut at its own `timeoutMs` or at that deadline, whichever comes
first, and a criterion the deadline leaves no time for scores 0 with the reason (an
infrastructure error). The LLM judge has its own deadline (`skillir.bench.judge`).
"""

from __future__ import annotations

import contextvars
import errno
import glob as globmod
import json
import math
import os
import re
import secrets
import shutil
import stat
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from skillir.bench.grade_results import PASS_THRESHOLD, CriterionResult, GradeContext, GradeResult
from skillir.bench.task import WEIGHT_TOLERANCE, Criterion
from skillir.runtime.sandbox import Limits, Sandbox

GRADER_LIMITS = Limits(command_timeout_s=120.0, cpu_seconds=120, output_bytes=4 << 20,
                       output_kill_bytes=64 << 20)
_MARK = "@@SKILLIR-GRADE@@"
GRADE_TIMEOUT_S = 900.0
"""All of a task's grading ends within this many seconds."""
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("grade_deadline",
                                                                        default=None)


class GradingDeadline(Exception):
    """Grading's deadline passed before this criterion could run."""


def _clip(timeout_s: float) -> float:
    """A grading command's time: its own limit, cut at the grading deadline."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout_s
    left = deadline - time.monotonic()
    if left <= 0:
        raise GradingDeadline("the grading deadline passed before this criterion ran")
    return min(timeout_s, left)


def compute_weighted_score(entries: Sequence[tuple[str, float, float | None]],
                           grading_weights: dict[str, float] | None = None
                           ) -> tuple[float, float | None, float | None]:
    """(overall, automated mean, judge mean) from (method, score, weight) entries."""
    if not entries:
        return 0.0, None, None
    auto = [s for m, s, _ in entries if m != "llm-judge"]
    judge = [s for m, s, _ in entries if m == "llm-judge"]
    auto_avg = sum(auto) / len(auto) if auto else None
    judge_avg = sum(judge) / len(judge) if judge else None
    if any(w is not None for _, _, w in entries):
        default = 1.0 / len(entries)
        total = sum(default if w is None else w for _, _, w in entries)
        weighted = sum(s * (default if w is None else w) for _, s, w in entries)
        return (weighted / total if total > 0 else 0.0), auto_avg, judge_avg
    if grading_weights:
        if auto_avg is not None and judge_avg is not None:
            a, j = grading_weights["automated"], grading_weights["llmJudge"]
            return (auto_avg * a + judge_avg * j) / (a + j), auto_avg, judge_avg
        return (auto_avg if auto_avg is not None else judge_avg or 0.0), auto_avg, judge_avg
    return sum(s for _, s, _ in entries) / len(entries), None, None


def grade_task(ctx: GradeContext, *, timeout_s: float = GRADE_TIMEOUT_S) -> GradeResult:
    """Run every criterion of the task (a grader that breaks scores 0 with the reason),
    all of them within `timeout_s`."""
    results = []
    token = _DEADLINE.set(time.monotonic() + timeout_s)
    try:
        for crit in ctx.task.eval:
            results.append(_grade_one(crit, ctx, timeout_s))
    finally:
        _DEADLINE.reset(token)
    score, auto, judge = compute_weighted_score(
        [(r.method, r.score, r.weight) for r in results], ctx.task.grading_weights)
    return GradeResult(score=score, passed=score >= PASS_THRESHOLD, criteria=results,
                       automated_score=auto, judge_score=judge)


def _grade_one(crit: Criterion, ctx: GradeContext, timeout_s: float) -> CriterionResult:
    start = time.monotonic()
    try:
        _clip(timeout_s)
        res = _GRADERS[crit.evaluator or crit.method](crit, ctx)
    except GradingDeadline as exc:
        res = CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                              details=f"not graded: {exc} ({timeout_s:g} s for all grading)",
                              infra_error=f"grading deadline of {timeout_s:g} s passed")
    except Exception as exc:  # a grader bug must not lose the run
        res = CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                              infra_error=f"grader failed: {type(exc).__name__}: {exc}")
    res.name = crit.name
    res.weight = crit.weight
    res.duration_s = time.monotonic() - start
    return res


# -- script ---------------------------------------------------------------------------------
_INLINE_PY = re.compile(r'^([\s\S]*?)python3\s+-c\s+"([\s\S]+)"$')


def fix_inline_python(command: str) -> str:
    """`... python3 -c "<code>"` at the end becomes a heredoc (as SkVM does), so the code may
    contain double quotes."""
    m = _INLINE_PY.match(command)
    if not m:
        return command
    return f"{m.group(1)}python3 << 'PYEOF'\n{m.group(2)}\nPYEOF"


def _json_lines(stdout: str) -> list[dict[str, Any]]:
    out = []
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(value, dict):
                out.append(value)
    return out


def _grader_sandbox(ctx: GradeContext, limits: Limits = GRADER_LIMITS,
                    extra: Sequence[Path] = ()) -> Sandbox:
    env = (ctx.python.parent.parent,) if ctx.python else ()
    sb = Sandbox(ctx.workspace, limits, isolation=ctx.isolation,
                 ro_binds=(ctx.task.dir.resolve(), *env, *extra))
    if ctx.python:  # a Harbor task's tests run with the task's environment (_harbor_tests.py)
        sb.extra_env = {**sb.extra_env, "SKILLIR_TASK_PYTHON": str(ctx.python)}
    if sb.mode == "none":
        sb.as_user = False  # graders are trusted code: without isolation keep our own user
    sb.adopt()  # graders run as the sandbox user: the workspace must be theirs
    return sb


def _grader_env(ctx: GradeContext) -> dict[str, str]:
    """Extra variables grading commands see: the task folder (read-only) and the workspace."""
    return {"TASK_DIR": str(ctx.task.dir.resolve()), "WORKSPACE": str(ctx.workspace)}


def grade_script(crit: Criterion, ctx: GradeContext) -> CriterionResult:
    spec = crit.spec
    expected_code = int(spec.get("expectedExitCode", 0))
    timeout = _clip(float(spec.get("timeoutMs", GRADER_LIMITS.command_timeout_s * 1000)) / 1000)
    sb = _grader_sandbox(ctx)
    res = sb.run(fix_inline_python(spec["command"]), timeout=timeout, env=_grader_env(ctx))
    out = res.output
    if res.killed:
        return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                               details=res.describe()[-300:],
                               infra_error=f"grading script was killed ({res.killed})")
    if res.exit_code != expected_code:
        return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                               details=f"exit code {res.exit_code} (expected {expected_code}); "
                                       f"output: {out.strip()[-300:]}")
    objs = _json_lines(out)
    for obj in objs:
        if isinstance(obj.get("infraError"), str) and obj["infraError"]:
            return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                                   details=f"infraError: {obj['infraError']}",
                                   infra_error=obj["infraError"])
    for obj in objs:
        cps = obj.get("checkpoints")
        if isinstance(cps, list) and cps:
            checkpoints = []
            for k, cp in enumerate(cps):
                cp = cp if isinstance(cp, dict) else {}
                try:
                    s = float(cp.get("score", 0))
                except (TypeError, ValueError):
                    s = 0.0
                s = 0.0 if not math.isfinite(s) else min(1.0, max(0.0, s))
                checkpoints.append({"name": str(cp.get("name", f"check_{k}")), "score": s,
                                    "reason": cp.get("reason")})
            score = sum(c["score"] for c in checkpoints) / len(checkpoints)
            passed = all(c["score"] >= PASS_THRESHOLD for c in checkpoints)
            details = "; ".join(f"{c['name']}: {c['score']:.2f}"
                                + (f" ({c['reason']})" if c["reason"] else "")
                                for c in checkpoints)
            return CriterionResult(crit.id, crit.method, score, crit.weight, passed,
                                   details=details, checkpoints=checkpoints)
    if "expectedOutput" in spec and out.strip() != str(spec["expectedOutput"]).strip():
        return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                               details=f"output mismatch: got {out.strip()[:200]!r}")
    return CriterionResult(crit.id, crit.method, 1.0, crit.weight, True, details="script passed")


# -- file-check -------------------------------------------------------------------------------
def _find_file(crit: Criterion, ctx: GradeContext) -> tuple[Path | None, str]:
    root = ctx.workspace.resolve()
    if "glob" in crit.spec and crit.spec["glob"] is not None:
        pattern = crit.spec["glob"]
        matches = sorted(globmod.glob(pattern, root_dir=root, recursive=True))
        matches = [m for m in matches if (root / m).is_file()]
        if not matches:
            return None, f"no file matches glob {pattern}"
        rel = matches[0]
    else:
        rel = crit.spec["path"]
    candidate = root / rel
    real = Path(os.path.realpath(candidate))
    if real != root and not str(real).startswith(str(root) + os.sep):
        return None, f"{rel} points outside the workspace"
    if not real.is_file():
        return None, f"file not found: {rel}"
    return real, rel


def grade_file_check(crit: Criterion, ctx: GradeContext) -> CriterionResult:
    path, rel = _find_file(crit, ctx)

    def fail(details: str) -> CriterionResult:
        return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False, details=details)

    if path is None:
        return fail(rel)
    try:  # O_NONBLOCK + fstat: a FIFO swapped in after the check cannot block grading
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return fail(f"{rel} cannot be read ({os.strerror(exc.errno or errno.EIO)})")
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return fail(f"{rel} is not a regular file")
        data = fh.read(GRADER_LIMITS.write_bytes + 1)
    if len(data) > GRADER_LIMITS.write_bytes:
        return fail(f"{rel} is larger than {GRADER_LIMITS.write_bytes} bytes")
    content = data.decode("utf-8", errors="replace")
    mode = crit.spec["mode"]
    expected = crit.spec.get("expected")
    if mode == "exact":
        ok = content.strip() == str(expected).strip()
        detail = "exact match" if ok else (f"expected {str(expected).strip()[:100]!r}, got "
                                           f"{content.strip()[:100]!r}")
    elif mode == "contains":
        ok = str(expected) in content
        detail = "contains the expected text" if ok else (f"{rel} does not contain "
                                                          f"{str(expected)[:100]!r}")
    elif mode == "regex":
        ok = crit.payload.search(content) is not None
        detail = "regex matches" if ok else f"{rel} does not match /{expected}/"
    else:
        try:
            value = json.loads(content)
        except json.JSONDecodeError as exc:
            return fail(f"{rel} is not JSON ({exc.msg} at line {exc.lineno})")
        import jsonschema

        validator = jsonschema.validators.validator_for(crit.payload)(crit.payload)
        errors = sorted(validator.iter_errors(value), key=lambda e: list(e.path))
        ok = not errors
        detail = "matches the JSON schema" if ok else (
            f"{len(errors)} schema violation(s); first at "
            f"/{'/'.join(map(str, errors[0].path))}: {errors[0].message[:150]}")
    return CriterionResult(crit.id, crit.method, 1.0 if ok else 0.0, crit.weight, ok,
                           details=f"{rel}: {detail}")


# -- python-grade -----------------------------------------------------------------------------
_BRIDGE = r'''
import json, sys, traceback, importlib.util
transcript_path, grade_path, workspace, mark = sys.argv[1:5]
def plain(value):  # numpy scalars and the like become numbers, anything else its repr
    if hasattr(value, "__index__"):
        return int(value.__index__())
    if hasattr(value, "__float__") and not isinstance(value, (str, bytes)):
        return float(value)
    return repr(value)
def emit(obj):
    sys.stdout.write("\n" + mark + json.dumps(obj, default=plain) + "\n")
    sys.stdout.flush()
try:
    with open(transcript_path, encoding="utf-8") as fh:
        transcript = json.load(fh)
    spec = importlib.util.spec_from_file_location("grade", grade_path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, sys.argv[5])
    spec.loader.exec_module(module)
    result = module.grade(transcript, workspace)
    emit({"ok": True, "result": result, "type": type(result).__name__})
except (ImportError, ModuleNotFoundError) as exc:
    emit({"ok": False, "infra": True, "error": f"{type(exc).__name__}: {exc}"})
except BaseException as exc:
    tb = traceback.format_exc(limit=4)
    emit({"ok": False, "infra": False, "error": f"{type(exc).__name__}: {exc}", "tb": tb})
'''


class _Typed:
    """Stands for a non-list value returned by grade() (JSON loses tuples, generators...)."""

    def __init__(self, type_name: str):
        self.type_name = type_name


def validate_grade_records(result: Any) -> tuple[list[dict[str, Any]] | None, str | None]:
    """The python-grade protocol: (records, None) if valid, else (None, the broken rule)."""
    if not isinstance(result, list):
        got = result.type_name if isinstance(result, _Typed) else type(result).__name__
        return None, f"grade() must return a list of criterion records, got {got}"
    if not result:
        return None, "grade() returned an empty list"
    records: list[dict[str, Any]] = []
    ids: set[str] = set()
    for n, rec in enumerate(result):
        if not isinstance(rec, dict):
            return None, f"record {n} is not a dict: {str(rec)[:80]}"
        for key in ("id", "score", "weight"):
            if key not in rec:
                return None, f"record {n} ({rec.get('id')}) missing required field '{key}'"
        rid = rec["id"]
        if not isinstance(rid, str) or not rid:
            return None, f"record {n} has an id that is not a non-empty string: {rid!r}"
        if rid in ids:
            return None, f"duplicate criterion id: '{rid}'"
        ids.add(rid)
        score, weight = rec["score"], rec["weight"]
        if isinstance(score, bool) or not isinstance(score, (int, float)) \
                or not math.isfinite(score) or not 0 <= score <= 1:
            return None, f"record {rid} score {score!r} not in [0, 1]"
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) \
                or not math.isfinite(weight):
            return None, f"record {rid} weight {weight!r} is not a number"
        if weight < 0:
            return None, f"record {rid} has negative weight {weight}"
        records.append(rec)
    total = sum(float(r["weight"]) for r in records)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        return None, f"criterion weights must sum to 1.0, got {total:.4f}"
    return records, None


def grade_python(crit: Criterion, ctx: GradeContext) -> CriterionResult:
    def result(score: float, details: str, **kw: Any) -> CriterionResult:
        return CriterionResult(crit.id, crit.method, score, crit.weight,
                               score >= PASS_THRESHOLD, details=details, **kw)

    tmp = Path(tempfile.mkdtemp(prefix="skillir-grade-"))
    try:
        tmp.chmod(0o755)
        (tmp / "transcript.json").write_text(json.dumps(ctx.transcript, default=str),
                                             encoding="utf-8")
        (tmp / "grade.py").write_text(crit.payload, encoding="utf-8")
        (tmp / "bridge.py").write_text(_BRIDGE, encoding="utf-8")
        for f in tmp.iterdir():
            f.chmod(0o644)
        mark = f"{_MARK}{secrets.token_hex(8)}:"
        sb = _grader_sandbox(ctx, extra=(tmp,))
        timeout = _clip(float(crit.spec.get("timeoutMs",
                                            GRADER_LIMITS.command_timeout_s * 1000)) / 1000)
        cmd = " ".join(_q(a) for a in (sys.executable, str(tmp / "bridge.py"),
                                        str(tmp / "transcript.json"), str(tmp / "grade.py"),
                                        str(ctx.workspace), mark, str(ctx.task.dir.resolve())))
        res = sb.run(cmd, timeout=timeout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if res.killed:
        return result(0.0, res.describe()[-300:],
                      infra_error=f"grade.py was killed ({res.killed})")
    idx = res.output.rfind(mark)
    if idx < 0:
        return result(0.0, f"grade.py produced no result (exit {res.exit_code}): "
                           f"{res.output.strip()[-300:]}",
                      infra_error="grade.py did not report a result")
    try:
        payload = json.loads(res.output[idx + len(mark):].strip().splitlines()[0])
    except (json.JSONDecodeError, IndexError):
        return result(0.0, "grade.py's result is not JSON",
                      infra_error="grade.py result unreadable")
    if not payload.get("ok"):
        if payload.get("infra"):
            return result(0.0, f"grade.py could not run: {payload.get('error')}",
                          infra_error=str(payload.get("error")))
        return result(0.0, f"grade() raised {payload.get('error')}")
    returned = payload.get("result")
    if payload.get("type") != "list":
        returned = _Typed(str(payload.get("type")))
    records, problem = validate_grade_records(returned)
    if records is None:
        return result(0.0, f"python-grade protocol violation: {problem}")
    score = sum(float(r["score"]) * float(r["weight"]) for r in records)
    checkpoints = [{"name": r["id"], "score": float(r["score"]), "weight": float(r["weight"]),
                    "description": r.get("description"), "reason": r.get("details")}
                   for r in records]
    details = ", ".join(f"{r['id']}: {float(r['score']):.2f}" for r in records)
    return result(score, details, checkpoints=checkpoints)


def _q(arg: str) -> str:
    return "'" + arg.replace("'", "'\"'\"'") + "'"


# -- junit-grade ------------------------------------------------------------------------------
MAX_JUNIT_BYTES = 16 << 20


def parse_junit(xml_text: str) -> dict[str, bool]:
    """{`classname > name`: passed} for every <testcase>."""
    root = ET.fromstring(xml_text)
    cases: dict[str, bool] = {}
    for case in root.iter("testcase"):
        cls, name = case.get("classname") or "", case.get("name") or ""
        full = f"{cls} > {name}" if cls else name
        failed = any(child.tag in ("failure", "error", "skipped") for child in case)
        cases[full] = not failed
    return cases


def grade_junit(crit: Criterion, ctx: GradeContext) -> CriterionResult:
    payload = crit.payload
    test_file = payload["testFile"]
    out_name = f".skillir-junit-{secrets.token_hex(8)}.xml"
    out_path = ctx.workspace / out_name
    if payload.get("testFileFrom") == "task":
        test_path = str((ctx.task.dir / test_file).resolve())
    else:
        test_path = test_file
    template = payload.get("command") or "bun test {testFile} --reporter=junit " \
                                         "--reporter-outfile={out}"
    cmd = template.replace("{testFile}", _q(test_path)).replace("{out}", _q(str(out_path)))
    sb = _grader_sandbox(ctx)
    res = sb.run(cmd, timeout=_clip(float(payload.get("timeoutMs", 120_000)) / 1000),
                 env=_grader_env(ctx))
    try:
        if not out_path.is_file():
            missing = "command not found" in res.output or res.exit_code == 127
            return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                                   details=f"no junit report: {res.describe()[-300:]}",
                                   infra_error="test runner unavailable" if missing else
                                   "test run wrote no junit report")
        if out_path.stat().st_size > MAX_JUNIT_BYTES:
            return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                                   details="junit report too large", infra_error="junit too big")
        try:
            cases = parse_junit(out_path.read_text(encoding="utf-8", errors="replace"))
        except ET.ParseError as exc:
            return CriterionResult(crit.id, crit.method, 0.0, crit.weight, False,
                                   details=f"junit report is not XML ({exc})",
                                   infra_error="junit report unreadable")
    finally:
        out_path.unlink(missing_ok=True)
    total = 0.0
    checkpoints = []
    for c, regs in zip(payload["criteria"], payload["_patterns"], strict=True):
        matched = [ok for name, ok in cases.items() if any(r.search(name) for r in regs)]
        s = sum(matched) / len(matched) if matched else 0.0
        reason = (f"{sum(matched)} of {len(matched)} tests passed" if matched
                  else f"no tests matched pattern {c['testPattern']!r}")
        checkpoints.append({"name": c["id"], "score": s, "weight": float(c["weight"]),
                            "description": c["description"], "reason": reason})
        total += s * float(c["weight"])
    details = ", ".join(f"{cp['name']}: {cp['score']:.2f}" for cp in checkpoints)
    return CriterionResult(crit.id, crit.method, total, crit.weight, total >= PASS_THRESHOLD,
                           details=details, checkpoints=checkpoints)


def grade_judge(crit: Criterion, ctx: GradeContext) -> CriterionResult:
    from skillir.bench.judge import judge_criterion

    return judge_criterion(crit, ctx)


_GRADERS: dict[str, Callable[[Criterion, GradeContext], CriterionResult]] = {
    "script": grade_script, "file-check": grade_file_check, "llm-judge": grade_judge,
    "python-grade": grade_python, "junit-grade": grade_junit,
}

__all__ = ["CriterionResult", "GradeContext", "GradeResult", "PASS_THRESHOLD",
           "compute_weighted_score", "grade_task", "validate_grade_records"]
