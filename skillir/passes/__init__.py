"""SkillIR passes, one per file. `get_all_passes()` is the registry: one small function
per pass with a real import inside, so the registry stays lazy (nothing is imported
until a pipeline names the pass) while a misspelt module fails at once and editors can
follow each entry to its pass (the pattern of `xdsl.transforms.get_all_passes`)."""

from collections.abc import Callable

from xdsl.passes import ModulePass


def _canonicalize_skill() -> type[ModulePass]:
    from skillir.passes.canonicalize_skill import CanonicalizeSkillPass

    return CanonicalizeSkillPass


def _infer_capabilities() -> type[ModulePass]:
    from skillir.passes.infer_capabilities import InferCapabilitiesPass

    return InferCapabilitiesPass


def _bind_profile() -> type[ModulePass]:
    from skillir.passes.bind_profile import BindProfilePass

    return BindProfilePass


def _analyze_gaps() -> type[ModulePass]:
    from skillir.passes.analyze_gaps import AnalyzeGapsPass

    return AnalyzeGapsPass


def _compile_capabilities() -> type[ModulePass]:
    from skillir.passes.compile_capabilities import CompileCapabilitiesPass

    return CompileCapabilitiesPass


def _bind_env() -> type[ModulePass]:
    from skillir.passes.bind_env import BindEnvPass

    return BindEnvPass


def _extract_concurrency() -> type[ModulePass]:
    from skillir.passes.extract_concurrency import ExtractConcurrencyPass

    return ExtractConcurrencyPass


def _lower_to_harness() -> type[ModulePass]:
    from skillir.passes.lower_to_harness import LowerToHarnessPass

    return LowerToHarnessPass


def _lint_security() -> type[ModulePass]:
    from skillir.passes.lint_security import LintSecurityPass

    return LintSecurityPass


def _conform_frontmatter() -> type[ModulePass]:
    from skillir.passes.conform_frontmatter import ConformFrontmatterPass

    return ConformFrontmatterPass


def _derive_sandbox_policy() -> type[ModulePass]:
    from skillir.passes.derive_sandbox_policy import DeriveSandboxPolicyPass

    return DeriveSandboxPolicyPass


def _lower_security_guards() -> type[ModulePass]:
    from skillir.passes.lower_security_guards import LowerSecurityGuardsPass

    return LowerSecurityGuardsPass


def _outline_references() -> type[ModulePass]:
    from skillir.passes.outline_references import OutlineReferencesPass

    return OutlineReferencesPass


_PASSES: dict[str, Callable[[], type[ModulePass]]] = {
    "canonicalize-skill": _canonicalize_skill,
    "conform-frontmatter": _conform_frontmatter,
    "infer-capabilities": _infer_capabilities,
    "bind-profile": _bind_profile,
    "analyze-gaps": _analyze_gaps,
    "compile-capabilities": _compile_capabilities,
    "bind-env": _bind_env,
    "extract-concurrency": _extract_concurrency,
    "lower-to-harness": _lower_to_harness,
    "lint-security": _lint_security,
    "derive-sandbox-policy": _derive_sandbox_policy,
    "lower-security-guards": _lower_security_guards,
    "outline-references": _outline_references,
}


def register_pass(name: str, load: Callable[[], type[ModulePass]]) -> None:
    """Add a pass (a research pass outside this package): `load` imports and returns
    its class. A name already taken is an error, so a pass cannot shadow another."""
    if name in _PASSES:
        raise ValueError(f"a pass named '{name}' is already registered")
    _PASSES[name] = load


def get_all_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    """Every pass by name, each imported only when asked for."""
    return dict(_PASSES)
