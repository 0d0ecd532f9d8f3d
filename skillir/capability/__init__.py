"""Capabilities: what a skill demands and what a (model, harness) target supplies.

Modules, each small:

- `catalog`: the 26 primitives, their levels, degradation guidance, equivalence
  classes (data in `skillir/data/primitives.json`);
- `profile`: `Profile`, SkVM TCP JSON in and out;
- `store`: the user profile store, the shipped reference profiles, `resolve_target`;
- `rules` and `inference`: rule-based requirement inference (word lists in
  `skillir/data/capability_rules.json`; a rule skips text without the strings every
  match of its regex must contain, `skillir.security.prefilter`);
- `gaps`: gap analysis (pure);
- `edits`, `guard`, `strategies`: how compile-capabilities changes a skill, within
  what limits, and the rewrite patterns it tries;
- `legality`: no requirement above the profile unless marked unresolved;
- `query`: reading the facts back out of IR (for harness lowering, simulation, reports).

The names in `__all__` are importable from `skillir.capability` directly (loaded
lazily); `primitive_catalog()` is `skillir.profiles.catalog.catalog()`.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS: dict[str, str | tuple[str, str]] = {
    "primitive_catalog": ("skillir.profiles.catalog", "catalog"),
    "Catalog": "skillir.profiles.catalog",
    "Primitive": "skillir.profiles.catalog",
    "EquivalenceClass": "skillir.profiles.catalog",
    "Profile": "skillir.profiles.profile",
    "read_profile": "skillir.profiles.profile",
    "ProfileStore": "skillir.profiles.store",
    "ProfileInfo": "skillir.profiles.store",
    "Resolution": "skillir.profiles.store",
    "resolve_target": "skillir.profiles.store",
    "load_profile": "skillir.profiles.store",
    "list_profiles": "skillir.profiles.store",
    "import_profile": "skillir.profiles.store",
    "reference_profiles": "skillir.profiles.store",
    "infer_skill": "skillir.capability.inference",
    "Requirement": "skillir.capability.inference",
    "Gap": "skillir.profiles.gaps",
    "find_gap": "skillir.profiles.gaps",
    "find_gaps": "skillir.profiles.gaps",
    "GapStrategy": "skillir.capability.strategies",
    "register_strategy": "skillir.capability.strategies",
    "requirements_within_profile": "skillir.capability.legality",
    "bound_profile": "skillir.capability.query",
    "step_requirements": "skillir.capability.query",
    "required_levels": "skillir.capability.query",
    "requirements": "skillir.capability.query",
    "gap_records": "skillir.capability.query",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'skillir.capability' has no attribute '{name}'")
    module, attr = target if isinstance(target, tuple) else (target, name)
    return getattr(importlib.import_module(module), attr)
