"""Code solidification at run time (paper §5.2.2): monitor, promote, execute, deoptimise.

    with JitSession(store, bundle, model=provider.name, harness="bare-agent") as jit:
        record = run_task(task, provider, skill=bundle, options=RunOptions(hooks=jit.hooks()))
        jit.observe(record)

- **Execute** (`AgentHooks.before_model`, first model turn only): a promoted candidate whose
  prompt shape matches the task is filled from the prompt and run through the run's sandbox.
  When it exits 0 and its output files exist, the hook answers in the model's place (a
  `solidified` trace event, no model call, no tokens) and the loop ends. Anything else (a
  parameter the prompt lacks, a non-zero exit, a timeout, a missing output) is a
  deoptimisation: a `jit_deopt` trace event with the reason, and the model path runs (on
  the workspace as the failed script left it: its writes are not undone).
- **Monitor** (`observe`, after the run, from its trace and record): a clean model run (status
  ok, not failed by the graders, no effectful tool error) is folded into a script; it matches a
  trace candidate with the same skeleton (`candidates.compare`), or starts a new one. Ahead-of-
  time candidates from the skill's code match loosely. `promote_after` consecutive matches
  promote; `demote_after` consecutive failures of a promoted candidate (deopts or graded
  failures) demote it for good.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.datafiles import load_data
from skillir.jit.candidates import (
    Candidate,
    compare,
    effectful_calls,
    fold,
    from_skill,
    from_trace,
    loose_match,
    relative_to,
    run_code,
)
from skillir.jit.rewrite import promoted_view, refresh_program
from skillir.jit.signature import prompt_shape
from skillir.jit.store import JitStore
from skillir.runtime.agent import AgentHooks, AgentStart
from skillir.runtime.providers.base import Message, Response, Usage


@dataclass(frozen=True)
class SolidifyPolicy:
    """Options of solidification (defaults in skillir/data/jit.json)."""

    promote_after: int = 3
    """Consecutive matching runs before a candidate is promoted."""
    demote_after: int = 3
    """Consecutive failures of a promoted candidate before it is demoted."""
    max_script_seconds: float = 60.0
    """Time limit of one solidified script."""
    execute: bool = True
    """Run promoted candidates (False: only monitor)."""

    @classmethod
    def defaults(cls, **overrides: Any) -> SolidifyPolicy:
        table = load_data("jit.json")["solidify"]
        values = {**table, **{k: v for k, v in overrides.items() if v is not None}}
        return cls(**values)


@dataclass
class Dispatch:
    """What the hook did in this run."""

    candidate: str | None = None
    solidified: bool = False
    deopt: str | None = None
    script_s: float = 0.0
    overhead_s: float = 0.0
    params: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"candidate": self.candidate, "solidified": self.solidified, "deopt": self.deopt,
                "script_s": round(self.script_s, 6), "overhead_s": round(self.overhead_s, 6),
                "params": self.params}


class JitSession:
    """The JIT for one skill on one (model, harness): hooks for a run, then `observe`."""

    def __init__(self, store: JitStore, bundle: Any, *, model: str, harness: str = "bare-agent",
                 policy: SolidifyPolicy | None = None):
        self.store = store
        self.bundle = bundle
        self.model = model
        self.harness = harness
        self.policy = policy or SolidifyPolicy.defaults()
        self.key = (bundle.name, bundle.sha256, model, harness)
        self.dispatch = Dispatch()
        self._start: AgentStart | None = None
        self._entry = store.load(*self.key)

    def __enter__(self) -> JitSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    # -- the hooks of one run ----------------------------------------------------------
    def hooks(self, base: AgentHooks | None = None) -> AgentHooks:
        """Hooks for the next run (keeps `base`'s observers)."""
        self.dispatch = Dispatch()
        self._entry = self.store.load(*self.key)
        base = base or AgentHooks()
        return AgentHooks(before_model=self._before_model, on_start=self._on_start,
                          report=self.dispatch_report, after_model=base.after_model,
                          after_tool=base.after_tool)

    def dispatch_report(self) -> dict[str, Any]:
        return self.dispatch.to_json()

    def _on_start(self, start: AgentStart) -> None:
        self._start = start

    def _before_model(self, step: int, messages: list[Message]) -> Response | None:
        t0 = time.perf_counter()
        start = self._start
        if step != 1 or start is None or not self.policy.execute:
            return None
        ready = [c for c in self._entry.candidates if c.applies_to(start.prompt)]
        if not ready:
            return None
        cand = max(ready, key=lambda c: (c.matches, c.id))
        self.dispatch.candidate = cand.id
        script, outputs, why = cand.materialize(start.prompt)
        if script is None:
            return self._deopt(cand, why or "could not fill the template", t0)
        values, _ = cand.values(start.prompt)
        self.dispatch.params = {cand.params[i]["name"]: v for i, v in (values or {}).items()}
        sandbox = start.executor.sandbox
        limit = max(0.0, min(self.policy.max_script_seconds, start.deadline - time.monotonic()))
        res = sandbox.run(script, timeout=limit)
        self.dispatch.script_s = res.duration_s
        if res.killed:
            return self._deopt(cand, f"the script was killed ({res.killed})", t0, res)
        if res.exit_code != 0:
            return self._deopt(cand, f"the script exited with {res.exit_code}", t0, res)
        missing = [o for o in outputs if not (sandbox.root / o).exists()]
        if missing:
            return self._deopt(cand, "the script did not write " + ", ".join(missing), t0, res)
        sandbox.adopt()
        self.dispatch.solidified = True
        text = (f"Done (solidified: candidate {cand.id} ran without a model call). "
                + (f"Files written: {', '.join(outputs)}." if outputs else "")
                + (f"\n{res.output.strip()[-500:]}" if res.output.strip() else ""))
        self.dispatch.overhead_s = max(0.0, time.perf_counter() - t0 - res.duration_s)
        if start.trace is not None:
            start.trace.event("jit_dispatch", candidate=cand.id, source=cand.source,
                              params=self.dispatch.params, exit_code=res.exit_code,
                              script_s=round(res.duration_s, 6),
                              overhead_s=round(self.dispatch.overhead_s, 6),
                              output_preview=res.output[-500:])
        return Response(text=text, tool_calls=(), usage=Usage(0, 0), latency_s=0.0,
                        stop_reason="end_turn", model=f"jit:{cand.id}",
                        extra={"solidified": {"candidate": cand.id}})

    def _deopt(self, cand: Candidate, reason: str, t0: float, res: Any = None) -> None:
        self.dispatch.deopt = reason
        self.dispatch.overhead_s = max(0.0, time.perf_counter() - t0 - self.dispatch.script_s)
        start = self._start
        if start is not None and start.trace is not None:
            start.trace.event("jit_deopt", candidate=cand.id, reason=reason,
                              exit_code=None if res is None else res.exit_code,
                              output_preview="" if res is None else res.output[-500:])
        return None

    # -- after the run -----------------------------------------------------------------
    def observe(self, record: dict[str, Any], events: list[dict[str, Any]] | None = None,
                prompt: str | None = None) -> dict[str, Any]:
        """Learn from a finished run (its record; its trace is read from `record["trace"]`).
        Returns what changed: {"matched", "new", "promoted", "demoted", "failed"}."""
        from skillir.runtime.trace import read_trace

        if events is None:
            events = read_trace(Path(record["trace"]))
        if prompt is None:
            prompt = _prompt_of(record)
        if self._start is not None:  # a harness's tools name files by absolute path
            events = relative_to(events, str(self._start.executor.sandbox.root))
        out: dict[str, list[str]] = {"matched": [], "new": [], "promoted": [], "demoted": [],
                                     "failed": []}
        run_id = str(record.get("run_id", ""))
        passed = record.get("passed")
        ok = record.get("status") == "ok" and passed is not False
        with self.store.locked(*self.key) as entry:
            before = promoted_view(entry)
            try:
                known = {c.id for c in entry.candidates}
                for cand in from_skill(self.bundle.folder):  # ahead of time: the skill's own code
                    if cand.id not in known:
                        cand.note("aot", origin=cand.origin)
                        entry.candidates.append(cand)
                by_id = {c.id: c for c in entry.candidates}
                fired = by_id.get(self.dispatch.candidate or "")
                if fired is not None:
                    if self.dispatch.solidified and ok:
                        fired.solidified_runs += 1
                        fired.consecutive_failures = 0
                        fired.note("solidified", run=run_id)
                    else:
                        fired.failures += 1
                        fired.consecutive_failures += 1
                        fired.note("failed", run=run_id, reason=self.dispatch.deopt or
                                   f"graded {record.get('score')}")
                        out["failed"].append(fired.id)
                        if fired.consecutive_failures >= self.policy.demote_after:
                            fired.state = "demoted"
                            fired.note("demoted", run=run_id)
                            out["demoted"].append(fired.id)
                if self.dispatch.solidified:
                    return out  # no model path ran: nothing to learn from (finally: refresh)
                calls, clean = effectful_calls(events)
                clean = clean and ok and bool(calls)
                script = fold(calls)[0] if calls else ""
                code = run_code(events)
                matched_trace = False
                for cand in entry.candidates:
                    if cand.state == "demoted":
                        continue
                    if not clean:
                        cand.consecutive = 0
                        continue
                    if cand.source == "trace":
                        m = compare(cand, script, prompt)
                        if not m.ok:
                            cand.misses += 1
                            cand.consecutive = 0
                            continue
                        matched_trace = True
                        for i in m.specialised:
                            cand.params.pop(i, None)
                        cand.params.update(m.generalised)
                    elif not loose_match(cand.keys, code):
                        cand.misses += 1
                        cand.consecutive = 0
                        continue
                    self._hit(cand, prompt, run_id, out)
                if clean and not matched_trace:
                    new = from_trace(events, prompt, run_id=run_id)
                    if new is not None and new.id not in by_id:
                        entry.candidates.append(new)
                        out["new"].append(new.id)
                        self._hit(new, prompt, run_id, out)
            finally:
                if promoted_view(entry) != before:
                    refresh_program(self.bundle.folder, entry)
            self._entry = entry
        return out

    def _hit(self, cand: Candidate, prompt: str, run_id: str, out: dict[str, list[str]]) -> None:
        cand.matches += 1
        cand.consecutive += 1
        shape = cand.shape(prompt)
        if shape not in cand.shapes:
            cand.shapes.append(shape)
        out["matched"].append(cand.id)
        if cand.state == "candidate" and cand.consecutive >= self.policy.promote_after:
            cand.state = "promoted"
            cand.note("promoted", run=run_id, after=cand.consecutive)
            out["promoted"].append(cand.id)


def _prompt_of(record: dict[str, Any]) -> str:
    from skillir.bench.task import load_task

    return load_task(record["task_dir"]).prompt


def run_with_jit(task: Any, provider: Any, bundle: Any, *, options: Any = None,
                 store: JitStore | None = None, policy: SolidifyPolicy | None = None,
                 config: Any = None, session: JitSession | None = None) -> dict[str, Any]:
    """One run of `task` with solidification: hooks in, learn after. The record carries
    `jit` (what the hook did) and `jit_observed` (what the run taught)."""
    from dataclasses import replace

    from skillir.bench.run import RunOptions, run_task

    opts = options or RunOptions()
    jit = session or JitSession(store or JitStore(), bundle, model=provider.name,
                                harness=opts.harness, policy=policy)
    record = run_task(task, provider, skill=bundle, options=replace(opts, hooks=jit.hooks(opts.hooks)),
                      config=config)
    if record.get("trace") and Path(record["trace"]).exists():
        record["jit_observed"] = jit.observe(record, prompt=task.prompt)
    return record


def promote_by_hand(store: JitStore, bundle: Any, task: Any, *, model: str, harness: str,
                    candidate: str | None = None) -> tuple[Candidate, str, Any]:
    """Promote one of the skill's own code blocks or scripts (an ahead-of-time candidate)
    for `task`'s family, without matching runs: the user vouches for the code. It still
    fires only on prompts of that shape, runs in the sandbox, and deoptimises and demotes
    like any promoted candidate. Returns (candidate, task family, program.mlir or None)."""
    from skillir.errors import SkillIRError
    from skillir.jit.rewrite import refresh_program

    with store.locked(bundle.name, bundle.sha256, model, harness) as entry:
        known = {c.id for c in entry.candidates}
        entry.candidates += [c for c in from_skill(bundle.folder) if c.id not in known]
        own = [c for c in entry.candidates if c.source != "trace"]
        chosen = [c for c in own if c.id == candidate] if candidate else own
        if len(chosen) != 1:
            ids = ", ".join(c.id for c in own) or "none: no runnable code block or script"
            raise SkillIRError(
                f"say which candidate to promote ({ids})" if chosen else
                f"no ahead-of-time candidate '{candidate}' in {bundle.name} ({ids})",
                hint="skill-jit promote ... --candidate ID")
        cand = chosen[0]
        _script, _outputs, why = cand.materialize(task.prompt)
        if why is not None:
            raise SkillIRError(f"{cand.id} cannot be filled from the task's prompt: {why}",
                               hint="promote it for a task whose prompt names what the script "
                                    "needs")
        shape = cand.shape(task.prompt)
        if shape not in cand.shapes:
            cand.shapes.append(shape)
        cand.state, cand.consecutive_failures = "promoted", 0
        cand.note("promoted", by="hand", task=task.id)
        program = refresh_program(bundle.folder, entry)
    return cand, shape, program


__all__ = ["Dispatch", "JitSession", "SolidifyPolicy", "prompt_shape", "promote_by_hand",
           "run_with_jit"]
