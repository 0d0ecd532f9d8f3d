"""The 26 profiler generators: deterministic per seed, one per catalog primitive, and for
every primitive and level the reference solution, run through the bare-agent tools in the
real sandbox, passes its grader (run as the task's python-grade criterion, sandboxed) with
1.0; an empty workspace scores 0; and each failure the simulated model acts out
(wrong_name, partial_output, malformed_format applied to the reference's outputs) fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skillir.bench.graders import GradeContext, grade_task
from skillir.bench.task import load_task
from skillir.errors import SkillIRError
from skillir.profiler.generators import MODULES, generate
from skillir.profiler.instance import grade_in_process
from skillir.profiles.catalog import catalog
from skillir.runtime.providers.base import ToolCall
from skillir.runtime.replay import changes, damage, snapshot
from skillir.runtime.sandbox import Sandbox
from skillir.runtime.tools import BARE_AGENT_TOOLS, ToolExecutor

CASES = [(p, lv) for p in MODULES for lv in (1, 2, 3)]


def test_one_generator_per_catalog_primitive() -> None:
    assert sorted(MODULES) == sorted(catalog().ids)
    assert len(MODULES) == 26
    for pid, name in MODULES.items():
        assert name == pid.replace(".", "_")
        assert (Path(__file__).resolve().parents[2] / "skillir" / "profiler" / "generators"
                / f"{name}.py").is_file()


@pytest.mark.parametrize(("prim", "level"), CASES)
def test_deterministic_per_seed(prim: str, level: int) -> None:
    a, b = generate(prim, level, 7), generate(prim, level, 7)
    assert a == b
    assert a.id == f"{prim.replace('.', '-')}-L{level}-s7"
    prompts = {generate(prim, level, s).task_data()["prompt"] + json.dumps(
        generate(prim, level, s).files, sort_keys=True) for s in range(6)}
    assert len(prompts) >= 2  # seeds make different instances


def test_bad_level_and_primitive_are_one_line_errors() -> None:
    with pytest.raises(SkillIRError, match="level must be 1, 2 or 3"):
        generate("tool.exec", 4, 0)
    with pytest.raises(SkillIRError, match="no profiler generator"):
        generate("tool.nope", 1, 0)


def _run_reference(inst, ws: Path) -> None:
    sb = Sandbox(ws)
    sb.adopt()
    ex = ToolExecutor(sb, tools=BARE_AGENT_TOOLS)
    for i, action in enumerate(inst.reference):
        res = ex.execute(ToolCall(id=f"r{i}", name=action["tool"], arguments=action["args"]))
        assert not res.is_error, (inst.id, action, res.content)


@pytest.mark.parametrize(("prim", "level"), CASES)
def test_reference_passes_in_the_sandbox_and_empty_fails(prim: str, level: int,
                                                          tmp_path: Path) -> None:
    inst = generate(prim, level, 0)
    ws = tmp_path / "ws"
    ws.mkdir()
    task = load_task(inst.write_task(tmp_path / "tasks"))
    empty = grade_task(GradeContext(task=task, workspace=ws, transcript=[]))
    assert empty.score == 0.0 and not empty.passed, empty
    task.materialize(ws)
    before = snapshot(ws)
    _run_reference(inst, ws)
    graded = grade_task(GradeContext(task=task, workspace=ws, transcript=[]))
    assert graded.score == 1.0, [c.details for c in graded.criteria]
    assert not graded.infra_errors
    # every failure mode of the simulated model fails the grader
    diff = changes(before, snapshot(ws))
    outputs = {rel: (ws / rel).read_bytes() for rel in diff.written}
    assert outputs, "the reference must produce output files"
    for mode in ("wrong_name", "partial_output", "malformed_format"):
        dmg = damage(mode, outputs, list(diff.deleted))
        bad = tmp_path / f"bad-{mode}"
        shutil.copytree(ws, bad)
        for rel in outputs:
            (bad / rel).unlink()
        for rel, data in dmg.writes.items():
            (bad / rel).parent.mkdir(parents=True, exist_ok=True)
            (bad / rel).write_bytes(data)
        ok, why = grade_in_process(inst, bad)
        assert not ok, (mode, dmg.describe())
        assert why
