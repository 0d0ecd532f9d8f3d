"""compile-capabilities over the whole corpus, against every reference profile:
every compiled module verifies, the legality check holds, the paper's guard holds
(front matter, headings and code blocks kept, added text within budget), a strong
target changes nothing, and a weak one gets its gaps closed."""

from __future__ import annotations

import pytest
from conftest import corpus_id, corpus_skill_dirs

from skillir.backends.markdown import skill_markdown
from skillir.capability.guard import Budget, budget_ratio, check_markdown
from skillir.capability.legality import requirements_within_profile
from skillir.capability.query import gap_records, required_levels, step_requirements, steps
from skillir.capability.strategies import STRATEGIES, GapContext, GapStrategy, register_strategy
from skillir.dialects.skill import SkillOp
from skillir.frontend.skill_md import load_skill, parse_markdown
from skillir.pipeline import PassManager, verify_module
from skillir.profiles.store import ENV_VAR

PROFILES = ["bare-agent/opus-4.6", "bare-agent/gpt-5.4", "bare-agent/qwen3.5-35b-a3b",
            "bare-agent/qwen3.5-9b", "synthetic/weak", "synthetic/mid", "synthetic/strong"]


@pytest.fixture(autouse=True)
def no_user_store(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "profiles"))


def pipeline(target: str) -> PassManager:
    """The capability stage with the growth cap off (max-growth-percent=0): these tests
    are about what the strategies do within the paper's line budget; the cap has its
    own tests below."""
    return PassManager.from_spec(
        f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,compile-capabilities{{max-growth-percent=0}}")


def compile_skill(path, target):
    module = load_skill(path)
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    before = skill_markdown(skill)
    pipeline(target).run(module)  # verifies after each pass and runs the legality check
    return module, skill, before, skill_markdown(skill)


@pytest.mark.parametrize("target", PROFILES)
def test_corpus_compiles_for_every_profile(corpus, target):
    problems = []
    statuses: dict[str, int] = {}
    for path in corpus_skill_dirs():
        capped = skill_markdown(_compiled(path, target, ""))
        module, skill, before, after = compile_skill(path, target)
        verify_module(module)
        assert requirements_within_profile(module) == [], corpus_id(path)
        report = check_markdown(before, after)
        if not report.ok:
            problems.append(f"{corpus_id(path)}: {report.problems}")
        # by default (max-growth-percent=10) the added text stays within a tenth of the
        # SKILL.md (+8: a closing fence sealed onto a code block left open at the end)
        assert len(capped) - len(before) <= 0.1 * len(before) + 8, corpus_id(path)
        records = gap_records(skill)
        for record in records:
            assert record.record is not None, f"{corpus_id(path)}: open gap {record.gap.prim}"
            statuses[record.status] = statuses.get(record.status, 0) + 1
        if not records:
            assert after == before, corpus_id(path)
    assert problems == []
    if target == "synthetic/strong":
        assert statuses == {}
    if target in ("synthetic/weak", "synthetic/mid"):
        closed = sum(v for k, v in statuses.items() if k != "unresolved")
        assert closed >= 0.95 * sum(statuses.values()), statuses


def test_strong_target_leaves_skills_byte_for_byte(corpus):
    for path in corpus_skill_dirs()[::7]:
        _, _, before, after = compile_skill(path, "synthetic/strong")
        assert after == before, corpus_id(path)
        assert after.encode() == (path / "SKILL.md").read_bytes().replace(b"\r\n", b"\r\n")


def test_weak_target_closes_gaps_and_edits_the_skill(corpus):
    path = corpus / "openai-skills" / "skills" / ".curated" / "gh-fix-ci"
    module, skill, before, after = compile_skill(path, "synthetic/weak")
    assert after != before
    records = gap_records(skill)
    assert records and all(r.status != "open" for r in records)
    # requirements were lowered to what the target has
    assert max(required_levels(skill).values()) == 1
    assert max(required_levels(skill, original=True).values()) == 3
    assert any(step_requirements(step) for step in steps(skill))


def test_compiling_twice_changes_nothing_more(corpus):
    path = corpus / "anthropics-skills" / "skills" / "webapp-testing"
    module, skill, _, once = compile_skill(path, "bare-agent/qwen3.5-9b")
    pipeline("bare-agent/qwen3.5-9b").run(module)
    assert skill_markdown(skill) == once


@pytest.mark.parametrize(("lines", "ratio"), [(10, 2.0), (99, 2.0), (100, 1.0), (200, 1.0), (201, 0.5)])
def test_budget_tiers(lines, ratio):
    assert budget_ratio(lines) == ratio
    assert Budget(lines).limit == int(lines * ratio)


SKILL = """---
name: t
description: test
---

# T

1. Create a rollback plan for the release.
2. Debug the failing build, then find the root cause; finally fix it.
"""


class AskUser(GapStrategy):
    """A researcher's strategy: planning gaps are closed by asking the user."""

    name = "ask-user"

    def close(self, gap: GapContext, rewriter) -> None:
        if gap.prim_id != "reason.planning":
            return gap.skip(self, "not a planning gap")
        added = gap.note("Ask the user to confirm the plan before acting on it.", rewriter, self)
        if added is None:
            return
        gap.lower(gap.available, rewriter)
        gap.record_compensated("degradation-guidance", added, rewriter)


def test_a_researcher_can_add_a_strategy():
    register_strategy(AskUser, before="offload")
    try:
        assert [s.name for s in STRATEGIES][0] == "ask-user"
        module = parse_markdown(SKILL, label="t/SKILL.md")
        pipeline("synthetic/mid").run(module)
        skill = next(op for op in module.ops if isinstance(op, SkillOp))
        statuses = {r.gap.prim.id: r.status for r in gap_records(skill)}
        assert statuses["reason.planning"] == "compensated"
        assert "1. Create a rollback plan for the release.\n   Ask the user to confirm the plan" in skill_markdown(skill)
        assert statuses["reason.analysis"] != "open"  # other gaps still reach the built-in strategies
    finally:
        STRATEGIES.remove(AskUser)
    with pytest.raises(ValueError):
        register_strategy(AskUser, before="no-such-strategy")


PROPERTY_SKILLS = ["openai-skills/skills/.curated/gh-fix-ci", "anthropics-skills/skills/webapp-testing",
                   "skillsbench/tasks/xlsx-recover-data/environment/skills/xlsx"]


@pytest.fixture(scope="module")
def property_sources(corpus):
    return [(corpus / rel, (corpus / rel / "SKILL.md").read_text()) for rel in PROPERTY_SKILLS]


def test_any_profile_compiles_legally(property_sources, tmp_path_factory):
    """For random capability vectors: the IR verifies, no requirement stays above the
    profile unless unresolved, every gap has a record, and the guard holds."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from skillir.profiles.catalog import catalog
    from skillir.profiles.profile import Profile

    folder = tmp_path_factory.mktemp("random-profiles")
    ids = catalog().ids

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(st.integers(min_value=0, max_value=3), min_size=len(ids), max_size=len(ids)),
           st.integers(min_value=0, max_value=len(PROPERTY_SKILLS) - 1))
    def check(levels, which):
        path = folder / "p.json"
        path.write_text(Profile("random", "bare-agent", dict(zip(ids, levels, strict=True)),
                                source="hypothesis", date="2026-01-01").to_json())
        skill_dir, original = property_sources[which]
        module = load_skill(skill_dir)
        PassManager.from_spec(f"infer-capabilities,bind-profile{{target={path}}},analyze-gaps,"
                              "compile-capabilities").run(module)
        skill = next(op for op in module.ops if isinstance(op, SkillOp))
        assert requirements_within_profile(module) == []
        assert all(r.record is not None for r in gap_records(skill))
        assert check_markdown(original, skill_markdown(skill)).ok

    check()


def test_a_note_after_a_code_block_left_open_closes_its_fence_first(tmp_path):
    """A skill whose last code block runs to the end of the file (no closing fence):
    the note added after it goes after a closing fence, and the guard lets
    compile-capabilities add that fence, and nothing else, to the code block."""
    (tmp_path / "SKILL.md").write_text(
        "---\nname: sealt\ndescription: Summarise the logs. Use when asked.\n---\n\n# Sealt\n\n"
        "1. Run `ls logs/` to list the logs.\n"
        "2. Write a comprehensive report of the errors for the user, then show the commands:\n\n"
        "   ```bash\n   grep -c ERROR logs/*.log\n")
    _, _, before, after = compile_skill(tmp_path, "bare-agent/qwen3.5-9b")
    assert after.startswith(before + "   ```\n")
    assert "Do this as separate steps" in after[len(before):]


def test_max_growth_percent_caps_what_a_small_skill_gains(tmp_path):
    """A 15-line skill with many gaps on the weakest profile: with the default cap it
    gains at most a tenth of its characters; with the cap off (0) the paper's line
    tiers alone let it grow far more. What the cap keeps out stays reported."""
    (tmp_path / "SKILL.md").write_text(
        "---\nname: tiny\ndescription: Check a web page's links. Use when asked.\n---\n\n# Tiny\n\n"
        "1. Fetch https://example.com with `curl -s https://example.com > page.html`.\n"
        "2. Extract every link from `page.html` with `grep -o 'href=\"[^\"]*\"' page.html | sort -u > links.txt`.\n"
        "3. Write a comprehensive report of the broken links for the user, then list the fixes.\n")
    module = load_skill(tmp_path)
    skill = next(op for op in module.ops if isinstance(op, SkillOp))
    before = skill_markdown(skill)
    capped = skill_markdown(_compiled(tmp_path, "bare-agent/qwen3.5-9b", ""))
    free = skill_markdown(_compiled(tmp_path, "bare-agent/qwen3.5-9b", " max-growth-percent=0"))
    assert len(capped) - len(before) <= 0.1 * len(before)
    assert len(free) - len(before) > 0.2 * len(before)
    assert "the added-text budget" in str(_compiled(tmp_path, "bare-agent/qwen3.5-9b", ""))


def _compiled(path, target: str, options: str) -> SkillOp:
    module = load_skill(path)
    PassManager.from_spec(f"infer-capabilities,bind-profile{{target={target}}},analyze-gaps,"
                          f"compile-capabilities{{{options.strip()}}}").run(module)
    return next(op for op in module.ops if isinstance(op, SkillOp))
