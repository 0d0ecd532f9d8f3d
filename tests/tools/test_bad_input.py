"""Bad input gets one line (what, where, how to fix) and exit code 2, never a
traceback; loading never executes anything from the skill."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SKILL_OPT = str(Path(sys.executable).with_name("skill-opt"))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SKILL_OPT, *args], capture_output=True, text=True, input=stdin, timeout=60)


def assert_clean_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    for needle in needles:
        assert needle in lines[0], lines[0]


def make_skill(tmp_path: Path, text: str | bytes, name: str = "demo") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    data = text.encode() if isinstance(text, str) else text
    (folder / "SKILL.md").write_bytes(data)
    return folder


def test_missing_path(tmp_path):
    assert_clean_error(run(str(tmp_path / "nope")), "no such file or folder")


def test_not_a_skill_file(tmp_path):
    other = tmp_path / "data.csv"
    other.write_text("a,b\n")
    assert_clean_error(run(str(other)), "not a skill")


def test_folder_without_skill_md(tmp_path):
    assert_clean_error(run(str(tmp_path)), "no SKILL.md")


def test_lowercase_skill_md_gets_a_hint(tmp_path):
    (tmp_path / "skill.md").write_text("# x\n")
    assert_clean_error(run(str(tmp_path)), "rename skill.md to SKILL.md")


def test_non_utf8(tmp_path):
    folder = make_skill(tmp_path, b"---\nname: a\n---\n\ncaf\xe9\n")
    assert_clean_error(run(str(folder)), "not valid UTF-8", ":5:")


def test_binary_file(tmp_path):
    folder = make_skill(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert_clean_error(run(str(folder)), "binary")


def test_oversized_skill_md(tmp_path):
    folder = make_skill(tmp_path, "# big\n\n" + "x" * (1 << 20) + "\n")
    assert_clean_error(run(str(folder)), "over the 1048576 byte limit")


def test_symlink_out_of_the_skill(tmp_path):
    folder = make_skill(tmp_path, "---\nname: demo\ndescription: d\n---\n# x\n")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    os.symlink(secret, folder / "leak.txt")
    assert_clean_error(run(str(folder)), "points outside the skill folder", "leak.txt")


def test_skill_md_symlinked_from_outside(tmp_path):
    outside = tmp_path / "elsewhere.md"
    outside.write_text("# x\n")
    folder = tmp_path / "s"
    folder.mkdir()
    os.symlink(outside, folder / "SKILL.md")
    assert_clean_error(run(str(folder)), "points outside the skill folder")


def test_unrecoverable_yaml(tmp_path):
    folder = make_skill(tmp_path, "---\n- a\n- b: [\n---\n# x\n")
    assert_clean_error(run(str(folder)), "cannot be recovered", "SKILL.md:")


def test_malformed_mlir(tmp_path):
    bad = tmp_path / "bad.mlir"
    bad.write_text('builtin.module {\n  skill.skill @s attributes {metadata = {}, source = "s"} {\n    skill.nope\n  }\n}\n')
    assert_clean_error(run(str(bad)), "bad.mlir")


def test_invalid_ir_from_stdin():
    text = 'builtin.module {\n  skill.skill @s attributes {metadata = {}, source = "s"} {\n    skill.text ""\n  }\n}\n'
    assert_clean_error(run("-", stdin=text), "non-empty source text")


def test_unknown_pass():
    text = "builtin.module {\n}\n"
    assert_clean_error(run("-", "-p", "no-such-pass", stdin=text), "unknown pass", "--list-passes")


def test_malformed_pipeline():
    assert_clean_error(run("-", "-p", "canonicalize-skill{", stdin="builtin.module {\n}\n"), "malformed pass pipeline")


def test_bad_pass_option():
    result = run("-", "-p", "canonicalize-skill{no-such-option=1}", stdin="builtin.module {\n}\n")
    assert_clean_error(result)


def test_existing_output_is_replaced_atomically(tmp_path):
    folder = make_skill(tmp_path, "---\nname: demo\ndescription: d\n---\n# x\n")
    out = tmp_path / "out.mlir"
    out.write_text("old")
    assert run(str(folder), "-o", str(out)).returncode == 0
    assert out.read_text().startswith("builtin.module")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_loading_never_runs_bundled_code(tmp_path):
    folder = make_skill(tmp_path, "---\nname: demo\ndescription: d\n---\nRun `scripts/boom.sh`.\n")
    (folder / "scripts").mkdir()
    marker = tmp_path / "ran"
    script = folder / "scripts" / "boom.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    result = run(str(folder))
    assert result.returncode == 0
    assert not marker.exists()


@pytest.mark.parametrize("flag", ["--version"])
def test_version(flag):
    result = run(flag)
    assert result.returncode == 0 and "SkillIR" in result.stdout


def test_output_to_a_device_is_written_not_replaced(tmp_path):
    folder = make_skill(tmp_path, "---\nname: demo\ndescription: d\n---\n# x\n")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    result = run(str(folder), "-t", "markdown", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert got and got[0].startswith("---\nname: demo")
    assert fifo.is_fifo(), "the pipe must still be a pipe"
