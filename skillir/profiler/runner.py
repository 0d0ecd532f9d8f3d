"""Run a profile: instances through the real runtime, decided by the sampling design,
resumable and parallel.

    result = profile_target(ProfileRequest(model="sim/qwen3.5-9b"), on_progress=bar)

Where results live: `<store>/<harness>/<safe model>/profiler/` (the profile store's folder
of the target): `run.json` (the request: model, harness, seed, design, primitives) and
`instances/<primitive>/<n>.json`, one file per finished instance, written atomically the
moment it finishes (`n` is the instance's position in its primitive's sequence). Each
primitive has at most one instance in flight, and the design's choices depend only on
earlier results, so `resume=True` replays the files in order, rebuilds every primitive's
state exactly, and carries on: after a crash or Ctrl-C nothing finished is lost and nothing
finished is run again. On Ctrl-C or SIGTERM the instances in flight are let finish (each
within its time limit) and kept; after a crash (kill -9, power) an instance that was in
flight is run again.

Parallelism (`jobs`): primitives run concurrently, one instance each at a time, on a pool of
threads, each with its own provider. When a run's trace shows the provider retried (HTTP
429/5xx: the providers back off by themselves), the number of instances in flight is cut
by one (at least 1); after 10 clean instances it grows back by one, up to `jobs`.

Instance `n` of (primitive, level) gets the seed sha256(seed, primitive, level, n): the
same request gives the same instances. Runs whose status is `tainted` (a grader
infrastructure error) or a provider's "not supported" are skipped (SkVM: skipCount); other
non-ok runs (timeout, crash) count as failures, as in SkVM.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillir.atomic import write_text_atomic
from skillir.errors import SkillIRError
from skillir.profiler.generators import MODULES, generate
from skillir.profiler.instance import Instance
from skillir.profiler.sampling import Design, FixedDesign, Plan

RUN_FILE = "run.json"
MAX_SKIPS = 3
GROW_AFTER = 10


@dataclass
class Budget:
    """A limit on agent runs or on tokens (input + output); None = no limit."""

    runs: int | None = None
    tokens: int | None = None

    @classmethod
    def parse(cls, text: str | None) -> Budget:
        if not text:
            return cls()
        t = text.strip().lower().replace("_", "").replace(" ", "")
        mult = 1
        for unit in ("tokens", "token", "tok"):
            if t.endswith(unit):
                body = t[: -len(unit)]
                if body.endswith("k"):
                    body, mult = body[:-1], 1000
                elif body.endswith("m"):
                    body, mult = body[:-1], 1_000_000
                if body.isdigit() and int(body) > 0:
                    return cls(tokens=int(body) * mult)
                break
        body = t.removesuffix("runs").removesuffix("run")
        if body.isdigit() and int(body) > 0:
            return cls(runs=int(body))
        raise SkillIRError(f"bad --budget '{text}'",
                           hint="give a number of runs (e.g. 120) or of tokens (e.g. 500k "
                                "tokens, 2M tokens)")

    def to_json(self) -> dict[str, int | None]:
        return {"runs": self.runs, "tokens": self.tokens}


@dataclass
class ProfileRequest:
    model: str
    harness: str = "bare-agent"
    primitives: Sequence[str] = ()
    seed: int = 0
    jobs: int = 1
    budget: Budget = field(default_factory=Budget)
    design: Design | FixedDesign = field(default_factory=Design)
    resume: bool = False
    fresh: bool = False
    isolation: str = "auto"

    def chosen(self) -> list[str]:
        prims = list(self.primitives) or list(MODULES)
        unknown = [p for p in prims if p not in MODULES]
        if unknown:
            raise SkillIRError(f"unknown primitive(s): {', '.join(unknown)}",
                               hint="primitives: " + ", ".join(MODULES))
        return list(dict.fromkeys(prims))

    def key(self) -> dict[str, Any]:
        """What a resumed run must share with the one it continues."""
        return {"model": self.model, "harness": self.harness, "seed": self.seed,
                "design": self.design.to_json(), "primitives": self.chosen()}


def instance_seed(seed: int, primitive: str, level: int, n: int) -> int:
    digest = hashlib.sha256(f"{seed}|{primitive}|{level}|{n}".encode()).digest()
    return int.from_bytes(digest[:4], "big")


@dataclass
class PrimitiveState:
    primitive: str
    plan: Plan
    results: list[dict[str, Any]] = field(default_factory=list)
    skips: int = 0
    per_level_count: dict[int, int] = field(default_factory=lambda: {1: 0, 2: 0, 3: 0})

    @property
    def next_n(self) -> int:
        return len(self.results)

    def add(self, result: dict[str, Any]) -> None:
        self.results.append(result)
        self.per_level_count[result["level"]] += 1
        if result["counted"]:
            self.plan.record(result["level"], result["passed"])
        else:
            self.skips += 1

    def done(self) -> bool:
        return self.skips >= MAX_SKIPS or self.plan.next_level() is None

    def decided(self) -> bool:
        """Decided by the design (not merely stopped by a budget or by skips)."""
        if self.skips >= MAX_SKIPS:
            return False
        if isinstance(self.plan.design, FixedDesign):
            return self.plan.next_level() is None
        return self.plan.runs > 0 and self.plan.next_level() is None


Executor = Callable[[Instance], dict[str, Any]]
"""Runs one instance and returns its result (see `result_of_record`)."""


@dataclass
class Progress:
    runs: int = 0
    tokens: int = 0
    decided: int = 0
    total: int = 0
    current: str = ""
    simulated: bool = False
    jobs: int = 1


@dataclass
class ProfileRun:
    request: ProfileRequest
    folder: Path
    states: dict[str, PrimitiveState]
    started_at: str
    wall_s: float
    stopped_by: str | None
    simulated: bool
    resumed_results: int = 0

    def all_results(self) -> list[dict[str, Any]]:
        return [r for s in self.states.values() for r in s.results]


def result_of_record(inst: Instance, record: dict[str, Any]) -> dict[str, Any]:
    """An instance result from a run record (skillir.bench.run)."""
    status = record.get("status")
    counted = status not in ("tainted",) and record.get("passed") is not None
    tokens = record.get("tokens") or {}
    failed = [f"{cp.get('name')}: {cp.get('reason')}" for c in record.get("criteria") or []
              for cp in (c.get("checkpoints") or []) if cp.get("score", 1) < 1
              and cp.get("name") != "all"]
    reason = None
    if not record.get("passed"):
        reason = "; ".join(failed)[:300] or str(record.get("status_detail") or status)
        reason += (f" | {record.get('steps', 0)} steps, {record.get('tool_calls', 0)} calls, "
                   f"status {status}")
    return {"instance": inst.id, "primitive": inst.primitive, "level": inst.level,
            "seed": inst.seed, "passed": bool(record.get("passed")), "counted": counted,
            "status": status, "score": record.get("score"), "failure": reason,
            "input_tokens": int(tokens.get("input") or 0),
            "output_tokens": int(tokens.get("output") or 0),
            "wall_s": float(record.get("wall_time_s") or 0.0),
            "model_time_s": float(record.get("model_time_s") or 0.0),
            "steps": record.get("steps"), "tool_calls": record.get("tool_calls"),
            "retries": int(record.get("_retries", 0)), "run_dir": record.get("run_dir"),
            "simulated": bool(record.get("simulated")),
            "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _trace_retries(trace_path: str | None) -> int:
    if not trace_path:
        return 0
    n = 0
    with contextlib.suppress(OSError, ValueError):
        with open(trace_path, encoding="utf-8") as fh:
            for line in fh:
                if '"model_call"' not in line or '"retries"' not in line:
                    continue
                with contextlib.suppress(ValueError):
                    event = json.loads(line)
                    n += bool(isinstance(event, dict) and event.get("retries"))
    return n


class SandboxExecutor:
    """Runs instances as sandboxed tasks (skillir.bench.run.run_task), one provider per
    thread."""

    def __init__(self, model: str, folder: Path, *, harness: str = "bare-agent",
                 isolation: str = "auto"):
        from skillir.runtime.config import load_config

        self.model = model
        self.harness = harness
        self.isolation = isolation
        self.config = load_config()
        self.tasks_dir = folder / "tasks"
        self.runs_dir = folder / "runs"
        self._local = threading.local()
        self._providers: list[Any] = []
        self._lock = threading.Lock()
        self.simulated = bool(self._provider().simulated)

    def _provider(self) -> Any:
        prov = getattr(self._local, "provider", None)
        if prov is None:
            from skillir.runtime.providers import get_provider

            prov = get_provider(self.model, self.config)
            self._local.provider = prov
            with self._lock:
                self._providers.append(prov)
        return prov

    def __call__(self, inst: Instance) -> dict[str, Any]:
        from skillir.bench.run import RunOptions, run_task
        from skillir.bench.task import load_task

        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="inst-", dir=self.tasks_dir))
        try:
            task = load_task(inst.write_task(tmp))
            record = run_task(task, self._provider(), config=self.config,
                              options=RunOptions(harness=self.harness, runs_dir=self.runs_dir,
                                                 seed=inst.seed, isolation=self.isolation))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        record["_retries"] = _trace_retries(record.get("trace"))
        return result_of_record(inst, record)

    def close(self) -> None:
        for p in self._providers:
            with contextlib.suppress(Exception):
                p.close()


def target_folder(store_root: Path | None, harness: str, model: str) -> Path:
    from skillir.profiles.store import ProfileStore

    return ProfileStore(store_root).folder(harness, profile_model_name(model)) / "profiler"


def profile_model_name(model: str) -> str:
    """The model name a profile of `model` is stored under: a simulated model `sim/X` becomes
    `simulated-X` (never the name of the profile it simulates, so a simulated measurement
    can never stand in for the published vector)."""
    if model.startswith("sim/"):
        return "simulated-" + model[4:].replace("/", "-")
    return model


def _previous_session(folder: Path, request: ProfileRequest) -> tuple[float, str | None]:
    """Wall seconds the earlier sessions of a resumed run spent, and when it started."""
    if not request.resume:
        return 0.0, None
    try:
        data = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        return float(data.get("wall_s", 0.0)), data.get("started_at")
    except (OSError, ValueError, TypeError, AttributeError):
        return 0.0, None


def _load_previous(folder: Path, request: ProfileRequest) -> list[dict[str, Any]]:
    run_file = folder / RUN_FILE
    inst_dir = folder / "instances"
    if not run_file.is_file():
        if request.resume:
            raise SkillIRError("nothing to resume: no earlier profiler run of this target",
                               path=str(folder), hint="run without --resume")
        return []
    try:
        previous = json.loads(run_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SkillIRError(f"cannot read the earlier run's settings ({exc})", path=str(run_file),
                           hint="run again with --fresh to start over") from None
    if request.fresh:
        shutil.rmtree(inst_dir, ignore_errors=True)
        return []
    if not request.resume:
        finished = len(list(inst_dir.glob("*/*.json"))) if inst_dir.is_dir() else 0
        if previous.get("complete") or finished == 0:
            shutil.rmtree(inst_dir, ignore_errors=True)
            return []
        raise SkillIRError(f"an unfinished profiler run of this target exists ({finished} "
                           "instance results)", path=str(folder),
                           hint="continue it with --resume, or discard it with --fresh")
    if previous.get("key") != request.key():
        raise SkillIRError("--resume: the earlier run had other settings (model, seed, design "
                           "or primitives)", path=str(run_file),
                           hint="repeat its options, or start over with --fresh")
    out = []
    for path in sorted(inst_dir.glob("*/*.json")) if inst_dir.is_dir() else []:
        try:
            out.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            continue  # a file is written atomically: a broken one is not ours
    return out


def profile_target(request: ProfileRequest, *, store_root: Path | None = None,
                   executor: Executor | None = None,
                   on_progress: Callable[[Progress], None] | None = None,
                   simulated: bool | None = None) -> ProfileRun:
    """Measure the request's primitives; returns the run (see `skillir.profiler.tcp`)."""
    prims = request.chosen()
    folder = target_folder(store_root, request.harness, request.model)
    previous = _load_previous(folder, request)
    earlier_wall, earlier_start = _previous_session(folder, request)
    folder.mkdir(parents=True, exist_ok=True)
    own = None
    if executor is None:
        own = SandboxExecutor(request.model, folder, harness=request.harness,
                              isolation=request.isolation)
        executor = own
        simulated = own.simulated
    simulated = bool(simulated) if simulated is not None else request.model.startswith("sim/")
    started_at = earlier_start or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    t0 = time.monotonic()

    def save_state(complete: bool, stopped: str | None = None) -> None:
        write_text_atomic(folder / RUN_FILE, json.dumps(
            {"key": request.key(), "started_at": started_at, "complete": complete,
             "budget": request.budget.to_json(), "jobs": request.jobs, "stopped_by": stopped,
             "wall_s": round(earlier_wall + time.monotonic() - t0, 3)}, indent=1))

    save_state(False)
    states = {p: PrimitiveState(p, Plan(request.design)) for p in prims}
    order = {p: i for i, p in enumerate(prims)}
    by_prim: dict[str, list[dict[str, Any]]] = {}
    for res in previous:
        by_prim.setdefault(res.get("primitive", ""), []).append(res)
    for p, results in by_prim.items():
        if p in states:
            for res in sorted(results, key=lambda r: r["n"]):
                states[p].add(res)
    progress = Progress(total=len(prims), simulated=simulated, jobs=request.jobs)
    progress.runs = sum(len(s.results) for s in states.values())
    progress.tokens = sum(r["input_tokens"] + r["output_tokens"] for s in states.values()
                          for r in s.results)
    stopped_by = None
    limit = max(1, request.jobs)
    clean = 0
    inflight: dict[Future[dict[str, Any]], tuple[str, int]] = {}

    def over_budget() -> str | None:
        b = request.budget
        if b.runs is not None and progress.runs + len(inflight) >= b.runs:
            return "runs"
        if b.tokens is not None and progress.tokens >= b.tokens:
            return "tokens"
        return None

    def report() -> None:
        progress.decided = sum(s.done() for s in states.values())
        progress.jobs = limit
        if on_progress:
            on_progress(progress)

    pool = ThreadPoolExecutor(max_workers=max(1, request.jobs), thread_name_prefix="profiler")
    try:
        report()
        while True:
            busy = {p for p, _ in inflight.values()}
            # primitives already started first (a budget then finishes them rather than
            # leaving every primitive half-measured), then in the request's order
            ready = sorted((s for s in states.values() if s.primitive not in busy
                            and not s.done()), key=lambda s: (not s.results, order[s.primitive]))
            while ready and len(inflight) < limit:
                why = over_budget()
                if why:
                    stopped_by = why
                    break
                st = ready.pop(0)
                level = st.plan.next_level()
                assert level is not None
                n = st.per_level_count[level]
                inst = generate(st.primitive, level, instance_seed(request.seed, st.primitive,
                                                                   level, n))
                fut = pool.submit(executor, inst)
                inflight[fut] = (st.primitive, st.next_n)
                progress.current = f"{st.primitive} L{level}"
                report()
            if not inflight:
                break
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            for fut in done:
                prim, n = inflight.pop(fut)
                res = dict(fut.result())
                res["n"] = n
                write_text_atomic(folder / "instances" / prim / f"{n:04d}.json",
                                  json.dumps(res, indent=1))
                states[prim].add(res)
                save_state(False)
                progress.runs += 1
                progress.tokens += res["input_tokens"] + res["output_tokens"]
                if res.get("retries"):
                    limit, clean = max(1, limit - 1), 0
                else:
                    clean += 1
                    if clean >= GROW_AFTER and limit < request.jobs:
                        limit, clean = limit + 1, 0
                report()
            if stopped_by and not inflight:
                break
    finally:
        # interrupted (Ctrl-C, SIGTERM): the instances in flight end within their time
        # limit; keep the ones that finished, so that --resume does not run them again
        pool.shutdown(wait=True, cancel_futures=True)
        for fut, (prim, n) in inflight.items():
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                res = dict(fut.result())
                res["n"] = n
                write_text_atomic(folder / "instances" / prim / f"{n:04d}.json",
                                  json.dumps(res, indent=1))
        if own is not None:
            own.close()
    complete = all(s.done() for s in states.values())
    save_state(complete, stopped_by)
    return ProfileRun(request, folder, states, started_at, earlier_wall + time.monotonic() - t0,
                      stopped_by if not complete else None, simulated,
                      resumed_results=len(previous))
