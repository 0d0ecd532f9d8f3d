"""The filecheck suite keeps its shape (STYLE.md, pattern 5): one test file per pass that
feeds hand-written IR to that pass alone, runs from skill folders apart in e2e/, and a
custom plus generic round trip for every dialect."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from skillir.dialects import get_all_dialects
from skillir.passes import get_all_passes

FILECHECK = Path(__file__).resolve().parent / "filecheck"
TRANSFORMS = FILECHECK / "transforms"
PASSES = sorted(get_all_passes())


def run_lines(path: Path) -> list[str]:
    return [line.split("RUN:", 1)[1].strip() for line in path.read_text().splitlines() if "RUN:" in line]


def pipeline_passes(spec: str) -> list[str]:
    """Pass names of a `-p` value: `a,b{x=1 y=2}` or `builtin.module(a,b)`."""
    spec = re.sub(r"^builtin\.module\((.*)\)$", r"\1", spec.strip())
    depth, names, current = 0, [], ""
    for ch in spec:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            names.append(current)
            current = ""
        else:
            current += ch
    names.append(current)
    return [name.split("{", 1)[0].strip() for name in names]


def skill_opt_calls(run: str) -> list[list[str]]:
    """The argument lists of every `skill-opt` call in a RUN line."""
    words = shlex.split(run)
    calls, current = [], None
    for word in words:
        if word == "skill-opt":
            current = []
            calls.append(current)
        elif word in ("|", "&&", "||", ";") or re.match(r"^\d?>", word):
            current = None
        elif current is not None:
            current.append(word)
    return calls


def test_every_pass_has_one_filecheck_file_and_no_file_is_stale():
    files = sorted(p.stem for p in TRANSFORMS.glob("*.mlir"))
    assert files == PASSES


@pytest.mark.parametrize("name", PASSES)
def test_pass_tests_feed_hand_written_ir_to_that_pass_alone(name):
    path = TRANSFORMS / f"{name}.mlir"
    runs = run_lines(path)
    assert runs, f"{path.name} has no RUN line"
    calls = [call for run in runs for call in skill_opt_calls(run)]
    assert len(calls) >= len(runs)
    for call in calls:
        # the input is this file (or, piped, a sed-edited copy of it): never a skill folder
        inputs = [w for w in call if not w.startswith("-") and w not in ("'", '"')]
        pipelines = [call[i + 1] for i, w in enumerate(call[:-1]) if w in ("-p", "--pass-pipeline")]
        pipelines += [w.split("=", 1)[1] for w in call if w.startswith("--pass-pipeline=")]
        positional = [w for w in inputs if w not in pipelines and not _is_option_value(call, w)]
        assert positional in (["%s"], []), f"{path.name}: skill-opt reads {positional}, not %s"
        if not positional:
            assert any("%s" in run and "|" in run for run in runs)
        for spec in pipelines:
            assert set(pipeline_passes(spec)) == {name}, f"{path.name}: '{spec}' runs other passes"


def _is_option_value(call: list[str], word: str) -> bool:
    index = call.index(word)
    return index > 0 and call[index - 1] in ("-p", "--pass-pipeline", "-t", "-o", "--target")


def test_e2e_tests_are_apart_and_run_from_skill_folders():
    e2e = sorted(FILECHECK.glob("e2e/*.test"))
    assert len(e2e) >= 4
    for path in e2e:
        runs = run_lines(path)
        assert runs and all("%s " not in run.split("|", 1)[0] for run in runs if "skill-opt" in run)
        assert any("%S/../../data/" in run or "%inputs/" in run for run in runs), path.name


@pytest.mark.parametrize("dialect", sorted(get_all_dialects()))
def test_every_dialect_round_trips_through_the_lit_substitutions(dialect):
    folder = FILECHECK / "dialects" / dialect
    assert (folder / "invalid.mlir").is_file()
    runs = run_lines(folder / "ops.mlir")
    assert "SKILL_ROUNDTRIP | filecheck %s" in runs
    assert "SKILL_GENERIC_ROUNDTRIP | filecheck %s" in runs


def test_pipeline_passes_reads_options_and_the_module_wrapper():
    assert pipeline_passes("a,b{x=1 y=c,d},c") == ["a", "b", "c"]
    assert pipeline_passes("builtin.module(a{z=1})") == ["a"]
    assert skill_opt_calls("not skill-opt %s -p 'a{x=1}' 2>&1 | filecheck %s") == [["%s", "-p", "a{x=1}"]]
    assert skill_opt_calls("skill-opt DIR -p a 2>/dev/null | skill-opt | filecheck %s") == [["DIR", "-p", "a"], []]
