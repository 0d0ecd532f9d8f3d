"""`bind-profile{target=harness/model}`: say which target the skill is compiled for.

Resolves the target to a capability profile (`skillir.profiles.store`: the user's
store — `profiles-dir`, else $SKILLIR_PROFILES, else ~/.skillir/profiles — then the
profiles shipped with SkillIR; or `target` may be a profile file) and puts one
`cap.profile` at the top of each skill, replacing any earlier one. When the harness
has no profile of that model, the model's profile from another harness stands in:
the pass logs a warning saying which, and the op keeps it in `fallback`. An unknown
model is an error that lists the profiles there are.

The target itself is written once, as `harness.target = #harness.target<"H", "M">` on
each `skill.skill`; `extract-concurrency` and `lower-to-harness` read it from there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, ModuleOp, StringAttr, UnitAttr
from xdsl.ir import Attribute
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.dialects.cap import ProfileOp, prim
from skillir.dialects.harness import TARGET_ATTR, TargetAttr
from skillir.dialects.skill import FrontmatterOp, SkillOp, region_ops
from skillir.errors import SkillIRError
from skillir.profiles.catalog import catalog
from skillir.profiles.profile import Profile
from skillir.profiles.store import ProfileStore, Resolution, looks_like_path, resolve_target
from skillir.target import ModelId, Target


def profile_op_for(found: Resolution) -> ProfileOp:
    """The `cap.profile` op describing a resolved profile."""
    return ProfileOp.create(properties=dict(_profile_properties(found)))


def _profile_properties(found: Resolution) -> dict[str, Attribute]:
    key = (id(found.profile), found.warning)
    cached = _PROPS.get(key)
    if cached is not None and cached[0] is found.profile:
        return cached[1]
    props = _build_properties(found)
    if len(_PROPS) > 64:
        _PROPS.clear()
    _PROPS[key] = (found.profile, props)
    return props


_PROPS: dict[tuple[int, str | None], tuple[object, dict[str, Attribute]]] = {}


def _build_properties(found: Resolution) -> dict[str, Attribute]:
    profile = found.profile
    order = {pid: i for i, pid in enumerate(catalog().ids)}
    levels = sorted(profile.capabilities.items(), key=lambda kv: order.get(kv[0], 99))
    props: dict[str, Attribute] = {
        "model": StringAttr(profile.model),
        "harness": StringAttr(profile.harness),
        "source": StringAttr(profile.source or "unknown"),
        "date": StringAttr(profile.date or profile.profiled_at[:10] or "undated"),
        "capabilities": ArrayAttr([prim(pid, level) for pid, level in levels]),
    }
    if profile.path:
        props["path"] = StringAttr(profile.path)
    if found.warning:
        props["fallback"] = StringAttr(found.warning)
    if profile.synthetic:
        props["synthetic"] = UnitAttr()
    return props


UNKNOWN_LEVEL = {"default": 1, "capable": 3, "gap": None}
"""`bind-profile{unknown=...}`: the level assumed for a primitive the profile did not
measure (*unknown*, which is not L0): `default` the catalog's base level L1 (so an
unmeasured primitive is never a false "missing" gap), `capable` L3, `gap` none (SkVM's
rule: it counts as L0, every requirement on it a missing gap). The assumed levels are
written into the `cap.profile`'s capabilities and the unknown primitives listed in its
discardable attribute `unknown`, which `analyze-gaps` and the report read."""
UNKNOWN_ATTR = "unknown"


def assume_unknown(found: Resolution, policy: str) -> tuple[Resolution, ArrayAttr]:
    """The resolution with the policy's level for each unmeasured catalog primitive,
    and the list of those primitives."""
    profile, unknown = _assumed(found.profile, policy)
    if profile is not found.profile:
        found = replace(found, profile=profile)
    return found, unknown


def _assumed(profile: Profile, policy: str) -> tuple[Profile, ArrayAttr]:
    """The profile with the policy's levels filled in, and its unknown primitives.

    Kept per profile object, like `_PROPS` (so a compile of the same target reuses the
    same filled profile and finds its `cap.profile` properties there too): the objects
    are the shipped profiles, read once, and the user's files, which `read_profile`
    reads again when a file's inode, size or mtime changed (a new object, a new entry
    here). Profiles are frozen; the entry keeps its profile, so an id is never reused
    while it is here."""
    key = (id(profile), policy)
    cached = _ASSUMED.get(key)
    if cached is not None and cached[0] is profile:
        return cached[1]
    unknown = profile.unknown()
    level = UNKNOWN_LEVEL[policy]
    filled = profile
    if unknown and level is not None:
        filled = replace(profile, capabilities={**profile.capabilities, **dict.fromkeys(unknown, level)})
    result = (filled, ArrayAttr([StringAttr(pid) for pid in unknown]))
    if len(_ASSUMED) > 64:
        _ASSUMED.clear()
    _ASSUMED[key] = (profile, result)
    return result


_ASSUMED: dict[tuple[int, str], tuple[Profile, tuple[Profile, ArrayAttr]]] = {}


class BindSkillProfile(RewritePattern):
    """Replace a skill's `cap.profile` with the resolved one and write the target on the skill."""

    def __init__(self, found: Resolution, target: Target, unknown: str = "default"):
        self.found, self.unknown = assume_unknown(found, unknown)
        self.target = TargetAttr.of(target)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SkillOp, rewriter: PatternRewriter) -> None:
        after = None
        for item in region_ops(op.body):
            kind = type(item)  # exact types: an op class's isinstance is an ABC check
            if kind is ProfileOp:
                rewriter.erase(item)
            elif kind is FrontmatterOp:
                after = item
        new = profile_op_for(self.found)
        if self.unknown.data:
            new.attributes[UNKNOWN_ATTR] = self.unknown
        point = InsertPoint.after(after) if after is not None else InsertPoint.at_start(op.body.block)
        rewriter.insert(new, point)
        op.attributes[TARGET_ATTR] = self.target
        rewriter.notify_op_modified(op)


@dataclass(frozen=True)
class BindProfilePass(ModulePass):
    """Bind the target capability profile (harness/model, or a profile file) to each skill."""

    name = "bind-profile"

    target: str = ""
    """harness/model (e.g. bare-agent/qwen3.5-9b) or the path of a SkVM profile JSON file."""
    profiles_dir: str = ""
    """The user profile store to search first (default: $SKILLIR_PROFILES, else ~/.skillir/profiles)."""
    unknown: str = "default"
    """A primitive the profile did not measure: `default` (assume L1), `capable` (L3) or `gap` (L0)."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.unknown not in UNKNOWN_LEVEL:
            raise SkillIRError(f"bind-profile: unknown={self.unknown!r} is not a policy",
                               hint="write unknown=default, unknown=capable or unknown=gap")
        if not self.target:
            raise SkillIRError("bind-profile needs a target",
                               hint="write bind-profile{target=bare-agent/qwen3.5-9b} or target=PATH.json; "
                               "'skill-profile list' shows the profiles")
        store = ProfileStore(self.profiles_dir) if self.profiles_dir else None
        found = resolve_target(self.target, store=store, warn=True)
        if looks_like_path(self.target):  # a profile file: its own harness and model
            target = Target(found.profile.harness, found.profile.model)
        else:
            model_id = ModelId.parse(self.target, what="target", example="bare-agent/qwen3.5-9b")
            target = Target(model_id.prefix, model_id.name)
        pattern = BindSkillProfile(found, target, self.unknown)
        for skill in op.ops:
            if isinstance(skill, SkillOp):
                pattern.match_and_rewrite(skill, PatternRewriter(skill))
