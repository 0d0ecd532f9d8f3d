"""Target Capability Profiles (TCP): what one (model, harness) pair can do.

A `Profile` reads and writes SkVM's profile JSON (`TCPSchema` of SJTU-IPADS/SkVM,
PAPER_NOTES section (c)), so profiles move between the two systems unchanged:

```json
{"version": "1.0", "model": "qwen3.5-9b", "harness": "bare-agent",
 "profiledAt": "2026-04-08T00:00:00.000Z",
 "capabilities": {"gen.code.python": "L3", "tool.exec": "L0", ...},
 "details": [{"primitiveId": "gen.code.python", "highestLevel": "L3", "levelResults": [...]}],
 "cost": {"totalUsd": 0, "totalTokens": {...}, "durationMs": 0},
 "isPartial": false,
 "skillir": {"source": "...", "date": "2026-04-08", "synthetic": false, "notes": "..."}}
```

SkillIR's own labels (where the numbers come from, when, synthetic or measured)
sit under the one extra key `skillir`, which SkVM's schema ignores; `details`,
`cost` and anything else SkVM wrote are kept verbatim for the round trip.
Primitives a profile does not list are *unknown*, not L0: `bind-profile{unknown=...}`
chooses the level assumed for them (L1 by default, L3, or L0 as in SkVM) and the
compiled skill lists them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from skillir.datafiles import check_nesting, load_json_file, parse_json, validate
from skillir.errors import SkillIRError

SCHEMA_VERSION = "1.0"
_SAFE_COMPONENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
_KNOWN_KEYS = frozenset({"version", "model", "harness", "profiledAt", "capabilities", "details",
                         "cost", "isPartial", "skillir"})


@dataclass(frozen=True, eq=False)
class Profile:
    """A target capability profile."""

    model: str
    harness: str
    capabilities: Mapping[str, int]
    """Primitive id -> level 0..3, for the primitives the profile measured."""
    profiled_at: str = ""
    """ISO time of the measurement (SkVM `profiledAt`)."""
    source: str = ""
    """Where the numbers come from (a dataset, a run, "synthetic")."""
    date: str = ""
    """Date of the measurement, YYYY-MM-DD (from `profiled_at` when not given)."""
    synthetic: bool = False
    """Made up for experiments and tests, not measured."""
    notes: str = ""
    details: tuple[Mapping[str, Any], ...] = ()
    """SkVM per-primitive details (level results, failures), kept verbatim."""
    cost: Mapping[str, Any] | None = None
    is_partial: bool = False
    version: str = SCHEMA_VERSION
    extra_capabilities: Mapping[str, int] = field(default_factory=dict)
    """Primitive ids this SkillIR catalog does not know, kept for the round trip."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Other top-level keys of the SkVM JSON, kept verbatim."""
    path: str | None = None
    """The file the profile was read from, if any."""

    @property
    def target(self) -> str:
        return f"{self.harness}/{self.model}"

    def level(self, prim_id: str) -> int:
        """The profile's level for a primitive (unlisted primitives count as L0)."""
        return self.capabilities.get(prim_id, 0)

    def measured(self, prim_id: str) -> bool:
        return prim_id in self.capabilities

    def unknown(self) -> tuple[str, ...]:
        """Catalog primitives the profile has no level for: *unknown*, never written as
        L0 (the profiler leaves a primitive it did not decide out of `capabilities`)."""
        from skillir.profiles.catalog import catalog

        return tuple(pid for pid in catalog().ids if pid not in self.capabilities)

    def label(self) -> str:
        """One line that says what this profile is and where it came from."""
        kind = "synthetic" if self.synthetic else "measured"
        when = self.date or self.profiled_at[:10] or "undated"
        return f"{self.target} ({kind}; {self.source or 'unknown source'}; {when})"

    def with_path(self, path: str | None) -> Profile:
        return replace(self, path=path)

    # -- SkVM JSON -------------------------------------------------------------------

    def to_skvm(self, *, skillir_labels: bool = True) -> dict[str, Any]:
        """The profile as SkVM TCP JSON data (`skillir_labels=False` drops SkillIR's
        extra key for tools that reject unknown keys)."""
        from skillir.profiles.catalog import catalog

        order = {pid: i for i, pid in enumerate(catalog().ids)}
        caps = {pid: f"L{lvl}" for pid, lvl in sorted(self.capabilities.items(),
                                                       key=lambda kv: order.get(kv[0], 99))}
        caps.update({pid: f"L{lvl}" for pid, lvl in self.extra_capabilities.items()})
        details = [dict(d) for d in self.details] or [
            {
                "primitiveId": pid,
                "highestLevel": level,
                "calibrationNote": "level only: per-level results were not recorded",
                "levelResults": [],
            }
            for pid, level in caps.items()
        ]
        data: dict[str, Any] = {
            "version": self.version or SCHEMA_VERSION,
            "model": self.model,
            "harness": self.harness,
            "profiledAt": self.profiled_at or (f"{self.date}T00:00:00.000Z" if self.date else ""),
            "capabilities": caps,
            "details": details,
            "cost": dict(self.cost) if self.cost is not None else {
                "totalUsd": 0,
                "totalTokens": {"input": 0, "output": 0, "cacheRead": 0, "cacheWrite": 0},
                "durationMs": 0,
            },
            "isPartial": self.is_partial,
        }
        data.update({k: v for k, v in self.extra.items() if k not in data})
        if skillir_labels:
            labels: dict[str, Any] = {"source": self.source, "date": self.date,
                                      "synthetic": self.synthetic}
            if self.notes:
                labels["notes"] = self.notes
            data["skillir"] = labels
        return data

    def to_json(self, *, skillir_labels: bool = True) -> str:
        return json.dumps(self.to_skvm(skillir_labels=skillir_labels), indent=2,
                          ensure_ascii=False) + "\n"

    @classmethod
    def from_skvm(cls, data: Any, *, path: str | None = None) -> Profile:
        """Validate SkVM TCP JSON data against its schema
        (skillir/data/schemas/profile.schema.json) and build a profile; a SkillIRError
        (one line, naming the file and JSON path) says what is wrong."""
        validate(data, "profile", source=path or "capability profile")
        return cls.from_checked(data, path=path)

    @classmethod
    def from_checked(cls, data: dict[str, Any], *, path: str | None) -> Profile:
        """A profile from schema-valid data; capabilities the catalog does not know are
        kept apart (`extra_capabilities`) for the round trip."""
        from skillir.profiles.catalog import primitive_ids

        known = primitive_ids()
        caps: dict[str, int] = {}
        extra_caps: dict[str, int] = {}
        for pid, raw_level in data["capabilities"].items():
            (caps if pid in known else extra_caps)[pid] = int(str(raw_level).removeprefix("L"))
        profiled_at = data.get("profiledAt", "")
        labels = data.get("skillir") or {}
        return cls(
            model=data["model"].strip(),
            harness=data["harness"],
            capabilities=MappingProxyType(caps),
            profiled_at=profiled_at,
            source=labels.get("source", ""),
            date=labels.get("date") or profiled_at[:10],
            synthetic=labels.get("synthetic", False),
            notes=labels.get("notes", ""),
            details=tuple(data.get("details", ())),
            cost=data.get("cost"),
            is_partial=data.get("isPartial", False),
            version=str(data.get("version", SCHEMA_VERSION)),
            extra_capabilities=MappingProxyType(extra_caps),
            extra=MappingProxyType({k: v for k, v in data.items() if k not in _KNOWN_KEYS}),
            path=path,
        )

    @classmethod
    def from_json(cls, text: str, *, path: str | None = None) -> Profile:
        source = path or "capability profile"
        check_nesting(text, source=source)
        return cls.from_skvm(parse_json(text, source=source, fix=_RESTORE), path=path)


_RESTORE = "restore it from a v_<timestamp>.json snapshot beside it, or import it again"


_READ: dict[tuple[str, int, int, int], Profile] = {}
"""Profiles read, by path and the file's inode, size and mtime (ns): a compile reads the
bound profile twice (bind-profile, then compile-capabilities for its failure details),
and a batch reads it for every skill; a changed file is read again."""


def read_profile(path) -> Profile:
    """Read one profile file (SkVM TCP JSON): a regular file, bounded in size and
    nesting, then validated; every problem is a one-line SkillIRError."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
        key: tuple[str, int, int, int] | None = (name, info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        key = None  # load_json_file says what is wrong
    found = _READ.get(key) if key is not None else None
    if found is not None:
        return found
    data = load_json_file(name, schema="profile", what="profile file", fix=_RESTORE)
    profile = Profile.from_checked(data, path=name)
    if key is not None:
        if len(_READ) >= 64:
            _READ.clear()
        _READ[key] = profile
    return profile


def safe_model(model: str) -> str:
    """The model's folder name in a profile store (SkVM: '/' becomes '--')."""
    return model.replace("/", "--")


def model_key(model: str) -> str:
    """What two model names must share to name the same model: lower case, no
    provider prefix ('openrouter/qwen/…', 'anthropic--…'), no 'claude-' prefix."""
    name = model.strip().lower().replace("--", "/").rsplit("/", 1)[-1]
    return name.removeprefix("claude-")


def check_component(value: str, what: str) -> str:
    if not _SAFE_COMPONENT.match(value) or value in (".", ".."):
        raise SkillIRError(f"bad {what} '{value}'",
                           hint="use letters, digits, '.', '_', '+' and '-' only")
    return value
