"""skillir.atomic's one-stat shortcuts answer as pathlib's tests did, and its writes
(a file replaced in one rename, a folder with its marker) are what they were."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillir.atomic import _present, _stat, atomic_directory, write_bytes_atomic, write_text_atomic
from skillir.errors import SkillIRError
from skillir.safepaths import OUTPUT_MARKER, OutputDir


def _places(tmp_path: Path) -> list[Path]:
    (tmp_path / "dir").mkdir()
    (tmp_path / "file").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "to-dir").symlink_to(tmp_path / "dir")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    return [tmp_path / n for n in ("dir", "file", "dangling", "to-dir", "loop", "missing", "file/below", "a\0b")]


def test_one_stat_answers_as_pathlibs_tests(tmp_path):
    for path in _places(tmp_path):
        assert _present(path) == (path.exists() or path.is_symlink()), path
        info = _stat(path, os.stat)
        assert (info is not None) == path.exists(), path
        if info is not None:
            assert (info.st_mode & 0o170000 == 0o100000) == path.is_file()


def test_a_file_is_replaced_whole_and_a_folder_refused(tmp_path):
    target = tmp_path / "sub" / "out.txt"
    write_text_atomic(target, "one\n")
    write_bytes_atomic(target, b"two\n")
    assert target.read_bytes() == b"two\n" and os.listdir(target.parent) == ["out.txt"]
    with pytest.raises(SkillIRError, match="output is a folder"):
        write_bytes_atomic(tmp_path, b"x")
    write_bytes_atomic(os.devnull, b"x")  # a device is written to, not replaced
    assert Path(os.devnull).is_char_device()


def test_a_folder_gets_its_marker_and_replaces_only_skillir_output(tmp_path):
    target = tmp_path / "out"
    with atomic_directory(target) as tmp:
        (tmp / "a.txt").write_text("a")
    assert (target / OUTPUT_MARKER).read_text(encoding="utf-8").startswith("This folder was written by SkillIR")
    with pytest.raises(SkillIRError, match="already exists"), atomic_directory(target):
        pass
    with atomic_directory(target, force=True) as tmp:
        (tmp / "b.txt").write_text("b")
    assert sorted(os.listdir(target)) == [OUTPUT_MARKER, "b.txt"]
    (tmp_path / "link").symlink_to(tmp_path / "nowhere")
    with pytest.raises(SkillIRError, match="already exists"), atomic_directory(tmp_path / "link"):
        pass
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "out"]  # no temporary folder left


@pytest.mark.parametrize("where", ["new", "existing", "deep/new", "link-to-dir"])
def test_the_output_root_is_made_and_opened_as_before(tmp_path, where):
    (tmp_path / "existing").mkdir()
    (tmp_path / "link-to-dir").symlink_to(tmp_path / "existing")
    with OutputDir(tmp_path / where) as folder:
        folder.write("x.txt", b"x")
    assert (tmp_path / where / "x.txt").read_bytes() == b"x"


@pytest.mark.parametrize("where", ["file", "file/below", "dangling"])
def test_an_output_root_that_cannot_be_a_folder_is_refused_as_before(tmp_path, where):
    (tmp_path / "file").write_text("x")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    try:
        os.makedirs(tmp_path / where, exist_ok=True)
    except OSError as exc:
        expected = exc.strerror
    with pytest.raises(SkillIRError, match=rf"cannot open the output folder \({expected}\)"):
        OutputDir(tmp_path / where)
