"""compile-report.json and workflow-dag.md are computed from the lowered IR at emission:
the harness program holds typed record ops, not JSON or mermaid strings, so a program
printed and parsed back emits the same files; harness ops name steps by symbol."""

from __future__ import annotations

import json
from pathlib import Path

from xdsl.dialects.builtin import StringAttr, SymbolRefAttr

from skillir.backends import get_folder_backends
from skillir.concurrency.render import render_mermaid
from skillir.dialects.harness import BatchOp, CallOp, GuardOp, ProgramOp, SubagentOp, step_number
from skillir.dialects.skill import StepOp
from skillir.frontend.skill_md import load_skill
from skillir.ir import parse_module, print_module
from skillir.passes.lower_to_harness import harness_legality
from skillir.pipeline import PassManager, stage_passes
from skillir.target import Target

SKILL = Path(__file__).resolve().parents[1] / "data" / "concurrency_skills" / "multi-service-debug"


def _compiled(stage: str, target: str = "claude-code/opus-4.6"):
    module = load_skill(SKILL)
    PassManager(stage_passes(stage, Target.parse(target), probe=False)).run(module)
    return module


def _emit(module, out: Path) -> tuple[dict, str]:
    (report,) = get_folder_backends()["claude-code"]()(module, out, {"validate": False})
    dag = (out / report["skill_dir"] / "workflow-dag.md").read_text(encoding="utf-8")
    return json.loads((out / "compile-report.json").read_text(encoding="utf-8")), dag


def test_the_program_holds_no_json_or_mermaid_text():
    module = _compiled("harness")
    (program,) = [op for op in module.ops if isinstance(op, ProgramOp)]
    assert "report" not in program.properties and "dag" not in program.properties
    texts = [a.data for op in program.walk() for a in op.properties.values() if isinstance(a, StringAttr)]
    assert texts, "the program has string properties to look at"
    assert not [t for t in texts if t.lstrip().startswith(("{\"", "```mermaid", "# Workflow DAG"))]


def test_the_dag_and_report_come_from_the_records(tmp_path):
    before = render_mermaid(_compiled("conc"))  # what the conc.graph itself draws
    report, dag = _emit(_compiled("harness"), tmp_path / "a")
    assert dag == before
    kinds = [(g["kind"], g["status"], g["steps"]) for g in report["parallel_groups"]]
    assert kinds == [("ilp", "parallel", [1, 2]), ("dlp", "parallel", [2]), ("tlp", "parallel", [3, 4, 5, 6])]
    assert all(g["hint"].startswith("> **Parallel (SkillIR):**") for g in report["parallel_groups"])
    # (the PostgreSQL database its description names: an optional service)
    assert [(d["name"], d["optional"]) for d in report["dependencies"]] == \
        [("curl", False), ("kubectl", False), ("psql", False), ("postgresql", True)]
    assert report["profile"]["model"] == "opus-4.6" and report["requirements"] > 0
    # (its steps write seven files: tool.file.write 3, "many files", a skill-wide demand)
    assert [(g["primitive"], g["step"]) for g in report["gaps"]] == \
        [("tool.file.write", None), ("reason.analysis", 4), ("reason.analysis", 7)]
    assert all(g["rule"] and g["rule"] != "learned" for g in report["gaps"])  # which rule found each
    assert report["workflow"]["critical_path"] == [2, 3, 4, 7]


def test_a_gap_names_the_rule_that_found_its_requirement(tmp_path):
    """analyze-gaps copies the requirement's rule onto its gap and lowering onto the
    `harness.gap` record, so the report can say which gaps rest on the learned second
    opinion (`rule = "learned"`) rather than on a rule."""
    module = _compiled("harness")
    gaps = [op for op in module.walk() if op.name == "harness.gap"]
    assert gaps and all(op.rule is not None for op in gaps)
    gaps[0].properties["rule"] = StringAttr("learned")
    report, _ = _emit(parse_module(print_module(module)), tmp_path / "a")  # (and it round-trips)
    assert [g["rule"] == "learned" for g in report["gaps"]] == [True] + [False] * (len(gaps) - 1)


def test_a_whole_compile_growth_cap_leaves_hints_out_and_says_so(tmp_path):
    """--max-growth-percent caps the whole compile: with 2% no hint fits, SKILL.md stays
    within 2% of the original and every kept group says why it has no hint."""
    module = load_skill(SKILL)
    before = len((SKILL / "SKILL.md").read_text(encoding="utf-8"))
    PassManager(stage_passes("harness", Target.parse("claude-code/opus-4.6"), probe=False,
                             max_growth_percent=2)).run(module)
    report, _ = _emit(module, tmp_path / "a")
    kept = [g for g in report["parallel_groups"] if g["status"] == "parallel"]
    assert kept and all("hint" not in g and g["hint_skipped"].startswith("no hint") for g in kept)
    compiled = (tmp_path / "a" / report["skill_dir"] / "SKILL.md").read_text(encoding="utf-8")
    assert "Parallel (SkillIR)" not in compiled and len(compiled) <= before * 1.02


def test_a_printed_and_parsed_program_emits_the_same_files(tmp_path):
    module = _compiled("harness")
    reparsed = parse_module(print_module(module, debuginfo=True))  # lines are locations
    first, dag = _emit(module, tmp_path / "a")
    second, dag_again = _emit(reparsed, tmp_path / "b")
    assert dag_again == dag
    assert first == second


def test_harness_ops_name_steps_by_symbol():
    module = _compiled("harness")
    steps = [op for op in module.walk() if isinstance(op, StepOp)]
    assert [s.sym_name.data for s in steps] == [f"step_{n}" for n in range(1, len(steps) + 1)]
    named = [step_number(op.step) for op in module.walk() if isinstance(op, CallOp | GuardOp)]
    assert named and all(n is not None and 1 <= n <= len(steps) for n in named)
    groups = [[step_number(r) for r in op.steps.data] for op in module.walk() if isinstance(op, BatchOp | SubagentOp)]
    assert groups == [[1, 2], [2], [3, 4], [5, 6]]
    assert harness_legality(module) == []


def test_legality_reports_a_step_reference_that_names_no_step():
    module = _compiled("harness")
    call = next(op for op in module.walk() if isinstance(op, CallOp))
    call.properties["step"] = SymbolRefAttr("step_99")
    assert harness_legality(module) == [
        "'harness.call' names @step_99, no step of program 'multi-service-debug'"]
