"""One generator per primitive: `generate(level, seed) -> Instance` (seeded, deterministic).

Each module below implements the microbenchmark of its primitive at L1, L2 and L3 from the
catalog's level definitions (skillir/data/primitives.json; what SkVM's generators test per
level is in PAPER_NOTES (b)). The registry is explicit: a misspelt module fails at once.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from skillir.errors import SkillIRError
from skillir.profiler.instance import Instance

MODULES = {
    "gen.code.python": "gen_code_python", "gen.code.javascript": "gen_code_javascript",
    "gen.code.shell": "gen_code_shell", "gen.code.sql": "gen_code_sql",
    "gen.code.html": "gen_code_html", "gen.text.structured": "gen_text_structured",
    "gen.text.long": "gen_text_long", "gen.text.prose": "gen_text_prose",
    "gen.regex": "gen_regex", "reason.arithmetic": "reason_arithmetic",
    "reason.logic": "reason_logic", "reason.spatial": "reason_spatial",
    "reason.planning": "reason_planning", "reason.analysis": "reason_analysis",
    "tool.file.read": "tool_file_read", "tool.file.write": "tool_file_write",
    "tool.exec": "tool_exec", "tool.call.format": "tool_call_format",
    "tool.call.batch": "tool_call_batch", "tool.web": "tool_web",
    "tool.browser": "tool_browser", "follow.format": "follow_format",
    "follow.constraint": "follow_constraint", "follow.procedure": "follow_procedure",
    "follow.delegation": "follow_delegation", "follow.style": "follow_style",
}


def module(primitive: str) -> ModuleType:
    name = MODULES.get(primitive)
    if name is None:
        raise SkillIRError(f"no profiler generator for primitive '{primitive}'",
                           hint="primitives: " + ", ".join(MODULES))
    return importlib.import_module(f"skillir.profiler.generators.{name}")


def generate(primitive: str, level: int, seed: int) -> Instance:
    """The instance of `primitive` at `level` (1-3) for `seed`."""
    if level not in (1, 2, 3):
        raise SkillIRError(f"level must be 1, 2 or 3, not {level}")
    return module(primitive).generate(level, seed)
