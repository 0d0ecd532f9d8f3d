"""Properties of extract-concurrency over generated skills: the IR verifies and is
legal for every harness, the markdown is unchanged, groups are well formed, and without
any parallel wording, fan-in or per-item work there is no group at all."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from skillir.backends.markdown import emit
from skillir.concurrency.build import read_graph
from skillir.dialects.conc import GraphOp
from skillir.frontend.skill_md import parse_markdown
from skillir.harnesses import harness_names
from skillir.pipeline import PassManager

PLAIN = [
    "Read `config.yaml` and note the port.",
    "Run `pytest -q` and fix the first failure.",
    "Write the summary to `summary.md`.",
    "Check the service status with `systemctl status app`.",
    "Then restart the service.",
    "Review the diff and commit it.",
    "Install the dependencies with `pip install -r requirements.txt`.",
    "Open `report.html` in a browser.",
    "Ask the user which option they prefer.",
    "Compare `a.json` with `b.json` and list the differences.",
]
PARALLEL = [
    "Count the lines in each log file under `logs/`.",
    "Run `ruff check src > ruff.json`.",
    "Run `mypy src > mypy.txt`.",
    "Merge `ruff.json` and `mypy.txt` into `lint.md`.",
    "Investigate the backend logs and write `backend.md`.",
    "Investigate the database and write `database.md`.",
]
INTROS = ["", "Do the following:\n\n", "Run these steps in parallel:\n\n", "Follow these steps in order:\n\n"]


@st.composite
def skills(draw, pool):
    parts = ["---\nname: gen\ndescription: generated\n---\n\n# Generated\n\n"]
    for section in range(draw(st.integers(1, 3))):
        parts.append(f"## Part {section + 1}\n\n")
        parts.append(draw(st.sampled_from(INTROS)))
        lines = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=5))
        parts.extend(f"{i + 1}. {line}\n" for i, line in enumerate(lines))
        parts.append("\n")
    return "".join(parts)


def _compile(text: str, harness: str):
    module = parse_markdown(text, label="gen/SKILL.md", folder_name="gen")
    PassManager.from_spec(f"extract-concurrency{{harness={harness}}}", verify_each=True).run(module)
    return module


@settings(max_examples=60, deadline=None)
@given(skills(PLAIN + PARALLEL), st.sampled_from(harness_names()))
def test_generated_skills_compile_to_legal_graphs(text, harness):
    module = _compile(text, harness)
    out = io.StringIO()
    emit(module, out)
    assert out.getvalue() == text
    graph = next(op for op in module.walk() if isinstance(op, GraphOp))
    view = read_graph(graph)
    assert 0 <= view.critical_cost <= view.total_cost
    assert 1.0 <= view.ideal_speedup <= view.max_speedup
    for group in view.groups:
        members = sorted(group.members)
        assert members == list(range(members[0], members[-1] + 1))
        if group.kind == "ilp":
            for member in group.members:
                assert not set(view.dag.deps[member]) & set(group.members)


@settings(max_examples=60, deadline=None)
@given(skills(PLAIN))
def test_no_cue_no_group(text):
    text = text.replace("Run these steps in parallel:\n\n", "")
    view = read_graph(next(op for op in _compile(text, "claude-code").walk() if isinstance(op, GraphOp)))
    assert view.groups == [] and view.ideal_speedup == 1.0
