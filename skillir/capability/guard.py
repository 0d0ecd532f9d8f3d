"""The compile guard (the paper's `guard.ts`, made binding): what compiling a skill
for a target may change, and how much text it may add.

- front matter, headings and original code blocks are kept exactly;
- net added lines stay within a budget tiered by skill size: x2.0 under 100
  lines, x1.0 for 100-200, x0.5 over 200 (scaled by the pass's `budget-percent`);
- and the added characters within `max-growth-percent` of the skill's SKILL.md
  (10% by default: a compiled skill is never much larger than its source, however
  small it is; 0 turns the cap off and leaves the paper's line tiers alone);
- no gaps, no change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from skillir.dialects.skill import CodeOp, FrontmatterOp, SectionOp, SkillOp
from skillir.xdsl_compat.walk import walk_ops

BUDGET_TIERS = ((100, 2.0), (200, 1.0))
"""(line count below which, ratio); larger skills get OVER_RATIO."""
OVER_RATIO = 0.5


def budget_ratio(lines: int) -> float:
    for bound, ratio in BUDGET_TIERS:
        if lines < bound:
            return ratio
    if lines <= BUDGET_TIERS[-1][0]:
        return BUDGET_TIERS[-1][1]
    return OVER_RATIO


def line_count(markdown: str) -> int:
    return markdown.count("\n") + (0 if markdown.endswith("\n") or not markdown else 1)


@dataclass
class Budget:
    """Added-text budget of one skill: lines (the paper's tiers) and, when `growth`
    is set, characters (at most that fraction of the skill's `chars`)."""

    lines: int
    scale: float = 1.0
    used: int = 0
    chars: int = 0
    growth: float | None = None
    chars_used: int = 0

    @property
    def ratio(self) -> float:
        return budget_ratio(self.lines)

    @property
    def limit(self) -> int:
        return math.floor(self.lines * self.ratio * self.scale)

    @property
    def char_limit(self) -> int | None:
        return None if self.growth is None else math.floor(self.chars * self.growth)

    def fits(self, added_lines: int, added_chars: int = 0) -> bool:
        limit = self.char_limit
        return self.used + added_lines <= self.limit and (
            limit is None or self.chars_used + added_chars <= limit)

    def spend(self, added_lines: int, added_chars: int = 0) -> None:
        self.used += added_lines
        self.chars_used += added_chars

    def describe(self) -> str:
        """The budget as a reader sees it ("12 lines and 840 characters")."""
        limit = self.char_limit
        return f"{self.limit} lines" + ("" if limit is None else f" and {limit} characters")

    def overspent(self) -> str | None:
        if self.used > self.limit:
            return f"added {self.used} lines over the budget of {self.limit}"
        limit = self.char_limit
        if limit is not None and self.chars_used > limit:
            return f"added {self.chars_used} characters over the budget of {limit}"
        return None


def skill_lines(skill: SkillOp) -> int:
    """Lines of the skill's SKILL.md: from the source location of its last op when
    the frontend located it (no need to re-emit the text), else by emitting it."""
    from xdsl.dialects.builtin import FileLineColLoc

    from skillir.dialects.skill import SOURCE_OPS, region_ops

    last = None
    ops = region_ops(skill.body)
    while ops:
        content = [op for op in ops if isinstance(op, (*SOURCE_OPS, SectionOp, CodeOp))]
        if not content:
            break
        last = content[-1]
        if isinstance(last, SectionOp):
            inner = [op for op in region_ops(last.body) if isinstance(op, (*SOURCE_OPS, SectionOp, CodeOp))]
            if inner:
                ops = region_ops(last.body)
                continue
        elif hasattr(last, "nested_ops") and any(isinstance(o, (*SOURCE_OPS, CodeOp)) for o in last.nested_ops):
            ops = last.nested_ops
            continue
        break
    if last is not None and isinstance(last.location, FileLineColLoc):
        from skillir.capability.edits import emitted_text

        text = emitted_text(last)
        return last.location.line.data - 1 + line_count(text)
    from skillir.dialects.skill import skill_markdown

    return line_count(skill_markdown(skill))


class EditGuard:
    """Listens to a rewriter and collects every change compile-capabilities must not
    make: only new `skill.text` and cap ops may be inserted, only steps (their
    text) and cap ops modified, nothing removed or replaced; a code block the author
    left unclosed at the end of the file may only get its closing fence
    (`skillir.capability.edits.seal_code`), its body untouched."""

    def __init__(self, skill: SkillOp | None = None) -> None:
        from xdsl.pattern_rewriter import PatternRewriterListener

        self.problems: list[str] = []
        self._unclosed = {} if skill is None else {
            op: (op.body.data, op.open) for op in walk_ops(skill)
            if type(op) is CodeOp and op.close is not None and not op.close.data}
        self.listener = PatternRewriterListener()
        self.listener.operation_insertion_handler.append(self._inserted)
        self.listener.operation_modification_handler.append(self._modified)
        self.listener.operation_removal_handler.append(lambda op: self.problems.append(f"removed '{op.name}'"))
        self.listener.operation_replacement_handler.append(
            lambda op, _values: self.problems.append(f"replaced '{op.name}'"))

    def _inserted(self, op) -> None:
        from skillir.dialects.skill import TextOp

        if not (isinstance(op, TextOp) or op.name.startswith("cap.")):
            self.problems.append(f"inserted '{op.name}'")

    def _modified(self, op) -> None:
        from skillir.dialects.skill import StepOp

        if isinstance(op, StepOp) or op.name.startswith("cap."):
            return
        before = self._unclosed.get(op)
        if before is not None and (op.body.data, op.open) == before and op.close is not None \
                and op.close.data.strip() and set(op.close.data.strip()) <= set("`~"):
            return  # sealed: the closing fence added, nothing else
        self.problems.append(f"modified '{op.name}'")


@dataclass(frozen=True)
class Snapshot:
    """What compile-capabilities must not change in a skill."""

    frontmatter: str
    headings: tuple[str, ...]
    code: tuple[str, ...]


def snapshot(skill: SkillOp) -> Snapshot:
    front = ""
    headings: list[str] = []
    code: list[str] = []
    for op in walk_ops(skill):  # the whole walk is read: the fast list walk
        if isinstance(op, FrontmatterOp):
            front = op.text.data
        elif isinstance(op, SectionOp):
            headings.append(op.heading_text)
        elif isinstance(op, CodeOp):
            code.append(op.source_text())
    return Snapshot(front, tuple(headings), tuple(code))


def snapshot_problems(before: Snapshot, after: Snapshot) -> list[str]:
    problems = []
    if before.frontmatter != after.frontmatter:
        problems.append("front matter changed")
    if before.headings != after.headings:
        problems.append("headings changed")
    if before.code != after.code:
        problems.append("code blocks changed")
    return problems


@dataclass
class GuardReport:
    """The paper's guard applied to two SKILL.md texts."""

    original_lines: int
    compiled_lines: int
    limit: int
    problems: list[str] = field(default_factory=list)

    @property
    def added_lines(self) -> int:
        return self.compiled_lines - self.original_lines

    @property
    def ok(self) -> bool:
        return not self.problems


def check_markdown(original: str, compiled: str, *, scale: float = 1.0) -> GuardReport:
    """Compare an original and a compiled SKILL.md the way SkVM's guard does (front
    matter, headings, code blocks longer than 10 characters, added-line budget)."""
    from skillir.frontend.skill_md import parse_markdown

    def facts(text: str) -> Snapshot:
        module = parse_markdown(text)
        skill = next(op for op in module.ops if isinstance(op, SkillOp))
        return snapshot(skill)

    before, after = facts(original), facts(compiled)
    budget = Budget(line_count(original), scale)
    report = GuardReport(line_count(original), line_count(compiled), budget.limit)
    if before.frontmatter != after.frontmatter:
        report.problems.append("front matter changed")
    if [h.strip() for h in before.headings] != [h.strip() for h in after.headings]:
        report.problems.append("heading list changed")
    kept = {c.rstrip("\n") for c in after.code}  # the blank lines after a block may move
    lost = [c for c in before.code if len(c.strip()) > 10 and c.rstrip("\n") not in kept]
    if lost:
        report.problems.append(f"{len(lost)} original code block(s) changed or lost")
    if report.added_lines > budget.limit:
        report.problems.append(f"added {report.added_lines} lines, budget {budget.limit}")
    return report
