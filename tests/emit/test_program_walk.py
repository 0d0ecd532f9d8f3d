"""Emission's shared walk (`skillir.emit.program_walk`) and its path shortcuts give what
the long ways give: the ops of a class are isinstance's answer over `op.walk()`, a
joined path is pathlib's spelling, a bundled file is copied exactly when `is_file()`."""

from __future__ import annotations

import os
from itertools import combinations
from pathlib import Path, PurePosixPath

import pytest

from skillir.dialects.harness import ProgramOp
from skillir.dialects.skill import OutlinedOp, SkillOp
from skillir.emit.outlined import outlined_files
from skillir.emit.program_walk import CLASSES, ProgramWalk, _span
from skillir.emit.report import collect_report
from skillir.emit.skill_folder import _path_text, program_skill
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.pipeline import PassManager, stage_passes
from skillir.safepaths import OutputDir
from skillir.target import Target

ROOT = Path(__file__).resolve().parents[2]
SKILLS = [ROOT / "tests" / "data" / "concurrency_skills" / "multi-service-debug",
          ROOT / "examples" / "skills" / "merge-pdfs"]


def _program(skill: Path, harness: str) -> ProgramOp:
    module = load_skill(skill)
    PassManager(stage_passes("harness", Target.parse(f"{harness}/opus-4.6"), probe=False)).run(module)
    return next(op for op in module.ops if isinstance(op, ProgramOp))


def test_no_class_of_the_walk_subclasses_another():
    for a, b in combinations(CLASSES, 2):
        assert not issubclass(a, b) and not issubclass(b, a), (a, b)


@pytest.mark.parametrize("harness", ["claude-code", "codex"])
@pytest.mark.parametrize("skill", SKILLS, ids=lambda p: p.name)
def test_the_walk_answers_like_isinstance_over_op_walk(skill, harness):
    program = _program(skill, harness)
    walk = ProgramWalk(program, program_skill(program))
    every, in_skill = list(program.walk()), list(walk.skill.walk())
    assert walk.ops == every and walk.skill_ops == in_skill
    for cls in CLASSES:
        assert walk.of(cls) == [op for op in every if isinstance(op, cls)]
        assert walk.in_skill(cls) == [op for op in in_skill if isinstance(op, cls)]
        assert walk.first(cls) is next((op for op in every if isinstance(op, cls)), None)
    assert ProgramWalk(program).skill is next(op for op in every if isinstance(op, SkillOp))
    for op in every:  # every op's walk is found as its run of the program's
        start, end = _span(walk.ops, op)
        assert walk.ops[start:end] == list(op.walk())
    other = load_skill(skill)  # a skill that is not the program's: walked on its own
    skill_op = next(op for op in other.walk() if isinstance(op, SkillOp))
    assert ProgramWalk(program, skill_op).skill_ops == list(skill_op.walk())
    for op in walk.in_skill(OutlinedOp):
        assert walk.content(op) == op.content() and walk.content(op) is walk.content(op)
    assert outlined_files(walk.skill, walk) == outlined_files(walk.skill)
    assert collect_report(program, walk.skill, walk) == collect_report(program, walk.skill)


@pytest.mark.parametrize("pieces", [
    ("skills/x", "references/a.md"), (".claude/skills/x", "SKILL.md"), (".", "a.md"), ("a", "./b"), ("a", "b/."),
    ("a", "b//c"), ("a", "/abs"), ("a", ""), ("", "b"), ("",), (".",), ("a/",), ("a", "b\\c"), ("a", ".."),
    ("a", "..."), ("a", ".hidden/x"), ("//a", "b"), ("opencode.json",), ("a", "b/./c"),
])
def test_a_joined_path_is_spelt_as_pathlib_spells_it(pieces):
    assert _path_text(*pieces) == str(PurePosixPath(*pieces))


def test_a_bundled_file_is_copied_exactly_when_it_is_a_file(tmp_path):
    src = tmp_path / "src"
    (src / "a" / "dir").mkdir(parents=True)
    (src / "a" / "real.txt").write_text("real\n")
    (src / "run.sh").write_text("#!/bin/sh\n")
    (src / "run.sh").chmod(0o755)
    (src / "inside").symlink_to("a")  # a link that stays inside: copied the resolving way
    (tmp_path / "secret.txt").write_text("secret")
    (src / "out.txt").symlink_to(tmp_path / "secret.txt")
    os.mkfifo(src / "pipe")
    fds = set(os.listdir("/proc/self/fd"))
    with OutputDir(tmp_path / "out") as folder:
        for rel in ("a/real.txt", "inside/real.txt", "run.sh"):
            assert Path(src, rel).is_file()
            assert folder.copy_file(src, rel, f"x/{rel}") == len(Path(src, rel).read_bytes())
        for rel in ("a/missing.txt", "a/dir", "pipe", "a/real.txt/x"):
            assert not Path(src, rel).is_file() and folder.copy_file(src, rel, f"x/{rel}") is None
        with pytest.raises(SkillIRError, match="resolves outside the skill folder"):
            folder.copy_file(src, "out.txt", "x/out.txt")  # a file, but outside: refused as before
    assert set(os.listdir("/proc/self/fd")) == fds  # the source folders kept open are closed with it
    out = tmp_path / "out" / "x"
    assert (out / "inside" / "real.txt").read_text() == "real\n"
    assert (out / "run.sh").stat().st_mode & 0o777 == 0o755 and (out / "a" / "real.txt").stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == ["real.txt", "real.txt", "run.sh"]


def test_put_writes_what_write_writes(tmp_path):
    with OutputDir(tmp_path / "out") as folder:
        assert folder.put("a/./b.txt", b"b", mode=0o755) == ("a", "b.txt")
        assert folder.write("a/c.txt", b"c") == tmp_path / "out" / "a" / "c.txt"
    assert (tmp_path / "out" / "a" / "b.txt").read_bytes() == b"b"
    assert (tmp_path / "out" / "a" / "b.txt").stat().st_mode & 0o777 == 0o755
