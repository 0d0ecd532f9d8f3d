"""Data-level parallelism the way unseen skills say it (issue 12): a step that opens
with "For each X,", a map verb over a file glob, and a sentence that does items "in
parallel"; and the vetoes that keep it conservative (order, reductions, side effects,
negation, a glob that is not a path)."""

from __future__ import annotations

import pytest

from skillir.concurrency.build import analyze
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import parse_markdown
from skillir.harnesses import load_harness


def groups(text: str) -> list[tuple[str, list[int]]]:
    skill = next(op for op in parse_markdown(text).ops if isinstance(op, SkillOp))
    return [(g.kind, g.members) for g in analyze(skill, load_harness("claude-code")).groups]


@pytest.mark.parametrize("step", [
    "For each claim, search the official sources and note the verdict.",
    "For each link to convert:",
    "Read `build/pages/*.png` and note the layout of each.",
    "Download the files with `aria2c --input-file=urls.txt` for parallel downloads.",
    "Use the workflow, which translates pages in parallel.",
])
def test_per_item_work_is_dlp(step):
    text = f"# X\n\n1. Collect the inputs into `inputs/`.\n2. {step}\n3. Write the summary.\n"
    assert groups(text) == [("dlp", [2])]


@pytest.mark.parametrize("step", [
    "For each claim, one at a time, search the sources.",
    "Merge all the files into one report.",
    "For each release, delete the old tag.",
    "Do not translate pages in parallel.",
    "Inspect the locks with `psql -c 'select * from pg_locks'`.",
    "Read `README.md` and note the layout.",
])
def test_ordered_or_shared_work_is_not(step):
    text = f"# X\n\n1. Collect the inputs into `inputs/`.\n2. {step}\n3. Write the summary.\n"
    assert groups(text) == []
