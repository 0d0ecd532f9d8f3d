"""`infer-capabilities`: annotate each part of a skill with what it demands.

Rule-based and deterministic (`skillir.capability.rules`): code blocks by language
and by what the code uses, commands and their arguments, files read and written,
formulas, planning and analysis words, parallel tool calls, web and browser use,
output-format, style and delegation demands, and the skill's procedure and binding
rules. Each requirement is a `cap.require` with its evidence, rule and SKILL.md
line: in the step's region for a step, right after the op for other content, at
the top of the skill for skill-wide demands. A skill that already carries
requirements is left as it is (the pass is idempotent).
"""

from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.ir import Operation
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.capability.inference import Requirement, infer_skill
from skillir.capability.query import located, skill_filename, skills
from skillir.dialects.cap import ProfileOp, RequireOp, i64_attr, prim
from skillir.dialects.skill import FrontmatterOp, SkillOp, StepOp, region_ops
from skillir.errors import SkillIRError

ORACLES = ("rules",)


_RULES: dict[str, StringAttr] = {}


def requirement_op(req: Requirement, filename: StringAttr | None) -> RequireOp:
    rule = _RULES.get(req.rule)
    if rule is None:
        rule = _RULES[req.rule] = StringAttr(req.rule)
    props = {
        "prim": prim(req.prim, req.level),
        "evidence": StringAttr(req.evidence),
        "rule": rule,
    }
    if req.line is not None:
        props["line"] = i64_attr(req.line)
    op = RequireOp.create(properties=props)
    located(op, filename, req.line)
    return op


class InferSkillRequirements(RewritePattern):
    """Infer the requirements of one skill and insert a `cap.require` per
    (anchor, primitive)."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: SkillOp, rewriter: PatternRewriter) -> None:
        body = region_ops(op.body)
        found = infer_skill(op)  # empty when the skill already has requirements
        if not found:
            return
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
    """Infer each step's required primitive capabilities, with evidence (rule-based)."""

    name = "infer-capabilities"

    oracle: str = "rules"
    """How to infer: 'rules' (deterministic, no network). An 'llm' oracle will come
    with the runtime's providers."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        if self.oracle not in ORACLES:
            raise SkillIRError(
                f"infer-capabilities has no oracle '{self.oracle}'",
                hint="use oracle=rules (an LLM oracle needs the runtime's providers, not yet available)",
            )
        pattern = InferSkillRequirements()
        for skill in skills(op):
            pattern.match_and_rewrite(skill, PatternRewriter(skill))
