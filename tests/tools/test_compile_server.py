"""The compile server (skillir.tools.compile_server, server_client): a command handed to
a warm server behaves exactly as one run in its own process: same files, same output and
errors on the client's streams, same exit code, the client's working directory, stdin
and environment; anything unusable falls back to running in-process.

Each test has its own private runtime folder (XDG_RUNTIME_DIR) and stops its server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from skillir.tools.server_client import code_key, server_paths, stop_servers, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
SKILL = ROOT / "tests" / "filecheck" / "inputs" / "merge-pdfs"
SKILL_OPT = str(Path(sys.executable).parent / "skill-opt")
TARGET = "--target=bare-agent/qwen3.5-9b"


@pytest.fixture
def served(tmp_path):
    """(environment with the server on, its socket folder); the server is stopped after."""
    run = Path(tempfile.mkdtemp(prefix="sk", dir="/tmp"))  # short: a socket path holds 107 bytes
    env = dict(os.environ, SKILLIR_SERVER="1", XDG_RUNTIME_DIR=str(run), SKILLIR_CACHE=str(tmp_path / "cache"),
               SKILLIR_SERVER_IDLE="120")
    env.pop("CI", None)
    yield env, run / "skillir"
    stop_servers(run / "skillir")
    shutil.rmtree(run, ignore_errors=True)


def _run(argv, env, **kw):
    return subprocess.run([SKILL_OPT, *argv], env=env, capture_output=True, text=True, timeout=300, **kw)


def _start(env, folder: Path) -> Path:
    """Start the server with a first command and wait until it listens; its log."""
    first = _run([str(SKILL), TARGET, "-q"], env)
    assert first.returncode == 0, first.stderr
    assert wait_until_serving(folder, 240), "the compile server never listened"  # (warm-up, loaded machine)
    (log,) = folder.glob("*.log")
    return log


def _served_lines(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("child ")]


def test_served_compile_matches_in_process(served, tmp_path):
    env, folder = served
    log = _start(env, folder)
    alone = _run([str(SKILL), TARGET, "-o", str(tmp_path / "alone")], dict(env, SKILLIR_SERVER="0"))
    via = _run([str(SKILL), TARGET, "-o", str(tmp_path / "via")], env)
    assert via.returncode == alone.returncode == 0
    assert via.stderr.replace("/via", "/alone") == alone.stderr
    lines = _served_lines(log)
    assert len(lines) == 1 and "-> exit 0" in lines[0] and str(tmp_path / "via") in lines[0]
    left = sorted(p.relative_to(tmp_path / "alone") for p in (tmp_path / "alone").rglob("*") if p.is_file())
    right = sorted(p.relative_to(tmp_path / "via") for p in (tmp_path / "via").rglob("*") if p.is_file())
    assert left == right and left
    for rel in left:
        assert (tmp_path / "via" / rel).read_bytes() == (tmp_path / "alone" / rel).read_bytes(), rel


def test_served_errors_stdin_cwd_and_environment(served, tmp_path):
    env, folder = served
    log = _start(env, folder)
    missing = _run([str(tmp_path / "nope"), TARGET], env)
    assert missing.returncode == 2
    assert missing.stderr.startswith("skill-opt: ") and len(missing.stderr.strip().splitlines()) == 1
    ir = _run([str(SKILL)], dict(env, SKILLIR_SERVER="0")).stdout
    piped = _run(["-", "-p", "canonicalize-skill"], env, input=ir)
    assert piped.returncode == 0 and "skill.skill" in piped.stdout, piped.stderr
    work = tmp_path / "work"
    work.mkdir()
    relative = _run([str(SKILL), "-o", "out.mlir"], env, cwd=work)  # the client's working directory
    assert relative.returncode == 0 and (work / "out.mlir").read_text() == ir
    usage = _run(["--no-such-flag"], env)  # argparse's usage error: its exit code and message
    assert usage.returncode == 2 and "unrecognized arguments" in usage.stderr
    debug = _run([str(tmp_path / "nope"), TARGET], dict(env, SKILLIR_CACHE=str(tmp_path / "other")))
    assert debug.returncode == 2
    assert len(_served_lines(log)) == 5  # every one of them ran in a child of the server


def test_unusable_server_falls_back_in_process(tmp_path):
    run = Path(tempfile.mkdtemp(prefix="sk", dir="/tmp"))
    try:
        env = dict(os.environ, SKILLIR_SERVER="1", XDG_RUNTIME_DIR=str(run), SKILLIR_SERVER_IDLE="120",
                   SKILLIR_CACHE=str(tmp_path / "cache"))
        env.pop("CI", None)
        folder = run / "skillir"
        folder.mkdir(mode=0o700)
        key = subprocess.run([sys.executable, "-c", "from skillir.tools.server_client import code_key; "
                              "print(code_key())"], env=env, capture_output=True, text=True).stdout.strip()
        sock, lock, _log = server_paths(folder, key)
        sock.write_text("")  # a stale socket file: nobody listens
        fcntl_hold = subprocess.Popen([sys.executable, "-c", "import fcntl, os, sys, time; "
                                       f"fd = os.open({str(lock)!r}, os.O_RDWR | os.O_CREAT); "
                                       "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(600)"],
                                      stdout=subprocess.PIPE, text=True)
        try:
            assert fcntl_hold.stdout.readline().strip() == "held"  # "a server is starting": none is spawned
            done = _run([str(SKILL), TARGET, "-o", str(tmp_path / "out")], env)
            assert done.returncode == 0 and any((tmp_path / "out").rglob("SKILL.md"))
        finally:
            fcntl_hold.kill()
            fcntl_hold.communicate()
        folder.chmod(0o755)  # not private: never used, nothing started
        sock.unlink()
        done = _run([str(SKILL), TARGET, "-o", str(tmp_path / "out2")], env)
        assert done.returncode == 0 and any((tmp_path / "out2").rglob("SKILL.md"))
        assert not list(folder.glob("*.sock")) and not list(folder.glob("*.log"))
    finally:
        stop_servers(run / "skillir")
        shutil.rmtree(run, ignore_errors=True)


def test_key_changes_with_python_variables_and_skillir_files(monkeypatch, tmp_path):
    before = code_key()
    monkeypatch.setenv("PYTHONSKILLIRTEST", "7")  # PYTHON* variables act when Python starts
    assert code_key() != before
    monkeypatch.delenv("PYTHONSKILLIRTEST")
    assert code_key() == before
    data = ROOT / "skillir" / "data" / "warmup_skill.md"
    stamp = data.stat()
    try:
        os.utime(data, ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 10**9))  # an edited SkillIR file
        assert code_key() != before
    finally:
        os.utime(data, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert code_key() == before


def test_concurrent_commands_each_get_their_own_child(served, tmp_path):
    env, folder = served
    log = _start(env, folder)
    procs = [subprocess.Popen([SKILL_OPT, str(SKILL), TARGET, "-q", "-o", str(tmp_path / f"c{i}")], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(6)]
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    reference = sorted((p.relative_to(tmp_path / "c0"), p.read_bytes())
                       for p in (tmp_path / "c0").rglob("*") if p.is_file())
    for i in range(1, 6):
        assert sorted((p.relative_to(tmp_path / f"c{i}"), p.read_bytes())
                      for p in (tmp_path / f"c{i}").rglob("*") if p.is_file()) == reference
    assert len(_served_lines(log)) == 6


def _spares(log: Path) -> list[int]:
    return [int(line.split()[1]) for line in log.read_text().splitlines() if line.startswith("spare ")]


def _wait_for(condition, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_a_primed_spare_serves_the_next_command_and_ends_with_its_server(served, tmp_path):
    env, folder = served
    log = _start(env, folder)
    assert _wait_for(lambda: _spares(log), 240), log.read_text()
    spare = _spares(log)[-1]
    assert f"spare {spare} ready (primed)" in log.read_text() and _alive(spare)
    done = _run([str(SKILL), TARGET, "-q", "-o", str(tmp_path / "out")], env)
    assert done.returncode == 0, done.stderr
    assert _served_lines(log)[-1].startswith(f"child {spare}: ")  # the spare took it
    assert _wait_for(lambda: len(_spares(log)) >= 2, 240), log.read_text()  # and the server forked the next
    following = _spares(log)[-1]
    assert following != spare and _alive(following)
    assert stop_servers(folder) == 1
    assert _wait_for(lambda: not _alive(following), 60), "a spare outlived its server"


def test_served_skill_run_records_what_an_in_process_run_records(served, tmp_path):
    import json

    env, folder = served
    log = _start(env, folder)
    skill_run = str(Path(sys.executable).parent / "skill-run")
    argv = [skill_run, "--task", str(ROOT / "tests" / "data" / "sim_tasks" / "sum_json"), "--skill",
            str(ROOT / "tests" / "data" / "sim_skills" / "sum-pipeline"), "--model", "sim/qwen3.5-9b",
            "--seed", "3", "--json"]
    runs = dict(env, SKILLIR_RUNS_DIR=str(tmp_path / "runs"))
    via = subprocess.run(argv, env=runs, capture_output=True, text=True, timeout=300)
    alone = subprocess.run(argv, env=dict(runs, SKILLIR_SERVER="0"), capture_output=True, text=True, timeout=300)
    assert via.returncode == alone.returncode
    a, b = json.loads(via.stdout), json.loads(alone.stdout)
    same = ("status", "score", "task_id", "model", "skill", "turns", "tokens", "tool_calls")
    assert {k: a.get(k) for k in same} == {k: b.get(k) for k in same}
    assert [(c["id"], c["passed"], c["details"]) for c in a["criteria"]] == \
        [(c["id"], c["passed"], c["details"]) for c in b["criteria"]]
    assert any("skill-run" in line and "-> exit" in line for line in _served_lines(log))
