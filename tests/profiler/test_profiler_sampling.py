"""Adaptive sampling decisions on synthetic pass/fail streams, SkVM's fixed design, Wilson
intervals and budgets."""

from __future__ import annotations

import random

import pytest

from skillir.errors import SkillIRError
from skillir.profiler.runner import Budget
from skillir.profiler.sampling import Design, FixedDesign, Plan, wilson


def drive(plan: Plan, outcome) -> list[tuple[int, bool]]:
    """Run the plan against `outcome(level, n) -> bool`; the (level, passed) sequence."""
    seen: list[tuple[int, bool]] = []
    count = {1: 0, 2: 0, 3: 0}
    while (level := plan.next_level()) is not None:
        ok = outcome(level, count[level])
        count[level] += 1
        plan.record(level, ok)
        seen.append((level, ok))
        assert len(seen) <= 40
    return seen


def test_wilson_interval() -> None:
    lo, hi = wilson(3, 3)
    assert lo == pytest.approx(0.4385, abs=1e-4) and hi == 1.0
    lo, hi = wilson(0, 3)
    assert lo == 0.0 and hi == pytest.approx(0.5615, abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)
    lo, hi = wilson(5, 10)
    assert lo < 0.5 < hi and round(lo + hi, 6) == 1.0


def test_everything_passes_decides_l3_quickly_and_implies_l1_l2() -> None:
    plan = Plan(Design())
    seen = drive(plan, lambda lv, n: True)
    assert plan.level() == 3
    assert len(seen) <= 4  # SkVM: 9
    verdicts = plan.level_verdicts()
    assert all(verdicts[lv]["passed"] for lv in (1, 2, 3))
    implied = [lv for lv in (1, 2, 3) if verdicts[lv]["status"] == "implied"]
    assert implied, verdicts  # at least one lower level confirmed without a run of its own
    assert verdicts[3]["status"] == "measured"


def test_failing_l1_skips_l2_and_l3() -> None:
    plan = Plan(Design())
    plan.record(1, False)
    plan.record(1, False)
    assert plan.next_level() is None  # two L1 failures decide L0: L2 and L3 never run
    assert plan.level() == 0
    verdicts = plan.level_verdicts()
    for lv in (2, 3):
        assert plan.stats[lv].runs == 0
        assert verdicts[lv] == {"passed": False, "status": "implied", "passCount": 0,
                                "totalCount": 0, "passRate": None, "interval": [0.0, 1.0]}


def test_a_model_that_fails_everything_costs_three_runs() -> None:
    plan = Plan(Design())
    seen = drive(plan, lambda lv, n: False)
    assert plan.level() == 0
    assert len(seen) == 3  # SkVM: 9


@pytest.mark.parametrize("k", [0, 1, 2, 3])
def test_clean_streams_find_the_level(k: int) -> None:
    plan = Plan(Design())
    drive(plan, lambda lv, n: lv <= k)
    assert plan.level() == k
    assert plan.runs <= 6
    assert plan.confidence is not None and plan.confidence >= Design().stop


@pytest.mark.parametrize("slip", [1, 2])
def test_one_slip_at_the_level_does_not_drop_it(slip: int) -> None:
    # a level-2 model whose L2 instance number `slip` fails by bad luck (SkVM's 3-of-3
    # would record L1); a slip on the very first L2 instance still costs the level
    plan = Plan(Design())
    drive(plan, lambda lv, n: lv <= 2 and not (lv == 2 and n == slip))
    assert plan.level() == 2
    assert plan.stats[2].passed < plan.stats[2].runs


def test_inversion_is_detected_and_retested() -> None:
    # a model that passes L3 and fails L2 every time: an inversion of the hierarchy
    plan2 = Plan(Design(cap=9, retest=2))
    for lv, ok in [(2, False), (2, False), (3, True), (3, True)]:
        plan2.record(lv, ok)
    assert plan2.inversion() == (2, 3)
    nxt = []
    while (lv := plan2.next_level()) is not None:
        nxt.append(lv)
        plan2.record(lv, lv == 3)
    assert plan2.retests == [(2, 3)]
    assert nxt.count(2) >= 2 and nxt.count(3) >= 2  # re-tested both levels
    note = plan2.note()
    assert note is not None and "inversion" in note and "remains" in note
    assert plan2.level() in (0, 1, 2, 3)


def test_cap_bounds_a_coin_flip_model() -> None:
    rng = random.Random(3)
    plan = Plan(Design(cap=9, retest=0))
    seen = drive(plan, lambda lv, n: rng.random() < 0.5)
    assert len(seen) <= 9


def test_fixed_design_is_skvm_3_of_3() -> None:
    plan = Plan(FixedDesign())
    seen = drive(plan, lambda lv, n: not (lv == 2 and n == 1))  # L2: 2 of 3
    assert len(seen) == 9 and [lv for lv, _ in seen] == [1, 1, 1, 2, 2, 2, 3, 3, 3]
    assert plan.level() == 3  # SkVM: the highest passing level even though L2 failed
    assert plan.inversion() is None  # majority at L2 passed (2/3)
    verdicts = plan.level_verdicts()
    assert [verdicts[lv]["passed"] for lv in (1, 2, 3)] == [True, False, True]


def test_adaptive_uses_fewer_runs_than_fixed_on_average() -> None:
    rng = random.Random(11)
    totals = {"adaptive": 0, "fixed": 0}
    for _ in range(200):
        k = rng.randint(0, 3)
        for name, design in (("adaptive", Design()), ("fixed", FixedDesign())):
            plan = Plan(design)
            drive(plan, lambda lv, n, k=k: rng.random() < (0.95 if lv <= k else 0.4))
            totals[name] += plan.runs
    assert totals["fixed"] == 200 * 9
    assert totals["adaptive"] <= 0.55 * totals["fixed"]


@pytest.mark.parametrize(("text", "runs", "tokens"), [
    ("120", 120, None), ("40 runs", 40, None), ("500k tokens", None, 500_000),
    ("2M tokens", None, 2_000_000), ("900tok", None, 900), (None, None, None)])
def test_budget_parse(text, runs, tokens) -> None:
    b = Budget.parse(text)
    assert (b.runs, b.tokens) == (runs, tokens)


@pytest.mark.parametrize("text", ["0", "-5", "lots", "5 apples", "k tokens"])
def test_bad_budget_is_one_line_error(text) -> None:
    with pytest.raises(SkillIRError, match="bad --budget"):
        Budget.parse(text)
