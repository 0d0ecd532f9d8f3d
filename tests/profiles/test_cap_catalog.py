"""The primitive catalog data file: complete, validated, usable."""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest

from skillir.errors import SkillIRError
from skillir.profiles.catalog import catalog, parse_catalog


def raw() -> dict:
    return json.loads(resources.files("skillir.data").joinpath("primitives.json").read_text())


def test_26_primitives_in_4_categories():
    cat = catalog()
    assert len(cat.primitives) == 26
    by_cat = {k: len(v) for k, v in cat.by_category().items()}
    assert by_cat == {"gen": 9, "reason": 5, "tool": 7, "follow": 5}


def test_levels_and_degradations():
    cat = catalog()
    for prim in cat.primitives:
        assert sorted(prim.levels) == [1, 2, 3]
        assert all(text.strip() for text in prim.levels.values())
        assert prim.degradation(3), prim.id
        assert prim.compensation in cat.compensation_methods
    # the paper's one exception: a browser cannot be degraded to L1, only substituted
    assert cat.primitive("tool.browser").degradation(2) is None
    assert "sed" in cat.primitive("gen.code.shell").levels[3]


@pytest.mark.parametrize(("cls", "paths"), [
    ("tabular-query", {"pandas", "sql"}),
    ("text-pattern", {"regex", "string-code"}),
    ("arithmetic", {"mental", "delegate"}),
    ("text-processing", {"shell-pipeline", "python-script"}),
    ("web-page", {"browser", "html-parsing"}),
])
def test_equivalence_classes_named_by_the_issue(cls, paths):
    found = catalog().equivalence_class(cls)
    assert found is not None
    assert paths <= {p.id for p in found.paths}
    assert any(not p.origin_only for p in found.paths)


def test_classes_with_and_unknown_primitive():
    assert "tabular-query" in {c.id for c in catalog().classes_with("gen.code.sql")}
    with pytest.raises(SkillIRError, match="unknown primitive 'gen.code.cobol'"):
        catalog().primitive("gen.code.cobol")


def _broken(mutate):
    data = copy.deepcopy(raw())
    mutate(data)
    return data


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["primitives"].pop(), "expected 26 primitives"),
    (lambda d: d["primitives"].append(copy.deepcopy(d["primitives"][0])), "listed twice"),
    (lambda d: d["primitives"][0]["levels"].pop("2"), "levels 1, 2 and 3"),
    (lambda d: d["primitives"][0]["degradations"].pop("L3->L2"), "degradations"),
    (lambda d: d["primitives"][0].update(compensation="magic"), "unknown compensation method"),
    (lambda d: d["equivalence_classes"][0]["paths"][0].update(trigger="("), "trigger"),
    (lambda d: d["equivalence_classes"][0]["paths"][0].update(requires={"gen.code.cobol": 2}), "requires"),
    (lambda d: d["equivalence_classes"][0].update(paths=d["equivalence_classes"][0]["paths"][:1]), "two paths"),
])
def test_broken_catalog_is_a_clear_error(mutate, message):
    with pytest.raises(SkillIRError, match=message):
        parse_catalog(_broken(mutate))
