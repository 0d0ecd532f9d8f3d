"""Variant selection: the variant compiled for the running (model, harness), cached by the
skill's hash, and a warning when a folder compiled for another pair runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skillir.errors import SkillIRError
from skillir.jit.variants import compiled_for, run_model_name, select_variant, variant_warning

DATA = Path(__file__).resolve().parents[1] / "data"


class Bundle:
    def __init__(self, report):
        self.compile_report = report


def test_warns_for_another_pair_and_not_for_the_same():
    b = Bundle({"target": "claude-code/opus-4.6", "harness": "claude-code", "model": "opus-4.6"})
    assert variant_warning(b, model="anthropic/claude-opus-4.6", harness="claude-code") is None
    msg = variant_warning(b, model="sim/qwen3.5-9b", harness="bare-agent")
    assert msg.startswith("this variant was compiled for claude-code/opus-4.6, but runs on "
                          "harness bare-agent and model qwen3.5-9b")
    assert variant_warning(Bundle(None), model="sim/x", harness="bare-agent") is None
    assert compiled_for({"target": "codex/gpt-5"}) == ("codex", "gpt-5")
    assert run_model_name("openai/org/m-7b") == "org/m-7b"


def _fake_compile(calls):
    def compile_fn(skill_dir, target, out):
        calls.append((Path(skill_dir).name, str(target.harness), target.model))
        out.mkdir(parents=True)
        (out / "compile-report.json").write_text(json.dumps(
            {"harness": target.harness, "model": target.model}))
        return out
    return compile_fn


def test_compiles_once_per_pair_and_again_after_an_edit(tmp_path):
    skill = tmp_path / "sum-script"
    shutil.copytree(DATA / "sim_skills" / "sum-script", skill)
    calls: list = []
    fn = _fake_compile(calls)
    first, fresh = select_variant(skill, model="sim/qwen3.5-9b", harness="bare-agent",
                                  root=tmp_path / "jit", compile_fn=fn)
    again, fresh2 = select_variant(skill, model="sim/qwen3.5-9b", harness="bare-agent",
                                   root=tmp_path / "jit", compile_fn=fn)
    assert (fresh, fresh2) == (True, False) and first == again
    assert first.parts[-4:-1] == ("variants", "bare-agent", "qwen3.5-9b")
    other, _ = select_variant(skill, model="sim/opus-4.6", harness="bare-agent",
                              root=tmp_path / "jit", compile_fn=fn)
    assert other != first
    (skill / "SKILL.md").write_text((skill / "SKILL.md").read_text() + "\nMore.\n")
    edited, fresh3 = select_variant(skill, model="sim/qwen3.5-9b", harness="bare-agent",
                                    root=tmp_path / "jit", compile_fn=fn)
    assert fresh3 and edited != first
    assert calls == [("sum-script", "bare-agent", "qwen3.5-9b"),
                     ("sum-script", "bare-agent", "opus-4.6"),
                     ("sum-script", "bare-agent", "qwen3.5-9b")]


def test_no_skill_is_an_error(tmp_path):
    with pytest.raises(SkillIRError, match="no SKILL.md"):
        select_variant(tmp_path, model="sim/x", harness="bare-agent", root=tmp_path)


def test_real_compile_targets_the_pair(tmp_path):
    folder, fresh = select_variant(DATA / "sim_skills" / "sum-script", model="sim/qwen3.5-9b",
                                   harness="bare-agent", root=tmp_path)
    report = json.loads((folder / "compile-report.json").read_text())
    assert fresh and report["target"] == "bare-agent/qwen3.5-9b"
