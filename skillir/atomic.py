"""Write files and folders so that nothing is ever half-written: write to a temporary
sibling, then rename into place."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace `path` with `text` (UTF-8) in one rename; see `write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace `path` with `data` in one rename (same folder, so same filesystem).

    A target that exists and is not a regular file (/dev/null, /dev/stdout, a pipe)
    is written to directly: renaming over it would replace the device itself."""
    target = Path(path)
    info = _stat(target, os.stat)  # `target.exists()`, `is_file()` and `is_dir()` from one stat
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            from skillir.errors import SkillIRError

            raise SkillIRError("output is a folder, expected a file", path=str(target))
        try:
            with open(target, "wb") as handle:
                handle.write(data)
        except OSError as exc:  # /dev/full: the write or the close fails without a file name
            if exc.filename is None:
                exc.filename = str(target)
            raise
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        try:
            _write_all(fd, data)  # straight to the descriptor: a file object adds an fstat and an ioctl
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with _ignored():
            os.unlink(tmp)
        raise


@contextmanager
def atomic_directory(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; on success it replaces `path`.

    Every folder made here holds SkillIR's output marker (`.skillir-output`). An
    existing `path` is refused unless `force`, and even then it is replaced only when
    it is an empty folder or one SkillIR wrote (it holds the marker): never the user's
    own files. On failure nothing changes.
    """
    from skillir.errors import SkillIRError
    from skillir.safepaths import OUTPUT_MARKER, is_skillir_output

    target = Path(path)
    present = _present(target)
    if present and not force:
        raise SkillIRError("output folder already exists", path=str(target),
                           hint="pass --force to replace it, or choose another -o")
    if present and not (is_skillir_output(target) or _empty_dir(target)):
        what = "a folder SkillIR did not write" if target.is_dir() and not target.is_symlink() \
            else "not a folder SkillIR wrote"
        raise SkillIRError(f"--force refuses to replace it: it is {what} (no {OUTPUT_MARKER} marker)",
                           path=str(target), hint="choose another -o, or remove it yourself")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        _write_new(tmp / OUTPUT_MARKER, "This folder was written by SkillIR; `--force` may replace it.\n")
        yield tmp
        if target.exists():
            old = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


_MISSING = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)
"""The errors pathlib's `exists()` / `is_file()` / `is_symlink()` read as "no such file"."""


def _stat(path: Path, how) -> os.stat_result | None:
    """`how(path)` (os.stat or os.lstat), or None where pathlib's tests would say the
    path is not there; any other error is raised, as those tests raise it."""
    try:
        return how(path)
    except OSError as exc:
        if exc.errno in _MISSING:
            return None
        raise
    except ValueError:  # a NUL in the path: pathlib's tests say False
        return None


def _present(target: Path) -> bool:
    """`target.exists() or target.is_symlink()`, from one lstat (a link is also asked
    `exists()`, which follows it and raises what its stat raises, as before)."""
    info = _stat(target, os.lstat)
    if info is not None and stat.S_ISLNK(info.st_mode):
        target.exists()
    return info is not None


def _write_new(path: Path, text: str) -> None:
    """`path.write_text(text, encoding="utf-8")` for a new file, straight to the descriptor."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        _write_all(fd, text.encode("utf-8"))
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    """`data` written to `fd` in full (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _empty_dir(path: Path) -> bool:
    if path.is_symlink() or not path.is_dir():
        return False
    try:
        with os.scandir(path) as entries:
            return next(entries, None) is None
    except OSError:
        return False


@contextmanager
def _ignored() -> Iterator[None]:
    try:
        yield
    except OSError:
        pass
