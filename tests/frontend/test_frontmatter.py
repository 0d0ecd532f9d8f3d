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
