"""`lower-to-harness{harness=...}`: a compiled skill becomes what one harness loads.

Each `skill.skill` becomes a `harness.program` holding:

- `harness.setup`: the environment-setup hook (from `env.setup`), run before the skill
  loads; on failure the skill still runs with the script's output in context;
- `harness.prompt "skill"`: the skill itself (its markdown stays as skill ops, so the
  backends write SKILL.md byte for byte where nothing changed), at the path the harness
  discovers skills from;
- `harness.guard`s: the check command of every dependency, before the step that
  needs it;
- `harness.call`s with the harness's own tool names for the steps' runnable code,
  grouped in `harness.batch` (ILP, DLP) and `harness.subagent` (TLP) where the harness
  runs that kind of parallelism (per the harness feature table);
- `harness.script`s for work `compile-capabilities` offloaded to a script.

Parallel groups the harness runs also get a one-line hint in SKILL.md, after the
group's last step, naming the harness's mechanism. What the compiler did (profile,
gaps, transforms, dependencies, groups) is kept in the program's `report`; the cap,
env and conc ops are then erased. Legality afterwards: no cap, env or conc op remains,
and no batch or sub-agent block of a kind the harness cannot run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ArrayAttr, DictionaryAttr, IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.ir import Block, Operation, Region
from xdsl.passes import ModulePass
from xdsl.pattern_rewriter import PatternRewriter

from skillir.dialects.harness import (
    BatchOp,
    CallOp,
    GuardOp,
    ProgramOp,
    PromptOp,
    ScriptOp,
    SetupOp,
    SubagentOp,
    harness_for,
    target_of,
)
from skillir.dialects.skill import CodeOp, SkillOp, StepOp, region_ops
from skillir.emit.report import collect_report
from skillir.readers.languages import family as language_family

_LOWERED_DIALECTS = ("cap.", "env.", "conc.")
_NOT_RUNNABLE_AS_IS = frozenset({"pycon", "jupyter", "ts", "tsx", "typescript"})
"""Tags of a family (`skillir.readers.languages`) whose body its interpreter cannot run
as written: `>>>` sessions, notebooks, TypeScript under node."""
_MAX_COMMAND = 4000


def skill_path(harness, name: str) -> str:
    """Where the harness discovers a skill folder, relative to its root."""
    template = harness.skills.discover.path or f"skills/{name}/SKILL.md"
    for prefix in ("<workDir>/", "<workspace>/", "$HERMES_HOME/", "~/"):
        template = template.removeprefix(prefix)
    return template.replace("<name>", name)


def _region(ops: list[Operation]) -> Region:
    """A region holding `ops`, or no block at all when empty (prints as `{}`)."""
    return Region(Block(ops)) if ops else Region()


def _label(step: StepOp, limit: int = 72) -> str:
    from skillir.frontend.classify import lead_text

    line = " ".join(lead_text(step.text.data).split())
    return line if len(line) <= limit else line[: limit - 1].rsplit(" ", 1)[0] + "…"


def _i64(value: int) -> IntegerAttr:
    return IntegerAttr(value, i64)


def _command_for(code: CodeOp) -> str | None:
    """The shell command a runnable code block amounts to."""
    lang = code.lang.data.lower().strip()
    body = code.body.data
    if len(body) > _MAX_COMMAND or lang in _NOT_RUNNABLE_AS_IS:
        return None
    family = language_family(lang)
    if family == "shell":
        lines = [ln[2:] if ln.startswith("$ ") else ln for ln in body.splitlines()]
        return "\n".join(lines).strip() or None
    if family == "python":
        return f"python3 - <<'SKILLIR_PY'\n{body}SKILLIR_PY"
    if family == "javascript":
        return f"node - <<'SKILLIR_JS'\n{body}SKILLIR_JS"
    return None


def _guard_command(require: Operation) -> str:
    """A stand-alone shell check for an `env.require` (its own `check` calls helpers
    that only exist inside env-setup.sh)."""
    import shlex

    def names(prop: str) -> list[str]:
        value = require.properties.get(prop)
        return [a.data for a in value.data] if value is not None else []

    kind, package = require.kind.data, require.package.data
    if kind == "pip":
        modules = names("modules") or [package.replace("-", "_")]
        return "python3 -c " + shlex.quote("import " + ", ".join(modules))
    if kind == "system":
        bins = names("bins") or [package]
        return " && ".join(f"command -v {shlex.quote(b)} >/dev/null" for b in bins)
    if kind == "npm":
        return f"npm ls --depth=0 {shlex.quote(package)} >/dev/null || npm ls -g --depth=0 {shlex.quote(package)} >/dev/null"
    return require.check.data


def _hint(group: dict, harness, steps: list[int]) -> str | None:
    numbers = ", ".join(str(s) for s in steps)
    kind = group["kind"]
    if kind == "ilp":
        tool = harness.parallel_tool_calls.tool
        how = f"in one `{tool}` call" if tool else "as parallel tool calls in one turn"
        return f"> **Parallel (SkillIR):** steps {numbers} do not depend on each other: issue their tool calls together, {how}."
    if kind == "tlp":
        branches = "; ".join(" → ".join(str(s) for s in b) for b in group["branches"])
        tool = harness.subagents.tool
        via = f" with the `{tool}` tool" if tool else ""
        return (f"> **Parallel (SkillIR):** the branches {branches} are independent: hand each to a "
                f"sub-agent{via}, then continue when all have finished.")
    if kind == "dlp":
        return (f"> **Parallel (SkillIR):** step {numbers} repeats the same work over many items: "
                f"process them in parallel ({group['mechanism']}) instead of one by one.")
    return None


class _Lowering:
    def __init__(self, skill: SkillOp, harness):
        self.skill = skill
        self.harness = harness
        ops = list(skill.walk())  # one walk: everything below reads these lists
        self.steps = [op for op in ops if isinstance(op, StepOp)]
        self.requires = [op for op in ops if op.name == "env.require"]
        self.setup_op = next((op for op in ops if op.name == "env.setup"), None)
        self.profile_op = next((op for op in ops if op.name == "cap.profile"), None)
        # outermost lowered ops only: erasing a region op takes its nested ops along
        self.doomed = [op for op in ops if op.name.startswith(_LOWERED_DIALECTS)
                       and not (op.parent_op() is not None and op.parent_op().name.startswith(_LOWERED_DIALECTS))]
        self.report = collect_report(skill, ops, self.steps)
        self.model = self.profile_op.model.data if self.profile_op is not None else "unknown"
        self.exec_tool = harness.tool_for("exec") or "execute_command"

    def program(self) -> ProgramOp:
        dag = self._dag_markdown()
        self._add_hints()
        body: list[Operation] = []
        setup = self._setup()
        if setup is not None:
            body.append(setup)
        guards = self._guards()
        calls = self._calls()
        scripts = self._scripts()
        self._erase_lowered()
        prompt_props = {"kind": StringAttr("skill"), "path": StringAttr(skill_path(self.harness, self.skill.sym_name.data)),
                        "inject": StringAttr(self.harness.skills.inject.mechanism)}
        body.append(PromptOp.create(properties=prompt_props, regions=[Region(Block())]))
        body.extend(guards)
        body.extend(calls)
        body.extend(scripts)
        props = {
            "sym_name": StringAttr(self.skill.sym_name.data),
            "harness": StringAttr(self.harness.name),
            "model": StringAttr(self.model),
            "report": StringAttr(json.dumps(self.report, ensure_ascii=False, sort_keys=True)),
        }
        if dag is not None:
            props["dag"] = StringAttr(dag)
        return ProgramOp.create(properties=props, regions=[Region(Block(body))])

    def _dag_markdown(self) -> str | None:
        if not self.report["parallel_groups"]:
            return None
        from skillir.concurrency.render import render_mermaid

        module = ModuleOp([])
        clone = self.skill.clone()
        module.body.block.add_op(clone)
        try:
            return render_mermaid(module)
        finally:
            module.body.block.detach_op(clone)
            clone.erase()

    def _add_hints(self) -> None:
        from skillir.capability.edits import add_note

        rewriter = PatternRewriter(self.skill)
        for group in self.report["parallel_groups"]:
            if group["status"] != "parallel":
                continue
            hint = _hint(group, self.harness, group["steps"])
            last = max(group["steps"]) if group["steps"] else 0
            if hint is None or not 1 <= last <= len(self.steps):
                continue
            added = add_note(self.steps[last - 1], hint, rewriter)
            group["hint"] = added.strip()

    def _setup(self) -> SetupOp | None:
        setup = self.setup_op
        if setup is None:
            return None
        requires = [StringAttr(d["name"]) for d in self.report["dependencies"] if not d["optional"]]
        return SetupOp.create(properties={
            "path": StringAttr(setup.path.data), "script": StringAttr(setup.script.data),
            "requires": ArrayAttr(requires), "on_failure": StringAttr("continue-with-output"),
        })

    def _step_at_line(self, line: int | None) -> int | None:
        from skillir.ir import location_of

        best = None
        for index, step in enumerate(self.steps, start=1):
            step_line = location_of(step)[1]
            if step_line is not None and line is not None and step_line <= line:
                best = index
        return best

    def _guards(self) -> list[GuardOp]:
        guards = []
        for op in self.requires:
            if op.optional is not None:
                continue
            line = next((e.line.data for e in op.evidence.data
                         if getattr(e, "file", None) is not None and e.file.data == "SKILL.md" and e.line.data), None)
            props = {
                "check": StringAttr(_guard_command(op)),
                "message": StringAttr(f"{op.kind.data} dependency '{op.package.data}' is missing: run env-setup.sh"),
            }
            step = self._step_at_line(line)
            if step is not None:
                props["step"] = _i64(step)
            guards.append(GuardOp.create(properties=props))
        return guards

    def _call(self, number: int) -> CallOp | None:
        step = self.steps[number - 1]
        for op in step.nested_ops:
            if isinstance(op, CodeOp) and op.is_runnable:
                command = _command_for(op)
                if command is not None:
                    args = DictionaryAttr({"command": StringAttr(command)})
                    return CallOp.create(properties={"tool": StringAttr(self.exec_tool), "args": args,
                                                     "step": _i64(number)})
        return None

    def _calls(self) -> list[Operation]:
        """Tool calls for the steps' runnable code, in kept groups where the harness
        runs them: ILP and DLP batches (a DLP group nested in a kept ILP group becomes
        a batch inside that batch) and TLP sub-agent blocks."""
        groups = self.report["parallel_groups"]
        kept = [g["status"] == "parallel" for g in groups]
        dlp_of: dict[int, dict] = {}
        for index, group in enumerate(groups):
            parent = group.get("nested_in")
            if kept[index] and group["kind"] == "dlp" and parent is not None and kept[parent]:
                for step in group["steps"]:
                    dlp_of[step] = group

        def call(number: int) -> Operation | None:
            made = self._call(number)
            group = dlp_of.get(number)
            if made is None or group is None:
                return made
            return self._batch("dlp", group, [number], [made])

        out: list[Operation] = []
        grouped: set[int] = set()
        for index, group in enumerate(groups):
            parent = group.get("nested_in")
            if not kept[index] or (parent is not None and kept[parent]):
                continue
            steps = [s for s in group["steps"] if 1 <= s <= len(self.steps)]
            if group["kind"] in ("ilp", "dlp"):
                calls = [c for c in (call(s) if group["kind"] == "ilp" else self._call(s) for s in steps) if c]
                out.append(self._batch(group["kind"], group, steps, calls))
            else:
                for branch in group["branches"]:
                    branch_calls = [c for c in (call(s) for s in branch) if c is not None]
                    out.append(SubagentOp.create(
                        properties={"task": StringAttr(" then ".join(_label(self.steps[s - 1]) for s in branch)),
                                    "tool": StringAttr(self.harness.subagents.tool or "subagent"),
                                    "steps": ArrayAttr([_i64(s) for s in branch])},
                        regions=[_region(branch_calls)],
                    ))
            grouped.update(steps)
        for number in range(1, len(self.steps) + 1):
            if number not in grouped and (made := call(number)) is not None:
                out.append(made)
        return out

    @staticmethod
    def _batch(kind: str, group: dict, steps: list[int], calls: list[Operation]) -> BatchOp:
        props = {"kind": StringAttr(kind), "steps": ArrayAttr([_i64(s) for s in steps]),
                 "reason": StringAttr(group["reason"])}
        return BatchOp.create(properties=props, regions=[_region(calls)])

    def _scripts(self) -> list[ScriptOp]:
        scripts = []
        for t in self.report["transforms"]:
            if t["kind"] == "offloaded" and t.get("script"):
                props = {"path": StringAttr(t["script"]), "lang": StringAttr(t.get("lang") or "python")}
                if t.get("step"):
                    props["step"] = _i64(t["step"])
                for key in ("body", "run"):  # the script the compiler wrote, and how the skill runs it
                    if t.get(key):
                        props[key] = StringAttr(t[key])
                scripts.append(ScriptOp.create(properties=props))
        return scripts

    def _drop_empty_step_regions(self) -> None:
        """A step whose region held only cap ops gets back its plain form."""
        rewriter = PatternRewriter(self.skill)
        for step in list(self.steps):
            if step.body is not None and not step.nested_ops:
                plain = StepOp.create(
                    operands=list(step.inputs), result_types=[r.type for r in step.outputs],
                    properties=dict(step.properties),
                )
                plain.location = step.location
                for old, new in zip(step.outputs, plain.outputs, strict=True):
                    new.name_hint = old.name_hint
                rewriter.replace(step, plain)
                self.steps[self.steps.index(step)] = plain

    def _erase_lowered(self) -> None:
        for op in self.doomed:
            op.detach()
            op.erase(safe_erase=False)
        self._drop_empty_step_regions()


@dataclass(frozen=True)
class LowerToHarnessPass(ModulePass):
    """Lower compiled skills to harness programs (what one harness loads and runs)."""

    name = "lower-to-harness"

    harness: str = ""
    """The harness to lower for (bare-agent, claude-code, codex, opencode, openclaw,
    hermes) when the IR does not say it yet (default bare-agent). The skill's target
    (from bind-profile) and the harness extract-concurrency recorded win; an option
    that disagrees with them is an error naming the skill's location."""

    def legality(self, module: ModuleOp) -> list[str]:
        """Post-condition the pass manager checks after this pass: no cap, env or conc op remains; no batch or sub-agent the harness cannot run."""
        return harness_legality(module)

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        from skillir.harnesses import load_harness

        if self.harness:
            load_harness(self.harness)  # an unknown harness is an error even with no skill
        for skill in [s for s in op.body.block.ops if isinstance(s, SkillOp)]:
            graph = next((g for g in region_ops(skill.body) if g.name == "conc.graph"), None)
            recorded = graph.harness.data if graph is not None else None
            features = load_harness(harness_for(skill, self.harness, self.name, recorded))
            lowering = _Lowering(skill, features)
            program = lowering.program()
            op.body.block.insert_op_before(program, skill)
            skill.detach()
            prompt = next(p for p in region_ops(program.body) if isinstance(p, PromptOp))
            prompt.body.block.add_op(skill)


def harness_legality(module: ModuleOp) -> list[str]:
    from skillir.harnesses import load_harness

    problems = []
    for op in module.walk():
        if op.name.startswith(_LOWERED_DIALECTS):
            problems.append(f"'{op.name}' remains after lowering")
    for program in module.body.block.ops:
        if not isinstance(program, ProgramOp):
            if isinstance(program, SkillOp):
                problems.append(f"skill '{program.sym_name.data}' was not lowered")
            continue
        features = load_harness(program.harness.data)
        skill = next((s for s in program.walk() if isinstance(s, SkillOp)), None)
        target = target_of(skill) if skill is not None else None
        if target is not None and target.harness != program.harness.data:
            problems.append(f"skill '{program.sym_name.data}' targets {target.harness} "
                            f"but was lowered for {program.harness.data}: one harness per skill")
        for op in program.walk():
            if isinstance(op, BatchOp) and op.kind.data == "ilp" and not features.can_run("ilp").kept:
                problems.append(f"{features.name} cannot run an ILP batch")
            if isinstance(op, SubagentOp) and not features.can_run("tlp").kept:
                problems.append(f"{features.name} cannot run sub-agents")
    return problems
