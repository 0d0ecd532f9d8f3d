"""The JIT's harness IR rewrite: promoted candidates as harness.script ops, persisted."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from skillir.dialects.harness import ProgramOp, ScriptOp
from skillir.ir import parse_module, verify_module
from skillir.jit.candidates import from_skill
from skillir.jit.rewrite import PROGRAM, refresh_program, solidified_program, write_program
from skillir.jit.store import Entry
from skillir.xdsl_compat.walk import walk_ops

SKILL = Path(__file__).resolve().parents[1] / "data" / "sim_skills" / "sum-script"
SHAPE = "add up the amount column of <file.csv>"


def _entry(tmp_path: Path, model: str = "sim/qwen3.5-9b") -> Entry:
    entry = Entry(tmp_path / "entry", "sum-script", "0" * 64, model, "bare-agent")
    entry.candidates = from_skill(SKILL)
    entry.folder.mkdir()
    return entry


def _scripts(module) -> list[ScriptOp]:
    return [op for op in walk_ops(module) if isinstance(op, ScriptOp)]


def test_a_promoted_code_block_replaces_the_step_that_holds_it(tmp_path):
    entry = _entry(tmp_path)
    (cand,) = entry.candidates
    assert solidified_program(SKILL, entry) is None  # nothing promoted: no program
    cand.state, cand.shapes = "promoted", [SHAPE]
    module = solidified_program(SKILL, entry)
    (script,) = _scripts(module)
    assert script.step is not None and script.step.root_reference.data == "step_1"
    assert [s.data for s in script.shapes] == [SHAPE]
    assert script.path.data == f"jit/{cand.id}.py" and "${file" in script.body.data
    (program,) = [op for op in walk_ops(module) if isinstance(op, ProgramOp)]
    assert (program.harness.data, program.model.data) == ("bare-agent", "sim/qwen3.5-9b")
    path = write_program(entry.folder, module)
    assert path == entry.folder / PROGRAM
    again = parse_module(path.read_text(encoding="utf-8"), str(path))  # the text round-trips
    verify_module(again)
    assert [op.path.data for op in _scripts(again)] == [script.path.data]


def test_demotion_takes_the_script_out_and_the_file_with_it(tmp_path):
    entry = _entry(tmp_path)
    (cand,) = entry.candidates
    cand.state, cand.shapes = "promoted", [SHAPE]
    assert refresh_program(SKILL, entry) == entry.folder / PROGRAM
    cand.state = "demoted"
    assert refresh_program(SKILL, entry) is None
    assert not (entry.folder / PROGRAM).exists()


def test_a_model_without_a_profile_still_gets_its_program(tmp_path):
    entry = _entry(tmp_path, model="sim/synthetic-strong")
    entry.candidates[0].state = "promoted"
    module = solidified_program(SKILL, entry)
    (program,) = [op for op in walk_ops(module) if isinstance(op, ProgramOp)]
    assert program.model.data == "sim/synthetic-strong" and len(_scripts(module)) == 1


def test_a_skill_that_cannot_be_lowered_leaves_a_warning_not_an_error(tmp_path, caplog):
    broken = tmp_path / "broken"
    shutil.copytree(SKILL, broken)
    (broken / "SKILL.md").unlink()  # the skill was moved away since the run
    entry = _entry(tmp_path)
    entry.candidates[0].state = "promoted"
    with caplog.at_level(logging.WARNING, logger="skillir.jit"):
        assert refresh_program(broken, entry) is None
    assert "program.mlir not written" in entry.warnings[-1]
    assert "was not written" in caplog.text and not (entry.folder / PROGRAM).exists()
