"""`analyze-gaps`: compare every requirement with the bound profile.

Pure computation, as in the paper: a gap is a required level above the profile's
level for that primitive; it is `missing` when that level is L0 and `weak`
otherwise. A primitive the profile did not measure is *unknown*, not L0:
`bind-profile{unknown=default|capable|gap}` wrote the level it assumes (L1, L3, or
none: L0) and listed it in the profile op's `unknown` attribute; its gaps are marked
`unmeasured`. Each gap is a `cap.gap` right after its `cap.require`. Needs
`bind-profile` first; running it again adds nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, UnitAttr
from xdsl.ir import Attribute
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.capability.query import enclosing_skill, ops_of_type, profile_op
from skillir.dialects.cap import GapOp, ProfileOp, RequireOp, gap_kind, i64_attr
from skillir.dialects.skill import SkillOp
from skillir.errors import SkillIRError
from skillir.passes.bind_profile import UNKNOWN_ATTR
from skillir.profiles.gaps import find_gap


def _unknown_prims(profile: ProfileOp) -> frozenset[str]:
    """The primitives whose level `bind-profile{unknown=...}` assumed (none for
    hand-written IR that does not say)."""
    unknown = profile.attributes.get(UNKNOWN_ATTR)
    if not isinstance(unknown, ArrayAttr):
        return frozenset()
    return frozenset(e.data for e in unknown.data if isinstance(e, StringAttr))


class AddGap(RewritePattern):
    """Put a `cap.gap` after a requirement that the skill's profile does not meet."""

    def __init__(self) -> None:
        self._levels: dict[int, dict[str, int]] = {}
        self._unknown: dict[int, frozenset[str]] = {}
        self.unknown: frozenset[str] = frozenset()
        """The primitives the current skill's profile did not measure (levels assumed)."""
        self.current: dict[str, int] | None = None
        """The levels of the skill being processed (set by the pass)."""

    def profile_levels(self, skill: SkillOp) -> dict[str, int]:
        cached = self._levels.get(id(skill))
        if cached is None:
            op = profile_op(skill)
            if op is None:
                raise SkillIRError(
                    f"analyze-gaps: skill '{skill.skill_name}' has no bound profile",
                    hint="run bind-profile{target=harness/model} before analyze-gaps",
                )
            cached = self._levels[id(skill)] = op.levels()
            self._unknown[id(skill)] = _unknown_prims(op)
        return cached

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: RequireOp, rewriter: PatternRewriter) -> None:
        if op.unresolved is not None:
            return
        nxt = op.next_op
        if isinstance(nxt, GapOp) and nxt.prim.prim_id == op.prim.prim_id:
            return
        levels = self.current
        if levels is None:
            skill = enclosing_skill(op)
            if skill is None:
                return
            levels = self.profile_levels(skill)
        gap = find_gap(op.prim_id, op.level, levels)
        if gap is None:
            return
        if op.prim_id in self.unknown:  # a level bind-profile{unknown=...} assumed
            gap = replace(gap, measured=False)
        props: dict[str, Attribute] = {
            "prim": op.prim,
            "available": i64_attr(gap.available),
            "kind": gap_kind(gap.kind),
        }
        if not gap.measured:
            props["unmeasured"] = UnitAttr()
        props["rule"] = op.rule  # which rule found the requirement, for the report
        new = GapOp.create(properties=props)
        new.location = op.location
        rewriter.insert(new, InsertPoint.after(op))


@dataclass(frozen=True)
class AnalyzeGapsPass(ModulePass):
    """Mark every requirement above the bound profile as a gap (missing or weak)."""

    name = "analyze-gaps"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        pattern = AddGap()
        for skill in op.ops:
            if not isinstance(skill, SkillOp):
                continue
            reqs = ops_of_type(skill, RequireOp)
            if not reqs:
                continue
            pattern.current = pattern.profile_levels(skill)  # requirements need a profile
            pattern.unknown = pattern._unknown[id(skill)]
            rewriter = PatternRewriter(skill)
            for req in reqs:
                pattern.match_and_rewrite(req, rewriter)
            pattern.current = None
            pattern.unknown = frozenset()
