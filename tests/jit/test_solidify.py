"""Solidification end to end with the simulated model (real tools, sandbox and graders):
repeated runs promote a trace candidate, the next run answers without a model call, a
failing solidified script deoptimises with its reason in the trace."""

from __future__ import annotations

import json
from pathlib import Path

from skillir.bench.run import RunOptions
from skillir.bench.task import load_task
from skillir.jit.solidify import JitSession, SolidifyPolicy, run_with_jit
from skillir.jit.store import JitStore
from skillir.runtime.config import RouteConfig
from skillir.runtime.providers.sim import SimProvider
from skillir.runtime.skill import load_skill_bundle
from skillir.runtime.trace import read_trace

DATA = Path(__file__).resolve().parents[1] / "data"
ROUTE = RouteConfig(route="sim", kind="sim", base_url=None, api_key=None)


class CountingSim(SimProvider):
    """The simulated model, counting the calls it serves."""

    def __init__(self) -> None:
        super().__init__(ROUTE, "synthetic-strong")
        self.served = 0

    def complete(self, *args, **kwargs):
        self.served += 1
        return super().complete(*args, **kwargs)


def _session(tmp_path: Path, provider, promote_after: int = 5, demote_after: int = 3):
    bundle = load_skill_bundle(DATA / "sim_skills" / "sum-script")
    store = JitStore(tmp_path / "jit")
    policy = SolidifyPolicy(promote_after=promote_after, demote_after=demote_after)
    return bundle, store, JitSession(store, bundle, model=provider.name, policy=policy)


def _run(tmp_path, task, provider, bundle, session):
    return run_with_jit(task, provider, bundle, session=session,
                        options=RunOptions(runs_dir=tmp_path / "runs", seed=0))


def test_five_runs_promote_and_the_sixth_needs_no_model(tmp_path):
    provider = CountingSim()
    task = load_task(DATA / "sim_tasks" / "sum_json")
    bundle, store, session = _session(tmp_path, provider)
    observed = [_run(tmp_path, task, provider, bundle, session)["jit_observed"] for _ in range(5)]
    assert [bool(o["promoted"]) for o in observed] == [False] * 4 + [True]
    assert observed[0]["new"] == observed[4]["promoted"]
    served = provider.served
    sixth = _run(tmp_path, task, provider, bundle, session)
    assert provider.served == served  # no model call at all
    assert sixth["jit"]["solidified"] is True and sixth["jit"]["deopt"] is None
    assert sixth["jit"]["params"] == {"file2": "sales.csv", "file3": "total.json"}
    assert sixth["score"] == 1.0 and sixth["passed"] is True
    assert sixth["tokens"]["input"] == 0 and sixth["tokens"]["output"] == 0
    kinds = [e["type"] for e in read_trace(sixth["trace"])]
    assert "solidified" in kinds and "jit_dispatch" in kinds and "model_call" not in kinds
    (entry,) = store.entries()
    cand = next(c for c in entry.candidates if c.state == "promoted")
    assert cand.source == "trace" and cand.solidified_runs == 1 and cand.matches == 5


def test_failing_script_deopts_to_the_model_with_the_reason(tmp_path):
    provider = CountingSim()
    task = load_task(DATA / "sim_tasks" / "sum_json")
    bundle, store, session = _session(tmp_path, provider, promote_after=1, demote_after=2)
    _run(tmp_path, task, provider, bundle, session)
    # break the promoted template: its script now fails
    entry = store.load(bundle.name, bundle.sha256, provider.name, "bare-agent")
    cand = next(c for c in entry.candidates if c.state == "promoted")
    parts = list(cand.skeleton.parts)
    parts[-1] = parts[-1] + "\nexit 7\n"
    cand.skeleton = type(cand.skeleton)(tuple(parts), cand.skeleton.slots)
    store.save(entry)
    served = provider.served
    rec = _run(tmp_path, task, provider, bundle, session)
    assert provider.served > served  # the model path ran
    assert rec["jit"]["deopt"] == "the script exited with 7" and rec["jit"]["solidified"] is False
    assert rec["score"] == 1.0  # the model still did the task
    deopts = [e for e in read_trace(rec["trace"]) if e["type"] == "jit_deopt"]
    assert len(deopts) == 1 and deopts[0]["reason"] == "the script exited with 7"
    assert deopts[0]["candidate"] == cand.id
    assert rec["jit_observed"]["failed"] == [cand.id] and rec["jit_observed"]["demoted"] == []
    rec2 = _run(tmp_path, task, provider, bundle, session)
    assert rec2["jit_observed"]["demoted"] == [cand.id]
    after = store.load(bundle.name, bundle.sha256, provider.name, "bare-agent")
    assert next(c for c in after.candidates if c.id == cand.id).state == "demoted"


def test_missing_parameter_deopts(tmp_path):
    provider = CountingSim()
    task = load_task(DATA / "sim_tasks" / "sum_json")
    bundle, store, session = _session(tmp_path, provider, promote_after=1)
    _run(tmp_path, task, provider, bundle, session)
    entry = store.load(bundle.name, bundle.sha256, provider.name, "bare-agent")
    cand = next(c for c in entry.candidates if c.state == "promoted")
    for p in cand.params.values():  # a rule this prompt cannot satisfy
        p["rule"] = {**p["rule"], "index": 5}
    store.save(entry)
    rec = _run(tmp_path, task, provider, bundle, session)
    assert rec["jit"]["deopt"].startswith("parameter file") and "not found in the prompt" in \
        rec["jit"]["deopt"]
    assert rec["score"] == 1.0


def test_hostile_state_file_is_skipped(tmp_path):
    store = JitStore(tmp_path / "jit")
    bad = tmp_path / "jit" / "bare-agent" / "m" / "x-0123456789ab" / "state.json"
    bad.parent.mkdir(parents=True)
    bad.write_text("[1, 2", encoding="utf-8")
    fifo_dir = tmp_path / "jit" / "bare-agent" / "m" / "y-0123456789ab"
    fifo_dir.mkdir()
    import os

    os.mkfifo(fifo_dir / "state.json")
    good = store.load("z", "f" * 64, "m", "bare-agent")
    store.save(good)
    warnings: list[str] = []
    entries = store.entries(warnings)
    assert [e.skill for e in entries] == ["z"]
    assert len(warnings) == 2 and all("skipped" in w for w in warnings)
    loaded = store.load("x", "0123456789ab" + "0" * 52, "m", "bare-agent")
    assert loaded.candidates == [] and len(loaded.warnings) == 1
    assert "not valid JSON" in loaded.warnings[0]
    assert json.loads((good.folder / "state.json").read_text())["schema"] == "skillir.jit/1"


def test_a_harness_path_in_the_workspace_is_learnt_relative():
    from skillir.jit.candidates import effectful_calls, relative_to

    events = [{"type": "tool_call", "name": "Write", "is_error": False,
               "arguments": {"file_path": "/tmp/ws-9/out/total.json", "content": "{}\n"}},
              {"type": "tool_call", "name": "Bash", "is_error": False,
               "arguments": {"command": "cd /tmp/ws-9 && sort a.txt > /tmp/ws-9/b.txt"}}]
    calls, clean = effectful_calls(relative_to(events, "/tmp/ws-9/"))
    assert clean and [(c["name"], c["arguments"]) for c in calls] == [
        ("write_file", {"path": "out/total.json", "content": "{}\n"}),
        ("execute_command", {"command": "cd . && sort a.txt > b.txt"})]
