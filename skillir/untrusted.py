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
        data = read_to_end(fd, info.st_size, limit)
        if data is None:  # it grew while we read it
            raise SkillIRError(f"the {what} is over the {limit} byte limit", path=name)
        return data
    except OSError as exc:
        raise SkillIRError(f"cannot read the {what} ({exc.strerror})", path=name) from None
    finally:
        os.close(fd)


_CHUNK = 1 << 20


def read_to_end(fd: int, size: int, limit: int) -> bytes | None:
    """The rest of the open file `fd`, whose size fstat gave as `size`; None when it
    holds more than `limit` bytes (a file may grow while it is read).

    Each read asks for what `size` says is left and one byte more (1 MiB at most):
    `os.read(fd, n)` allocates an `n`-byte buffer before it reads, and asking a 10 KB
    file for 1 MiB costs 20 µs more than asking for 10 KB. A read that comes back short
    at `size` is the end of the file, so a file of the size fstat gave takes one read
    (a multiple of 1 MiB, one more that comes back empty). Past `size` (it grew), or
    after a short read before it (it shrank), reads go on until one comes back empty."""
    chunks, total = [], 0
    while True:
        left = size - total
        wanted = min(left + 1 if left >= 0 else _CHUNK, _CHUNK, limit + 1 - total)
        chunk = os.read(fd, wanted)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            return None
        if len(chunk) < wanted and total == size:
            break
    return b"".join(chunks)


def read_text_file(path: str | os.PathLike[str], *, limit: int = MAX_TEXT_INPUT_BYTES,
                   what: str = "file") -> str:
    """`read_regular_file` decoded as UTF-8 (invalid UTF-8 is a one-line error)."""
    data = read_regular_file(path, limit=limit, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SkillIRError(f"the {what} is not valid UTF-8", path=os.fspath(path)) from None
