"""Sloppy front matter is read with a warning; unrecoverable YAML is a clean error."""

from __future__ import annotations

import pytest

from skillir.errors import SkillIRError
from skillir.frontend.frontmatter import split_front_matter


def test_plain_front_matter():
    front = split_front_matter(b"---\nname: a\ndescription: b\n---\n# x\n", "S")
    assert front.data == {"name": "a", "description": "b"} and not front.warnings
    assert front.end == len(b"---\nname: a\ndescription: b\n---\n")


def test_unquoted_colon_in_description_is_recovered():
    front = split_front_matter(b"---\nname: a\ndescription: Use it: for PDFs\n---\n", "S")
    assert front.data["description"] == "Use it: for PDFs"
    assert any("unquoted" in msg for _, msg in front.warnings)


def test_flow_style_json_metadata_is_read_with_a_warning():
    front = split_front_matter(b'---\nname: a\nmetadata: {"clawdbot": {"emoji": "x"}}\n---\n', "S")
    assert front.data["metadata"] == {"clawdbot": {"emoji": "x"}}
    assert any("flow-style" in msg for _, msg in front.warnings)


def test_crlf_front_matter():
    front = split_front_matter(b"---\r\nname: a\r\ndescription: b\r\n---\r\nbody", "S")
    assert front.data == {"name": "a", "description": "b"}


def test_no_front_matter():
    assert split_front_matter(b"# Title\n", "S").end == 0


def test_dates_become_strings():
    front = split_front_matter(b"---\nname: a\nupdated: 2026-01-02\n---\n", "S")
    assert front.data["updated"] == "2026-01-02"


def test_broken_yaml_falls_back_to_key_value_lines():
    front = split_front_matter(b"---\nname: a\ndescription: [unclosed\n  more: x\n---\n", "S")
    assert front.data["name"] == "a"
    assert front.warnings


def test_unclosed_front_matter_is_an_error():
    with pytest.raises(SkillIRError, match="never closed"):
        split_front_matter(b"---\nname: a\n", "S")


def test_unrecoverable_yaml_is_an_error():
    with pytest.raises(SkillIRError, match="cannot be recovered"):
        split_front_matter(b"---\n- just\n- a list: [\n---\n", "S")


def test_non_mapping_is_an_error():
    with pytest.raises(SkillIRError, match="mapping"):
        split_front_matter(b"---\njust a string\n---\n", "S")


def _constructed(value):
    """`python_to_attr` as written with xdsl's constructors throughout (the reference)."""
    from xdsl.dialects.builtin import (
        ArrayAttr,
        DictionaryAttr,
        FloatAttr,
        IntegerAttr,
        StringAttr,
        UnitAttr,
        f64,
        i1,
        i64,
    )

    if isinstance(value, dict):
        return DictionaryAttr({str(k): _constructed(v) for k, v in value.items()})
    if isinstance(value, bool):
        return IntegerAttr(int(value), i1)
    if isinstance(value, int) and -(1 << 63) <= value < (1 << 63):
        return IntegerAttr(value, i64)
    if isinstance(value, float):
        return FloatAttr(value, f64)
    if isinstance(value, list | tuple):
        return ArrayAttr([_constructed(v) for v in value])
    if value is None:
        return UnitAttr()
    return StringAttr(str(value))


def test_metadata_attributes_are_what_the_constructors_build():
    """The metadata of every corpus and devset skill's front matter, and odd values
    (str and dict subclasses, keys that are not strings, big ints, nesting), become the
    attributes xdsl's constructors build: equal, same types all the way down, same
    hash and the same printed form."""
    from collections import OrderedDict
    from pathlib import Path

    from corpus_paths import corpus_skill_dirs
    from skillir.attrs import python_to_attr

    class Name(str):
        pass

    def same(a, b) -> None:
        assert type(a) is type(b) and a == b and hash(a) == hash(b)
        assert str(a) == str(b)
        data = getattr(a, "data", None)
        if isinstance(data, tuple):
            for x, y in zip(data, b.data, strict=True):
                same(x, y)
        elif data is not None and not isinstance(data, str | int | float):
            assert type(data) is type(b.data)
            for key in data:
                same(data[key], b.data[key])

    root = Path(__file__).resolve().parents[2]
    skills = corpus_skill_dirs() + sorted(p.parent for p in (root / "benchmarks/devset/skills").glob("*/SKILL.md"))
    values: list[object] = [
        split_front_matter((skill / "SKILL.md").read_bytes(), "SKILL.md").data for skill in skills
    ]
    assert len(values) >= 120 and sum(bool(v) for v in values) >= 120
    values += [
        {"name": Name("x"), 3: "three", None: [1, 2.5, True, None, (1 << 63), -(1 << 63)]},
        OrderedDict(a={"b": {"c": ["d", {}]}}), "", {}, [], Name("plain"), {"": {"": ""}},
    ]
    for value in values:
        same(python_to_attr(value), _constructed(value))
