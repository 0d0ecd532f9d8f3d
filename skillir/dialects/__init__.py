"""SkillIR dialects, one per file; registered lazily by name."""

from collections.abc import Callable

from xdsl.ir import Dialect

_DIALECTS: dict[str, tuple[str, str]] = {
    "skill": ("skillir.dialects.skill", "Skill"),
    "cap": ("skillir.dialects.cap", "Cap"),
    "env": ("skillir.dialects.env", "Env"),
    "conc": ("skillir.dialects.conc", "Conc"),
    "harness": ("skillir.dialects.harness", "Harness"),
}
"""Dialect name -> (module, Dialect object). Dialects whose module is not there (yet)
are not offered."""


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    """Every SkillIR dialect by name, each imported only when asked for."""
    import importlib
    import importlib.util

    def loader(module: str, attr: str) -> Callable[[], Dialect]:
        return lambda: getattr(importlib.import_module(module), attr)

    return {
        name: loader(module, attr)
        for name, (module, attr) in _DIALECTS.items()
        if importlib.util.find_spec(module) is not None
    }
