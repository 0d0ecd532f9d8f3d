"""skill-run: run a skill on a task with a model, in a fresh sandboxed workspace.

    skill-run --task TASK_DIR [--skill SKILL_DIR | --compiled OUT_DIR] --model PROVIDER/MODEL
              [--harness bare-agent] [--json]
    skill-run --replay TRACE [--json]
    skill-run --list-skillsbench DIR [--json]

TASK_DIR may also be a SkillsBench (Harbor) task folder (task.toml + instruction.md): it is
imported (skillir.bench.skillsbench) into $SKILLIR_HOME/imports/skillsbench/ and run when this
host can run it; otherwise nothing runs and skill-run says why.

Prints the score, run status, tokens in/out, wall time, model time and where the trace is;
`--json` prints the run record as one JSON object. Without --skill/--compiled it is the
no-skill baseline. Exit status: 0 when the run was carried out (whatever its score or status),
2 for an error the user can fix (bad arguments, bad task, missing key, ...), 3 for a
SkillsBench task skipped on this host (Docker-only service, GPU, network, missing tool or
input files: the reasons are printed), 4 for a SkillsBench task that nothing can score (no
tests/test_outputs.py; give --judge-model to grade it with an LLM judge).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from skillir.errors import SkillIRError

EPILOG = """\
models:  local/smollm2            the project's own llama.cpp server (started on demand)
         openai/MODEL             OPENAI_API_KEY / OPENAI_BASE_URL (vLLM, Ollama, llama.cpp...)
         anthropic/MODEL          ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL
         ROUTE/MODEL              a route from ~/.skillir/config.json (SKILLIR_CONFIG)
         sim/PROFILE              SIMULATED model driven by a capability profile (no model is
                                  called; real tools and graders; needs the task's reference
                                  solution): sim/qwen3.5-9b, sim/opus-4.6, sim/synthetic-strong
         scripted:FILE            a SCRIPTED model (skillir.runtime.gateway): tool calls and
                                  texts turn by turn, in each harness's own tool names
harnesses: --harness codex|claude-code|opencode|openclaw|hermes runs the real CLI in the
sandbox against the model gateway (every model above, through chat.completions, Responses or
Anthropic Messages); --skill compiles for that harness and model on the fly
SkillsBench: --task CORPUS/skillsbench/tasks/ID runs a Harbor task when it can run here (exit 3:
skipped, with the reasons; exit 4: no grader, pass --judge-model); --list-skillsbench DIR lists
every task's status (runnable / skipped + reason / no grader)
runs are written to ~/.skillir/runs/<run_id>/ (SKILLIR_RUNS_DIR, --runs-dir):
record.json (score, criteria, status, tokens, times) and trace.jsonl (every model and tool call)
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="skill-run", description="Run a task with a model (and optionally a skill) in a "
        "sandboxed workspace, grade it, and record a trace.", epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--task", metavar="TASK_DIR",
                   help="task folder with task.json (SkVM format) or a SkillsBench (Harbor) "
                        "task folder")
    p.add_argument("--list-skillsbench", metavar="DIR",
                   help="list the SkillsBench tasks under DIR with their status and exit")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--skill", metavar="SKILL_DIR", help="skill folder (with SKILL.md) to inject")
    g.add_argument("--compiled", metavar="OUT_DIR",
                   help="compiled skill folder (skill-opt output: SKILL.md, env-setup.sh, ...)")
    g.add_argument("--variant", metavar="SKILL_DIR",
                   help="the skill compiled for this --model/--harness (compiled on first use "
                        "and cached in the JIT store)")
    p.add_argument("--jit", action="store_true",
                   help="solidification: learn from this run, and answer without the model "
                        "when a promoted candidate fits (state: skill-jit list)")
    p.add_argument("--model", metavar="PROVIDER/MODEL", help="e.g. local/smollm2, openai/gpt-4o")
    p.add_argument("--harness", default="bare-agent",
                   help="agent harness: bare-agent (our loop, default) or a real CLI run in the "
                        "sandbox behind the model gateway: codex, claude-code, opencode, "
                        "openclaw, hermes (install them with skill-harness install)")
    p.add_argument("--via-gateway", action="store_true",
                   help="a real harness reaches a remote API (--model anthropic/..., openai/...) "
                        "through the model gateway, with the sandbox's network off; by default "
                        "it calls the API itself when it speaks that API")
    p.add_argument("--json", action="store_true", help="print one JSON object (the run record)")
    p.add_argument("--replay", metavar="TRACE",
                   help="summarize a recorded trace (trace.jsonl or its run folder) and exit")
    p.add_argument("--judge-model", metavar="PROVIDER/MODEL",
                   help="model for llm-judge criteria (default: judge.model in the config)")
    p.add_argument("--runs-dir", metavar="DIR", help="where run folders go")
    p.add_argument("--keep-workspace", action="store_true",
                   help="keep the workspace in the run folder after grading")
    p.add_argument("--seed", type=int, help="sampling seed passed to the provider")
    p.add_argument("--max-steps", type=int, help="override the task's maxSteps")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="override the task's timeoutMs (agent wall time)")
    p.add_argument("--temperature", type=float, help="sampling temperature")
    p.add_argument("--max-tokens", type=int, default=4096, help="output tokens per model turn")
    p.add_argument("--sandbox", choices=("auto", "bwrap", "none"), default="auto",
                   help="command isolation (auto: bubblewrap when usable)")
    p.add_argument("--allow-host-setup", action="store_true",
                   help="run the skill's env-setup.sh on the host, outside the sandbox, with the "
                        "host's python/pip (default: inside the sandbox, into an isolated "
                        "environment; skipped with a warning when there is no sandbox)")
    p.add_argument("--allow-network", action="store_true",
                   help="let the skill's commands use the network when its sandbox policy says "
                        "it needs it (compile-report.json 'policy'); off by default")
    p.add_argument("-v", "--verbose", action="store_true", help="print each step to stderr")
    return p


def _fmt_time(s: float | None) -> str:
    return f"{s or 0:.2f}s"


def human_summary(rec: dict[str, Any]) -> str:
    lines = []
    sim = "   [SIMULATED MODEL]" if rec.get("simulated") else ""
    lines.append(f"task     {rec['task_id']}  ({rec.get('task_dir')})")
    skill = rec.get("skill")
    skill_txt = "none (no-skill baseline)" if not skill else (
        f"{skill['kind']} {skill['name']} ({skill['path']})")
    model = f"{rec['model']} (simulated)" if rec.get("simulated") else rec["model"]
    lines.append(f"model    {model}   harness {rec['harness']}{sim}")
    lines.append(f"skill    {skill_txt}")
    lines.append(f"status   {rec['status']}  ({rec.get('stop_reason')} after {rec.get('steps', 0)} "
                 f"steps, {rec.get('tool_calls', 0)} tool calls)"
                 + (f": {rec['status_detail']}" if rec.get("status_detail") else ""))
    if rec.get("score") is None:
        lines.append(f"score    -  (not run: {rec.get('status')})")
    else:
        lines.append(f"score    {rec['score']:.3f}  {'PASS' if rec.get('passed') else 'FAIL'}")
    for c in rec.get("criteria", []):
        w = "-" if c.get("weight") is None else f"{c['weight']:.2f}"
        extra = f"  INFRA: {c['infra_error']}" if c.get("infra_error") else ""
        detail = " ".join(str(c.get("details") or "").split())[:100]
        lines.append(f"  {c['id']} [{c['method']}] w={w} {c['score']:.2f}  {detail}{extra}")
    tok = rec.get("tokens", {})
    note = "" if tok.get("usage_available", True) else "  (usage not reported by the service)"
    lines.append(f"tokens   {tok.get('input', 0)} in / {tok.get('output', 0)} out{note}")
    model_note = " (simulated)" if rec.get("simulated") else ""
    lines.append(f"time     wall {_fmt_time(rec.get('wall_time_s'))}  agent "
                 f"{_fmt_time(rec.get('agent_time_s'))}  model {_fmt_time(rec.get('model_time_s'))}"
                 f"{model_note}  tools {_fmt_time(rec.get('tool_time_s'))}")
    sim = rec.get("provider_run") or {}
    if sim.get("simulated") and sim.get("steps") is not None:
        steps = ", ".join(f"{s['step']} {'ok' if s['ok'] else s['failure_mode']} "
                          f"(p={s['p']:.2f})" for s in sim["steps"])
        lines.append(f"sim      profile {sim.get('profile')}, seed {sim.get('seed')}, demands "
                     f"from {sim.get('requirements_source')}: {steps}")
    env = rec.get("env_setup")
    if env:
        state = "SKIPPED" if env.get("where") == "skipped" else "ok" if env["ok"] else "FAILED"
        where = f" in {env['where']}" if env.get("where") else ""
        lines.append(f"env      env-setup.sh {state}{where} "
                     f"(exit {env['exit_code']}, {env['duration_s']:.2f}s)"
                     + (f"  WARNING: {env['warning']}" if env.get("warning") else ""))
    policy = rec.get("policy")
    if policy:
        tools = " ".join(policy["tools"]) if policy.get("tools") is not None else "all"
        guarded = ", ".join(sorted({g["command"] for g in policy.get("confirm", ())})) or "none"
        lines.append(f"policy   network {policy.get('network_note')}; tools {tools}; "
                     f"refused unconfirmed: {guarded}")
    sb = rec.get("sandbox")
    lines.append(f"sandbox  {sb}" + (f"  WARNING: {rec['sandbox_warning']}"
                                     if rec.get("sandbox_warning") else ""))
    lines.append(f"trace    {rec['trace']}")
    if rec.get("workspace"):
        lines.append(f"workspace {rec['workspace']}")
    if rec.get("simulated"):  # a simulation must never pass for a real model's result
        lines = [f"[simulated] {line}" for line in lines]
    return "\n".join(lines)


def _progress_hooks(stream: Any, prefix: str = "") -> Any:
    from skillir.runtime.agent import AgentHooks

    def after_model(step: int, resp: Any) -> None:
        names = ", ".join(c.name for c in resp.tool_calls) or "(answer)"
        stream.write(f"{prefix}  step {step}: {resp.latency_s:.1f}s, {resp.usage.input_tokens} "
                     f"in / {resp.usage.output_tokens} out -> {names}\n")
        stream.flush()

    return AgentHooks(after_model=after_model)


def run(args: argparse.Namespace) -> int:
    from skillir.bench.run import RunOptions, run_task
    from skillir.bench.task import load_task
    from skillir.runtime.config import load_config
    from skillir.runtime.skill import load_skill_bundle
    from skillir.runtime.trace import read_trace, summarize

    if args.replay:
        events = read_trace(args.replay)
        if args.json:
            rec = next((e["record"] for e in events if e["type"] == "run_record"), None)
            print(json.dumps(rec if rec is not None else {"events": len(events),
                                                          "finished": False}))
        else:
            print(summarize(events))
        return 0
    if args.list_skillsbench:
        from skillir.bench.skillsbench import format_listing, listing

        found = listing(args.list_skillsbench)
        print(json.dumps([t.to_json() for t in found], indent=2) if args.json
              else format_listing(found))
        return 0
    if args.model:
        _mark_if_simulated(args.model)
    harbor = None
    if args.task and (Path(args.task) / "task.toml").is_file():  # only a Harbor task needs the importer
        from skillir.bench import skillsbench

        if skillsbench.is_harbor_task(args.task):
            harbor = skillsbench.analyze_harbor_task(args.task)
            skillsbench.require_runnable(
                harbor, judge_model=args.judge_model or load_config().judge_model())
    if not args.task or not args.model:
        raise SkillIRError("--task and --model are required (or use --replay TRACE)",
                           hint="skill-run --task TASK_DIR --model local/smollm2")
    config = load_config()
    task = skillsbench.import_harbor_task(args.task)[1] if harbor else load_task(args.task)
    skill = None
    if args.skill:
        skill = load_skill_bundle(args.skill)
    elif args.compiled:
        skill = load_skill_bundle(args.compiled, compiled=True)
    elif args.variant:
        from skillir.jit.variants import select_variant

        folder, _ = select_variant(args.variant, model=args.model, harness=args.harness)
        skill = load_skill_bundle(folder, compiled=True)
    if skill is not None and skill.kind == "compiled":
        from skillir.jit.variants import variant_warning

        mismatch = variant_warning(skill, model=args.model, harness=args.harness)
        if mismatch:
            logging.getLogger("skillir.runtime").warning("%s", mismatch)
    if args.jit and skill is None:
        raise SkillIRError("--jit needs a skill", hint="add --skill, --compiled or --variant")
    if args.skill and args.harness != "bare-agent":  # compiled on the fly for that harness
        skill = _compile_for_harness(args, skill)
    provider = _provider(args.model, config)
    prefix = ""
    if provider.simulated:  # every line this run prints says so
        prefix = "[simulated] "
        _set_simulated()
    for w in (skill.warnings if skill else ()):
        logging.getLogger("skillir.runtime").warning("%s", w)
    verbose = args.verbose or (not args.json and sys.stderr.isatty())
    options = RunOptions(harness=args.harness, model_route="gateway" if args.via_gateway else "auto",
                         runs_dir=Path(args.runs_dir) if args.runs_dir
                         else None, keep_workspace=args.keep_workspace, isolation=args.sandbox,
                         seed=args.seed, judge_model=args.judge_model, max_steps=args.max_steps,
                         timeout_s=args.timeout, temperature=args.temperature,
                         max_tokens=args.max_tokens, allow_host_setup=args.allow_host_setup,
                         allow_network=args.allow_network,
                         hooks=_progress_hooks(sys.stderr, prefix) if verbose else None)
    try:
        if verbose:
            label = f"{provider.name} (simulated)" if provider.simulated else provider.name
            sys.stderr.write(f"{prefix}running {task.id} with {label} ...\n")
        if args.jit:
            from skillir.jit.solidify import run_with_jit

            record = run_with_jit(task, provider, skill, options=options, config=config)
        else:
            record = run_task(task, provider, skill=skill, options=options, config=config)
    finally:
        provider.close()
    print(json.dumps(record, default=str) if args.json else human_summary(record))
    return 0


def _compile_for_harness(args: argparse.Namespace, skill: Any) -> Any:
    import tempfile

    from skillir.runtime.skill import load_skill_bundle
    from skillir.tools.skill_harness import compile_for_harness

    folder, note = compile_for_harness(args.skill, args.harness, args.model,
                                       tempfile.mkdtemp(prefix="skillir-compiled-"))
    logging.getLogger("skillir.runtime").info("--skill for %s: %s", args.harness, note)
    return load_skill_bundle(folder, compiled=True) if folder else skill


def _provider(model: str, config: Any) -> Any:
    """`scripted:FILE` is the scripted model (skillir.runtime.gateway); the rest are routes."""
    if model.startswith("scripted:"):
        from skillir.runtime.gateway import ScriptedModel

        return ScriptedModel.from_file(model.removeprefix("scripted:"))
    from skillir.runtime.providers import get_provider

    return get_provider(model, config)


_SIMULATED = [False]
"""Set once the model is known to be simulated: error lines then say so too."""


def _set_simulated() -> None:
    _SIMULATED[0] = True
    for handler in logging.getLogger().handlers:
        handler.setFormatter(logging.Formatter("[simulated] skill-run: %(levelname)s: "
                                               "%(message)s"))


def _mark_if_simulated(model: str) -> None:
    """Tag every line from the start when the model id routes to the simulated provider
    (before the task is even loaded)."""
    from skillir.runtime.config import load_config
    from skillir.runtime.providers import parse_model_id

    try:
        route, _ = parse_model_id(model)
        if load_config().route(route).kind == "sim":
            _set_simulated()
    except SkillIRError:
        pass  # reported when the provider is built


RUN_MODULES = ("skillir.bench.run", "skillir.bench.task", "skillir.runtime.config", "skillir.runtime.skill",
               "skillir.runtime.trace", "skillir.runtime.providers", "skillir.runtime.agent",
               "skillir.runtime.sandbox", "skillir.runtime.simmodel", "skillir.tools.skill_harness")
"""What a run imports lazily (below): the compile server imports them once, warm."""


def command() -> int:
    """The `skill-run` command: handed to a warm compile server when one runs (the same
    code, in a child forked from it: skillir.tools.server_client), else run here."""
    from skillir.tools.server_client import run_command

    return run_command("skill-run", main, sys.argv[1:])


def main(argv: list[str] | None = None) -> int:
    """skill-run in this process (the API; tests and other tools call it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="skill-run: %(levelname)s: %(message)s", stream=sys.stderr)
    _SIMULATED[0] = False
    from skillir.tools.cli import run_tool

    def not_runnable(exc: Any) -> int:  # a SkillsBench task this host cannot run or score
        if args.json:
            print(json.dumps({**exc.task.to_json(), "task_id": exc.task.id}))
        print(f"{_tag()}skill-run: {exc.task.id}: {exc.message} ({exc.hint})", file=sys.stderr)
        return exc.exit_code

    return run_tool("skill-run", lambda: run(args), tag=_tag,
                    handlers={_HarborNotRunnable: not_runnable})


class _NotRunnableCheck(type):
    def __instancecheck__(cls, exc: object) -> bool:
        module = sys.modules.get("skillir.bench.skillsbench")  # imported only for a Harbor task
        return module is not None and isinstance(exc, module.HarborNotRunnable)


class _HarborNotRunnable(metaclass=_NotRunnableCheck):
    """Stands for `skillir.bench.skillsbench.HarborNotRunnable` in run_tool's handlers
    without importing the SkillsBench importer (~60 ms) on every run."""


def _tag() -> str:
    return "[simulated] " if _SIMULATED[0] else ""


if __name__ == "__main__":
    sys.exit(main())
