"""skillir.safepaths' copy loop: a read that comes back short at the size fstat gave
ends the copy; any other short read goes on to the end of the file, and the limit holds."""

from __future__ import annotations

import os

import pytest

from skillir.errors import SkillIRError
from skillir.safepaths import _copy_fd


@pytest.mark.parametrize("size", [-1, 0, 5, 10, 11])
def test_the_copy_reads_to_the_end_whatever_size_it_was_told(tmp_path, size):
    (tmp_path / "src").write_bytes(b"0123456789")
    fd = os.open(tmp_path / "src", os.O_RDONLY)
    out = os.open(tmp_path / "dst", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        assert _copy_fd(fd, out, 0o644, 100, "src", tmp_path, size) == 10
    finally:
        os.close(fd)
        os.close(out)
    assert (tmp_path / "dst").read_bytes() == b"0123456789"
    assert (tmp_path / "dst").stat().st_mode & 0o777 == 0o644


def test_the_limit_holds_while_copying(tmp_path):
    (tmp_path / "src").write_bytes(b"0123456789")
    fd = os.open(tmp_path / "src", os.O_RDONLY)
    out = os.open(tmp_path / "dst", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(SkillIRError, match="grew over the 4 byte limit"):
            _copy_fd(fd, out, 0o644, 4, "src", tmp_path, 4)
    finally:
        os.close(fd)
        os.close(out)
