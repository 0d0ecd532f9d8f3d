"""conform-frontmatter: what the real skills-ref validator refuses in public skills'
front matter (flow style, keys outside the specification) is written so it accepts
it, the target harness's own keys stay, a valid front matter is left byte for byte,
and OpenClaw keeps the one-line values its parser needs; through skill-opt as well."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from skillir import emit_markdown
from skillir.dialects.skill import SkillOp
from skillir.emit.validate import validate_skill_folder
from skillir.errors import SkillIRError
from skillir.frontend.skill_md import load_skill
from skillir.ir import make_context
from skillir.passes.conform_frontmatter import SPEC_KEYS, ConformFrontmatterPass, conformed

SKILL_OPT = str(Path(sys.executable).with_name("skill-opt"))
FLOW = ("---\nname: brex-lookup\ndescription: \"Look up Brex data.\"\nallowed-tools: [Bash(oo *)]\n"
        "version: 1.0.0\ntags: [finance, api]\nmodel: opus\nrequires:\n  mcp: [rube]\n---\n\n# Brex\n\nRun it.\n")


def _skill(tmp_path: Path, text: str, name: str = "brex-lookup") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "SKILL.md").write_text(text, encoding="utf-8")
    return folder


def _conform(folder: Path, tmp_path: Path, **options) -> tuple[Path, SkillOp]:
    module = load_skill(folder)
    ConformFrontmatterPass(**options).apply(make_context(), module)
    module.verify()
    out = tmp_path / "out" / folder.name
    out.mkdir(parents=True)
    (out / "SKILL.md").write_text(emit_markdown(module), encoding="utf-8")
    return out, module.body.block.first_op


def test_the_specification_keys_are_the_validators():
    from skills_ref.validator import ALLOWED_FIELDS

    assert set(SPEC_KEYS) == ALLOWED_FIELDS


def test_flow_style_and_extra_keys_are_written_so_skills_ref_accepts_them(tmp_path):
    folder = _skill(tmp_path, FLOW)
    assert validate_skill_folder(folder)  # strictyaml refuses the flow style, then the keys
    out, skill = _conform(folder, tmp_path, harness="claude-code")
    assert validate_skill_folder(out) != []  # claude-code's own `model` stays at the top
    out_none, _ = _conform(_skill(tmp_path / "b", FLOW), tmp_path / "b", harness="claude-code", keep="none")
    assert validate_skill_folder(out_none) == []
    text = (out / "SKILL.md").read_text(encoding="utf-8")
    assert text.endswith("---\n\n# Brex\n\nRun it.\n")  # the body and the blank line after the block are kept
    meta = skill.metadata.data
    assert meta["model"].data == "opus" and meta["allowed-tools"].data[0].data == "Bash(oo *)"
    moved = meta["metadata"].data
    assert moved["version"].data == "1.0.0" and [t.data for t in moved["tags"].data] == ["finance", "api"]
    assert "requires" in moved and "requires" not in meta


def test_bare_agent_keeps_no_extra_key_and_the_result_validates(tmp_path):
    out, skill = _conform(_skill(tmp_path, FLOW), tmp_path)  # no target: bare-agent
    assert validate_skill_folder(out) == []
    assert set(skill.metadata.data) == {"name", "description", "allowed-tools", "metadata"}


def test_a_valid_front_matter_is_left_byte_for_byte(tmp_path):
    text = "---\nname: ok-skill  # kept\ndescription: Fine.\nmetadata:\n  author: me\n---\n\nBody.\n"
    assert conformed(text, frozenset()) is None
    out, _ = _conform(_skill(tmp_path, text, "ok-skill"), tmp_path)
    assert (out / "SKILL.md").read_text(encoding="utf-8") == text


def test_crlf_multiline_text_and_a_name_it_cannot_change(tmp_path):
    text = "---\r\nname: Big Skill\r\ndescription: |\r\n  one\r\n  two\r\nx: [1]\r\n---\r\n\r\nBody.\r\n"
    new = conformed(text, frozenset())
    assert new == ("---\r\nname: Big Skill\r\ndescription: |\r\n  one\r\n  two\r\nmetadata:\r\n  x:\r\n  - 1\r\n"
                   "---\r\n\r\nBody.\r\n")
    out, _ = _conform(_skill(tmp_path, text, "Big Skill"), tmp_path)
    problems = validate_skill_folder(out)
    assert problems and all("name" in p.lower() for p in problems)  # only the name is left to fix, by hand


def test_empty_lists_and_yaml_the_frontend_had_to_repair(tmp_path):
    """strictyaml refuses `[]` even in block style, so empty lists go (leaving one out
    says the same); a description whose colon made the YAML invalid (the frontend read
    it by quoting) is written as valid YAML."""
    text = "---\nname: fix-me\ndescription: Use when: the user asks\ndepends_on: []\n---\n\nBody.\n"
    out, skill = _conform(_skill(tmp_path, text, "fix-me"), tmp_path)
    assert validate_skill_folder(out) == []
    assert skill.metadata.data["description"].data == "Use when: the user asks"
    assert "depends_on" not in (out / "SKILL.md").read_text(encoding="utf-8")


def test_openclaw_keeps_one_line_values():
    text = "---\nname: s\ndescription: d\nversion: 2\nmetadata: {\"openclaw\": {\"requires\": {\"bins\": [\"jq\"]}}}\n---\n"
    new = conformed(text, frozenset({"name", "description", "metadata"}), single_line=True)
    assert new == ('---\nname: s\ndescription: d\n'
                   'metadata: {"openclaw": {"requires": {"bins": ["jq"]}}, "version": 2}\n---\n')
    assert conformed("---\nname: s\ndescription: d\nmetadata: {\"a\": 1}\n---\n", frozenset({"metadata"}),
                     single_line=True) is None  # flow style is what OpenClaw reads


def test_an_unknown_keep_is_a_one_line_error(tmp_path):
    module = load_skill(_skill(tmp_path, FLOW))
    with pytest.raises(SkillIRError, match="unknown keep 'all'"):
        ConformFrontmatterPass(keep="all").apply(make_context(), module)


def test_skill_opt_conform_frontmatter_emits_a_valid_folder(tmp_path):
    folder = _skill(tmp_path, FLOW.replace("model: opus\n", ""))
    out = tmp_path / "compiled"
    run = subprocess.run([SKILL_OPT, str(folder), "--target=opencode/opus-4.6", "--conform-frontmatter",
                          "-o", str(out), "-q"], capture_output=True, text=True, env={"SKILLIR_SERVER": "0",
                          "PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SKILLIR_CACHE": str(tmp_path / "c")})
    assert run.returncode == 0, run.stderr
    validation = json.loads((out / "compile-report.json").read_text())["validation"]
    assert validation["input_valid"] is False and validation["output_valid"] is True
