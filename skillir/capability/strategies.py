"""Compile strategies: the rewrite patterns compile-capabilities tries on each gap.

Each strategy is a `GapStrategy` (an xdsl RewritePattern over `cap.gap`) that
either closes the gap — edits the skill through skill ops, lowers or substitutes
the `cap.require`, and records what it did — or leaves it to the next one, noting
why. The default order follows the paper (PAPER_NOTES (d)):

1. `OffloadToScript`: code the skill gives in full is run as a script instead of
   rewritten (needs tool.exec and tool.file.write at L1 on the target);
2. `CompensateOneLevel`: a one-level weak gap gets the catalog's guidance for that
   level (or restated rules, a pointer to the skill's template, skill-relative
   script paths);
3. `Substitute`: a missing primitive or a larger gap switches to another path of
   an equivalence class whose primitives the target has;
4. `DecomposeStep`: a step with several actions is split into explicit sub-steps;
5. `CompensateChained`: guidance for each level down to what the target has;
6. `MarkUnresolved`: anything else, with a diagnostic listing what was tried.

A researcher adds a strategy by subclassing `GapStrategy` and registering it:

```python
from skillir.capability.strategies import GapStrategy, register_strategy

class AskForConfirmation(GapStrategy):
    name = "ask-user"
    def close(self, gap, rewriter):   # gap: GapContext
        if gap.prim_id != "reason.planning":
            return gap.skip(self, "not a planning gap")
        added = gap.note("Ask the user to confirm the plan before acting on it.", rewriter)
        if added is None:
            return
        gap.lower(gap.available, rewriter)
        gap.record_compensated("degradation-guidance", added, rewriter)

register_strategy(AskForConfirmation, before="substitute")
```
"""

from __future__ import annotations

import ast
import builtins
import re
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.dialects.builtin import ArrayAttr, StringAttr, UnitAttr
from xdsl.ir import Attribute, Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.capability import edits, rules
from skillir.capability.guard import Budget
from skillir.capability.query import (
    anchor_of,
    enclosing_skill,
    ops_of_type,
    profile_op,
    record_of,
    requirement_of,
)
from skillir.dialects.cap import (
    CompensatedOp,
    DecomposedOp,
    GapOp,
    OffloadedOp,
    RequireOp,
    SubstitutedOp,
    UnresolvedOp,
    i64_attr,
    prim,
)
from skillir.dialects.skill import CodeOp, ConstraintOp, RefOp, SkillOp, StepOp, TextOp, region_ops
from skillir.profiles.catalog import EquivalenceClass, Path, catalog


@dataclass
class SkillState:
    """What the strategies share while compiling one skill."""

    skill: SkillOp
    target: str
    levels: dict[str, int]
    budget: Budget
    notes: dict[str, str] = field(default_factory=dict)
    """Text already added -> where (so the same sentence is added once)."""
    skipped: dict[int, list[str]] = field(default_factory=dict)
    """Gap (by id) -> why each strategy passed on it."""
    scripts: int = 0
    closed: set[int] = field(default_factory=set)
    """Gaps (by id) a strategy has closed (shared with the CompileState)."""
    anchor_texts: dict[int, str] = field(default_factory=dict)
    trigger_hits: dict[tuple[int, str, str], bool] = field(default_factory=dict)
    """(anchor id, class, path) -> does the path's trigger match the anchor's text."""
    complete: dict[int, bool] = field(default_factory=dict)
    """Code op (by id) -> is it complete, runnable code (for offloading)."""
    template_title: str | None | bool = False
    """The skill's template section (False: not looked up yet)."""
    constraint_rules: list[str] | None = None

    def has(self, needs) -> bool:
        return all(self.levels.get(pid, 0) >= level for pid, level in needs)


class CompileState:
    """Per-run state: one `SkillState` per skill, built on first use."""

    def __init__(self, *, budget_scale: float = 1.0):
        self.budget_scale = budget_scale
        self._skills: dict[int, SkillState] = {}
        self._gaps: dict[int, GapContext] = {}
        self.closed: set[int] = set()
        """Gaps (by id) a strategy has closed."""

    def for_skill(self, skill: SkillOp) -> SkillState:
        state = self._skills.get(id(skill))
        if state is None:
            from skillir.capability.guard import skill_lines

            bound = profile_op(skill)
            levels = bound.levels() if bound is not None else {}
            target = bound.target if bound is not None else "the target"
            budget = Budget(skill_lines(skill), self.budget_scale)
            state = self._skills[id(skill)] = SkillState(skill, target, levels, budget, closed=self.closed)
        return state

    def context(self, gap: GapOp) -> GapContext | None:
        """The (cached) context of an open gap, or None if it cannot be handled."""
        found = self._gaps.get(id(gap))
        if found is None:
            req = requirement_of(gap)
            skill = enclosing_skill(gap)
            if req is None or skill is None:
                return None
            found = self._gaps[id(gap)] = GapContext(gap, req, anchor_of(req), self.for_skill(skill))
        return found


@dataclass
class GapContext:
    """One open gap, its requirement and anchor, and the helpers strategies use."""

    gap: GapOp
    require: RequireOp
    anchor: Operation
    state: SkillState
    extra: list[RequireOp] = field(default_factory=list)
    """Requirements a substitution adds, inserted after the record."""

    @property
    def prim_id(self) -> str:
        return self.gap.prim.prim_id.data

    @property
    def required(self) -> int:
        return self.gap.required

    @property
    def available(self) -> int:
        return self.gap.available_level

    @property
    def size(self) -> int:
        return self.gap.size

    def skip(self, strategy: GapStrategy, reason: str) -> None:
        self.state.skipped.setdefault(id(self.gap), []).append(f"{strategy.name}: {reason}")

    def anchor_text(self) -> str:
        """The markdown of the anchor and the code and prose nested in it."""
        cached = self.state.anchor_texts.get(id(self.anchor))
        if cached is not None:
            return cached
        parts = [edits.emitted_text(self.anchor)]
        if isinstance(self.anchor, StepOp):
            parts.extend(op.body.data if isinstance(op, CodeOp) else edits.emitted_text(op)
                         for op in self.anchor.nested_ops if isinstance(op, CodeOp | TextOp))
        elif isinstance(self.anchor, CodeOp):
            parts.append(self.anchor.body.data)
        text = self.state.anchor_texts[id(self.anchor)] = "\n".join(parts)
        return text

    # -- edits --------------------------------------------------------------------

    def note(self, text: str, rewriter: PatternRewriter, strategy: GapStrategy | None = None) -> str | None:
        """Add a one-line note for this gap where it belongs. Returns the text added,
        "" when the same note is already in the skill, None when over budget."""
        if text in self.state.notes:
            return ""
        cost = 3  # the note and its blank separator(s)
        if not self.state.budget.fits(cost):
            if strategy is not None:
                self.skip(strategy, f"the added-text budget ({self.state.budget.limit} lines) is spent")
            return None
        added = edits.add_note(self.anchor, text, rewriter)
        self.state.budget.spend(edits.count_lines(added))
        self.state.notes[text] = added
        return text

    # -- IR updates -------------------------------------------------------------------

    def lower(self, level: int, rewriter: PatternRewriter) -> None:
        """The requirement now demands `level` of the same primitive."""
        self.replace_requirement([(self.prim_id, level)], rewriter)

    def replace_requirement(self, needs: list[tuple[str, int]], rewriter: PatternRewriter) -> None:
        """The requirement becomes `needs` (first replaces it, others are added after
        the gap's record); the inferred demand stays in `original`."""
        req = self.require
        if req.original is None:
            req.properties["original"] = req.prim
        (pid, level), rest = needs[0], needs[1:]
        req.properties["prim"] = prim(pid, level)
        rewriter.notify_op_modified(req)
        self.extra = [self._require_like(pid2, lvl2) for pid2, lvl2 in rest]

    def _require_like(self, pid: str, level: int) -> RequireOp:
        req = self.require
        props: dict[str, Attribute] = {"prim": prim(pid, level), "evidence": req.evidence, "rule": req.rule}
        if req.line is not None:
            props["line"] = req.line
        props["original"] = req.original if req.original is not None else req.prim
        new = RequireOp.create(properties=props)
        new.location = req.location
        return new

    def record(self, op: Operation, rewriter: PatternRewriter) -> None:
        self.state.closed.add(id(self.gap))
        op.location = self.gap.location
        rewriter.insert(op, InsertPoint.after(self.gap))
        if self.extra:
            rewriter.insert(self.extra, InsertPoint.after(op))
            self.extra = []

    def record_props(self, to: list[tuple[str, int]], added: str) -> dict[str, Attribute]:
        props: dict[str, Attribute] = {
            "prim": self.gap.prim,
            "to": ArrayAttr([prim(pid, lvl) for pid, lvl in to]),
        }
        if added:
            props["added"] = StringAttr(added)
        else:
            props["shared"] = UnitAttr()
        return props

    def record_compensated(self, method: str, added: str, rewriter: PatternRewriter) -> None:
        props = self.record_props([(self.require.prim_id, self.require.level)], added)
        props["method"] = StringAttr(method)
        self.record(CompensatedOp.create(properties=props), rewriter)


class GapStrategy(RewritePattern):
    """A compile strategy: close an open `cap.gap` or leave it for the next one."""

    name: ClassVar[str] = "strategy"

    def __init__(self, state: CompileState):
        self.state = state

    @op_type_rewrite_pattern
    def match_and_rewrite(self, op: GapOp, rewriter: PatternRewriter) -> None:
        if id(op) in self.state.closed:
            return
        context = self.state.context(op)
        if context is None or record_of(op) is not None:
            self.state.closed.add(id(op))
            return
        self.close(context, rewriter)

    @abstractmethod
    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        """Close the gap (or leave it for the next strategy); each strategy defines it."""


# ---------------------------------------------------------------------------
# 1. offload


_CODE_FAMILY = {"gen.code.python": "python", "gen.code.shell": "shell", "gen.code.javascript": "js"}
_RUNNER = {"python": ("py", "python3"), "shell": ("sh", "bash"), "js": ("mjs", "node")}
_INCOMPLETE = re.compile(r"<[A-Za-z_][\w -]*>|\.\.\.|\byour[_-]\w+|\bpath/to\b|\bTODO\b|\bYOUR_|\bxxx\b|"
                         r"^\s*#\s*\.\.\.|\$\{\w+\}", re.M)
_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__"}


def python_is_complete(body: str) -> bool:
    """Does this Python code run on its own (parses; every name it reads is defined
    in it, imported, or a builtin)?"""
    try:
        tree = ast.parse(body)
    except SyntaxError:
        return False
    defined: set[str] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else defined).add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defined.add(node.name)
            for arg in (*node.args.args, *node.args.kwonlyargs, *node.args.posonlyargs) \
                    if not isinstance(node, ast.ClassDef) else ():
                defined.add(arg.arg)
            if not isinstance(node, ast.ClassDef):
                for arg in (node.args.vararg, node.args.kwarg):
                    if arg is not None:
                        defined.add(arg.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                defined.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            defined.add(node.name)
        elif isinstance(node, ast.Lambda):
            defined.update(a.arg for a in node.args.args)
        elif isinstance(node, ast.comprehension):
            for target in ast.walk(node.target):
                if isinstance(target, ast.Name):
                    defined.add(target.id)
    return not (used - defined - _BUILTINS)


def complete_code(code: CodeOp, family: str) -> bool:
    body = code.body.data
    if not code.is_runnable or not body.strip() or _INCOMPLETE.search(body):
        return False
    if rules.code_language(code.lang.data, body) != family:
        return False
    if family == "python":
        return python_is_complete(body)
    if family == "shell":
        return all(rules._command_word(c) is not None for _, c in rules._shell_lines(body))
    return True


class OffloadToScript(GapStrategy):
    """Run code the skill gives in full as a script instead of having the model
    write (or rewrite) it."""

    name = "offload"

    @staticmethod
    def _complete(state: SkillState, code: CodeOp, family: str) -> bool:
        found = state.complete.get(id(code))
        if found is None:
            found = state.complete[id(code)] = complete_code(code, family)
        return found

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        family = _CODE_FAMILY.get(gap.prim_id)
        if family is None:
            return gap.skip(self, "not a code-writing gap")
        candidates = [gap.anchor] if isinstance(gap.anchor, CodeOp) else (
            [op for op in gap.anchor.nested_ops if isinstance(op, CodeOp)]
            if isinstance(gap.anchor, StepOp) else [])
        code = next((c for c in candidates if self._complete(gap.state, c, family)), None)
        if code is None:
            return gap.skip(self, "no complete, runnable code block to run as a script")
        needs = [("tool.exec", 1), ("tool.file.write", 1)]
        if not gap.state.has(needs):
            return gap.skip(self, f"{gap.state.target} cannot save and run a script (tool.exec, tool.file.write)")
        gap.state.scripts += 1
        ext, runner = _RUNNER[family]
        stem = (f"step_{gap.anchor.ordinal.value.data}" if isinstance(gap.anchor, StepOp)
                and gap.anchor.ordinal is not None else f"block_{gap.state.scripts}")
        script = f"{gap.state.skill.skill_name}_{stem}.{ext}".replace("/", "_")
        text = (f"Save the code block above unchanged as `{script}` and run it with `{runner} {script}`; "
                f"do not rewrite it.")
        added = gap.note(text, rewriter, self)
        if added is None:
            return
        gap.replace_requirement(needs, rewriter)
        props = gap.record_props(needs, added)
        props["script"] = StringAttr(script)
        gap.record(OffloadedOp.create(properties=props), rewriter)


# ---------------------------------------------------------------------------
# 2. compensation


_TEMPLATE_LANGS = frozenset({"markdown", "md", "json", "yaml", "yml", "text", "txt", ""})
_PLACEHOLDERISH = re.compile(r"<[^<>\n]{1,60}>|\[ \]|\{\{?\w+\}?\}|\.\.\.")
_SCRIPT_PATH = re.compile(r"(?<![\w/])((?:scripts|bin|tools)/[\w./-]+\.\w{1,4})\b")


def _template_section(gap: GapContext) -> str | None:
    """The title of a section of the skill that holds an output template."""
    if gap.state.template_title is False:
        gap.state.template_title = _find_template_section(gap.state.skill)
    return gap.state.template_title  # type: ignore[return-value]


def _find_template_section(skill: SkillOp) -> str | None:
    from skillir.dialects.skill import SectionOp

    best = None
    for op in ops_of_type(skill, SectionOp):
        title = op.title.data
        blocks = [c for c in region_ops(op.body) if isinstance(c, CodeOp)]
        for code in blocks:
            if code.lang.data.lower() in _TEMPLATE_LANGS and _PLACEHOLDERISH.search(code.body.data):
                if "template" in title.lower() or "format" in title.lower():
                    return title
                best = best or title
    return best


def _constraint_sentences(skill: SkillOp, limit: int = 4) -> list[str]:
    from skillir.frontend.classify import lead_text

    out: list[str] = []
    for op in ops_of_type(skill, ConstraintOp):
        text = edits._INLINE_MARKUP.sub("", lead_text(" ".join(op.text.data.split())))
        sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].strip().rstrip(".:")
        if 3 <= len(sentence) <= 90 and sentence not in out:
            out.append(sentence)
        if len(out) >= limit:
            break
    return out


def compensation_note(gap: GapContext) -> tuple[str, str] | None:
    """(method, sentence) for a one-level gap, or None when the catalog has none."""
    primitive = catalog().primitive(gap.prim_id)
    guidance = primitive.degradation(gap.required)
    method = primitive.compensation
    if method == "restate-constraints" and isinstance(gap.anchor, SkillOp):
        if gap.state.constraint_rules is None:
            gap.state.constraint_rules = _constraint_sentences(gap.anchor)
        rules_ = gap.state.constraint_rules
        if rules_ and guidance:
            return method, f"{guidance} The rules: {'; '.join(rules_)}."
    if method == "template-first":
        title = _template_section(gap)
        if title:
            return method, (f"Start from the template in the “{title}” section: copy it as it is and fill "
                            f"in each part in order, without adding or dropping parts.")
    if method == "skill-relative-paths" and gap.required == 2:
        bundled = {op.path.data for op in region_ops(gap.state.skill.body) if isinstance(op, RefOp)}
        match = _SCRIPT_PATH.search(gap.anchor_text())
        if match and (not bundled or match.group(1) in bundled or any(b.endswith(match.group(1)) for b in bundled)):
            return method, (f"`{match.group(1)}` is relative to this skill's folder (the one holding "
                            f"SKILL.md), not to your working directory: call it by its full path.")
    if guidance is None:
        return None
    return "degradation-guidance", guidance


class CompensateOneLevel(GapStrategy):
    """Close a one-level weak gap by making the skill more explicit."""

    name = "compensate"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        if gap.available == 0:
            return gap.skip(self, "the primitive is missing on the target")
        if gap.size != 1:
            return gap.skip(self, f"a {gap.size}-level gap")
        found = compensation_note(gap)
        if found is None:
            return gap.skip(self, f"the catalog has no L{gap.required}->L{gap.required - 1} guidance")
        method, text = found
        added = gap.note(text, rewriter, self)
        if added is None:
            return
        gap.lower(gap.required - 1, rewriter)
        gap.record_compensated(method, added, rewriter)


# ---------------------------------------------------------------------------
# 3. substitution


def substitution_for(gap: GapContext) -> tuple[EquivalenceClass, Path, Path] | None:
    """(class, current path, alternative path) the target can take, or None."""
    text = None
    for cls in catalog().classes_with(gap.prim_id):
        current = None
        for path in cls.paths:
            if path.needs(gap.prim_id) is None:
                continue
            if path.trigger is not None:
                key = (id(gap.anchor), cls.id, path.id)
                hit = gap.state.trigger_hits.get(key)
                if hit is None:
                    text = text if text is not None else gap.anchor_text()
                    hit = gap.state.trigger_hits[key] = path.trigger.search(text) is not None
                if not hit:
                    continue
            elif not path.origin_only:
                continue  # a path without a trigger is only ever a target
            current = path
            break
        if current is None:
            continue
        for alternative in cls.paths:
            if alternative is current or alternative.origin_only:
                continue
            needed = alternative.needs(gap.prim_id)
            if needed is not None and needed > gap.available:
                continue
            if gap.state.has(alternative.requires):
                return cls, current, alternative
    return None


class Substitute(GapStrategy):
    """Switch to another path of an equivalence class the target can take."""

    name = "substitute"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        found = substitution_for(gap)
        if found is None:
            return gap.skip(self, f"no catalog path avoids {gap.prim_id} L{gap.required} within the profile")
        cls, current, alternative = found
        added = gap.note(alternative.instruction, rewriter, self)
        if added is None:
            return
        needs = list(alternative.requires)
        gap.replace_requirement(needs, rewriter)
        props = gap.record_props(needs, added)
        props["equivalence"] = StringAttr(cls.id)
        props["path"] = StringAttr(alternative.id)
        props["from"] = StringAttr(current.id)
        gap.record(SubstitutedOp.create(properties=props), rewriter)


# ---------------------------------------------------------------------------
# 4. decomposition


class DecomposeStep(GapStrategy):
    """Split a step with several actions into explicit sub-steps."""

    name = "decompose"
    lead = "Do this as separate steps, finishing each before starting the next:"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        if gap.available == 0:
            return gap.skip(self, "the primitive is missing on the target")
        if not catalog().primitive(gap.prim_id).decomposable:
            return gap.skip(self, "the catalog marks it as not decomposable")
        if not isinstance(gap.anchor, StepOp):
            return gap.skip(self, "not a step")
        parts = edits.split_actions(gap.anchor)
        if len(parts) < 2:
            return gap.skip(self, "the step is a single action")
        key = f"decompose:{id(gap.anchor)}"
        if key in gap.state.notes:
            added = ""
        else:
            cost = len(parts) + 3
            if not gap.state.budget.fits(cost):
                return gap.skip(self, f"the added-text budget ({gap.state.budget.limit} lines) is spent")
            added_md = edits.add_sublist(gap.anchor, self.lead, parts, rewriter)
            gap.state.budget.spend(edits.count_lines(added_md))
            added = self.lead + " " + " ".join(f"({i}) {p}" for i, p in enumerate(parts, 1))
            gap.state.notes[key] = added
        gap.lower(gap.available, rewriter)
        props = gap.record_props([(gap.prim_id, gap.available)], added)
        props["parts"] = i64_attr(len(parts))
        gap.record(DecomposedOp.create(properties=props), rewriter)


# ---------------------------------------------------------------------------
# 5. chained compensation, 6. unresolved


class CompensateChained(GapStrategy):
    """Close a larger weak gap with the guidance of every level down to the target's."""

    name = "compensate-chained"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        if gap.available == 0:
            return gap.skip(self, "the primitive is missing on the target")
        if gap.size < 2:
            return
        primitive = catalog().primitive(gap.prim_id)
        steps = [primitive.degradation(level) for level in range(gap.required, gap.available, -1)]
        if any(s is None for s in steps):
            return gap.skip(self, "the catalog cannot lower it level by level")
        added = gap.note(" ".join(steps), rewriter, self)  # type: ignore[arg-type]
        if added is None:
            return
        gap.lower(gap.available, rewriter)
        gap.record_compensated("degradation-guidance", added, rewriter)


class MarkUnresolved(GapStrategy):
    """Nothing closed the gap: mark the requirement and say why."""

    name = "unresolved"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        primitive = catalog().primitive(gap.prim_id)
        have = f"L{gap.available}" + (" (not measured, counted as L0)" if gap.gap.unmeasured is not None else "")
        tried = "; ".join(gap.state.skipped.get(id(gap.gap), [])) or "no strategy applies"
        diagnostic = (f"{gap.state.target} has {gap.prim_id} at {have} but this needs L{gap.required} "
                      f"({primitive.levels[gap.required]}); tried {tried}")
        gap.require.properties["unresolved"] = UnitAttr()
        rewriter.notify_op_modified(gap.require)
        op = UnresolvedOp.create(properties={"prim": gap.gap.prim, "diagnostic": StringAttr(diagnostic)})
        gap.record(op, rewriter)


StrategyFactory = Callable[[CompileState], GapStrategy]

STRATEGIES: list[type[GapStrategy]] = [
    OffloadToScript,
    CompensateOneLevel,
    Substitute,
    DecomposeStep,
    CompensateChained,
    MarkUnresolved,
]
"""The strategies compile-capabilities tries, in order (MarkUnresolved stays last)."""


def register_strategy(cls: type[GapStrategy], *, before: str = "unresolved") -> None:
    """Add a strategy, tried just before the one named `before`."""
    names = [s.name for s in STRATEGIES]
    if cls.name in names:
        raise ValueError(f"a strategy named '{cls.name}' is already registered")
    if before not in names:
        raise ValueError(f"no strategy named '{before}'; registered: {', '.join(names)}")
    STRATEGIES.insert(names.index(before), cls)


def strategy_names() -> list[str]:
    return [s.name for s in STRATEGIES]


def make_patterns(state: CompileState, names: list[str] | None = None) -> list[GapStrategy]:
    """Instances of the registered strategies (only `names`, in registry order, when
    given; MarkUnresolved always closes the list)."""
    chosen = [cls for cls in STRATEGIES if names is None or cls.name in names or cls is MarkUnresolved]
    return [cls(state) for cls in chosen]
