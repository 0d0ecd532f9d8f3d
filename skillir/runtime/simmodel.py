"""The behaviour model of the simulated provider (`sim/MODEL`): which primitives each step of
a task needs, how likely the profiled model is to get each step right, and the seeded draws
that decide it. Pure functions over data (parameters in `skillir/data/simulation.json`); the
provider (`skillir.runtime.providers.sim`) turns the decisions into real tool calls.

## Where the demands come from (first source that has any)

1. a compiled skill (`--compiled`): the requirements of the original skill (the frontend +
   `infer-capabilities` on the SKILL.md named by compile-report.json's `source`; the compiled
   SKILL.md when that file is gone, flagged approximate), each joined with the record
   compile-report.json's `transforms` holds for it (same step, primitive and level):
   compensated | substituted | decomposed | offloaded | unresolved;
2. an original skill (`--skill`): its inferred requirements, with no records;
3. the task's declared `"requirements": [{"step", "primitive", "level"}, ...]` in task.json.

The task's steps are the labels of its declared requirements, else the step labels of
`REFERENCE/actions.json`, else one step `task`. A skill's steps are mapped onto them: a skill
step goes to the task step whose declared primitives it shares most (ties and no overlap:
by position, skill step i of m to task step ceil(i*n/m) of n); requirements outside any skill
step (skill-wide, e.g. follow.procedure) go to the last task step. A task step no skill step
maps to keeps its declared requirements. Within a task step each primitive counts once: the
demand with the lowest phi governs.

## The success function

For a demand of primitive `p` at level `L` and the profile's level `a = profile.level(p)`
(unlisted = L0), with `g = max(0, L - a)`:

    open(g, a)       = gap_factor ** g * (missing_factor if g > 0 and a == 0 else 1)
    phi(no record)   = open(g, a)                       (also: unresolved — the gap stays)
    phi(compensated) = compensated_factor ** g_c * open(g_r, a)
    phi(decomposed)  = decomposed_factor ** g_c * open(g_r, a)
          where the record lowered the demand to L' (its `to`; else L-1 / a), g_r = max(0, L' - a)
          levels are still missing and g_c = g - g_r levels were closed by the transform
    phi(substituted) = substituted_factor * product of open(...) over the substitute path's
          demands (its `to`; within the compile target's profile, so usually 1)
    phi(offloaded)   = 1 and the demand is *solidified* when the model meets the record's
          `to` demands (tool.exec L1, tool.file.write L1: save and run the script); else the
          product of open(...) over them. A solidified demand solidifies every demand of its
          skill step (the script does that step's work).

    p(step) = 1                                 if every demand of the step is solidified
            = base * product of phi over the step's other demands (one per primitive)

Defaults (simulation.json): base 0.95, gap_factor 0.5, missing_factor 0.6,
compensated_factor 0.9, decomposed_factor 0.85, substituted_factor 0.9. Why (PAPER_NOTES (b),
(c), (d), (e), (g)):

- base 0.95: even strong models do not reach 100 on every task after SkVM (Figure 9: Opus 93
  on Parallel WC); one step in twenty slips with no capability gap.
- gap_factor 0.5 per missing level: a profile level is the highest level passed 3 of 3, so
  "an L(n+1) requirement cannot be satisfied by L(n) ability" — the next level up failed at
  least one of three instances (qwen3.5-35b-a3b passes 2/3 of SQL L2), and each further level
  halves the odds again; the paper's P3 case puts weaker models at 33-67% on a missing need.
- missing_factor 0.6: L0 means even L1 failed; SkVM separates missing from weak gaps and
  sends missing ones to substitution because nothing can be built on an absent ability.
- compensated_factor 0.9 per closed level: compensation makes the demanded behaviour
  explicit (examples, explicit instructions, firmer constraints) so the model's own level
  suffices, but it works from added text rather than native ability (AOT +88% on Qwen3-30B,
  yet not every cell reaches 100).
- decomposed_factor 0.85 per closed level: sub-steps within the model's level, but more of
  them, each a chance to slip.
- substituted_factor 0.9: the substitute path (e.g. pandas -> SQL) is within the profile, at
  a one-off cost for following a route the skill's own examples do not show.
- offloaded: a solidified script skips the model (paper §5.2.2, 19-50x faster) — no model
  variance at all.

Every factor is <= 1 and every transform's phi >= the open gap's, so with the same draws a
compiled skill never does worse than its original on the target it was compiled for, and a
profile that is at least as high everywhere never does worse than a lower one.

## Draws (common random numbers)

Step i succeeds when `u_i < p_i`, where `u_i` is a uniform number from SHA-256 of
(seed, task id, i, step label): the same for every model, skill and condition at that seed
(an instance's latent difficulty). Comparisons between profiles or between an original and a
compiled skill are therefore coupled seed by seed (lower variance, no flaky orderings) and
each run is reproducible. The failure mode of a failed step is drawn the same way from its
own stream, with weights chosen by the primitive with the lowest phi.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from skillir.datafiles import load_data, validate
from skillir.errors import SkillIRError

DATA_FILE = "simulation.json"
FAILURE_MODES = ("wrong_name", "partial_output", "malformed_format")
RECORD_KINDS = ("compensated", "substituted", "decomposed", "offloaded", "unresolved")
SKILL_WIDE = "skill-wide"


# ---------------------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class LatencyClass:
    ttft_s: float
    prefill_tokens_per_s: float
    output_tokens_per_s: float

    def seconds(self, input_tokens: int, output_tokens: int) -> float:
        return (self.ttft_s + input_tokens / self.prefill_tokens_per_s
                + output_tokens / self.output_tokens_per_s)


@dataclass(frozen=True)
class SimParams:
    """simulation.json, validated."""

    base: float
    gap_factor: float
    missing_factor: float
    compensated_factor: float
    decomposed_factor: float
    substituted_factor: float
    mode_default: Mapping[str, float]
    mode_by_primitive: tuple[tuple[str, Mapping[str, float]], ...]
    latency_classes: Mapping[str, LatencyClass]
    latency_models: tuple[tuple[str, str], ...]
    default_class: str
    message_overhead: int
    explore_files: int
    explore_max_bytes: int
    version: int = 1
    records_help: bool = True
    """False: the null setting. The compiler's records (compensated, substituted, decomposed,
    offloaded) change nothing: every demand is scored as if no transform touched it, so a
    compiled skill can only differ from its original through its text (its inferred
    demands and tokens). Figures are run under both settings so that no conclusion is
    built into the simulator."""

    def latency_class(self, model: str) -> tuple[str, LatencyClass]:
        name = model.lower().rsplit("/", 1)[-1]
        for prefix, cls in self.latency_models:
            if name.startswith(prefix):
                return cls, self.latency_classes[cls]
        return self.default_class, self.latency_classes[self.default_class]

    def mode_weights(self, primitive: str | None) -> Mapping[str, float]:
        if primitive:
            for prefix, weights in self.mode_by_primitive:
                if primitive.startswith(prefix):
                    return weights
        return self.mode_default

    def to_json(self) -> dict[str, Any]:
        return {"version": self.version, "base": self.base, "gap_factor": self.gap_factor,
                "missing_factor": self.missing_factor,
                "compensated_factor": self.compensated_factor,
                "decomposed_factor": self.decomposed_factor,
                "substituted_factor": self.substituted_factor,
                "records_help": self.records_help}


def _fail(where: str, problem: str) -> SkillIRError:
    return SkillIRError(f"$.{where}: {problem}",
                        path=f"skillir/data/{DATA_FILE}", hint="fix the data file (see its _about fields)")


def _weights(raw: Mapping[str, Any], where: str) -> Mapping[str, float]:
    out = {m: float(raw[m]) for m in FAILURE_MODES}
    if sum(out.values()) <= 0:
        raise _fail(where, "must not be all zero")
    return out


def parse_params(raw: Any, *, source: str = f"skillir/data/{DATA_FILE}") -> SimParams:
    """Validate simulation.json data against its schema
    (skillir/data/schemas/simulation.schema.json) and build the parameters."""
    validate(raw, "simulation", source=source)
    return build_params(raw)


def build_params(raw: dict[str, Any]) -> SimParams:
    """The parameters from schema-valid data; the rules that span fields (weights not
    all zero, latency classes named by default_class and the models exist) are checked here."""
    success, modes, latency = raw["success"], raw["failure_modes"], raw["latency"]
    by_prim = tuple((row["prefix"], _weights(row["weights"], f"failure_modes.by_primitive[{i}].weights"))
                    for i, row in enumerate(modes.get("by_primitive", ())))
    classes = {name: LatencyClass(float(spec["ttft_s"]), float(spec["prefill_tokens_per_s"]),
                                  float(spec["output_tokens_per_s"]))
               for name, spec in latency["classes"].items()}
    default_class = latency["default_class"]
    if default_class not in classes:
        raise _fail("latency.default_class", f"must name one of the classes, not {default_class!r}")
    models = []
    for i, row in enumerate(latency["models"]):
        if row["class"] not in classes:
            raise _fail(f"latency.models[{i}].class", f"must name one of the classes, not {row['class']!r}")
        models.append((row["prefix"].lower(), row["class"]))
    return SimParams(
        **{k: float(success[k]) for k in ("base", "gap_factor", "missing_factor", "compensated_factor",
                                          "decomposed_factor", "substituted_factor")},
        mode_default=_weights(modes["default"], "failure_modes.default"),
        mode_by_primitive=by_prim,
        latency_classes=classes, latency_models=tuple(models), default_class=default_class,
        message_overhead=raw["tokens"]["message_overhead"],
        explore_files=raw["agent"]["explore_files"],
        explore_max_bytes=raw["agent"]["explore_max_bytes"],
        version=raw.get("version", 1),
    )


@cache
def sim_params() -> SimParams:
    """The shipped parameters, loaded once (their schema is checked by the test suite)."""
    return build_params(load_data(DATA_FILE))


def null_params() -> SimParams:
    """The shipped parameters under the null setting (`records_help=False`)."""
    return dataclasses.replace(sim_params(), records_help=False)


# ---------------------------------------------------------------------------------------
# demands


@dataclass(frozen=True)
class Record:
    """How the compiler handled a requirement's gap (a compile-report.json transform)."""

    kind: str
    to: tuple[tuple[str, int], ...] = ()
    detail: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "to": [f"{p} L{lv}" for p, lv in self.to]}
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True)
class Need:
    """One demand: primitive at level, where it came from, and its compile record."""

    primitive: str
    level: int
    source: str
    """'compiled-skill', 'skill' or 'task'."""
    skill_step: int | None = None
    record: Record | None = None


@dataclass(frozen=True)
class Factor:
    need: Need
    available: int
    gap: int
    phi: float
    solid: bool
    note: str

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"primitive": self.need.primitive, "level": self.need.level,
                               "profile_level": self.available, "gap": self.gap,
                               "phi": round(self.phi, 6), "source": self.need.source,
                               "note": self.note}
        if self.need.skill_step is not None:
            out["skill_step"] = self.need.skill_step
        if self.need.record is not None:
            out["record"] = self.need.record.to_json()
        if self.solid:
            out["solidified"] = True
        return out


@dataclass(frozen=True)
class StepModel:
    """One task step: its demands, their factors and the success probability."""

    index: int
    label: str
    factors: tuple[Factor, ...]
    p: float
    solid: bool

    @property
    def weakest(self) -> Factor | None:
        live = [f for f in self.factors if not f.solid]
        return min(live, key=lambda f: f.phi) if live else None

    def to_json(self) -> dict[str, Any]:
        return {"step": self.label, "p": round(self.p, 6), "solidified": self.solid,
                "demands": [f.to_json() for f in self.factors]}


def open_gap(params: SimParams, gap: int, available: int) -> float:
    """The factor of a gap the skill leaves as it is."""
    if gap <= 0:
        return 1.0
    return params.gap_factor ** gap * (params.missing_factor if available == 0 else 1.0)


def phi(need: Need, profile: Any, params: SimParams) -> Factor:
    """The factor of one demand for a profile (see the module docstring)."""
    a = profile.level(need.primitive)
    gap = max(0, need.level - a)
    rec = need.record
    if rec is None or rec.kind == "unresolved" or not params.records_help:
        note = "no gap" if gap == 0 else (f"open gap of {gap}" + (
            " (unresolved by the compiler)" if rec is not None else "")
            + (" on a missing primitive" if a == 0 else ""))
        return Factor(need, a, gap, open_gap(params, gap, a), False, note)
    if rec.kind == "offloaded":
        missing = [(p, lv) for p, lv in rec.to if profile.level(p) < lv]
        if not missing:
            return Factor(need, a, gap, 1.0, True, "offloaded to a script the model can "
                          "save and run: solidified")
        value = math.prod(open_gap(params, lv - profile.level(p), profile.level(p))
                          for p, lv in missing)
        return Factor(need, a, gap, value, False, "offloaded, but the model cannot run the "
                      "script: " + ", ".join(f"{p} L{lv}" for p, lv in missing))
    if rec.kind == "substituted":
        value = params.substituted_factor * math.prod(
            open_gap(params, lv - profile.level(p), profile.level(p)) for p, lv in rec.to)
        return Factor(need, a, gap, value, False, "substituted by "
                      + (", ".join(f"{p} L{lv}" for p, lv in rec.to) or "another path"))
    # compensated / decomposed: the demand was lowered to `lowered`
    lowered = next((lv for p, lv in rec.to if p == need.primitive), None)
    if lowered is None:
        lowered = need.level - 1 if rec.kind == "compensated" else a
    rest = max(0, lowered - a)
    closed = max(0, gap - rest)
    per = params.compensated_factor if rec.kind == "compensated" else params.decomposed_factor
    value = per ** closed * open_gap(params, rest, a)
    note = f"{rec.kind}: {closed} level(s) closed" + (f", {rest} still open" if rest else "")
    return Factor(need, a, gap, value, False, note if gap else f"{rec.kind} (no gap here)")


def step_model(index: int, label: str, needs: Sequence[Need], profile: Any,
               params: SimParams) -> StepModel:
    factors = tuple(phi(n, profile, params) for n in needs)
    # a skill step with an offloaded demand the model can run is solidified as a whole:
    # the script does that step's work
    solid_steps = {(f.need.source, f.need.skill_step) for f in factors
                   if f.solid and f.need.skill_step is not None}
    factors = tuple(
        f if f.solid or (f.need.source, f.need.skill_step) not in solid_steps else
        dataclasses.replace(f, phi=1.0, solid=True, note=f"{f.note}; done by the offloaded "
                            f"script of skill step {f.need.skill_step}")
        for f in factors)
    if factors and all(f.solid for f in factors):
        return StepModel(index, label, factors, 1.0, True)
    governing: dict[str, float] = {}
    for f in factors:
        if not f.solid:
            governing[f.need.primitive] = min(governing.get(f.need.primitive, 1.0), f.phi)
    p = params.base * math.prod(governing.values())
    return StepModel(index, label, factors, p, False)


# ---------------------------------------------------------------------------------------
# sources of demands


def declared_requirements(task: Any) -> list[tuple[str, list[tuple[str, int]]]]:
    """The task's `requirements` (task.json extra key), grouped by step label in order."""
    from skillir.profiles.catalog import primitive_ids

    raw = getattr(task, "extra", {}).get("requirements")
    if raw is None:
        return []
    src = getattr(task, "source", None)

    def bad(where: str, problem: str) -> SkillIRError:
        return SkillIRError(f"task field '{where}' {problem}", path=src,
                            hint='write "requirements": [{"step": "label", "primitive": '
                            '"tool.exec", "level": 2}, ...]')

    if not isinstance(raw, list):
        raise bad("requirements", "must be a list")
    out: dict[str, list[tuple[str, int]]] = {}
    known = primitive_ids()
    for i, item in enumerate(raw):
        where = f"requirements[{i}]"
        if not isinstance(item, dict):
            raise bad(where, "must be an object")
        label, prim, level = item.get("step"), item.get("primitive"), item.get("level")
        if not isinstance(label, str) or not label.strip():
            raise bad(f"{where}.step", "must be a non-empty string")
        if prim not in known:
            raise bad(f"{where}.primitive", f"is not a catalog primitive: {prim!r}")
        if isinstance(level, bool) or level not in (1, 2, 3):
            raise bad(f"{where}.level", f"must be 1, 2 or 3, not {level!r}")
        out.setdefault(label, []).append((prim, int(level)))
    return list(out.items())


_INFER_CACHE: dict[tuple[str, str], tuple[tuple[int | None, str, int], ...]] = {}


def inferred_requirements(skill_path: str | Path) -> tuple[tuple[int | None, str, int], ...]:
    """(skill step number or None, primitive, level) for every cap.require
    `infer-capabilities` finds in a skill (steps numbered 1.. in document order, as
    compile-report.json numbers them). Cached by the SKILL.md's content."""
    from skillir.frontend.bundle import locate

    source = locate(skill_path)
    key = (str(source.folder.resolve()), hashlib.sha256(source.data).hexdigest())
    found = _INFER_CACHE.get(key)
    if found is not None:
        return found
    disk_key = _infer_disk_key(source.folder, key[1])
    if disk_key is not None:  # the compile a run already did (or an earlier run's): no xdsl at all
        from skillir import usercache

        cached = usercache.get(_INFER_KIND, disk_key)
        if isinstance(cached, list) and all(isinstance(r, list) and len(r) == 3 for r in cached):
            result = tuple((r[0], str(r[1]), int(r[2])) for r in cached)
            _INFER_CACHE[key] = result
            return result
    from skillir.capability.query import requirements, steps
    from skillir.dialects.skill import StepOp, skills_of
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager

    module = load_skill(source.folder)
    PassManager.from_spec("infer-capabilities").run(module)
    out: list[tuple[int | None, str, int]] = []
    for sk in skills_of(module):
        number = {id(s): i for i, s in enumerate(steps(sk), start=1)}
        for req in requirements(sk):
            parent = req.parent_op()
            while parent is not None and not isinstance(parent, StepOp):
                parent = parent.parent_op()
            attr = req.original if req.original is not None else req.prim
            out.append((number.get(id(parent)) if parent is not None else None,
                        attr.prim_id.data, attr.level.data))
    result = tuple(out)
    if len(_INFER_CACHE) > 256:
        _INFER_CACHE.clear()
    _INFER_CACHE[key] = result
    if disk_key is not None:
        from skillir import usercache

        usercache.put(_INFER_KIND, disk_key, [list(r) for r in result])
    return result


_INFER_KIND = "sim-requirements-v1"
_MAX_LISTED = 2000


def _infer_disk_key(folder: Path, sha: str) -> str | None:
    """The user-cache key of a skill's inferred requirements: the SKILL.md's content,
    the listing of its folder (bundled files are inputs of the analysis) and a stamp of
    the code and data the analysis runs (so editing a rule never reads a stale answer).
    None when the folder is too large to list cheaply (the analysis then just runs)."""
    import os

    from skillir import usercache

    listing = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            listing.append((os.path.relpath(path, folder), st.st_size, st.st_mtime_ns))
            if len(listing) > _MAX_LISTED:
                return None
    return usercache.key_digest(_code_stamp(), sha, tuple(listing))


@cache
def _code_stamp() -> tuple:
    """(file, size, mtime) of the SkillIR sources and data that requirement inference reads."""
    import os

    import skillir

    base = Path(skillir.__file__).parent
    stamp = []
    for sub in ("capability", "frontend", "readers", "profiles", "data", "dialects", "passes", "deps"):
        for root, dirs, files in os.walk(base / sub):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".py", ".json")):
                    st = os.stat(os.path.join(root, name))
                    stamp.append((os.path.relpath(os.path.join(root, name), base), st.st_size, st.st_mtime_ns))
    from skillir.version import __version__

    return (__version__, tuple(stamp))


def _parse_to(values: Any) -> tuple[tuple[str, int], ...]:
    out = []
    for item in values or ():
        parts = str(item).split()
        if len(parts) == 2 and parts[1][:1] == "L" and parts[1][1:].isdigit():
            out.append((parts[0], int(parts[1][1:])))
    return tuple(out)


def report_records(report: Mapping[str, Any]) -> dict[tuple[int | None, str, int], Record]:
    """compile-report.json transforms by (step, primitive, required level)."""
    out: dict[tuple[int | None, str, int], Record] = {}
    for t in report.get("transforms") or ():
        if not isinstance(t, dict) or t.get("kind") not in RECORD_KINDS:
            continue
        key = (t.get("step"), str(t.get("primitive")), int(t.get("required") or 0))
        detail = t.get("script") or t.get("method") or t.get("path")
        out.setdefault(key, Record(t["kind"], _parse_to(t.get("to")), detail))
    return out


@dataclass
class SkillDemands:
    needs: list[Need] = field(default_factory=list)
    source: str = "none"
    notes: list[str] = field(default_factory=list)


def skill_demands(skill: Any) -> SkillDemands:
    """The demands of a runtime `SkillBundle` (compiled: joined with its report)."""
    out = SkillDemands()
    if skill is None:
        return out
    report = skill.compile_report if skill.kind == "compiled" else None
    if report is not None:
        src = report.get("source")
        target: Path = skill.folder
        exact = bool(src) and Path(src).is_file()
        if exact:
            target = Path(src).parent
        else:
            out.notes.append(f"the original skill named by compile-report.json ({src}) is not "
                             "on disk here: requirements inferred from the compiled SKILL.md "
                             "and joined with the report's records by step and primitive "
                             "(approximate)")
        reqs = inferred_requirements(target)
        records = report_records(report)
        loose = {(k[0], k[1]): (k, r) for k, r in records.items()}
        used: set[tuple[int | None, str, int]] = set()
        for step, prim, level in reqs:
            key = (step, prim, level)
            rec = records.get(key)
            if rec is None and not exact and (step, prim) in loose:
                key, rec = loose[(step, prim)]
            if rec is not None:
                used.add(key)
            out.needs.append(Need(prim, level, "compiled-skill", step, rec))
        for key, rec in records.items():
            if key not in used:  # a record whose requirement inference no longer sees
                out.needs.append(Need(key[1], key[2], "compiled-skill", key[0], rec))
                out.notes.append(f"record {rec.kind} {key[1]} L{key[2]} (step {key[0]}) has "
                                 "no inferred requirement: taken from the report")
        out.source = "compiled-skill"
        return out
    for step, prim, level in inferred_requirements(skill.folder):
        out.needs.append(Need(prim, level, "skill", step))
    out.source = "skill"
    return out


def _position(step: int, steps_total: int, labels: int) -> int:
    return min(labels - 1, max(0, math.ceil(step * labels / max(1, steps_total)) - 1))


def task_steps(task: Any, skill: Any, profile: Any, params: SimParams, *,
               action_labels: Sequence[str] = ()) -> tuple[list[StepModel], str, list[str]]:
    """The task's steps with their demands and success probabilities, the source of the
    demands ('compiled-skill' | 'skill' | 'task' | 'none') and notes."""
    declared = declared_requirements(task)
    if declared:
        labels = [label for label, _ in declared]
    else:
        labels = list(dict.fromkeys(action_labels)) or ["task"]
    declared_map = dict(declared)
    demands = skill_demands(skill)
    per_label: dict[str, list[Need]] = {label: [] for label in labels}
    source = demands.source
    if demands.needs:
        numbered = [n.skill_step for n in demands.needs if n.skill_step is not None]
        total = max(numbered) if numbered else 1
        by_step: dict[int | None, list[Need]] = {}
        for n in demands.needs:
            by_step.setdefault(n.skill_step, []).append(n)
        for step, needs in by_step.items():
            if step is None:
                per_label[labels[-1]].extend(needs)
                continue
            pos = _position(step, total, len(labels))
            prims = {n.primitive for n in needs}
            overlap = [len(prims & {p for p, _ in declared_map.get(lb, ())}) for lb in labels]
            best = max(overlap)
            if best > 0:
                tied = [i for i, v in enumerate(overlap) if v == best]
                pos = min(tied, key=lambda i: (abs(i - pos), i))
            per_label[labels[pos]].extend(needs)
        for label in labels:
            if not per_label[label] and declared_map.get(label):
                per_label[label] = [Need(p, lv, "task") for p, lv in declared_map[label]]
    else:
        source = "task" if declared else "none"
        for label in labels:
            per_label[label] = [Need(p, lv, "task") for p, lv in declared_map.get(label, ())]
    models = [step_model(i, label, per_label[label], profile, params)
              for i, label in enumerate(labels)]
    return models, source, demands.notes


# ---------------------------------------------------------------------------------------
# draws


def uniform(*parts: Any) -> float:
    """A number in [0, 1) from SHA-256 of the parts (stable across runs and machines)."""
    digest = hashlib.sha256(json.dumps(parts, default=str).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0 ** 64


def step_draw(seed: int, task_id: str, step: StepModel) -> float:
    return uniform("step", seed, task_id, step.index, step.label)


def failure_mode(seed: int, task_id: str, step: StepModel, params: SimParams) -> str:
    weak = step.weakest
    weights = params.mode_weights(weak.need.primitive if weak else None)
    total = sum(weights.values())
    x = uniform("mode", seed, task_id, step.index, step.label) * total
    for mode in FAILURE_MODES:
        x -= weights[mode]
        if x < 0:
            return mode
    return FAILURE_MODES[-1]


@dataclass(frozen=True)
class Outcome:
    step: StepModel
    u: float
    ok: bool
    mode: str | None

    def to_json(self) -> dict[str, Any]:
        return {**self.step.to_json(), "u": round(self.u, 6), "ok": self.ok,
                "failure_mode": self.mode}


def decide(seed: int, task_id: str, steps: Sequence[StepModel],
           params: SimParams) -> list[Outcome]:
    """Success or failure (and failure mode) of every step."""
    out = []
    for s in steps:
        u = step_draw(seed, task_id, s)
        ok = s.solid or u < s.p
        out.append(Outcome(s, u, ok, None if ok else failure_mode(seed, task_id, s, params)))
    return out
