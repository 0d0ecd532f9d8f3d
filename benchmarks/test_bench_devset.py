"""Scores of the analyses on the hand-labelled development set (issue 12): requirements,
levels, artifacts, parallel groups and dependencies, on the TUNE and HELDOUT splits, the
fresh sets (when recreated), in-sample, and how far two labellers agree, written to benchmarks/results/devset_scores.json. A report, not a
timed test; the one benchmark times the analyses together per skill.

    .venv/bin/python benchmarks/devset/recreate.py     # once: the skills (git-ignored)
    .venv/bin/pytest benchmarks/test_bench_devset.py -s
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "devset"))

import agreement  # noqa: E402
import score  # noqa: E402

from skillir.atomic import write_text_atomic  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "devset_scores.json"
SKILLS = score.available(score.load_labels())
needs_skills = pytest.mark.skipif(not SKILLS, reason="devset skills not recreated (benchmarks/devset/recreate.py)")


@needs_skills
def test_devset_scores_written():
    result = {split: score.score_devset(split, repeats=3) for split in ("tune", "heldout", "all")}
    for fresh in score._FRESH:  # the later labellers' sets (see the devset README)
        if score.available(score.load_labels(fresh), score.skills_dir(fresh)):
            result[fresh] = score.score_devset(fresh, repeats=3)
            score._print(fresh.upper(), result[fresh])
    result["in_sample"] = score.score_in_sample()
    # how far two labellers agree on the skills labelled twice: the ceiling for the above
    result["agreement_fresh8"] = agreement.agreement(score.load_labels("fresh8"),
                                                     agreement._load("labels_fresh8_second.json"))
    for split in ("tune", "heldout", "all"):
        score._print(split.upper(), result[split])
        assert result[split]["skills"] == sum(
            split in ("all", score.split_of(score.load_labels())[s["repo"]]) for s in SKILLS)
    score._print("IN-SAMPLE", result["in_sample"])
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(RESULTS, json.dumps(result, indent=1, sort_keys=True) + "\n")
    assert json.loads(RESULTS.read_text())["all"]["skills"] == len(SKILLS)


def test_split_is_by_repository_and_deterministic():
    labels = score.load_labels()
    split = score.split_of(labels)
    assert split == score.split_of(list(reversed(labels)))
    repos = sorted(split)
    assert [split[r] for r in repos[:3]] == ["tune", "tune", "heldout"]
    assert 0 < sum(v == "heldout" for v in split.values()) < len(split)


def test_step_numbering_follows_the_labels_convention():
    text = ("---\nname: x\n---\n# T\n1. a\n2. b\n```\n3. not a step\n```\n### Step 3: go\n"
            "Do it.\n### Notes\n- x\n10) c\n")
    counted, headings = score.step_markers(text)
    assert counted == {5: 1, 6: 2, 10: 3, 14: 4}
    assert headings == [(4, None), (10, 3), (12, None)]


@needs_skills
@pytest.mark.parametrize("skill_id", [s["id"] for s in SKILLS[::7]])
def test_bench_devset_analyses(benchmark, skill_id):
    folder = score.SKILLS / skill_id
    found = benchmark(score.analyse, folder)
    assert found.ms > 0


def test_two_labellings_agree_with_themselves_and_differ_from_each_other():
    """agreement.py scores one labelling against another with score.py's matching: a
    labelling against itself is perfect; the two fresh8 labellings are not."""
    first = score.load_labels("fresh8")
    same = agreement.agreement(first, first)
    assert same["skills"] == len(first)
    assert same["requirements"]["precision"] == same["requirements"]["recall"] == 1.0
    second = agreement._load("labels_fresh8_second.json")
    both = agreement.agreement(first, second)
    assert both["skills"] == len(second) == 12
    assert 0.5 < both["requirements"]["precision"] < 1.0 and 0.5 < both["requirements"]["recall"] < 1.0
