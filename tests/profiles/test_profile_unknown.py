"""A primitive a profile did not measure is *unknown*, not L0 (issue 12):
`bind-profile{unknown=default|capable|gap}` chooses the level assumed for it, the
profile op lists the unknown primitives, and analyze-gaps marks their gaps
`unmeasured`. Default: no false "missing" gap."""

from __future__ import annotations

import pytest

from skillir.dialects.cap import GapOp, ProfileOp, RequireOp
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import parse_markdown
from skillir.pipeline import PassManager

SKILL = "# W\n\n1. Search the web for the release notes of the library.\n2. Summarise them.\n"


@pytest.fixture(autouse=True)
def _no_user_store(monkeypatch, tmp_path):
    monkeypatch.setenv("SKILLIR_PROFILES", str(tmp_path))


def compile_with(policy: str | None):
    option = f" unknown={policy}" if policy else ""
    module = parse_markdown(SKILL)
    PassManager.from_spec(f"infer-capabilities,bind-profile{{target=bare-agent/opus-4.6{option}}},analyze-gaps"
                          ).run(module)
    return module


def web_gaps(module) -> list[tuple[str, int, bool]]:
    return [(g.kind.data, g.available_level, g.unmeasured is not None)
            for g in module.walk() if isinstance(g, GapOp) and g.prim.prim_id.data == "tool.web"]


def test_the_skill_needs_the_web_and_opus_did_not_measure_it():
    module = compile_with("gap")
    assert any(r.prim_id == "tool.web" for r in module.walk() if isinstance(r, RequireOp))
    (profile,) = [op for op in module.walk() if isinstance(op, ProfileOp)]
    assert [a.data for a in profile.attributes["unknown"].data] == ["tool.web"]
    assert "tool.web" not in profile.levels()


@pytest.mark.parametrize(("policy", "gaps"), [
    (None, []),  # default: assume L1, which covers an L1 web search
    ("default", []),
    ("capable", []),
    ("gap", [("missing", 0, True)]),  # SkVM's rule
])
def test_unknown_policy(policy, gaps):
    assert web_gaps(compile_with(policy)) == gaps


def test_default_policy_gives_weak_not_missing_gaps_above_l1():
    module = parse_markdown("# W\n\n```bash\ncurl 'https://api.x.com/v1/items?page=2'\n```\n")
    PassManager.from_spec("infer-capabilities,bind-profile{target=bare-agent/opus-4.6},analyze-gaps").run(module)
    assert web_gaps(module) == [("weak", 1, True)]  # paginated API calls need L3


def test_bad_policy_is_a_one_line_error():
    with pytest.raises(SkillIRError, match="unknown='maybe' is not a policy"):
        compile_with("maybe")
