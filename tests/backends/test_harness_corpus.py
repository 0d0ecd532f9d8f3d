"""Every corpus skill compiles for all six harnesses with each reference profile:
the lowered IR verifies and is legal (no cap/env/conc op left, no parallel block the
harness cannot run), and every emitted SKILL.md passes the Agent Skills reference
validator (skills-ref) whenever the input skill passed it."""

from __future__ import annotations

import tempfile
from functools import cache
from pathlib import Path

import pytest
import skills_ref

from corpus_paths import corpus_id, corpus_skill_dirs
from skillir.backends import get_folder_backends
from skillir.frontend.skill_md import load_skill
from skillir.pipeline import PassManager

HARNESSES = ["bare-agent", "claude-code", "codex", "opencode", "openclaw", "hermes"]
MODELS = ["opus-4.6", "gpt-5.4", "qwen3.5-35b-a3b", "qwen3.5-9b"]  # the shipped reference profiles


@cache
def _validate(skill_md: str, folder_name: str) -> tuple[str, ...]:
    """skills-ref reads only SKILL.md and the folder's name, so equal inputs give equal
    answers: validate each distinct (SKILL.md, name) once."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / folder_name
        folder.mkdir()
        (folder / "SKILL.md").write_text(skill_md, encoding="utf-8")
        return tuple(str(p) for p in skills_ref.validate(folder))


def validate(folder: Path) -> tuple[str, ...]:
    return _validate((folder / "SKILL.md").read_text(encoding="utf-8"), folder.name)


@pytest.mark.parametrize("skill_dir", corpus_skill_dirs(), ids=corpus_id)
def test_compiles_for_every_harness_and_profile(skill_dir, tmp_path):
    # the folder name must equal the skill name for skills-ref; judge the input as written
    input_valid = not skills_ref.validate(skill_dir)
    backends = get_folder_backends()
    source = load_skill(skill_dir)
    for model in MODELS:
        compiled = source.clone()
        PassManager.from_spec(
            f"infer-capabilities,bind-profile{{target=bare-agent/{model}}},analyze-gaps,"
            "compile-capabilities,bind-env{probe=false}"
        ).run(compiled)
        for harness in HARNESSES:
            module = compiled.clone()
            PassManager.from_spec(  # the target is stated once, in the IR, by bind-profile
                f"bind-profile{{target={harness}/{model}}},extract-concurrency,lower-to-harness"
            ).run(module)  # verifies after each pass and checks lowering legality
            out = tmp_path / f"{model}-{harness}"
            (report,) = backends[harness]()(module, out, {"validate": False})
            problems = validate(out / report["skill_dir"])
            if input_valid:
                assert not problems, f"{harness}/{model}: {problems}"
