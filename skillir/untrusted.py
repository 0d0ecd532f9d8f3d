"""Reading files that strangers hand us (IR text, traces, profiles, tasks): regular
files only, bounded in size, never blocking.

`open()` on a FIFO blocks until a writer appears and `read()` of /dev/zero never ends;
here the file is opened with O_NONBLOCK, checked with fstat to be a regular file, and
read up to its limit, so every such input is a one-line error instead of a hang.
"""

from __future__ import annotations

import os
import stat

from skillir.errors import SkillIRError

MAX_TEXT_INPUT_BYTES = 64 << 20
"""Textual IR, traces and other text inputs over 64 MiB are refused."""

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def read_regular_file(path: str | os.PathLike[str], *, limit: int = MAX_TEXT_INPUT_BYTES,
                      what: str = "file") -> bytes:
    """The bytes of the regular file at `path` (symlinks to regular files are fine);
    anything else, or more than `limit` bytes, is a one-line SkillIRError."""
    name = os.fspath(path)
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise SkillIRError(f"no such {what}", path=name) from None
    except OSError as exc:
        raise SkillIRError(f"cannot read the {what} ({exc.strerror})", path=name) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            kind = next((label for test, label in _KINDS if test(info.st_mode)), "not a regular file")
            raise SkillIRError(f"the {what} is {kind}, not a regular file", path=name,
                               hint=f"give a regular {what}")
        if info.st_size > limit:
            raise SkillIRError(f"the {what} is {info.st_size} bytes, over the {limit} byte limit",
                               path=name)
        chunks, size = [], 0
        while chunk := os.read(fd, wanted := min(1 << 20, limit + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:  # it grew while we read it
                raise SkillIRError(f"the {what} is over the {limit} byte limit", path=name)
            if len(chunk) < wanted and size == info.st_size:
                break  # a short read at the size fstat gave is the end: no read just to find it
        return b"".join(chunks)
    except OSError as exc:
        raise SkillIRError(f"cannot read the {what} ({exc.strerror})", path=name) from None
    finally:
        os.close(fd)


def read_text_file(path: str | os.PathLike[str], *, limit: int = MAX_TEXT_INPUT_BYTES,
                   what: str = "file") -> str:
    """`read_regular_file` decoded as UTF-8 (invalid UTF-8 is a one-line error)."""
    data = read_regular_file(path, limit=limit, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SkillIRError(f"the {what} is not valid UTF-8", path=os.fspath(path)) from None
