"""Compiling a skill for a harness from the command line: the folder layout, the
report, atomic output, --force, --emit-all, profile fallback and unknown models."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKILL_OPT = str(Path(sys.executable).with_name("skill-opt"))
MERGE = ROOT / "examples" / "skills" / "merge-pdfs"
PARALLEL = ROOT / "tests" / "data" / "concurrency_skills" / "multi-service-debug"
HARNESSES = ["bare-agent", "claude-code", "codex", "opencode", "openclaw", "hermes"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SKILL_OPT, *args], capture_output=True, text=True, timeout=300)


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def test_target_writes_the_claude_code_layout(tmp_path):
    before = tree_hash(MERGE)
    out = tmp_path / "out"
    result = run(str(MERGE), "--target=claude-code/opus-4.6", "-o", str(out))
    assert result.returncode == 0, result.stderr
    skill_dir = out / ".claude" / "skills" / "merge-pdfs"
    assert (skill_dir / "SKILL.md").read_text().startswith("---\nname: merge-pdfs\n")
    assert (skill_dir / "scripts" / "merge_pdfs.py").read_bytes() == (MERGE / "scripts" / "merge_pdfs.py").read_bytes()
    setup = skill_dir / "env-setup.sh"
    assert setup.stat().st_mode & 0o111 and "pypdf" in setup.read_text()
    report = json.loads((out / "compile-report.json").read_text())
    assert report["target"] == "claude-code/opus-4.6"
    assert report["profile"]["harness"] == "bare-agent" and "no claude-code profile" in report["profile"]["fallback"]
    assert "no claude-code profile of opus-4.6" in result.stderr  # the warning names the stand-in
    assert report["tokens"]["original"] > 0 and report["tokens"]["compiled"] >= report["tokens"]["original"]
    assert report["validation"]["output_valid"] is True
    assert [d["name"] for d in report["dependencies"]] == ["pypdf"]
    assert tree_hash(MERGE) == before, "the input skill must never change"


def test_existing_output_is_refused_then_replaced_with_force(tmp_path):
    out = tmp_path / "out"  # --force replaces only SkillIR's own output (tests/test_output_safety.py)
    assert run(str(MERGE), "--target=bare-agent/qwen3.5-9b", "-o", str(out)).returncode == 0
    (out / "keep.txt").write_text("mine")
    refused = run(str(MERGE), "--target=bare-agent/qwen3.5-9b", "-o", str(out))
    assert refused.returncode == 2 and "already exists" in refused.stderr and "--force" in refused.stderr
    assert (out / "keep.txt").read_text() == "mine"
    forced = run(str(MERGE), "--target=bare-agent/qwen3.5-9b", "-o", str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (out / "keep.txt").exists() and (out / "skills" / "merge-pdfs" / "SKILL.md").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "no temporary folder may be left behind"


def test_unknown_model_lists_the_profiles(tmp_path):
    result = run(str(MERGE), "--target=claude-code/gpt-99", "-o", str(tmp_path / "out"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "gpt-99" in result.stderr and "bare-agent/opus-4.6" in result.stderr
    assert not (tmp_path / "out").exists(), "a failed compile writes nothing"


def test_bad_target_spelling(tmp_path):
    result = run(str(MERGE), "--target=opus-4.6", "-o", str(tmp_path / "o"))
    assert result.returncode == 2 and "HARNESS/MODEL" in result.stderr


def test_emit_all_writes_six_harnesses(tmp_path):
    out = tmp_path / "all"
    result = run(str(PARALLEL), "--target=bare-agent/opus-4.6", "--emit-all", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([*HARNESSES, ".skillir-output"])
    kept = {}
    for harness in HARNESSES:
        report = json.loads((out / harness / "compile-report.json").read_text())
        skill_md = out / harness / report["skill_dir"] / "SKILL.md"
        assert skill_md.is_file() and (skill_md.parent / "workflow-dag.md").is_file()
        kept[harness] = {g["kind"] for g in report["parallel_groups"] if g["status"] == "parallel"}
    assert kept["claude-code"] == {"ilp", "dlp", "tlp"}
    assert "tlp" not in kept["bare-agent"]  # no sub-agents there
    assert "ilp" not in kept["codex"] and "ilp" not in kept["openclaw"]
    assert json.loads((out / "opencode" / "opencode.json").read_text())["experimental"]["batch_tool"] is True
    assert "max_threads" in (out / "codex" / ".codex" / "config.toml").read_text()


def test_tool_names_follow_the_harness(tmp_path):
    result = run(str(PARALLEL), "-p", "extract-concurrency{harness=hermes},lower-to-harness{harness=hermes}")
    assert result.returncode == 0, result.stderr
    assert 'harness.call "terminal"' in result.stdout and 'harness.subagent' in result.stdout
    assert "tool = \"delegate_task\"" in result.stdout


def test_emit_needs_a_lowered_module_or_a_target(tmp_path):
    result = run(str(MERGE), "-t", "claude-code", "-o", str(tmp_path / "o"))
    assert result.returncode == 2 and "--target=claude-code/MODEL" in result.stderr


def test_lowered_for_another_harness_is_refused(tmp_path):
    lowered = run(str(MERGE), "-p", "lower-to-harness{harness=codex}")
    ir = tmp_path / "lowered.mlir"
    ir.write_text(lowered.stdout)
    result = run(str(ir), "-t", "hermes", "-o", str(tmp_path / "o"))
    assert result.returncode == 2 and "lowered for 'codex'" in result.stderr


@pytest.mark.parametrize("harness", HARNESSES)
def test_strong_profile_changes_nothing_but_hints(tmp_path, harness):
    """With no gaps and no parallelism, the compiled SKILL.md is the original."""
    out = tmp_path / harness
    result = run(str(MERGE), f"--target={harness}/opus-4.6", "-o", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads((out / "compile-report.json").read_text())
    assert report["summary"]["gaps"] == 0
    compiled = (out / report["skill_dir"] / "SKILL.md").read_bytes()
    assert compiled == (MERGE / "SKILL.md").read_bytes()


def test_a_harness_option_that_disagrees_with_the_target_is_one_line_exit_2():
    pipeline = ("infer-capabilities,bind-profile{target=claude-code/opus-4.6},analyze-gaps,compile-capabilities,"
                "bind-env{probe=false},extract-concurrency{harness=codex},lower-to-harness{harness=opencode}")
    result = run(str(PARALLEL), "-p", pipeline)
    assert result.returncode == 2 and result.stdout == ""
    errors = [line for line in result.stderr.splitlines() if not line.startswith("warning:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr
    assert "SKILL.md:1: error: extract-concurrency{harness=codex} disagrees with the skill's target claude-code/opus-4.6" in errors[0]
    agreeing = run(str(PARALLEL), "-p", pipeline.replace("{harness=codex}", "").replace("{harness=opencode}", ""))
    assert agreeing.returncode == 0, agreeing.stderr
    assert 'harness.program @"multi-service-debug" attributes {harness = "claude-code"' in agreeing.stdout


def test_target_is_parsed_once_into_a_typed_value():
    from skillir.errors import SkillIRError
    from skillir.pipeline import stage_passes
    from skillir.target import ModelId, Target

    assert Target.parse("claude-code/opus-4.6") == Target("claude-code", "opus-4.6")
    assert ModelId.parse("openai/org/model-7b") == ModelId("openai", "org/model-7b")
    with pytest.raises(SkillIRError) as bad:
        Target.parse("vim/opus-4.6")
    assert "\n" not in str(bad.value) and "claude-code" in str(bad.value) and "hermes" in str(bad.value)
    names = [p.name for p in stage_passes("conc", Target("codex", "gpt-5"))]
    assert names == ["lint-security", "infer-capabilities", "bind-profile", "analyze-gaps",
                     "compile-capabilities", "bind-env", "derive-sandbox-policy", "extract-concurrency"]
    assert stage_passes("cap", Target("codex", "gpt-5"))[2].target == "codex/gpt-5"
    assert stage_passes("cap", Target("codex", "gpt-5"), security="block")[0].mode == "block"


def test_config_extras_come_from_the_harness_table(tmp_path):
    for harness, target_file, expected in (
        ("codex", ".codex/config.toml",
         "# written by SkillIR for the skill's parallel sub-agent branches\n[agents]\nmax_threads = 4\n"),
        ("opencode", "opencode.json",
         '{\n  "$schema": "https://opencode.ai/config.json",\n  "experimental": {\n    "batch_tool": true\n  }\n}\n'),
    ):
        out = tmp_path / harness
        result = run(str(PARALLEL), f"--target={harness}/opus-4.6", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert (out / target_file).read_text() == expected
        report = json.loads((out / "compile-report.json").read_text())
        assert report["harness_config"][0].startswith(target_file)
    out = tmp_path / "hermes"
    assert run(str(PARALLEL), "--target=hermes/opus-4.6", "-o", str(out)).returncode == 0
    report = json.loads((out / "compile-report.json").read_text())
    assert report["harness_config"] == [
        "run hermes with -t terminal,file,delegation so delegate_task is available (SkVM's adapter passes "
        "-t terminal,file, which leaves delegate_task out; the compiled run must add the toolset that holds it)"]
