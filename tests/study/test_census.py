"""skill-census: one record per skill (streamed), unreadable skills counted not fatal,
resumable after a crash, the summary consistent with the records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corpus_paths import ROOT
from skillir.study.census import census_record, read_records, skill_type, summarize
from skillir.tools import skill_census

EXAMPLES = ROOT / "examples" / "skills"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("census")
    for skill in ("merge-pdfs", "multi-service-debug", "systematic-debugging", "networkx"):
        shutil.copytree(EXAMPLES / skill, root / "good" / skill)
    bad = root / "bad" / "broken"
    bad.mkdir(parents=True)
    (bad / "SKILL.md").write_text("---\nname: [unclosed\n")
    return root


def test_record_reads_the_compilers_own_analyses(corpus):
    rec = census_record(corpus / "good" / "merge-pdfs", corpus)
    assert rec["id"] == "good/merge-pdfs" and rec["name"] == "merge-pdfs"
    assert rec["type"] == "procedural" and rec["procedural"] and rec["code_like"]
    assert rec["dependencies"].get("pip", 0) >= 1  # pypdf
    assert rec["requirements"]["tool.exec"] >= 1
    debug = census_record(corpus / "good" / "multi-service-debug", corpus)
    assert debug["parallel"], debug  # its independent investigations are a parallel group


def test_an_unreadable_skill_is_a_record_with_its_reason(corpus):
    rec = census_record(corpus / "bad" / "broken", corpus)
    assert set(rec) == {"schema", "id", "error"} and "front matter" in rec["error"]


def test_two_workers_give_the_records_of_one(corpus):
    from skillir.study.census import census_records, find_skills

    skills = find_skills(corpus)
    one = sorted(census_records(skills, corpus), key=lambda r: r["id"])
    two = sorted(census_records(skills, corpus, jobs=2, chunksize=1), key=lambda r: r["id"])
    assert two == one and len(one) == 5


def test_the_warm_up_runs_the_census_path_on_the_bundled_skill(monkeypatch):
    from skillir.study import census

    seen = []
    monkeypatch.setattr(census, "census_record", lambda skill, root: seen.append(skill) or {})
    census.warm_up()
    assert [p.name for p in seen] == ["warmup-report"]


@pytest.mark.parametrize("steps, code, tables, kind", [
    (6, 2, 0, "procedural"), (1, 5, 0, "tool-reference"), (2, 1, 3, "tool-reference"),
    (0, 0, 0, "generative"), (2, 0, 0, "generative"),
])
def test_skill_type_rule(steps, code, tables, kind):
    assert skill_type(steps, code, tables) == kind


def test_cli_streams_resumes_and_summarizes(corpus, tmp_path, capsys):
    out = tmp_path / "census.jsonl"
    assert skill_census.main([str(corpus), "-o", str(out), "--quiet"]) == 0
    first = read_records(out)
    assert sorted(r["id"] for r in first) == ["bad/broken", "good/merge-pdfs",
                                              "good/multi-service-debug", "good/networkx",
                                              "good/systematic-debugging"]
    assert "5 skills, 4 analysed, 1 unreadable" in capsys.readouterr().out
    assert skill_census.main([str(corpus), "-o", str(out)]) == 2  # exists: refused
    assert "--resume" in capsys.readouterr().err
    # a crash after three records, the fourth cut short
    lines = out.read_text().splitlines(keepends=True)
    out.write_text("".join(lines[:3]) + lines[3][:20])
    summary_file = tmp_path / "summary.json"
    assert skill_census.main([str(corpus), "-o", str(out), "--resume", "--quiet", "-j", "2",
                              "--summary", str(summary_file)]) == 0
    again = read_records(out)
    assert sorted(r["id"] for r in again) == sorted(r["id"] for r in first)
    assert len(out.read_text().splitlines()) == 5
    summary = json.loads(summary_file.read_text())
    assert summary["run"] == {**summary["run"], "new": 2, "resumed": 3}
    assert summary == {**summarize(again), "run": summary["run"]}
    capsys.readouterr()
    assert skill_census.main(["--report", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["analysed"] == 4 and sum(v["count"] for v in report["types"].values()) == 4


def test_summary_counts():
    recs = [{"id": "a", "type": "procedural", "procedural": True, "code_like": True,
             "requirements": {"tool.exec": 2}, "dependencies": {"pip": 2}, "parallel": {"dlp": 1},
             "security": {"danger": 1}},
            {"id": "b", "type": "generative", "procedural": False, "code_like": False,
             "requirements": {"tool.exec": 1, "gen.text": 1}, "dependencies": {},
             "parallel": {}, "security": {}},
            {"id": "c", "error": "bad"}]
    s = summarize(recs)
    assert (s["skills"], s["analysed"], s["errors"]) == (3, 2, 1)
    assert s["demand"]["tool.exec"] == {"skills": 2, "share": 1.0, "levels": {"L1": 1, "L2": 1}}
    assert s["dependencies"] == {"pip": {"total": 2, "skills": 1}}
    assert s["security"]["share"] == 0.5 and s["parallel"]["skills_with_any"] == 1
