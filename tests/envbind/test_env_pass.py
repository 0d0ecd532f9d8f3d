"""bind-env through the pass manager and skill-opt: options, idempotence, legality,
the markdown round trip, the env-setup backend."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from skillir.backends.env_setup import emit
from skillir.dialects.env import BindOp, NoteOp, ProbeOp, RequireOp, SetupOp
from skillir.envbind.ir import dependencies_of, notes_of, setup_script_of
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.ir import parse_module, print_module
from skillir.pipeline import PassManager, parse_pipeline, verify_module

SKILLS = Path(__file__).resolve().parents[1] / "data" / "env_skills"
SKILL_OPT = Path(sys.executable).with_name("skill-opt")


def run(spec: str, name: str = "report-builder"):
    module = load_skill(SKILLS / name)
    PassManager.from_spec(spec).run(module)
    return module


def ops_of(module, cls):
    return [op for op in module.walk() if isinstance(op, cls)]


def test_options_parse():
    [pass_] = parse_pipeline("bind-env{probe=false min-confidence=80 scripts=false timeout=2.5 apt-update=true}")
    assert (pass_.probe, pass_.min_confidence, pass_.scripts, pass_.timeout, pass_.apt_update) == (
        False, 80, False, 2.5, True)
    with pytest.raises(SkillIRError):
        parse_pipeline("bind-env{probe=maybe}")


def test_without_probe_the_ir_is_deterministic_and_complete():
    module = run("bind-env{probe=false}")
    [bind] = ops_of(module, BindOp)
    assert bind.parent_op() is module.body.block.first_op and bind.next_op is None
    assert not ops_of(module, ProbeOp)
    requires = ops_of(module, RequireOp)
    assert all(r.present is None for r in requires)
    assert {r.label for r in requires} >= {"pip:pandas", "npm:puppeteer", "service:openai"}
    assert [n.kind.data for n in ops_of(module, NoteOp)] == ["fallback"]
    [setup] = ops_of(module, SetupOp)
    assert setup.path.data == "env-setup.sh"
    assert print_module(module) == print_module(run("bind-env{probe=false}"))


def test_probe_records_presence():
    module = run("bind-env{probe=true}", "toml-writer")
    [probe] = ops_of(module, ProbeOp)
    assert probe.checked.value.data == 2
    deps = {d.label(): d for d in dependencies_of(module)}
    assert deps["system:git"].present is True
    assert deps["pip:tomli-w"].present is not None


def test_running_twice_replaces_the_binding():
    module = run("bind-env{probe=false},bind-env{probe=false}")
    assert len(ops_of(module, BindOp)) == 1 and len(ops_of(module, SetupOp)) == 1


def test_setup_false_and_min_confidence():
    module = run("bind-env{probe=false setup=false min-confidence=96}")
    assert not ops_of(module, SetupOp)
    labels = {r.label for r in ops_of(module, RequireOp)}
    assert labels == {"system:imagemagick", "system:jq"}  # only the 100s
    assert any("below 96" in n.message for n in notes_of(module))


def test_ir_round_trips_after_the_pass():
    module = run("bind-env{probe=true}")
    text = print_module(module)
    again = parse_module(text)
    verify_module(again)
    assert print_module(again) == text
    assert print_module(parse_module(print_module(module, generic=True))) == text


def test_markdown_is_unchanged_by_the_pass():
    from skillir.backends.markdown import emit as emit_markdown

    out = io.StringIO()
    emit_markdown(run("bind-env"), out)
    assert out.getvalue() == (SKILLS / "report-builder" / "SKILL.md").read_text()


def test_backend_uses_the_setup_op_or_extracts_on_its_own():
    module = run("bind-env{probe=false}")
    out = io.StringIO()
    emit(module, out)
    assert out.getvalue() == setup_script_of(module)
    bare = io.StringIO()
    emit(load_skill(SKILLS / "report-builder"), bare)
    assert bare.getvalue() == out.getvalue()
    no_setup = io.StringIO()
    emit(run("bind-env{probe=false setup=false}"), no_setup)
    assert no_setup.getvalue() == out.getvalue()


def test_legality_catches_a_second_binding():
    module = run("bind-env{probe=false}")
    skill = module.body.block.first_op
    [bind] = ops_of(module, BindOp)
    skill.body.block.add_op(bind.clone())
    from skillir.passes.bind_env import _one_bind_per_skill

    assert _one_bind_per_skill(module) == ["skill 'report-builder' has 2 'env.bind' ops, expected 1"]


def test_skill_opt_cli(tmp_path):
    target = SKILLS / "openclaw-notes"
    shown = subprocess.run([SKILL_OPT, str(target), "-p", "bind-env{probe=false}"], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert 'env.require npm global "@acme/notes-cli" from frontmatter {confidence = 100 : i64' in shown.stdout
    out = tmp_path / "env-setup.sh"
    emitted = subprocess.run([SKILL_OPT, str(target), "-p", "bind-env", "-t", "env-setup", "-o", str(out)],
                             capture_output=True, text=True)
    assert emitted.returncode == 0, emitted.stderr
    assert out.read_text().startswith("#!/usr/bin/env bash\n")
    listed = subprocess.run([SKILL_OPT, "--list-passes"], capture_output=True, text=True)
    assert "bind-env" in listed.stdout and "min-confidence" in listed.stdout


def test_bad_bundled_files_become_notes_in_the_ir(tmp_path):
    import shutil

    folder = tmp_path / "bad"
    shutil.copytree(SKILLS / "toml-writer", folder)
    (folder / "scripts").mkdir()
    (folder / "scripts" / "blob.py").write_bytes(b"\x00\x01binary")
    (folder / "scripts" / "huge.sh").write_text("echo hi\n" * 100_000)
    (folder / "scripts" / "old.py").write_text("import lxml\nprint 'py2'\n")
    module = load_skill(folder)
    PassManager.from_spec("bind-env{probe=false max-file-bytes=100000}").run(module)
    notes = {(n.file.data, n.kind.data): n.message.data for n in ops_of(module, NoteOp)}
    assert set(notes) == {("scripts/blob.py", "skipped"), ("scripts/huge.sh", "skipped"), ("scripts/old.py", "fallback")}
    assert "binary" in notes[("scripts/blob.py", "skipped")]
    assert "100000 byte limit" in notes[("scripts/huge.sh", "skipped")]
    assert "pip:lxml" in {r.label for r in ops_of(module, RequireOp)}
