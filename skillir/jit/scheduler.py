"""A resource-aware scheduler for parallel groups (paper §5.3): ILP batches, DLP fan-out and
TLP sub-agents.

- `AdaptiveLimit`: the concurrency limit, additive-increase / multiplicative-decrease (AIMD).
  A rate-limited call (HTTP 429) or a latency above `latency_factor` x the best latency seen
  for the same kind of work (a `key`: one group's items, one sub-agent's calls) halves the
  limit; each window of `limit` good calls raises it by `increase`. While the host
  is short of CPU (load per core above `cpu_high`) or memory (available below
  `memory_low_mb`), no new work is admitted beyond what already runs (throttling new
  sub-agents, as the paper describes). Defaults in skillir/data/jit.json.
- `run_group(items, work, limit)`: run a parallel group under the limit, results in order; a
  429 puts the item back after a back-off.
- `run_subagents(subtasks, ...)`: thread-level parallelism for real: each sub-task is its
  own agent loop (`run_agent`) with its own context (its own messages and provider), started
  when the sub-tasks it depends on have finished, whose answers it receives (the DAG's join).
- The limit's effective concurrency is written as a hint for the skill's next run
  (`JitStore.save_hint`) and read back as the next initial limit.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from skillir.datafiles import load_data


def host_pressure(cpu_high: float, memory_low_mb: int) -> str | None:
    """Why the host cannot take more work now (None when it can)."""
    try:
        load = os.getloadavg()[0] / max(1, os.cpu_count() or 1)
    except OSError:
        load = 0.0
    if load > cpu_high:
        return f"cpu load {load:.2f} per core > {cpu_high}"
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail_mb = int(line.split()[1]) // 1024
                    if avail_mb < memory_low_mb:
                        return f"memory available {avail_mb} MB < {memory_low_mb} MB"
                    break
    except OSError:
        pass
    return None


class AdaptiveLimit:
    """An AIMD concurrency limit (thread-safe); use `slot()` around each unit of work."""

    def __init__(self, *, initial: int | None = None, minimum: int | None = None,
                 maximum: int | None = None, increase: int | None = None,
                 decrease_factor: float | None = None, latency_factor: float | None = None,
                 cpu_high: float | None = None, memory_low_mb: int | None = None,
                 pressure: Callable[[], str | None] | None = None):
        t = load_data("jit.json")["scheduler"]
        self.minimum = minimum if minimum is not None else t["min"]
        self.maximum = maximum if maximum is not None else t["max"]
        start = initial if initial is not None else t["initial"]
        self.limit = float(min(self.maximum, max(self.minimum, start)))
        self.increase = increase if increase is not None else t["increase"]
        self.decrease_factor = decrease_factor if decrease_factor is not None \
            else t["decrease_factor"]
        self.latency_factor = latency_factor if latency_factor is not None \
            else t["latency_factor"]
        cpu = cpu_high if cpu_high is not None else t["cpu_high"]
        mem = memory_low_mb if memory_low_mb is not None else t["memory_low_mb"]
        self.pressure = pressure or (lambda: host_pressure(cpu, mem))
        self.in_flight = 0
        self.peak = 0
        self.best_latency: dict[Any, float] = {}
        self.rate_limited = 0
        self.slow = 0
        self.throttled = 0
        self.trace: list[tuple[float, int]] = [(0.0, int(self.limit))]
        self._t0 = time.monotonic()
        self._good = 0
        self._cond = threading.Condition()

    @classmethod
    def from_hint(cls, hint: dict[str, Any], **kw: Any) -> AdaptiveLimit:
        """Start from a previous run's effective concurrency."""
        start = hint.get("effective_concurrency")
        if isinstance(start, (int, float)) and start >= 1:
            kw.setdefault("initial", int(round(start)))
        return cls(**kw)

    @property
    def current(self) -> int:
        return max(self.minimum, int(self.limit))

    def _admit(self) -> bool:
        if self.in_flight >= self.current:
            return False
        if self.in_flight >= self.minimum and self.pressure() is not None:
            self.throttled += 1
            return False
        return True

    def acquire(self) -> None:
        with self._cond:
            while not self._admit():
                self._cond.wait(timeout=0.05)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def release(self, *, latency_s: float | None = None, rate_limited: bool = False,
                key: Any = None) -> None:
        with self._cond:
            self.in_flight -= 1
            self.record(latency_s=latency_s, rate_limited=rate_limited, key=key)
            self._cond.notify_all()

    def record(self, *, latency_s: float | None = None, rate_limited: bool = False,
               key: Any = None) -> None:
        """Feed one outcome into the AIMD rule (called by `release`); latencies are compared
        with the best one of the same `key`."""
        before = self.current
        best = self.best_latency.get(key)
        if rate_limited:
            self.rate_limited += 1
            self._decrease()
        elif latency_s is not None and best is not None and \
                latency_s > self.latency_factor * best:
            self.slow += 1
            self._decrease()
        else:
            self._good += 1
            if self._good >= self.current:
                self._good = 0
                self.limit = min(float(self.maximum), self.limit + self.increase)
        if latency_s is not None and not rate_limited:
            self.best_latency[key] = latency_s if best is None else min(best, latency_s)
        if self.current != before:
            self.trace.append((round(time.monotonic() - self._t0, 4), self.current))

    def _decrease(self) -> None:
        self._good = 0
        self.limit = max(float(self.minimum), math.floor(self.limit * self.decrease_factor))

    def slot(self, key: Any = None) -> _Slot:
        return _Slot(self, key)

    def hint(self) -> dict[str, Any]:
        """What the next run of the skill should start from."""
        return {"effective_concurrency": self.current, "peak": self.peak,
                "rate_limited": self.rate_limited, "slow": self.slow,
                "throttled": self.throttled, "limit_trace": self.trace[-50:]}


class _Slot:
    def __init__(self, limit: AdaptiveLimit, key: Any = None):
        self.limit = limit
        self.key = key
        self.latency_s: float | None = None
        self.rate_limited = False

    def __enter__(self) -> _Slot:
        self.limit.acquire()
        self._t = time.monotonic()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if self.latency_s is None:
            self.latency_s = time.monotonic() - self._t
        self.limit.release(latency_s=None if self.rate_limited else self.latency_s,
                           rate_limited=self.rate_limited or _is_429(exc), key=self.key)


def _is_429(exc: Any) -> bool:
    return getattr(exc, "status", None) == 429


def run_group(items: Sequence[Any], work: Callable[[Any], Any], limit: AdaptiveLimit, *,
              retries: int = 5, backoff_s: float = 0.05) -> list[Any]:
    """Run `work(item)` for every item under `limit`, results in item order. A 429 (an
    exception with `status == 429`) lowers the limit and retries the item after a back-off;
    other exceptions propagate."""
    results: list[Any] = [None] * len(items)

    def one(index: int) -> None:
        for attempt in range(retries + 1):
            try:
                with limit.slot(key="group"):  # the same work over every item
                    results[index] = work(items[index])
                return
            except Exception as exc:
                if not _is_429(exc) or attempt == retries:
                    raise
                time.sleep(backoff_s * (2 ** attempt))

    workers = max(1, min(len(items), limit.maximum))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="skillir-group") as pool:
        for fut in [pool.submit(one, i) for i in range(len(items))]:
            fut.result()
    return results


@dataclass
class SubTask:
    """One thread-level sub-task: its own prompt, and the sub-tasks whose answers it needs."""

    id: str
    prompt: str
    after: tuple[str, ...] = ()


@dataclass
class SubResult:
    id: str
    result: Any
    started: float
    finished: float
    inputs: dict[str, str] = field(default_factory=dict)


def run_subagents(subtasks: Sequence[SubTask], *, provider_for: Callable[[SubTask], Any],
                  executor: Any, system: str, limit: AdaptiveLimit,
                  config: Any = None, trace: Any = None) -> dict[str, SubResult]:
    """Run each sub-task as its own agent loop (own messages, own provider), in DAG order,
    as many at once as `limit` admits; a sub-task's prompt gets the final answers of the
    sub-tasks it waits for. Returns the results by id."""
    from skillir.runtime.agent import AgentConfig, run_agent

    by_id = {s.id: s for s in subtasks}
    for s in subtasks:
        missing = [d for d in s.after if d not in by_id]
        if missing:
            from skillir.errors import SkillIRError

            raise SkillIRError(f"sub-task {s.id} waits for unknown sub-tasks {missing}")
    done: dict[str, SubResult] = {}
    lock = threading.Condition()
    t0 = time.monotonic()
    cfg = config or AgentConfig()

    def run_one(s: SubTask) -> None:
        with lock:
            while not all(d in done for d in s.after):
                lock.wait()
            inputs = {d: done[d].result.final_text for d in s.after}
        prompt = s.prompt
        if inputs:
            prompt += "\n\nResults of the sub-tasks this one depends on:\n" + "\n".join(
                f"<{d}>\n{text}\n</{d}>" for d, text in inputs.items())
        with limit.slot(key=s.id) as slot:
            started = time.monotonic() - t0
            if trace is not None:
                trace.event("subagent_start", id=s.id, after=list(s.after))
            result = run_agent(provider_for(s), prompt, executor, system=system, config=cfg)
            slot.latency_s = result.model_time_s or None
        with lock:
            done[s.id] = SubResult(s.id, result, started, time.monotonic() - t0, inputs)
            lock.notify_all()
        if trace is not None:
            trace.event("subagent_end", id=s.id, status=result.status, steps=result.steps)

    order = _topological(subtasks)
    with ThreadPoolExecutor(max_workers=max(1, len(subtasks)),
                            thread_name_prefix="skillir-subagent") as pool:
        for fut in [pool.submit(run_one, s) for s in order]:
            fut.result()
    return done


def _topological(subtasks: Sequence[SubTask]) -> list[SubTask]:
    from skillir.errors import SkillIRError

    by_id = {s.id: s for s in subtasks}
    out: list[SubTask] = []
    state: dict[str, int] = {}

    def visit(s: SubTask) -> None:
        if state.get(s.id) == 2:
            return
        if state.get(s.id) == 1:
            raise SkillIRError(f"sub-tasks wait for each other in a cycle through {s.id}")
        state[s.id] = 1
        for d in s.after:
            visit(by_id[d])
        state[s.id] = 2
        out.append(s)

    for s in subtasks:
        visit(s)
    return out


def critical_path(costs: dict[str, float], after: dict[str, tuple[str, ...]]) -> float:
    """The longest chain of costs through the DAG (the parallel lower bound on time)."""
    memo: dict[str, float] = {}

    def finish(node: str) -> float:
        if node not in memo:
            memo[node] = costs[node] + max((finish(d) for d in after.get(node, ())), default=0.0)
        return memo[node]

    return max((finish(n) for n in costs), default=0.0)


def subtasks_from_conc(module: Any) -> tuple[list[SubTask], dict[str, int]]:
    """The sub-tasks of a skill's workflow DAG (`conc.graph` after extract-concurrency): one
    per `conc.task`, its prompt the task's label, waiting for the tasks whose tokens it
    takes; and each task's cost (`conc.task` cost)."""
    from skillir.dialects.conc import GraphOp, TaskOp

    graph = next((op for op in module.walk() if isinstance(op, GraphOp)), None)
    if graph is None:
        from skillir.errors import SkillIRError

        raise SkillIRError("the module has no conc.graph",
                           hint="run the pipeline up to extract-concurrency first")
    tasks = [op for op in graph.walk() if isinstance(op, TaskOp)]

    def producers(value: Any) -> list[str]:
        """The tasks behind a token: through a group's result (its terminator, conc.join)
        and any other op's operands."""
        op = value.owner
        if isinstance(op, TaskOp):
            return [str(op.id.value.data)]
        regions = getattr(op, "regions", ())
        if regions and regions[0].blocks:
            term = regions[0].blocks.last.last_op
            index = getattr(value, "index", 0)
            if term is not None and index < len(term.operands):
                return producers(term.operands[index])
        return [t for operand in getattr(op, "operands", ()) for t in producers(operand)]

    subtasks = [SubTask(str(t.id.value.data), t.label.data,
                        tuple(dict.fromkeys(p for d in t.deps for p in producers(d))))
                for t in tasks]
    return subtasks, {str(t.id.value.data): t.cost.value.data for t in tasks}


def run_skill_subagents(module: Any, *, provider_for: Callable[[SubTask], Any], executor: Any,
                        system: str, store: Any = None, key: tuple[str, str, str, str] | None = None,
                        config: Any = None, trace: Any = None, **limit_options: Any
                        ) -> tuple[dict[str, SubResult], dict[str, Any]]:
    """A skill's workflow DAG as TLP sub-agents: the limit starts from the skill's hint in the
    JIT store (`key` = (skill, sha256, model, harness)) and its effective concurrency is saved
    back for the next run. Returns (results, the new hint)."""
    hint = store.hint(*key) if store is not None and key is not None else {}
    limit = AdaptiveLimit.from_hint(hint, **limit_options)
    subtasks, _ = subtasks_from_conc(module)
    results = run_subagents(subtasks, provider_for=provider_for, executor=executor,
                            system=system, limit=limit, config=config, trace=trace)
    new_hint = limit.hint()
    if store is not None and key is not None:
        store.save_hint(*key, new_hint)
    return results, new_hint
