"""Run traces: one JSONL file per run.

While the run is going, events are appended (and flushed) to `trace.jsonl.partial`, so a
crashed or killed run still leaves evidence; when it ends the complete trace is written
atomically to `trace.jsonl` (the partial file is then removed) and the run record to
`record.json` beside it.

Schema `skillir.trace/1`; every line is a JSON object with `type` and `t` (seconds since
the run started):

| type        | fields |
|-------------|--------|
| run_start   | schema, run_id, task_id, task_dir, model, provider{...}, simulated, harness, skill, workspace, sandbox{mode, warning}, limits, agent{...}, seed, started_at |
| env_setup   | script, ok, exit_code, duration_s, output (≤ 4000 chars), output_chars |
| model_call  | step, latency_s, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, usage_available, stop_reason, text, tool_calls[{id, name, arguments}], attempts, retries, simulated, model |
| tool_call   | step, id, name, arguments, is_error, result_chars, duration_s, started (t of its start), result_preview, meta{exit_code, bytes, killed, truncated, violation...} |
| agent_end   | status, stop_reason, steps, error |
| grade       | score, passed, criteria[...] |
| run_unsupported | status, reason (the provider cannot serve this run; nothing ran) |
| run_record  | the record (same as record.json) |

Every event of a run with a simulated provider also carries `"simulated": true`.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from skillir.atomic import write_text_atomic
from skillir.errors import SkillIRError
from skillir.untrusted import read_text_file

SCHEMA = "skillir.trace/1"


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str, separators=(",", ":"))


class TraceWriter:
    """Collects the events of one run; use as a context manager."""

    def __init__(self, path: Path, *, common: dict[str, Any] | None = None):
        self.path = Path(path)
        self.common = dict(common or {})
        """Fields every event carries (a simulated run: `{"simulated": True}`)."""
        self.partial = self.path.with_name(self.path.name + ".partial")
        self.events: list[dict[str, Any]] = []
        self.t0 = time.monotonic()
        self._lock = threading.Lock()
        self._fh: IO[str] | None = None

    def __enter__(self) -> TraceWriter:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.partial, "w", encoding="utf-8")  # noqa: SIM115 - closed in __exit__
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def now(self) -> float:
        return round(time.monotonic() - self.t0, 4)

    def event(self, type_: str, **fields: Any) -> dict[str, Any]:
        ev = {"type": type_, "t": fields.pop("t", self.now()), **self.common, **fields}
        line = _dumps(ev)
        with self._lock:
            self.events.append(ev)
            if self._fh is not None:
                self._fh.write(line + "\n")
                self._fh.flush()
        return ev

    def finish(self, record: dict[str, Any]) -> None:
        """Append the run record, then write trace.jsonl and record.json atomically."""
        self.event("run_record", record=record)
        with self._lock:
            text = "".join(_dumps(ev) + "\n" for ev in self.events)
        write_text_atomic(self.path, text)
        write_text_atomic(self.path.with_name("record.json"),
                          json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n")
        self.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.partial)

    def close(self) -> None:
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None


def read_trace(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Load a trace (or a `.partial` one); a malformed line is an error naming the line."""
    target = Path(path)
    if target.is_dir():
        target = target / "trace.jsonl"
        if not target.exists() and target.with_name("trace.jsonl.partial").exists():
            target = target.with_name("trace.jsonl.partial")
    if not target.exists():
        raise SkillIRError("no such trace", path=str(target),
                           hint="give a trace.jsonl or the run folder holding it")
    lines = read_text_file(target, what="trace").splitlines()
    events: list[dict[str, Any]] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            ev = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SkillIRError(f"trace line is not JSON ({exc.msg})", path=str(target), line=n,
                               hint="was the run killed while writing? try the "
                               ".partial file") from None
        if not isinstance(ev, dict) or "type" not in ev:
            raise SkillIRError("trace line has no 'type'", path=str(target), line=n)
        events.append(ev)
    if not events or events[0].get("type") != "run_start":
        raise SkillIRError("not a SkillIR trace (first event is not run_start)",
                           path=str(target))
    return events


def _short(value: Any, n: int = 120) -> str:
    text = value if isinstance(value, str) else _dumps(value)
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def summarize(events: list[dict[str, Any]]) -> str:
    """A readable account of a run (`skill-run --replay`)."""
    start = events[0]
    out: list[str] = []
    sim = "  [SIMULATED MODEL]" if start.get("simulated") else ""
    out.append(f"run {start.get('run_id')}  task {start.get('task_id')}  model "
               f"{start.get('model')}  harness {start.get('harness')}{sim}")
    skill = start.get("skill") or {}
    out.append(f"skill: {skill.get('kind', 'none')}"
               + (f" {skill.get('name')} ({skill.get('path')})" if skill.get("name") else ""))
    sandbox = start.get("sandbox") or {}
    out.append(f"sandbox: {sandbox.get('mode')}"
               + (f"  WARNING: {sandbox['warning']}" if sandbox.get("warning") else ""))
    for ev in events[1:]:
        t = f"{ev.get('t', 0):8.2f}s"
        kind = ev["type"]
        if kind == "env_setup":
            state = "ok" if ev.get("ok") else f"FAILED (exit {ev.get('exit_code')})"
            out.append(f"{t}  env-setup {state} in {ev.get('duration_s', 0):.2f}s")
        elif kind == "model_call":
            calls = ", ".join(c.get("name", "?") for c in ev.get("tool_calls", [])) or "-"
            out.append(f"{t}  step {ev.get('step')}: model {ev.get('latency_s', 0):.2f}s, "
                       f"{ev.get('input_tokens', 0)} in / {ev.get('output_tokens', 0)} out, "
                       f"stop {ev.get('stop_reason')}, tools: {calls}"
                       + (f" (after {ev['attempts']} attempts)" if ev.get("attempts", 1) > 1
                          else ""))
            if ev.get("text"):
                out.append(f"           says: {_short(ev['text'])}")
        elif kind == "tool_call":
            flag = " ERROR" if ev.get("is_error") else ""
            out.append(f"{t}    {ev.get('name')}({_short(ev.get('arguments'), 80)}) -> "
                       f"{ev.get('result_chars', 0)} chars in {ev.get('duration_s', 0):.2f}s"
                       f"{flag}")
        elif kind == "agent_end":
            out.append(f"{t}  agent ended: {ev.get('status')} ({ev.get('stop_reason')}) after "
                       f"{ev.get('steps')} steps"
                       + (f": {ev['error']}" if ev.get("error") else ""))
        elif kind == "grade":
            out.append(f"{t}  grade: score {ev.get('score', 0):.3f} "
                       f"{'PASS' if ev.get('passed') else 'FAIL'}")
            for c in ev.get("criteria", []):
                w = "-" if c.get("weight") is None else f"{c['weight']:.2f}"
                out.append(f"           {c.get('id')} [{c.get('method')}] w={w}"
                           f" score={c.get('score', 0):.2f}"
                           + (f" INFRA: {c['infra_error']}" if c.get("infra_error") else "")
                           + (f" — {_short(c.get('details'), 90)}" if c.get("details") else ""))
        elif kind == "run_unsupported":
            out.append(f"{t}  not run: {ev.get('status')}: {ev.get('reason')}")
        elif kind == "run_record":
            rec = ev.get("record", {})
            tok = rec.get("tokens", {})
            score = rec.get("score")
            score_txt = "-" if score is None else f"{score:.3f}"
            out.append(f"status {rec.get('status')}  score {score_txt}  tokens "
                       f"{tok.get('input', 0)} in / {tok.get('output', 0)} out  wall "
                       f"{rec.get('wall_time_s', 0):.2f}s  model {rec.get('model_time_s', 0):.2f}s")
    if events[-1]["type"] != "run_record":
        out.append("(trace ends without a run record: the run did not finish)")
    if start.get("simulated"):  # a simulation must never pass for a real model's run
        out = [f"[simulated] {line}" for line in out]
    return "\n".join(out)
