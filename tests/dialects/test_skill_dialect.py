"""The skill dialect's closed vocabularies: enum attributes in the IR, one word list
with the frontend's data file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from xdsl.dialects.builtin import StringAttr

import skillir
from skillir.datafiles import load_data
from skillir.dialects.skill import (
    CONSTRAINT_KINDS,
    REF_KINDS,
    ConstraintKind,
    ConstraintOp,
    RefKind,
    RefOp,
    constraint_kind,
    ref_kind,
)
from skillir.errors import SkillIRError
from skillir.frontend import classify
from skillir.ir import parse_module, print_module
from skillir.pipeline import verify_module

SKILL = ('builtin.module {{\n  skill.skill @s attributes {{metadata = {{}}, source = "s"}} {{\n'
         '    {body}\n  }}\n}}\n')


def test_the_frontend_keywords_map_onto_the_dialect_kinds():
    keywords = load_data("vocabulary.json")["constraint_keywords"]
    assert set(keywords.values()) == set(CONSTRAINT_KINDS) == {k.value for k in ConstraintKind}
    schema = json.loads((Path(skillir.__file__).parent / "data/schemas/vocabulary.schema.json").read_text())
    enum = schema["properties"]["constraint_keywords"]["additionalProperties"]["enum"]
    assert sorted(enum) == sorted(CONSTRAINT_KINDS)
    # every keyword the classifier's patterns find has a kind
    for pattern in (classify._CONSTRAINT_UPPER, classify._CONSTRAINT_LEAD):
        words = re.findall(r"[A-Za-z' ]+", pattern.pattern.split("(", 1)[1].split(")", 1)[0])
        assert words and all(w.lower() in keywords for w in words)


@pytest.mark.parametrize(("text", "kind"), [
    ("NEVER push to main.\n", "never"), ("You must not delete it.\n", "must-not"),
    ("Don't guess.\n", "do-not"), ("**CRITICAL**: back up first.\n", "important")])
def test_classifier_kinds_are_dialect_kinds(text, kind):
    assert classify.constraint_kind(text) == kind
    op = ConstraintOp.create(properties={"text": StringAttr(text), "kind": constraint_kind(kind)})
    assert op.constraint_kind is ConstraintKind(kind)
    word = f'"{kind}"' if "-" in kind else kind
    module = parse_module(SKILL.format(body=f'skill.constraint {word} "x"'))
    assert f'skill.constraint {word} "x"' in print_module(module)


def test_kinds_print_as_words_and_round_trip():
    body = ('skill.constraint "must-not" "You MUST NOT push.\\n"\n'
            '    skill.constraint never "NEVER push.\\n"\n'
            '    skill.ref script "scripts/a.py" {bytes = 3 : i64}')
    module = parse_module(SKILL.format(body=body))
    verify_module(module)
    text = print_module(module)
    assert 'skill.constraint "must-not" "You MUST NOT push.\\n"' in text
    assert 'skill.ref script "scripts/a.py" {bytes = 3 : i64}' in text
    generic = print_module(module, generic=True)
    assert "kind = #skill<constraint_kind \"must-not\">" in generic and "kind = #skill<ref_kind script>" in generic
    assert print_module(parse_module(generic)) == text
    ref = next(op for op in module.walk() if isinstance(op, RefOp))
    assert ref.kind.data is RefKind.SCRIPT and ref.kind.data == "script" and REF_KINDS == tuple(RefKind)


@pytest.mark.parametrize(("body", "message"), [
    ('skill.constraint maybe "x"', "Expected `must`, `must-not`"),
    ('skill.ref folder "a"  {bytes = 1 : i64}', "Expected `script`, `reference`, `asset`, or `other`"),
    ('"skill.ref"() <{path = "a", kind = "script", bytes = 1 : i64}> : () -> ()', "skill.ref_kind"),
    ('skill.ref script "a" {bytes = 1 : i32}', "Expected attribute i64 but got i32"),
])
def test_words_outside_the_vocabulary_are_rejected(body, message):
    with pytest.raises(SkillIRError, match=message):
        verify_module(parse_module(SKILL.format(body=body)))


def test_shared_enum_attributes_are_one_instance_per_word():
    assert constraint_kind("never") is constraint_kind("never")
    assert ref_kind("asset").data is RefKind.ASSET
    with pytest.raises(KeyError):
        ref_kind("folder")
