"""`canonicalize-skill`: merge duplicate constraints, normalise whitespace.

A constraint that repeats an earlier one (same words, ignoring case, markup and
punctuation) is removed. Source text gets LF line ends, no trailing spaces (a
two-space hard line break is kept), and at most one blank line in a row; code bodies
keep their content and only lose CR characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp, StringAttr
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import (
    GreedyRewritePatternApplier,
    PatternRewriter,
    PatternRewriteWalker,
    RewritePattern,
    op_type_rewrite_pattern,
)

from skillir.dialects.skill import (
    CodeOp,
    ConstraintOp,
    ExampleOp,
    FrontmatterOp,
    SectionOp,
    SkillOp,
    StepOp,
    TextOp,
)

_MARKUP = re.compile(r"[*_`>#\[\]()]|^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_SPACE = re.compile(r"\s+")
_BLANKS = re.compile(r"\n{3,}")


def constraint_key(text: str) -> str:
    """What a constraint says, ignoring case, markup, spacing and final punctuation."""
    words = _SPACE.sub(" ", _MARKUP.sub(" ", text)).strip().lower()
    return words.rstrip(".!;:")


def _strip_line(line: str, next_line: str | None) -> str:
    stripped = line.rstrip(" \t")
    tail = line[len(stripped) :]
    if stripped and len(tail) >= 2 and tail.strip(" ") == "" and (next_line or "").strip():
        return stripped + "  "  # two spaces before a non-blank line: a CommonMark hard break
    return stripped


def normalize_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    text = "\n".join(_strip_line(line, nxt) for line, nxt in zip(lines, [*lines[1:], None], strict=True))
    return _BLANKS.sub("\n\n", text)


class MergeDuplicateConstraints(RewritePattern):
    """Erase a constraint whose words repeat an earlier constraint of the same skill."""

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: ConstraintOp, rewriter: PatternRewriter) -> None:
        skill = op.parent_op()
        while skill is not None and not isinstance(skill, SkillOp):
            skill = skill.parent_op()
        if skill is None:
            return
        key = constraint_key(op.text.data)
        for other in skill.walk():
            if other is op:
                return
            if isinstance(other, ConstraintOp) and constraint_key(other.text.data) == key:
                rewriter.erase(op)
                return


class NormalizeSourceWhitespace(RewritePattern):
    """LF line ends, no trailing spaces, single blank lines in source text."""

    def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
        if isinstance(op, TextOp | StepOp | ConstraintOp | ExampleOp | FrontmatterOp):
            self._set(op, "text", normalize_text(op.text.data), rewriter)
        elif isinstance(op, SectionOp) and op.heading is not None:
            self._set(op, "heading", normalize_text(op.heading.data), rewriter)
        elif isinstance(op, CodeOp):
            self._set(op, "body", op.body.data.replace("\r\n", "\n"), rewriter)
            for name in ("open", "close"):
                value = op.properties.get(name)
                if isinstance(value, StringAttr):
                    self._set(op, name, value.data.replace("\r\n", "\n"), rewriter)
            if op.trail is not None:
                self._set(op, "trail", normalize_text(op.trail.data), rewriter)

    @staticmethod
    def _set(op, name: str, value: str, rewriter: PatternRewriter) -> None:
        if op.properties[name].data != value:
            op.properties[name] = StringAttr(value)
            rewriter.notify_op_modified(op)


@dataclass(frozen=True)
class CanonicalizeSkillPass(ModulePass):
    """Merge duplicate constraints and normalise whitespace in skill source text."""

    name = "canonicalize-skill"

    merge_constraints: bool = True
    """Erase constraints that repeat an earlier one."""
    whitespace: bool = True
    """Normalise line ends, trailing spaces and blank-line runs."""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        patterns: list[RewritePattern] = []
        if self.merge_constraints:
            patterns.append(MergeDuplicateConstraints())
        if self.whitespace:
            patterns.append(NormalizeSourceWhitespace())
        if patterns:
            PatternRewriteWalker(GreedyRewritePatternApplier(patterns), apply_recursively=False).rewrite_module(op)
