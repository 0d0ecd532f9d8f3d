"""The hostile-input suite (tests/hostile_cases.py), every crafted case per category, with
the checks the report (benchmarks/hostile/report.py) makes: exit code, one-line message, no
traceback, nothing written outside the output, input unchanged, no temp files left, each
case bounded in time. A case with a known open finding must still show exactly that finding
(when it is fixed, drop its `known`)."""

from __future__ import annotations

import itertools

import pytest
from hostile_cases import (
    CATEGORIES,
    CLI_CASES,
    PROBES,
    CliCase,
    Outcome,
    Probe,
    check_cli,
    generated_front_matter_probes,
    run_probe,
)

from corpus_paths import corpus_skill_dirs


def _assert(outcome: Outcome, case: CliCase | Probe) -> None:
    if case.known:
        assert not outcome.clean and any(case.known in p for p in outcome.problems), outcome
    else:
        assert outcome.clean, outcome.problems


def test_every_category_has_crafted_cases():
    seen = {c.category for c in CLI_CASES} | {p.category for p in PROBES}
    assert seen == set(CATEGORIES)
    names = [(c.category, c.name) for c in [*CLI_CASES, *PROBES]]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CLI_CASES, ids=lambda c: f"{c.category}/{c.name}")
def test_cli_case(tmp_path, case: CliCase):
    _assert(check_cli(case, tmp_path), case)


@pytest.mark.parametrize("probe", PROBES, ids=lambda p: f"{p.category}/{p.name}")
def test_probe(tmp_path, probe: Probe):
    _assert(run_probe(probe, tmp_path), probe)


def test_generated_skill_mutations_sample(tmp_path):
    dirs = corpus_skill_dirs()[:30]
    if not dirs:
        pytest.skip("the shared corpus is not here")
    probes = list(itertools.islice(generated_front_matter_probes(dirs, count=12, seed=7), 12))
    outcomes = [run_probe(p, tmp_path / p.name) for p in probes]
    assert len(outcomes) == 12
    assert [o.problems for o in outcomes if not o.clean] == []


def test_a_probe_that_hangs_or_crashes_is_counted_not_fatal(tmp_path):
    import time

    hang = Probe("stores", "hang", lambda folder: time.sleep(1000))
    boom = Probe("stores", "boom", lambda folder: {}["missing"])
    slow = run_probe(hang, tmp_path / "h", timeout=1)
    crash = run_probe(boom, tmp_path / "b")
    assert not slow.clean and "hang" in slow.problems[0]
    assert not crash.clean and "internal error: KeyError" in crash.problems[0]
