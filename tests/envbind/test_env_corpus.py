"""Dependency extraction on the real corpus: hand-checked labels (precision and
recall >= 0.9), and every corpus skill through bind-env without an error.

The corpus left bundled code out (each source's MANIFEST.json lists it under
`excluded_code`). The labelled skills are copied to a scratch folder with an empty
file at each excluded path, so the extractor knows the skill's own module and script
names as it would on the real skill; their contents (and imports) stay unknown, and
the labels say what SKILL.md and the non-code files show.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS, corpus_id, corpus_skill_dirs

from corpus_paths import materialize
from skillir.envbind.extract import extract_skill
from skillir.frontend.skill_md import load_skill
from skillir.pipeline import PassManager

LABELS = json.loads((Path(__file__).resolve().parents[1] / "data" / "env_labels.json").read_text())["skills"]


@pytest.fixture(scope="module")
def extracted(corpus, tmp_path_factory) -> dict[str, set[str]]:
    scratch = tmp_path_factory.mktemp("env-corpus")
    out = {}
    for index, skill_id in enumerate(sorted(LABELS)):
        folder = materialize(CORPUS / skill_id, scratch / str(index))
        out[skill_id] = extract_skill(load_skill(folder).body.block.first_op).labels()
    return out


def test_labels_cover_enough_skills():
    assert len(LABELS) >= 15
    with_deps = [s for s, lab in LABELS.items() if lab["required"] or lab["optional"]]
    assert len(with_deps) >= 15
    for skill_id in LABELS:
        assert (CORPUS / skill_id / "SKILL.md").is_file() or not CORPUS.is_dir(), skill_id


def score(extracted: dict[str, set[str]]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    diffs = []
    for skill_id, label in LABELS.items():
        want = set(label["required"]) | set(label["optional"])
        got = extracted[skill_id]
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        if got != want:
            diffs.append(f"{skill_id}: extra {sorted(got - want)} missing {sorted(want - got)}")
    return tp / max(1, tp + fp), tp / max(1, tp + fn), diffs


def test_precision_and_recall_against_labels(extracted):
    precision, recall, diffs = score(extracted)
    print(f"\nenv labels: {len(LABELS)} skills, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.9 and recall >= 0.9, "\n".join(diffs)


@pytest.mark.parametrize("skill_dir", corpus_skill_dirs(), ids=corpus_id)
def test_every_corpus_skill_binds(skill_dir):
    module = load_skill(skill_dir)
    PassManager.from_spec("bind-env{probe=false}").run(module)
    from skillir.envbind.ir import dependencies_of, setup_script_of

    script = setup_script_of(module)
    assert script is not None and script.startswith("#!/usr/bin/env bash\n")
    assert "sudo " not in script.replace("never uses sudo", "").replace("uses sudo", "")
    for dep in dependencies_of(module):
        assert dep.evidence and dep.check
