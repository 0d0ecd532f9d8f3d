"""The compile server: a warm process that forks one child per `skill-opt` or
`skill-run` command
(`python -m skillir.tools.compile_server --socket S --lock L --idle SECONDS`; started by
`skillir.tools.server_client`, never by hand).

At start it takes the lock (one server per key), imports everything a command uses and
compiles a bundled warm-up skill (skillir/data/warmup_skill.md) for all six harnesses in
a scratch folder, so the rule tables, parsers, schemas and tokenizer are ready. It then
drops what depends on the machine's state rather than on SkillIR's files (the presence
probe's in-process answers), freezes the heap (`gc.freeze`, so children share its pages)
and listens.

It keeps one *spare* child forked ahead of the next command (a pre-fork server, like
Gunicorn's `--preload` workers): a freshly forked child runs a compile about 1.5x slower
than the server would, because every page its first compile touches is copied then
(copy-on-write, reference counts), so the spare compiles the warm-up skill once while no
command waits, drops the machine answers again and only then accepts a connection. The
spare that takes a connection tells the server, which forks the next spare. A connection
that is already waiting when a spare is born is taken at once, unprimed.

The child that took a connection from this user takes the client's standard streams
(passed as file descriptors), working directory, environment, umask and arguments, runs
the tool's in-process entry point, runs the exit handlers and reports the exit code; the
server itself never runs a command, so no command sees another's state. A spare exits
with its server (it watches a pipe the server holds); the server exits after `--idle`
seconds without a connection.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import gc
import importlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import sys
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from skillir.tools.server_client import HEADER

EXIT_INTERNAL = 70


def _tools() -> dict[str, Callable[[list[str]], int]]:
    from skillir.tools import skill_opt, skill_run

    return {"skill-opt": skill_opt.main, "skill-run": skill_run.main}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="skillir-compile-server")
    parser.add_argument("--socket", required=True)
    parser.add_argument("--lock", required=True)
    parser.add_argument("--idle", type=float, default=300.0)
    args = parser.parse_args(argv)
    lock = os.open(args.lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return 0  # another server for this key is starting or serving
    os.ftruncate(lock, 0)
    os.write(lock, f"{os.getpid()}\n".encode())  # for `server_client.stop_servers`
    from skillir.regex_cache import install

    install()  # with the user's cache, before the warm-up's scratch one: the children inherit it
    tools = _tools()
    warm_up()
    path = Path(args.socket)
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a socket left by a server that died
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)  # the socket: this user only (its folder is private too)
    try:
        listener.bind(str(path))
    finally:
        os.umask(old_mask)
    listener.listen(64)
    print(f"compile server {os.getpid()} serving {path} (idle exit after {args.idle:g} s)", flush=True)
    try:
        serve(listener, tools, args.idle, lock)
    finally:
        for leftover in (path, Path(args.lock)):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        for cache in _SCRATCH_CACHE:
            shutil.rmtree(cache, ignore_errors=True)
        listener.close()
    return 0


_SCRATCH_CACHE: list[str] = []
"""The warm-up's user cache (made by the first warm-up, removed when the server exits):
a spare's priming finds the probe's answers there instead of starting processes."""


def warm_up() -> None:
    """Compile the bundled warm-up skill once, with a scratch cache and quiet streams."""
    _compile_warmup_skill(all_harnesses=True)
    from skillir.tools.skill_run import RUN_MODULES

    for name in RUN_MODULES:  # imported only: running a task here would configure logging and
        importlib.import_module(name)  # start providers in the server itself
    _forget_machine_state()
    gc.collect()
    gc.freeze()


def _compile_warmup_skill(*, all_harnesses: bool) -> None:
    """skill-opt on the bundled warm-up skill in a scratch folder with a scratch cache
    and quiet streams: for every harness and as IR (the server's warm-up), or for one
    harness (a spare's priming)."""
    from importlib.resources import files

    from skillir.tools import skill_opt

    saved = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="skillir-warmup-") as tmp:
        skill = Path(tmp) / "warmup-report"
        (skill / "scripts").mkdir(parents=True)
        (skill / "references").mkdir()
        (skill / "SKILL.md").write_text(files("skillir.data").joinpath("warmup_skill.md").read_text("utf-8"))
        (skill / "scripts" / "check.py").write_text("import sys\n\nprint(open(sys.argv[1]).read()[:80])\n")
        (skill / "references" / "format.md").write_text("# Format\n\nA title, a table of means, one chart.\n")
        if not _SCRATCH_CACHE:
            _SCRATCH_CACHE.append(tempfile.mkdtemp(prefix="skillir-warmup-cache-"))
        os.environ["SKILLIR_CACHE"] = _SCRATCH_CACHE[0]
        runs = [["--emit-all", "-o", str(Path(tmp) / "all")], ["-o", str(Path(tmp) / "one.mlir")]]
        try:  # (catch_warnings: a warning the warm-up printed is still printed once by a command)
            with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet), \
                    contextlib.redirect_stderr(quiet), warnings.catch_warnings():
                for extra in runs if all_harnesses else [["-o", str(Path(tmp) / "out")]]:
                    skill_opt.main([str(skill), "--target=claude-code/opus-4.6", "-q", *extra])
        finally:
            os.environ.clear()
            os.environ.update(saved)


def _forget_machine_state() -> None:
    """Drop in-process answers about this machine (installed tools, packages, variables)
    that the warm-up left: a command must see the machine as it is when it runs."""
    from skillir.deps import probe

    probe._CACHE.clear()
    probe._CACHE_FACTS.clear()


def serve(listener: socket.socket, tools: dict[str, Callable[[list[str]], int]], idle: float,
          lock: int | None = None) -> None:
    """Keep one spare child ready (see the module); return after `idle` seconds in which
    no spare took a connection, or when spares keep dying without taking one."""
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    alive_r, alive_w = os.pipe()  # the server holds the write end: EOF tells a spare it is gone
    os.set_inheritable(alive_w, False)
    failures = 0
    try:
        while failures < 3:
            taken_r, taken_w = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                os.close(taken_r)
                os.close(alive_w)
                if lock is not None:  # the child must not keep the server's lock once the server exits
                    os.close(lock)
                _spare(listener, tools, taken_w, alive_r)  # never returns
            os.close(taken_w)
            try:
                ready, _, _ = select.select([taken_r], [], [], idle)
                taken = os.read(taken_r, 1) if ready else None
            finally:
                os.close(taken_r)
            if taken is None:  # idle: the spare sees the pipe close and exits
                return
            failures = 0 if taken else failures + 1  # b"": it died without a connection
    finally:
        os.close(alive_w)


def _spare(listener: socket.socket, tools: dict[str, Callable[[list[str]], int]], taken: int,
           server: int) -> None:
    """A spare child: prime its pages, take the next connection from this user, tell the
    server (one byte on `taken`) and serve it; exit when the server's pipe closes first."""
    try:
        for name in ("SIGCHLD", "SIGTERM"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        primed = not select.select([listener], [], [], 0)[0]  # nobody waits yet: prime
        if primed:
            _compile_warmup_skill(all_harnesses=False)
            _forget_machine_state()
        print(f"spare {os.getpid()} ready ({'primed' if primed else 'unprimed: a command was waiting'})",
              flush=True)
        while True:
            readable, _, _ = select.select([listener, server], [], [])
            if server in readable:
                os._exit(0)  # the server exited (idle, stopped or killed)
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            if _same_user(conn):
                break
            conn.close()
        os.write(taken, b"1")
        os.close(taken)
        os.close(server)
        listener.close()
    except BaseException:  # noqa: BLE001 - a spare that fails before serving just ends
        os._exit(1)
    _child(conn, tools)  # never returns


def _same_user(conn: socket.socket) -> bool:
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    _pid, uid, _gid = struct.unpack("3i", creds)
    return uid == os.getuid()


def _child(conn: socket.socket, tools: dict[str, Callable[[list[str]], int]]) -> None:
    code = EXIT_INTERNAL
    started = False
    request_tool = "skillir"
    log = os.dup(2)
    try:
        for name in ("SIGCHLD", "SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        conn.settimeout(10)
        request = _receive(conn)
        conn.settimeout(None)
        request_tool = str(request.get("tool"))
        tool = tools.get(request_tool)
        if tool is None:
            return  # not served: the client runs it in-process
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        os.umask(int(request["umask"]))
        sys.argv = [request["argv0"], *request["argv"]]
        _take_streams()
        conn.sendall(json.dumps({"pid": os.getpid()}).encode() + b"\n")
        started = True
        try:
            code = tool(list(request["argv"]))
        except SystemExit as exc:  # argparse: --help, a usage error
            code = _exit_code(exc)
        with contextlib.suppress(OSError):
            os.write(log, f"child {os.getpid()}: {request['tool']} {' '.join(request['argv'])} -> exit {code}\n"
                     .encode())
    except BaseException as exc:  # noqa: BLE001 - the child reports every end as an exit code
        with contextlib.suppress(OSError):  # the server's log (its descriptor kept as `log`)
            os.write(log, f"child {os.getpid()}: {type(exc).__name__}: {exc}\n".encode())
        if started:
            print(f"{request_tool}: error: internal error in the compile server's child: "
                  f"{type(exc).__name__}: {exc} (set SKILLIR_SERVER=0 and please report it)", file=sys.stderr)
    finally:
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        if started:
            with contextlib.suppress(BaseException):
                atexit._run_exitfuncs()
            with contextlib.suppress(BaseException):
                conn.sendall(json.dumps({"exit": code}).encode() + b"\n")
        os._exit(0)


def _receive(conn: socket.socket) -> dict:
    header, fds, _flags, _addr = socket.recv_fds(conn, HEADER.size, 3)
    if len(header) != HEADER.size or len(fds) != 3:
        raise ConnectionError("a request without its header or its three standard streams")
    (size,) = HEADER.unpack(header)
    chunks, got = [], 0
    while got < size:
        chunk = conn.recv(min(size - got, 1 << 16))
        if not chunk:
            raise ConnectionError("the request was cut short")
        chunks.append(chunk)
        got += len(chunk)
    for target, fd in zip((0, 1, 2), fds, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    return json.loads(b"".join(chunks))


def _take_streams() -> None:
    """New text streams over descriptors 0-2 (now the client's), buffered as Python
    buffers them at start: line-buffered on a terminal and for stderr."""
    encoding = sys.stdout.encoding or "utf-8"
    sys.stdin = open(0, encoding=encoding, closefd=False)  # noqa: SIM115 - the process's stdin
    sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, encoding=encoding,  # noqa: SIM115
                      closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding=encoding, errors="backslashreplace",  # noqa: SIM115
                      closefd=False)


def _exit_code(exc: SystemExit) -> int:
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
