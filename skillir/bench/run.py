"""One run: a task, an optional skill (original or compiled), a model, a harness — in a fresh
sandboxed workspace, traced, graded, recorded.

    record = run_task(load_task("tasks/x"), get_provider("local/smollm2"),
                      skill=load_skill_bundle("skills/y"), options=RunOptions())

Sequence: fresh workspace (a new temp folder) → fixtures → the skill's bundled files under
`skills/<name>/` → env-setup.sh if the skill has one, inside the sandbox with network, into the
isolated environment `.skillir-env/` that the task's commands then use (skillir.runtime.env_setup;
on the host only with `allow_host_setup`; its failure goes into the model's context; the run goes on) → the bare-agent loop → graders → `record.json` + `trace.jsonl` in
`<runs_dir>/<run_id>/` (the workspace is deleted unless `keep_workspace`, then it is moved to
`<run_dir>/workspace`).

Run status: `ok` (the loop ended by itself or at the step limit), `timeout` (wall-time limit),
`crashed` (the provider failed for good, or the harness broke), `tainted` (the loop was ok but a
grader reported an infrastructure error, so the score cannot be trusted), or the status a
provider that cannot serve the run gives (`RunNotSupported`, e.g. `sim-unsupported`: not run,
score None). A provider's `run_details()` goes into the record as `provider_run`; a simulated
provider's runs carry `"simulated": true` on the record and on every trace event. `passed` is
`score >= 0.5`; aggregators should leave out runs whose status is not ok, as SkVM does.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import secrets
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from skillir.bench.graders import GradeContext, GradeResult, grade_task
from skillir.bench.task import Task
from skillir.deps.runner import context_message as env_context_message
from skillir.errors import SkillIRError
from skillir.runtime.agent import (
    AgentConfig,
    AgentHooks,
    AgentResult,
    build_system_prompt,
    run_agent,
    transcript_of,
)
from skillir.runtime.config import RuntimeConfig, load_config
from skillir.runtime.env_setup import run_skill_setup
from skillir.runtime.providers import get_provider
from skillir.runtime.providers.base import Provider, RunInfo, RunNotSupported, Usage
from skillir.runtime.sandbox import Limits, Sandbox
from skillir.runtime.skill import SkillBundle
from skillir.runtime.tools import BARE_AGENT_TOOLS, ToolExecutor
from skillir.runtime.trace import SCHEMA, TraceWriter
from skillir.security.policy import run_policy

log = logging.getLogger("skillir.runtime")

RECORD_SCHEMA = "skillir.run/1"
HARNESSES = ("bare-agent", "claude-code", "codex", "opencode", "openclaw", "hermes")
"""bare-agent is our own loop; the others run the real CLI (skillir.runtime.harness_drivers)."""
ENV_OUTPUT_CHARS = 4000


@dataclass
class RunOptions:
    """How to run (everything has a default; task limits come from task.json unless
    overridden here)."""

    harness: str = "bare-agent"
    model_route: str = "auto"
    """How a real harness reaches a remote API: "auto" (directly when it speaks that API;
    the sandbox then has the network) or "gateway" (always through the model gateway)."""
    runs_dir: Path | None = None
    keep_workspace: bool = False
    isolation: str = "auto"
    limits: Limits = field(default_factory=Limits)
    seed: int | None = None
    judge_model: str | None = None
    max_steps: int | None = None
    timeout_s: float | None = None
    temperature: float | None = None
    max_tokens: int | None = 4096
    env_setup_timeout_s: float = 300.0
    allow_host_setup: bool = False
    allow_network: bool = False
    """The user agrees that a skill whose policy says it needs the network gets it."""
    """Run env-setup.sh on the host (the old behaviour) instead of in the sandbox."""
    hooks: AgentHooks | None = None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "x"


def new_run_id(task_id: str, model: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{_slug(task_id)}-{_slug(model)}-{secrets.token_hex(3)}"


class JudgeFactory:
    """Builds (and caches, and closes) judge providers: `factory(model_or_None)`."""

    def __init__(self, default_model: str | None, config: RuntimeConfig | None = None,
                 builder: Callable[[str, RuntimeConfig], Provider] | None = None):
        self.default_model = default_model
        self.config = config
        self.builder = builder or (lambda m, c: get_provider(m, c))
        self._cache: dict[str, Provider] = {}

    def __call__(self, model: str | None) -> Provider | None:
        chosen = model or self.default_model
        if not chosen:
            return None
        if chosen not in self._cache:
            cfg = self.config if self.config is not None else load_config()
            self._cache[chosen] = self.builder(chosen, cfg)
        return self._cache[chosen]

    @property
    def models(self) -> list[str]:
        return sorted(self._cache)

    def close(self) -> None:
        for p in self._cache.values():
            with contextlib.suppress(Exception):
                p.close()
        self._cache.clear()


def _usage_json(u: Usage) -> dict[str, Any]:
    return {"input": u.input_tokens, "output": u.output_tokens,
            "cache_read": u.cache_read_tokens, "cache_write": u.cache_write_tokens,
            "usage_available": u.available}


def run_task(task: Task, provider: Provider, *, skill: SkillBundle | None = None,
             options: RunOptions | None = None, config: RuntimeConfig | None = None,
             judge: JudgeFactory | None = None) -> dict[str, Any]:
    """Run `task` once and return the run record (also written to `<run_dir>/record.json`)."""
    opts = options or RunOptions()
    if opts.harness not in HARNESSES:
        raise SkillIRError(f"unknown harness '{opts.harness}'",
                           hint="supported: " + ", ".join(HARNESSES))
    if opts.harness != "bare-agent":  # fail before any work when its CLI is not installed
        from skillir.runtime.harness_drivers.clis import require_cli

        require_cli(opts.harness)
    if not task.host_ready:
        raise SkillIRError("task is marked hostReady=false (it needs Docker-only services)",
                           path=task.source, hint="run it in its own environment")
    cfg = config if config is not None else load_config()
    provider.prepare()
    runs_dir = Path(opts.runs_dir) if opts.runs_dir else cfg.runs_dir()
    run_id = new_run_id(task.id, provider.name)
    run_dir = runs_dir / run_id
    trace_path = run_dir / "trace.jsonl"
    own_judge = judge is None
    judge = judge or JudgeFactory(opts.judge_model or cfg.judge_model(), cfg)
    started_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    t_start = time.monotonic()
    workspace = Path(tempfile.mkdtemp(prefix="skillir-ws-"))
    condition = "no-skill" if skill is None else skill.kind
    agent_cfg = AgentConfig(
        max_steps=opts.max_steps or task.max_steps,
        timeout_s=opts.timeout_s or task.timeout_ms / 1000.0,
        max_tokens=opts.max_tokens, temperature=opts.temperature, seed=opts.seed)
    record: dict[str, Any] = {
        "schema": RECORD_SCHEMA, "run_id": run_id, "task_id": task.id,
        "task_dir": str(task.dir), "model": provider.name, "harness": opts.harness,
        "simulated": bool(provider.simulated), "condition": condition,
        "skill": skill.describe() if skill else None, "seed": opts.seed,
        "started_at": started_at, "run_dir": str(run_dir), "trace": str(trace_path),
    }
    try:
        tags = {"simulated": True} if provider.simulated else None
        with TraceWriter(trace_path, common=tags) as trace:
            try:
                agent, grade, env_info, sandbox = _execute(
                    task, provider, skill, opts, agent_cfg, workspace, run_id, trace, judge,
                    record)
            except RunNotSupported as exc:  # e.g. a simulated run of a task with no reference
                trace.event("run_unsupported", status=exc.status, reason=str(exc))
                record.update(_unsupported_fields(exc, t_start))
                _add_provider_details(provider, record)
                trace.finish(record)
                return record
            except Exception as exc:  # the harness itself broke: record it as crashed
                log.error("run %s crashed: %s", run_id, exc)
                trace.event("harness_error", error=f"{type(exc).__name__}: {exc}",
                            traceback=traceback.format_exc(limit=10))
                record.update(_crash_fields(exc, t_start))
                trace.finish(record)
                return record
            status = agent.status
            infra = grade.infra_errors
            if status == "ok" and infra:
                status = "tainted"
            judge_usage = Usage(
                input_tokens=sum((c.usage or {}).get("input", 0) for c in grade.criteria),
                output_tokens=sum((c.usage or {}).get("output", 0) for c in grade.criteria))
            record.update({
                "status": status,
                "status_detail": agent.error or ("; ".join(infra) if infra else None),
                "stop_reason": agent.stop_reason,
                "score": round(grade.score, 6), "passed": grade.passed,
                "automated_score": grade.automated_score, "judge_score": grade.judge_score,
                "criteria": [c.to_json() for c in grade.criteria],
                "tokens": _usage_json(agent.usage),
                "judge_tokens": {"input": judge_usage.input_tokens,
                                 "output": judge_usage.output_tokens,
                                 "models": judge.models},
                "steps": agent.steps, "tool_calls": agent.tool_calls,
                "tool_errors": agent.tool_errors, "sandbox_violations": agent.violations,
                "wall_time_s": round(time.monotonic() - t_start, 4),
                "agent_time_s": round(agent.wall_time_s, 4),
                "model_time_s": round(agent.model_time_s, 4),
                "tool_time_s": round(agent.tool_time_s, 4),
                "env_setup": env_info,
                "sandbox": sandbox.mode, "sandbox_warning": sandbox.warning,
                "final_text": agent.final_text[:2000],
                "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            })
            _add_provider_details(provider, record)
            if opts.hooks is not None and opts.hooks.report is not None:
                record["jit"] = opts.hooks.report()
            if opts.keep_workspace:
                dest = run_dir / "workspace"
                shutil.move(str(workspace), dest)
                record["workspace"] = str(dest)
            else:
                record["workspace"] = None
            trace.finish(record)
            return record
    finally:
        if own_judge:
            judge.close()
        shutil.rmtree(workspace, ignore_errors=True)


def _crash_fields(exc: BaseException, t_start: float) -> dict[str, Any]:
    return {"status": "crashed", "status_detail": f"{type(exc).__name__}: {exc}",
            "stop_reason": "error", "score": 0.0, "passed": False, "criteria": [],
            "tokens": _usage_json(Usage(available=False)), "steps": 0, "tool_calls": 0,
            "wall_time_s": round(time.monotonic() - t_start, 4), "agent_time_s": 0.0,
            "model_time_s": 0.0, "tool_time_s": 0.0, "workspace": None,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _unsupported_fields(exc: RunNotSupported, t_start: float) -> dict[str, Any]:
    """A run the provider cannot serve: not carried out, not scored (score and passed are
    None, so no average counts it)."""
    return {"status": exc.status, "status_detail": str(exc), "stop_reason": None,
            "score": None, "passed": None, "criteria": [],
            "tokens": _usage_json(Usage()), "steps": 0, "tool_calls": 0,
            "wall_time_s": round(time.monotonic() - t_start, 4), "agent_time_s": 0.0,
            "model_time_s": 0.0, "tool_time_s": 0.0, "workspace": None,
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _add_provider_details(provider: Provider, record: dict[str, Any]) -> None:
    try:
        details = provider.run_details()
    except Exception as exc:  # reporting must never break a run
        details = {"error": f"{type(exc).__name__}: {exc}"}
    if details is not None:
        record["provider_run"] = details


def _execute(task: Task, provider: Provider, skill: SkillBundle | None, opts: RunOptions,
             agent_cfg: AgentConfig, workspace: Path, run_id: str, trace: TraceWriter,
             judge: JudgeFactory, record: dict[str, Any]
             ) -> tuple[AgentResult, GradeResult, dict[str, Any] | None, Sandbox]:
    fixtures = task.materialize(workspace)
    skill_dir = None
    if skill is not None and opts.harness == "bare-agent":  # real harnesses: placed by their driver
        skill.install(workspace)
        skill_dir = skill.workspace_dir
    task_python = task_environment(task)
    policy = run_policy(skill.compile_report, skill.content, allow_network=opts.allow_network) if skill else None
    if policy is not None:  # the skill's sandbox policy: tools, network, confirmations
        record["policy"] = {**policy.to_json(), "network_note": policy.network_note()}
    sandbox = Sandbox(workspace, opts.limits, isolation=opts.isolation,
                      ro_binds=(task_python.parent.parent,) if task_python else (), policy=policy)
    if task_python is not None:  # a Harbor task: its commands use its own environment
        sandbox.path_prefix = (str(task_python.parent), *sandbox.path_prefix)
        sandbox.extra_env = {**sandbox.extra_env, "VIRTUAL_ENV": str(task_python.parent.parent)}
        record["task_environment"] = str(task_python.parent.parent)
    sandbox.adopt()
    trace.event("run_start", schema=SCHEMA, run_id=run_id, task_id=task.id,
                task_dir=str(task.dir), model=provider.name, provider=_describe(provider),
                simulated=bool(provider.simulated), harness=opts.harness,
                condition=record["condition"], skill=record["skill"], workspace=str(workspace),
                fixtures=fixtures, sandbox={"mode": sandbox.mode, "warning": sandbox.warning},
                limits=dict(opts.limits.__dict__), agent=agent_cfg.to_json(), seed=opts.seed,
                started_at=record["started_at"])
    provider.start_run(RunInfo(run_id=run_id, task_dir=task.dir, task_id=task.id,
                               workspace=workspace, skill_dir=skill.folder if skill else None,
                               seed=opts.seed, harness=opts.harness, task=task,
                               skill=skill))
    env_info = None
    env_failure = None
    if skill is not None and skill.env_setup is not None:
        outcome = run_skill_setup(skill.env_setup, workspace, sandbox,
                                  timeout=opts.env_setup_timeout_s, allow_host=opts.allow_host_setup)
        res = outcome.result
        env_info = {"script": str(skill.env_setup), "ok": bool(res.ok),
                    "exit_code": res.exit_code, "duration_s": round(float(res.duration_s), 4),
                    **outcome.to_json()}
        trace.event("env_setup", **env_info, output=res.output[-ENV_OUTPUT_CHARS:],
                    output_chars=len(res.output))
        if not res.ok:
            env_failure = env_context_message(res)
        sandbox.adopt()
    system = build_system_prompt(workspace=str(workspace),
                                 skill_content=skill.content if skill else None,
                                 skill_dir=skill_dir if skill and skill.files else None,
                                 env_setup_failure=env_failure)
    deadline = time.monotonic() + agent_cfg.timeout_s
    executor = ToolExecutor(sandbox, tools=BARE_AGENT_TOOLS, deadline=lambda: deadline)
    if opts.harness == "bare-agent":
        agent = run_agent(provider, task.prompt, executor, system=system, config=agent_cfg,
                          trace=trace, hooks=opts.hooks, deadline=deadline)
    else:
        from skillir.runtime.agent import answer_without_model
        from skillir.runtime.harness_drivers.runner import run_harness

        # a promoted JIT script answers before the harness starts (no CLI, no model)
        agent = answer_without_model(provider, task.prompt, executor, hooks=opts.hooks,
                                     trace=trace, deadline=deadline)
        if agent is None:
            agent = run_harness(opts.harness, provider, task.prompt, sandbox, skill=skill,
                                trace=trace, config=agent_cfg, run_dir=trace.path.parent,
                                route=opts.model_route)
    ctx = GradeContext(python=task_python,
                       task=task, workspace=workspace, transcript=transcript_of(agent.messages),
                       final_text=agent.final_text, judge=judge, isolation=opts.isolation)
    grade = grade_task(ctx)
    trace.event("grade", **grade.to_json())
    return agent, grade, env_info, sandbox


def task_environment(task: Task) -> Path | None:
    """The interpreter of the task's own environment (every Harbor task: its Dockerfile's pip
    packages and what its solution and tests install, never SkillIR's own interpreter; built
    once and cached, see `skillir.bench.harbor_env`), or None for other tasks."""
    spec = (task.extra.get("skillsbench") or {}).get("pythonEnvironment")
    if not isinstance(spec, dict):
        return None
    from skillir.bench.harbor_env import EnvSpec, prepare_env

    return prepare_env(EnvSpec(pip=list(spec.get("pip") or []), apt=list(spec.get("apt") or [])))


def _describe(provider: Provider) -> dict[str, Any]:
    try:
        return provider.describe()
    except Exception as exc:  # describing must never break a run
        return {"name": provider.name, "describe_error": str(exc)}


def with_overrides(options: RunOptions, **changes: Any) -> RunOptions:
    return replace(options, **{k: v for k, v in changes.items() if v is not None})
