"""A per-run workspace and the only door out of it.

File access (`read_file`, `write_file`, `list_dir`) resolves every path against the workspace,
refuses anything whose real path (symlinks followed) leaves it, and then opens the resolved
path one component at a time with `O_NOFOLLOW` relative to the workspace's directory fd, so a
symlink swapped in by a concurrently running command cannot redirect the access either.

Commands (`run`) execute under bubblewrap when it works here (`--unshare-all`: no network,
own pid/ipc/uts namespaces; the system directories and the Python installation read-only, a
private `/tmp`, and the workspace as the only writable host path), inside `prlimit` limits
(CPU seconds, address space, file size, open files, processes — the fork-bomb guard) and, when
running as root, as an unprivileged user (`setpriv`, uid 65534), because the kernel does not
apply RLIMIT_NPROC to root. Output is captured with a cap (head and tail kept) and a process
that floods more than `output_kill_bytes` is killed; so is one that exceeds its wall time.

Every command runs in a user namespace of its own made with `--disable-userns` (as root: a
second, unprivileged bubblewrap inside the first, after the drop to uid 65534), so
`unshare -U`/`unshare -rm` fail inside, and the process limit is set inside that namespace:
the kernel counts RLIMIT_NPROC per user namespace, so `max_processes` counts this command's
processes only, whatever else the same user runs on the machine (concurrent sandboxes too).

The workspace's disk use is bounded while commands run (`workspace_bytes`,
`workspace_files`; skillir.runtime.workspace_disk): as root, writes land on a tmpfs holding
only the room left, so writes past the bound fail with ENOSPC and the result says which
limit was reached; without root the usage is checked after each command and reported.

Without a working bubblewrap the same limits and path checks apply, but there is no network or
filesystem isolation: a loud warning is logged, and the run record says `"sandbox": "none"`.

`network=True` keeps the host's network inside the sandbox (everything else stays isolated):
only the skill's env-setup phase asks for it, to install packages (skillir.runtime.env_setup).
`path_prefix` and `extra_env` add to every command's environment (the skill's isolated
environment's bin folder and its VIRTUAL_ENV, once env-setup has made it).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import select
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skillir.runtime import workspace_disk
from skillir.security.policy import SandboxPolicy

log = logging.getLogger("skillir.runtime.sandbox")

SANDBOX_UID = 65534
SANDBOX_GID = 65534
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt")


class SandboxViolation(Exception):
    """A tool asked for something outside the workspace (reported to the model, not raised
    to the user)."""


@dataclass(frozen=True)
class Limits:
    """Resource limits of one command (and of the file tools)."""

    command_timeout_s: float = 60.0
    cpu_seconds: int = 60
    memory_bytes: int = 2 << 30
    max_processes: int = 128
    max_file_bytes: int = 256 << 20
    max_open_files: int = 1024
    tmpfs_bytes: int = 256 << 20
    output_bytes: int = 32_000
    output_kill_bytes: int = 8 << 20
    read_bytes: int = 256_000
    write_bytes: int = 16 << 20
    list_entries: int = 1000
    workspace_bytes: int = 512 << 20
    """Bytes the workspace may hold while commands run (0: unbounded); a pip install of
    numpy and pandas takes about 150 MiB."""
    workspace_files: int = 20_000
    """Files and folders the workspace may hold (0: unbounded)."""


@dataclass
class CommandResult:
    exit_code: int | None
    output: str
    duration_s: float
    output_bytes: int
    truncated: bool = False
    timed_out: bool = False
    killed: str | None = None
    disk: str | None = None
    """Set when the workspace reached a disk limit during the command (what and which)."""

    def describe(self) -> str:
        """The text the model sees."""
        parts = [self.output.rstrip("\n")] if self.output.strip() else []
        if self.killed == "timeout":
            parts.append(f"[killed: command exceeded its time limit of {self.duration_s:.0f}s]")
        elif self.killed == "output-flood":
            parts.append(f"[killed: command flooded its output ({self.output_bytes} bytes "
                         "before it was stopped)]")
        if self.disk:
            parts.append(f"[{self.disk}]")
        if self.exit_code is not None:
            parts.append(f"[exit code {self.exit_code}]")
        return "\n".join(parts) if parts else "[no output]"


def _is_root() -> bool:
    return os.geteuid() == 0


@functools.cache
def _setpriv() -> str | None:
    return shutil.which("setpriv")


@functools.cache
def _prlimit() -> str | None:
    return shutil.which("prlimit")


def _drop_args() -> list[str]:
    """setpriv to the unprivileged sandbox user: no groups, no capabilities, and no way to
    regain privileges through setuid programs."""
    return [_setpriv() or "setpriv", f"--reuid={SANDBOX_UID}", f"--regid={SANDBOX_GID}",
            "--clear-groups", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
            "--"]


def _will_drop() -> bool:
    return _is_root() and _setpriv() is not None


# As root, bubblewrap runs privileged without a user namespace (so it can bind any host
# path) and the command drops to uid 65534 inside it: the kernel then enforces RLIMIT_NPROC.
# As an ordinary user, bubblewrap makes a user namespace and the limits apply to that user.
_ROOT_NS = ("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--unshare-cgroup-try", "--die-with-parent", "--cap-add", "CAP_SETUID",
            "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP")
_USER_NS = ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent")
# As root, after the drop: an unprivileged bubblewrap that only makes a user namespace with
# nested user namespaces disabled (and where RLIMIT_NPROC counts this command alone).
_INNER_NS = ("--bind", "/", "/", "--dev-bind", "/dev", "/dev", "--unshare-user",
             "--disable-userns", "--die-with-parent")


@functools.cache
def bwrap_status() -> tuple[bool, str]:
    """(usable, path or reason): bubblewrap is installed and can build our sandbox here."""
    exe = shutil.which("bwrap")
    if exe is None:
        return False, "bubblewrap (bwrap) is not installed (apt-get install bubblewrap)"
    if _will_drop():
        cmd = [exe, "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", *_ROOT_NS, "--",
               *_drop_args(), exe, *_INNER_NS, "--", "/bin/true"]
    else:
        cmd = [exe, "--ro-bind", "/", "/", *_USER_NS, "--", "/bin/true"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"bwrap probe failed: {exc}"
    if proc.returncode != 0:
        return False, f"bwrap cannot create its namespaces here: {proc.stderr.strip()[:200]}"
    return True, exe


def _user_process_count(uid: int) -> int:
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    count += 1
    return count


_WARNED: set[str] = set()


@dataclass
class Sandbox:
    """The workspace `root` plus how commands run in it.

    Built from independent options (limits, binds, network, environment), each read by the
    one step that needs it, so a new option is one more field.

    `isolation`: "auto" (bubblewrap if usable, else none with a warning), "bwrap" (fail if
    unusable) or "none". `ro_binds`: extra host paths visible read-only to commands (e.g. a
    task folder for graders).
    """

    root: Path
    limits: Limits = field(default_factory=Limits)
    isolation: str = "auto"
    ro_binds: Sequence[Path] = ()
    rw_binds: Sequence[Path] = ()
    """Extra host folders commands may write (a real harness's own home, outside the
    workspace: skillir.runtime.harness_drivers); not under the workspace's disk bounds."""
    drop_privileges: bool = True
    network: bool = False
    path_prefix: Sequence[str] = ()
    extra_env: dict[str, str] = field(default_factory=dict)
    policy: SandboxPolicy | None = None
    """The skill's sandbox policy (skillir.security.policy): the tools refuse what it
    does not allow; its granted network (needed + --allow-network) opens the network."""

    def __post_init__(self) -> None:
        if self.policy is not None and self.policy.network_on:
            self.network = True
        self.root = Path(self.root).resolve()
        if not self.root.is_dir():
            raise FileNotFoundError(f"workspace {self.root} does not exist")
        if self.isolation not in ("auto", "bwrap", "none"):
            raise ValueError(f"isolation must be auto, bwrap or none, not {self.isolation}")
        self.warning: str | None = None
        if self.isolation in ("auto", "bwrap"):
            ok, reason = bwrap_status()
            if ok:
                self.mode = "bwrap"
                self._bwrap = reason
            elif self.isolation == "bwrap":
                raise RuntimeError(f"bubblewrap sandbox requested but unusable: {reason}")
            else:
                self.mode = "none"
                self.warning = (f"SANDBOX DISABLED: {reason}. Commands run WITHOUT network "
                                "or filesystem isolation (path checks and resource limits "
                                "still apply).")
        else:
            self.mode = "none"
            self.warning = "SANDBOX DISABLED by request: commands run without isolation."
        if self.warning and self.warning not in _WARNED:
            _WARNED.add(self.warning)
            log.warning("%s", self.warning)
        self.as_user = self.drop_privileges and _will_drop()
        self._disk_used: tuple[int, int] | None = None  # (bytes, files), last known
        enforced, why = workspace_disk.disk_status()
        self.disk_limits = ("none" if not (self.limits.workspace_bytes or self.limits.workspace_files)
                            else "enforced" if enforced and self.mode == "bwrap" else "checked")
        self.disk_note = None if self.disk_limits != "checked" else (
            why if self.mode == "bwrap" else "no sandbox: workspace disk limits are checked "
            "after each command (reported, not enforced)")

    # -- ownership ------------------------------------------------------------------------
    def adopt(self, path: Path | None = None) -> None:
        """Give files created by the host process (fixtures, tool writes, env setup) to the
        sandbox user, so commands can modify them."""
        if not self.as_user:
            return
        top = Path(path) if path else self.root
        with contextlib.suppress(OSError):
            os.lchown(top, SANDBOX_UID, SANDBOX_GID)
        if top.is_dir() and not top.is_symlink():
            for dirpath, dirnames, filenames in os.walk(top):
                for name in dirnames + filenames:
                    with contextlib.suppress(OSError):
                        os.lchown(os.path.join(dirpath, name), SANDBOX_UID, SANDBOX_GID)

    # -- paths ----------------------------------------------------------------------------
    def relative(self, path: str | os.PathLike[str]) -> Path:
        """The workspace-relative form of `path` after following symlinks; raises
        `SandboxViolation` if it leaves the workspace."""
        raw = os.fspath(path)
        if "\0" in raw:
            raise SandboxViolation("path contains a NUL byte")
        candidate = Path(raw) if os.path.isabs(raw) else self.root / raw
        real = Path(os.path.realpath(candidate))
        try:
            rel = real.relative_to(self.root)
        except ValueError:
            raise SandboxViolation(f"'{raw}' is outside the workspace ({self.root}); only "
                                   "paths inside it are allowed") from None
        return rel

    def resolve(self, path: str | os.PathLike[str]) -> Path:
        return self.root / self.relative(path)

    @contextlib.contextmanager
    def _dir_fd(self, parts: Sequence[str], *, create: bool = False) -> Iterator[int]:
        """An fd of the directory `root/parts...`, opened component by component with
        O_NOFOLLOW (a symlink appearing after the check is refused, not followed)."""
        flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(self.root, flags)
        try:
            for part in parts:
                try:
                    nxt = os.open(part, flags, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    os.mkdir(part, 0o755, dir_fd=fd)
                    if self.as_user:
                        with contextlib.suppress(OSError):
                            os.chown(part, SANDBOX_UID, SANDBOX_GID, dir_fd=fd,
                                     follow_symlinks=False)
                    nxt = os.open(part, flags, dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise SandboxViolation(f"'{part}' is not a directory inside the "
                                               "workspace") from None
                    raise
                os.close(fd)
                fd = nxt
            yield fd
        finally:
            os.close(fd)

    def read_file(self, path: str) -> tuple[bytes, int]:
        """(up to `limits.read_bytes` bytes, total size)."""
        rel = self.relative(path)
        if rel == Path("."):
            raise SandboxViolation(f"'{path}' is a directory")
        with self._host_access(), self._dir_fd(rel.parts[:-1]) as dfd:
            try:
                fd = os.open(rel.parts[-1], os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK,
                             dir_fd=dfd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise SandboxViolation(f"'{path}' changed into a symlink") from None
                raise
            with os.fdopen(fd, "rb") as fh:
                info = os.fstat(fh.fileno())
                if stat.S_ISDIR(info.st_mode):
                    raise IsADirectoryError(errno.EISDIR, "is a directory", path)
                if not stat.S_ISREG(info.st_mode):
                    raise SandboxViolation(f"'{path}' is not a regular file")
                return fh.read(self.limits.read_bytes), info.st_size

    def write_file(self, path: str, data: bytes, *, append: bool = False) -> Path:
        if len(data) > self.limits.write_bytes:
            raise SandboxViolation(f"refusing to write {len(data)} bytes (limit "
                                   f"{self.limits.write_bytes})")
        rel = self.relative(path)
        if rel == Path("."):
            raise SandboxViolation(f"'{path}' is the workspace directory itself")
        with self._host_access():
            self._check_disk_room(len(data))
            return self._write(rel, path, data, append=append)

    def _write(self, rel: Path, path: str, data: bytes, *, append: bool) -> Path:
        with self._dir_fd(rel.parts[:-1], create=True) as dfd:
            # O_NONBLOCK: a FIFO the model made never blocks the host (no reader: ENXIO)
            flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
            try:
                fd = os.open(rel.parts[-1], flags, 0o644, dir_fd=dfd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise SandboxViolation(f"'{path}' is a symlink; write to its target "
                                           "path instead") from None
                if exc.errno == errno.ENXIO:
                    raise SandboxViolation(f"'{path}' is not a regular file") from None
                raise
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                raise SandboxViolation(f"'{path}' is not a regular file")
            os.set_blocking(fd, True)
            if not append:
                os.ftruncate(fd, 0)
            else:
                os.lseek(fd, 0, os.SEEK_END)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if self.as_user:
                    with contextlib.suppress(OSError):
                        os.fchown(fh.fileno(), SANDBOX_UID, SANDBOX_GID)
        return rel

    def list_dir(self, path: str = ".") -> list[tuple[str, str, int]]:
        """[(name, kind file|dir|link|other, size)] sorted by name."""
        rel = self.relative(path)
        with self._host_access(), self._dir_fd(rel.parts) as dfd:
            out: list[tuple[str, str, int]] = []
            for name in sorted(os.listdir(dfd)):
                try:
                    info = os.stat(name, dir_fd=dfd, follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISLNK(info.st_mode):
                    kind = "link"
                elif stat.S_ISDIR(info.st_mode):
                    kind = "dir"
                elif stat.S_ISREG(info.st_mode):
                    kind = "file"
                else:
                    kind = "other"
                out.append((name, kind, info.st_size))
            return out

    # -- disk bounds ----------------------------------------------------------------------
    def _host_access(self) -> threading.RLock:
        """Held by host-side file access: orders it against mounting and syncing the
        workspace's limited filesystem."""
        return workspace_disk.path_lock(str(self.root))

    def _disk_limit_text(self) -> str:
        return (f"workspace disk limit: {self.limits.workspace_bytes} bytes "
                f"({self.limits.workspace_bytes / (1 << 20):.0f} MiB), "
                f"{self.limits.workspace_files} files (Limits.workspace_bytes, workspace_files)")

    def _measure_disk(self) -> tuple[int, int]:
        stop = self.limits.workspace_files or 1 << 30
        self._disk_used = workspace_disk.tree_usage(str(self.root), stop_files=stop)
        return self._disk_used

    def _check_disk_room(self, nbytes: int) -> None:
        """A host-side write that would take the workspace over a disk limit is refused."""
        if self.disk_limits == "none":
            return
        used, files = self._disk_used or self._measure_disk()
        max_bytes, max_files = self.limits.workspace_bytes, self.limits.workspace_files
        if (max_bytes and used + nbytes > max_bytes) or (max_files and files + 1 > max_files):
            raise SandboxViolation(f"refusing to write {nbytes} bytes: the workspace holds "
                                   f"{used} bytes in {files} files; {self._disk_limit_text()}")
        self._disk_used = (used + nbytes, files + 1)

    def _disk_report(self, used: tuple[int, int], *, enforced: bool) -> str | None:
        nbytes, files = used
        max_bytes, max_files = self.limits.workspace_bytes, self.limits.workspace_files
        # a tmpfs refuses the write that would cross the bound: "reached" is within a page
        full_bytes = bool(max_bytes) and nbytes >= max_bytes - (64 << 10 if enforced else 0)
        full_files = bool(max_files) and files >= max_files - (1 if enforced else 0)
        if not (full_bytes or full_files):
            return None
        which = " and ".join(w for w, hit in (("bytes", full_bytes), ("file count", full_files))
                             if hit)
        if enforced:
            return (f"workspace disk limit reached ({which}): writes beyond it failed with "
                    f"'No space left on device'; {self._disk_limit_text()}")
        return (f"workspace over its disk limit ({which}: {nbytes} bytes, {files} files; "
                f"not enforced here: {self.disk_note}); {self._disk_limit_text()}")

    @contextlib.contextmanager
    def _disk_bounds(self) -> Iterator[Callable[[], tuple[int, int]] | None]:
        if self.disk_limits != "enforced":
            yield None
            return
        max_bytes = self.limits.workspace_bytes or (1 << 50)
        max_files = self.limits.workspace_files or (1 << 31)
        with workspace_disk.limited_disk(str(self.root), max_bytes=max_bytes,
                                         max_files=max_files) as used:
            yield used

    # -- commands -------------------------------------------------------------------------
    def environment(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The whole environment a command sees: nothing inherited (no API keys)."""
        venv_bin = str(Path(sys.prefix) / "bin")
        path = ":".join([*self.path_prefix, venv_bin, "/usr/local/bin", "/usr/bin", "/bin"])
        env = {"PATH": path,
               "HOME": str(self.root), "TMPDIR": "/tmp", "LANG": "C.UTF-8",
               "LC_ALL": "C.UTF-8", "TERM": "dumb", "SKILLIR_SANDBOX": self.mode,
               "PYTHONDONTWRITEBYTECODE": "1", **self.extra_env}
        if extra:
            env.update(extra)
        return env

    def _bwrap_args(self) -> list[str]:
        namespaces = list(_ROOT_NS if self.as_user else _USER_NS)
        if self.network:  # env-setup's package installs only
            if self.as_user:
                namespaces.remove("--unshare-net")
            else:
                namespaces.insert(namespaces.index("--unshare-all") + 1, "--share-net")
        args = [self._bwrap, *namespaces, "--new-session", "--hostname", "skillir-sandbox"]
        bound: list[str] = []
        for d in SYSTEM_DIRS:
            if os.path.islink(d):
                args += ["--symlink", os.readlink(d), d]
            elif os.path.isdir(d):
                args += ["--ro-bind", d, d]
                bound.append(d)
        # a private /tmp first, so that extra binds below /tmp (a grader's files) and the
        # workspace are mounted on top of it rather than hidden by it; sticky and writable by
        # all like a real /tmp (the sandbox user's programs write there: OpenClaw's locks)
        # /dev/shm too: POSIX semaphores and multiprocessing pools need it (bwrap's --dev has
        # none writable), bounded like /tmp
        args += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777",
                 "--size", str(self.limits.tmpfs_bytes), "--tmpfs", "/tmp",
                 "--perms", "1777", "--size", str(self.limits.tmpfs_bytes), "--tmpfs", "/dev/shm"]
        created: set[str] = set()
        for extra in (sys.prefix, sys.base_prefix, *map(str, self.ro_binds)):
            real = os.path.realpath(extra)
            if not os.path.exists(real) or any(real == b or real.startswith(b + "/")
                                               for b in bound):
                continue
            args += ["--ro-bind", real, real]
            bound.append(real)
            parent = os.path.dirname(real)
            while parent not in ("/", "") and parent not in bound:
                created.add(parent)
                parent = os.path.dirname(parent)
        args += ["--bind", str(self.root), str(self.root)]
        for path in (str(self.root), *(os.path.realpath(p) for p in self.rw_binds)):
            if path != str(self.root):
                args += ["--bind", path, path]
            parent = os.path.dirname(path)
            while parent not in ("/", ""):
                created.add(parent)
                parent = os.path.dirname(parent)
        # Folders bwrap makes to hold the binds copy their host modes (/root and pytest's
        # /tmp/pytest-of-root are 0700): open them up for the sandbox user. They live in
        # bwrap's own tmpfs, never on a bound host folder.
        for d in sorted(created):
            if d != "/tmp" and not any(d == b or d.startswith(b + "/") for b in bound):
                args += ["--chmod", "0755", d]
        return [*args, "--chdir", str(self.root)]

    def _limit_args(self) -> list[str]:
        exe = _prlimit()
        if exe is None:
            return []
        nproc = self.limits.max_processes
        if self.mode != "bwrap" and not self.as_user:
            # no user namespace of its own: the count is the user's, machine-wide
            nproc += _user_process_count(os.getuid())
        return [exe, f"--cpu={self.limits.cpu_seconds}", f"--as={self.limits.memory_bytes}",
                f"--fsize={self.limits.max_file_bytes}", f"--nofile={self.limits.max_open_files}",
                f"--nproc={nproc}", "--core=0", "--"]

    def argv(self, command: str) -> list[str]:
        """The full argv that runs `command` with `/bin/sh -c` in the sandbox."""
        drop = _drop_args() if self.as_user else []
        inner = [*self._limit_args(), "/bin/sh", "-c", command]
        if self.mode == "bwrap":
            if self.as_user:  # limits set inside the unprivileged user namespace
                userns = [self._bwrap, *_INNER_NS, "--chdir", str(self.root), "--"]
                return [*self._bwrap_args(), "--", *drop, *userns, *inner]
            return [*self._bwrap_args(), "--", *inner]
        return [*drop, *inner]

    def run(self, command: str, *, timeout: float | None = None,
            env: dict[str, str] | None = None) -> CommandResult:
        """Run `command` (shell syntax) in the workspace; never raises for what the command
        does."""
        limit = self.limits.command_timeout_s if timeout is None else timeout
        start = time.monotonic()
        deadline = start + max(0.0, limit)
        cap = self.limits.output_bytes
        disk: str | None = None
        with contextlib.ExitStack() as stack:
            try:
                used = stack.enter_context(self._disk_bounds())
            except workspace_disk.DiskLimitError as exc:
                return CommandResult(None, f"{exc.strerror}; {self._disk_limit_text()}",
                                     time.monotonic() - start, 0, killed="disk",
                                     disk=self._disk_limit_text())
            total, killed, head, tail, returncode = self._run(command, env, deadline, cap)
            if used is not None:
                self._disk_used = used()
                disk = self._disk_report(self._disk_used, enforced=True)
        if self.disk_limits == "checked":
            disk = self._disk_report(self._measure_disk(), enforced=False)
        duration = time.monotonic() - start
        exit_code = returncode if killed is None else None
        truncated = total > len(head) + len(tail)
        text = head.decode("utf-8", errors="replace")
        if truncated:
            text += (f"\n[... {total - len(head) - len(tail)} bytes of output omitted ...]\n")
        text += tail.decode("utf-8", errors="replace")
        return CommandResult(exit_code=exit_code, output=text, duration_s=duration,
                             output_bytes=total, truncated=truncated,
                             timed_out=killed == "timeout", killed=killed, disk=disk)

    def _run(self, command: str, env: dict[str, str] | None, deadline: float, cap: int
             ) -> tuple[int, str | None, bytearray, bytearray, int | None]:
        head = bytearray()
        tail = bytearray()
        total = 0
        killed: str | None = None
        proc = subprocess.Popen(self.argv(command), cwd=self.root, env=self.environment(env),
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True,
                                close_fds=True)
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        exit_seen_at: float | None = None
        try:
            while True:
                now = time.monotonic()
                if now >= deadline:
                    killed = "timeout"
                    break
                if exit_seen_at is None and proc.poll() is not None:
                    exit_seen_at = now
                if exit_seen_at is not None and now - exit_seen_at > 0.5:
                    break  # background children keep the pipe open: stop waiting
                ready, _, _ = select.select([fd], [], [], min(0.1, deadline - now))
                if not ready:
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                total += len(chunk)
                if len(head) < cap // 2:
                    take = cap // 2 - len(head)
                    head += chunk[:take]
                    chunk = chunk[take:]
                if chunk:
                    tail += chunk
                    if len(tail) > cap // 2:
                        del tail[: len(tail) - cap // 2]
                if total > self.limits.output_kill_bytes:
                    killed = "output-flood"
                    break
        finally:
            self._kill(proc)
            proc.stdout.close()
        return total, killed, head, tail, proc.returncode

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        """Kill the command's whole process group (bwrap tears down its pid namespace when
        its child dies), then reap it."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
