"""Skills written in Chinese (`skillir.readers.chinese`, skillir/data/chinese.json): list
items that open with a verb are instructions, modal words make binding rules, and the
prose cues name the primitives the English rules would; through the frontend and
infer-capabilities, a Chinese numbered procedure reads like its English twin."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillir.capability.inference import infer_skill
from skillir.dialects.skill import ConstraintOp, StepOp, skills_of
from skillir.frontend import classify
from skillir.frontend.skill_md import load_skill
from skillir.readers import chinese
from skillir.xdsl_compat.walk import walk_ops


@pytest.mark.parametrize(("lead", "expected"), [
    ("读取 `references/setup.md` 并按其步骤安装", True),
    ("首先运行 `pytest`，确认全部通过", True),
    ("然后再检查输出目录", True),
    ("将结果保存到 `report.md`", True),
    ("**生成**周报", True),
    ("本技能用于生成周报", False),   # says what the skill is for
    ("数据准备阶段的说明", False),
    ("Run the tests", False),         # English is the English classifier's
    ("", False),
])
def test_imperative_lead(lead, expected):
    assert chinese.imperative(lead) is expected


@pytest.mark.parametrize(("text", "kind"), [
    ("提交前必须运行测试", "must"),
    ("严禁在生产环境直接执行", "never"),
    ("不要修改原始数据", "do-not"),
    ("- **不要**修改原始数据", "do-not"),
    ("完成后。不能跳过校验", "must-not"),
    ("总是先备份", "always"),
    ("脚本不能处理加密的 PDF", None),  # a fact about a tool, not a rule: `不能` binds only at a start
    ("输出一个表格", None),
    ("Never push to main", None),     # English: classify's own keywords
])
def test_constraint_kind(text, kind):
    assert chinese.constraint_kind(text) == kind


def test_negated_cue_does_not_count():
    assert [c.name for c in chinese.prose_cues("将结果保存到 `out.json`")] == ["zh.write.file"]
    assert chinese.prose_cues("不要保存 `out.json`") == []


def test_prose_cues_skip_what_is_already_found():
    best = {"tool.file.read": 2}
    assert chinese.prose_cues("读取 `a.md`", best) == []
    assert [c.prim for c in chinese.prose_cues("读取 `a.md`")] == ["tool.file.read"]


def test_english_text_reads_nothing_here():
    assert chinese.prose_cues("Read `a.md` and save `b.json`") == []
    assert chinese.constraint_kind("You MUST run it") is None


def test_classifier_hands_chinese_to_the_reader():
    # list items only: a paragraph that opens with a verb ("使用此技能...") is too often a description
    assert classify.is_imperative("1. 运行 `make test`", in_list=True)
    assert not classify.is_imperative("使用此技能来生成周报。", in_list=False)
    assert classify.constraint_kind("- 必须先确认用户需求") == "must"
    assert classify.constraint_kind("- MUST confirm first") == "must"


_BODY = {
    "zh": ("## 工作流程\n\n1. 读取 `references/guide.md`，了解约定\n2. 运行 `python prepare.py` 准备数据\n"
           "3. 检查输出是否完整\n4. 将结果保存到 `report.md`\n\n## 规则\n\n- 必须先确认用户需求\n"
           "- 不要修改原始数据\n\n输出格式如下：\n"),
    "en": ("## Workflow\n\n1. Read `references/guide.md` for the conventions\n2. Run `python prepare.py` to prepare the data\n"
           "3. Check that the output is complete\n4. Save the result to `report.md`\n\n## Rules\n\n"
           "- You must confirm the request first\n- Do not modify the raw data\n\nUse the following format:\n"),
}


def _skill(tmp_path: Path, lang: str):
    folder = tmp_path / lang
    folder.mkdir()
    (folder / "references").mkdir()
    (folder / "references" / "guide.md").write_text("# Guide\n")
    (folder / "SKILL.md").write_text(f"---\nname: {lang}-report\ndescription: Prepare data and write a report.\n---\n\n"
                                     f"# Report\n\n{_BODY[lang]}", encoding="utf-8")
    return next(iter(skills_of(load_skill(folder))))


def test_a_chinese_procedure_reads_like_its_english_twin(tmp_path):
    zh, en = _skill(tmp_path, "zh"), _skill(tmp_path, "en")
    for skill in (zh, en):
        numbered = [op for op in walk_ops(skill) if isinstance(op, StepOp) and op.text.data[:1].isdigit()]
        assert len(numbered) == 4
        assert len([op for op in walk_ops(skill) if isinstance(op, ConstraintOp)]) == 2
    found = {lang: {r.prim for r in infer_skill(skill)} for lang, skill in (("zh", zh), ("en", en))}
    wanted = {"follow.procedure", "follow.constraint", "follow.format", "tool.file.read", "tool.file.write",
              "tool.exec"}
    assert wanted <= found["en"]
    assert wanted <= found["zh"]


def test_a_chinese_skill_still_round_trips(tmp_path):
    from skillir import emit_markdown
    from skillir.ir import parse_module, print_module

    skill = _skill(tmp_path, "zh")
    module = skill.parent_op()
    original = (tmp_path / "zh" / "SKILL.md").read_text(encoding="utf-8")
    assert emit_markdown(module) == original
    assert emit_markdown(parse_module(print_module(module))) == original


@pytest.mark.parametrize("text, roles", [
    ("先总结论文内容，生成 `summary.md`；再读取 `spec.md`。", [("summary.md", "write"), ("spec.md", "read")]),
    ("把回答写进 `CLAUDE.md` 的占位。", [("CLAUDE.md", "write")]),
    # a verb governs only its own clause: the write of the first does not reach the second
    ("生成报告。`notes.md` 是参考资料。", [("notes.md", "read")]),
    ("参考 `a.md`，生成 `b.md`", [("a.md", "read"), ("b.md", "write")]),
])
def test_file_verbs_govern_the_files_of_their_clause(text, roles):
    from skillir.frontend.classify import text_file_roles
    assert text_file_roles(text) == roles
    assert chinese.file_verbs("读取 `a.md`，生成 `b.md`。") == [(0, "read"), (10, "write"), (19, "")]
