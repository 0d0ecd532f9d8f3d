"""Sandbox escape attempts, all of which must be contained: writing outside the workspace, a
symlink out, a network connection, a fork bomb, a flood of output, a runaway command."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from skillir.runtime.sandbox import (
    SANDBOX_GID,
    SANDBOX_UID,
    Limits,
    Sandbox,
    SandboxViolation,
    bwrap_status,
)
from skillir.runtime.testing import FakeHTTPServer

BWRAP, WHY = bwrap_status()
needs_bwrap = pytest.mark.skipif(not BWRAP, reason=f"bubblewrap unusable here: {WHY}")


@pytest.fixture
def ws(tmp_path):
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def outside(tmp_path):
    target = tmp_path / "outside"
    target.mkdir()
    (target / "secret.txt").write_text("top secret")
    return target


def sandbox(ws: Path, **limits) -> Sandbox:
    sb = Sandbox(ws, Limits(**{"command_timeout_s": 20, **limits}), isolation="auto")
    sb.adopt()
    return sb


# -- file access ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["../outside/x.txt", "/etc/passwd", "a/../../x", "/tmp/x"])
def test_paths_outside_are_refused(ws, path):
    sb = sandbox(ws)
    with pytest.raises(SandboxViolation, match="outside the workspace"):
        sb.write_file(path, b"x")
    with pytest.raises(SandboxViolation):
        sb.read_file(path)


def test_symlinks_out_are_refused(ws, outside):
    sb = sandbox(ws)
    os.symlink(outside / "secret.txt", ws / "link.txt")
    os.symlink(outside, ws / "dirlink")
    for p in ("link.txt", "dirlink/secret.txt", "dirlink/new.txt"):
        with pytest.raises(SandboxViolation):
            sb.read_file(p)
        with pytest.raises(SandboxViolation):
            sb.write_file(p, b"pwned")
    with pytest.raises(SandboxViolation):
        sb.list_dir("dirlink")
    assert (outside / "secret.txt").read_text() == "top secret"
    assert not (outside / "new.txt").exists()


def test_symlinks_inside_are_followed(ws):
    sb = sandbox(ws)
    sb.write_file("data/real.txt", b"hello")
    os.symlink("data/real.txt", ws / "alias.txt")
    assert sb.read_file("alias.txt") == (b"hello", 5)
    sb.write_file("alias.txt", b"changed")
    assert (ws / "data/real.txt").read_bytes() == b"changed"
    kinds = {name: kind for name, kind, _ in sb.list_dir(".")}
    assert kinds == {"alias.txt": "link", "data": "dir"}


def test_component_swapped_for_symlink_is_not_followed(ws, outside):
    """A path checked while clean and then swapped (a race) is refused by O_NOFOLLOW."""
    sb = sandbox(ws)
    (ws / "d").mkdir()
    rel = sb.relative("d/f.txt")  # the check passes now
    (ws / "d").rmdir()
    os.symlink(outside, ws / "d")  # ...then the attacker swaps in a link
    with pytest.raises(SandboxViolation):
        with sb._dir_fd(rel.parts[:-1]):
            pass


def test_read_limits(ws):
    sb = sandbox(ws, read_bytes=10)
    (ws / "big.txt").write_bytes(b"x" * 100)
    data, size = sb.read_file("big.txt")
    assert len(data) == 10 and size == 100
    with pytest.raises(SandboxViolation, match="refusing to write"):
        sandbox(ws, write_bytes=5).write_file("x", b"123456")


# -- commands ---------------------------------------------------------------------------------
def test_commands_run_in_the_workspace_with_a_clean_environment(ws, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-must-not-leak")
    sb = sandbox(ws)
    res = sb.run("pwd; echo $HOME; env; echo made > out.txt")
    assert res.exit_code == 0
    lines = res.output.splitlines()
    assert lines[0] == str(ws.resolve()) and lines[1] == str(ws.resolve())
    assert "sk-must-not-leak" not in res.output
    assert (ws / "out.txt").read_text() == "made\n"
    assert sb.run(f"cat {ws.resolve()}/out.txt").output == "made\n"  # absolute paths work
    assert sb.run("exit 3").exit_code == 3


@needs_bwrap
def test_writing_outside_the_workspace_fails(ws, outside):
    sb = sandbox(ws)
    assert sb.mode == "bwrap"
    res = sb.run(f"echo pwned > {outside}/secret.txt; echo x > /etc/skillir-test; "
                 f"touch {Path.home()}/skillir-test; echo done")
    assert "done" in res.output
    assert (outside / "secret.txt").read_text() == "top secret"
    assert not Path("/etc/skillir-test").exists()
    assert not (Path.home() / "skillir-test").exists()
    # the host folder is not even visible
    assert "No such file" in sb.run(f"cat {outside}/secret.txt").output


@needs_bwrap
def test_no_network(ws):
    with FakeHTTPServer(lambda rec: (200, {}, {"ok": True})) as srv:
        sb = sandbox(ws)
        code = ("import urllib.request, sys\n"
                f"try:\n    urllib.request.urlopen('{srv.url}/', timeout=3)\n"
                "    print('CONNECTED')\nexcept Exception as e:\n    print('BLOCKED', e)\n")
        (ws / "net.py").write_text(code)
        res = sb.run("python3 net.py")
    assert "BLOCKED" in res.output and "CONNECTED" not in res.output
    assert srv.requests == []


@needs_bwrap
def test_multiprocessing_pools_work_with_a_private_dev_shm(ws):
    """POSIX semaphores need a writable /dev/shm (transitleastsquares, joblib)."""
    sb = sandbox(ws)
    res = sb.run("python3 -c 'import multiprocessing as m\n"
                 "with m.Pool(2) as p: print(sum(p.map(abs, [-1, -2])))'; "
                 "touch /dev/shm/x && ls /dev/shm")
    assert res.exit_code == 0, res.output
    assert res.output.split()[:2] == ["3", "x"]


@needs_bwrap
def test_fork_bomb_is_contained(ws):
    sb = sandbox(ws, max_processes=32, command_timeout_s=60)
    # the bomb starts in a subshell (the only fork of the main shell, made while slots are
    # free); `echo` is a builtin: it answers even while the bomb holds every slot
    res = sb.run("(bomb() { bomb | bomb & }; bomb); echo survived")
    assert not res.timed_out
    assert "survived" in res.output
    assert sb.run("echo still fine").output.strip() == "still fine"


@needs_bwrap
def test_process_limit_ignores_other_processes_of_the_same_user(ws):
    """RLIMIT_NPROC is counted inside the command's own user namespace: 100 processes the
    same user runs elsewhere (other sandboxes, other test runs) do not eat into it."""
    sb = sandbox(ws, max_processes=32, command_timeout_s=60)
    drop = ["setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}", "--clear-groups"] \
        if sb.as_user else []
    others = [subprocess.Popen([*drop, "sleep", "60"]) for _ in range(100)]
    try:
        res = sb.run("for i in 1 2 3 4 5 6 7 8; do sleep 0.1 & done; wait; echo all forked")
        bomb = sb.run("(bomb() { bomb | bomb & }; bomb); echo survived")
    finally:
        for proc in others:
            proc.kill()
            proc.wait()
    assert res.exit_code == 0 and "all forked" in res.output and "Cannot fork" not in res.output
    assert "survived" in bomb.output and not bomb.timed_out


@needs_bwrap
@pytest.mark.parametrize("command", ["unshare -rm true", "unshare -U true",
                                     "unshare --user --map-root-user --mount --pid --fork true"])
def test_nested_user_namespaces_are_disabled(ws, command):
    sb = sandbox(ws)
    res = sb.run(f"{command}; echo rc=$?")
    assert "rc=0" not in res.output and "rc=" in res.output, res.output


# -- disk bounds ------------------------------------------------------------------------------
def test_disk_limit_defaults_are_documented():
    assert Limits().workspace_bytes == 512 << 20 and Limits().workspace_files == 20_000


@needs_bwrap
def test_writing_2_gb_stops_at_the_workspace_limit(ws):
    sb = sandbox(ws, workspace_bytes=32 << 20)
    if sb.disk_limits != "enforced":
        pytest.skip(f"disk limits not enforceable here: {sb.disk_note}")
    res = sb.run("head -c 2G /dev/zero > big; echo exit=$?")
    assert "No space left on device" in res.output
    assert res.disk and "workspace disk limit reached (bytes)" in res.describe()
    assert "Limits.workspace_bytes" in res.describe()
    assert (ws / "big").stat().st_size <= 32 << 20  # the host copy is bounded too
    assert sb.run("rm big; echo x > small && cat small").output.startswith("x")
    assert not (ws / "big").exists()


@needs_bwrap
def test_creating_100000_files_stops_at_the_file_limit(ws):
    sb = sandbox(ws, workspace_files=1000)
    if sb.disk_limits != "enforced":
        pytest.skip(f"disk limits not enforceable here: {sb.disk_note}")
    res = sb.run("python3 -c \"\nimport os\nos.mkdir('d')\nfor i in range(100000):\n"
                 "    open(f'd/f{i}', 'w').close()\n\"")
    assert "No space left on device" in res.output and "file count" in (res.disk or "")
    made = len(os.listdir(ws / "d"))
    assert 900 < made < 1000  # the folder and the files already there count too


@needs_bwrap
def test_the_workspace_syncs_back_exactly(ws, outside):
    sb = sandbox(ws)
    if sb.disk_limits != "enforced":
        pytest.skip(f"disk limits not enforceable here: {sb.disk_note}")
    (ws / "keep.txt").write_text("keep")
    (ws / "gone.txt").write_text("gone")
    res = sb.run(f"rm gone.txt; mkdir -p a/b; echo deep > a/b/c.txt; chmod 700 a; "
                 f"ln -s {outside}/secret.txt link; truncate -s 100M sparse; mkfifo pipe; "
                 "echo made")
    assert res.exit_code == 0, res.output
    assert sorted(os.listdir(ws)) == ["a", "keep.txt", "link", "pipe", "sparse"]
    assert (ws / "a/b/c.txt").read_text() == "deep\n" and (ws / "a").stat().st_mode & 0o777 == 0o700
    assert os.readlink(ws / "link") == f"{outside}/secret.txt"
    assert (ws / "sparse").stat().st_size == 100 << 20 and (ws / "sparse").stat().st_blocks == 0
    assert f" {ws} " not in Path("/proc/self/mountinfo").read_text()  # unmounted
    assert (outside / "secret.txt").read_text() == "top secret"


def test_host_writes_count_against_the_disk_limit(ws):
    sb = sandbox(ws, workspace_bytes=1 << 20, write_bytes=1 << 20)
    sb.write_file("one", b"x" * 600_000)
    with pytest.raises(SandboxViolation, match="workspace disk limit"):
        sb.write_file("two", b"x" * 600_000)
    assert not (ws / "two").exists()


def test_without_a_mount_the_disk_limit_is_checked_and_reported(ws):
    sb = Sandbox(ws, Limits(command_timeout_s=20, workspace_bytes=1 << 20), isolation="none")
    assert sb.disk_limits == "checked" and sb.disk_note
    sb.adopt()
    res = sb.run("head -c 2000000 /dev/zero > big")
    assert res.disk and "over its disk limit" in res.describe() and "not enforced" in res.disk


def test_output_flood_is_cut(ws):
    sb = sandbox(ws, output_bytes=1000, output_kill_bytes=200_000)
    start = time.monotonic()
    res = sb.run("yes flood")
    assert time.monotonic() - start < 10
    assert res.killed == "output-flood" and res.exit_code is None
    assert res.truncated and len(res.output) < 1200
    assert "bytes of output omitted" in res.output
    assert "killed: command flooded its output" in res.describe()


def test_big_output_keeps_head_and_tail(ws):
    sb = sandbox(ws, output_bytes=100)
    res = sb.run("echo START; seq 1 5000; echo END")
    assert res.exit_code == 0 and res.truncated
    assert res.output.startswith("START") and res.output.rstrip().endswith("END")


def test_runaway_command_is_killed_at_its_timeout(ws):
    sb = sandbox(ws)
    start = time.monotonic()
    res = sb.run("sleep 30", timeout=1)
    assert 0.9 < time.monotonic() - start < 5
    assert res.timed_out and res.killed == "timeout" and res.exit_code is None
    assert "time limit" in res.describe()


def test_background_children_do_not_hang_the_tool(ws):
    sb = sandbox(ws)
    start = time.monotonic()
    res = sb.run("sleep 20 & echo started")
    assert res.output.strip() == "started" and time.monotonic() - start < 5


def test_memory_limit(ws):
    sb = sandbox(ws, memory_bytes=256 << 20)
    res = sb.run("python3 -c 'x = bytearray(1 << 30)'")
    assert res.exit_code != 0 and "MemoryError" in res.output


def test_cpu_limit(ws):
    sb = sandbox(ws, cpu_seconds=1)
    start = time.monotonic()
    res = sb.run("python3 -c 'while True: pass'", timeout=15)
    assert time.monotonic() - start < 10 and res.exit_code != 0 and not res.timed_out


def test_without_bubblewrap_a_loud_warning_and_the_same_path_checks(ws, outside, caplog):
    sb = Sandbox(ws, Limits(command_timeout_s=5), isolation="none")
    assert sb.mode == "none" and "SANDBOX DISABLED" in (sb.warning or "")
    with pytest.raises(SandboxViolation):
        sb.write_file(str(outside / "x"), b"x")
    os.symlink(outside / "secret.txt", ws / "l")
    with pytest.raises(SandboxViolation):
        sb.read_file("l")
    res = sb.run("sleep 10", timeout=0.5)
    assert res.timed_out


def test_bwrap_required_but_missing_is_an_error(ws, monkeypatch):
    import skillir.runtime.sandbox as mod

    monkeypatch.setattr(mod, "bwrap_status", lambda: (False, "not installed"))
    with pytest.raises(RuntimeError, match="not installed"):
        Sandbox(ws, isolation="bwrap")
    sb = Sandbox(ws, isolation="auto")
    assert sb.mode == "none" and "not installed" in sb.warning
