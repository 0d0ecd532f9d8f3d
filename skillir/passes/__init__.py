"""SkillIR passes, one per file; registered lazily by name (imported as skillir.passes)."""

from collections.abc import Callable

from xdsl.passes import ModulePass

# name -> module under skillir.passes that defines the pass class
_PASS_MODULES: dict[str, tuple[str, str]] = {
    "canonicalize-skill": ("canonicalize_skill", "CanonicalizeSkillPass"),
    "infer-capabilities": ("infer_capabilities", "InferCapabilitiesPass"),
    "bind-profile": ("bind_profile", "BindProfilePass"),
    "analyze-gaps": ("analyze_gaps", "AnalyzeGapsPass"),
    "compile-capabilities": ("compile_capabilities", "CompileCapabilitiesPass"),
    "bind-env": ("bind_env", "BindEnvPass"),
    "extract-concurrency": ("extract_concurrency", "ExtractConcurrencyPass"),
    "lower-to-harness": ("lower_to_harness", "LowerToHarnessPass"),
}
"""Pass name -> (module in skillir.passes, class). Passes whose module is not there
(yet) are not offered."""


def register_pass_module(name: str, module: str, cls: str) -> None:
    """Add a pass defined in `skillir.passes.<module>` as class `cls`."""
    _PASS_MODULES[name] = (module, cls)


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every pass by name, each imported only when asked for."""

    def loader(module: str, cls: str) -> Callable[[], type[ModulePass]]:
        def load() -> type[ModulePass]:
            import importlib

            return getattr(importlib.import_module(f"skillir.passes.{module}"), cls)

        return load

    import importlib.util

    return {
        name: loader(module, cls)
        for name, (module, cls) in _PASS_MODULES.items()
        if importlib.util.find_spec(f"skillir.passes.{module}") is not None
    }
