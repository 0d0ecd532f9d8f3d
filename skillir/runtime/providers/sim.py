"""`sim/MODEL`: a simulated model whose behaviour follows a capability profile.

    skill-run --task TASK --skill SKILL --model sim/qwen3.5-9b --seed 3

Nothing here calls a model. The tools, the workspace, the sandbox and the graders are the
real ones; only the decisions are simulated, and every output says so (the provider's
`simulated` flag: the run record, every trace event and every line skill-run prints).

- **Profile.** `MODEL` names a capability profile: `sim/qwen3.5-9b` is
  `bare-agent/qwen3.5-9b`; `sim/synthetic/strong` (or `sim/synthetic-strong`) the
  synthetic one; any `HARNESS/MODEL` the profile store resolves works
  (`skillir.profiles.store.resolve_target`, user profiles first).
- **Behaviour.** At the start of a run (`start_run`) the provider finds the task's reference
  solution (`skillir.runtime.replay`; a task without one is recorded as `sim-unsupported`
  and not run), the demands of each task step and their success probabilities
  (`skillir.runtime.simmodel`: the function and its parameters), and draws the outcome of
  every step from the seed (`--seed`, default 0). Then it acts: it lists the workspace and
  reads a few input files, writes the reference to `.sim/ref/`, performs each unit of the
  reference through the real tools when its steps succeed, or acts out the drawn failure
  mode (wrong file name, partial output, malformed format) when one fails, removes `.sim/`,
  and answers.
- **Tokens.** Input tokens of each call are counted on the context actually sent (system
  prompt with the injected skill, the prompt, every assistant turn and tool result, plus the
  tool definitions) with the offline tokenizer of the profile's model
  (`skillir.emit.tokens`), the workspace's temporary path read as `/workspace`; output
  tokens on the text and the tool calls' JSON arguments it emits.
- **Latency.** `ttft_s + input / prefill_tokens_per_s + output / output_tokens_per_s` of the
  model's class (simulation.json); reported as the call's latency (so the record's
  `model_time_s` is simulated model time); no sleeping unless the route option `sleep` or
  `$SKILLIR_SIM_SLEEP` gives a factor (1.0 = real time).

Same (task, skill, model, seed) -> same tool calls, files, score and tokens.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import shlex
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from skillir.errors import SkillIRError
from skillir.runtime.config import RouteConfig
from skillir.runtime.providers.base import (
    Message,
    Provider,
    ProviderError,
    Response,
    RunInfo,
    RunNotSupported,
    ToolCall,
    ToolSpec,
    Usage,
)
from skillir.runtime.replay import (
    REF_DIR,
    SCRATCH_DIR,
    SIM_DIR,
    Action,
    Damage,
    Reference,
    changes,
    damage,
    find_reference,
    is_binary,
    ops_command,
    remove,
    snapshot,
)
from skillir.runtime.simmodel import (
    Outcome,
    SimParams,
    decide,
    null_params,
    sim_params,
    task_steps,
)

UNSUPPORTED = "sim-unsupported"
SLEEP_ENV = "SKILLIR_SIM_SLEEP"
WORKSPACE_ALIAS = "/workspace"
"""Token counts read the run's workspace path as this, so they do not depend on the random
name of the temporary folder (same seed, same counts)."""

Turn = tuple[str, list[tuple[str, dict[str, Any]]]]


def resolve_sim_profile(model: str, harness: str = "bare-agent") -> Any:
    """The profile a `sim/MODEL` id stands for (a `Resolution`)."""
    from skillir.profiles.store import resolve_target

    if "/" in model:
        return resolve_target(model)
    try:
        return resolve_target(f"{harness}/{model}")
    except SkillIRError as exc:
        if model.startswith("synthetic-"):
            return resolve_target("synthetic/" + model[len("synthetic-"):])
        raise SkillIRError(f"no capability profile for the simulated model '{model}'",
                           hint=(exc.hint or "") + "; synthetic ones: sim/synthetic-strong, "
                           "sim/synthetic/weak") from None


@dataclass
class _RunState:
    info: RunInfo
    task: Any
    reference: Reference
    outcomes: list[Outcome]
    seed: int
    source: str
    notes: list[str]
    initial: dict[str, str]
    units: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0
    model_time_s: float = 0.0


class SimProvider(Provider):
    """A profile-driven simulated model (see the module docstring)."""

    simulated = True

    def __init__(self, route: RouteConfig, model: str, *, params: SimParams | None = None):
        if not model:
            raise SkillIRError("the simulated model needs a profile name",
                               hint="e.g. --model sim/qwen3.5-9b or sim/synthetic-strong")
        self.route = route
        self.model = model
        self.name = f"{route.route}/{model}"
        self.params = params or sim_params()
        self._set_profile(resolve_sim_profile(model))
        raw_sleep = route.options.get("sleep", os.environ.get(SLEEP_ENV) or 0)
        try:
            self.sleep_factor = max(0.0, float(raw_sleep))
        except (TypeError, ValueError):
            raise SkillIRError(f"sleep factor must be a number, not {raw_sleep!r}",
                               hint=f"route option 'sleep' or ${SLEEP_ENV}") from None
        self._run: _RunState | None = None
        self._gen: Generator[Turn, Sequence[Message], None] | None = None
        self._primed = False
        self._msg_tokens: list[tuple[Message, int]] = []
        self._tool_tokens: dict[tuple[str, ...], int] = {}

    def _set_profile(self, resolution: Any) -> None:
        from skillir.emit.tokens import encoding_for

        self.resolution = resolution
        self.profile = resolution.profile
        self.latency_class, self.latency = self.params.latency_class(self.profile.model)
        self.encoding, self.tokens_exact = encoding_for(self.profile.model)

    # -- tokens -------------------------------------------------------------------------
    def count(self, text: str) -> int:
        from skillir.emit.tokens import count_tokens

        return count_tokens(text, self.profile.model).tokens if text else 0

    def _message_tokens(self, m: Message) -> int:
        body = f"{m.role}: {m.content}"
        if m.tool_calls:
            body += "\n" + json.dumps([{"name": c.name, "arguments": c.arguments}
                                       for c in m.tool_calls], ensure_ascii=False)
        if self._run is not None:  # the run's random temp folder name is not the task's
            body = body.replace(str(self._run.info.workspace), WORKSPACE_ALIAS)
        return self.count(body) + self.params.message_overhead

    def input_tokens(self, messages: Sequence[Message], tools: Sequence[ToolSpec]) -> int:
        """Tokens of the context sent: every message plus the tool definitions."""
        total = 0
        for i, m in enumerate(messages):
            if i < len(self._msg_tokens) and self._msg_tokens[i][0] is m:
                total += self._msg_tokens[i][1]
                continue
            n = self._message_tokens(m)
            del self._msg_tokens[i:]
            self._msg_tokens.append((m, n))
            total += n
        key = tuple(t.name for t in tools)
        if key not in self._tool_tokens:
            spec = [{"name": t.name, "description": t.description, "parameters": t.parameters}
                    for t in tools]
            self._tool_tokens[key] = self.count(json.dumps(spec, sort_keys=True)) if tools \
                else 0
        return total + self._tool_tokens[key]

    # -- the run ------------------------------------------------------------------------
    def prepare(self) -> None:
        if self.resolution.warning:
            logging.getLogger("skillir.runtime").warning(
                "simulated model %s: %s", self.name, self.resolution.warning)

    def start_run(self, info: RunInfo) -> None:
        if info.harness != self.profile.harness and "/" not in self.model:
            try:
                found = resolve_sim_profile(self.model, info.harness)
            except SkillIRError:
                found = None
            if found is not None and not found.fallback:
                self._set_profile(found)
        task = info.task
        if task is None:
            raise SkillIRError("a simulated run needs the loaded task (RunInfo.task)",
                               hint="start runs through skillir.bench.run.run_task")
        reference = find_reference(info.task_dir)
        if reference is None:
            self._run = None
            raise RunNotSupported(
                f"task {task.id} has no reference solution (REFERENCE/actions.json, "
                "REFERENCE/run.sh or solution/solve.sh): a simulated model only replays "
                "references and never guesses", status=UNSUPPORTED)
        steps, source, notes = task_steps(task, info.skill, self.profile, self.params,
                                          action_labels=reference.labels)
        seed = info.seed if info.seed is not None else 0
        outcomes = decide(seed, task.id, steps, self.params)
        self._run = _RunState(info=info, task=task, reference=reference, outcomes=outcomes,
                              seed=seed, source=source, notes=list(notes) + list(reference.notes),
                              initial=snapshot(info.workspace))
        self._gen = self._script(self._run)
        self._primed = False
        self._msg_tokens = []

    def complete(self, messages: Sequence[Message], tools: Sequence[ToolSpec] = (), *,
                 max_tokens: int | None = None, temperature: float | None = None,
                 deadline: float | None = None, seed: int | None = None) -> Response:
        run = self._run
        if run is None or self._gen is None:
            raise ProviderError("the simulated provider only serves runs started with "
                                "skill-run / run_task (it cannot act as an LLM judge)")
        n_in = self.input_tokens(messages, tools)
        try:
            turn = next(self._gen) if not self._primed else self._gen.send(messages)
            self._primed = True
        except StopIteration:
            turn = ("Done.", [])
        text, calls = turn
        run.calls += 1
        tool_calls = []
        n_out = self.count(text)
        for i, (name, args) in enumerate(calls):
            raw = json.dumps(args, ensure_ascii=False)
            tool_calls.append(ToolCall(id=f"sim_{run.calls}_{i}", name=name, arguments=args,
                                       raw_arguments=raw))
            n_out += self.count(f"{name} {raw}")
        latency = self.latency.seconds(n_in, n_out)
        run.model_time_s += latency
        if self.sleep_factor > 0:
            pause = latency * self.sleep_factor
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)
        return Response(text=text, tool_calls=tuple(tool_calls),
                        usage=Usage(input_tokens=n_in, output_tokens=n_out),
                        latency_s=latency, stop_reason="tool_use" if tool_calls else "end_turn",
                        model=self.name, simulated=True,
                        extra={"simulated_latency_s": latency, "latency_class": self.latency_class})

    # -- what the simulated agent does --------------------------------------------------
    def _unit_outcomes(self, run: _RunState) -> list[tuple[bool, str | None, list[str]]]:
        """(ok, failure mode, step labels) of each reference unit: a task step belongs to
        the unit of the same label, else to the last unit."""
        units = run.reference.units
        index = {u.label: i for i, u in enumerate(units) if u.label}
        attached: list[list[Outcome]] = [[] for _ in units]
        for o in run.outcomes:
            attached[index.get(o.step.label, len(units) - 1)].append(o)
        out = []
        for group in attached:
            failed = [o for o in group if not o.ok]
            out.append((not failed, failed[0].mode if failed else None,
                        [o.step.label for o in group]))
        return out

    def _explore(self, run: _RunState) -> Turn:
        root = run.info.workspace
        prompt = str(getattr(run.task, "prompt", ""))
        candidates = []
        for rel in run.initial:
            if rel.startswith("skills/") or run.initial[rel].startswith("link:"):
                continue
            path = root / rel
            try:
                size = path.stat().st_size
            except OSError:
                continue
            if size > self.params.explore_max_bytes or size == 0:
                continue
            mentioned = PurePosixPath(rel).name in prompt
            candidates.append((not mentioned, rel.count("/"), rel))
        reads = []
        for _, _, rel in sorted(candidates):
            if len(reads) >= self.params.explore_files:
                break
            try:
                if is_binary((root / rel).read_bytes()):
                    continue
            except OSError:
                continue
            reads.append(("read_file", {"path": rel}))
        return ("I'll look at the workspace and the input files first.",
                [("list_directory", {"path": "."}), *reads])

    def _write_reference(self, ref: Reference) -> Generator[Turn, Any, None]:
        """Write the reference folder to `.sim/ref/`: the first file alone (it creates the
        folder), the others in one turn (their folders made first when nested)."""
        texts = [(f"{REF_DIR}/{rel}", data.decode("utf-8")) for rel, data, _ in ref.files
                 if not is_binary(data)]
        binaries = [(f"{REF_DIR}/{rel}", data) for rel, data, _ in ref.files if is_binary(data)]
        nested = sorted({str(PurePosixPath(path).parent) for path, _ in texts + binaries}
                        - {REF_DIR})
        commands = ["mkdir -p " + " ".join(map(shlex.quote, nested))] if nested else []
        for path, data in binaries:
            blob = base64.b64encode(data).decode()
            commands.append(f"printf %s {shlex.quote(blob)} | base64 -d > {shlex.quote(path)}")
        first = texts[:1] if not commands else []
        if first:
            yield ("I'll write the solution script.",
                   [("write_file", {"path": first[0][0], "content": first[0][1]})])
        if commands:
            yield ("I'll write the solution files.",
                   [("execute_command", {"command": f"mkdir -p {REF_DIR}\n"
                                         + "\n".join(commands)})])
        rest = texts[len(first):]
        if rest:
            yield ("", [("write_file", {"path": path, "content": text}) for path, text in rest])

    @staticmethod
    def _script_command(ref: Reference, *, scratch: bool) -> str:
        """Run the script reference: in place (then remove `.sim/`, keeping its exit
        status), or inside the scratch copy."""
        chmod = [f"{REF_DIR}/{rel}" for rel, _, executable in ref.files if executable]
        prefix = ("chmod +x " + " ".join(map(shlex.quote, chmod)) + " && ") if chmod else ""
        if scratch:
            return f"{prefix}cd {SCRATCH_DIR} && bash {REF_DIR}/{ref.path.name}"
        return (f"{prefix}bash {REF_DIR}/{ref.path.name}; status=$?; {remove(SIM_DIR)}; "
                "exit $status")

    @staticmethod
    def _in_scratch(action: Action) -> tuple[str, dict[str, Any]]:
        args = dict(action.args)
        if action.tool == "execute_command":
            args["command"] = f"cd {SCRATCH_DIR} && {args.get('command', '')}"
        elif action.tool in ("write_file", "read_file"):
            args["path"] = f"{SCRATCH_DIR}/{args.get('path', '')}"
        elif action.tool == "list_directory":
            args["path"] = f"{SCRATCH_DIR}/{args.get('path') or '.'}"
        return action.tool, args

    def _script(self, run: _RunState) -> Generator[Turn, Any, None]:
        ref = run.reference
        root = run.info.workspace
        yield self._explore(run)
        script = ref.kind != "actions"
        if script:
            yield from self._write_reference(ref)
        for unit, (ok, mode, labels) in zip(ref.units, self._unit_outcomes(run), strict=True):
            entry: dict[str, Any] = {"label": unit.label, "steps": labels, "ok": ok}
            run.units.append(entry)
            say = f"Step {unit.label!r}: " if unit.label else ""
            if ok:
                if script:
                    sent = yield (f"{say}Running the solution.",
                                  [("execute_command", {"command": self._script_command(
                                      ref, scratch=False)})])
                    _note_result(entry, sent)
                else:
                    for action in unit.actions:
                        sent = yield (say, [(action.tool, dict(action.args))])
                        _note_result(entry, sent)
                continue
            entry["failure_mode"] = mode
            copy = (f"{remove(SCRATCH_DIR)} && mkdir -p {SCRATCH_DIR} && find . -mindepth 1 "
                    f"-maxdepth 1 ! -name {SIM_DIR} -exec cp -a {{}} {SCRATCH_DIR}/ \\; && "
                    f"ln -s .. {SCRATCH_DIR}/{SIM_DIR}")
            before = snapshot(root)
            if script:
                sent = yield (f"{say}Running the solution.",
                              [("execute_command", {"command": copy + " && "
                                                    + self._script_command(ref, scratch=True)})])
                _note_result(entry, sent)
            else:
                yield (say, [("execute_command", {"command": copy})])
                for action in unit.actions:
                    sent = yield (say, [self._in_scratch(action)])
                    _note_result(entry, sent)
            produced = changes(before, snapshot(root / SCRATCH_DIR))
            outputs = {}
            for rel in produced.written:
                try:
                    outputs[rel] = (root / SCRATCH_DIR / rel).read_bytes()
                except OSError:
                    continue
            dmg: Damage = damage(mode or "wrong_name", outputs, produced.deleted)
            entry["damage"] = dmg.describe()
            command = ops_command(dmg.ops, dmg.deletes)
            cleanup = SIM_DIR if script else SCRATCH_DIR  # a script reference runs once
            command = (command + "\n" if command else "") + remove(cleanup)
            yield ("", [("execute_command", {"command": command})])
            writes = [("write_file", {"path": op.target,
                                      "content": op.data.decode("utf-8")})
                      for op in dmg.ops if op.kind == "write"]
            if writes:
                yield ("", writes)
        if (root / SIM_DIR).exists():
            yield ("", [("execute_command", {"command": remove(SIM_DIR)})])
        done = changes(run.initial, snapshot(root))
        listed = done.written[:10] + (["..."] if len(done.written) > 10 else [])
        yield (("Done. " + (f"Files written: {', '.join(listed)}." if listed else
                            "No files were changed.")), [])

    # -- reporting ----------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "simulated_model": True,
                "profile": self.profile.target, "profile_label": self.profile.label(),
                "profile_warning": self.resolution.warning,
                "tokenizer": {"encoding": self.encoding, "exact": self.tokens_exact},
                "latency_class": self.latency_class,
                "latency": dict(self.latency.__dict__), "params": self.params.to_json()}

    def run_details(self) -> dict[str, Any] | None:
        run = self._run
        if run is None:
            return {"simulated": True, "profile": self.profile.target}
        return {
            "simulated": True,
            "profile": self.profile.target,
            "profile_warning": self.resolution.warning,
            "seed": run.seed,
            "seed_given": run.info.seed is not None,
            "requirements_source": run.source,
            "notes": run.notes,
            "reference": run.reference.describe(),
            "steps": [o.to_json() for o in run.outcomes],
            "units": run.units,
            "all_steps_ok": all(o.ok for o in run.outcomes),
            "model_calls": run.calls,
            "simulated_model_time_s": round(run.model_time_s, 4),
            "tokenizer": {"encoding": self.encoding, "exact": self.tokens_exact},
            "latency_class": self.latency_class,
            "params": self.params.to_json(),
        }


_EXIT = re.compile(r"\[exit code (\d+)\]\s*$")


def _note_result(entry: dict[str, Any], messages: Any) -> None:
    """Record a reference action that failed (its tool result is an error): a broken
    reference shows up in the run record instead of only as a low score."""
    if not messages:
        return
    last = messages[-1]
    if getattr(last, "role", None) != "tool" or not last.is_error:
        return
    found = _EXIT.search(last.content or "")
    entry.setdefault("reference_errors", []).append(
        {"tool": last.name, "exit_code": int(found.group(1)) if found else None,
         "output": (last.content or "")[-400:]})


class NullSimProvider(SimProvider):
    """`sim-null/MODEL`: the simulated model under the null setting, in which the compiler's
    records give no benefit (`skillir.runtime.simmodel.null_params`). A compiled skill then
    scores like its original unless its text changed what the model is asked to do."""

    def __init__(self, route: RouteConfig, model: str, *, params: SimParams | None = None):
        super().__init__(route, model, params=params or null_params())


__all__ = ["NullSimProvider", "SimProvider", "UNSUPPORTED", "resolve_sim_profile"]
