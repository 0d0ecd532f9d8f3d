"""The xdsl workarounds (skillir.xdsl_compat) do what they say."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

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
    from skillir.xdsl_compat.walk import first_block_ops, walk_ops, walk_region

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
            for op in walked:  # each region's first block, as `first_block_ops` reads it
                for region in op.regions:
                    first = region.blocks.first
                    assert first_block_ops(region) == (tuple(first.ops) if first is not None else ())
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
    two_blocks = multi.body.block.first_op.regions[0]  # only the first block's ops
    assert [o.attributes["n"].data for o in first_block_ops(two_blocks)] == ["a"]
    assert first_block_ops(Region()) == ()
    for post in (False, True):  # a region's ops in pre-order and in post-order
        assert [id(o) for o in walk_region(multi.body, post=post)] == [
            id(o) for o in multi.body.walk(region_first=post)]


def test_rewrite_roots_offers_a_pattern_what_xdsl_walker_offers_it_in_the_same_order():
    """`rewrite_roots` filters xdsl's walk by root name: a pattern that records the ops it
    is offered (and erases some, so later offers must skip them and what they held) sees
    the same ops of its roots, in the same order, as under xdsl's walker, on corpus skills
    compiled to the harness level and for both walk orders."""
    from xdsl.pattern_rewriter import PatternRewriter, PatternRewriteWalker, RewritePattern

    from corpus_paths import corpus_skill_dirs
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target
    from skillir.xdsl_compat.rewrite import rewrite_roots

    roots = frozenset({"skill.step", "skill.section", "skill.code", "harness.batch"})

    class Record(RewritePattern):
        def __init__(self):
            self.seen: list[str] = []

        def match_and_rewrite(self, op, rewriter: PatternRewriter) -> None:
            if op.name in roots:
                self.seen.append(op.name + ":" + str(op.properties.get("text", op.properties.get("title"))))
                if len(self.seen) % 3 == 0 and not any(r.uses for r in op.results):
                    rewriter.erase(op, safe_erase=False)

    passes = stage_passes("harness", Target.parse("claude-code/opus-4.6"), probe=False)
    seen_any = 0
    for skill in corpus_skill_dirs()[::12]:
        for regions_first in (False, True):
            a, b = Record(), Record()
            module = load_skill(skill)
            PassManager(passes=passes, verify_each=False).run(module)
            PatternRewriteWalker(a, walk_regions_first=regions_first, apply_recursively=False).rewrite_module(module)
            module = load_skill(skill)
            PassManager(passes=passes, verify_each=False).run(module)
            rewrite_roots(module, b, roots, regions_first=regions_first)
            assert a.seen == b.seen, (skill.name, regions_first)
            seen_any += len(a.seen)
    assert seen_any > 50


def _passes(check, module) -> bool:
    try:
        check(module)
    except Exception:  # noqa: BLE001 - any failure counts as "does not verify"
        return False
    return True


def test_verify_tree_never_passes_what_xdsl_rejects():
    """The fast verifier may only say "fine" when xdsl's verify does too (on mutated IR
    of corpus skills and on compiled modules); where it doubts, verify_module asks xdsl."""
    import random

    from hostile_cases import mutate_ir

    from corpus_paths import corpus_skill_dirs
    from skillir.errors import SkillIRError
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target
    from skillir.xdsl_compat.verify import verify_tree

    dirs = corpus_skill_dirs()[::10]
    texts = [print_module(load_skill(d)) for d in dirs]
    rng = random.Random(7)
    seen = {"both fine": 0, "both refuse": 0, "only xdsl fine": 0}
    for _ in range(300):
        try:
            module = parse_module(mutate_ir(rng, rng.choice(texts)), "fuzz.mlir")
        except SkillIRError:
            continue
        fast, slow = _passes(verify_tree, module), _passes(lambda m: m.verify(), module)
        assert not (fast and not slow), "verify_tree accepted IR that xdsl rejects"
        seen["both fine" if fast else ("only xdsl fine" if slow else "both refuse")] += 1
    assert seen["both fine"] > 50
    passes = stage_passes("harness", Target.parse("bare-agent/qwen3.5-9b"), probe=False)
    for skill in dirs[:4]:
        module = load_skill(skill)
        PassManager(passes=passes, verify_each=False).run(module)
        assert _passes(verify_tree, module) and _passes(lambda m: m.verify(), module)


def test_verify_tree_refuses_broken_structure_and_properties():
    from xdsl.dialects.builtin import IntegerAttr, i64

    from corpus_paths import corpus_skill_dirs
    from skillir.dialects.conc import JoinOp, ParallelOp
    from skillir.dialects.skill import SkillOp, StepOp
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target
    from skillir.xdsl_compat.verify import verify_tree

    def both_refuse(module) -> bool:
        return not _passes(verify_tree, module) and not _passes(lambda m: m.verify(), module)

    dirs = corpus_skill_dirs()
    module = load_skill(dirs[0])
    skill = next(o for o in module.walk() if isinstance(o, SkillOp))
    skill.properties["source"] = IntegerAttr(1, i64)  # a property of the wrong type
    assert both_refuse(module)
    module = load_skill(dirs[0])
    step = next(o for o in module.walk() if isinstance(o, StepOp))
    step.parent = None  # a parent pointer that lies
    assert both_refuse(module)
    passes = stage_passes("conc", Target.parse("claude-code/opus-4.6"), probe=False)
    for skill_dir in dirs:
        module = load_skill(skill_dir)
        PassManager(passes=passes, verify_each=False).run(module)
        group = next((o for o in module.walk() if isinstance(o, ParallelOp)), None)
        if group is not None:
            break
    assert group is not None, "no corpus skill with a parallel group"
    join = next(o for o in group.walk() if isinstance(o, JoinOp))
    join.detach()
    join.erase(safe_erase=False)  # the group's region no longer ends with its terminator
    assert both_refuse(module)


def test_new_op_and_new_block_build_what_create_and_block_build():
    """The frontend's fast constructors give the same IR as xdsl's: same printed
    module, same links, same verifier verdict, on the corpus and on a hand-made tree."""
    from xdsl.dialects.builtin import IntAttr, StringAttr
    from xdsl.ir import Block, Region

    from skillir.attrs import i64_attr
    from skillir.dialects.skill import CodeOp, SectionOp, TextOp
    from skillir.ir import verify_module
    from skillir.xdsl_compat.build import int_attr, new_block, new_op, text_attr

    assert text_attr("héllo") == StringAttr("héllo") and hash(text_attr("x")) == hash(StringAttr("x"))
    assert int_attr(7) == IntAttr(7)

    def tree(make_op, make_block):
        text = make_op(TextOp, {"text": StringAttr("Some prose.\n\n")})
        code = make_op(CodeOp, {"lang": StringAttr("bash"), "body": StringAttr("ls\n")})
        inner = make_op(SectionOp, {"title": StringAttr("Inner"), "level": i64_attr(3)},
                        regions=[Region(make_block([code]))])
        return make_op(SectionOp, {"title": StringAttr("Outer"), "level": i64_attr(2)},
                       regions=[Region(make_block([text, inner]))])

    def create(cls, props, regions=()):
        return cls.create(properties=props, regions=regions)

    fast, slow = tree(new_op, new_block), tree(create, Block)
    assert str(fast) == str(slow)
    for a, b in zip(fast.walk(), slow.walk(), strict=True):
        assert a.name == b.name and a.properties == b.properties and a.location == b.location
        assert (a.parent_op() is None) == (b.parent_op() is None)
        assert (a.next_op is None) == (b.next_op is None) and (a.prev_op is None) == (b.prev_op is None)
    block = fast.regions[0].block
    assert [op.name for op in block.ops] == ["skill.text", "skill.section"]
    assert block.first_op.next_op is block.last_op and block.last_op.prev_op is block.first_op
    fast.verify()

    import pytest

    with pytest.raises(ValueError, match="already attached"):
        new_block([block.first_op])

    from corpus_paths import corpus_skill_dirs
    from skillir.frontend.skill_md import load_skill

    for path in corpus_skill_dirs()[:40]:
        module = load_skill(path)
        verify_module(module)
        assert print_module(parse_module(print_module(module))) == print_module(module)


def _same_fields(fast, slow) -> None:
    """The two IR trees have the same nodes with the same fields (set on the instance
    or read from the class's default), links pointing at corresponding nodes, results
    of the same types and equal values elsewhere."""
    from xdsl.ir import Block, Operation, Region

    node_types = (Operation, Block, Region)
    pairs = list(zip(_nodes(fast), _nodes(slow), strict=True))
    partner = {id(a): b for a, b in pairs}
    for a, b in pairs:
        assert type(a) is type(b)
        for name in {*vars(a), *vars(b)}:
            mine, other = getattr(a, name), getattr(b, name)
            if isinstance(mine, node_types):
                assert partner[id(mine)] is other, name
            elif name == "results":
                assert [r.type for r in mine] == [r.type for r in other]
                assert all(r.owner is a and r.index == i for i, r in enumerate(mine))
            elif isinstance(mine, tuple) and mine and isinstance(mine[0], node_types):
                assert [partner[id(v)] for v in mine] == list(other), name
            else:
                assert mine == other, name


def _nodes(root):
    """Every op, region and block under `root`, itself first."""
    from xdsl.ir import Operation, Region

    yield root
    if isinstance(root, Operation):
        for region in root.regions:
            yield from _nodes(region)
    elif isinstance(root, Region):
        for block in root.blocks:
            yield from _nodes(block)
    else:
        for op in root.ops:
            yield from _nodes(op)


def test_new_region_and_new_op_regions_build_what_region_and_add_region_build():
    """`new_region(ops)` is `Region(Block(ops))`, and `new_op`'s regions are attached as
    `add_region` attaches them: the same fields on every op, region and block (empty
    blocks and ops without regions included), the same printed IR, the same refusals."""
    from xdsl.ir import Block, Region

    from skillir.attrs import i64_attr
    from skillir.dialects.skill import CodeOp, SectionOp, StepOp, TextOp
    from skillir.xdsl_compat.build import new_op, new_region, text_attr

    def tree(make_op, make_region):
        text = make_op(TextOp, {"text": text_attr("Some prose.\n\n")})
        code = make_op(CodeOp, {"lang": text_attr("bash"), "body": text_attr("ls\n")})
        step = make_op(StepOp, {"text": text_attr("Run it.\n")}, regions=[make_region([code])])
        empty = make_op(SectionOp, {"title": text_attr("Empty"), "level": i64_attr(3)},
                        regions=[make_region([])])
        return make_op(SectionOp, {"title": text_attr("Outer"), "level": i64_attr(2)},
                       regions=(make_region([text, step, empty]),))

    def create(cls, props, regions=()):
        return cls.create(properties=props, regions=regions)

    fast, slow = tree(new_op, new_region), tree(create, lambda ops: Region(Block(ops)))
    assert str(fast) == str(slow)
    _same_fields(fast, slow)
    fast.verify()

    region = new_region([])
    owner = new_op(SectionOp, {"title": text_attr("T"), "level": i64_attr(2)}, regions=[region])
    assert region.parent is owner and owner.regions == (region,)
    with pytest.raises(ValueError, match="already attached"):
        new_op(SectionOp, {"title": text_attr("U"), "level": i64_attr(2)}, regions=[region])
    with pytest.raises(ValueError, match="already attached"):
        SectionOp.create(properties={"title": text_attr("U"), "level": i64_attr(2)}, regions=[region])
    with pytest.raises(ValueError, match="already attached"):
        new_region([fast.regions[0].block.first_op])


@pytest.mark.parametrize("values", [[], [1], [3, 1, 2], [0, -1, 2**63 - 1, -(2**63)], list(range(1, 200))])
def test_i64_array_is_xdsl_dense_array(values: list[int]) -> None:
    """`i64_array` (the workflow's and the graph's arrays) is the attribute xdsl's
    `DenseArrayBase.from_list(i64, ...)` makes, and passes the check it skips."""
    from xdsl.dialects.builtin import DenseArrayBase, i64

    from skillir.xdsl_compat.build import i64_array

    made = i64_array(values)
    expected = DenseArrayBase.from_list(i64, values)
    assert made == expected
    assert hash(made) == hash(expected)
    assert str(made) == str(expected)
    assert made.get_values() == tuple(values)
    made.verify()  # what the skipped construction-time check would have run


def test_verify_isolated_decides_what_xdsl_decides():
    """The one-walk IsolatedFromAbove check accepts the corpus modules xdsl's accepts
    and refuses, with xdsl's own message, a value used outside the module it comes from."""
    import pytest
    from xdsl.traits import IsolatedFromAbove
    from xdsl.utils.exceptions import VerifyException

    from corpus_paths import corpus_skill_dirs
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target
    from skillir.xdsl_compat.isolated import _UPSTREAM, verify_isolated

    trait = IsolatedFromAbove()
    passes = stage_passes("conc", Target.parse("bare-agent/qwen3.5-9b"), probe=False)
    users = []
    for skill_dir in corpus_skill_dirs()[::8]:
        module = load_skill(skill_dir)
        PassManager(passes=passes, verify_each=False).run(module)
        assert _passes(lambda m: _UPSTREAM(trait, m), module)
        assert _passes(lambda m: verify_isolated(trait, m), module)
        users += [(module, op) for op in module.walk() if op.operands]
    assert len(users) > 20  # the modules use values: the check had something to look at

    first, second = users[0][0], next(m for m, _ in users if m is not users[0][0])
    stranger = next(op for op in second.walk() if op.results)
    # each user in turn takes a value from another module: whichever the walk meets
    # first, the check remembers what it found inside and must still refuse it
    for user in [op for module, op in users if module is first]:
        kept = tuple(user.operands)
        user.operands = (stranger.results[0], *kept[1:])
        with pytest.raises(VerifyException) as upstream:
            _UPSTREAM(trait, first)
        with pytest.raises(VerifyException) as ours:
            verify_isolated(trait, first)
        assert str(ours.value) == str(upstream.value)
        assert "IsolatedFromAbove" in str(ours.value)
        user.operands = kept
    assert _passes(lambda m: verify_isolated(trait, m), first)


def test_fast_accessors_return_what_xdsl_accessors_return():
    """Every named operand, result and region accessor skillir.xdsl_compat.accessors put
    in place gives the very objects xdsl's own accessor gives, on corpus modules at the
    concurrency and harness levels (and writing through one is still refused)."""
    from corpus_paths import corpus_skill_dirs
    from skillir.frontend.skill_md import load_skill
    from skillir.pipeline import PassManager, stage_passes
    from skillir.target import Target
    from skillir.xdsl_compat.accessors import _FastAccessor
    from skillir.xdsl_compat.walk import walk_ops

    checked: set[tuple[str, str]] = set()
    for stage in ("conc", "harness"):
        passes = stage_passes(stage, Target.parse("claude-code/opus-4.6"), probe=False)
        for skill in corpus_skill_dirs()[::6]:
            module = load_skill(skill)
            PassManager(passes=passes, verify_each=False).run(module)
            for op in walk_ops(module):
                for name, accessor in vars(type(op)).items():
                    if not isinstance(accessor, _FastAccessor):
                        continue
                    fast, upstream = getattr(op, name), accessor.upstream.__get__(op)
                    if isinstance(upstream, tuple):
                        assert type(fast) is type(upstream) and [id(v) for v in fast] == [id(v) for v in upstream]
                    else:
                        assert fast is upstream, (op.name, name)
                    checked.add((op.name, name))
    assert len(checked) >= 15  # (the accessors the passes and the verifiers read most)
    from skillir.dialects.conc import TaskOp

    with pytest.raises(NotImplementedError):
        TaskOp.deps.__set__(object(), ())


def test_string_attr_is_what_string_attr_builds():
    """`string_attr` builds what `StringAttr` builds for a `str` and leaves anything else
    to `StringAttr` (so a non-string value gets what it always got)."""
    from xdsl.dialects.builtin import StringAttr

    from skillir.xdsl_compat.build import string_attr

    for value in ["", "plain", "ünïcode \n text"]:
        made, expected = string_attr(value), StringAttr(value)
        assert made == expected and hash(made) == hash(expected) and str(made) == str(expected)
    def outcome(make):
        try:
            return ("made", make(3))
        except Exception as exc:  # noqa: BLE001 - whatever xdsl does with a non-string
            return ("raised", type(exc), str(exc))

    assert outcome(string_attr) == outcome(StringAttr)
