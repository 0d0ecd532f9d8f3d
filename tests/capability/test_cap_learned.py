"""Issue 12: `infer-capabilities{oracle=learned}`: a classifier per primitive, trained on
the hand-labelled development set (benchmarks/devset/train_requirements.py), adds
skill-wide requirements the rules missed when it is sure enough, raises the level of
those whose level classifiers say higher, and never drops or lowers one the rules
found. Offline and deterministic."""

from __future__ import annotations

from cap_requirements import requirements_after

from corpus_paths import corpus_skill_dirs
from skillir.capability import learned
from skillir.datafiles import load_data
from skillir.frontend.skill_md import load_skill, parse_markdown

SKILL = """---
name: spec-writer
description: Turn the conversation into a spec and file it.
---

# Spec writer

1. Explore the repo to understand the current state of the codebase.
2. Sketch the seams at which you will test the feature; prefer existing seams.
3. Write the spec with the template below, then publish it to the issue tracker.

Do NOT interview the user. Do NOT include file paths or code snippets.

## Template

## Problem Statement
## Solution
## User Stories
## Testing Decisions
## Out of Scope
"""


def _requirements(spec: str = "", folder=None) -> dict[str, tuple[int, str]]:
    module = load_skill(folder) if folder is not None else parse_markdown(SKILL, label="t/SKILL.md")
    return requirements_after(module, spec)


def test_features_are_the_words_languages_buckets_and_rule_findings():
    text = "---\nname: x\n---\n# X\n\nRun `make`:\n\n```bash\nmake test\n```\n\n1. Build it.\n"
    found = learned.features(text, {"tool.exec": 2})
    assert {"w:run", "w:make", "w:build", "lang:bash", "r:tool.exec", "r:tool.exec:2",
            "steps:1-2", "size:s"} <= found
    assert "w:name" not in found  # the front matter is not the body
    assert learned.features(text, {"tool.exec": 2}) == found


def test_the_model_covers_only_primitives_of_the_catalog():
    catalog = {p["id"] for p in load_data("primitives.json")["primitives"]}
    model = load_data(learned.MODEL_FILE)
    assert model["primitives"] and set(model["primitives"]) <= catalog
    assert 0 < learned.threshold() < 1


def test_prediction_is_a_probability_with_its_reasons():
    guesses = learned.predict(SKILL, {})
    assert {g.prim for g in guesses} == set(load_data(learned.MODEL_FILE)["primitives"])
    for guess in guesses:
        assert 0.0 < guess.probability < 1.0 and guess.level in (1, 2, 3)
        assert all(reason.split(":", 1)[0] in {"w", "lang", "r", "steps", "size"} for reason in guess.reasons)


def test_missed_never_repeats_what_the_rules_found():
    every = {g.prim: 1 for g in learned.predict(SKILL, {})}
    assert learned.missed(SKILL, every) == []
    sure = [g for g in learned.predict(SKILL, {}) if g.probability >= learned.threshold()]
    assert learned.missed(SKILL, {}) == sure


def test_the_pass_adds_skill_wide_learned_requirements_and_keeps_the_rules():
    gained = raised = 0
    for folder in corpus_skill_dirs()[:30]:
        rules = _requirements("{oracle=rules}", folder)
        both = _requirements("{oracle=learned}", folder)
        for prim, (level, rule) in rules.items():  # the rules' stay, at their level or raised
            assert both[prim] == (level, rule) or (both[prim][1] == "learned.level" and both[prim][0] > level), \
                (folder.name, prim)
            raised += both[prim][1] == "learned.level"
        added = {p: v for p, v in both.items() if p not in rules}
        assert all(rule == "learned" for _, rule in added.values()), folder.name
        gained += bool(added)
    assert 0 < gained < 30  # it adds to some skills, not to every one
    assert 0 < raised < 30
    assert _requirements("{oracle=learned}", folder) == both  # deterministic


def test_learned_levels_only_raise_the_primitives_the_model_has_level_classifiers_for():
    model = load_data(learned.MODEL_FILE)
    with_levels = set(model["levels"])
    assert with_levels and with_levels <= {p["id"] for p in load_data("primitives.json")["primitives"]}
    prim = sorted(with_levels)[0]
    for rule_level in (1, 2, 3):
        (guess,) = learned.predict_levels(SKILL, {prim: rule_level})
        assert guess.prim == prim and guess.level in (1, 2, 3) and 0.0 < guess.probability < 1.0
        up = learned.raised(SKILL, {prim: rule_level})
        assert up == ([guess] if guess.level > rule_level else [])
    assert learned.predict_levels(SKILL, {}) == []  # a primitive the rules did not find keeps no level
    assert learned.raised(SKILL, {prim: 3}) == []  # never lowered, never past 3
    for one in sorted(with_levels):  # each alone: the others' classifiers share the feature index
        assert [g.prim for g in learned.predict_levels(SKILL, {one: 1})] == [one]
    both = learned.predict_levels(SKILL, dict.fromkeys(with_levels, 1))
    assert sorted(g.prim for g in both) == sorted(with_levels)


def test_a_raised_level_is_a_skill_wide_requirement_saying_why():
    from skillir.capability.query import ops_of_type
    from skillir.dialects.cap import RequireOp
    from skillir.dialects.skill import SkillOp
    from skillir.pipeline import PassManager

    for folder in corpus_skill_dirs():
        module = load_skill(folder)
        PassManager.from_spec("infer-capabilities").run(module)
        skill = next(op for op in module.ops if isinstance(op, SkillOp))
        ups = [req for req in ops_of_type(skill, RequireOp) if req.rule.data == "learned.level"]
        if ups:
            break
    else:
        raise AssertionError("no corpus skill has a level raised")
    for up in ups:
        same = [req for req in ops_of_type(skill, RequireOp) if req.prim_id == up.prim_id and req is not up]
        assert same and max(req.level for req in same) < up.level  # the rules' findings stay, lower
        assert up.parent_op() is skill  # skill-wide
        assert f"level {up.level} over the rules' {max(req.level for req in same)}: p=" in up.evidence.data


def test_the_default_is_the_rules_plus_the_learned_opinion():
    folders = corpus_skill_dirs()[:30]
    assert all(_requirements("", f) == _requirements("{oracle=learned}", f) for f in folders)
    assert any(rule == "learned" for f in folders for _, rule in _requirements("", f).values())


def test_rules_alone_add_nothing_learned():
    for folder in corpus_skill_dirs()[:30]:
        assert all(rule != "learned" for _, rule in _requirements("{oracle=rules}", folder).values()), folder.name
