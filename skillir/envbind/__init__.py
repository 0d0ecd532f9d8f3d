"""Environment binding: what a skill needs installed, whether this machine has it,
and the script that installs what is missing (issue 4; PAPER_NOTES section d, pass 2).

Public API (imported lazily, so `skillir.dialects.env` can use the records):

- records: `Dependency`, `Evidence`, `Note`, `Extraction` (`skillir.envbind.model`)
- `extract_skill(skill_op, folder=None, options=None) -> Extraction`: rule-based,
  offline dependency extraction from a `skill.skill` op and its bundled files
- `probe(dependencies, python="", timeout=10.0) -> ProbeReport`: run the checks here
- `generate_setup_script(skill_name, dependencies, allow_apt_update=False) -> str`
- `run_env_setup(script, workdir, timeout=300) -> EnvSetupResult`, `context_message`:
  the runtime contract (run before the skill loads; on failure tell the model)
- `dependencies_of(module)`, `notes_of(module)`, `setup_script_of(module)`: read the
  `env` IR back as records
"""

from __future__ import annotations

from typing import Any

_EXPORTS = {
    "Dependency": "skillir.envbind.model",
    "Evidence": "skillir.envbind.model",
    "Note": "skillir.envbind.model",
    "Extraction": "skillir.envbind.model",
    "KINDS": "skillir.envbind.model",
    "SOURCES": "skillir.envbind.model",
    "ExtractOptions": "skillir.envbind.extract",
    "extract_skill": "skillir.envbind.extract",
    "probe": "skillir.envbind.probe",
    "ProbeReport": "skillir.envbind.probe",
    "run_env_setup": "skillir.envbind.runner",
    "EnvSetupResult": "skillir.envbind.runner",
    "context_message": "skillir.envbind.runner",
    "dependencies_of": "skillir.envbind.ir",
    "notes_of": "skillir.envbind.ir",
    "setup_script_of": "skillir.envbind.ir",
}


def generate_setup_script(skill: str, dependencies, *, allow_apt_update: bool = False) -> str:
    """The env-setup.sh text for these dependencies (see `skillir.envbind.script`)."""
    from skillir.envbind.script import generate

    return generate(skill, list(dependencies), allow_apt_update=allow_apt_update)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'skillir.envbind' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [*_EXPORTS, "generate_setup_script"]
