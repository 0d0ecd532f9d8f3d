"""The cap dialect: the primitive attribute, each op's verifier, round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from xdsl.dialects.builtin import ArrayAttr, IntegerAttr, StringAttr, UnitAttr, i1, i64
from xdsl.utils.exceptions import VerifyException

from skillir import parse_ir, print_ir
from skillir.dialects.cap import (
    _OPS,
    CompensatedOp,
    GapOp,
    PrimAttr,
    ProfileOp,
    RequireOp,
    SubstitutedOp,
    gap_kind,
    prim,
)
from skillir.errors import SkillIRError
from skillir.profiles.catalog import catalog

SKILL = 'builtin.module {{\n  skill.skill @s attributes {{metadata = {{}}, source = "s"}} {{\n{body}\n  }}\n}}\n'


def module(body: str):
    return parse_ir(SKILL.format(body=body))


def test_prim_attr_is_cached_and_prints_compactly():
    a = prim("gen.code.python", 3)
    assert a is prim("gen.code.python", 3)
    assert a.id == "gen.code.python" and a.value == 3
    assert str(a) == "gen.code.python L3"
    m = module('    cap.require #cap.prim<gen.code.python, 3> {evidence = "x", rule = "r"}')
    assert "#cap.prim<gen.code.python, 3>" in print_ir(m)


@pytest.mark.parametrize("text", ["#cap.prim<gen.code.cobol, 2>", "#cap.prim<gen.code.python, 7>"])
def test_prim_attr_checked_against_the_catalog(text):
    with pytest.raises(SkillIRError, match="invalid attribute"):
        module(f'    cap.require {text} {{evidence = "x", rule = "r"}}')


@given(st.sampled_from(catalog().ids), st.integers(min_value=1, max_value=3))
def test_every_primitive_round_trips(pid, level):
    m = module(f'    cap.require #cap.prim<{pid}, {level}> {{evidence = "e", rule = "r"}}')
    m.verify()
    again = parse_ir(print_ir(m))
    assert print_ir(again) == print_ir(m)
    assert parse_ir(print_ir(m, generic=True)).is_structurally_equivalent(m)


def test_all_ops_use_the_compiled_verifier():
    assert all(hasattr(op.verify_, "generic") for op in _OPS)


def _props(**kw):
    out = {}
    for k, v in kw.items():
        out[k] = StringAttr(v) if isinstance(v, str) else v
    return out


CASES = [
    (RequireOp, _props(prim=prim("tool.exec", 2), evidence="x", rule="r"), None),
    (RequireOp, _props(prim=prim("tool.exec", 0), evidence="x", rule="r"), "level 1..3"),
    (RequireOp, _props(prim=prim("tool.exec", 2), rule="r"), "evidence"),
    (GapOp, _props(prim=prim("tool.exec", 2), available=IntegerAttr(1, i64), kind=gap_kind("weak")), None),
    (GapOp, _props(prim=prim("tool.exec", 2), available=IntegerAttr(0, i64), kind=gap_kind("weak")), "missing"),
    (GapOp, _props(prim=prim("tool.exec", 2), available=IntegerAttr(3, i64), kind=gap_kind("weak")), "available <"),
    # the closed vocabularies are enum attributes: a plain string is not a gap kind,
    (GapOp, _props(prim=prim("tool.exec", 2), available=IntegerAttr(1, i64), kind="weak"), "cap.gap_kind"),
    # and integers are i64
    (GapOp, _props(prim=prim("tool.exec", 2), available=IntegerAttr(1, i1), kind=gap_kind("weak")), "i64"),
    (ProfileOp, _props(model="m", harness="h", source="s", date="d",
                       capabilities=ArrayAttr([StringAttr("tool.exec")])), "cap.prim"),
    (CompensatedOp, _props(prim=prim("gen.regex", 3), method="degradation-guidance",
                           to=ArrayAttr([prim("gen.regex", 2)])), None),
    (CompensatedOp, _props(prim=prim("gen.regex", 3), method="degradation-guidance",
                           to=ArrayAttr([prim("gen.regex", 3)])), "lower the level"),
    (SubstitutedOp, _props(prim=prim("gen.code.python", 3), equivalence="tabular-query", path="sql",
                           to=ArrayAttr([prim("gen.code.sql", 2)])), None),
    (SubstitutedOp, _props(prim=prim("gen.code.python", 3), equivalence="tabular-query", path="sql",
                           to=ArrayAttr([prim("gen.code.sql", 1)])), "requires"),
]


@pytest.mark.parametrize(("cls", "props", "error"), CASES)
def test_compiled_and_generic_verifiers_agree(cls, props, error):
    from xdsl.dialects.builtin import ModuleOp
    from xdsl.ir import Block, Region

    from skillir.dialects.skill import SkillOp

    op = cls.create(properties=props)
    skill = SkillOp.create(properties={"sym_name": StringAttr("s"), "metadata": _dict(),
                                       "source": StringAttr("s")}, regions=[Region(Block([op]))])
    ModuleOp([skill])
    outcomes = []
    for verify in (op.verify_, lambda: type(op).verify_.generic(op)):
        try:
            verify()
            outcomes.append(None)
        except VerifyException as exc:
            outcomes.append(str(exc))
    assert (outcomes[0] is None) == (outcomes[1] is None)
    if error is None:
        assert outcomes[0] is None
    else:
        assert error in outcomes[0]


def _dict():
    from xdsl.dialects.builtin import DictionaryAttr

    return DictionaryAttr({})


@pytest.mark.parametrize(("text", "error"), [
    ('cap.gap #cap.prim<tool.exec, 2> small {available = 1 : i64}', "Expected `missing`, or `weak`"),
    ('"cap.gap"() <{prim = #cap.prim<tool.exec, 2>, kind = "weak", available = 1 : i64}> : () -> ()',
     "cap.gap_kind"),
])
def test_gap_kind_is_an_enum_in_both_forms(text, error):
    with pytest.raises(SkillIRError, match=error):
        _verify(module(f"    {text}"))


def _verify(m):
    from skillir.ir import verify_module

    verify_module(m)


def test_gap_kind_reads_as_its_word():
    m = module('    cap.require #cap.prim<tool.exec, 2> {evidence = "x", rule = "r"}\n'
               '    cap.gap #cap.prim<tool.exec, 2> weak {available = 1 : i64}')
    gap = next(op for op in m.walk() if isinstance(op, GapOp))
    assert gap.kind.data == "weak" and f"{gap.kind.data}" == "weak" and gap.size == 1
    assert "cap.gap #cap.prim<tool.exec, 2> weak {available = 1 : i64}" in print_ir(m)
    assert "kind = #cap<gap_kind weak>" in print_ir(m, generic=True)


def test_profile_levels_and_target():
    op = ProfileOp.create(properties=_props(
        model="m", harness="h", source="s", date="d",
        capabilities=ArrayAttr([prim("tool.exec", 1), prim("gen.regex", 3)]), synthetic=UnitAttr()))
    assert op.target == "h/m"
    assert op.levels() == {"tool.exec": 1, "gen.regex": 3}


def test_prim_attr_rejects_bad_construction():
    with pytest.raises(VerifyException):
        PrimAttr("not.a.primitive", 1)
