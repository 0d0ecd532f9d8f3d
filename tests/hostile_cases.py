"""Hostile inputs, per category, shared by the hostile tests and by the hostile-input report
(benchmarks/hostile/report.py): one definition of each case, run by both.

Two kinds of case:
- `CliCase`: a command line (`python -m skillir.tools.<tool> ...`) over files the case makes
  in a fresh folder. `check_cli` runs it with a private TMPDIR and a time bound and checks
  the exit code, a one-line message without a traceback, that nothing changed outside the
  output (the input included), and that no temp file was left.
- `Probe`: a function over a fresh folder that returns None when the hostile thing was
  contained, else what went wrong (server faults, sandbox escapes, stores, generated IR).

Categories: front matter, markdown, bundled files, IR text, CLI arguments, stores, server
faults, sandbox escapes.
"""

from __future__ import annotations

import hashlib
import os
import random
import socket
import stat
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from skillir.limits import MAX_FRONT_MATTER_KEYS, MAX_NESTING, MAX_STEPS

CATEGORIES = ("front matter", "markdown", "bundled files", "IR text", "CLI arguments", "stores",
              "server faults", "sandbox escapes")
TARGET = "--target=bare-agent/qwen3.5-9b"
CASE_TIMEOUT_S = 120.0


# -- front matter and markdown ----------------------------------------------------------------
BOMB = """---
name: bomb
description: d
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
---
# T
"""

FRONT_MATTER_CASES: dict[str, tuple[str, str]] = {
    "alias-bomb": (BOMB, "expands to more than"),
    "many-keys": ("---\nname: k\ndescription: d\n"
                  + "".join(f"k{i}: v\n" for i in range(MAX_FRONT_MATTER_KEYS + 1)) + "---\n# T\n",
                  "top-level keys, over the limit"),
    "huge-front-matter": ("---\nname: k\ndescription: " + "x" * (70 << 10) + "\n---\n# T\n",
                          "byte limit"),
    "deep-yaml": ("---\nname: k\ndescription: d\nx: " + "[" * (MAX_NESTING + 5) + "]" * (MAX_NESTING + 5)
                  + "\n---\n# T\n", "nests deeper than"),
}
"""SKILL.md text -> the message `skill-opt SKILL` must give (exit 2, one line)."""

MARKDOWN_CASES: dict[str, tuple[str, str]] = {
    "many-steps": ("---\nname: s\ndescription: d\n---\n# T\n\n"
                   + "".join(f"{i}. Do thing {i}.\n" for i in range(1, MAX_STEPS + 2)), "steps, over the limit"),
}
"""The same shape for the markdown body."""

HOSTILE_IR: list[tuple[str, str]] = [
    ("builtin.module {" + 'skill.skill @s attributes {metadata = {name = "s"}, source = "x"} {'
     + 'skill.section "a" attributes {level = 1 : i64} {' * 3000 + "}" * 3001 + "}", "nests too deeply"),
    ('builtin.module {\n skill.skill @s attributes {metadata = {name = "s"}, source = "x"} {\n'
     ' skill.section "a" attributes {level = ' + "9" * 5000 + " : i64} {\n }\n }\n}", "malformed IR"),
    ('builtin.module {\n skill.skill @s attributes {metadata = {name = "s"}, source = "x"} {\n'
     ' skill.section "a" {\n skill.section "b" attributes {level = 2 : i64} {\n }\n }\n }\n}',
     "'skill.section'"),
]
"""IR text -> the message `skill-opt FILE.mlir` must give (exit 2, one line)."""

IR_TOKENS = ['{', '}', '(', ')', '"', '\\', '<', '>', ':', '=', '#cap.prim<', ' i64', '9' * 30, '-1',
             '@', '%0', '!skill.artifact<"x">', 'level', '[', ']', '\x00', '\ud800', '{level = 1 : i64}',
             '9' * 5000, 'skill.section "a" attributes {level = 1 : i64} {' * 50]


def mutate_ir(rng: random.Random, text: str) -> str:
    """One to four random insertions, deletions or copied spans (the IR fuzzer's mutator)."""
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(text))
        choice = rng.random()
        if choice < 0.4:
            text = text[:pos] + rng.choice(IR_TOKENS) + text[pos:]
        elif choice < 0.7:
            text = text[:pos] + text[pos + rng.randint(1, 20):]
        else:
            src = rng.randrange(len(text))
            text = text[:pos] + text[src:src + rng.randint(1, 40)] + text[pos:]
    return text


# -- fault-injecting servers ------------------------------------------------------------------
class RawServer:
    """Answers every connection with `respond(conn)` on a thread; bounded by the caller."""

    def __init__(self, respond: Callable[[socket.socket], None]):
        self.respond = respond
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.accepted = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/x"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            with conn:
                conn.settimeout(5)
                try:
                    conn.recv(65536)
                    self.respond(conn)
                except OSError:
                    pass

    def __enter__(self) -> RawServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(10)
        self.sock.close()


def never_answers(conn: socket.socket) -> None:
    """Reads the request and holds the connection without a byte of answer, until the client
    gives up (or 5 s pass)."""
    while conn.recv(65536):  # the rest of the request, then nothing until the client closes
        pass


def dribble(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(2000):  # one byte every 10 ms: each read is quick, the body never ends
        conn.sendall(b" ")
        time.sleep(0.01)


def bad_chunks(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n")


def cut_short(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n{\"a\": 1")


def not_http(conn: socket.socket) -> None:
    conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")


def oversized(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n" + b" " * 300000)


def garbage_retry_after(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 429 Too Many\r\nRetry-After: -5\r\nContent-Length: 2\r\n\r\n{}")


TRANSPORT_FAULTS = {"bad-chunks": bad_chunks, "cut-short": cut_short, "not-http": not_http}
"""Responders whose every call must end as a ProviderError naming the attempts."""


# -- the case types ---------------------------------------------------------------------------
@dataclass
class CliRun:
    """What a CLI case runs, made in its folder by `CliCase.build`."""

    argv: list[str]
    tool: str = "skill_opt"
    expect: int = 2
    needles: tuple[str, ...] = ()
    output: Path | None = None
    """The only place the command may write (None: nowhere)."""
    one_line: bool = True
    """stderr is exactly one line (warnings-only cases set False and give needles)."""


@dataclass(frozen=True)
class CliCase:
    category: str
    name: str
    build: Callable[[Path], CliRun]
    known: str | None = None
    """A known open finding: a problem the case still shows (the report counts it as not
    clean; the tests check it is still exactly that, so a fix shows up)."""


@dataclass(frozen=True)
class Probe:
    category: str
    name: str
    run: Callable[[Path], str | None]
    generated: bool = False
    known: str | None = None


@dataclass
class Outcome:
    category: str
    name: str
    clean: bool
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- CLI checks -------------------------------------------------------------------------------
def _snapshot(root: Path, skip: Path | None) -> dict[str, str]:
    """Every entry under `root` (but `skip`) -> its kind and content digest."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None:
            dirnames[:] = [d for d in dirnames if here / d != skip]
        for name in dirnames + filenames:
            path = here / name
            if skip is not None and path == skip:
                continue
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                out[str(path)] = "link:" + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256()
                with open(path, "rb") as fh:
                    for block in iter(lambda: fh.read(1 << 20), b""):
                        digest.update(block)
                        if fh.tell() > 64 << 20:  # sparse giants: size and mtime stand in
                            digest.update(f"{info.st_size}:{info.st_mtime_ns}".encode())
                            break
                out[str(path)] = "file:" + digest.hexdigest()
            else:
                out[str(path)] = f"kind:{stat.S_IFMT(info.st_mode)}"
    return out


def check_cli(case: CliCase, folder: Path, *, timeout: float = CASE_TIMEOUT_S) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / "case"
    work.mkdir()
    tmpdir = folder / "tmp"
    tmpdir.mkdir()
    spec = case.build(work)
    before = _snapshot(work, spec.output)
    env = {**os.environ, "TMPDIR": str(tmpdir), "SKILLIR_PROFILES": str(folder / "profiles")}
    start = time.monotonic()
    problems: list[str] = []
    try:
        done = subprocess.run([sys.executable, "-m", f"skillir.tools.{spec.tool}", *spec.argv],
                              cwd=work, env=env, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(case.category, case.name, False, [f"hang: still running after {timeout:g} s"],
                       time.monotonic() - start)
    seconds = time.monotonic() - start
    err_lines = [line for line in done.stderr.splitlines() if line.strip()]
    if done.returncode != spec.expect:
        problems.append(f"exit {done.returncode}, expected {spec.expect}: {done.stderr.strip()[-300:]}")
    if "Traceback" in done.stderr or "Traceback" in done.stdout:
        problems.append("a traceback")
    if spec.expect != 0 and spec.one_line and len(err_lines) != 1:
        problems.append(f"{len(err_lines)} lines on stderr, expected one")
    message = "\n".join(err_lines)
    problems += [f"message lacks {n!r}: {message[-200:]}" for n in spec.needles if n not in message]
    after = _snapshot(work, spec.output)
    changed = sorted(set(before.items()) ^ set(after.items()))
    if changed:
        problems.append("written or changed outside the output: "
                        + ", ".join(sorted({os.path.relpath(p, work) for p, _ in changed}))[:300])
    left = sorted(p.name for p in tmpdir.iterdir())
    if left:
        problems.append(f"temp files left: {left[:5]}")
    return Outcome(case.category, case.name, not problems, problems, seconds)


# -- probe helpers ----------------------------------------------------------------------------
def _skill(root: Path, text: str, name: str = "skill") -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(text)
    return folder


GOOD = "---\nname: skill\ndescription: A test skill\n---\n# Greet\n\nRun `scripts/run.sh` to say hello.\n"


def _good(root: Path) -> Path:
    folder = _skill(root, GOOD)
    (folder / "scripts").mkdir()
    (folder / "scripts" / "run.sh").write_text("echo hello\n")
    return folder


def _opt_skill(text: str, needle: str) -> Callable[[Path], CliRun]:
    def build(work: Path) -> CliRun:
        _skill(work, text)
        return CliRun(["skill"], needles=(needle,))
    return build


def _ir_file(text: str, needle: str) -> Callable[[Path], CliRun]:
    def build(work: Path) -> CliRun:
        (work / "hostile.mlir").write_text(text)
        return CliRun(["hostile.mlir"], needles=(needle,))
    return build


def _bundled(make: Callable[[Path], None], needles: tuple[str, ...], expect: int = 2
             ) -> Callable[[Path], CliRun]:
    def build(work: Path) -> CliRun:
        skill = _good(work)
        make(skill)
        return CliRun(["skill", TARGET, "-o", "out", "-q"], expect=expect, needles=needles,
                      output=work / "out")
    return build


def _symlink_out(skill: Path) -> None:
    (skill.parent / "secret.txt").write_text("do not read")
    os.symlink(skill.parent / "secret.txt", skill / "leak.txt")


def _fifo(skill: Path) -> None:
    os.mkfifo(skill / "scripts" / "pipe.sh")


def _sparse(skill: Path) -> None:
    (skill / "assets").mkdir()
    with open(skill / "assets" / "big.bin", "wb") as handle:
        handle.truncate(10 << 30)


def _ssh_name(work: Path) -> CliRun:
    (work / "x" / ".ssh").mkdir(parents=True)
    (work / "x" / ".ssh" / "authorized_keys").write_text("ssh-ed25519 AAAA mine\n")
    inner = work / "a" / "b"
    inner.mkdir(parents=True)
    _skill(inner, GOOD.replace("name: skill", "name: ../../x/.ssh"))
    return CliRun(["a/b/skill", TARGET, "-o", "out", "-q"],
                  needles=("unsafe skill name",), output=work / "out")


def _args(argv: list[str], needles: tuple[str, ...], *, with_skill: bool = True,
          output: str | None = None, extra: Callable[[Path], None] | None = None
          ) -> Callable[[Path], CliRun]:
    def build(work: Path) -> CliRun:
        if with_skill:
            _good(work)
        if extra:
            extra(work)
        return CliRun(argv, needles=needles, output=(work / output) if output else None)
    return build


def _mkfifo(name: str) -> Callable[[Path], None]:
    return lambda work: os.mkfifo(work / name)


CLI_CASES: list[CliCase] = [
    *(CliCase("front matter", n, _opt_skill(t, m)) for n, (t, m) in FRONT_MATTER_CASES.items()),
    CliCase("front matter", "name-climbs-out", _ssh_name),
    CliCase("front matter", "unrecoverable-yaml", _opt_skill("---\n- a\n- b: [\n---\n# x\n",
                                                             "cannot be recovered")),
    *(CliCase("markdown", n, _opt_skill(t, m)) for n, (t, m) in MARKDOWN_CASES.items()),
    CliCase("markdown", "non-utf8", lambda w: (
        (w / "skill").mkdir(), (w / "skill" / "SKILL.md").write_bytes(b"---\nname: a\n---\n\ncaf\xe9\n"),
        CliRun(["skill"], needles=("not valid UTF-8",)))[-1]),
    CliCase("markdown", "binary", lambda w: (
        (w / "skill").mkdir(), (w / "skill" / "SKILL.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"),
        CliRun(["skill"], needles=("binary",)))[-1]),
    CliCase("markdown", "oversized", _opt_skill("# big\n\n" + "x" * (1 << 20) + "\n", "byte limit")),
    CliCase("bundled files", "symlink-out", _bundled(_symlink_out, ("points outside the skill",))),
    CliCase("bundled files", "sparse-10gb", _bundled(_sparse, ("assets/big.bin", "byte limit"))),
    CliCase("bundled files", "fifo-skipped", _bundled(_fifo, (), expect=0)),
    *(CliCase("IR text", f"crafted-{i}", _ir_file(t, m)) for i, (t, m) in enumerate(HOSTILE_IR)),
    CliCase("IR text", "unterminated-string", _ir_file('builtin.module {\n "' + "\\\\a" * 20,
                                                       "hostile.mlir")),
    CliCase("CLI arguments", "missing-path", _args(["nope"], ("no such file or folder",), with_skill=False)),
    CliCase("CLI arguments", "unknown-pass", _args(["skill", "-p", "no-such-pass"], ("unknown pass",))),
    CliCase("CLI arguments", "malformed-pipeline", _args(["skill", "-p", "canonicalize-skill{"],
                                                         ("malformed pass pipeline",))),
    CliCase("CLI arguments", "output-is-input", _args(["skill", TARGET, "-o", "skill", "--force"],
                                                      ("the output", "input"))),
    CliCase("CLI arguments", "output-is-parent", _args(["skill", TARGET, "-o", ".", "--force"],
                                                       ("the output", "input"))),
    CliCase("CLI arguments", "output-dev-full", _args(["skill", "-o", "/dev/full"], ("/dev/full",))),
    CliCase("CLI arguments", "output-under-a-file", _args(["skill", TARGET, "-o", "afile/out"], ("afile",),
                                                          extra=lambda w: (w / "afile").write_text("x"))),
    CliCase("CLI arguments", "long-path", _args(["a" * 5000], (), with_skill=False)),
    CliCase("CLI arguments", "fifo-input", _args(["in.mlir"], ("a FIFO, not a regular file",),
                                                 with_skill=False, extra=_mkfifo("in.mlir"))),
    CliCase("CLI arguments", "dev-zero-input", _args(["/dev/zero"], ("not a skill",),
                                                     with_skill=False)),
    CliCase("stores", "profile-import-fifo", lambda w: (
        os.mkfifo(w / "p.json"), CliRun(["import", "p.json"], tool="skill_profile",
                                        needles=("not a regular file",)))[-1]),
    CliCase("stores", "replay-fifo", lambda w: (
        os.mkfifo(w / "t.jsonl"), CliRun(["--replay", "t.jsonl"], tool="skill_run",
                                         needles=("a FIFO, not a regular file",)))[-1]),
]


# -- probes -----------------------------------------------------------------------------------
def _expect_provider_error(respond: Callable[[socket.socket], None], needle: str,
                           *, deadline_s: float | None = None, max_retries: int = 1) -> Callable[[Path], str | None]:
    def run(_folder: Path) -> str | None:
        from skillir.runtime.providers.base import ProviderError
        from skillir.runtime.providers.http import RetryPolicy, post_json

        slept: list[float] = []
        start = time.monotonic()
        with RawServer(respond) as srv:
            try:
                post_json(srv.url, {}, {}, timeout=5,
                          retry=RetryPolicy(max_retries=max_retries, sleep=slept.append,
                                            max_body_bytes=100_000),
                          deadline=None if deadline_s is None else start + deadline_s)
            except ProviderError as exc:
                if needle not in str(exc):
                    return f"provider error without {needle!r}: {exc}"
                if "\n" in str(exc):
                    return "a multi-line provider error"
                return None
        return "the call succeeded"
    return run


def _deep_profile(folder: Path) -> str | None:
    from skillir.errors import SkillIRError
    from skillir.profiles.store import list_profiles

    root = folder / "store"
    bad = root / "bare-agent" / "deep" / "latest.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("[" * 200_000 + "]" * 200_000)
    os.environ["SKILLIR_PROFILES"] = str(root)
    try:
        errors: list[SkillIRError] = []
        if not list_profiles(errors=errors):
            return "no profiles listed"
        return None if len(errors) == 1 and str(bad) in str(errors[0]) else f"errors: {errors}"
    finally:
        del os.environ["SKILLIR_PROFILES"]


def _sandbox(folder: Path, **limits):
    from skillir.runtime.sandbox import Limits, Sandbox

    ws = folder / "ws"
    ws.mkdir()
    box = Sandbox(ws, Limits(**{"command_timeout_s": 60, **limits}), isolation="auto")
    box.adopt()
    return box


def _escape(command: str, contained: Callable[[Path, object], str | None], **limits
            ) -> Callable[[Path], str | None]:
    def run(folder: Path) -> str | None:
        outside = folder / "outside"
        outside.mkdir()
        (outside / "secret.txt").write_text("top secret")
        box = _sandbox(folder, **limits)
        if box.mode != "bwrap":
            return f"no sandbox here ({box.warning})"
        res = box.run(command.replace("OUTSIDE", str(outside)))
        if (outside / "secret.txt").read_text() != "top secret" or len(list(outside.iterdir())) != 1:
            return "wrote outside the workspace"
        if res.timed_out:
            return "ran into its time limit"
        return contained(folder / "ws", res)
    return run


def _needs(*needles: str) -> Callable[[Path, object], str | None]:
    def check(_ws: Path, res) -> str | None:
        text = res.describe()
        missing = [n for n in needles if n not in text]
        return f"result lacks {missing}: {text[-200:]}" if missing else None
    return check


def _file_tool_escape(folder: Path) -> str | None:
    from skillir.runtime.sandbox import SandboxViolation

    box = _sandbox(folder)
    (folder / "secret.txt").write_text("top secret")
    os.symlink(folder / "secret.txt", folder / "ws" / "link")
    os.mkfifo(folder / "ws" / "pipe")
    for path in ("link", "../secret.txt", "/etc/passwd", "pipe"):
        try:
            box.read_file(path)
            return f"read_file({path!r}) was allowed"
        except SandboxViolation:
            pass
        try:
            box.write_file(path, b"pwned")
            return f"write_file({path!r}) was allowed"
        except SandboxViolation:
            pass
    return None if (folder / "secret.txt").read_text() == "top secret" else "secret changed"


def _no_network(folder: Path) -> str | None:
    with RawServer(lambda conn: conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")) as srv:
        return _escape(f"python3 -c \"import urllib.request; urllib.request.urlopen('{srv.url}', timeout=3); "
                       "print('CONNECTED')\"", lambda ws, res: "connected" if "CONNECTED" in res.output
                       else None)(folder)


PROBES: list[Probe] = [
    *(Probe("server faults", n, _expect_provider_error(r, "giving up after 2 attempts"),
            )
      for n, r in TRANSPORT_FAULTS.items()),
    Probe("server faults", "dribbling-body", _expect_provider_error(dribble, "did not arrive in time",
                                                                      deadline_s=1.0, max_retries=0)),
    Probe("server faults", "oversized-body", _expect_provider_error(oversized, "over 100000 bytes",
                                                                      max_retries=0)),
    Probe("server faults", "garbage-retry-after", _expect_provider_error(garbage_retry_after, "429")),
    Probe("stores", "deeply-nested-profile", _deep_profile),
    Probe("sandbox escapes", "write-outside", _escape(
        "echo pwned > OUTSIDE/secret.txt; touch OUTSIDE/new; echo x > /etc/skillir-escape; echo done",
        lambda ws, res: None if not Path("/etc/skillir-escape").exists() else "wrote /etc")),
    Probe("sandbox escapes", "file-tools", _file_tool_escape),
    Probe("sandbox escapes", "network", _no_network),
    Probe("sandbox escapes", "nested-userns", _escape(
        "unshare -rm true && echo ESCAPED; unshare -U true && echo ESCAPED; echo done",
        lambda ws, res: "unshare worked" if "ESCAPED" in res.output else None)),
    Probe("sandbox escapes", "fork-bomb", _escape(
        "(bomb() { bomb | bomb & }; bomb); echo survived", _needs("survived"), max_processes=64)),
    Probe("sandbox escapes", "write-2gb", _escape(  # 8 files of 256 MiB (RLIMIT_FSIZE caps one)
        "for i in 1 2 3 4 5 6 7 8; do head -c 256M /dev/zero > f$i; done", lambda ws, res: (
            None if (n := sum(f.stat().st_size for f in ws.iterdir())) <= 512 << 20 and res.disk
            else f"{n} bytes reached the host ({res.disk})"))),
    Probe("sandbox escapes", "100000-files", _escape(
        "python3 -c \"\nimport os\nos.mkdir('d')\nfor i in range(100000):\n    open(f'd/f{i}', 'w').close()\n\"",
        lambda ws, res: None if len(os.listdir(ws / "d")) <= 20_000 and res.disk else
        f"{len(os.listdir(ws / 'd'))} files reached the host")),
    Probe("sandbox escapes", "output-flood", _escape("yes flood", _needs("killed: command flooded"),
                                                     output_kill_bytes=1 << 20)),
    Probe("sandbox escapes", "runaway", lambda f: (
        None if (r := _sandbox(f).run("sleep 1000", timeout=1)).timed_out else f"not stopped: {r}")),
]


def generated_ir_probes(texts: list[str], *, seeds: int = 4, per_seed: int = 120) -> Iterator[Probe]:
    """Mutated IR from real skills: each parses and verifies, or fails with a one-line
    SkillIRError (the IR fuzzer's cases, seeded)."""
    for seed in range(seeds):
        rng = random.Random(seed)
        for k in range(per_seed):
            text = mutate_ir(rng, rng.choice(texts))

            def run(_folder: Path, text: str = text) -> str | None:
                from skillir.errors import SkillIRError
                from skillir.ir import parse_module, print_module, verify_module

                try:
                    module = parse_module(text, "fuzz.mlir")
                    verify_module(module)
                    print_module(module)
                except SkillIRError as exc:
                    return "a multi-line error" if "\n" in str(exc) else None
                return None
            yield Probe("IR text", f"mutated-{seed}-{k}", run, generated=True)


def generated_front_matter_probes(dirs: list[Path], *, count: int = 200, seed: int = 0) -> Iterator[Probe]:
    """Real skills with their front matter and body mutated (bytes spliced, keys repeated,
    nesting added): each loads or fails with a one-line SkillIRError."""
    rng = random.Random(seed)
    pieces = ["\n", ":", "- ", "  ", "&a ", "*a", "[", "{", "\x00", "\ud800", "9" * 400, "---\n",
              "name: ../x\n", "1. step\n" * 50, "```\n", "<|endoftext|>"]
    for k in range(count):
        source = rng.choice(dirs)
        text = (source / "SKILL.md").read_text(encoding="utf-8", errors="replace")
        for _ in range(rng.randint(1, 4)):
            pos = rng.randrange(max(1, min(len(text), 600)))
            text = text[:pos] + rng.choice(pieces) + text[pos + rng.randint(0, 8):]
        category = "front matter" if k % 2 == 0 else "markdown"

        def run(folder: Path, text: str = text) -> str | None:
            from skillir.errors import SkillIRError
            from skillir.frontend.skill_md import load_skill

            skill = folder / "skill"
            skill.mkdir()
            try:
                (skill / "SKILL.md").write_text(text, encoding="utf-8", errors="surrogateescape")
            except UnicodeEncodeError:
                (skill / "SKILL.md").write_bytes(text.encode("utf-8", "replace"))
            before = (skill / "SKILL.md").read_bytes()
            try:
                load_skill(skill)
            except SkillIRError as exc:
                if "\n" in str(exc):
                    return "a multi-line error"
            if (skill / "SKILL.md").read_bytes() != before:
                return "the input changed"
            return None
        yield Probe(category, f"mutated-skill-{k}", run, generated=True)


def run_probe(probe: Probe, folder: Path, *, timeout: float = CASE_TIMEOUT_S) -> Outcome:
    """Run `probe` in a forked child (so a hang or a crash is bounded and counted), with a
    private TMPDIR that must be empty afterwards."""
    import json
    import signal
    import tempfile

    folder.mkdir(parents=True, exist_ok=True)
    tmpdir = folder / "tmp"
    tmpdir.mkdir()
    read_end, write_end = os.pipe()
    start = time.monotonic()
    with warnings.catch_warnings():  # 3.12+ warns about fork() beside threads; the child
        warnings.simplefilter("ignore", DeprecationWarning)  # only runs the probe and exits
        pid = os.fork()
    if pid == 0:  # the child
        os.close(read_end)
        try:
            os.environ["TMPDIR"] = str(tmpdir)
            tempfile.tempdir = str(tmpdir)
            try:
                problem = probe.run(folder)
            except BaseException as exc:  # an internal error is what the suite looks for
                problem = f"internal error: {type(exc).__name__}: {str(exc)[:200]}"
            os.write(write_end, json.dumps({"problem": problem}).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    chunks: list[bytes] = []
    problems: list[str] = []
    os.set_blocking(read_end, False)
    while True:
        try:
            chunk = os.read(read_end, 65536)
        except BlockingIOError:
            chunk = None
        if chunk:
            chunks.append(chunk)
        elif chunk == b"":
            break
        if time.monotonic() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            problems.append(f"hang: still running after {timeout:g} s")
            break
        time.sleep(0.01)
    os.close(read_end)
    os.waitpid(pid, 0)
    seconds = time.monotonic() - start
    if not problems:
        try:
            problem = json.loads(b"".join(chunks))["problem"]
        except (ValueError, KeyError):
            problem = "the probe died without an answer"
        if problem:
            problems.append(problem)
    left = sorted(p.name for p in tmpdir.iterdir())
    if left:
        problems.append(f"temp files left: {left[:5]}")
    if "skillir-workspace" in Path("/proc/self/mountinfo").read_text():
        if any(str(folder) in line for line in Path("/proc/self/mountinfo").read_text().splitlines()):
            problems.append("a workspace mount was left behind")
    return Outcome(probe.category, probe.name, not problems, problems, seconds)
