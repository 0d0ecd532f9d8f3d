"""`locate` finds SKILL.md from a folder or a path and refuses what cannot be a skill,
each with its own one-line message (it reads what a path is from one `stat`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.frontend.bundle import MAX_SKILL_MD_BYTES, locate


def _refusal(path: Path) -> str:
    with pytest.raises(SkillIRError) as caught:
        locate(path)
    return str(caught.value)


def test_a_folder_or_its_skill_md_is_read(tmp_path: Path):
    (tmp_path / "SKILL.md").write_text("# hi\n")
    (tmp_path / "link.md").symlink_to("SKILL.md")
    for given, label in ((tmp_path, tmp_path / "SKILL.md"), (tmp_path / "SKILL.md", tmp_path / "SKILL.md"),
                         (tmp_path / "link.md", tmp_path / "link.md")):
        source = locate(given)
        assert (source.data, source.label, source.folder) == (b"# hi\n", str(label), tmp_path)


def test_a_folder_whose_skill_md_is_a_link_inside_it_is_read(tmp_path: Path):
    """The folder's SKILL.md is looked at with one lstat; a link is followed (and must
    stay inside the folder), a link to a folder or a link to a link is what it points at."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "real.md").write_text("# real\n")
    (tmp_path / "SKILL.md").symlink_to("docs/real.md")
    source = locate(tmp_path)
    assert (source.data, source.label) == (b"# real\n", str(tmp_path / "SKILL.md"))
    (tmp_path / "twice").mkdir()
    (tmp_path / "twice" / "SKILL.md").symlink_to("../SKILL.md")
    assert "points outside the skill folder" in _refusal(tmp_path / "twice")
    (tmp_path / "hop").mkdir()
    (tmp_path / "hop" / "real.md").write_text("# hop\n")
    (tmp_path / "hop" / "mid.md").symlink_to("real.md")
    (tmp_path / "hop" / "SKILL.md").symlink_to("mid.md")
    assert locate(tmp_path / "hop").data == b"# hop\n"
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner").mkdir()
    (tmp_path / "sub" / "SKILL.md").symlink_to("inner")
    assert "SKILL.md is not a regular file" in _refusal(tmp_path / "sub")
    (tmp_path / "loop").mkdir()
    (tmp_path / "loop" / "SKILL.md").symlink_to("SKILL.md")
    assert "folder has no SKILL.md" in _refusal(tmp_path / "loop")


def test_what_is_not_a_skill_is_refused_with_its_reason(tmp_path: Path):
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "lower").mkdir()
    (tmp_path / "lower" / "skill.md").write_text("x")
    (tmp_path / "dir" / "SKILL.md").mkdir(parents=True)
    (tmp_path / "dangling").mkdir()
    (tmp_path / "dangling" / "SKILL.md").symlink_to("nowhere")
    (tmp_path / "outside.md").write_text("x")
    (tmp_path / "leak").mkdir()
    (tmp_path / "leak" / "SKILL.md").symlink_to(tmp_path / "outside.md")
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "SKILL.md")
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "SKILL.md").write_bytes(b"a" * (MAX_SKILL_MD_BYTES + 1))
    expected = {
        "nope": "no such file or folder",
        "notes.txt/x": "no such file or folder",  # a file on the way (ENOTDIR)
        "notes.txt": "not a skill: expected a folder, a SKILL.md or an .mlir file",
        "empty": "folder has no SKILL.md (a skill folder holds a SKILL.md file)",
        "lower": "folder has no SKILL.md (rename skill.md to SKILL.md)",
        "dir": "SKILL.md is not a regular file",
        "dangling": "folder has no SKILL.md",
        "leak": "SKILL.md is a symlink that points outside the skill folder",
        "fifo": "SKILL.md is not a regular file",
        "big": f"SKILL.md is {MAX_SKILL_MD_BYTES + 1} bytes, over the {MAX_SKILL_MD_BYTES} byte limit",
    }
    for name, message in expected.items():
        refusal = _refusal(tmp_path / name)
        assert message in refusal and "\n" not in refusal, (name, refusal)
    assert "no such file or folder" in _refusal(Path(str(tmp_path) + "/a\0b"))  # cannot be encoded
