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
Primitives a profile does not list count as L0 (SkVM's rule) but are reported as
unmeasured.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from skillir.errors import SkillIRError

SCHEMA_VERSION = "1.0"
_LEVEL = re.compile(r"^L?([0-3])$")
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
        """Validate SkVM TCP JSON data and build a profile; a SkillIRError (one line,
        naming the file) says what is wrong."""
        from skillir.profiles.catalog import primitive_ids

        def fail(message: str, hint: str | None = None) -> SkillIRError:
            return SkillIRError(f"invalid capability profile: {message}", path=path,
                                hint=hint or "a profile is SkVM TCP JSON: model, harness, "
                                "capabilities {primitive: L0..L3}")

        if not isinstance(data, dict):
            raise fail("the top level must be a JSON object")
        model, harness = data.get("model"), data.get("harness")
        if not isinstance(model, str) or not model.strip():
            raise fail("it has no 'model'")
        if not isinstance(harness, str) or not _SAFE_COMPONENT.match(harness):
            raise fail(f"'harness' must be a simple name such as bare-agent, got {harness!r}")
        caps_raw = data.get("capabilities")
        if not isinstance(caps_raw, dict):
            raise fail("'capabilities' must map primitive ids to levels L0..L3")
        known = primitive_ids()
        caps: dict[str, int] = {}
        extra_caps: dict[str, int] = {}
        for pid, raw_level in caps_raw.items():
            match = _LEVEL.match(str(raw_level)) if isinstance(raw_level, str | int) else None
            if match is None or isinstance(raw_level, bool):
                raise fail(f"capability '{pid}' has level {raw_level!r}, expected L0..L3")
            (caps if pid in known else extra_caps)[pid] = int(match.group(1))
        details = data.get("details", [])
        if not isinstance(details, list) or not all(isinstance(d, dict) for d in details):
            raise fail("'details' must be a list of objects")
        cost = data.get("cost")
        if cost is not None and not isinstance(cost, dict):
            raise fail("'cost' must be an object")
        profiled_at = data.get("profiledAt", "")
        if not isinstance(profiled_at, str):
            raise fail("'profiledAt' must be an ISO time string")
        labels = data.get("skillir") or {}
        if not isinstance(labels, dict):
            raise fail("'skillir' must be an object")
        date = str(labels.get("date") or profiled_at[:10])
        return cls(
            model=model.strip(),
            harness=harness,
            capabilities=MappingProxyType(caps),
            profiled_at=profiled_at,
            source=str(labels.get("source", "")),
            date=date,
            synthetic=bool(labels.get("synthetic", False)),
            notes=str(labels.get("notes", "")),
            details=tuple(details),
            cost=cost,
            is_partial=bool(data.get("isPartial", False)),
            version=str(data.get("version", SCHEMA_VERSION)),
            extra_capabilities=MappingProxyType(extra_caps),
            extra=MappingProxyType({k: v for k, v in data.items() if k not in _KNOWN_KEYS}),
            path=path,
        )

    @classmethod
    def from_json(cls, text: str, *, path: str | None = None) -> Profile:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SkillIRError(f"capability profile is not valid JSON ({exc.msg})", path=path,
                               line=exc.lineno,
                               hint="restore it from a v_<timestamp>.json snapshot beside it, "
                               "or import it again") from None
        return cls.from_skvm(data, path=path)


def read_profile(path) -> Profile:
    """Read one profile file (SkVM TCP JSON); every problem is a one-line SkillIRError."""
    from pathlib import Path

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SkillIRError("no such profile file", path=str(file)) from None
    except IsADirectoryError:
        raise SkillIRError("expected a profile file, got a folder", path=str(file)) from None
    except UnicodeDecodeError:
        raise SkillIRError("profile file is not UTF-8 text", path=str(file)) from None
    except OSError as exc:
        raise SkillIRError(f"cannot read the profile ({exc.strerror})", path=str(file)) from None
    return Profile.from_json(text, path=str(file))


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
