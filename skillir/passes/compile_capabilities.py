"""`compile-capabilities`: close the gaps between a skill and its target.

For every open `cap.gap` (most severe first: missing before weak, larger before
smaller) the registered strategies (`skillir.capability.strategies`, each a
RewritePattern) are tried in order: offload complete code to a script, compensate a
one-level gap, substitute along an equivalence class, decompose a step, chain the
catalog's guidance, else mark it unresolved with a diagnostic. Each closed gap gets
a record op (`cap.compensated`, `cap.substituted`, `cap.decomposed`,
`cap.offloaded`, `cap.unresolved`) and its requirement is lowered in place (the
inferred demand kept in `original`).

SKILL.md changes only through skill ops (a step's text, or a new `skill.text`);
front matter, headings and code blocks are never touched, and the added text stays
within the paper's tiered budget (x2.0 under 100 lines, x1.0 for 100-200, x0.5
over 200; scaled by `budget-percent`) and adds at most `max-growth-percent` (10) of
the SKILL.md's characters, so no compiled skill grows by more than about a tenth
(0: no such cap, the paper's line tiers only). A skill without gaps comes out unchanged. After
the pass, the pipeline checks that no requirement is above the bound profile
unless marked unresolved.

`rewriter=llm model=PROVIDER/MODEL` first asks a compiler model for at most 3
one-sentence edits for the skill's weak gaps (`skillir.capability.rewriter`), each
checked by the guard and recorded as `cap.compensated "model-rewrite"` with
`rule = "llm:MODEL"` and the model's reason; answers are cached by content hash and
model. The rules then close the remaining gaps; a provider error or an invalid
answer leaves the rule-based result, with the reason on its records.
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import GreedyRewritePatternApplier, PatternRewriter

from skillir.capability.guard import EditGuard
from skillir.capability.legality import requirements_within_profile
from skillir.capability.query import ops_of_type, profile_op, record_of
from skillir.capability.strategies import CompileState, make_patterns, strategy_names
from skillir.dialects.cap import GapOp
from skillir.dialects.skill import SkillOp
from skillir.errors import SkillIRError


def _severity(gap: GapOp) -> tuple[int, int]:
    return (0 if gap.kind.data == "missing" else 1, -gap.size)


@dataclass(frozen=True)
class CompileCapabilitiesPass(ModulePass):
    """Close capability gaps: compensate, substitute, decompose, offload to a script, or mark unresolved."""

    name = "compile-capabilities"

    budget_percent: int = 100
    """Percent of the paper's added-text budget (x2.0 / x1.0 / x0.5 of the skill's lines by size)."""
    max_growth_percent: int = 10
    """At most this percent of the SKILL.md's characters added (0: no cap beyond the line budget)."""
    strategies: tuple[str, ...] = ()
    """Only these strategies (by name; 'unresolved' always runs last); empty = all registered."""
    rewriter: str = "rules"
    """'rules' (deterministic, the default) or 'llm': a compiler model proposes up to 3 local edits per skill, each checked by the guard; the rules close the rest and are the fallback."""
    model: str = ""
    """With rewriter=llm: the compiler model, PROVIDER/MODEL (resolved through skillir.oracle); answers are cached under $SKILLIR_HOME/cache/."""

    def legality(self, module: ModuleOp) -> list[str]:
        """Post-condition the pass manager checks after this pass: no requirement above the bound profile remains unless marked unresolved."""
        return requirements_within_profile(module)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.budget_percent < 0 or self.max_growth_percent < 0:
            raise SkillIRError("compile-capabilities: budget-percent and max-growth-percent cannot be negative")
        names = list(self.strategies) or None
        if names:
            unknown = [n for n in names if n not in strategy_names()]
            if unknown:
                raise SkillIRError(f"compile-capabilities: unknown strategy '{unknown[0]}'",
                                   hint=f"choose from {', '.join(strategy_names())}")
        if self.rewriter not in ("rules", "llm"):
            raise SkillIRError(f"compile-capabilities: unknown rewriter '{self.rewriter}'", hint="use rewriter=rules or rewriter=llm")
        if self.rewriter == "llm" and not self.model:
            raise SkillIRError("compile-capabilities: rewriter=llm needs model=PROVIDER/MODEL",
                               hint="for example compile-capabilities{rewriter=llm model=local/smollm2}")
        state = CompileState(budget_scale=self.budget_percent / 100,
                             max_growth=self.max_growth_percent / 100 if self.max_growth_percent else None)
        applier = GreedyRewritePatternApplier(make_patterns(state, names), dce_enabled=False,
                                              folding_enabled=False)
        for skill in op.ops:
            if not isinstance(skill, SkillOp):
                continue
            gaps = [g for g in ops_of_type(skill, GapOp) if record_of(g) is None]
            if not gaps:
                continue
            if profile_op(skill) is None:
                raise SkillIRError(f"compile-capabilities: skill '{skill.skill_name}' has gaps but no profile",
                                   hint="run bind-profile and analyze-gaps first")
            guard = EditGuard(skill)
            rewriter = PatternRewriter(skill)
            rewriter.extend_from_listener(guard.listener)
            order = {id(g): i for i, g in enumerate(gaps)}
            ordered = sorted(gaps, key=lambda g: (*_severity(g), order[id(g)]))
            note = self._llm_edits(state, ordered, rewriter) if self.rewriter == "llm" else None
            for gap in ordered:
                rewriter.has_done_action = False  # one rewriter per skill; each gap starts afresh
                applier.match_and_rewrite(gap, rewriter)
            if note:
                _note_fallback(ordered, note)
            problems = sorted(set(guard.problems))
            overspent = state.for_skill(skill).budget.overspent()
            if overspent:
                problems.append(overspent)
            if problems:
                raise SkillIRError(f"compile-capabilities broke its guard on '{skill.skill_name}': "
                                   + "; ".join(problems), hint="this is a bug in a compile strategy")

    def _llm_edits(self, state: CompileState, gaps: list[GapOp], rewriter: PatternRewriter) -> str | None:
        """Let the compiler model close what it can; returns the fallback note, if any."""
        from skillir.capability.rewriter import rewrite
        from skillir.oracle import text_model

        contexts = [c for g in gaps if (c := state.context(g)) is not None]
        if not contexts:
            return None
        try:
            model = text_model(self.model)
        except SkillIRError as exc:
            model = None
            unavailable = exc.message
        else:
            unavailable = None
        outcome = rewrite(contexts, self.model, model, rewriter)
        for gap in gaps:
            if record_of(gap) is not None:
                state.closed.add(id(gap))
        if outcome.note and unavailable and not outcome.cached:
            return f"{outcome.note} ({unavailable})"
        return outcome.note


def _note_fallback(gaps: list[GapOp], note: str) -> None:
    """Say on each record the rules made that the LLM rewriter fell back to them."""
    from xdsl.dialects.builtin import StringAttr

    from skillir.dialects.cap import TransformOp, UnresolvedOp

    for gap in gaps:
        record = record_of(gap)
        if isinstance(record, TransformOp):
            reason = record.reason.data + "; " if record.reason is not None else ""
            record.properties["reason"] = StringAttr(reason + note)
        elif isinstance(record, UnresolvedOp):
            record.properties["diagnostic"] = StringAttr(record.diagnostic.data + "; " + note)
