"""Gap analysis (pure): a required level above what the profile supplies.

As in the paper (PAPER_NOTES (d), pass 1 step 2): for each required primitive the
model's level comes from the profile, a missing key counting as L0; a gap is
`missing` when that level is 0 and `weak` otherwise. SkVM's unused
`filterCompensableGaps` (dropping one-level weak gaps) is not applied either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Gap:
    prim: str
    required: int
    available: int
    measured: bool

    @property
    def kind(self) -> str:
        return "missing" if self.available == 0 else "weak"

    @property
    def size(self) -> int:
        return self.required - self.available


def find_gap(prim: str, required: int, levels: Mapping[str, int]) -> Gap | None:
    """The gap for one requirement against a profile's levels, or None."""
    available = levels.get(prim)
    measured = available is not None
    available = available or 0
    if required <= available:
        return None
    return Gap(prim, required, available, measured)


def find_gaps(required: Mapping[str, int], levels: Mapping[str, int]) -> list[Gap]:
    """Every gap of a requirement vector against a profile."""
    return [g for pid, lvl in required.items() if (g := find_gap(pid, lvl, levels)) is not None]
