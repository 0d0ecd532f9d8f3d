"""The xdsl workarounds (skillir.xdsl_compat) do what they say."""

from __future__ import annotations

import io
import subprocess
import sys

from skillir.ir import parse_module, print_module


def test_utf8_string_with_escapes_stays_a_string():
    module = parse_module('builtin.module {\n  skill.skill @s attributes {metadata = {name = "s"}, '
                          'source = "né\\nx"} {\n  }\n}\n')
    assert 'source = "né\\nx"' in print_module(module)


def test_unterminated_string_is_a_prompt_error_not_a_hang():
    """xdsl's own regex backtracks exponentially here (24 characters took 6 s); the
    subprocess bound is generous: the point is that it ends, with one line."""
    text = 'builtin.module {\n  skill.skill @s attributes {source = "' + "a" * 4000 + "\\"
    done = subprocess.run([sys.executable, "-m", "skillir.tools.skill_opt", "-"], input=text,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "closing string literal" in done.stderr and done.stderr.count("\n") == 1


def test_printer_writes_utf8_and_short_escapes_and_reads_back():
    from xdsl.printer import Printer

    from skillir.xdsl_compat.printer import SkillPrinter

    def printed(cls) -> str:
        out = io.StringIO()
        cls(stream=out).print_string_literal('né\n\t"x"\\\x01')
        return out.getvalue()

    assert printed(Printer) == '"n\\C3\\A9\\0A\\09\\22x\\22\\\\\\01"'  # the upstream form
    assert printed(SkillPrinter) == '"né\\n\\t\\"x\\"\\\\\\01"'
    module = parse_module('builtin.module {\n  skill.skill @s attributes {metadata = {}, source = '
                          + printed(SkillPrinter) + '} {\n  }\n}\n')
    assert module.body.block.first_op.source.data == 'né\n\t"x"\\\x01'


def test_pass_spec_strips_the_wrapper_and_quotes_what_xdsl_cannot_lex():
    import pytest
    from xdsl.passes import PassPipeline

    from skillir.passes import get_all_passes
    from skillir.xdsl_compat.pass_spec import normalize_spec, parse_spec_errors

    raw = "builtin.module(bind-profile{target=bare-agent/qwen3.5-9b},analyze-gaps)"
    with pytest.raises(parse_spec_errors):  # upstream rejects the text as users write it
        PassPipeline.parse_spec(get_all_passes(), raw)
    spec = normalize_spec(raw)
    assert spec == 'bind-profile{target="bare-agent/qwen3.5-9b"},analyze-gaps'
    passes = PassPipeline.parse_spec(get_all_passes(), spec).passes
    assert [p.name for p in passes] == ["bind-profile", "analyze-gaps"]
    assert normalize_spec("x{s=a,b/c}") == 'x{s=a,"b/c"}'
    assert not issubclass(parse_spec_errors[0], Exception)  # why callers must name it


def test_walk_ops_visits_what_xdsl_walk_visits_in_the_same_order():
    """The fast walker reads xdsl's private linked-list fields: any drift from
    `op.walk()` (an xdsl update) shows here."""
    from corpus_paths import corpus_skill_dirs
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target
    from skillir.xdsl_compat.walk import walk_ops

    skills = corpus_skill_dirs()[::12]
    assert skills
    for target in ("claude-code/opus-4.6", "bare-agent/qwen3.5-9b"):
        passes = stage_passes("harness", Target.parse(target), probe=False)
        for skill in skills:
            module = load_skill(skill)
            assert [id(o) for o in walk_ops(module)] == [id(o) for o in module.walk()]
            PassManager(passes=passes, verify_each=False).run(module)
            walked = walk_ops(module)
            assert [id(o) for o in walked] == [id(o) for o in module.walk()], (target, skill.name)
            assert len(walked) > 10
    from xdsl.dialects.builtin import ModuleOp, StringAttr
    from xdsl.dialects.test import TestOp
    from xdsl.ir import Block, Region

    def named(name, regions=()):
        return TestOp.create(attributes={"n": StringAttr(name)}, regions=list(regions))

    inner = named("b", [Region(Block([named("c")]))])
    multi = ModuleOp([named("op", [Region([Block([named("a")]), Block([inner])]), Region(Block([named("d")]))])])
    names = [o.attributes["n"].data if "n" in o.attributes else o.name for o in walk_ops(multi)]
    assert names == [o.attributes["n"].data if "n" in o.attributes else o.name for o in multi.walk()]
    assert names == ["builtin.module", "op", "a", "b", "c", "d"]
