"""The bare-agent loop (SkVM's BareAgent harness, paper §2.2/§6.1).

A minimal system prompt, the skill injected as `<skill>…</skill>`, the user's prompt, and four
tools. Each model turn's tool calls run in parallel (instruction-level parallelism); the loop
ends when the model answers without tool calls (`end_turn`), at the step limit (`max_steps`,
still status ok: the model simply did not finish), at the wall-time limit (status `timeout`),
or when the provider fails for good or something breaks (status `crashed`). Grading may later
turn an ok run into `tainted` (see `skillir.bench.run`).

Hooks (`AgentHooks`) let later work (JIT solidification) short-circuit a model call or watch
tool calls without touching the loop.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from skillir.runtime.providers.base import (
    Message,
    Provider,
    ProviderError,
    ProviderTimeout,
    Response,
    ToolCall,
    ToolSpec,
    Usage,
)
from skillir.runtime.tools import BARE_AGENT_TOOLS, ToolExecutor, ToolResult
from skillir.runtime.trace import TraceWriter

BASE_SYSTEM_PROMPT = ("You are a helpful assistant that completes tasks by using tools. "
                      "Work in the provided directory.")


@dataclass(frozen=True)
class AgentConfig:
    """Limits and sampling of one agent run."""

    max_steps: int = 30
    timeout_s: float = 120.0
    max_tokens: int | None = 4096
    temperature: float | None = None
    seed: int | None = None
    parallel_tools: int = 8
    max_tool_result_chars: int = 16_000

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class AgentStart:
    """What `AgentHooks.on_start` learns once, before the first model call: the prompt,
    the run's tool executor (its sandbox), the trace (None when untraced) and the deadline."""

    prompt: str
    executor: ToolExecutor
    trace: TraceWriter | None
    deadline: float


@dataclass
class AgentHooks:
    """Optional callbacks. `before_model` may return a `Response` to use instead of calling
    the model (solidification: mark it with `extra["solidified"]` and the trace records a
    `solidified` event instead of a `model_call`); the others observe."""

    before_model: Callable[[int, Sequence[Message]], Response | None] | None = None
    on_start: Callable[[AgentStart], None] | None = None
    report: Callable[[], dict[str, Any]] | None = None
    """What the hooks want in the run record (`record["jit"]`), asked once the loop ended."""
    after_model: Callable[[int, Response], None] | None = None
    after_tool: Callable[[int, ToolCall, ToolResult], None] | None = None


@dataclass
class AgentResult:
    status: str
    stop_reason: str
    final_text: str
    steps: int
    tool_calls: int
    usage: Usage
    model_time_s: float
    tool_time_s: float
    wall_time_s: float
    messages: list[Message]
    error: str | None = None
    tool_errors: int = 0
    violations: int = 0
    usage_missing_calls: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def build_system_prompt(*, workspace: str, skill_content: str | None = None,
                        skill_dir: str | None = None, env_setup_failure: str | None = None
                        ) -> str:
    """BareAgent's system prompt: base instructions, the working directory, the injected
    skill, and (when env-setup.sh failed) the message about it
    (`skillir.deps.runner.context_message`: what failed, its output)."""
    parts = [BASE_SYSTEM_PROMPT,
             f"The working directory is {workspace}; relative paths are resolved against it "
             "and files outside it cannot be accessed. Commands have no network access."]
    if skill_content is not None:
        parts.append(f"<skill>\n{skill_content.rstrip()}\n</skill>")
        if skill_dir:
            parts.append(f"The skill's bundled files are in the folder `{skill_dir}/` of the "
                         "working directory.")
    if env_setup_failure is not None:
        parts.append(f"<env-setup status=\"failed\">\n{env_setup_failure.rstrip()}\n"
                     "</env-setup>")
    return "\n\n".join(parts)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return (text[:half] + f"\n[... {len(text) - 2 * half} characters omitted ...]\n"
            + text[-half:])


def transcript_of(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """The conversation in the block form graders (grade.py, the LLM judge) receive:
    `{"role": "user"|"assistant"|"tool", "content": str | [blocks]}` with assistant blocks
    `{"type": "text"}` / `{"type": "tool_use", "id", "name", "input"}` and tool blocks
    `{"type": "tool_result", "tool_use_id", "content", "is_error"}` (the system prompt is
    left out)."""
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "system":
            continue
        if m.role == "user":
            out.append({"role": "user", "content": m.content})
        elif m.role == "assistant":
            blocks: list[dict[str, Any]] = []
            if m.content:
                blocks.append({"type": "text", "text": m.content})
            for c in m.tool_calls:
                blocks.append({"type": "tool_use", "id": c.id, "name": c.name,
                               "input": c.arguments})
            out.append({"role": "assistant", "content": blocks})
        else:
            out.append({"role": "tool", "content": [
                {"type": "tool_result", "tool_use_id": m.tool_call_id, "content": m.content,
                 "is_error": m.is_error}]})
    return out


def answer_without_model(provider: Provider, prompt: str, executor: ToolExecutor, *,
                         hooks: AgentHooks | None, trace: TraceWriter | None,
                         deadline: float) -> AgentResult | None:
    """A run another loop would make (a real harness CLI), answered before it starts when
    `hooks.before_model` answers the first turn (a promoted JIT script): the same
    `solidified` trace event and result as `run_agent`'s; None when the hook does not
    answer, and the caller runs its loop."""
    if hooks is None or hooks.before_model is None:
        return None
    start = time.monotonic()
    if hooks.on_start:
        hooks.on_start(AgentStart(prompt, executor, trace, deadline))
    messages = [Message("user", prompt)]
    response = hooks.before_model(1, messages)
    if response is None:
        return None
    if trace is not None:
        trace.event("solidified", step=1, t=round(start - trace.t0, 4),
                    latency_s=round(response.latency_s, 4), input_tokens=0, output_tokens=0,
                    cache_read_tokens=0, cache_write_tokens=0, usage_available=True,
                    stop_reason=response.stop_reason, text=response.text, tool_calls=[],
                    attempts=response.attempts, retries=[], simulated=provider.simulated,
                    model=response.model)
        trace.event("agent_end", status="ok", stop_reason="end_turn", steps=1, error=None)
    messages.append(Message("assistant", response.text))
    return AgentResult(status="ok", stop_reason="end_turn", final_text=response.text, steps=1,
                       tool_calls=0, usage=response.usage, model_time_s=0.0, tool_time_s=0.0,
                       wall_time_s=time.monotonic() - start, messages=messages)


def run_agent(provider: Provider, prompt: str, executor: ToolExecutor, *, system: str,
              config: AgentConfig = AgentConfig(), trace: TraceWriter | None = None,
              tools: Sequence[ToolSpec] = BARE_AGENT_TOOLS,
              hooks: AgentHooks | None = None,
              deadline: float | None = None) -> AgentResult:
    """Run the loop until the model stops, a limit is hit, or something fails.

    `deadline` (a `time.monotonic()` instant) defaults to now + `config.timeout_s`; the
    executor's commands are cut at it too (pass the same deadline to its constructor).
    """
    hooks = hooks or AgentHooks()
    start = time.monotonic()
    end_at = deadline if deadline is not None else start + config.timeout_s
    messages: list[Message] = [Message("system", system), Message("user", prompt)]
    usage = Usage()
    model_time = tool_time = 0.0
    n_calls = tool_errors = violations = usage_missing = 0
    status, stop_reason, error = "ok", "max_steps", None
    final_text = ""
    step = 0
    result_cap = config.max_tool_result_chars
    window = provider.context_chars
    if isinstance(window, int) and window > 0:
        result_cap = min(result_cap, window)

    def record(kind: str, **fields: Any) -> None:
        if trace is not None:
            trace.event(kind, **fields)

    if hooks.on_start:
        hooks.on_start(AgentStart(prompt, executor, trace, end_at))
    with ThreadPoolExecutor(max_workers=max(1, config.parallel_tools),
                            thread_name_prefix="skillir-tool") as pool:
        while step < config.max_steps:
            if time.monotonic() >= end_at:
                status, stop_reason = "timeout", "timeout"
                break
            step += 1
            t_call = time.monotonic()
            try:
                response = hooks.before_model(step, messages) if hooks.before_model else None
                if response is None:
                    response = provider.complete(messages, tools, max_tokens=config.max_tokens,
                                                 temperature=config.temperature,
                                                 deadline=end_at, seed=config.seed)
            except ProviderTimeout as exc:
                model_time += time.monotonic() - t_call
                status, stop_reason, error = "timeout", "timeout", str(exc)
                record("model_error", step=step, error=str(exc), timeout=True)
                break
            except ProviderError as exc:
                model_time += time.monotonic() - t_call
                status, stop_reason, error = "crashed", "error", f"provider: {exc}"
                record("model_error", step=step, error=str(exc), status=exc.status,
                       attempts=exc.attempts)
                break
            except Exception as exc:  # a bug in a provider or hook: the run crashed
                model_time += time.monotonic() - t_call
                status, stop_reason = "crashed", "error"
                error = f"{type(exc).__name__}: {exc}"
                record("model_error", step=step, error=error,
                       traceback=traceback.format_exc(limit=8))
                break
            model_time += response.latency_s
            usage = usage + response.usage
            if not response.usage.available:
                usage_missing += 1
            if hooks.after_model:
                hooks.after_model(step, response)
            kind = "solidified" if response.extra.get("solidified") else "model_call"
            record(kind, step=step, t=round(t_call - (trace.t0 if trace else start), 4),
                   latency_s=round(response.latency_s, 4),
                   input_tokens=response.usage.input_tokens,
                   output_tokens=response.usage.output_tokens,
                   cache_read_tokens=response.usage.cache_read_tokens,
                   cache_write_tokens=response.usage.cache_write_tokens,
                   usage_available=response.usage.available, stop_reason=response.stop_reason,
                   text=response.text, tool_calls=[c.to_json() for c in response.tool_calls],
                   attempts=response.attempts, retries=response.extra.get("retries", []),
                   simulated=response.simulated or provider.simulated, model=response.model)
            messages.append(Message("assistant", response.text, tool_calls=response.tool_calls))
            final_text = response.text or final_text
            if not response.tool_calls:
                stop_reason = "end_turn"
                break
            t_tools = time.monotonic()
            started = {c.id: round(t_tools - (trace.t0 if trace else start), 4)
                       for c in response.tool_calls}
            results = list(pool.map(executor.execute, response.tool_calls))
            tool_time += time.monotonic() - t_tools
            for call, res in zip(response.tool_calls, results, strict=True):
                n_calls += 1
                tool_errors += res.is_error
                violations += bool(res.meta.get("violation"))
                content = _clip(res.content, result_cap)
                record("tool_call", step=step, id=call.id, name=call.name,
                       arguments=call.arguments, is_error=res.is_error,
                       result_chars=len(res.content), duration_s=round(res.duration_s, 4),
                       started=started[call.id], result_preview=res.content[:500],
                       meta=res.meta)
                if hooks.after_tool:
                    hooks.after_tool(step, call, res)
                messages.append(Message("tool", content, tool_call_id=call.id, name=call.name,
                                        is_error=res.is_error))
            if time.monotonic() >= end_at:
                status, stop_reason = "timeout", "timeout"
                break
    wall = time.monotonic() - start
    record("agent_end", status=status, stop_reason=stop_reason, steps=step, error=error)
    return AgentResult(status=status, stop_reason=stop_reason, final_text=final_text,
                       steps=step, tool_calls=n_calls, usage=usage, model_time_s=model_time,
                       tool_time_s=tool_time, wall_time_s=wall, messages=messages, error=error,
                       tool_errors=tool_errors, violations=violations,
                       usage_missing_calls=usage_missing)
