"""`bind-env`: what the environment must hold for each skill, whether this machine
has it, and the script that installs what is missing (PAPER_NOTES section d, pass 2).

    skill-opt SKILL_DIR -p bind-env                       # dependencies + probe
    skill-opt SKILL_DIR -p 'bind-env{probe=false}'        # deterministic, no subprocess
    skill-opt SKILL_DIR -p bind-env -t env-setup -o env-setup.sh

Appends one `env.bind` to every `skill.skill` (replacing an earlier one): an
`env.require` per dependency with its evidence (file:line), check and install lines,
`env.note`s for input it skipped or candidates it dropped, an `env.probe` with what
this machine has, and the `env.setup` script. Extraction is rule-based and offline
(`skillir.envbind`); the probe runs real checks with timeouts and can be turned off.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern

from skillir.attrs import bool_attr
from skillir.deps.probe import probe
from skillir.deps.script import generate
from skillir.dialects.env import BindOp, NoteOp, ProbeOp, RequireOp, SetupOp
from skillir.dialects.skill import SkillOp, ensure_block, region_ops, skills_of
from skillir.envbind.extract import ExtractOptions, Extractor, op_line, skill_folder
from skillir.envbind.ir import (
    bind_op,
    dependency_of,
    note_op,
    probe_op,
    require_op,
    setup_op,
)
from skillir.ir import apply_once
from skillir.xdsl_compat.walk import walk_ops


class BindSkillEnvironment(RewritePattern):
    """Extract the skill's dependencies into a fresh `env.bind` at the end of it."""

    def __init__(self, options: ExtractOptions):
        self.extractor = Extractor(options)

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SkillOp, rewriter: PatternRewriter) -> None:
        result = self.extractor.extract(op, skill_folder(op))
        block = ensure_block(op.body)
        for old in [o for o in region_ops(op.body) if type(o) is BindOp]:  # (exact class: see _ENV_OPS)
            rewriter.erase(old)
        ops: list[Operation] = [require_op(dep) for dep in result.dependencies]
        ops.extend(note_op(note) for note in result.notes)
        bind = bind_op(ops)
        if op_line(op):
            bind.location = op.location
        rewriter.insert(bind, _at_end(block))


class ProbeEnvironment(RewritePattern):
    """Run each requirement's check on this machine; record `present`/`version` and
    an `env.probe` with the host facts."""

    def __init__(self, python: str, timeout: float):
        self.python = python
        self.timeout = timeout

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BindOp, rewriter: PatternRewriter) -> None:
        requires = op.requires
        deps = [dependency_of(r) for r in requires]
        report = probe(deps, python=self.python, timeout=self.timeout)
        for require, dep in zip(requires, deps, strict=True):
            if dep.present is not None:
                require.properties["present"] = bool_attr(dep.present)
            if dep.version:
                require.properties["version"] = StringAttr(dep.version)
            rewriter.notify_op_modified(require)
        for old in [o for o in op.body.ops if isinstance(o, ProbeOp)]:
            rewriter.erase(old)
        new_ops: list[Operation] = [note_op(n) for n in report.notes]
        new_ops.append(probe_op(report.facts))
        for new in new_ops:
            rewriter.insert(new, _at_end(op.body.block))


class GenerateSetupScript(RewritePattern):
    """Write the env-setup.sh for the requirements into an `env.setup`."""

    def __init__(self, allow_apt_update: bool):
        self.allow_apt_update = allow_apt_update

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: BindOp, rewriter: PatternRewriter) -> None:
        skill = op.parent_op()
        name = skill.sym_name.data if isinstance(skill, SkillOp) else "skill"
        script = generate(name, [dependency_of(r) for r in op.requires], allow_apt_update=self.allow_apt_update)
        for old in [o for o in op.body.ops if isinstance(o, SetupOp)]:
            rewriter.erase(old)
        rewriter.insert(setup_op(script), _at_end(op.body.block))


def _at_end(block):
    from xdsl.rewriter import InsertPoint

    return InsertPoint.at_end(block)


@dataclass(frozen=True)
class BindEnvPass(ModulePass):
    """Dependencies with evidence, a presence probe, and the env-setup.sh script."""

    name = "bind-env"

    probe: bool = True
    """Run the checks on this machine (importlib/pip metadata, command -v, npm ls)
    and record what is present. Off: no subprocess, same output on every machine."""
    python: str = ""
    """Interpreter the probe asks about pip packages (default: $PYTHON, else python3)."""
    timeout: float = 10.0
    """Seconds each probe process may take before its answers count as unknown."""
    scripts: bool = True
    """Read the bundled scripts and manifests, not only SKILL.md."""
    min_confidence: int = 50
    """Dependencies with less confidence (0..100) are noted, not required."""
    max_file_bytes: int = 524288
    """Bundled files larger than this are skipped with a note."""
    setup: bool = True
    """Generate the env-setup.sh script (`env.setup`)."""
    apt_update: bool = False
    """Let the script run `apt-get update` once before installing (never an upgrade)."""

    def legality(self, module: ModuleOp) -> list[str]:
        """Post-condition the pass manager checks after this pass: one `env.bind` per skill and no env op outside it."""
        return _one_bind_per_skill(module) + _no_stray_env_ops(module)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        skills = skills_of(op)
        options = ExtractOptions(scripts=self.scripts, min_confidence=self.min_confidence,
                                 max_file_bytes=self.max_file_bytes)
        apply_once(BindSkillEnvironment(options), skills)
        binds = [b for s in skills for b in region_ops(s.body) if type(b) is BindOp]
        if self.probe:
            apply_once(ProbeEnvironment(self.python, self.timeout), binds)
        if self.setup:
            apply_once(GenerateSetupScript(self.apt_update), binds)


_ENV_OPS = frozenset({RequireOp, NoteOp, ProbeOp, SetupOp})
"""The ops that live in an `env.bind`. The env ops are tested by exact class (no op
subclasses them): xdsl ops are ABCs, so an isinstance over their union costs about a
microsecond for every op of the module the legality check walks."""


def _one_bind_per_skill(module: ModuleOp) -> list[str]:
    problems = []
    for skill in skills_of(module):
        count = sum(1 for o in region_ops(skill.body) if type(o) is BindOp)
        if count != 1:
            problems.append(f"skill '{skill.sym_name.data}' has {count} 'env.bind' ops, expected 1")
    return problems


def _no_stray_env_ops(module: ModuleOp) -> list[str]:
    return [
        f"'{o.name}' outside an 'env.bind'" for o in walk_ops(module)
        if type(o) in _ENV_OPS and not isinstance(o.parent_op(), BindOp)
    ]
