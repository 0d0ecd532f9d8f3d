"""The primitive catalog: 26 primitive capabilities in 4 categories, their L1-L3
definitions, degradation guidance and substitution equivalence classes.

The data lives in `skillir/data/primitives.json` (its shape: the JSON Schema
`skillir/data/schemas/primitives.schema.json`); this module loads it once through
`skillir.datafiles`, checks the rules that span fields (a broken catalog is a bug in the
package, reported as a SkillIRError naming the file and JSON path), and gives typed,
immutable views of it.

```python
from skillir.profiles.catalog import catalog
cat = catalog()
cat.primitive("gen.code.shell").degradation(3)   # guidance for lowering L3 -> L2
cat.classes_with("gen.code.python")              # equivalence classes offering a path
```
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType
from typing import Any

from skillir.datafiles import load_data, validate
from skillir.errors import SkillIRError

LEVELS = (1, 2, 3)
"""Required levels. A profile may also say 0 (even L1 failed)."""

CATALOG_FILE = "primitives.json"


@dataclass(frozen=True, slots=True, eq=False)
class Primitive:
    """One primitive capability and what the compiler knows about lowering it."""

    id: str
    category: str
    name: str
    levels: MappingProxyType[int, str]
    """Level (1..3) -> definition."""
    degradations: MappingProxyType[int, str | None]
    """Level L (2 or 3) -> a sentence that lowers a level-L demand to L-1 (None: cannot)."""
    compensation: str
    """Preferred compensation method (a key of `Catalog.compensation_methods`)."""
    decomposable: bool
    """Can a step needing this be split into smaller sub-steps to lower the demand?"""
    code_note: str = ""
    guidance_context: re.Pattern[str] | None = None
    """What a step must be about for the degradation guidance to fit it (None: any step)."""
    general_degradations: MappingProxyType[int, str] = field(default_factory=lambda: MappingProxyType({}))
    """Level L -> the L->L-1 sentence for a step outside `guidance_context` (a review
    or an assessment, where the debugging sentence would not fit); absent: none."""
    guidance_veto: MappingProxyType[int, re.Pattern[str]] = field(default_factory=lambda: MappingProxyType({}))
    """Level L -> what a step asks for that the L->L-1 sentence would take away
    ("comprehensive" against "keep the output short")."""

    def degradation(self, level: int) -> str | None:
        """Guidance for lowering a level-`level` demand by one level."""
        return self.degradations.get(level)

    def guidance_for(self, level: int, text: str) -> str | None:
        """The L->L-1 sentence that fits a step whose text is `text`: the catalog's
        own when the step is about its context, else the general one; None when the
        step asks for what the sentence would take away, or nothing fits."""
        veto = self.guidance_veto.get(level)
        if veto is not None and veto.search(text) is not None:
            return None
        if self.guidance_fits(text):
            return self.degradations.get(level)
        return self.general_degradations.get(level)

    def guidance_fits(self, text: str) -> bool:
        """Is the catalog's own guidance written for the kind of work `text` (a step) describes?"""
        return self.guidance_context is None or self.guidance_context.search(text) is not None

    def describe(self, level: int) -> str:
        return f"{self.id} L{level} ({self.levels.get(level, 'not demanded')})"


@dataclass(frozen=True, slots=True)
class Path:
    """One way to do something, as the primitives (and levels) it needs."""

    id: str
    requires: tuple[tuple[str, int], ...]
    trigger: re.Pattern[str] | None
    """When set, the path is the one a skill is on only if its text matches."""
    instruction: str
    """A sentence telling the model to take this path."""
    origin_only: bool = False
    """Describes how a skill may already work; never a substitution target."""

    def needs(self, prim_id: str) -> int | None:
        for pid, level in self.requires:
            if pid == prim_id:
                return level
        return None


@dataclass(frozen=True, slots=True)
class EquivalenceClass:
    """Paths that reach the same result with different primitives (substitution)."""

    id: str
    description: str
    paths: tuple[Path, ...]

    def path(self, path_id: str) -> Path | None:
        return next((p for p in self.paths if p.id == path_id), None)


@dataclass(frozen=True, slots=True, eq=False)
class Catalog:
    version: str
    source: str
    categories: MappingProxyType[str, str]
    primitives: tuple[Primitive, ...]
    classes: tuple[EquivalenceClass, ...]
    compensation_methods: MappingProxyType[str, str]

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.primitives)

    def __contains__(self, prim_id: object) -> bool:
        return prim_id in _index(self)

    def primitive(self, prim_id: str) -> Primitive:
        try:
            return _index(self)[prim_id]
        except KeyError:
            raise SkillIRError(
                f"unknown primitive '{prim_id}'",
                hint=f"known primitives: {', '.join(self.ids)}",
            ) from None

    def by_category(self) -> dict[str, list[Primitive]]:
        out: dict[str, list[Primitive]] = {c: [] for c in self.categories}
        for prim in self.primitives:
            out[prim.category].append(prim)
        return out

    def classes_with(self, prim_id: str) -> tuple[EquivalenceClass, ...]:
        """Equivalence classes with a path that needs `prim_id`."""
        return _classes_by_prim(self).get(prim_id, ())

    def equivalence_class(self, class_id: str) -> EquivalenceClass | None:
        return next((c for c in self.classes if c.id == class_id), None)


@cache
def _index(cat: Catalog) -> dict[str, Primitive]:
    return {p.id: p for p in cat.primitives}


@cache
def _classes_by_prim(cat: Catalog) -> dict[str, tuple[EquivalenceClass, ...]]:
    out: dict[str, list[EquivalenceClass]] = {}
    for cls in cat.classes:
        for path in cls.paths:
            for pid, _ in path.requires:
                if cls not in out.setdefault(pid, []):
                    out[pid].append(cls)
    return {k: tuple(v) for k, v in out.items()}


@cache
def catalog() -> Catalog:
    """The primitive catalog, loaded once (its schema is checked by the test suite)."""
    return build_catalog(load_data(CATALOG_FILE))


@cache
def primitive_ids() -> frozenset[str]:
    return frozenset(catalog().ids)


def _context_regex(raw: Any, where: str, fail: Any) -> re.Pattern[str] | None:
    if raw is None:
        return None
    try:
        return re.compile(str(raw), re.IGNORECASE)
    except re.error as exc:
        raise fail(where, f"is not a valid regex: {exc}") from None


def parse_catalog(raw: Any, *, label: str = f"skillir/data/{CATALOG_FILE}") -> Catalog:
    """Validate catalog data (as loaded from JSON) against its schema
    (skillir/data/schemas/primitives.schema.json) and build the typed catalog."""
    validate(raw, "primitives", source=label)
    return build_catalog(raw, label=label)


def build_catalog(raw: dict[str, Any], *, label: str = f"skillir/data/{CATALOG_FILE}") -> Catalog:
    """The typed catalog from schema-valid data; the rules that span fields are checked
    here (categories and compensation methods exist, ids are unique, paths require
    known primitives, triggers compile)."""

    def fail(where: str, message: str) -> SkillIRError:
        return SkillIRError(f"{where}: {message}", path=label,
                            hint="the catalog ships with SkillIR; reinstall or fix the data file")

    categories, methods = raw["categories"], raw["compensation_methods"]
    prims: list[Primitive] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw["primitives"]):
        pid = entry["id"]
        if pid in seen:
            raise fail(f"$.primitives[{i}].id", f"primitive '{pid}' is listed twice")
        seen.add(pid)
        category = pid.split(".", 1)[0]
        if category not in categories:
            raise fail(f"$.primitives[{i}].id", f"primitive '{pid}' has unknown category '{category}'")
        method = entry.get("compensation", "degradation-guidance")
        if method not in methods:
            raise fail(f"$.primitives[{i}].compensation",
                       f"primitive '{pid}' names unknown compensation method '{method}'")
        degradations = entry["degradations"]
        prims.append(Primitive(
            id=pid,
            category=category,
            name=str(entry.get("name", pid)),
            levels=MappingProxyType({int(k): v for k, v in entry["levels"].items()}),
            degradations=MappingProxyType({3: degradations["L3->L2"], 2: degradations["L2->L1"]}),
            compensation=method,
            decomposable=bool(entry.get("decomposable", False)),
            code_note=str(entry.get("code_note", "")),
            guidance_context=_context_regex(entry.get("guidance_context"), f"$.primitives[{i}].guidance_context", fail),
            general_degradations=MappingProxyType({
                int(key[1]): sentence for key, sentence in (entry.get("general_degradations") or {}).items()}),
            guidance_veto=MappingProxyType({
                int(key[1]): _context_regex(pattern, f"$.primitives[{i}].guidance_veto.{key}", fail)
                for key, pattern in (entry.get("guidance_veto") or {}).items()}),
        ))
    unused = set(categories) - {p.category for p in prims}
    if unused:
        raise fail("$.categories", f"categories without primitives: {sorted(unused)}")
    classes: list[EquivalenceClass] = []
    for i, entry in enumerate(raw.get("equivalence_classes") or []):
        cid = entry["id"]
        paths: list[Path] = []
        for j, p in enumerate(entry["paths"]):
            where = f"$.equivalence_classes[{i}].paths[{j}]"
            for rid, level in p["requires"].items():
                if rid not in seen:
                    raise fail(f"{where}.requires", f"path '{p['id']}' of class '{cid}' requires "
                               f"{rid} L{level}, which is not a primitive")
            trigger = p.get("trigger")
            try:
                pattern = re.compile(trigger, re.IGNORECASE) if trigger else None
            except re.error as exc:
                raise fail(f"{where}.trigger", f"trigger of path '{p['id']}' in class '{cid}': {exc}") from None
            paths.append(Path(p["id"], tuple(p["requires"].items()), pattern, p["instruction"],
                              bool(p.get("origin_only", False))))
        if all(p.origin_only for p in paths):
            raise fail(f"$.equivalence_classes[{i}]", f"equivalence class '{cid}' has no path to substitute into")
        if len({p.id for p in paths}) != len(paths):
            raise fail(f"$.equivalence_classes[{i}]", f"equivalence class '{cid}' repeats a path id")
        classes.append(EquivalenceClass(cid, str(entry.get("description", "")), tuple(paths)))
    if len({c.id for c in classes}) != len(classes):
        raise fail("$.equivalence_classes", "equivalence class ids must be unique")
    return Catalog(
        version=str(raw.get("version", "")),
        source=str(raw.get("source", "")),
        categories=MappingProxyType(dict(categories)),
        primitives=tuple(prims),
        classes=tuple(classes),
        compensation_methods=MappingProxyType(dict(methods)),
    )
