"""The emitters' shortcuts give what the long way gives: class tests kept per class,
path components checked at once, a bundled file opened without resolving its path, the
validator's key from a SKILL.md text already in hand."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

import pytest

from skillir.dialects.harness import GapOp, ProfileOp
from skillir.dialects.skill import OutlinedOp, SkillOp, StepOp
from skillir.emit import validate
from skillir.emit.skill_folder import _written_skill_md
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.safepaths import OutputDir, _open_contained, safe_parts, safe_relative
from skillir.xdsl_compat.opclass import op_kinds, ops_of
from skillir.xdsl_compat.walk import walk_ops

ROOT = Path(__file__).resolve().parents[2]
SKILL = ROOT / "examples" / "skills" / "merge-pdfs"


def test_class_tests_kept_per_class_answer_like_isinstance():
    ops = walk_ops(load_skill(SKILL))
    for cls in (SkillOp, StepOp, OutlinedOp, object):
        assert ops_of(ops, cls) == [op for op in ops if isinstance(op, cls)]
    classes = (StepOp, SkillOp, ProfileOp, GapOp)
    expected = [next((c for c in classes if isinstance(op, c)), None) for op in ops]
    assert op_kinds(ops, classes) == expected and op_kinds(ops, classes) == expected  # the table reused


@pytest.mark.parametrize("rel", [
    "a/b.md", "./a//b.md", "a\\b.md", "x" * 63, "é" * 63, "é" * 64, "😀" * 64, "a/../b", "..", "/abs", "C:x",
    "", "./", "a/\x00b", "a/\x7f", "a/\ud800", "a/" + "x" * 256, "ok/" + "ü" * 130,
])
def test_safe_parts_is_safe_relative_parts(rel):
    try:
        expected: object = safe_relative(rel).parts
    except SkillIRError as exc:
        expected = str(exc)
    try:
        got: object = safe_parts(rel)
    except SkillIRError as exc:
        got = str(exc)
    assert got == expected
    if isinstance(got, tuple):
        assert str(PurePosixPath(*got)) == "/".join(got)


def test_a_bundled_file_opens_the_same_with_or_without_links(tmp_path):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "a" / "real.txt").write_text("real\n")
    (src / "inside").symlink_to("a")  # a link that stays inside: the resolving way
    (tmp_path / "secret.txt").write_text("secret")
    (src / "out.txt").symlink_to(tmp_path / "secret.txt")
    for rel in ("a/real.txt", "inside/real.txt"):
        fd, info = _open_contained(src, rel, "bundled file")
        try:
            assert os.read(fd, 100) == b"real\n" and info.st_size == 5
        finally:
            os.close(fd)
    with pytest.raises(SkillIRError, match="resolves outside the skill folder"):
        _open_contained(src, "out.txt", "bundled file")
    with pytest.raises(SkillIRError, match="no such bundled file"):
        _open_contained(src, "a/missing.txt", "bundled file")


def test_the_verdict_key_from_a_text_in_hand_is_the_key_read_from_the_folder(tmp_path):
    folder = tmp_path / "x-skill"
    folder.mkdir()
    for text in ("---\nname: x-skill\n---\nbody\n", "---\r\nname: x\r\n---\r\nbody\r\n", "---\rname: x\r---\r",
                 "no front matter\n"):
        (folder / "SKILL.md").write_bytes(text.encode())
        assert validate._verdict_key(folder, text) == validate._verdict_key(folder)


def test_the_written_skill_md_is_trusted_only_when_no_other_file_can_be_it(tmp_path):
    rel = Path("skills/x/SKILL.md")
    with OutputDir(tmp_path / "out") as folder:
        folder.write(rel, b"compiled")
        folder.write("skills/x/notes.md", b"n")
        assert _written_skill_md(folder, rel, "compiled") == "compiled"
        folder.write("skills/x/sub/skill.md", b"other")  # one name up to case: read it back
        assert _written_skill_md(folder, rel, "compiled") is None
    with OutputDir(tmp_path / "out2") as folder:
        folder.write("skills/x/skill.md", b"compiled")
        assert _written_skill_md(folder, Path("skills/x/skill.md"), "compiled") is None  # not exactly SKILL.md
