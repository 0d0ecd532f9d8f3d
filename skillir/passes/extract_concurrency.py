"""`extract-concurrency`: the skill's workflow DAG and its parallelism, in the `conc`
dialect (PAPER_NOTES section d, pass 3).

For each `skill.skill` the pass appends one `conc.graph`: a `conc.task` per step with
its dependencies as SSA values (artifact def-use from the skill dialect, document order
where nothing proves two steps independent, "step N" references), the parallel groups
it can justify (`conc.parallel dlp | ilp | tlp`, see `skillir.concurrency.groups`), a
cost per task, the critical path and the speedup bound. A group the target harness
cannot run (ILP without several tool calls per turn, TLP without sub-agents) stays in
the IR with status `sequential` (`conc.parallel ilp sequential`) and the reason; the speedup counts only what the
harness runs. The SKILL.md text is not touched: parallel hints are the backends' job.

The harness is the one `bind-profile` wrote on the skill (`harness.target`); the
`harness` option is for skills with no target yet, and an option that disagrees with
the skill's target is an error.

`oracle=llm model=PROVIDER/MODEL` also asks a model for groups
(`skillir.concurrency.llm_groups`): each proposal must quote the skill and pass the
same vetoes as the rules' groups; answers are cached; the rules are the fallback.

    skill-opt SKILL_DIR -p 'extract-concurrency{harness=claude-code}'
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.concurrency.build import Oracle
from skillir.dialects.conc import GraphOp, ParallelOp
from skillir.dialects.harness import harness_for
from skillir.dialects.skill import SkillOp, StepOp
from skillir.errors import SkillIRError
from skillir.harnesses import HarnessFeatures, harness_names, load_harness
from skillir.oracle import text_model
from skillir.xdsl_compat.walk import block_ops, walk_ops

_LOG = logging.getLogger("skillir.extract-concurrency")


def _log_outcome(skill: SkillOp, outcome) -> None:
    """What the oracle proposed and what the rules let through (the IR holds the result)."""
    if outcome.note:
        _LOG.warning("%s: %s", skill.skill_name, outcome.note)
        return
    for label in outcome.added:
        _LOG.info("%s: added the oracle's %s", skill.skill_name, label)
    for problem in outcome.rejected:
        _LOG.info("%s: refused the oracle's %s", skill.skill_name, problem)


class BuildConcurrencyGraph(RewritePattern):
    """Replace the skill's `conc.graph` (if any) by a fresh one for the target harness."""

    def __init__(self, harness: HarnessFeatures, oracle: Oracle | None = None):
        self.harness = harness
        self.oracle = oracle

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SkillOp, rewriter: PatternRewriter) -> None:
        from skillir.concurrency.build import analyze, build_graph

        block = op.body.blocks.first
        if block is None:
            return
        for old in [o for o in block_ops(block) if type(o) is GraphOp]:
            rewriter.erase(old)
        graph = build_graph(analyze(op, self.harness, self.oracle))
        if self.oracle is not None and self.oracle.outcomes:
            _log_outcome(op, self.oracle.outcomes[-1])
        rewriter.insert(graph, InsertPoint.at_end(block))


@dataclass(frozen=True)
class ExtractConcurrencyPass(ModulePass):
    """Build each skill's workflow DAG with its DLP/ILP/TLP groups for a harness."""

    name = "extract-concurrency"

    harness: str = ""
    """Harness the groups must run on (bare-agent, claude-code, codex, opencode,
    openclaw, hermes) when the skill has no target yet (default bare-agent); groups it
    cannot run are recorded as sequential. It must agree with the skill's target."""

    oracle: str = "rules"
    """How to find groups: 'rules' (deterministic) or 'llm': a model proposes groups too;
    each is validated (schema, quoted evidence) and must pass the rules' vetoes; cached; the rules are the fallback."""
    model: str = ""
    """With oracle=llm: the model, PROVIDER/MODEL (resolved through skillir.oracle)."""

    def legality(self, module: ModuleOp) -> list[str]:
        """Post-condition the pass manager checks after this pass: every kept parallel group is one the harness can run."""
        return check_concurrency_legality(module)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.harness:
            load_harness(self.harness)  # an unknown harness is an error even with no skill
        if self.oracle not in ("rules", "llm"):
            raise SkillIRError(f"extract-concurrency has no oracle '{self.oracle}'",
                               hint="use oracle=rules or oracle=llm model=PROVIDER/MODEL")
        if self.oracle == "llm" and not self.model:
            raise SkillIRError("extract-concurrency: oracle=llm needs model=PROVIDER/MODEL",
                               hint="for example extract-concurrency{oracle=llm model=local/smollm2}")
        oracle = None
        if self.oracle == "llm":
            try:
                oracle = Oracle(self.model, text_model(self.model))
            except SkillIRError as exc:  # no provider: cached answers, else the rules
                oracle = Oracle(self.model, None, exc.message)
        patterns: dict[str, BuildConcurrencyGraph] = {}
        for skill in [o for o in op.ops if isinstance(o, SkillOp)]:
            harness = harness_for(skill, self.harness, self.name)
            if harness not in patterns:
                patterns[harness] = BuildConcurrencyGraph(load_harness(harness), oracle)
            patterns[harness].match_and_rewrite(skill, PatternRewriter(skill))


def check_concurrency_legality(module: ModuleOp) -> list[str]:
    """After extract-concurrency: every skill has exactly one graph, covering each of
    its steps once; every group marked parallel is of a kind its harness can run."""
    problems: list[str] = []
    known = set(harness_names())
    for skill in (o for o in module.ops if isinstance(o, SkillOp)):
        block = skill.body.blocks.first
        graphs = [o for o in block.ops if type(o) is GraphOp] if block else []
        name = skill.skill_name
        if len(graphs) != 1:
            problems.append(f"skill '{name}' has {len(graphs)} conc.graph ops, expected 1")
            continue
        graph = graphs[0]
        steps = sum(1 for o in walk_ops(skill) if type(o) is StepOp)
        ids = sorted(t.task_id for t in graph.tasks())
        if ids != list(range(1, steps + 1)):
            problems.append(f"skill '{name}': the graph's tasks {ids} do not cover its {steps} step(s) once each")
        harness = graph.harness.data
        if harness not in known:
            problems.append(f"skill '{name}': unknown harness '{harness}'")
            continue
        features = load_harness(harness)
        for group in graph.groups():
            if not isinstance(group, ParallelOp) or not group.is_parallel:
                continue
            verdict = features.can_run(group.group_kind.value)
            if not verdict.kept:
                first = next(group.tasks()).task_id
                problems.append(
                    f"skill '{name}': a parallel '{group.group_kind.value}' group (task {first}) "
                    f"cannot run on {harness}: {verdict.reason}"
                )
    return problems
