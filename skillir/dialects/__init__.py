"""SkillIR dialects, one per file; registered lazily by name."""

from collections.abc import Callable

from xdsl.ir import Dialect


def get_all_dialects() -> dict[str, Callable[[], Dialect]]:
    """Every SkillIR dialect by name, each imported only when asked for."""

    def get_skill() -> Dialect:
        from skillir.dialects.skill import Skill

        return Skill

    return {"skill": get_skill}
