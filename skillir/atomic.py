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
    """Replace `path` with `text` in one rename (same folder, so same filesystem).

    A target that exists and is not a regular file (/dev/null, /dev/stdout, a pipe)
    is written to directly: renaming over it would replace the device itself."""
    target = Path(path)
    if target.exists() and not target.is_file():
        if target.is_dir():
            from skillir.errors import SkillIRError

            raise SkillIRError("output is a folder, expected a file", path=str(target))
        with open(target, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        with _ignored():
            os.unlink(tmp)
        raise


@contextmanager
def atomic_directory(path: str | os.PathLike[str], *, force: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside `path`; on success it replaces `path`.

    An existing `path` is refused unless `force`; on failure nothing changes.
    """
    from skillir.errors import SkillIRError

    target = Path(path)
    if target.exists() and not force:
        raise SkillIRError("output folder already exists", path=str(target),
                           hint="pass --force to replace it, or choose another -o")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
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


@contextmanager
def _ignored() -> Iterator[None]:
    try:
        yield
    except OSError:
        pass
