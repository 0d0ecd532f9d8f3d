"""`infer-capabilities`: annotate each part of a skill with what it demands.

Rule-based and deterministic (`skillir.capability.rules`): code blocks by language
and by what the code uses, commands and their arguments, files read and written,
formulas, planning and analysis words, parallel tool calls, web and browser use,
output-format, style and delegation demands, and the skill's procedure and binding
rules. Each requirement is a `cap.require` with its evidence, rule and SKILL.md
line: in the step's region for a step, right after the op for other content, at
the top of the skill for skill-wide demands. A skill that already carries
requirements is left as it is (the pass is idempotent).

`oracle=learned` (the default) adds what a classifier trained on the hand-labelled
development set is sure the rules missed (`skillir.capability.learned`): skill-wide
`cap.require` ops with `rule = "learned"` and the features that decided it as evidence;
offline and deterministic, and nothing the rules found is dropped. `oracle=rules` is
the rules alone.

`oracle=llm model=PROVIDER/MODEL` also asks a model which primitives the skill
demands (`skillir.capability.llm_requirements`): the answer is checked against a JSON
schema and its evidence against the skill's text, cross-checked with the rules
(primitives only the oracle names become skill-wide `cap.require` ops with
`rule = "llm:MODEL"`; judgments only the rules make are dropped; code facts stay),
and cached by content hash and model; any failure leaves the rule-based result.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.capability import learned
from skillir.capability.inference import Requirement, infer_skill
from skillir.capability.llm_requirements import OracleOutcome, oracle_requirements
from skillir.capability.query import located, skill_filename
from skillir.dialects.cap import ProfileOp, RequireOp, i64_attr, prim
from skillir.dialects.skill import (
    FrontmatterOp,
    SkillOp,
    StepOp,
    lazy_markdown,
    region_ops,
    skills_of,
)
from skillir.errors import SkillIRError
from skillir.oracle import TextModel, text_model
from skillir.xdsl_compat.build import new_op, text_attr

ORACLES = ("rules", "learned", "llm")


_RULES: dict[str, StringAttr] = {}
_LOG = logging.getLogger("skillir.infer-capabilities")


def _log_outcome(skill: SkillOp, outcome: OracleOutcome) -> None:
    """The cross-check, for whoever runs with logging on (the IR holds the result)."""
    name = skill.skill_name
    if outcome.note:
        _LOG.warning("%s: %s", name, outcome.note)
        return
    for what, prims in (("only the oracle named", outcome.added), ("the oracle raised", outcome.raised),
                        ("only the rules named (dropped)", outcome.dropped)):
        if prims:
            _LOG.info("%s: %s %s", name, what, ", ".join(prims))
    for problem in outcome.rejected:
        _LOG.info("%s: refused %s", name, problem)


def learned_requirements(skill: SkillOp, found: list[Requirement],
                         markdown: Callable[[], str] | None = None) -> list[Requirement]:
    """Skill-wide requirements the learned classifiers are sure the rules missed, and
    those whose level the level classifiers raise (rule `learned.level`; the rules'
    own findings stay), `markdown`: the skill's text on demand, when the caller shares it."""
    levels: dict[str, int] = {}
    for req in found:
        levels[req.prim] = max(levels.get(req.prim, 0), req.level)
    text = (markdown or lazy_markdown(skill))()

    def why(guess: learned.Prediction) -> str:
        return f"p={guess.probability:.2f} from {', '.join(guess.reasons) or 'the skill as a whole'}"

    return [*(Requirement(skill, guess.prim, guess.level, "learned", why(guess), None)
              for guess in learned.missed(text, levels)),
            *(Requirement(skill, guess.prim, guess.level, "learned.level",
                          f"level {guess.level} over the rules' {levels[guess.prim]}: {why(guess)}", None)
              for guess in learned.raised(text, levels))]


def requirement_op(req: Requirement, filename: StringAttr | None) -> RequireOp:
    rule = _RULES.get(req.rule)
    if rule is None:
        rule = _RULES[req.rule] = StringAttr(req.rule)
    props = {
        "prim": prim(req.prim, req.level),
        "evidence": text_attr(req.evidence),  # a str: the evidence quoted from the skill
        "rule": rule,
    }
    if req.line is not None:
        props["line"] = i64_attr(req.line)
    op = new_op(RequireOp, props)  # `RequireOp.create`, without its generic setters
    located(op, filename, req.line)
    return op


class InferSkillRequirements(RewritePattern):
    """Infer the requirements of one skill and insert a `cap.require` per
    (anchor, primitive); with an oracle model, its answer is folded in
    (`skillir.capability.llm_requirements`)."""

    def __init__(self, model_id: str = "", model: TextModel | None = None, unavailable: str | None = None,
                 *, learned_too: bool = False):
        self.model_id, self.model, self.unavailable = model_id, model, unavailable
        self.learned_too = learned_too

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SkillOp, rewriter: PatternRewriter) -> None:
        body = region_ops(op.body)
        markdown = lazy_markdown(op)  # the text, made once for the rules and the classifiers
        found = infer_skill(op, markdown)  # empty when the skill already has requirements
        if not found:
            return
        if self.learned_too:
            found = [*found, *learned_requirements(op, found, markdown)]
        if self.model_id:
            found, outcome = oracle_requirements(op, found, self.model_id, self.model)
            if outcome.note and self.unavailable and not outcome.cached:
                outcome.note = f"{outcome.note} ({self.unavailable})"
            _log_outcome(op, outcome)
        filename = skill_filename(op)
        skill_wide: list[Operation] = []
        groups: dict[int, tuple[Operation, list[Operation]]] = {}
        for req in found:
            new = requirement_op(req, filename)
            if req.anchor is op:
                skill_wide.append(new)
            else:
                groups.setdefault(id(req.anchor), (req.anchor, []))[1].append(new)
        if skill_wide:
            after = None
            for item in body:
                if isinstance(item, FrontmatterOp | ProfileOp):
                    after = item
                else:
                    break
            point = InsertPoint.after(after) if after is not None else InsertPoint.at_start(op.body.block)
            rewriter.insert(skill_wide, point)
        for anchor, new_ops in groups.values():
            if isinstance(anchor, StepOp):
                rewriter.insert(new_ops, InsertPoint.at_end(anchor.nested_block()))
            else:
                rewriter.insert(new_ops, InsertPoint.after(anchor))


@dataclass(frozen=True)
class InferCapabilitiesPass(ModulePass):
    """Infer each step's required primitive capabilities, with evidence (rules + learned opinion)."""

    name = "infer-capabilities"

    oracle: str = "learned"
    """How to infer: 'learned' (the default: the rules plus what a classifier trained
    on the labelled development set is sure they missed; deterministic, no network),
    'rules' (the rules alone) or 'llm': a model reads the
    skill too; its answer is validated, cross-checked against the rules and cached,
    and the rules are the fallback."""
    model: str = ""
    """With oracle=llm: the model, PROVIDER/MODEL (resolved through skillir.oracle); answers are cached under $SKILLIR_HOME/cache/."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.oracle not in ORACLES:
            raise SkillIRError(
                f"infer-capabilities has no oracle '{self.oracle}'",
                hint="use oracle=rules, oracle=learned or oracle=llm model=PROVIDER/MODEL",
            )
        if self.oracle == "llm" and not self.model:
            raise SkillIRError("infer-capabilities: oracle=llm needs model=PROVIDER/MODEL",
                               hint="for example infer-capabilities{oracle=llm model=local/smollm2}")
        if self.oracle != "llm":
            pattern = InferSkillRequirements(learned_too=self.oracle == "learned")
        else:
            try:
                pattern = InferSkillRequirements(self.model, text_model(self.model))
            except SkillIRError as exc:  # no provider: cached answers, else the rules
                pattern = InferSkillRequirements(self.model, None, exc.message)
        for skill in skills_of(op):
            pattern.match_and_rewrite(skill, PatternRewriter(skill))
