"""Signatures, literals and parameter rules; candidates from a skill's code."""

from __future__ import annotations

from pathlib import Path

from skillir.jit.candidates import compare, fold, from_skill, key_calls, loose_match
from skillir.jit.signature import extract, prompt_shape, rule_for, skeleton_of

DATA = Path(__file__).resolve().parents[1] / "data"


def test_literals_become_typed_slots_and_whitespace_does_not_matter():
    a = skeleton_of("awk -F, '{s+=$2}' sales.csv > total.json\nhead -n 5 x.txt")
    b = skeleton_of("awk  -F, '{s+=$2}'   data.csv > out.json\nhead -n 10 y.txt")
    assert [s.type for s in a.slots] == ["str", "file", "file", "number", "file"]
    assert a.shape == b.shape and a.signature == b.signature
    assert a.fill([s.text for s in a.slots]) == "awk -F, '{s+=$2}' sales.csv > total.json\nhead -n 5 x.txt"


def test_rules_extract_files_numbers_and_quoted_strings():
    prompt = 'Read sales.csv and north.csv, keep the top 5 rows, name the column "amount".'
    assert rule_for("north.csv", prompt) == {"kind": "file", "ext": "csv", "index": 1}
    assert rule_for("5", prompt) == {"kind": "number", "after": "top", "index": 0}
    assert rule_for("amount", prompt) == {"kind": "quoted", "index": 0}
    assert rule_for("missing.csv", prompt) is None
    other = 'Read a.csv and b.csv, keep the top 12 rows, name the column "price".'
    assert extract({"kind": "file", "ext": "csv", "index": 1}, other) == "b.csv"
    assert extract({"kind": "number", "after": "top", "index": 0}, other) == "12"
    assert extract({"kind": "quoted", "index": 0}, other) == "price"
    hostile = 'Read "$(rm -rf ~)" now'
    assert extract({"kind": "quoted", "index": 0}, hostile) is None
    assert extract({"kind": "file", "ext": "csv", "index": 0}, "use ../x.csv") is None
    assert prompt_shape(prompt, ["sales.csv"]) == prompt_shape(other, ["a.csv"])
    assert prompt_shape(prompt, []) != prompt_shape("Delete every file.", [])


def test_trace_match_generalises_a_constant_that_follows_the_prompt():
    events1 = [{"type": "tool_call", "name": "execute_command", "is_error": False,
                "arguments": {"command": "wc -l sales.csv > n.txt"}}]
    from skillir.jit.candidates import from_trace

    cand = from_trace(events1, "Count the lines of sales.csv into n.txt")
    assert cand is not None and set(cand.params) == {0, 1}
    script, written = fold([{"name": "execute_command",
                             "arguments": {"command": "wc -l data.csv > n.txt"}}])
    assert written == ["n.txt"]
    m = compare(cand, script, "Count the lines of data.csv into n.txt")
    assert m.ok and not m.generalised
    bad = compare(cand, script, "Count the lines of other.csv into n.txt")
    assert not bad.ok and "other.csv" in bad.reason


def test_skill_code_candidates_fill_from_the_prompt():
    (cand,) = from_skill(DATA / "sim_skills" / "sum-script")
    assert cand.source == "skill-code" and cand.lang == "python"
    assert key_calls("import csv\nx = csv.reader(f)\n", "python") == ("import csv", "csv.reader(")
    script, outputs, why = cand.materialize("Sum data.csv into result.json")
    assert why is None and outputs == ["result.json"]
    assert 'open("data.csv"' in script and 'open("result.json", "w")' in script
    none, _, why2 = cand.materialize("Sum the numbers")
    assert none is None and "not found in the prompt" in why2
    assert loose_match(cand.keys, "import csv, json\nrows = csv.DictReader(f)\njson.dumps(x)")
    assert not loose_match(cand.keys, "awk -F, '{s+=$2}' sales.csv")
