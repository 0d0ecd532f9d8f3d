"""The Agent Skills reference validator (`skills-ref` from PyPI) on a skill folder."""

from __future__ import annotations

from pathlib import Path


def validate_skill_folder(folder: Path) -> list[str]:
    """Problems `skills_ref.validate` finds (empty when the folder is a valid skill)."""
    import skills_ref

    try:
        return [str(p) for p in skills_ref.validate(Path(folder))]
    except Exception as exc:  # noqa: BLE001 - the validator's own crash is a finding too
        return [f"skills-ref failed: {type(exc).__name__}: {exc}"]
