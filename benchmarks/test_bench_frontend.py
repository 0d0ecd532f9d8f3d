"""Frontend speed: load + verify per corpus skill (target: median <= 3 ms in-process),
and `skill-opt --version` as a whole process (target <= 0.4 s)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from corpus_paths import corpus_id, corpus_skill_dirs
from skillir.frontend.skill_md import load_skill

SKILLS = corpus_skill_dirs()


@pytest.mark.benchmark(group="frontend: load+verify per skill")
@pytest.mark.parametrize("skill_dir", SKILLS, ids=corpus_id)
def test_load_and_verify(benchmark, skill_dir):
    load_skill(skill_dir)  # warm caches (imports, word lists) outside the timing

    def run():
        load_skill(skill_dir).verify()

    benchmark.pedantic(run, rounds=7, iterations=1, warmup_rounds=1)


@pytest.mark.benchmark(group="process: skill-opt --version")
def test_skill_opt_version_process(benchmark):
    exe = str(Path(sys.executable).with_name("skill-opt"))

    def run():
        subprocess.run([exe, "--version"], check=True, capture_output=True)

    benchmark.pedantic(run, rounds=10, iterations=1, warmup_rounds=1)
