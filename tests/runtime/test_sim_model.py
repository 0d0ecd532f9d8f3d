"""The simulated provider's behaviour model and failure modes, without running anything:
parameters, the success function, where demands come from, the draws, the damage."""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import subprocess
from pathlib import Path

import pytest

from skillir.bench.task import load_task
from skillir.errors import SkillIRError
from skillir.runtime import replay
from skillir.runtime.providers.sim import resolve_sim_profile
from skillir.runtime.simmodel import (
    Need,
    Record,
    decide,
    declared_requirements,
    parse_params,
    phi,
    sim_params,
    step_model,
    task_steps,
)
from skillir.runtime.skill import load_skill_bundle

DATA = Path(__file__).resolve().parents[1] / "data"
TASKS = DATA / "sim_tasks"
SKILLS = DATA / "sim_skills"
P = sim_params()


def profile(name: str):
    return resolve_sim_profile(name).profile


def test_shipped_parameters():
    assert (P.base, P.gap_factor, P.missing_factor) == (0.95, 0.5, 0.6)
    assert (P.compensated_factor, P.decomposed_factor, P.substituted_factor) == (0.9, 0.85, 0.9)
    assert P.latency_class("qwen3.5-9b")[0] == "small"
    assert P.latency_class("opus-4.6")[0] == "frontier"
    assert P.latency_class("something-else")[0] == P.default_class


def test_bad_parameters_name_the_field():
    raw = json.loads((Path(__file__).resolve().parents[2] / "skillir/data/simulation.json").read_text())
    raw["success"]["gap_factor"] = 1.5
    with pytest.raises(SkillIRError, match="success.gap_factor"):
        parse_params(raw)


@pytest.mark.parametrize(("level", "have", "expected"), [
    (2, 3, 1.0), (2, 2, 1.0), (2, 1, 0.5), (3, 1, 0.25), (2, 0, 0.25 * 0.6), (1, 0, 0.5 * 0.6)])
def test_open_gap_factor(level, have, expected):
    prof = profile("synthetic-strong")
    prof = dataclasses.replace(prof, capabilities={"tool.exec": have})
    f = phi(Need("tool.exec", level, "task"), prof, P)
    assert f.phi == pytest.approx(expected) and f.gap == max(0, level - have)


def test_records_raise_the_factor_as_stated():
    weak = profile("synthetic-weak")  # every primitive at L1
    need = Need("gen.code.shell", 3, "compiled-skill", 2, None)
    opened = phi(need, weak, P).phi
    comp = phi(dataclasses.replace(need, record=Record("compensated", (("gen.code.shell", 1),))),
               weak, P).phi
    deco = phi(dataclasses.replace(need, record=Record("decomposed", (("gen.code.shell", 1),))),
               weak, P).phi
    unres = phi(dataclasses.replace(need, record=Record("unresolved")), weak, P).phi
    subst = phi(dataclasses.replace(need, record=Record("substituted",
                                                        (("gen.code.python", 1),))), weak, P)
    off = phi(dataclasses.replace(need, record=Record(
        "offloaded", (("tool.exec", 1), ("tool.file.write", 1)))), weak, P)
    assert opened == pytest.approx(0.25) and unres == opened
    assert comp == pytest.approx(0.9 ** 2) and deco == pytest.approx(0.85 ** 2)
    assert subst.phi == pytest.approx(0.9) and off.phi == 1.0 and off.solid
    # compensation only closes the levels the model needed; lower ones stay open
    none = profile("synthetic-none")
    part = phi(dataclasses.replace(need, record=Record("compensated", (("gen.code.shell", 1),))),
               none, P)
    assert part.phi == pytest.approx(0.9 ** 2 * 0.5 * 0.6)
    # an offloaded script the model cannot run is no solidification
    cannot = phi(dataclasses.replace(need, record=Record(
        "offloaded", (("tool.exec", 1), ("tool.file.write", 1)))), none, P)
    assert not cannot.solid and cannot.phi == pytest.approx((0.5 * 0.6) ** 2)


def test_step_probability_one_demand_per_primitive():
    weak = profile("synthetic-weak")
    needs = [Need("tool.exec", 2, "skill", 1), Need("tool.exec", 3, "skill", 2),
             Need("gen.regex", 2, "skill", 2)]
    step = step_model(0, "s", needs, weak, P)
    assert step.p == pytest.approx(0.95 * 0.25 * 0.5) and not step.solid
    assert step_model(0, "s", [], weak, P).p == pytest.approx(0.95)
    solid = Need("gen.code.python", 2, "compiled-skill", 1,
                 Record("offloaded", (("tool.exec", 1), ("tool.file.write", 1))))
    assert step_model(0, "s", [solid], weak, P).p == 1.0


def test_declared_requirements_and_profile_ordering():
    task = load_task(TASKS / "sum_json")
    declared = declared_requirements(task)
    assert [label for label, _ in declared] == ["read", "analyze", "write"]
    chain = ["synthetic-strong", "opus-4.6", "qwen3.5-9b", "synthetic-weak"]
    per_step = {}
    for name in chain:
        steps, source, _ = task_steps(task, None, profile(name), P)
        assert source == "task"
        per_step[name] = [s.p for s in steps]
    # every step is ordered, so the draws couple the runs seed by seed
    for hi, lo in zip(chain, chain[1:], strict=False):
        assert all(a >= b for a, b in zip(per_step[hi], per_step[lo], strict=True)), (hi, lo)
    assert math.prod(per_step["synthetic-strong"]) == pytest.approx(0.95 ** 3)
    assert math.prod(per_step["synthetic-weak"]) < 0.01


def test_bad_declared_requirements(tmp_path):
    task_dir = tmp_path / "t"
    task_dir.mkdir()
    (task_dir / "task.json").write_text(json.dumps({
        "id": "t", "prompt": "x", "eval": [{"method": "file-check", "path": "a", "mode":
                                           "exact", "expected": "a"}],
        "requirements": [{"step": "s", "primitive": "gen.telepathy", "level": 2}]}))
    with pytest.raises(SkillIRError, match=r"requirements\[0\].primitive"):
        declared_requirements(load_task(task_dir))


def test_skill_demands_win_and_map_onto_task_steps():
    task = load_task(TASKS / "sum_json")
    skill = load_skill_bundle(SKILLS / "sum-script")
    steps, source, _ = task_steps(task, skill, profile("synthetic-weak"), P)
    assert source == "skill"
    by_label = {s.label: s for s in steps}
    # the skill's one step (python + file.write) goes to the declared step sharing most
    skill_prims = {f.need.primitive for f in by_label["write"].factors}
    assert "gen.code.python" in skill_prims and all(
        f.need.source == "skill" for f in by_label["write"].factors)
    # task steps no skill step maps to keep their declared demands
    assert {f.need.source for f in by_label["read"].factors} == {"task"}


def test_no_declared_steps_is_one_task_step():
    task = load_task(TASKS / "sum_plain")
    skill = load_skill_bundle(SKILLS / "sum-pipeline")
    steps, source, _ = task_steps(task, skill, profile("synthetic-weak"), P)
    assert [s.label for s in steps] == ["task"] and source == "skill"
    phi = {f.need.primitive: f.phi for f in steps[0].factors}
    assert (phi["gen.code.shell"], phi["tool.exec"]) == (0.25, 0.5)  # shell L3 and tool.exec L2 on L1
    # every demand counts the same way (the learned opinion's too: it changes when it is refitted)
    assert all(f.phi == pytest.approx(0.5 ** f.gap) for f in steps[0].factors)
    assert steps[0].p == pytest.approx(0.95 * math.prod(phi.values()))
    none_steps, none_source, _ = task_steps(task, None, profile("synthetic-weak"), P)
    assert none_source == "none" and none_steps[0].p == pytest.approx(0.95)


def test_draws_are_stable_and_shared_across_models():
    task = load_task(TASKS / "sum_json")
    strong, _, _ = task_steps(task, None, profile("synthetic-strong"), P)
    weak, _, _ = task_steps(task, None, profile("synthetic-weak"), P)
    a = decide(7, task.id, strong, P)
    assert [o.u for o in a] == [o.u for o in decide(7, task.id, strong, P)]
    assert [o.u for o in a] == [o.u for o in decide(7, task.id, weak, P)]
    assert [o.u for o in a] != [o.u for o in decide(8, task.id, strong, P)]
    for seed in range(200):  # coupling: whatever the weak profile gets right, so does strong
        w = decide(seed, task.id, weak, P)
        s = decide(seed, task.id, strong, P)
        assert all(so.ok for so, wo in zip(s, w, strict=True) if wo.ok)


def test_failure_mode_weights_follow_the_weakest_primitive():
    assert P.mode_weights("follow.format")["malformed_format"] > P.mode_weights(
        "follow.format")["wrong_name"]
    assert P.mode_weights("gen.text.long")["partial_output"] == 4
    assert P.mode_weights(None) == P.mode_default


# -- failure modes ---------------------------------------------------------------------


def test_wrong_name():
    assert replay.wrong_name("total.json") == "total_output.json"
    assert replay.wrong_name("out/report.csv") == "out/report_output.csv"
    assert replay.wrong_name(".env") == ".env_output"
    assert replay.wrong_name("README") == "README_output"


def test_truncate_keeps_whole_lines():
    assert replay.truncate(b"a\nb\nc\nd\n") == b"a\nb\n"
    assert replay.truncate(b'{"total": 60}\n') == b'{"total'
    assert replay.truncate(b"\x00\x01\x02\x03") == b"\x00\x01"


def test_malform():
    assert replay.malform("t.json", b'{"a": 1}') == b'```json\n{"a": 1}\n```\n'
    md = replay.malform("r.md", b"# Title\n\n- one\n- two\n").decode()
    assert md.startswith("```markdown\nTitle\n") and "- one" not in md
    blob = b"%PDF-1.4\x00\x01binary"
    assert base64.b64decode(replay.malform("m.pdf", blob)) == blob


def test_damage_modes():
    outs = {"a.csv": b"x\n" * 10, "b.json": b'{"k": 1}\n'}
    wrong = replay.damage("wrong_name", outs, ["old.csv"])
    assert sorted(wrong.writes) == ["a_output.csv", "b_output.json"]
    assert wrong.deletes == ["old.csv"]
    part = replay.damage("partial_output", outs, ["old.csv"])
    assert part.writes == {"a.csv": b"x\n" * 7} and part.dropped == ["b.json"]
    assert part.deletes == []
    bad = replay.damage("malformed_format", outs, [])
    assert all(v.startswith(b"```") for v in bad.writes.values())
    assert replay.damage("wrong_name", {}, []).mode == "no_output"
    cmd = replay.ops_command(wrong.ops, wrong.deletes)
    assert "cp .sim/scratch/a.csv a_output.csv" in cmd and replay.remove("old.csv") in cmd
    assert "rm -f" not in cmd  # Codex's exec policy refuses it


def test_remove_takes_files_folders_and_missing_paths(tmp_path):
    (tmp_path / "d" / "e").mkdir(parents=True)
    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "link").symlink_to(tmp_path / "gone")
    for name in ("d", "f.txt", "link", "missing"):
        res = subprocess.run(["bash", "-c", replay.remove(name)], cwd=tmp_path, check=False)
        assert res.returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_damage_ops_reproduce_the_expected_bytes(tmp_path):
    """The shell operations of a failure give exactly the bytes damage() says."""
    import subprocess

    scratch = tmp_path / ".sim" / "scratch"
    (scratch / "sub").mkdir(parents=True)
    outs = {"sub/a.txt": b"one\ntwo\nthree\nfour\n", "z.bin": bytes(range(256)) * 3}
    for rel, data in outs.items():
        (scratch / rel).write_bytes(data)
    for mode in ("wrong_name", "partial_output", "malformed_format"):
        dmg = replay.damage(mode, outs, [])
        subprocess.run(["sh", "-c", replay.ops_command(dmg.ops, [])], cwd=tmp_path, check=True)
        for op in dmg.ops:
            if op.kind == "write":
                (tmp_path / op.target).write_bytes(op.data)
        for target, expected in dmg.writes.items():
            assert (tmp_path / target).read_bytes() == expected, (mode, target)


def test_reference_discovery():
    assert replay.find_reference(TASKS / "no_reference") is None
    run = replay.find_reference(TASKS / "sum_json")
    assert run.kind == "run.sh" and [f[0] for f in run.files] == ["run.sh"]
    acts = replay.find_reference(TASKS / "error_report")
    assert acts.kind == "actions" and acts.labels == ["extract", "summarize"]
    harbor = replay.find_reference(TASKS / "harbor_style")
    assert harbor.kind == "solve.sh" and b"./greeting.txt" in harbor.files[0][1]


def test_bad_actions_file(tmp_path):
    ref = tmp_path / "REFERENCE"
    ref.mkdir()
    (ref / "actions.json").write_text('[{"tool": "rm_rf", "args": {}}]')
    with pytest.raises(SkillIRError, match="item 0"):
        replay.find_reference(tmp_path)
