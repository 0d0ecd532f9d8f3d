"""The compiled verifiers accept and reject exactly what xdsl's generic IRDL verifier
does, on every op of real skills and on broken variants of them."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import IntegerAttr, ModuleOp, StringAttr, i64
from xdsl.ir import Block, Region
from xdsl.utils.exceptions import VerifyException

from corpus_paths import corpus_skill_dirs
from skillir import load_skill
from skillir.dialects.skill import _OPS, ArtifactType, CodeOp, SectionOp, StepOp, TextOp, YieldOp


def outcome(fn, op) -> str | None:
    try:
        fn(op)
    except VerifyException as exc:
        return type(exc).__name__
    return None


def both(op) -> tuple[str | None, str | None]:
    return outcome(type(op).verify_, op), outcome(type(op).verify_.generic, op)


def test_every_skill_op_class_is_compiled():
    for cls in _OPS:
        assert hasattr(cls.verify_, "generic"), cls.name


@pytest.mark.parametrize("skill_dir", corpus_skill_dirs()[::10])
def test_agree_on_corpus_ops(skill_dir):
    ops = list(load_skill(skill_dir).walk())
    skill_ops = [op for op in ops if op.name.startswith("skill.")]
    # every op, builtin.module included (compiled by the skill dialect), has both
    assert [op.name for op in ops if op not in skill_ops] == ["builtin.module"]
    assert len(skill_ops) >= 2
    for op in ops:
        assert both(op) == (None, None), op.name


BROKEN = [
    lambda: TextOp.create(properties={}),  # missing property
    lambda: TextOp.create(properties={"text": IntegerAttr(1, i64)}),  # wrong type
    lambda: TextOp.create(properties={"text": StringAttr("x"), "extra": StringAttr("y")}),  # unknown property
    lambda: TextOp.create(properties={"text": StringAttr("x")}, regions=[Region()]),  # extra region
    lambda: StepOp.create(properties={"text": StringAttr("x")}, result_types=[StringAttr("t")]),  # result type
    lambda: StepOp.create(properties={"text": StringAttr("x")}, regions=[Region(), Region()]),  # two regions
    lambda: StepOp.create(properties={"text": StringAttr("x")}, regions=[Region([Block(), Block()])]),  # two blocks
    lambda: SectionOp.create(properties={"title": StringAttr("t")}, regions=[Region(Block())]),  # missing level
    lambda: SectionOp.create(properties={"title": StringAttr("t"), "level": IntegerAttr(2, i64)}),  # no region
    lambda: CodeOp.create(properties={"lang": StringAttr("py"), "body": StringAttr(""), "runnable": StringAttr("y")}),
]


def _value():
    return StepOp.create(properties={"text": StringAttr("x")}, result_types=[ArtifactType("a.md")]).results[0]


# checks skipped when an op has no operands, results, regions or properties must still
# run when it has some its class does not define
BROKEN += [
    lambda: TextOp.create(properties={"text": StringAttr("x")}, operands=[_value()]),  # an operand
    lambda: TextOp.create(properties={"text": StringAttr("x")}, result_types=[ArtifactType("a.md")]),  # a result
    lambda: YieldOp.create(properties={"text": StringAttr("x")}),  # a property of a class with none
    lambda: StepOp.create(properties={"text": StringAttr("x"), "sym_name": IntegerAttr(1, i64)}),  # optional, base
    lambda: StepOp.create(properties={"text": StringAttr("x"), "ordinal": StringAttr("3")}),  # optional, typed
    lambda: SectionOp.create(properties={"title": StringAttr("t"), "level": StringAttr("2")},
                             regions=[Region(Block())]),  # required, typed
    lambda: SectionOp.create(properties={"title": StringAttr("t"), "level": IntegerAttr(2, i64),
                                         "heading": StringAttr("## t"), "extra": StringAttr("y")},
                             regions=[Region(Block())]),  # unknown, after every defined one
]
BROKEN.append(lambda: ModuleOp.create(properties={"sym_name": IntegerAttr(1, i64)}, regions=[Region(Block())]))
BROKEN.append(lambda: ModuleOp.create(regions=[Region([Block(), Block()])]))  # builtin.module: one block


@pytest.mark.parametrize("make", BROKEN)
def test_agree_on_broken_ops(make):
    compiled, generic = both(make())
    assert compiled is not None and generic is not None


def test_agree_on_valid_built_ops():
    step = StepOp.create(
        properties={"text": StringAttr("Write it.\n"), "ordinal": IntegerAttr(3, i64)},
        result_types=[ArtifactType("a.md"), ArtifactType("b.md")],
        regions=[Region(Block([TextOp.create(properties={"text": StringAttr("x")})]))],
    )
    assert both(step) == (None, None)
