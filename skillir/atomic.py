"""Write files and folders so that nothing is ever half-written: write to a temporary
sibling, then rename into place."""

from __future__ import annotations

import os
import shutil
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
    if target.exists() and not target.is_file():
        if target.is_dir():
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
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
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
    if (target.exists() or target.is_symlink()) and not force:
        raise SkillIRError("output folder already exists", path=str(target),
                           hint="pass --force to replace it, or choose another -o")
    if (target.exists() or target.is_symlink()) and not (is_skillir_output(target) or _empty_dir(target)):
        what = "a folder SkillIR did not write" if target.is_dir() and not target.is_symlink() \
            else "not a folder SkillIR wrote"
        raise SkillIRError(f"--force refuses to replace it: it is {what} (no {OUTPUT_MARKER} marker)",
                           path=str(target), hint="choose another -o, or remove it yourself")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        (tmp / OUTPUT_MARKER).write_text(
            "This folder was written by SkillIR; `--force` may replace it.\n", encoding="utf-8")
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
