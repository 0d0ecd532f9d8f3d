"""Runs a SkillsBench (Harbor) `tests/test_outputs.py` with pytest against a workspace and
returns SkVM's python-grade records: one `{id, score, weight, description, details}` per
`test_*` function / `Test*::test_*` method, equal weights summing to 1, score = the fraction
of its pytest cases (parametrisations) that passed.

The importer (`skillir.bench.skillsbench`) copies this file, unchanged, into each imported task
folder as `_harbor_tests.py`, beside `tests/` and a two-line `grade.py`; the python-grade
bridge puts the task folder on `sys.path`, so `grade.py` imports it and this module finds the
tests next to itself. Standard library only (pytest runs in a subprocess).

Harbor tests use absolute paths of the Docker image: `/root/`, `/app/` and `/workspace/`
become the workspace, `/tests/` a private copy of the tests folder, `/logs/` a scratch
folder. A test file that cannot be imported for want of a module raises `ImportError`, which
the grader reports as an infrastructure error rather than a score of 0.

pytest runs in a session of its own with its output in a file, and at `timeout_s` the whole
process group is killed: a test that leaves a child behind (even one holding pytest's
output open) cannot keep grading waiting.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

TEST_FILE = "test_outputs.py"
_WORKSPACE_PATH = re.compile(r"(?<![\w.:/~-])/(?:root|app|workspace)(?=/|[\"'\s)\],]|$)")
_TESTS_PATH = re.compile(r"(?<![\w.:/~-])/tests(?=/|[\"'\s)\],]|$)")
_LOGS_PATH = re.compile(r"(?<![\w.:/~-])/logs(?=/|[\"'\s)\],]|$)")


def list_tests(source: str) -> list[tuple[str, str]]:
    """[(id, description)] of the module-level `test_*` functions and the `test_*` methods of
    `Test*` classes, in file order; the description is the docstring's first paragraph."""
    out: list[tuple[str, str]] = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.name.startswith("test"):
            out.append((node.name, _doc(node)))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                        and item.name.startswith("test"):
                    out.append((f"{node.name}::{item.name}", _doc(item) or _doc(node)))
    return out


def _doc(node: ast.AST) -> str:
    text = ast.get_docstring(node) or ""  # type: ignore[arg-type]
    return " ".join(text.strip().split("\n\n")[0].split())


def rewrite_paths(text: str, workspace: str, tests: str, logs: str) -> str:
    """The Docker image's absolute paths in a test file, pointed at this run's folders."""
    text = _WORKSPACE_PATH.sub(lambda _: workspace, text)
    text = _TESTS_PATH.sub(lambda _: tests, text)
    return _LOGS_PATH.sub(lambda _: logs, text)


def _case_id(case: ET.Element) -> str:
    name = re.sub(r"\[.*\]$", "", case.get("name") or "")
    cls = (case.get("classname") or "").split(".")[-1]
    return f"{cls}::{name}" if cls.startswith("Test") else name


def _run_bounded(cmd: list[str], cwd: str, env: dict[str, str], timeout_s: float,
                 out_path: Path) -> str:
    """Run `cmd` with its output in `out_path` (a file: no pipe a leftover child can hold
    open); kill its process group at `timeout_s`. Returns the output (last 64 KiB)."""
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        end = time.monotonic() + timeout_s
        note = f"\npytest did not finish within {timeout_s:.0f} s and was stopped"
        while time.monotonic() < end:  # wait without reaping: the group id stays ours
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOWAIT | os.WNOHANG):
                note = ""
                break
            time.sleep(0.05)
        try:  # the tests' leftover children go too
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
    with open(out_path, "rb") as fh:
        fh.seek(max(0, os.path.getsize(out_path) - (64 << 10)))
        return fh.read().decode("utf-8", errors="replace") + note


def run_tests(workspace_path: str, *, timeout_s: float = 600.0,
              tests_dir: Path | None = None, reward: str = "fraction") -> list[dict]:
    """Run the tests against `workspace_path`; the python-grade records.

    `reward="fraction"`: one record per test, equal weights (the score is the fraction of
    tests passed). `reward="harbor"`: the score is Harbor's reward, 1 when every test
    passes and 0 otherwise (SkillsBench's tests/test.sh writes exactly that to
    reward.txt): one `reward` record of weight 1, the per-test records kept with weight 0
    so the details stay in the grade."""
    records = _run_tests(workspace_path, timeout_s=timeout_s, tests_dir=tests_dir)
    if reward != "harbor":
        return records
    all_passed = bool(records) and all(r["score"] == 1.0 for r in records)
    failed = [r["id"] for r in records if r["score"] < 1.0]
    return [{"id": "reward", "score": 1.0 if all_passed else 0.0, "weight": 1.0,
             "description": "Harbor reward: 1 when every test of tests/test_outputs.py passes",
             "details": "all tests passed" if all_passed else
             f"{len(failed)} of {len(records)} tests failed: {', '.join(failed[:5])}"},
            *({**r, "weight": 0.0} for r in records)]


def _run_tests(workspace_path: str, *, timeout_s: float, tests_dir: Path | None) -> list[dict]:
    tests_dir = tests_dir or Path(__file__).resolve().parent / "tests"
    source = (tests_dir / TEST_FILE).read_text(encoding="utf-8")
    expected = list_tests(source)
    scratch = Path(tempfile.mkdtemp(prefix="harbor-tests-"))
    try:
        tests, logs = scratch / "tests", scratch / "logs"
        shutil.copytree(tests_dir, tests)
        (logs / "verifier").mkdir(parents=True)
        workspace = str(Path(workspace_path).resolve())
        for path in tests.rglob("*"):
            if path.is_file() and path.suffix in (".py", ".sh", ".json", ".txt", ".cfg", ".ini"):
                try:
                    text = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue
                path.write_text(rewrite_paths(text, workspace, str(tests), str(logs)),
                                encoding="utf-8")
        ini = scratch / "pytest.ini"
        ini.write_text("[pytest]\n", encoding="utf-8")
        report = scratch / "report.xml"
        python = os.environ.get("SKILLIR_TASK_PYTHON") or sys.executable  # the task's env
        cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", str(ini),
               "--rootdir", str(tests), f"--junitxml={report}", str(tests / TEST_FILE)]
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        output = _run_bounded(cmd, workspace, env, timeout_s, scratch / "pytest.out")
        cases: dict[str, list[tuple[bool | None, str]]] = {}  # None: skipped
        if report.is_file():
            for case in ET.parse(report).getroot().iter("testcase"):
                bad = [c for c in case if c.tag in ("failure", "error")]
                skipped = [c for c in case if c.tag == "skipped"]
                why = bad or skipped
                message = (why[0].get("message") or why[0].text or "").strip() if why else ""
                cases.setdefault(_case_id(case), []).append(
                    (None if skipped and not bad else not bad, message))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if re.search(r"ERROR collecting|errors? during collection", output):
        missing = re.search(r"(ModuleNotFoundError|ImportError): (.+)", output)
        if missing:  # the grader's environment lacks a dependency: an infrastructure error
            raise ImportError(f"tests/{TEST_FILE} cannot be imported: {missing.group(2)}")
    cases = {k: v for k, v in cases.items() if k in dict(expected) or "::" in k
             or k.startswith("test")}  # drop the pseudo-case of a collection error
    ids = [i for i, _ in expected] + [i for i in cases if i not in dict(expected)]
    if not ids:
        return [{"id": "pytest", "score": 0.0, "weight": 1.0,
                 "description": f"tests/{TEST_FILE} defines no test",
                 "details": output.strip()[-500:]}]
    docs = dict(expected)
    weight = 1.0 / len(ids)
    records = []
    for tid in ids:
        every = cases.get(tid, [])
        # a skipped case (pytest.skip, xfail) fails nothing, as in pytest's exit status and
        # so in Harbor's reward: it leaves the count; a test whose cases all skip passes
        results = [(ok, m) for ok, m in every if ok is not None]
        skipped = len(every) - len(results)
        passed = sum(bool(ok) for ok, _ in results)
        first_failure = next((m for ok, m in results if not ok), "")
        note = f" ({skipped} skipped)" if skipped else ""
        if results:
            detail = f"{passed} of {len(results)} cases passed{note}" \
                + (f": {first_failure[:300]}" if first_failure else "")
        elif every:
            detail = f"all {skipped} cases skipped: {every[0][1][:300]}"
        else:
            detail = "not run: " + (output.strip().splitlines() or ["no pytest output"])[-1][:300]
        score = passed / len(results) if results else (1.0 if every else 0.0)
        records.append({"id": tid, "score": score,
                        "weight": weight,
                        "description": docs.get(tid) or f"SkillsBench test {tid} passes",
                        "details": detail})
    return records
