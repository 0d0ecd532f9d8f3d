"""A census analyses each distinct skill once: verbatim copies (same files, same folder
name, no differing sibling skill named in them) reuse the first one's record; anything
that could change an analysis keeps a copy apart."""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import pytest

from skillir.study import copies
from skillir.study.census import census_record, census_records, group_records, summarize
from skillir.study.copies import (
    MAX_GROUP,
    candidate_groups,
    folder_digest,
    folder_words,
    irrelevant_names,
)
from skillir.tools import skill_census

SKILL = """---
name: tidy-report
description: Tidy a CSV report. Use when asked to clean a report.
---

# Tidy report

1. Run `python scripts/tidy.py data.csv > clean.csv`.
2. Run `xmllint --noout clean.xml` to check it.
3. Summarize `clean.csv` for the user.
"""


def _skill(folder: Path, text: str = SKILL) -> Path:
    (folder / "scripts").mkdir(parents=True)
    (folder / "SKILL.md").write_text(text)
    (folder / "scripts" / "tidy.py").write_text("import pandas\nprint(pandas.read_csv('data.csv'))\n")
    return folder


def _sibling(parent: Path, name: str) -> None:
    (parent / name).mkdir(parents=True)
    (parent / name / "SKILL.md").write_text(f"---\nname: {name}\ndescription: x\n---\n\nA skill.\n")


def test_candidates_share_the_folder_name_and_skill_md_size(tmp_path):
    a = _skill(tmp_path / "one" / "tidy-report")
    b = _skill(tmp_path / "two" / "tidy-report")
    c = _skill(tmp_path / "three" / "tidy-report", SKILL + "\nMore.\n")
    d = _skill(tmp_path / "one" / "other")
    assert candidate_groups([a, d, b, c]) == [[a, b], [d], [c]]
    many = [_skill(tmp_path / f"p{i}" / "tidy-report") for i in range(MAX_GROUP + 3)]
    assert candidate_groups(many) == [many[:MAX_GROUP], many[MAX_GROUP:]]  # one worker's task at most


def test_the_digest_sees_every_byte_name_and_executable_bit(tmp_path):
    a = _skill(tmp_path / "a" / "s")
    b = _skill(tmp_path / "b" / "s")
    assert folder_digest(a) == folder_digest(b) is not None
    (b / "scripts" / "tidy.py").write_text("import pandas\nprint(pandas.read_csv('data.tsv'))\n")
    assert folder_digest(a) != folder_digest(b)
    c = _skill(tmp_path / "c" / "s")
    os.chmod(c / "scripts" / "tidy.py", 0o755)
    assert folder_digest(a) != folder_digest(c)
    d = _skill(tmp_path / "d" / "s")
    (d / "scripts" / "tidy.py").rename(d / "scripts" / "tidy2.py")
    assert folder_digest(a) != folder_digest(d)
    e = _skill(tmp_path / "e" / "s")
    (e / "empty").mkdir()
    assert folder_digest(a) != folder_digest(e)


def test_a_folder_with_a_link_a_fifo_or_a_huge_file_is_never_compared(tmp_path, monkeypatch):
    a = _skill(tmp_path / "a" / "s")
    (a / "link.md").symlink_to(a / "SKILL.md")
    assert folder_digest(a) is None and folder_words(a) is None
    b = _skill(tmp_path / "b" / "s")
    os.mkfifo(b / "pipe")
    assert folder_digest(b) is None  # (never opened: a FIFO would block the read)
    c = _skill(tmp_path / "c" / "s")
    assert folder_digest(c) is not None
    monkeypatch.setattr(copies, "MAX_BUNDLED_FILE_BYTES", 40)  # tidy.py is over it
    assert folder_digest(c) is None and folder_words(c) is None
    assert not irrelevant_names({"anything"}, None)  # words unknown: every name matters


def test_a_sibling_name_matters_only_when_its_words_are_in_the_text(tmp_path):
    words = folder_words(_skill(tmp_path / "s"))
    assert {"csv", "xmllint", "tidy", "pandas", "clean"} <= words
    assert not irrelevant_names({"xmllint"}, words)  # a command the skill runs
    assert not irrelevant_names({"clean-csv", "clean_csv"}, words)  # any spelling of its words
    assert not irrelevant_names({"pandas"}, words)
    assert irrelevant_names({"pdf-merge", "docx"}, words)
    assert not irrelevant_names({"docx", "Tidy"}, words)
    assert not irrelevant_names({"zürich"}, words)  # anything but ASCII words: kept apart
    quoted = tmp_path / "q"
    quoted.mkdir()
    (quoted / "SKILL.md").write_text('Run f"o"o and `b\\ar`.\n')
    assert {"foo", "bar"} <= folder_words(quoted)


def test_a_copy_reuses_the_record_and_says_whose(tmp_path):
    first = _skill(tmp_path / "one" / "tidy-report")
    copy = _skill(tmp_path / "two" / "tidy-report")
    _sibling(tmp_path / "two", "pdf-merge")  # a sibling the skill never names
    records = group_records([first, copy], tmp_path)
    assert records[1].pop("copy_of") == "one/tidy-report"
    assert records[1]["id"] == "two/tidy-report"
    fresh = census_record(copy, tmp_path)
    assert records[1] == fresh and records[0] == {**fresh, "id": "one/tidy-report"}


def test_a_copy_beside_a_sibling_it_names_is_analysed_again(tmp_path):
    first = _skill(tmp_path / "one" / "tidy-report")
    copy = _skill(tmp_path / "two" / "tidy-report")
    _sibling(tmp_path / "two", "xmllint")  # here `xmllint` is a skill, not a program
    records = group_records([first, copy], tmp_path)
    assert "copy_of" not in records[1]
    assert records[1] == census_record(copy, tmp_path)
    assert records[0]["dependencies"].get("system", 0) == records[1]["dependencies"].get("system", 0) + 1


def test_a_changed_copy_and_an_unreadable_one_are_analysed(tmp_path):
    first = _skill(tmp_path / "one" / "tidy-report")
    changed = _skill(tmp_path / "two" / "tidy-report")
    (changed / "scripts" / "tidy.py").write_text("import polars\n")
    broken = tmp_path / "three" / "tidy-report"
    broken.mkdir(parents=True)
    (broken / "SKILL.md").write_text("---\nname: [unclosed\n" + "x" * (len(SKILL) - 20))
    again = tmp_path / "four" / "tidy-report"
    again.mkdir(parents=True)
    (again / "SKILL.md").write_bytes((broken / "SKILL.md").read_bytes())
    records = group_records([first, changed, broken, again], tmp_path)
    assert not any("copy_of" in r for r in records)
    assert "error" in records[2] and "error" in records[3]  # errors are never reused
    assert records[1]["dependencies"] == census_record(changed, tmp_path)["dependencies"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_census_with_copies_reused_equals_the_census_without(tmp_path, jobs):
    for parent in ("one", "two", "three"):
        _skill(tmp_path / parent / "tidy-report")
    _sibling(tmp_path / "three", "xmllint")
    _skill(tmp_path / "two" / "other-report", SKILL.replace("tidy-report", "other-report"))
    skills = sorted(p.parent for p in tmp_path.rglob("SKILL.md"))
    reused = sorted(census_records(skills, tmp_path, jobs=jobs, chunksize=1), key=lambda r: r["id"])
    plain = sorted(census_records(skills, tmp_path, jobs=jobs, chunksize=1, reuse_copies=False),
                   key=lambda r: r["id"])
    assert [r.get("copy_of") for r in reused] == [None, None, None, None, "one/tidy-report"]
    assert [{k: v for k, v in r.items() if k != "copy_of"} for r in reused] == plain
    assert summarize(reused)["copies"] == 1 and summarize(plain)["copies"] == 0


def test_cli_reports_copies_and_can_analyse_them(tmp_path, capsys):
    for parent in ("one", "two"):
        _skill(tmp_path / "c" / parent / "tidy-report")
    assert skill_census.main([str(tmp_path / "c"), "-o", str(tmp_path / "a.jsonl"), "--quiet"]) == 0
    assert "2 skills, 2 analysed, 0 unreadable; 1 verbatim copies of another" in capsys.readouterr().out
    assert skill_census.main([str(tmp_path / "c"), "-o", str(tmp_path / "b.jsonl"), "--quiet",
                              "--analyse-copies"]) == 0
    assert "verbatim" not in capsys.readouterr().out
    assert skill_census.main(["--report", str(tmp_path / "a.jsonl"), "--distinct"]) == 0
    assert capsys.readouterr().out.startswith("1 skills, 1 analysed, 0 unreadable\n")  # the copy left out


def test_a_census_on_a_local_ray_instance_gives_the_local_records(tmp_path, monkeypatch):
    pytest.importorskip("ray")
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    for parent in ("one", "two"):
        _skill(tmp_path / parent / "tidy-report")
    _skill(tmp_path / "two" / "other-report", SKILL.replace("tidy-report", "other-report"))
    skills = sorted(p.parent for p in tmp_path.rglob("SKILL.md"))
    on_ray = sorted(census_records(skills, tmp_path, jobs=1, engine="ray"), key=lambda r: r["id"])
    local = sorted(census_records(skills, tmp_path), key=lambda r: r["id"])
    assert on_ray == local and [r.get("copy_of") for r in local] == [None, None, "one/tidy-report"]


def test_a_deeply_nested_folder_is_compared_without_recursion(tmp_path):
    copies = []
    for parent in ("one", "two"):
        skill = _skill(tmp_path / parent / "tidy-report")
        deep = str(skill / "assets")
        os.mkdir(deep)
        for _ in range(300):
            deep += "/d"
            os.mkdir(deep)
        Path(deep, "note.txt").write_text("deep\n")
        copies.append(skill)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 100)  # far fewer frames than the folder is deep
    try:
        digests = [folder_digest(c) for c in copies]
        words = folder_words(copies[0])
    finally:
        sys.setrecursionlimit(limit)
    assert digests[0] == digests[1] is not None and "deep" in words
    assert group_records(copies, tmp_path)[1]["copy_of"] == "one/tidy-report"
