"""render_mermaid / render_png read the conc.graph of a module (built or parsed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillir.concurrency.render import render_mermaid, render_png
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.ir import parse_module, print_module
from skillir.pipeline import PassManager

DATA = Path(__file__).resolve().parents[1] / "data" / "concurrency_skills"


def compiled(name: str, harness: str):
    module = load_skill(DATA / name)
    PassManager.from_spec(f"extract-concurrency{{harness={harness}}}").run(module)
    return module


def test_mermaid_shows_groups_edges_and_critical_path():
    text = render_mermaid(compiled("multi-service-debug", "bare-agent"))
    assert text.startswith("# Workflow DAG: multi-service-debug")
    assert "```mermaid\nflowchart TD" in text
    assert 'subgraph g0["ILP · parallel tool calls in one turn · parallel"]' in text
    assert "subgraph g1[\"DLP · xargs -P · parallel\"]" in text
    assert "TLP · sequential_execution · sequential on this harness" in text
    assert "style g2 stroke-dasharray: 5 5" in text
    assert "t4 -.->|then, on bare-agent| t5" in text
    assert "t6 -->|database.md| t7" in text
    assert "class t2,t3,t4,t5,t6,t7 critical" in text
    assert "| g2 | TLP | 3→4 ∥ 5→6 | sequential_execution | sequential: bare-agent cannot run sub-agents" in text


def test_mermaid_is_deterministic_and_reads_parsed_ir():
    module = compiled("lint-checker", "claude-code")
    text = render_mermaid(module)
    assert render_mermaid(parse_module(print_module(module))) == text
    assert "No parallel group" not in text


def test_sequential_skill_says_so():
    module = load_skill(Path(__file__).resolve().parents[1] / "filecheck" / "inputs" / "merge-pdfs")
    PassManager.from_spec("extract-concurrency").run(module)
    assert "No parallel group: the steps run in document order." in render_mermaid(module)


def test_render_without_graph_is_a_clear_error(tmp_path):
    module = load_skill(DATA / "cli-debug")
    with pytest.raises(SkillIRError, match="no workflow graph"):
        render_mermaid(module)
    with pytest.raises(SkillIRError, match="extract-concurrency"):
        render_png(module, tmp_path / "x.png")


def test_png_is_written_headless(tmp_path):
    pytest.importorskip("matplotlib")
    target = tmp_path / "out" / "dag.png"
    render_png(compiled("test-suites", "hermes"), target)
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
