"""Compile strategies: the rewrite patterns compile-capabilities tries on each gap.

Each strategy is a `GapStrategy` (an xdsl RewritePattern over `cap.gap`) that
either closes the gap — edits the skill through skill ops, lowers or substitutes
the `cap.require`, and records what it did — or leaves it to the next one, noting
why. The default order follows the paper (PAPER_NOTES (d)):

1. `OffloadToScript`: code the skill gives in full, and that passes the runnable
   check (`skillir.capability.checks.runnable`), is written into the compiled
   skill's `scripts/` (the record carries the body) and called by its path with
   parameters for what varies (needs tool.exec L1 on the target);
2. `SkillPaths` (the paper's Figure 6 fix): a tool.exec gap on a step that calls a
   bundled script by a relative path gets that path written out from the working
   directory, in the step's own text, and one command per call;
3. `DecomposeStep`: a step that really bundles several actions is split into
   explicit sub-steps;
4. `CompensateOneLevel`: a one-level weak gap gets the catalog's guidance for that
   level, instantiated for the step (its commands and files) and the profile's
   failure details (or restated rules, a pointer to the skill's template);
5. `Substitute`: a missing primitive or a larger gap switches to another path of
   an equivalence class whose primitives the target has, only where the source
   matches the class (`checks.class_mismatch`);
6. `CompensateChained`: guidance for each level down to what the target has;
7. `MarkUnresolved`: anything else, with a diagnostic listing what was tried.

A missing primitive (L0) can only be closed by a path that avoids it (offload,
substitution); a transform that lowers it to L1 (the Figure 6 fix, a
decomposition) is recorded with `partial` and the requirement stays `unresolved`.
Every record carries its `evidence`, the `rule` that made it and the text added; no
sentence is added twice to one skill.

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

import re
from abc import abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from xdsl.dialects.builtin import ArrayAttr, StringAttr, UnitAttr
from xdsl.ir import Attribute, Operation
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern, op_type_rewrite_pattern
from xdsl.rewriter import InsertPoint

from skillir.capability import checks, edits, rules
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
    offload_lang,
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
    harness: str = ""
    failures: dict[tuple[str, int], str] = field(default_factory=dict)
    """(primitive, level) -> the profile's first failure detail at that level."""
    instantiated: set[int] = field(default_factory=set)
    """Anchors (by id) whose step a note already names."""
    step_texts: dict[int, str] = field(default_factory=dict)
    """Step (by id) -> its text as written, before any compile edit."""
    guidance_used: set[str] = field(default_factory=set)
    """Catalog sentences already added (instantiated or not): never twice per skill."""

    def has(self, needs) -> bool:
        return all(self.levels.get(pid, 0) >= level for pid, level in needs)

    def skill_dir(self) -> str | None:
        """The skill's folder as the target harness sees it from the working directory
        (`skills/NAME` on bare-agent), or None when the harness does not say."""
        from skillir.errors import SkillIRError
        from skillir.harnesses import load_harness

        try:
            loading = load_harness(self.harness).skills
        except SkillIRError:
            return None
        found = loading.discover.path if loading.discover is not None else ""
        found = found.rsplit("/", 1)[0] if found.endswith("SKILL.md") else (loading.project_dirs or ("",))[0]
        found = re.sub(r"^<(?:workDir|workspace)>/", "", found).replace("<name>", self.skill.skill_name)
        return found if found and "<" not in found else None


class CompileState:
    """Per-run state: one `SkillState` per skill, built on first use."""

    def __init__(self, *, budget_scale: float = 1.0, max_growth: float | None = None):
        self.budget_scale = budget_scale
        self.max_growth = max_growth
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
            if self.max_growth is not None:
                from skillir.dialects.skill import skill_markdown

                budget.chars, budget.growth = len(skill_markdown(skill)), self.max_growth
            state = self._skills[id(skill)] = SkillState(skill, target, levels, budget, closed=self.closed)
            state.step_texts = {id(st): st.text.data for st in ops_of_type(skill, StepOp)}
            if bound is not None:
                state.harness = bound.harness.data
                state.failures = profile_failures(bound)
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


def profile_failures(bound) -> dict[tuple[str, int], str]:
    """The first failure detail per (primitive, level) of the bound profile's SkVM
    `details[].levelResults[].failureDetails`, when its file is at hand."""
    if bound.path is None:
        return {}
    from skillir.errors import SkillIRError
    from skillir.profiles.store import recorded_profile

    try:
        profile = recorded_profile(bound.path.data)
    except (SkillIRError, OSError):
        return {}
    out: dict[tuple[str, int], str] = {}
    for detail in profile.details:
        pid = detail.get("primitiveId")
        for result in detail.get("levelResults") or ():
            level = str(result.get("level", "")).lstrip("L")
            failures = [f for f in result.get("failureDetails") or () if isinstance(f, str) and f.strip()]
            if isinstance(pid, str) and level.isdigit() and failures and not result.get("passed"):
                out.setdefault((pid, int(level)), " ".join(failures[0].split())[:160])
    return out


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

    def skip(self, strategy: GapStrategy | str, reason: str) -> None:
        """Why `strategy` (or the rewriter named so) left this gap alone."""
        name = strategy if isinstance(strategy, str) else strategy.name
        self.state.skipped.setdefault(id(self.gap), []).append(f"{name}: {reason}")

    def context_text(self) -> str:
        """What the demand is about: the step's (or code block's) text, or for a demand on
        the whole skill, only the words that showed it (the skill's text is about
        everything)."""
        if isinstance(self.anchor, SkillOp):
            return self.require.evidence.data
        return self.anchor_text()

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

    def note(self, text: str, rewriter: PatternRewriter, strategy: GapStrategy | str | None = None) -> str | None:
        """Add a one-line note for this gap where it belongs. Returns the text added,
        "" when the same note is already in the skill, None when over budget."""
        if text in self.state.notes:
            return ""
        cost = 3  # the note and its blank separator(s)
        if not self.state.budget.fits(cost, len(text) + 8):  # (8: its indent and blank lines)
            if strategy is not None:
                self.skip(strategy, f"the added-text budget ({self.state.budget.describe()}) is spent")
            return None
        added = edits.add_note(self.anchor, text, rewriter)
        self.state.budget.spend(edits.count_lines(added), len(added))
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

    def record_props(self, to: list[tuple[str, int]], added: str, *, rule: str | None = None,
                     reason: str | None = None) -> dict[str, Attribute]:
        props: dict[str, Attribute] = {
            "prim": self.gap.prim,
            "to": ArrayAttr([prim(pid, lvl) for pid, lvl in to]),
            "evidence": self.require.evidence,
        }
        if added:
            props["added"] = StringAttr(added)
        else:
            props["shared"] = UnitAttr()
        if rule:
            props["rule"] = StringAttr(rule)
        if reason:
            props["reason"] = StringAttr(reason)
        if any(self.state.levels.get(pid, 0) < lvl for pid, lvl in to):
            props["partial"] = UnitAttr()
        return props

    def mark_partial(self, rewriter: PatternRewriter) -> None:
        """The demand was lowered but stays above the profile: keep it unresolved."""
        self.require.properties["unresolved"] = UnitAttr()
        rewriter.notify_op_modified(self.require)

    def record_compensated(self, method: str, added: str, rewriter: PatternRewriter, *,
                           rule: str | None = None, reason: str | None = None) -> None:
        props = self.record_props([(self.require.prim_id, self.require.level)], added,
                                  rule=rule, reason=reason)
        props["method"] = StringAttr(method)
        if "partial" in props:
            self.mark_partial(rewriter)
        self.record(CompensatedOp.create(properties=props), rewriter)

    # -- what the step is about (for instantiated compensation) ---------------------

    def subject(self) -> str:
        """The step's own commands and files, as inline code (for a compensation
        sentence): '`grep -c ERROR app.log`' or '`report.json`', or ''."""
        text = self.anchor_text()
        if isinstance(self.anchor, SkillOp):
            return ""
        evidence = self.require.evidence.data.strip() if self.require.evidence is not None else ""
        line = self._code_line(evidence) if 2 < len(evidence) and "\n" not in evidence else ""
        if line:
            return f"`{_clip(line, 80)}`"  # the command that showed the demand
        if isinstance(self.anchor, CodeOp):
            first = _first_command(self.anchor)
            return f"`{_clip(first)}`" if first else ""
        spans = [m.group(1).strip() for m in _CODE_SPAN.finditer(edits.emitted_text(self.anchor))]
        spans = [sp for sp in spans if 2 < len(sp) <= 60 and not sp.startswith("<")]
        if not spans:
            spans = sorted(set(_FILE_NAME.findall(text)), key=text.index)[:2]
        if not spans and isinstance(self.anchor, StepOp):
            code = next((op for op in self.anchor.nested_ops if isinstance(op, CodeOp) and rules.code_language(
                op.lang.data, op.body.data) in ("shell", "python", "js", "sql")), None)
            first = _first_command(code) if code is not None else ""
            spans = [first] if first else []
        seen: list[str] = []
        for sp in spans:
            if sp not in seen:
                seen.append(sp)
        return ", ".join(f"`{_clip(sp)}`" for sp in seen[:2])

    def _code_lines(self) -> list[str]:
        """The lines of the anchor's code blocks (without a `$ ` prompt), then its code spans."""
        codes = [self.anchor] if isinstance(self.anchor, CodeOp) else [
            op for op in getattr(self.anchor, "nested_ops", ()) if isinstance(op, CodeOp)]
        lines = [line.strip().removeprefix("$ ") for code in codes for line in code.body.data.splitlines()]
        return lines + [m.group(1).strip() for m in _CODE_SPAN.finditer(edits.emitted_text(self.anchor))]

    def _code_line(self, evidence: str) -> str:
        """The code line or span of the anchor that `evidence` (as recorded: clipped
        with "…" when long) quotes; "" when it quotes prose."""
        prefix = evidence.removesuffix("…").rstrip()
        return next((line for line in self._code_lines()
                     if line == evidence or (prefix != evidence and line.startswith(prefix))), "")

    def class_subject(self, class_id: str) -> str:
        """The first command line or code span of the step that is itself a source of
        an equivalence class (`du -sh * | sort -rh | head`, not the `ls -la` above it),
        as inline code; else the step's subject. "" for a class about the whole output
        (a long document: a line of its template is no subject)."""
        if class_id in _WHOLE_OUTPUT_CLASSES:
            return ""
        for line in self._code_lines():
            if line and not line.startswith("#") and checks.class_mismatch(class_id, line) is None:
                return f"`{_clip(line, 80)}`"
        return self.subject()

    def failure(self) -> str:
        return self.state.failures.get((self.prim_id, self.required), "")


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
_CODE_SPAN = re.compile(r"`([^`\n]+)`")
_WHOLE_OUTPUT_CLASSES = frozenset({"long-document"})
"""Classes about the output as a whole: a line of its template is no subject for their
notes ("For `- Total claims checked: X`: write the document ...")."""

_FILE_NAME = re.compile(r"(?<![\w/.-])[\w-]+\.(?:csv|json|jsonl|txt|md|pdf|xlsx|docx|pptx|html|yaml|yml|log|py|sh|js|png)\b")


def _first_command(code: CodeOp) -> str:
    """The first line of a code block that is code (a command for shell blocks)."""
    shell = rules.code_language(code.lang.data, code.body.data) == "shell"
    for line in code.body.data.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "//")):
            continue
        if not shell or rules._command_word(line.removeprefix("$ ")) is not None:
            return line.removeprefix("$ ")
    return ""


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.replace("`", "'").split())
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def python_is_complete(body: str) -> bool:
    """Does this Python code run on its own (parses; every name it reads is defined
    in it, imported, or a builtin)?"""
    return checks.runnable(body, "python").ok


def complete_code(code: CodeOp, family: str) -> bool:
    """Is this block `family` code that passes the runnable check?"""
    return code.is_runnable and rules.code_language(code.lang.data, code.body.data) == family \
        and checks.runnable(code.body.data, family).ok


class OffloadToScript(GapStrategy):
    """Run code the skill gives in full as a bundled script instead of having the
    model write (or rewrite) it: the script goes into the compiled skill's
    `scripts/` and the skill calls it by its path, with parameters for what varies."""

    name = "offload"

    @staticmethod
    def _check(state: SkillState, code: CodeOp, family: str) -> checks.Runnable:
        found = state.complete.get(id(code))
        if found is None:
            if not code.is_runnable or rules.code_language(code.lang.data, code.body.data) != family:
                found = checks.Runnable(f"not runnable {family} code")
            else:
                found = checks.runnable(code.body.data, family)
            state.complete[id(code)] = found  # type: ignore[assignment]
        return found  # type: ignore[return-value]

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        family = _CODE_FAMILY.get(gap.prim_id)
        if family is None:
            return gap.skip(self, "not a code-writing gap")
        candidates = [gap.anchor] if isinstance(gap.anchor, CodeOp) else (
            [op for op in gap.anchor.nested_ops if isinstance(op, CodeOp)]
            if isinstance(gap.anchor, StepOp) else [])
        verdicts = [(c, self._check(gap.state, c, family)) for c in candidates]
        code, verdict = next(((c, v) for c, v in verdicts if v.ok), (None, None))
        if code is None or verdict is None:
            why = next((v.reason for _, v in verdicts if v.reason), "no code block")
            return gap.skip(self, f"no code block passes the runnable check ({why})")
        needs = [("tool.exec", 1)]
        if not gap.state.has(needs):
            return gap.skip(self, f"{gap.state.target} cannot run a script (tool.exec L{gap.state.levels.get('tool.exec', 0)})")
        gap.state.scripts += 1
        ext, runner = _RUNNER[family]
        stem = (f"step_{gap.anchor.ordinal.value.data}" if isinstance(gap.anchor, StepOp)
                and gap.anchor.ordinal is not None else f"block_{gap.state.scripts}")
        name = re.sub(r"[^\w.-]", "_", f"{gap.state.skill.skill_name}_{stem}.{ext}")
        script = f"scripts/{name}"
        where = gap.state.skill_dir()
        shown = f"{where}/{script}" if where else script
        args = " ".join(f"ARG{i}" for i in range(1, verdict.params + 1))
        run = f"{runner} {shown}" + (f" {args}" if args else "")
        tail = (f", passing {'the values' if verdict.params > 1 else 'the value'} the code reads from its "
                f"arguments" if verdict.params else "")
        text = (f"This code is bundled as `{shown}`: run `{run}`{tail} instead of typing or rewriting it"
                + ("" if where else " (the path is relative to this skill's folder)") + ".")
        added = gap.note(text, rewriter, self)
        if added is None:
            return
        gap.replace_requirement(needs, rewriter)
        props = gap.record_props(needs, added, rule=self.name,
                                 reason=f"the {family} block parses, defines or imports every name it uses, "
                                        f"and reads only files or arguments")
        props["evidence"] = StringAttr(_clip(code.body.data, 200))
        props.update(script=StringAttr(script), body=StringAttr(code.body.data), lang=offload_lang(family),
                     params=i64_attr(verdict.params), run=StringAttr(run))
        gap.record(OffloadedOp.create(properties=props), rewriter)


# ---------------------------------------------------------------------------
# 1b. the paper's Figure 6 fix: bundled script paths written out in full


_SCRIPT_CALL = re.compile(r"(?<![\w/.-])(\./)?((?:scripts|bin|tools)/[\w./-]+\.(?:py|sh|js|mjs|ts|rb|pl))\b")


_MENTIONED = re.compile(r"\b(?:see|in|inside|within|edit|adjust|modify|change|open|read|view|of)\W*$",
                        re.IGNORECASE)
"""Words right before a script's path that make it a file talked about ("adjust X in
`scripts/compare.py`", "See `scripts/x.py`"), not a command the step runs."""


class SkillPaths(GapStrategy):
    """tool.exec: a step that calls a bundled script by a path relative to the skill
    folder gets the path written out from the working directory (the paper's
    Figure 6 edit: relative paths replaced by the skill directory's), and one
    command per call. The demand drops to tool.exec L1."""

    name = "skill-paths"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        if gap.prim_id != "tool.exec":
            return gap.skip(self, "not a tool.exec gap")
        if gap.required < 2:
            return gap.skip(self, "a single command (L1) is what written-out paths lower it to")
        bundled = {op.path.data for op in region_ops(gap.state.skill.body) if isinstance(op, RefOp)}
        text = gap.anchor_text()
        found = [m for m in _SCRIPT_CALL.finditer(text)
                 if (m.group(2) in bundled or any(b.endswith(m.group(2)) for b in bundled))
                 and not _MENTIONED.search(text[max(0, m.start() - 40):m.start()])]
        if not found:
            return gap.skip(self, "the step calls no bundled script by a relative path")
        where = gap.state.skill_dir()
        if where is None:
            return gap.skip(self, f"the harness {gap.state.harness or '?'} does not say where skills live")
        rel = found[0].group(2)
        full = f"{where}/{rel}"
        added = ""
        replaced = False
        if isinstance(gap.anchor, StepOp) and not gap.state.notes.get(f"paths:{id(gap.anchor)}"):
            replaced = edits.replace_paths(gap.anchor, {m.group(0): f"{where}/{m.group(2)}" for m in found},
                                           rewriter)
            gap.state.notes[f"paths:{id(gap.anchor)}"] = "done"
        command = _command_with(gap.anchor_text(), rel, full) if not replaced else None
        text = (f"Run `{command}` from the working directory, one command per tool call." if command else
                f"`{rel}` is at `{full}` from the working directory: call it by that path, "
                f"one command per tool call.")
        if gap.required >= 3:
            text += " " + (catalog().primitive("tool.exec").degradation(3) or "")
        if not replaced or gap.required >= 3:
            note = gap.note(text.strip(), rewriter, self)
            if note is None:
                return
            added = note
        if replaced:
            added = (f"(paths) {rel} -> {full}" + (f"; {added}" if added else ""))
        gap.lower(1, rewriter)
        gap.record_compensated("skill-relative-paths", added, rewriter, rule=self.name,
                               reason=f"the step calls the bundled `{rel}` relative to the skill folder")


def _command_with(text: str, rel: str, full: str) -> str | None:
    """The first command line in `text` that calls `rel`, with the full path (a command
    continued over several lines with `\\` is one line; a trailing `# comment` is dropped)."""
    for line in re.sub(r"\\\n[ \t]*", "", text).splitlines():
        if rel in line:
            spans = _CODE_SPAN.findall(line)
            candidate = next((sp for sp in spans if rel in sp), line.strip().lstrip("$ ").strip())
            comment = re.search(r"\s+#[^'\"`]*$", candidate)
            if comment and candidate.count("'") % 2 == 0 and candidate.count('"') % 2 == 0:
                candidate = candidate[: comment.start()]
            if len(candidate) <= 120 and "`" not in candidate and not candidate.endswith("\\"):
                return re.sub(r"(?<![\w/])(\./)?" + re.escape(rel), full, candidate, count=1)
    return None


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
    guidance = primitive.guidance_for(gap.required, gap.context_text())
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


def instantiate(gap: GapContext, guidance: str, subject: str | None = None) -> str:
    """The catalog's sentence made about this step: its commands or files first (or
    `subject`), the profile's failure detail at that level after (when the profile
    records one)."""
    if id(gap.anchor) in gap.state.instantiated:
        subject = ""
    elif subject is None:
        subject = gap.subject()
    if subject:
        gap.state.instantiated.add(id(gap.anchor))  # the next note on this step needs no "For ...:" again
    text = f"For {subject}: {guidance[0].lower()}{guidance[1:]}" if subject else guidance
    failure = gap.failure()
    if failure:
        text += f" (Profiling {gap.state.target} at this level failed: {failure.rstrip('.')}.)"
    return text


def _add_guidance(gap: GapContext, strategy: GapStrategy, guidance: str | list[str], rewriter: PatternRewriter,
                  *, instantiated: bool = True, subject: str | None = None) -> str | None:
    """Add catalog guidance for this gap once per skill: instantiated for the step the
    first time; a sentence already added for an earlier gap is not added again (all
    of them already there: added "", the record says `shared`)."""
    sentences = [guidance] if isinstance(guidance, str) else guidance
    fresh = [g for g in sentences if g not in gap.state.guidance_used]
    if not fresh:
        return ""
    joined = " ".join(fresh)
    text = instantiate(gap, joined, subject) if instantiated else joined
    added = gap.note(text, rewriter, strategy)
    if added is not None:
        gap.state.guidance_used.update(sentences)
    return added


class CompensateOneLevel(GapStrategy):
    """Close a one-level weak gap by making the skill more explicit, in terms of the
    step itself (its commands and files) and of how the target failed at that level."""

    name = "compensate"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        if gap.available == 0:
            return gap.skip(self, "the primitive is missing on the target")
        if gap.size != 1:
            return gap.skip(self, f"a {gap.size}-level gap")
        found = compensation_note(gap)
        if found is None:
            if catalog().primitive(gap.prim_id).degradation(gap.required) is not None:
                return gap.skip(self, f"the catalog's {gap.prim_id} guidance is not about what this step does")
            return gap.skip(self, f"the catalog has no L{gap.required}->L{gap.required - 1} guidance")
        method, text = found
        generic = method == "degradation-guidance"
        added = _add_guidance(gap, self, text, rewriter, instantiated=generic)
        if added is None:
            return
        gap.lower(gap.required - 1, rewriter)
        reason = f"catalog guidance {gap.prim_id} L{gap.required}->L{gap.required - 1}"
        if gap.failure():
            reason += "; the profile's failure detail at that level"
        gap.record_compensated(method, added, rewriter, rule=self.name, reason=reason)


# ---------------------------------------------------------------------------
# 3. substitution


def substitution_for(gap: GapContext) -> tuple[EquivalenceClass, Path, Path] | None:
    """(class, current path, alternative path) the target can take, where the
    source matches the class; None otherwise (the reason is noted on the gap)."""
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
        text = text if text is not None else gap.anchor_text()
        mismatch = checks.class_mismatch(cls.id, checks.anchor_source(gap.anchor))
        if mismatch is not None:
            gap.state.skipped.setdefault(id(gap.gap), []).append(f"substitute: not in class {cls.id} ({mismatch})")
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
        added = _add_guidance(gap, self, alternative.instruction, rewriter, subject=gap.class_subject(cls.id))
        if added is None:
            return
        needs = list(alternative.requires)
        gap.replace_requirement(needs, rewriter)
        demands = ", ".join(f"{pid} L{lvl}" for pid, lvl in needs)
        props = gap.record_props(needs, added, rule=self.name,
                                 reason=f"the source is a {cls.id} ({current.id}); {gap.state.target} "
                                        f"has what the {alternative.id} path needs ({demands})")
        props["equivalence"] = StringAttr(cls.id)
        props["path"] = StringAttr(alternative.id)
        props["from"] = StringAttr(current.id)
        gap.record(SubstitutedOp.create(properties=props), rewriter)


# ---------------------------------------------------------------------------
# 4. decomposition


class DecomposeStep(GapStrategy):
    """Split a step that really bundles several actions ('Do A, then B; C.') into
    explicit sub-steps; each demands one level (L1) of the primitive."""

    name = "decompose"
    lead = "Do this as separate steps, finishing each before starting the next:"

    def close(self, gap: GapContext, rewriter: PatternRewriter) -> None:
        if not catalog().primitive(gap.prim_id).decomposable:
            return gap.skip(self, "the catalog marks it as not decomposable")
        if not isinstance(gap.anchor, StepOp):
            return gap.skip(self, "not a step")
        if gap.required <= max(1, gap.available):
            return gap.skip(self, "sub-steps would still demand L1")
        parts = edits.split_actions(gap.anchor, text=gap.state.step_texts.get(id(gap.anchor)))
        if len(parts) < 2:
            return gap.skip(self, "the step is a single action")
        key = f"decompose:{id(gap.anchor)}"
        if key in gap.state.notes:
            added = ""
        else:
            cost = len(parts) + 3
            if not gap.state.budget.fits(cost, len(self.lead) + sum(len(p) + 8 for p in parts) + 8):
                return gap.skip(self, f"the added-text budget ({gap.state.budget.describe()}) is spent")
            added_md = edits.add_sublist(gap.anchor, self.lead, parts, rewriter)
            gap.state.budget.spend(edits.count_lines(added_md), len(added_md))
            added = self.lead + " " + " ".join(f"({i}) {p}" for i, p in enumerate(parts, 1))
            gap.state.notes[key] = added
        level = max(1, gap.available)
        gap.lower(level, rewriter)
        props = gap.record_props([(gap.prim_id, level)], added, rule=self.name,
                                 reason=f"the step bundles {len(parts)} actions")
        props["parts"] = i64_attr(len(parts))
        if "partial" in props:
            gap.mark_partial(rewriter)
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
        if any(primitive.degradation(level) is None for level in range(gap.required, gap.available, -1)):
            return gap.skip(self, "the catalog cannot lower it level by level")
        text = gap.context_text()
        steps = [primitive.guidance_for(level, text) for level in range(gap.required, gap.available, -1)]
        if any(s is None for s in steps):
            return gap.skip(self, f"the catalog's {gap.prim_id} guidance is not about what this step does")
        added = _add_guidance(gap, self, steps, rewriter)  # type: ignore[arg-type]
        if added is None:
            return
        gap.lower(gap.available, rewriter)
        gap.record_compensated("degradation-guidance", added, rewriter, rule=self.name,
                               reason=f"catalog guidance {gap.prim_id} L{gap.required}->L{gap.available}, level by level")


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
    SkillPaths,
    DecomposeStep,
    CompensateOneLevel,
    Substitute,
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
