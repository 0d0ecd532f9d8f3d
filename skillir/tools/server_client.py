"""The client side of the compile server (`skillir.tools.compile_server`): standard
library only, so a command that finds a warm server never imports xdsl.

A SkillIR command costs ~0.7 s before it compiles anything: importing xdsl and
SkillIR, compiling the rule tables' regular expressions, loading the tokenizer. Like
Gradle's and Bazel's daemons or mypy's dmypy, the first `skill-opt` or `skill-run` starts a server in
the background that pays this once and then forks a fresh child per command; later
commands hand it their arguments, working directory, environment, umask and standard
streams (the file descriptors themselves, over a Unix socket) and exit with the child's
exit code. The child runs exactly the code the command would have run.

- Off with `SKILLIR_SERVER=0` (and whenever `CI` is set, as Gradle advises for its
  daemon); the idle server exits after `SKILLIR_SERVER_IDLE` seconds (default 300).
- The socket is keyed by everything that changes what a command computes and is fixed
  when a process starts: the interpreter, the installed packages (the site-packages
  folder's time stamp), SkillIR's own files (names, sizes, times) and the PYTHON*/locale
  variables. Editing SkillIR or installing a package means a new server; the old one
  idles out.
- The socket lives in a folder only this user can enter (`$XDG_RUNTIME_DIR/skillir` or
  `/tmp/skillir-UID`, mode 0700, checked); the server also checks the peer's user id.
- Anything unexpected (no server yet, a stale socket, a refused file descriptor) falls
  back to running in-process: the server is only ever a shortcut.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import signal
import socket
import stat
import struct
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~10 ms of a command's start)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

HEADER = struct.Struct("!I")
_STAMPED = (".py", ".json", ".yaml", ".md")
_KEY_VARIABLES = ("LANG", "LC_ALL", "LC_CTYPE")
DEFAULT_IDLE_SECONDS = 300


def enabled(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    if env.get("SKILLIR_SERVER", "").strip().lower() in ("0", "off", "no", "false"):
        return False
    return not env.get("CI") or env.get("SKILLIR_SERVER", "").strip().lower() in ("1", "on", "yes", "true")


def runtime_dir() -> Path | None:
    """This user's private folder for sockets, made if missing; None when it is not
    private (another owner, or group/other may enter it)."""
    from pathlib import Path

    folder = _runtime_dir()
    return None if folder is None else Path(folder)


def _runtime_dir() -> str | None:
    # the command's hot path uses plain strings: pathlib costs ~9 ms of imports, more
    # than the rest of the client
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = os.path.join(base, "skillir") if base else f"/tmp/skillir-{os.getuid()}"
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return folder


def _site_packages() -> str | None:
    for entry in sys.path:
        if entry.endswith("site-packages"):
            return entry
    return None


def code_key() -> str:
    """A digest of what fixes a command's behaviour at process start (see the module)."""
    digest = hashlib.sha256()
    digest.update(f"{sys.executable}\0{sys.version}\0{sys.prefix}\0".encode())
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    for root, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(_STAMPED):
                info = os.stat(os.path.join(root, name))
                digest.update(f"{root}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    site = _site_packages()
    if site is not None:
        try:
            digest.update(f"{site}\0{os.stat(site).st_mtime_ns}\0".encode())
        except OSError:
            pass
    for name in sorted(os.environ):
        if name.startswith("PYTHON") or name in _KEY_VARIABLES:
            digest.update(f"{name}={os.environ[name]}\0".encode())
    return digest.hexdigest()[:24]


def server_paths(folder: Path | str, key: str) -> tuple[Path, Path, Path]:
    """(socket, lock, log) of the server for `key`."""
    from pathlib import Path

    sock, lock, log = _server_paths(os.fspath(folder), key)
    return Path(sock), Path(lock), Path(log)


def _server_paths(folder: str, key: str) -> tuple[str, str, str]:
    return tuple(os.path.join(folder, f"{key}.{suffix}") for suffix in ("sock", "lock", "log"))  # type: ignore[return-value]


def run_command(tool: str, main: Callable[[list[str]], int], argv: list[str]) -> int:
    """A console command: `tool argv` in a warm server's child when one serves, else
    `main(argv)` here (the same code either way)."""
    code = forward(tool, argv)
    return main(argv) if code is None else code


def wait_until_serving(folder: Path, timeout: float = 120.0) -> bool:
    """Wait (polling) until a server listens in `folder`; False after `timeout` seconds."""
    import time
    from pathlib import Path

    folder = Path(folder)

    deadline = time.monotonic() + timeout
    while not any(folder.glob("*.sock")):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def forward(tool: str, argv: list[str]) -> int | None:
    """Run `tool argv` in a warm server's child and return its exit code; None when
    there is no usable server (one is then started in the background for next time)."""
    if not enabled():
        return None
    try:
        folder = _runtime_dir()
        if folder is None:
            return None
        sock_path, lock_path, log_path = _server_paths(folder, code_key())
        if len(os.fsencode(sock_path)) > 100:  # a Unix socket's path holds at most 107 bytes
            return None
        conn = _connect(sock_path)
        if conn is None:
            _start_server(sock_path, lock_path, log_path)
            return None
    except (OSError, ValueError):  # a vanished working directory, an unreadable file
        return None
    with conn:
        try:
            return _exchange(conn, tool, argv)
        except _NotServed:
            return None


class _NotServed(Exception):
    """The server could not take the command (nothing ran): run it in-process."""


def _connect(path: str) -> socket.socket | None:
    if not os.path.exists(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
    except OSError:
        conn.close()
        return None
    return conn


def _exchange(conn: socket.socket, tool: str, argv: list[str]) -> int:
    try:  # until the child says it started, nothing ran: any failure means "run it here"
        request = json.dumps({
            "tool": tool, "argv": argv, "argv0": sys.argv[0] if sys.argv else tool,
            "cwd": os.getcwd(), "env": dict(os.environ), "umask": _umask(),
        }).encode()
        socket.send_fds(conn, [HEADER.pack(len(request))], [0, 1, 2])
        conn.sendall(request)
        reader = conn.makefile("rb")
        first = reader.readline()
        child = int(json.loads(first)["pid"]) if first else None
    except (OSError, ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise _NotServed from exc  # a closed standard stream, a server that just exited
    if child is None:
        raise _NotServed  # the server closed the connection before starting anything
    previous = {}

    def relay(signum, frame):  # noqa: ARG001 - the signal-handler signature
        try:
            os.kill(child, signum)
        except OSError:
            pass

    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signum = getattr(signal, name)
        previous[signum] = signal.signal(signum, relay)
    try:  # the child runs: from here on its end is the command's end (never run it twice)
        for line in reader:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if isinstance(message, dict) and isinstance(message.get("exit"), int):
                return message["exit"]
    except OSError:
        pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print(f"{tool}: error: the compile server's child (pid {child}) ended without an exit code "
          "(set SKILLIR_SERVER=0 to run in-process, and please report it)", file=sys.stderr)
    return 70


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _start_server(sock_path: str, lock_path: str, log_path: str) -> None:
    """Start the server in the background unless one holds the lock (starting or serving)."""
    from pathlib import Path

    sock_path, lock_path, log_path = Path(sock_path), Path(lock_path), Path(log_path)
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return  # a server is starting or serving
    os.close(fd)  # closing releases the lock: the server takes it for its lifetime
    for old_log in sock_path.parent.glob("*.log"):  # logs of servers that have exited
        if old_log != log_path and not old_log.with_suffix(".lock").exists():
            try:
                old_log.unlink()
            except OSError:
                pass
    import subprocess

    idle = os.environ.get("SKILLIR_SERVER_IDLE", "")
    try:
        idle = str(max(1.0, float(idle)))
    except ValueError:  # unset or not a number: the default (a bad value must not stop every start)
        idle = str(DEFAULT_IDLE_SECONDS)
    try:
        with open(log_path, "wb") as log:
            subprocess.Popen(
                [sys.executable, "-m", "skillir.tools.compile_server", "--socket", str(sock_path),
                 "--lock", str(lock_path), "--idle", idle],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True,
                start_new_session=True, cwd="/")
    except OSError:
        return


def stop_servers(folder: Path | None = None) -> int:
    """Stop every compile server whose lock is in `folder` (default: this user's
    runtime folder); returns how many were signalled."""
    from pathlib import Path

    folder = runtime_dir() if folder is None else Path(folder)
    stopped = 0
    for lock in sorted(folder.glob("*.lock")) if folder is not None else ():
        try:
            pid = int(lock.read_text().split()[0])
            fd = os.open(lock, os.O_RDWR)
        except (OSError, ValueError, IndexError):
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # held: its server is alive
            try:
                os.kill(pid, signal.SIGTERM)
                stopped += 1
            except OSError:
                pass
        finally:
            os.close(fd)
    return stopped
