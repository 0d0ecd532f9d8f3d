"""SkillIR dialects, one per file. `get_all_dialects()` is the registry: one small
function per dialect with a real import inside (lazy, yet a misspelt module fails at
once), as in `xdsl.dialects.get_all_dialects`."""

from collections.abc import Callable

from xdsl.ir import Dialect


def _skill() -> Dialect:
    from skillir.dialects.skill import Skill

    return Skill


def _cap() -> Dialect:
    from skillir.dialects.cap import Cap

    return Cap


def _env() -> Dialect:
    from skillir.dialects.env import Env

    return Env


def _conc() -> Dialect:
    from skillir.dialects.conc import Conc

    return Conc


def _harness() -> Dialect:
    from skillir.dialects.harness import Harness

    return Harness


def _sec() -> Dialect:
    from skillir.dialects.sec import Sec

    return Sec


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    """Every SkillIR dialect by name, each imported only when asked for."""
    return {"skill": _skill, "cap": _cap, "env": _env, "conc": _conc, "harness": _harness,
            "sec": _sec}
