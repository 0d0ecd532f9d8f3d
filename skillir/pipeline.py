"""The pass manager: pipelines of registered passes over a module, with verification,
legality checks, IR printing and timing between passes (xdsl's PassPipeline does the
sequencing; this adds what mlir-opt users expect around it).

```python
from skillir.pipeline import PassManager
PassManager.from_spec("canonicalize-skill", verify_each=True, timing=True).run(module)
```

Pipeline strings follow xdsl's syntax (`a,b{opt=v other=w}`), also accept MLIR's
`builtin.module(a,b)` wrapper, and quote option values such as `bare-agent/qwen3.5-9b`
that xdsl's lexer would reject unquoted.

Stages are a ladder of pass instances built from a typed `Target`, like the Toy
tutorial's `-emit=` levels: `stage_passes("cap", Target.parse("claude-code/opus-4.6"))`
is everything up to the capability stage (`--stage=cap` in skill-opt).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass, PassPipeline
from xdsl.utils.exceptions import DiagnosticException, VerifyException

from skillir.errors import SkillIRError, one_line
from skillir.ir import verify_module
from skillir.target import Target
from skillir.xdsl_compat.pass_spec import normalize_spec, parse_spec_errors

STAGE_NAMES = ("skill", "cap", "env", "conc", "harness")
"""The levels of DESIGN.md, in order; each stage's passes are a prefix of the next's."""

DEFAULT_TARGET = "bare-agent/qwen3.5-9b"


LegalityCheck = Callable[[ModuleOp], list[str]]
"""Returns what is illegal in the module after a pass (empty when all is well)."""

_LEGALITY: dict[str, list[LegalityCheck]] = {}


def register_legality(pass_name: str, check: LegalityCheck) -> None:
    """Also run `check` after every run of `pass_name` (when verification is on). A pass
    declares its own post-condition as a `legality(module)` method; this hook is for
    checks added from outside (a research pass's extra invariant)."""
    _LEGALITY.setdefault(pass_name, []).append(check)


def stage_passes(stage: str, target: Target | None = None, *, probe: bool = True,
                 security: str = "warn", max_growth_percent: int | None = None,
                 conform_frontmatter: bool = False) -> tuple[ModulePass, ...]:
    """The ladder of pass instances up to a named stage (like Toy's `compiler.py`
    `transform`): built once from the typed target, never from pipeline text. The
    target is written into the IR by `bind-profile`; the later passes read it there.
    `max_growth_percent` overrides the cap on added text of compile-capabilities and
    lower-to-harness (its parallel hints). `conform_frontmatter` adds that pass before
    the lowering (front matter skills-ref accepts, keeping the harness's own keys)."""
    from skillir.passes.analyze_gaps import AnalyzeGapsPass
    from skillir.passes.bind_env import BindEnvPass
    from skillir.passes.bind_profile import BindProfilePass
    from skillir.passes.compile_capabilities import CompileCapabilitiesPass
    from skillir.passes.conform_frontmatter import ConformFrontmatterPass
    from skillir.passes.derive_sandbox_policy import DeriveSandboxPolicyPass
    from skillir.passes.extract_concurrency import ExtractConcurrencyPass
    from skillir.passes.infer_capabilities import InferCapabilitiesPass
    from skillir.passes.lint_security import LintSecurityPass
    from skillir.passes.lower_security_guards import LowerSecurityGuardsPass
    from skillir.passes.lower_to_harness import LowerToHarnessPass
    from skillir.passes.outline_references import OutlineReferencesPass
    from skillir.target import DEFAULT_TARGET as DEFAULT

    if stage not in STAGE_NAMES:
        raise SkillIRError(f"unknown stage '{stage}'", hint=f"choose one of {', '.join(STAGE_NAMES)}")
    target = target or DEFAULT
    growth = {} if max_growth_percent is None else {"max_growth_percent": max_growth_percent}
    ladder: list[tuple[str, ModulePass]] = [
        ("cap", LintSecurityPass(mode=security)),
        ("cap", InferCapabilitiesPass()),
        ("cap", BindProfilePass(target=str(target))),
        ("cap", AnalyzeGapsPass()),
        ("cap", CompileCapabilitiesPass(**growth)),
        ("env", BindEnvPass() if probe else BindEnvPass(probe=False)),
        ("env", DeriveSandboxPolicyPass()),
        ("conc", ExtractConcurrencyPass()),
        *((("harness", OutlineReferencesPass()),) if _reads_references(target) else ()),
        *((("harness", ConformFrontmatterPass()),) if conform_frontmatter else ()),
        ("harness", LowerSecurityGuardsPass()),
        ("harness", LowerToHarnessPass(**growth)),
    ]
    upto = STAGE_NAMES.index(stage)
    return tuple(p for level, p in ladder if STAGE_NAMES.index(level) <= upto)


def _reads_references(target: Target) -> bool:
    """Does the target harness give the model a tool to read files, so that material
    `outline-references` moves to references/ is loaded on demand?"""
    from skillir.harnesses import load_harness

    return load_harness(target.harness).tool_for("read") is not None


def stage_ends(passes: tuple[ModulePass, ...]) -> frozenset[int]:
    """Indices of the passes that end a stage of the ladder (`stage_passes`): where
    skill-opt verifies the module by default (like a release build; every pass with
    --verify-each). The last pass always ends one."""
    first_stage: dict[str, str] = {}  # pass name -> the first stage whose ladder holds it
    for stage in STAGE_NAMES:  # (with the optional passes, so that they end no stage of their own)
        for pass_ in stage_passes(stage, probe=False, conform_frontmatter=True):
            first_stage.setdefault(pass_.name, stage)
    ends = {len(passes) - 1} if passes else set()
    for index in range(len(passes) - 1):
        here, after = first_stage.get(passes[index].name), first_stage.get(passes[index + 1].name)
        if here is None or here != after:
            ends.add(index)
    return frozenset(ends)


def pipeline_text(passes: tuple[ModulePass, ...]) -> str:
    """A pipeline of pass instances as the text a user would write with -p (options
    at their defaults left out): for display and --print-pipeline, not for building."""
    import dataclasses

    parts = []
    for pass_ in passes:
        options = [
            f"{f.name.replace('_', '-')}={getattr(pass_, f.name)}"
            for f in dataclasses.fields(pass_)
            if f.default is not dataclasses.MISSING and getattr(pass_, f.name) != f.default
        ]
        parts.append(pass_.name + ("{" + " ".join(options) + "}" if options else ""))
    return ",".join(parts)


def stage_pipeline(stage: str, target: str = DEFAULT_TARGET) -> str:
    """The pipeline text of a named stage for a `harness/model` target (the ladder of
    `stage_passes`, printed)."""
    from skillir.target import Target

    return pipeline_text(stage_passes(stage, Target.parse(target)))


def available_passes() -> dict[str, Callable[[], type[ModulePass]]]:
    from skillir.passes import get_all_passes

    return get_all_passes()


def parse_pipeline(spec: str) -> tuple[ModulePass, ...]:
    """Instantiate the passes of a pipeline string; a bad string is a SkillIRError."""
    spec = normalize_spec(spec)
    if not spec:
        return ()
    passes = available_passes()
    try:
        return PassPipeline.parse_spec(passes, spec).passes
    except ValueError as exc:
        text = str(exc)
        if text.startswith("Unrecognized passes"):
            raise SkillIRError(
                text.replace("Unrecognized passes", "unknown pass(es) in pipeline"),
                hint="skill-opt --list-passes shows the registered passes",
            ) from None
        raise SkillIRError(f"bad pass option: {one_line(exc)}", hint="see skill-opt --list-passes") from None
    except parse_spec_errors as exc:  # a BaseException in xdsl 0.74
        message = one_line(exc)
        raise SkillIRError(
            f"malformed pass pipeline '{spec}': {message}",
            hint="write it as 'pass-a,pass-b{option=value}'",
        ) from None


@dataclass
class PassTiming:
    name: str
    seconds: float


@dataclass
class PassManager:
    """Runs passes in order; between them verifies, checks legality, prints, times."""

    passes: tuple[ModulePass, ...]
    verify_each: bool = True
    print_ir_after_all: bool = False
    print_ir_after: frozenset[str] = frozenset()
    print_ir_before: frozenset[str] = frozenset()
    print_generic: bool = False
    timing: bool = False
    verify_points: frozenset[int] = frozenset()
    """Without `verify_each`: indices of the passes after which the module is still
    verified (`stage_ends`). Legality checks run after every pass whenever either is on."""
    legality_each: bool = False
    """Check each pass's legality (its post-condition, cheap) even when no verification
    is on: skill-batch's census path verifies nothing, like a release build."""
    stream: IO[str] | None = None
    timings: list[PassTiming] = field(default_factory=list)
    _context: Context | None = field(default=None, init=False, repr=False, compare=False)
    """The context `run` makes when given none, kept for the next run (making one registers
    every dialect: ~50 µs a compile)."""

    @classmethod
    def from_spec(cls, spec: str, **options) -> PassManager:
        return cls(passes=parse_pipeline(spec), **options)

    def run(self, module: ModuleOp, ctx: Context | None = None) -> ModuleOp:
        if ctx is None:
            if self._context is None:
                from skillir.ir import make_context

                self._context = make_context()
            ctx = self._context
        self.timings = []
        for index, pass_ in enumerate(self.passes):
            if pass_.name in self.print_ir_before:
                self._print(f"IR Dump Before {pass_.name}", module)
            start = time.perf_counter()
            try:
                pass_.apply(ctx, module)
            except SkillIRError:
                raise
            except (VerifyException, DiagnosticException) as exc:
                raise SkillIRError(f"pass '{pass_.name}' failed: {one_line(exc)}") from None
            self.timings.append(PassTiming(pass_.name, time.perf_counter() - start))
            if self.verify_each or self.verify_points or self.legality_each:
                start = time.perf_counter()
                if self.verify_each or index in self.verify_points:
                    verify_module(module, after=f"{pass_.name} (pass {index + 1})")
                checks = [*_LEGALITY.get(pass_.name, ())]
                if callable(getattr(pass_, "legality", None)):
                    checks.insert(0, pass_.legality)
                for check in checks:
                    problems = check(module)
                    if problems:
                        raise SkillIRError(
                            f"after '{pass_.name}': illegal IR: {problems[0]}"
                            + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else "")
                        )
                self.timings.append(PassTiming("(verify)", time.perf_counter() - start))
            if self.print_ir_after_all or pass_.name in self.print_ir_after:
                self._print(f"IR Dump After {pass_.name}", module)
        if self.timing:
            self._print_timing()
        return module

    def _out(self) -> IO[str]:
        return self.stream if self.stream is not None else sys.stderr

    def _print(self, title: str, module: ModuleOp) -> None:
        from skillir.ir import print_module

        out = self._out()
        out.write(f"// -----// {title} //----- //\n")
        out.write(print_module(module, generic=self.print_generic))

    def _print_timing(self) -> None:
        merged: dict[str, float] = {}
        for item in self.timings:
            merged[item.name] = merged.get(item.name, 0.0) + item.seconds
        total = sum(merged.values()) or 1e-12
        rule = "===" + "-" * 73 + "==="
        out = self._out()
        out.write(f"{rule}\n{'... Execution time report ...':^79}\n{rule}\n")
        out.write(f"  Total Execution Time: {total:.4f} seconds\n\n")
        out.write("  ----Wall Time----  ----Name----\n")
        for name, seconds in merged.items():
            out.write(f"  {seconds:8.4f} ({100 * seconds / total:5.1f}%)  {name}\n")
        out.write(f"  {total:8.4f} (100.0%)  Total\n")
