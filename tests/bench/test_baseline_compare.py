"""benchmarks/baseline.py (speed against an earlier commit on the same machine): the probe
runs in this checkout and reports every figure; the summary takes each round's ratio. No
timing is asserted (timed figures belong to `make bench`)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from corpus_paths import ROOT, corpus_skill_dirs


def _module(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not corpus_skill_dirs(), reason="the shared corpus is not there")
def test_probe_reports_every_figure_for_this_checkout(tmp_path):
    skills = corpus_skill_dirs()[:2]
    listing = tmp_path / "skills.txt"
    listing.write_text("".join(f"{s}\n" for s in skills))
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "baseline_probe.py"), "--skills", str(listing),
                           "--census", str(listing), "--repeats", "1", "--figures", "filed,default"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["layout"] == "layered" and result["skills"] == 2 and result["failed"] == 0
    for figure in ("filed_release_ms", "compile_first_ms", "compile_repeat_ms", "load_verify_ms", "census_per_s",
                   "census_with_security_per_s", "work_floor_ms"):
        assert result[figure] > 0, figure


def test_summary_takes_the_ratio_within_each_round():
    baseline = _module("baseline")
    rounds = [  # the machine runs twice as slow in the second round: the ratio stays
        {"base": {"compile_repeat_ms": 20.0, "compile_first_ms": 24.0}, "head": {"compile_repeat_ms": 10.0,
                                                                                  "compile_first_ms": 18.0}},
        {"base": {"compile_repeat_ms": 40.0, "compile_first_ms": 48.0}, "head": {"compile_repeat_ms": 22.0,
                                                                                  "compile_first_ms": 36.0}},
        {"base": {"compile_repeat_ms": 30.0, "compile_first_ms": 36.0}, "head": {"compile_repeat_ms": 15.0,
                                                                                  "compile_first_ms": 27.0}},
    ]
    out = baseline.summarize(rounds, baseline.DEFAULT_REF)
    assert out["head_over_base"]["compile_repeat_ms"] == {"median": 0.5, "low": 0.5, "high": 0.55}
    assert out["head_over_base"]["compile_first_ms"] == {"median": 0.75, "low": 0.75, "high": 0.75}
    assert out["median"]["base"]["compile_repeat_ms"] == 30.0 and out["median"]["head"]["compile_repeat_ms"] == 15.0
    # the 12-15 ms, scaled by the lowest and highest round ratio
    assert out["on_the_issue_machine_ms"] == {}  # the issue quoted only its own benchmark
    rounds[0]["base"]["filed_release_ms"], rounds[0]["head"]["filed_release_ms"] = 13.0, 10.4
    rounds[1]["base"]["filed_release_ms"], rounds[1]["head"]["filed_release_ms"] = 26.0, 23.4
    out = baseline.summarize(rounds, baseline.DEFAULT_REF)
    assert out["head_over_base"]["filed_release_ms"] == {"median": 0.85, "low": 0.8, "high": 0.9}
    # the 12-15 ms, scaled by the lowest and highest round ratio
    assert out["on_the_issue_machine_ms"] == {"filed_release_ms": [9.6, 13.5]}
    assert "on_the_issue_machine_ms" not in baseline.summarize(rounds, "abc1234")


@pytest.mark.skipif(not corpus_skill_dirs(), reason="the shared corpus is not there")
def test_served_probe_times_one_item_per_line(tmp_path):
    """`--serve` (what `baseline.py --interleaved` runs on each side): one line of seconds
    per item read (a harness and a skill, or the census path on a skill), "nan" for a
    skill that does not compile, and the probe goes on."""
    skill = corpus_skill_dirs()[0]
    lines = (f"codex {skill}\nbare-agent {tmp_path / 'no-such-skill'}\nhermes {skill}\n"
             f"census {skill}\ncensus-security {skill}\n")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "baseline_probe.py"), "--serve"], input=lines,
                          cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    first, missing, last, census, census_security = (float(x) for x in done.stdout.split())
    assert first > 0 and last > 0 and missing != missing  # nan
    assert census > 0 and census_security > 0
