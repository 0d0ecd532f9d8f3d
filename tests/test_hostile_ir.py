"""Mutated and hostile IR text: parsing and verification end in a one-line
SkillIRError or in valid IR, never in another exception (seeded, bounded)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_cases import HOSTILE_IR, mutate_ir

from corpus_paths import corpus_skill_dirs
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.ir import parse_module, print_module, verify_module


@pytest.fixture(scope="module")
def ir_texts() -> list[str]:
    dirs = corpus_skill_dirs()[:24]
    if not dirs:
        pytest.skip("the shared corpus is not here")
    return [print_module(load_skill(d)) for d in dirs]


@pytest.mark.parametrize("seed", range(4))
def test_mutated_ir_fails_only_with_one_line_errors(ir_texts, seed):
    rng = random.Random(seed)
    outcomes = {"valid": 0, "refused": 0}
    for _ in range(120):
        text = mutate_ir(rng, rng.choice(ir_texts))
        try:
            module = parse_module(text, "fuzz.mlir")
            verify_module(module)
            print_module(module)
            outcomes["valid"] += 1
        except SkillIRError as exc:
            assert "\n" not in str(exc)
            outcomes["refused"] += 1
    assert outcomes["refused"] > 0 and sum(outcomes.values()) == 120


@pytest.mark.parametrize(("text", "message"), HOSTILE_IR)
def test_hostile_ir_is_one_line_from_the_command_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "hostile.mlir"
    path.write_text(text)
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", str(path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
