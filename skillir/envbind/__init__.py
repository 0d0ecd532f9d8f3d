"""Environment binding: what a skill needs installed, whether this machine has it,
and the script that installs what is missing (issue 4; PAPER_NOTES section d, pass 2).

Public API (imported lazily, so `skillir.dialects.env` can use the records):

- records: `Dependency`, `Evidence`, `Note`, `Extraction` (`skillir.deps.model`)
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
    "Dependency": "skillir.deps.model",
    "Evidence": "skillir.deps.model",
    "Note": "skillir.deps.model",
    "Extraction": "skillir.deps.model",
    "KINDS": "skillir.deps.model",
    "SOURCES": "skillir.deps.model",
    "ExtractOptions": "skillir.envbind.extract",
    "extract_skill": "skillir.envbind.extract",
    "probe": "skillir.deps.probe",
    "ProbeReport": "skillir.deps.probe",
    "run_env_setup": "skillir.deps.runner",
    "EnvSetupResult": "skillir.deps.runner",
    "context_message": "skillir.deps.runner",
    "dependencies_of": "skillir.envbind.ir",
    "notes_of": "skillir.envbind.ir",
    "setup_script_of": "skillir.envbind.ir",
}


def generate_setup_script(skill: str, dependencies, *, allow_apt_update: bool = False) -> str:
    """The env-setup.sh text for these dependencies (see `skillir.deps.script`)."""
    from skillir.deps.script import generate

    return generate(skill, list(dependencies), allow_apt_update=allow_apt_update)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'skillir.envbind' has no attribute '{name}'")
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [*_EXPORTS, "generate_setup_script"]
