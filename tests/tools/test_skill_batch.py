"""skill-batch: many skills in one run, output folders side by side, one summary, failed
skills never stop the batch."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from skillir.tools.skill_batch import collect_skills, main, output_names

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "skills"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLIR_CACHE", str(tmp_path / "cache"))


def _skills(tmp_path: Path) -> Path:
    """Two example skills, one skill whose name cannot be a folder, and a second
    `merge-pdfs` in another parent (same folder name)."""
    root = tmp_path / "in"
    shutil.copytree(EXAMPLES / "merge-pdfs", root / "a" / "merge-pdfs")
    shutil.copytree(EXAMPLES / "webapp-testing", root / "a" / "webapp-testing")
    shutil.copytree(EXAMPLES / "merge-pdfs", root / "b" / "merge-pdfs")
    evil = root / "b" / "evil"
    evil.mkdir(parents=True)
    (evil / "SKILL.md").write_text("---\nname: ../../evil\ndescription: x\n---\n# Evil\n\n1. Do it.\n")
    return root


def test_a_folder_is_searched_and_outputs_sit_side_by_side_with_one_summary(tmp_path, capsys):
    root = _skills(tmp_path)
    out = tmp_path / "out"
    code = main([str(root), "--target=claude-code/opus-4.6", "-o", str(out), "--no-validate"])
    assert code == 1  # one skill failed
    summary = json.loads((out / "summary.json").read_text())
    rows = {r["name"]: r for r in summary["results"]}
    assert sorted(rows) == ["evil", "merge-pdfs", "merge-pdfs-2", "webapp-testing"]
    assert summary["skills"] == 4 and summary["ok"] == 3 and summary["failed"] == 1
    assert rows["evil"]["status"] == "failed" and "unsafe skill name" in rows["evil"]["error"]
    assert "\n" not in rows["evil"]["error"]
    for name in ("merge-pdfs", "merge-pdfs-2", "webapp-testing"):
        assert rows[name]["status"] == "ok", rows[name]
        report = json.loads((out / name / "compile-report.json").read_text())
        assert report["target"] == "claude-code/opus-4.6"
        assert (out / name / ".claude" / "skills" / report["skill"] / "SKILL.md").is_file()
    assert not (out / "evil").exists()
    err = capsys.readouterr().err
    assert "3 ok, 1 failed of 4 skills" in err and "unsafe skill name" in err


def test_list_files_paths_and_duplicates(tmp_path):
    listing = tmp_path / "skills.txt"
    listing.write_text(f"# the examples\n{EXAMPLES / 'merge-pdfs'}\n\n{EXAMPLES / 'networkx' / 'SKILL.md'}\n")
    found = collect_skills([f"@{listing}", str(EXAMPLES / "merge-pdfs" / "SKILL.md")])
    assert [p.parent.name for p in found] == ["merge-pdfs", "networkx"]  # each skill once
    assert output_names([Path("x/a b/SKILL.md"), Path("y/a b/SKILL.md"), Path("z/ok/SKILL.md")]) == \
        ["a b", "a b-2", "ok"]


def test_analyses_only_counts_agree_between_one_and_two_workers(tmp_path):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert main([str(EXAMPLES), "--analyses-only", "--summary", str(first), "-q"]) == 0
    assert main([str(EXAMPLES), "--analyses-only", "-j", "2", "--summary", str(second), "-q"]) == 0
    one, two = json.loads(first.read_text()), json.loads(second.read_text())
    assert one["mode"] == "analyses-only" and one["skills"] == len(list(EXAMPLES.glob("*/SKILL.md"))) == 6
    assert two["workers"] == 2
    strip = [{k: v for k, v in r.items() if k != "ms"} for r in one["results"]]
    assert strip == [{k: v for k, v in r.items() if k != "ms"} for r in two["results"]]
    counts = {r["name"]: r["counts"] for r in one["results"]}
    assert counts["merge-pdfs"]["steps"] == 3 and counts["merge-pdfs"]["dependencies"] == 1
    assert counts["multi-service-debug"]["parallel_groups"] > 0
    census = {r["name"]: r["census"] for r in one["results"]}  # the census's own record
    assert census["merge-pdfs"]["steps"] == 3 and census["merge-pdfs"]["type"] == "procedural"
    assert census["multi-service-debug"]["parallel"] and "security" in census["merge-pdfs"]


def test_bad_arguments_are_one_line_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), "--analyses-only"]) == 2
    assert "no such skill" in capsys.readouterr().err
    assert main([str(EXAMPLES / "merge-pdfs")]) == 2  # compiling writes folders: -o needed
    assert "-o DIR" in capsys.readouterr().err
    copy = tmp_path / "merge-pdfs"
    shutil.copytree(EXAMPLES / "merge-pdfs", copy)
    assert main([str(copy), "-o", str(copy / "out")]) == 2
    assert "lies inside the input" in capsys.readouterr().err
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("x")
    assert main([str(copy), "-o", str(tmp_path / "full")]) == 2
    assert "already exists" in capsys.readouterr().err
    # a model without a profile fails once, before any skill, and writes nothing
    assert main([str(copy), "--target=codex/no-such-model", "-o", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert err.count("no capability profile for model 'no-such-model'") == 1 and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "none").exists()


def test_max_growth_percent_caps_every_compile_of_the_batch(tmp_path):
    """--max-growth-percent reaches every compile, as in skill-opt: with 0 the small
    example keeps all its notes, with 2 it stays within 2% of its characters (what
    outline-references moved out of it is not counted as growth)."""
    root = tmp_path / "in"
    shutil.copytree(EXAMPLES / "webapp-testing", root / "webapp-testing")
    sizes = {}
    for cap in ("0", "2"):
        out = tmp_path / f"out{cap}"
        assert main([str(root), "--target=bare-agent/qwen3.5-9b", "-o", str(out), "--no-validate", "-q",
                     "--max-growth-percent", cap]) == 0
        sizes[cap] = len((out / "webapp-testing" / "skills" / "webapp-testing" / "SKILL.md").read_text())
    before = len((root / "webapp-testing" / "SKILL.md").read_text())
    assert sizes["2"] <= before * 1.02 and sizes["2"] < sizes["0"]
