"""`analyze-gaps`: compare every requirement with the bound profile.

Pure computation, as in the paper: a gap is a required level above the profile's
level for that primitive (primitives the profile does not list count as L0 and are
marked `unmeasured`); it is `missing` when the profile says L0 and `weak`
otherwise. Each gap is a `cap.gap` right after its `cap.require`. Needs
`bind-profile` first; running it again adds nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr, UnitAttr
from xdsl.ir import Attribute
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.capability.query import enclosing_skill, ops_of_type, profile_op
from skillir.dialects.cap import GapOp, RequireOp, i64_attr
from skillir.dialects.skill import SkillOp
from skillir.errors import SkillIRError
from skillir.profiles.gaps import find_gap

_KINDS = {"missing": StringAttr("missing"), "weak": StringAttr("weak")}


class AddGap(RewritePattern):
    """Put a `cap.gap` after a requirement that the skill's profile does not meet."""

    def __init__(self) -> None:
        self._levels: dict[int, dict[str, int]] = {}
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
        props: dict[str, Attribute] = {
            "prim": op.prim,
            "available": i64_attr(gap.available),
            "kind": _KINDS[gap.kind],
        }
        if not gap.measured:
            props["unmeasured"] = UnitAttr()
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
            rewriter = PatternRewriter(skill)
            for req in reqs:
                pattern.match_and_rewrite(req, rewriter)
            pattern.current = None
