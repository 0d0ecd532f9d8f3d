"""The full pipeline including emission, per skill per harness over the corpus
(target: median <= 10 ms, the anchor being SkCC's "under 10 ms per compilation").

Timed: load SKILL.md, infer-capabilities, bind-profile, analyze-gaps,
compile-capabilities, bind-env (probe off: the probe runs commands on this machine and
is environment I/O, not compilation), extract-concurrency, lower-to-harness, and writing
the harness folder (SKILL.md, bundled files, env-setup.sh, workflow-dag.md,
compile-report.json with token counts). skills-ref validation is off here and measured
on its own. Two configurations:

- release: one verification at the end (what a build system would run);
- verify-each: verification after every pass (skill-opt's default, like mlir-opt).
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

import pytest

from corpus_paths import corpus_id, corpus_skill_dirs
from skillir.backends import get_folder_backends
from skillir.emit.validate import validate_skill_folder
from skillir.frontend.skill_md import load_skill
from skillir.pipeline import PassManager, stage_pipeline, verify_module

SKILLS = corpus_skill_dirs()
HARNESSES = ["bare-agent", "claude-code", "codex", "opencode", "openclaw", "hermes"]
MODEL = "qwen3.5-9b"


def _pipeline(harness: str, verify_each: bool) -> PassManager:
    spec = stage_pipeline("harness", f"{harness}/{MODEL}").replace("bind-env", "bind-env{probe=false}")
    return PassManager.from_spec(spec, verify_each=verify_each)


def _compile(skill_dir: Path, harness: str, manager: PassManager, out_root: Path, verify_each: bool):
    backend = get_folder_backends()[harness]()
    counter = iter(range(1_000_000))

    def run():
        module = load_skill(skill_dir)
        manager.run(module)
        if not verify_each:
            verify_module(module)
        backend(module, out_root / str(next(counter)), {"validate": False})

    return run


@pytest.fixture(autouse=True)
def _quiet():
    logging.disable(logging.WARNING)  # profile fallback warnings, once per compile
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.benchmark(group="harness: full pipeline + emission (release), per skill per harness")
@pytest.mark.parametrize("harness", HARNESSES)
@pytest.mark.parametrize("skill_dir", SKILLS, ids=corpus_id)
def test_compile_release(benchmark, skill_dir, harness, tmp_path):
    run = _compile(skill_dir, harness, _pipeline(harness, False), tmp_path, False)
    run()  # warm: imports, tokenizer, caches
    benchmark.pedantic(run, rounds=3, iterations=1)


@pytest.mark.benchmark(group="harness: full pipeline + emission (verify-each), per skill, bare-agent")
@pytest.mark.parametrize("skill_dir", SKILLS, ids=corpus_id)
def test_compile_verify_each(benchmark, skill_dir, tmp_path):
    run = _compile(skill_dir, "bare-agent", _pipeline("bare-agent", True), tmp_path, True)
    run()
    benchmark.pedantic(run, rounds=3, iterations=1)


@pytest.mark.benchmark(group="harness: skills-ref validation of one emitted folder")
@pytest.mark.parametrize("skill_dir", SKILLS[::8], ids=corpus_id)
def test_skills_ref_validation(benchmark, skill_dir):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / skill_dir.name
        folder.mkdir()
        (folder / "SKILL.md").write_bytes((skill_dir / "SKILL.md").read_bytes())
        benchmark.pedantic(lambda: validate_skill_folder(folder), rounds=3, iterations=1)
