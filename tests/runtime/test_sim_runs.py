"""Whole runs with the simulated provider: real tools, real workspace, real graders.

Reproducibility, the profile ordering over a fixed seed set, reference replay, each failure
mode, compiled vs original skills, offloaded steps, sim-unsupported, token and latency
accounting, and the "simulated" label on every output."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import pytest

from skillir.bench.run import RunOptions, run_task
from skillir.bench.task import load_task
from skillir.emit.tokens import count_tokens
from skillir.profiles.store import resolve_target
from skillir.runtime.config import RouteConfig
from skillir.runtime.providers import get_provider
from skillir.runtime.providers.sim import SimProvider
from skillir.runtime.replay import snapshot
from skillir.runtime.simmodel import FAILURE_MODES, sim_params
from skillir.runtime.skill import load_skill_bundle
from skillir.runtime.trace import read_trace
from skillir.tools import skill_opt, skill_run

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
TASKS = DATA / "sim_tasks"
SKILLS = DATA / "sim_skills"
SUITE = ROOT / "tasks" / "suite"
ROUTE = RouteConfig(route="sim", kind="sim", base_url=None, api_key=None)


def sim(model: str = "synthetic-strong", **changes) -> SimProvider:
    params = dataclasses.replace(sim_params(), **changes) if changes else None
    return SimProvider(ROUTE, model, params=params)


def always(mode: str) -> dict:
    """Parameters under which every step fails, with this failure mode."""
    return {"base": 1e-9, "mode_default": {m: float(m == mode) for m in FAILURE_MODES},
            "mode_by_primitive": ()}


def run(tmp_path: Path, task: str | Path, provider, *, skill=None, seed: int = 0,
        keep: bool = False) -> dict:
    task_dir = task if isinstance(task, Path) else TASKS / task
    return run_task(load_task(task_dir), provider, skill=skill,
                    options=RunOptions(runs_dir=tmp_path / "runs", seed=seed,
                                       keep_workspace=keep))


def workspace(record: dict) -> dict[str, bytes]:
    root = Path(record["workspace"])
    return {rel: (root / rel).read_bytes() for rel in snapshot(root, skip=())}


def calls(record: dict) -> list[tuple[str, str]]:
    return [(e["name"], json.dumps(e["arguments"], sort_keys=True))
            for e in read_trace(record["trace"]) if e["type"] == "tool_call"]


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    """The test skills compiled by skill-opt (module-scoped: compiled once). They are a
    few lines long, so the default growth cap (10% of SKILL.md) would leave room for no
    note: they are compiled with the paper's line budget alone (--max-growth-percent=0)."""
    out = tmp_path_factory.mktemp("compiled")
    made = {}
    for skill, target in (("sum-pipeline", "weak"), ("sum-pipeline", "qwen3.5-9b"),
                          ("sum-script", "weak")):
        dest = out / f"{skill}-{target}"
        assert skill_opt.main([str(SKILLS / skill), f"--target=bare-agent/{target}", "--max-growth-percent=0",
                               "-o", str(dest), "-q"]) == 0
        made[(skill, target)] = load_skill_bundle(dest, compiled=True)
    return made


# -- reproducibility -------------------------------------------------------------------


def test_same_seed_same_record(tmp_path):
    provider = get_provider("sim/qwen3.5-9b")
    for seed in (3, 4):  # one run that passes, one that fails
        a = run(tmp_path, "sum_json", provider, seed=seed, keep=True)
        b = run(tmp_path, "sum_json", provider, seed=seed, keep=True)
        for key in ("status", "score", "passed", "tokens", "model_time_s", "steps",
                    "tool_calls", "criteria"):
            if key == "criteria":
                a[key] = [{k: v for k, v in c.items() if k != "duration_s"} for c in a[key]]
                b[key] = [{k: v for k, v in c.items() if k != "duration_s"} for c in b[key]]
            assert a[key] == b[key], (seed, key)
        assert a["provider_run"] == b["provider_run"]
        assert calls(a) == calls(b)
        assert workspace(a) == workspace(b)
        assert ".sim" not in {p.split("/")[0] for p in workspace(a)}
    scores = {run(tmp_path, "sum_json", provider, seed=s)["score"] for s in range(3, 9)}
    assert scores == {0.0, 1.0}  # different seeds, different outcomes


# -- ordering over a fixed seed set ----------------------------------------------------

CHAIN = ("synthetic-strong", "opus-4.6", "qwen3.5-9b", "synthetic-weak")
SEEDS = range(40)


def test_profile_ordering_over_40_seeds(tmp_path):
    """sum_json's declared steps need file reading, batching, logic, Python, structured
    output and file writing at levels that separate the profiles; each step is ordered
    strong >= opus >= qwen3.5-9b >= weak, so the coupled draws order every seed's outcome
    and the mean scores (the grader is all-or-nothing)."""
    scores = {}
    expected = {}
    for name in CHAIN:
        provider = get_provider(f"sim/{name}")
        records = [run(tmp_path, "sum_json", provider, seed=s) for s in SEEDS]
        assert all(r["status"] == "ok" for r in records)
        scores[name] = [r["score"] for r in records]
        expected[name] = math.prod(st["p"] for st in records[0]["provider_run"]["steps"])
        for r in records:  # a run passes exactly when every simulated step succeeded
            assert (r["score"] == 1.0) == r["provider_run"]["all_steps_ok"]
    means = {k: sum(v) / len(v) for k, v in scores.items()}
    for hi, lo in zip(CHAIN, CHAIN[1:], strict=False):
        assert means[hi] >= means[lo], means
        assert all(a >= b for a, b in zip(scores[hi], scores[lo], strict=True)), (hi, lo)
    assert means["synthetic-strong"] - means["synthetic-weak"] >= 0.5, means
    for name, p in expected.items():  # the empirical rate matches the function (4 sigma)
        sigma = math.sqrt(p * (1 - p) / len(SEEDS))
        assert abs(means[name] - p) <= 4 * sigma + 1e-9, (name, means[name], p)


# -- replay and failure modes ----------------------------------------------------------


@pytest.mark.parametrize("task", ["sum_json", "sum_plain", "error_report", "harbor_style"])
def test_reference_replay_passes_the_graders(tmp_path, task):
    rec = run(tmp_path, task, sim(base=1.0), keep=True)
    assert rec["status"] == "ok" and rec["score"] == 1.0 and rec["passed"], rec["criteria"]
    assert rec["provider_run"]["all_steps_ok"]
    assert not any(p.startswith(".sim/") for p in workspace(rec))


@pytest.mark.parametrize("mode", FAILURE_MODES)
def test_each_failure_mode_fails_the_grader(tmp_path, mode):
    rec = run(tmp_path, "sum_json", sim(**always(mode)), keep=True)
    files = workspace(rec)
    assert rec["status"] == "ok" and rec["score"] == 0.0 and not rec["passed"]
    assert [u["failure_mode"] for u in rec["provider_run"]["units"]] == [mode]
    assert not any(p.startswith(".sim/") for p in files)
    if mode == "wrong_name":
        assert "total.json" not in files and files["total_output.json"] == b'{"total": 60}\n'
    elif mode == "partial_output":
        assert files["total.json"] == b'{"total'
    else:
        assert files["total.json"] == b'```json\n{"total": 60}\n```\n'


@pytest.mark.parametrize("mode", FAILURE_MODES)
def test_failure_modes_on_a_two_step_action_reference(tmp_path, mode):
    rec = run(tmp_path, "error_report", sim(**always(mode)))
    assert rec["score"] < 0.5 and not rec["passed"], rec["criteria"]
    assert [u["ok"] for u in rec["provider_run"]["units"]] == [False, False]


def test_a_failed_step_feeds_the_next_one(tmp_path):
    """Only the extract step fails (a profile without regex); the summarize step then
    succeeds in place, on the damaged errors.txt: both criteria fail."""
    strong = resolve_target("synthetic/strong").profile
    caps = {**strong.capabilities, "gen.regex": 0}
    prof = dataclasses.replace(strong, model="regex-blind", harness="bare-agent",
                               capabilities=caps)
    path = tmp_path / "regex-blind.json"
    path.write_text(prof.to_json())
    provider = SimProvider(ROUTE, str(path), params=dataclasses.replace(
        sim_params(), **{**always("partial_output"), "base": 1.0, "gap_factor": 1e-9}))
    rec = run(tmp_path, "error_report", provider, keep=True)
    units = rec["provider_run"]["units"]
    assert [(u["label"], u["ok"]) for u in units] == [("extract", False), ("summarize", True)]
    files = workspace(rec)
    assert files["errors.txt"].count(b"\n") == 1
    assert json.loads(files["summary.json"])["errors"] == 1
    assert rec["score"] == 0.0
    commands = [json.loads(a)["command"] for n, a in calls(rec) if n == "execute_command"]
    assert any(c.startswith("python3 summarize.py") for c in commands)  # in place


# -- compiled skills -------------------------------------------------------------------


def test_compiled_skill_scores_at_least_the_original(tmp_path, compiled):
    original = load_skill_bundle(SKILLS / "sum-pipeline")
    comp = compiled[("sum-pipeline", "weak")]
    kinds = {t["kind"] for t in comp.compile_report["transforms"]}
    assert kinds == {"compensated"}
    provider = get_provider("sim/synthetic-weak")
    seeds = range(16)
    orig = [run(tmp_path, "sum_plain", provider, skill=original, seed=s) for s in seeds]
    comp_runs = [run(tmp_path, "sum_plain", provider, skill=comp, seed=s) for s in seeds]
    assert orig[0]["provider_run"]["requirements_source"] == "skill"
    assert comp_runs[0]["provider_run"]["requirements_source"] == "compiled-skill"
    o = [r["score"] for r in orig]
    c = [r["score"] for r in comp_runs]
    assert all(b >= a for a, b in zip(o, c, strict=True))
    assert sum(c) / len(c) > sum(o) / len(o)
    step_orig = orig[0]["provider_run"]["steps"][0]
    step_comp = comp_runs[0]["provider_run"]["steps"][0]
    phi_orig = {d["primitive"]: d["phi"] for d in step_orig["demands"]}
    phi_comp = {d["primitive"]: d["phi"] for d in step_comp["demands"]}
    # shell L3 and tool.exec L2 on the weak profile's L1: open gaps in the original (0.5 a
    # level), closed by the compiler's records in the compiled skill (0.9 a level) ...
    assert (phi_orig["gen.code.shell"], phi_orig["tool.exec"]) == (0.25, 0.5)
    assert (phi_comp["gen.code.shell"], phi_comp["tool.exec"]) == pytest.approx((0.81, 0.9))
    # ... and so does every other demand infer-capabilities finds (the learned opinion's too)
    assert all(d["phi"] == pytest.approx(0.5 ** d["gap"]) for d in step_orig["demands"])
    assert all(d["phi"] == pytest.approx(0.9 ** d["gap"]) for d in step_comp["demands"])
    assert step_orig["p"] == pytest.approx(0.95 * math.prod(phi_orig.values()), abs=1e-6)
    assert step_comp["p"] == pytest.approx(0.95 * math.prod(phi_comp.values()), abs=1e-6)


def test_substitution_raises_the_probability(compiled):
    """Compiled for qwen3.5-9b, the shell pipeline is substituted by Python (at L3 on that
    profile) and tool.exec stays unresolved: the substitution counts, the open gap too."""
    from skillir.runtime.simmodel import task_steps

    task = load_task(TASKS / "sum_plain")
    prof = resolve_target("bare-agent/qwen3.5-9b").profile
    comp = compiled[("sum-pipeline", "qwen3.5-9b")]
    orig = load_skill_bundle(SKILLS / "sum-pipeline")
    (s_orig,), _, _ = task_steps(task, orig, prof, sim_params())
    (s_comp,), _, _ = task_steps(task, comp, prof, sim_params())
    exec_gap = 0.25 * 0.6  # tool.exec L2 on L0, unresolved
    assert s_orig.p == pytest.approx(0.95 * (0.125 * 0.6) * exec_gap)
    assert s_comp.p == pytest.approx(0.95 * 0.9 * exec_gap)


def test_offloaded_steps_always_succeed(tmp_path, compiled):
    comp = compiled[("sum-script", "weak")]
    assert [t["kind"] for t in comp.compile_report["transforms"]] == ["offloaded"]
    provider = get_provider("sim/synthetic-weak")
    for seed in range(12):
        rec = run(tmp_path, "sum_plain", provider, skill=comp, seed=seed)
        (step,) = rec["provider_run"]["steps"]
        assert step["solidified"] and step["p"] == 1.0 and step["ok"]
        assert rec["score"] == 1.0
    original = load_skill_bundle(SKILLS / "sum-script")
    (step,) = run(tmp_path, "sum_plain", provider, skill=original)["provider_run"]["steps"]
    assert step["p"] == pytest.approx(0.95 * 0.5) and not step["solidified"]


# -- unsupported tasks -----------------------------------------------------------------


def test_task_without_reference_is_sim_unsupported(tmp_path):
    rec = run(tmp_path, "no_reference", get_provider("sim/qwen3.5-9b"))
    assert rec["status"] == "sim-unsupported" and rec["score"] is None
    assert rec["passed"] is None and rec["steps"] == 0 and rec["simulated"]
    assert "no reference solution" in rec["status_detail"]
    events = read_trace(rec["trace"])
    assert [e["type"] for e in events] == ["run_start", "run_unsupported", "run_record"]
    assert all(e["simulated"] for e in events)


def test_a_broken_reference_is_reported(tmp_path):
    task_dir = tmp_path / "broken"
    (task_dir / "REFERENCE").mkdir(parents=True)
    (task_dir / "task.json").write_text(json.dumps({
        "id": "broken", "prompt": "Write out.txt.",
        "eval": [{"method": "file-check", "path": "out.txt", "mode": "exact", "expected": "x"}]}))
    (task_dir / "REFERENCE" / "run.sh").write_text("echo needs the network >&2\nexit 7\n")
    rec = run(tmp_path, task_dir, sim(base=1.0))
    (unit,) = rec["provider_run"]["units"]
    assert rec["status"] == "ok" and rec["score"] == 0.0 and unit["ok"]
    assert unit["reference_errors"][0]["exit_code"] == 7
    assert "needs the network" in unit["reference_errors"][0]["output"]


def test_sleeping_is_optional(tmp_path, monkeypatch):
    import time

    fast = run(tmp_path, "sum_plain", sim(base=1.0))
    assert fast["model_time_s"] > fast["agent_time_s"]  # simulated time, not slept
    monkeypatch.setenv("SKILLIR_SIM_SLEEP", "0.05")
    start = time.monotonic()
    slow = run(tmp_path, "sum_plain", sim(base=1.0))
    assert time.monotonic() - start >= 0.05 * slow["model_time_s"] * 0.9
    assert slow["model_time_s"] == fast["model_time_s"]


def test_simulated_provider_is_no_judge():
    from skillir.runtime.providers.base import Message, ProviderError

    with pytest.raises(ProviderError, match="judge"):
        get_provider("sim/qwen3.5-9b").complete([Message("user", "grade this")])


# -- tokens and latency ----------------------------------------------------------------


def test_tokens_come_from_the_real_context(tmp_path):
    provider = get_provider("sim/qwen3.5-9b")
    skill = load_skill_bundle(SKILLS / "sum-pipeline")
    plain = read_trace(run(tmp_path, "sum_plain", provider)["trace"])
    with_skill = read_trace(run(tmp_path, "sum_plain", provider, skill=skill)["trace"])
    first = [e for e in plain if e["type"] == "model_call"][0]
    first_s = [e for e in with_skill if e["type"] == "model_call"][0]
    injected = count_tokens(skill.content, "qwen3.5-9b").tokens
    assert injected <= first_s["input_tokens"] - first["input_tokens"] <= injected + 60
    params = sim_params()
    _, speed = params.latency_class("qwen3.5-9b")
    for ev in [e for e in plain if e["type"] == "model_call"]:
        out = count_tokens(ev["text"], "qwen3.5-9b").tokens if ev["text"] else 0
        out += sum(count_tokens(f"{c['name']} {json.dumps(c['arguments'], ensure_ascii=False)}",
                                "qwen3.5-9b").tokens for c in ev["tool_calls"])
        assert ev["output_tokens"] == out
        assert ev["latency_s"] == pytest.approx(
            speed.seconds(ev["input_tokens"], ev["output_tokens"]), abs=1e-3)
    calls_ = [e for e in plain if e["type"] == "model_call"]
    # the context grows with every tool result: input tokens never shrink
    assert all(a["input_tokens"] < b["input_tokens"] for a, b in zip(calls_, calls_[1:],
                                                                     strict=False))


# -- the "simulated" label everywhere --------------------------------------------------


def test_every_output_line_says_simulated(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLIR_RUNS_DIR", str(tmp_path / "runs"))
    argv = ["--task", str(TASKS / "sum_json"), "--model", "sim/qwen3.5-9b", "--seed", "3"]
    assert skill_run.main([*argv, "-v"]) == 0
    out, err = capsys.readouterr()
    lines = [ln for ln in (out + err).splitlines() if ln.strip()]
    assert lines and all(ln.startswith("[simulated]") for ln in lines), lines
    assert "sim/qwen3.5-9b (simulated)" in out
    trace = next(ln.split()[-1] for ln in out.splitlines() if " trace " in ln)
    events = read_trace(trace)
    assert events and all(e.get("simulated") is True for e in events)
    assert skill_run.main(["--replay", trace]) == 0
    replayed = capsys.readouterr().out.splitlines()
    assert replayed and all(ln.startswith("[simulated]") for ln in replayed)
    assert skill_run.main([*argv, "--json"]) == 0
    rec = json.loads(capsys.readouterr().out)
    assert rec["simulated"] is True and rec["model"] == "sim/qwen3.5-9b"
    assert rec["provider_run"]["simulated"] is True


def test_cli_unsupported_and_unknown_profile(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SKILLIR_RUNS_DIR", str(tmp_path / "runs"))
    assert skill_run.main(["--task", str(TASKS / "no_reference"), "--model",
                           "sim/qwen3.5-9b"]) == 0
    out = capsys.readouterr().out
    assert "[simulated] status   sim-unsupported" in out and "no reference solution" in out
    assert "[simulated] score    -" in out
    assert skill_run.main(["--task", str(TASKS / "sum_json"), "--model", "sim/zork-1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no capability profile" in err[0]


def test_profile_spellings():
    assert get_provider("sim/synthetic-strong").profile.target == "synthetic/strong"
    assert get_provider("sim/synthetic/weak").profile.target == "synthetic/weak"
    assert get_provider("sim/opus-4.6").profile.target == "bare-agent/opus-4.6"


# -- the project's task suite ----------------------------------------------------------


def _suite_tasks() -> list[Path]:
    if not SUITE.is_dir():
        return []
    return sorted(p for p in SUITE.iterdir() if (p / "task.json").is_file())


@pytest.mark.skipif(not _suite_tasks(), reason="no task suite under tasks/suite")
def test_suite_reference_replays_pass_their_graders(tmp_path):
    """Every suite task, with its skill, on sim/synthetic-strong at seed 0 and no base-rate
    slips: the replayed reference must pass the task's own grader."""
    provider = sim("synthetic-strong", base=1.0)
    failures = []
    for task_dir in _suite_tasks():
        task = load_task(task_dir)
        skill = load_skill_bundle(task.skill_paths[0]) if task.skill_paths else None
        rec = run_task(task, provider, skill=skill,
                       options=RunOptions(runs_dir=tmp_path / "runs", seed=0))
        if not (rec["status"] == "ok" and rec["passed"]
                and rec["provider_run"]["all_steps_ok"]):
            failures.append((task_dir.name, rec["status"], rec["score"], rec["criteria"]))
    assert not failures, failures
