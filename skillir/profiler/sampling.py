"""Adaptive sampling: how many instances of which level to run before a primitive's level
is decided.

SkVM runs 3 fresh instances at each of L1, L2, L3 (9 runs a primitive) and calls a level
passed when all 3 pass; the highest passed level wins even when a lower one failed. Here a
primitive is one sequential test over the four hypotheses "the model's level is k"
(k = 0..3), with the level hierarchy built in (monotonicity):

    P(an instance at level L passes | level k) = p_hi                      if L <= k
                                                 p_lo * p_lo2 ** (L-k-1)   if L > k

(`Design`; defaults p_hi 0.9, p_lo 0.45, p_lo2 0.5: the odds halve with each further
missing level, the assumption simulation.json states for SkVM's profiles; the values were
chosen on a tuning set of simulated models and reported on another, see
benchmarks/test_bench_profiler.py). After each result the posterior over
k is updated by Bayes' rule (a multi-hypothesis sequential probability ratio test). The
next level to run is the one whose outcome is expected to shrink the posterior's entropy
most; sampling stops when one k holds `stop` (0.75) of the posterior or the primitive has
used `cap` runs (9, SkVM's count), and the primitive's level is the most probable k.

What this does to levels (the skipping rules, all consequences of the one test):

- fail L1 -> L2 and L3 are not run: a failure at L1 is evidence against every k >= 1, so
  k = 0 wins without running the levels above;
- pass L3 quickly -> L1 and L2 are confirmed with fewer runs (usually none): a pass at L3 is
  evidence for k = 3 only, and the levels below are *implied* (marked so in the profile);
- a level is *measured* when instances of it ran, *implied* when its verdict follows from
  the decided level without any run of its own.

Inversions (a higher level passed, a lower one failed, each judged on its own runs by a
majority of at least two runs): the primitive is re-tested with `retest` more instances
at each of the two levels (once), and the result goes into the same posterior; if the
inversion remains it is reported in the primitive's `calibrationNote`.

Per-level pass rates are reported with a Wilson score interval (95%).

`FixedDesign` is SkVM's: `instances` per level, all must pass, highest passing level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

LEVELS = (1, 2, 3)
Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a pass rate (0, 1) for no runs."""
    if n <= 0:
        return 0.0, 1.0
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == n else min(1.0, centre + half)
    return lo, hi


@dataclass(frozen=True)
class Design:
    """The adaptive design's parameters (see the module docstring)."""

    p_hi: float = 0.9
    p_lo: float = 0.45
    p_lo2: float = 0.5
    stop: float = 0.75
    cap: int = 9
    retest: int = 2
    prior: tuple[float, float, float, float] = (0.25, 0.25, 0.25, 0.25)

    def likelihood(self, k: int, level: int, passed: bool) -> float:
        gap = level - k
        p = self.p_hi if gap <= 0 else (self.p_lo if gap == 1 else self.p_lo2 ** (gap - 1)
                                         * self.p_lo)
        return p if passed else 1.0 - p

    def to_json(self) -> dict[str, Any]:
        return {"kind": "adaptive", "p_hi": self.p_hi, "p_lo": self.p_lo,
                "p_lo2": self.p_lo2, "stop": self.stop, "cap": self.cap,
                "retest": self.retest, "prior": list(self.prior)}


@dataclass(frozen=True)
class FixedDesign:
    """SkVM's design: `instances` per level, a level passes when all pass."""

    instances: int = 3

    def to_json(self) -> dict[str, Any]:
        return {"kind": "fixed", "instances": self.instances}


def _entropy(weights: list[float]) -> float:
    total = sum(weights)
    if total <= 0:
        return 0.0
    return -sum(w / total * math.log(w / total) for w in weights if w > 0)


@dataclass
class LevelStats:
    level: int
    passed: int = 0
    runs: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.runs if self.runs else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.passed, self.runs)

    def majority(self) -> bool | None:
        """The level's own verdict: None with fewer than two runs."""
        if self.runs < 2:
            return None
        return self.passed * 2 > self.runs


@dataclass
class Plan:
    """The sampling state of one primitive: feed results with `record`, ask `next_level`."""

    design: Design | FixedDesign = field(default_factory=Design)
    stats: dict[int, LevelStats] = field(default_factory=lambda: {lv: LevelStats(lv)
                                                                  for lv in LEVELS})
    posterior: list[float] = field(default_factory=list)
    retests: list[tuple[int, int]] = field(default_factory=list)
    _pending_retest: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.posterior and isinstance(self.design, Design):
            total = sum(self.design.prior)
            self.posterior = [p / total for p in self.design.prior]

    @property
    def runs(self) -> int:
        return sum(s.runs for s in self.stats.values())

    def record(self, level: int, passed: bool) -> None:
        st = self.stats[level]
        st.runs += 1
        st.passed += bool(passed)
        if self._pending_retest.get(level, 0) > 0:
            self._pending_retest[level] -= 1
        if isinstance(self.design, Design):
            post = [p * self.design.likelihood(k, level, passed)
                    for k, p in enumerate(self.posterior)]
            total = sum(post) or 1.0
            self.posterior = [p / total for p in post]

    # -- decisions -------------------------------------------------------------------
    def inversion(self) -> tuple[int, int] | None:
        """(lower, higher) levels whose own runs disagree with the hierarchy."""
        for low in LEVELS:
            for high in LEVELS:
                if high > low and self.stats[low].majority() is False \
                        and self.stats[high].majority() is True:
                    return low, high
        return None

    def next_level(self) -> int | None:
        """The level to run next, or None when the primitive is decided."""
        if isinstance(self.design, FixedDesign):
            for lv in LEVELS:
                if self.stats[lv].runs < self.design.instances:
                    return lv
            return None
        d = self.design
        for lv in LEVELS:
            if self._pending_retest.get(lv, 0) > 0:
                return lv
        if self.runs >= d.cap + (d.retest * 2 if self.retests else 0):
            return None
        if max(self.posterior) >= d.stop:
            inv = self.inversion()
            if inv is not None and inv not in self.retests and d.retest > 0:
                self.retests.append(inv)
                self._pending_retest = {inv[0]: d.retest, inv[1]: d.retest}
                return inv[0]
            return None
        if self.runs >= d.cap:
            return None
        best: tuple[float, int] | None = None
        for lv in LEVELS:
            yes = [p * d.likelihood(k, lv, True) for k, p in enumerate(self.posterior)]
            no = [p * d.likelihood(k, lv, False) for k, p in enumerate(self.posterior)]
            p_yes = sum(yes)
            expected = p_yes * _entropy(yes) + (1 - p_yes) * _entropy(no)
            if best is None or expected < best[0] - 1e-12:
                best = (expected, lv)
        assert best is not None
        return best[1]

    def level(self) -> int:
        """The decided level (the most probable k; SkVM: the highest level passed)."""
        if isinstance(self.design, FixedDesign):
            top = 0
            for lv in LEVELS:
                st = self.stats[lv]
                if st.runs and st.passed == st.runs:
                    top = lv
            return top
        return max(range(4), key=lambda k: (self.posterior[k], -k))

    @property
    def confidence(self) -> float | None:
        return max(self.posterior) if self.posterior else None

    def level_verdicts(self) -> dict[int, dict[str, Any]]:
        """Per level: passed, how it was decided (measured | implied), rate, interval."""
        top = self.level()
        out: dict[int, dict[str, Any]] = {}
        for lv in LEVELS:
            st = self.stats[lv]
            if isinstance(self.design, FixedDesign):
                passed = bool(st.runs) and st.passed == st.runs
            else:
                passed = lv <= top
            lo, hi = st.interval
            out[lv] = {"passed": passed, "status": "measured" if st.runs else "implied",
                       "passCount": st.passed, "totalCount": st.runs,
                       "passRate": None if st.rate is None else round(st.rate, 4),
                       "interval": [round(lo, 4), round(hi, 4)]}
        return out

    def note(self) -> str | None:
        inv = self.inversion()
        parts = []
        for low, high in self.retests:
            parts.append(f"inversion L{high} passed / L{low} failed: re-tested with "
                         f"{getattr(self.design, 'retest', 0)} more instances each")
        if inv is not None:
            low, high = inv
            parts.append(f"inversion remains: L{high} {self.stats[high].passed}/"
                         f"{self.stats[high].runs} passed, L{low} {self.stats[low].passed}/"
                         f"{self.stats[low].runs}; the level is the most probable one under "
                         "the level hierarchy")
        return "; ".join(parts) or None
