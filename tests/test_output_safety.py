"""Output never leaves -o and the input is never changed or deleted (issue 19).

Each case is a hostile skill, IR file or command line; each asserts the exit code,
a one-line message without a traceback, that nothing was written outside the output,
and that the input is unchanged."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

import pytest

from skillir.atomic import atomic_directory
from skillir.errors import SkillIRError
from skillir.frontend.bundle import read_bundled_file
from skillir.safepaths import (
    OUTPUT_MARKER,
    check_output_location,
    contained,
    copy_contained,
    safe_component,
    safe_relative,
    write_contained,
)
from skillir.tools.skill_opt import main as skill_opt

TARGET = "--target=bare-agent/qwen3.5-9b"


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder)).encode()
        if path.is_symlink():
            digest.update(rel + b"->" + os.readlink(path).encode())
        elif path.is_file():
            digest.update(rel + path.read_bytes())
        else:
            digest.update(rel)
    return digest.hexdigest()


def make_skill(root: Path, name: str = "good", *, front_name: str | None = None) -> Path:
    folder = root / name
    (folder / "scripts").mkdir(parents=True)
    (folder / "SKILL.md").write_text(f"---\nname: {front_name or name}\ndescription: A test skill\n---\n"
                                     "# Greet\n\nRun `scripts/run.sh` to say hello.\n")
    (folder / "scripts" / "run.sh").write_text("echo hello\n")
    return folder


def opt(capsys, *args: str) -> tuple[int, str]:
    code = skill_opt([*args, "-q"])
    err = capsys.readouterr().err
    return code, err


def assert_one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    for needle in needles:
        assert needle in lines[0], err


# -- A: every emitted path stays inside -o -------------------------------------------------

def test_front_matter_name_cannot_write_outside_the_output(tmp_path, capsys, monkeypatch):
    victim = tmp_path / "x" / ".ssh"
    victim.mkdir(parents=True)
    (victim / "authorized_keys").write_text("ssh-ed25519 AAAA mine\n")
    work = tmp_path / "a" / "b" / "c"
    work.mkdir(parents=True)
    skill = make_skill(work, "skill", front_name="../../../x/.ssh")
    monkeypatch.chdir(work)
    before, victim_before = tree_hash(skill), tree_hash(tmp_path / "x")
    code, err = opt(capsys, "skill", "--target=claude-code/opus-4.6", "-o", "out")
    assert_one_line_error(code, err, "unsafe skill name", "../../../x/.ssh")
    assert tree_hash(tmp_path / "x") == victim_before
    assert (victim / "authorized_keys").read_text() == "ssh-ed25519 AAAA mine\n"
    assert sorted(p.name for p in work.iterdir()) == ["skill"], "nothing written, no temp folder left"
    assert tree_hash(skill) == before


@pytest.mark.parametrize("front_name", ["r-lib/cli", "Flutter CI/CD", "openakita/skills@pptx"])
def test_a_name_of_plain_parts_compiles_into_its_source_folder(tmp_path, capsys, caplog, monkeypatch, front_name):
    """Public skills name themselves like paths (`r-lib/cli`); they compile into the folder
    they came from, their front matter unchanged, with a warning; nothing outside -o."""
    skill = make_skill(tmp_path, "cli", front_name=front_name)
    monkeypatch.chdir(tmp_path)
    before = tree_hash(skill)
    with caplog.at_level(logging.WARNING, logger="skillir.lower"):
        code, err = opt(capsys, "cli", "--target=claude-code/opus-4.6", "-o", "out")
    assert code == 0, err
    assert f"the name {front_name!r} cannot name a folder" in caplog.text and "goes in 'cli'" in caplog.text
    emitted = tmp_path / "out" / ".claude" / "skills" / "cli" / "SKILL.md"
    assert f"name: {front_name}" in emitted.read_text()
    assert sorted(p.name for p in (tmp_path / "out" / ".claude" / "skills").iterdir()) == ["cli"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli", "out"] and tree_hash(skill) == before


@pytest.mark.parametrize("name", ["..", ".", "", "a/b", "a\\b", "x\0y", "tab\there", "é" * 200])
def test_unsafe_names_are_refused_not_rewritten(name):
    with pytest.raises(SkillIRError, match="unsafe skill name") as info:
        safe_component(name)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["pdf-merge", "PDF Merge", ".hidden-but-one-part", "a" * 255])
def test_plain_names_pass(name):
    assert safe_component(name) == name


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "C:/x", "", "a/\0b"])
def test_unsafe_relative_paths_are_refused(rel):
    with pytest.raises(SkillIRError, match="unsafe"):
        safe_relative(rel)


def test_contained_refuses_a_symlink_leading_out(tmp_path):
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "link").symlink_to(elsewhere)
    with pytest.raises(SkillIRError, match="outside the output folder"):
        contained(out, "link/file.txt")
    with pytest.raises(SkillIRError, match="outside the output folder"):
        write_contained(out, "link/file.txt", b"x")
    assert list(elsewhere.iterdir()) == []
    assert write_contained(out, "sub/ok.txt", b"ok").read_bytes() == b"ok"


def compiled_ir(tmp_path: Path, capsys, skill: Path) -> str:
    code = skill_opt([str(skill), TARGET, "-q"])  # the IR after lowering, on stdout
    captured = capsys.readouterr()
    assert code == 0, captured.err
    text = captured.out
    assert f'source = "{skill / "SKILL.md"}"' in text and 'skill.ref script "scripts/run.sh"' in text
    return text


def test_hand_written_ir_cannot_copy_files_from_outside_the_skill(tmp_path, capsys):
    skill = make_skill(tmp_path)
    text = compiled_ir(tmp_path, capsys, skill)
    secrets = tmp_path / "home" / ".ssh"
    secrets.mkdir(parents=True)
    (secrets / "id_rsa").write_text("PRIVATE KEY")
    (tmp_path / "home" / "SKILL.md").write_text("---\nname: home\ndescription: d\n---\n")
    cases = {
        "climbs": (text.replace('skill.ref script "scripts/run.sh"', 'skill.ref script "../home/.ssh/id_rsa"'), 2),
        "absolute": (text.replace('skill.ref script "scripts/run.sh"', f'skill.ref script "{secrets}/id_rsa"'), 2),
        # source names a folder without a SKILL.md: nothing is copied from it
        "no-skill-md": (text.replace(str(skill / "SKILL.md"), str(secrets / "known_hosts"))
                        .replace('skill.ref script "scripts/run.sh"', 'skill.ref script "id_rsa"'), 0),
        # source names a folder with a SKILL.md: hidden folders are never bundled files
        "hidden": (text.replace(str(skill / "SKILL.md"), str(tmp_path / "home" / "SKILL.md"))
                   .replace('skill.ref script "scripts/run.sh"', 'skill.ref script ".ssh/id_rsa"'), 0),
        "prompt-path": (text.replace('path = "skills/good/SKILL.md"', 'path = "../../escaped/SKILL.md"'), 2),
        "symbol": (text.replace("@good", '@"../../escaped"'), 2),
    }
    for label, (ir_text, expected) in cases.items():
        ir = tmp_path / f"{label}.mlir"
        ir.write_text(ir_text)
        out = tmp_path / f"out-{label}"
        code, err = opt(capsys, str(ir), "-t", "bare-agent", "-o", str(out))
        assert code == expected, (label, err)
        assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, (label, err)
        if expected == 2:
            assert "unsafe" in err or "must stay inside the skill" in err, (label, err)
            assert not out.exists(), label
        else:
            copied = [p for p in out.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()]
            assert copied == [], label
    assert not (tmp_path / "escaped").exists() and not (tmp_path.parent / "escaped").exists()
    assert (secrets / "id_rsa").read_text() == "PRIVATE KEY"


def test_a_symlink_leaving_the_skill_is_not_copied_from_ir(tmp_path, capsys):
    skill = make_skill(tmp_path)
    text = compiled_ir(tmp_path, capsys, skill)
    outside = tmp_path / "outside.txt"
    outside.write_text("SECRET")
    (skill / "scripts" / "run.sh").unlink()
    (skill / "scripts" / "run.sh").symlink_to(outside)  # swapped in after the IR was made
    ir = tmp_path / "linked.mlir"
    ir.write_text(text)
    code, err = opt(capsys, str(ir), "-t", "bare-agent", "-o", str(tmp_path / "out"))
    assert_one_line_error(code, err, "resolves outside the skill folder")
    assert not (tmp_path / "out").exists()


def test_copy_contained_follows_links_that_stay_inside_and_refuses_fifos(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    (src / "a").mkdir(parents=True)
    out.mkdir()
    (src / "a" / "real.sh").write_text("echo x\n")
    (src / "a" / "real.sh").chmod(0o755)
    (src / "link.sh").symlink_to("a/real.sh")
    assert copy_contained(src, "link.sh", out, "b/link.sh") == 7
    assert (out / "b" / "link.sh").read_text() == "echo x\n" and os.access(out / "b" / "link.sh", os.X_OK)
    os.mkfifo(src / "pipe")
    start = time.monotonic()
    with pytest.raises(SkillIRError, match="not a regular file"):
        copy_contained(src, "pipe", out, "pipe")
    assert time.monotonic() - start < 5 and not (out / "pipe").exists()


def test_read_bundled_file_is_bounded_contained_and_never_blocks(tmp_path):
    skill = make_skill(tmp_path)
    assert read_bundled_file(skill, "scripts/run.sh", limit=100) == b"echo hello\n"
    os.mkfifo(skill / "scripts" / "pipe.sh")
    (tmp_path / "outside.sh").write_text("secret")
    (skill / "scripts" / "out.sh").symlink_to(tmp_path / "outside.sh")
    start = time.monotonic()
    for rel, message in (("scripts/pipe.sh", "not a regular file"), ("scripts/out.sh", "outside the skill"),
                         ("../outside.sh", "climbs out"), ("scripts/run.sh", "over the 4 byte limit")):
        with pytest.raises(SkillIRError, match=message):
            read_bundled_file(skill, rel, limit=4)
    assert time.monotonic() - start < 5


def test_a_huge_sparse_bundled_file_is_refused_not_copied(tmp_path, capsys):
    skill = make_skill(tmp_path)
    (skill / "assets").mkdir()
    with open(skill / "assets" / "big.bin", "wb") as handle:
        handle.truncate(10 << 30)  # 10 GB, sparse: no real blocks
    out = tmp_path / "out"
    start = time.monotonic()
    code, err = opt(capsys, str(skill), TARGET, "-o", str(out))
    assert_one_line_error(code, err, "assets/big.bin", "over the", "byte limit")
    assert time.monotonic() - start < 60
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["good"]


# -- B: the input is never replaced or deleted ---------------------------------------------

@pytest.mark.parametrize("where", ["itself", "parent", "inside", "skill-md"])
def test_output_that_is_holds_or_lies_in_the_input_is_refused(tmp_path, capsys, where):
    skill = make_skill(tmp_path / "p")
    (tmp_path / "p" / "beside.txt").write_text("keep me")
    output = {"itself": skill, "parent": tmp_path / "p", "inside": skill / "out",
              "skill-md": skill / "SKILL.md"}[where]
    before = tree_hash(tmp_path / "p")
    for force in ([], ["--force"]):
        code, err = opt(capsys, str(skill), TARGET, "-o", str(output), *force)
        assert_one_line_error(code, err, "the output", "input")
        assert tree_hash(tmp_path / "p") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p"]


def test_force_replaces_only_skillir_output(tmp_path, capsys):
    skill = make_skill(tmp_path)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("the user's own work")
    code, err = opt(capsys, str(skill), TARGET, "-o", str(mine), "--force")
    assert_one_line_error(code, err, "--force refuses", OUTPUT_MARKER)
    assert (mine / "notes.txt").read_text() == "the user's own work"
    out = tmp_path / "out"
    assert opt(capsys, str(skill), TARGET, "-o", str(out))[0] == 0
    assert (out / OUTPUT_MARKER).is_file()
    (out / "stale.txt").write_text("old output")
    assert opt(capsys, str(skill), TARGET, "-o", str(out), "--force")[0] == 0
    assert not (out / "stale.txt").exists() and (out / OUTPUT_MARKER).is_file()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert opt(capsys, str(skill), TARGET, "-o", str(empty), "--force")[0] == 0
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    code, err = opt(capsys, str(skill), TARGET, "-o", str(afile), "--force")
    assert_one_line_error(code, err, "--force refuses")
    assert afile.read_text() == "not a folder"


def test_a_marker_that_is_a_symlink_does_not_count(tmp_path):
    target = tmp_path / "t"
    target.mkdir()
    (target / "data").write_text("keep")
    (tmp_path / "m").write_text("")
    (target / OUTPUT_MARKER).symlink_to(tmp_path / "m")
    with pytest.raises(SkillIRError, match="--force refuses"), atomic_directory(target, force=True):
        pass
    assert (target / "data").read_text() == "keep"


def test_markdown_output_over_the_input_needs_in_place(tmp_path, capsys):
    skill = make_skill(tmp_path)
    before = tree_hash(skill)
    code, err = opt(capsys, str(skill / "SKILL.md"), "-t", "markdown", "-o", str(skill / "SKILL.md"))
    assert_one_line_error(code, err, "is the input", "--in-place")
    code, err = opt(capsys, str(skill), "-t", "markdown", "-o", str(skill / "notes.md"))
    assert_one_line_error(code, err, "inside the input skill folder")
    assert tree_hash(skill) == before
    code, err = opt(capsys, str(skill), "-t", "markdown", "-o", str(skill / "SKILL.md"), "--in-place")
    assert code == 0, err
    assert (skill / "SKILL.md").read_text().startswith("---\nname: good\n")


def test_ir_output_over_the_input_ir_needs_in_place(tmp_path, capsys):
    ir = tmp_path / "x.mlir"
    ir.write_text("builtin.module {}\n")
    code, err = opt(capsys, str(ir), "-o", str(ir))
    assert_one_line_error(code, err, "is the input")
    assert ir.read_text() == "builtin.module {}\n"
    assert opt(capsys, str(ir), "-o", str(ir), "--in-place")[0] == 0
    assert ir.read_text().startswith("builtin.module")


def test_check_output_location_relations(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    for output, relation in ((tmp_path / "in", "is the input"), (tmp_path, "contains the input"),
                             (tmp_path / "in" / "sub", "lies inside the input")):
        with pytest.raises(SkillIRError, match=relation):
            check_output_location(output, [tmp_path / "in"])
    check_output_location(tmp_path / "elsewhere", [tmp_path / "in"])
    check_output_location(tmp_path / "in-2", [tmp_path / "in"])  # a shared prefix is not a parent


def test_output_dir_never_follows_a_link_for_a_folder_or_a_file(tmp_path):
    from skillir.safepaths import OutputDir

    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    elsewhere.mkdir()
    with OutputDir(out) as folder:
        assert folder.write("a/b/one.txt", b"1").read_bytes() == b"1"
        (out / "a" / "link").symlink_to(elsewhere)  # planted between two writes
        (out / "a" / "b" / "two.txt").symlink_to(elsewhere / "two.txt")
        with pytest.raises(SkillIRError, match="outside the output folder"):
            folder.write("a/link/x.txt", b"x")
        with pytest.raises(SkillIRError, match="outside the output folder"):
            folder.write("a/b/two.txt", b"2")
        with pytest.raises(SkillIRError, match="unsafe"):
            folder.write("../x.txt", b"x")
        assert folder.write("a/b/three.txt", b"3").read_bytes() == b"3"  # the folder opened before
        with pytest.raises(SkillIRError, match="cannot open the output folder"):
            folder.write("a/b/three.txt/x", b"x")  # a file where a folder should be: not a link
    assert list(elsewhere.iterdir()) == []
