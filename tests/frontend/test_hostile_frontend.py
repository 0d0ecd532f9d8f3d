"""Hostile skills meet documented bounds (skillir.limits) before any work: each is a
one-line error with exit 2, quickly, instead of a hang or a memory blow-up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hostile_cases import FRONT_MATTER_CASES, MARKDOWN_CASES

CASES = {**FRONT_MATTER_CASES, **MARKDOWN_CASES}  # shared with benchmarks/hostile/report.py


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_skill_is_refused_in_one_line(tmp_path: Path, case: str):
    text, message = CASES[case]
    skill = tmp_path / case
    skill.mkdir()
    (skill / "SKILL.md").write_text(text)
    before = (skill / "SKILL.md").read_bytes()
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(skill)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert (skill / "SKILL.md").read_bytes() == before


def test_aliases_within_bounds_still_load(tmp_path: Path):
    from skillir.frontend.skill_md import load_skill

    skill = tmp_path / "anchors"
    skill.mkdir()
    (skill / "SKILL.md").write_text("---\nname: anchors\ndescription: d\nbase: &b {x: 1}\n"
                                    "other: *b\n---\n# T\n\n1. Do it.\n")
    module = load_skill(skill)
    text = str(module)
    assert "anchors" in text and "Do it." in text


def test_chat_template_tokens_in_a_skill_are_counted_as_text(tmp_path: Path):
    """`<|endoftext|>` in a skill once crashed the tokenizer (compile and simulated runs)."""
    from skillir.emit.tokens import count_tokens

    plain = count_tokens("a <|endoftext|> b <|im_start|>", "opus-4.6")
    assert plain.tokens > 5
    skill = tmp_path / "eot"
    skill.mkdir()
    (skill / "SKILL.md").write_text("---\nname: eot\ndescription: d\n---\n# T\n\n1. Print <|endoftext|>.\n")
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(skill),
                           "--target=bare-agent/qwen3.5-9b", "-o", str(out)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "compile-report.json").is_file()


def test_harbor_task_toml_with_a_huge_number_is_one_line(tmp_path: Path):
    """Found by benchmarks/fuzz.py: tomllib raises ValueError on a 5000-digit integer."""
    from skillir.bench.skillsbench import analyze_harbor_task
    from skillir.errors import SkillIRError

    task = tmp_path / "task"
    (task / "tests").mkdir(parents=True)
    (task / "task.toml").write_text("[agent]\ntimeout_sec = " + "9" * 5000 + "\n")
    (task / "instruction.md").write_text("Write out.txt.\n")
    with pytest.raises(SkillIRError, match="not valid TOML"):
        analyze_harbor_task(task)
