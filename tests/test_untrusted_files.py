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
