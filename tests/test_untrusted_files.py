"""Inputs that are not regular files, or are too big, are one-line errors and never
block: FIFOs, devices, folders, oversized files (skillir.untrusted)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.untrusted import read_regular_file, read_text_file


def test_regular_file_is_read(tmp_path: Path):
    (tmp_path / "a.txt").write_bytes(b"x" * 3000)
    assert read_regular_file(tmp_path / "a.txt") == b"x" * 3000


@pytest.mark.parametrize(("make", "kind"), [
    (lambda p: os.mkfifo(p), "a FIFO"),
    (lambda p: os.symlink("/dev/zero", p), "a character device"),
    (lambda p: os.mkdir(p), "a folder"),
])
def test_special_files_are_refused_without_blocking(tmp_path: Path, make, kind):
    target = tmp_path / "in.mlir"
    make(target)
    with pytest.raises(SkillIRError, match=kind):
        read_regular_file(target, what="IR file")


def test_size_limit_and_encoding(tmp_path: Path):
    (tmp_path / "big").write_bytes(b"y" * 101)
    with pytest.raises(SkillIRError, match="over the 100 byte limit"):
        read_regular_file(tmp_path / "big", limit=100)
    (tmp_path / "latin").write_bytes(b"caf\xe9")
    with pytest.raises(SkillIRError, match="not valid UTF-8"):
        read_text_file(tmp_path / "latin")
    with pytest.raises(SkillIRError, match="no such trace"):
        read_text_file(tmp_path / "nope", what="trace")


@pytest.mark.parametrize("tool", ["skill_opt", "skill_run"])
def test_tools_refuse_a_fifo_in_one_line(tmp_path: Path, tool: str):
    fifo = tmp_path / "input.mlir"
    os.mkfifo(fifo)
    argv = [str(fifo)] if tool == "skill_opt" else ["--replay", str(fifo)]
    done = subprocess.run([sys.executable, "-m", f"skillir.tools.{tool}", *argv],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    assert "a FIFO, not a regular file" in done.stderr and done.stderr.count("\n") == 1


def test_sandbox_file_tools_never_block_on_a_fifo(tmp_path: Path):
    """A FIFO the model creates and then names in read_file/write_file used to block the
    host side forever."""
    from skillir.runtime.sandbox import Sandbox, SandboxViolation

    os.mkfifo(tmp_path / "pipe")
    box = Sandbox(tmp_path, isolation="none")
    with pytest.raises(SandboxViolation, match="not a regular file"):
        box.read_file("pipe")
    with pytest.raises(SandboxViolation, match="not a regular file"):
        box.write_file("pipe", b"x")
    box.write_file("a.txt", b"hello")
    box.write_file("a.txt", b"!", append=True)
    assert (tmp_path / "a.txt").read_bytes() == b"hello!"
    box.write_file("a.txt", b"new")
    assert (tmp_path / "a.txt").read_bytes() == b"new"


def _counting_reads(monkeypatch) -> list[int]:
    """Patch `os.read` (as skillir.untrusted calls it) to record each call's size."""
    import skillir.untrusted as untrusted

    calls: list[int] = []
    real_read = os.read

    def read(fd: int, n: int) -> bytes:
        calls.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(untrusted.os, "read", read)
    return calls


@pytest.mark.parametrize("size", [0, 1, 3000, (1 << 20) - 1, 1 << 20, (1 << 20) + 7, 3 << 20])
def test_a_file_is_read_whole_without_a_read_only_to_find_its_end(tmp_path: Path, monkeypatch, size: int):
    """A read asks for what fstat says is left and one byte more (never a 1 MiB
    buffer for a small file), and one that comes back short at that size is the end;
    a file that is a multiple of the chunk size still needs the empty read that shows
    the end. The same for a bundled file."""
    from skillir.frontend.bundle import read_bundled_file

    data = bytes(range(256)) * (size // 256) + b"z" * (size % 256)
    (tmp_path / "f").write_bytes(data)
    calls = _counting_reads(monkeypatch)
    assert read_regular_file(tmp_path / "f") == data
    chunks = size // (1 << 20) + 1  # whole chunks, then the short (or empty) read
    assert len(calls) == chunks
    assert calls[0] == min(size + 1, 1 << 20)
    calls.clear()
    assert read_bundled_file(tmp_path, "f", limit=size) == data
    assert len(calls) == chunks and calls[0] == min(size + 1, 1 << 20)


@pytest.mark.parametrize("told", [0, 5, 9, 10, 11, 1 << 20])
@pytest.mark.parametrize("limit", [9, 10, 100, 64 << 20])
def test_reading_to_the_end_does_not_trust_the_size_it_was_told(tmp_path: Path, told: int, limit: int):
    """A file that grew or shrank after fstat: a read past the size it was told, or a
    short read before it, goes on until a read comes back empty; over the limit is None."""
    from skillir.untrusted import read_to_end

    (tmp_path / "f").write_bytes(b"0123456789")
    fd = os.open(tmp_path / "f", os.O_RDONLY)
    try:
        assert read_to_end(fd, told, limit) == (b"0123456789" if limit >= 10 else None)
    finally:
        os.close(fd)


@pytest.mark.parametrize("told", [0, 5, 9, 11])
def test_a_file_whose_size_fstat_misstates_is_read_to_its_end(tmp_path: Path, monkeypatch, told: int):
    import skillir.untrusted as untrusted

    (tmp_path / "f").write_bytes(b"0123456789")
    real_fstat = os.fstat

    def fstat(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        return os.stat_result((info.st_mode, *tuple(info)[1:6], told, *tuple(info)[7:]))

    monkeypatch.setattr(untrusted.os, "fstat", fstat)
    assert read_regular_file(tmp_path / "f") == b"0123456789"
    with pytest.raises(SkillIRError, match="over the 9 byte limit"):
        read_regular_file(tmp_path / "f", limit=9)
