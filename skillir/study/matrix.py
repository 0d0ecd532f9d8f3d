"""Run a benchmark plan: every cell once, on a local process pool or a Ray cluster.

    summary = run_plan(plan, db, runs_dir=Path("runs"), jobs=2, engine="local", resume=True)

Each cell (task × model × harness × condition × seed) is one `skillir.bench.run.run_task` in
its own sandboxed workspace, in a worker process (so a crash or a leak in one run cannot
take the plan down). Workers return the run record; the planning process is the only writer
of the results database, one transaction per run, so Ctrl-C or a crash loses only the runs
in flight and `--resume` reruns exactly those. A cell that cannot be set up (a bad task, a
skill that does not compile) is recorded with status `error` and its one-line reason, and is
retried on resume like a crash.

Compiled conditions compile the task's skill once per (skill, harness, target model,
pipeline) into `<runs_dir>/compiled/<digest>/` (an atomic folder, so concurrent workers
never see half a compile) and run that folder. `compiled+jit` runs it with code
solidification (skillir.jit.solidify), its JIT store in `<runs_dir>/jit/` shared by the
plan's runs, so later seeds of a task can run a script promoted by earlier ones (run with
`-j 1` for the sequential order the promotion counts assume).
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from skillir.errors import SkillIRError
from skillir.study.plan import BenchPlan, Cell, Condition
from skillir.study.results_db import ResultsDB

ENGINES = ("local", "ray")


@dataclass
class PlanSummary:
    total: int
    skipped: int = 0
    ran: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    interrupted: bool = False

    def line(self) -> str:
        parts = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        return (f"{self.ran} runs ({parts or 'none'}), {self.skipped} already done, "
                f"{self.total} cells" + ("; interrupted" if self.interrupted else ""))


def _skill_dir(task: Any) -> Path:
    if not task.skill_paths:
        raise SkillIRError(f"task {task.id} names no skill", path=str(task.dir),
                           hint="add \"skill\" to its task.json, or use the no-skill condition")
    return Path(task.skill_paths[0])


def _digest_folder(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def compile_for(skill_dir: Path, harness: str, model: str, pipeline: str | None,
                cache: Path) -> Path:
    """The compiled folder of `skill_dir` for (harness, model), compiled once and cached."""
    from skillir.atomic import atomic_directory
    from skillir.backends import get_folder_backends
    from skillir.frontend.skill_md import load_skill
    from skillir.passes.bind_profile import BindProfilePass
    from skillir.passes.lower_to_harness import LowerToHarnessPass
    from skillir.pipeline import PassManager, parse_pipeline, stage_passes
    from skillir.target import Target

    target = Target(harness, model)
    key = hashlib.sha256(f"{_digest_folder(skill_dir)}|{target}|{pipeline}".encode())
    out = cache / key.hexdigest()[:20]
    if (out / "compile-report.json").is_file():
        return out
    module = load_skill(skill_dir)
    if pipeline is None:
        passes = stage_passes("harness", target, probe=False)
    else:
        passes = parse_pipeline(pipeline)
        if not any(p.name == "bind-profile" for p in passes):
            passes = (BindProfilePass(target=str(target)), *passes)
        if not any(p.name == "lower-to-harness" for p in passes):
            passes = (*passes, LowerToHarnessPass())
    PassManager(passes).run(module)
    cache.mkdir(parents=True, exist_ok=True)
    try:
        with atomic_directory(out) as tmp:
            get_folder_backends()[harness]()(module, Path(tmp), {"validate": False})
    except SkillIRError:
        if (out / "compile-report.json").is_file():  # another worker finished it first
            return out
        raise
    return out


def _skill_for(cell: Cell, task: Any, plan: BenchPlan, runs_dir: Path):
    from skillir.runtime.skill import load_skill_bundle

    kind = cell.condition.kind
    if kind == "no-skill":
        return None
    skill_dir = _skill_dir(task)
    if kind == "original":
        return load_skill_bundle(skill_dir)
    folder = compile_for(skill_dir, cell.harness, plan.target_model(cell.model),
                         cell.condition.pipeline, runs_dir / "compiled")
    return load_skill_bundle(folder, compiled=True)


def run_cell(cell: Cell, plan: BenchPlan, runs_dir: Path) -> dict[str, Any]:
    """One cell, start to end: the run record (status `error` when it cannot be set up)."""
    import logging

    from skillir.bench.run import RunOptions, run_task
    from skillir.bench.task import load_task
    from skillir.runtime.providers import get_provider

    logging.disable(logging.WARNING)
    t0 = time.monotonic()
    provider = None
    try:
        task = load_task(cell.task)
        skill = _skill_for(cell, task, plan, runs_dir)
        provider = get_provider(cell.model)
        options = RunOptions(harness=cell.harness, runs_dir=runs_dir / "runs", seed=cell.seed)
        if cell.condition.kind == "compiled+jit":  # solidification learns across the plan's runs
            from skillir.jit.solidify import run_with_jit
            from skillir.jit.store import JitStore

            return run_with_jit(task, provider, skill, options=options,
                                store=JitStore(runs_dir / "jit"))
        return run_task(task, provider, skill=skill, options=options)
    except SkillIRError as exc:
        return {"status": "error", "status_detail": str(exc), "score": None,
                "simulated": bool(provider and provider.simulated),
                "wall_time_s": round(time.monotonic() - t0, 4)}
    except Exception as exc:  # noqa: BLE001 - a bug in setup: recorded, the plan goes on
        return {"status": "crashed", "score": None,
                "status_detail": f"internal error: {type(exc).__name__}: {exc}",
                "simulated": bool(provider and provider.simulated),
                "wall_time_s": round(time.monotonic() - t0, 4)}
    finally:
        if provider is not None:
            provider.close()


class Progress:
    """One status line: done/total, percent, ETA from the mean time per finished run."""

    def __init__(self, total: int, stream: TextIO | None) -> None:
        self.total, self.stream, self.done = total, stream, 0
        self.start = time.monotonic()
        self.tty = bool(stream and stream.isatty())

    def update(self, cell: Cell, record: dict[str, Any]) -> None:
        self.done += 1
        if self.stream is None:
            return
        elapsed = time.monotonic() - self.start
        eta = elapsed / self.done * (self.total - self.done)
        sim = " [simulated]" if record.get("simulated") else ""
        score = record.get("score")
        line = (f"[{self.done}/{self.total}] {100 * self.done // max(self.total, 1)}% "
                f"eta {_clock(eta)}  {cell.label()}: {record.get('status')}"
                f"{'' if score is None else f' {score:.2f}'}{sim}")
        self.stream.write(("\r\x1b[2K" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.tty:
            self.stream.write("\n")


def _clock(seconds: float) -> str:
    m, s = divmod(int(seconds + 0.5), 60)
    return f"{m}m{s:02d}s" if m else f"{s}s"


def _local_engine(jobs: int) -> Callable[..., Any]:
    def submit_all(cells: list[Cell], plan: BenchPlan, runs_dir: Path):
        if jobs <= 1:
            for cell in cells:
                yield cell, run_cell(cell, plan, runs_dir)
            return
        ctx = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
            futures = {pool.submit(run_cell, c, plan, runs_dir): c for c in cells}
            try:
                for fut in cf.as_completed(futures):
                    cell = futures[fut]
                    try:
                        yield cell, fut.result()
                    except cf.process.BrokenProcessPool as exc:
                        yield cell, {"status": "crashed", "status_detail": f"worker died: {exc}",
                                     "score": None}
            finally:
                for fut in futures:
                    fut.cancel()
    return submit_all


def _ray_engine(jobs: int, address: str | None) -> Callable[..., Any]:
    try:
        import ray
    except ImportError:
        raise SkillIRError("--engine ray needs Ray", hint="pip install 'skillir[ray]' "
                           "(ray==2.60.0), or use --engine local") from None

    def submit_all(cells: list[Cell], plan: BenchPlan, runs_dir: Path):
        started_here = not ray.is_initialized()
        if started_here:
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "configure_logging": False}
            if address:
                kwargs["address"] = address
            else:
                kwargs.update(num_cpus=jobs, object_store_memory=80 * 1024 * 1024)
            ray.init(**kwargs)
        try:
            remote = ray.remote(num_cpus=1, max_retries=0)(run_cell)
            pending = {remote.remote(c, plan, runs_dir): c for c in cells}
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                cell = pending.pop(ready[0])
                try:
                    yield cell, ray.get(ready[0])
                except Exception as exc:  # a task that died on its worker
                    yield cell, {"status": "crashed", "score": None,
                                 "status_detail": f"ray task failed: {type(exc).__name__}"}
        finally:
            if started_here:
                ray.shutdown()
    return submit_all


def run_plan(plan: BenchPlan, db: ResultsDB, *, runs_dir: Path, jobs: int = 1,
             engine: str = "local", address: str | None = None, resume: bool = False,
             progress: TextIO | None = sys.stderr, limit: int | None = None) -> PlanSummary:
    """Run every cell of `plan` not yet done (with `resume`), recording each as it ends."""
    if engine not in ENGINES:
        raise SkillIRError(f"unknown engine '{engine}'", hint="use local or ray")
    cells = plan.cells()
    keys = [c.key for c in cells]
    if len(set(keys)) != len(keys):
        raise SkillIRError("the plan lists the same cell twice", path=plan.source,
                           hint="remove the repeated task, model, harness or condition")
    done = db.done_keys() & set(keys)
    if done and not resume:
        raise SkillIRError(f"the results database already holds {len(done)} runs of this plan",
                           path=str(db.path), hint="add --resume to continue it, or give a new --db")
    todo = [c for c in cells if c.key not in done]
    if limit is not None:
        todo = todo[:limit]
    summary = PlanSummary(total=len(cells), skipped=len(done))
    runs_dir.mkdir(parents=True, exist_ok=True)
    submit = _local_engine(jobs) if engine == "local" else _ray_engine(jobs, address)
    bar = Progress(len(todo), progress)
    stream = submit(todo, plan, runs_dir.resolve())
    try:
        for cell, record in stream:
            db.record(cell, record, plan=plan.digest())
            summary.ran += 1
            status = str(record.get("status"))
            summary.statuses[status] = summary.statuses.get(status, 0) + 1
            bar.update(cell, record)
    except KeyboardInterrupt:
        summary.interrupted = True
        raise
    finally:
        stream.close()
        bar.close()
    return summary


__all__ = ["Condition", "PlanSummary", "compile_for", "run_cell", "run_plan"]
