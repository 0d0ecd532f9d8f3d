"""The env dialect: ops round-trip in custom and generic form; verifiers reject what
the types cannot."""

from __future__ import annotations

import pytest

from skillir.errors import SkillIRError
from skillir.ir import parse_module, print_module
from skillir.pipeline import verify_module

GOOD = """builtin.module {
  skill.skill @s attributes {metadata = {name = "s"}, source = "s/SKILL.md"} {
    skill.text "Use pypdf.\\n"
    env.bind {
      env.require pip "pypdf" from import {confidence = 90 : i64, present = true, version = "5.1.0", modules = ["pypdf"], check = "py_has pypdf pypdf", install = "pip_install pypdf", evidence = [#env.evidence<"SKILL.md":16, import, "from pypdf import PdfReader">, #env.evidence<"scripts/m.py":3, import, "import pypdf">]}
      env.require npm global "@acme/cli" from frontmatter {confidence = 100 : i64, optional, bins = ["acme"], check = "has_cmd acme", install = "npm_install global @acme/cli", evidence = [#env.evidence<"SKILL.md":4, frontmatter, "metadata: {...}">]}
      env.require service "KAGI_API_KEY" from comment {confidence = 80 : i64, check = "has_env KAGI_API_KEY", install = "", evidence = [#env.evidence<"SKILL.md":0, comment, "Requires KAGI_API_KEY">]}
      env.note skipped "scripts/blob.py" "binary file (NUL bytes); not scanned" {line = 1 : i64}
      env.probe {python = "/usr/bin/python3", python_version = "3.11.2", platform = "linux-x86_64", managers = ["apt-get"], root = false, venv = true, checked = 3 : i64, missing = 1 : i64, duration_ms = 12 : i64}
      env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\\nset -euo pipefail\\n"}
    }
  }
}
"""


def test_round_trip_custom_and_generic():
    module = parse_module(GOOD)
    verify_module(module)
    text = print_module(module)
    assert 'env.require pip "pypdf" from import {confidence = 90 : i64, present = true' in text
    assert 'env.require npm global "@acme/cli" from frontmatter {confidence = 100 : i64, optional,' in text
    assert '#env.evidence<"scripts/m.py":3, import, "import pypdf">' in text
    assert print_module(parse_module(text)) == text
    generic = print_module(module, generic=True)
    assert '"env.require"() <{kind = #env<dep_kind pip>, package = "pypdf", source = #env<source import>,' in generic
    assert 'scope = #env<scope global>' in generic and '"env.note"() <{kind = #env<note_kind skipped>' in generic
    assert print_module(parse_module(generic)) == text


def test_markdown_emitter_skips_env_ops():
    import io

    from skillir.backends.markdown import emit

    out = io.StringIO()
    emit(parse_module(GOOD), out)
    assert out.getvalue() == "Use pypdf.\n"


def _bad(body: str) -> str:
    return (
        'builtin.module {\n  skill.skill @s attributes {metadata = {}, source = "s"} {\n    env.bind {\n'
        + body + "\n    }\n  }\n}\n"
    )


REQ = ('env.require {kind} "{name}" from {source} {{confidence = {conf} : i64, check = "{check}", '
       'install = "", evidence = {evidence}}}')
EV = '[#env.evidence<"SKILL.md":1, import, "x">]'


def req(kind="pip", name="x", source="import", conf=50, check="py_has x", evidence=EV):
    return REQ.format(kind=kind, name=name, source=source, conf=conf, check=check, evidence=evidence)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (req(kind="gem"), "Expected `pip`, `npm`, `system`, or `service`"),
        (req(name="two words"), "one non-empty word"),
        (req(source="guess"), "Expected `import`, `shell-command`"),
        (req(source="import").replace("pip", "pip global"), "'scope' is for npm dependencies only"),
        (req(conf=150), "confidence is a percentage"),
        (req(evidence="[]"), "at least one piece of evidence"),
        (req(check=""), "'check' must be one non-empty shell line"),
        (req() + "\n" + req(), "required twice"),
        ('env.note weird "f" "m"', "Expected `skipped`, `fallback`, `dropped`, or `probe`"),
        ('env.setup "env-setup.sh" {script = "echo hi"}', "starts with a '#!' line"),
        ('env.setup "a/b.sh" {script = "#!/bin/sh"}', "path is a file name"),
        (
            'env.probe {python = "p", python_version = "", platform = "", managers = [], root = false, '
            "venv = false, checked = 1 : i64, missing = 2 : i64, duration_ms = 0 : i64}",
            "'missing' must be between 0 and 'checked'",
        ),
    ],
)
def test_verifier_rejects(body, message):
    with pytest.raises(SkillIRError, match=message):
        verify_module(parse_module(_bad(body)))


def test_evidence_attribute_checks_its_kind():
    with pytest.raises(SkillIRError, match="Expected `import`, `shell-command`"):
        parse_module(_bad(req(evidence='[#env.evidence<"SKILL.md":1, hunch, "x">]')))


def test_require_outside_bind_is_rejected():
    text = ('builtin.module {\n  skill.skill @s attributes {metadata = {}, source = "s"} {\n    '
            + req() + "\n  }\n}\n")
    with pytest.raises(SkillIRError, match="env.bind"):
        verify_module(parse_module(text))


def test_a_shell_command_source_is_quoted_and_reads_back():
    text = _bad(req(source='"shell-command"').replace(EV, '[#env.evidence<"SKILL.md":1, "shell-command", "x">]'))
    module = parse_module(text)
    verify_module(module)
    printed = print_module(module)
    assert 'env.require pip "x" from "shell-command" {' in printed
    assert '#env.evidence<"SKILL.md":1, "shell-command", "x">' in printed
    (op,) = [o for o in module.walk() if o.name == "env.require"]
    assert op.source.data == "shell-command" and op.evidence.data[0].via.data == "shell-command"


def test_dependency_records_hold_plain_strings():
    from skillir.envbind.ir import dependencies_of, notes_of

    deps = dependencies_of(parse_module(GOOD))
    assert [(d.kind, d.scope, d.source) for d in deps] == [
        ("pip", "", "import"), ("npm", "global", "frontmatter"), ("service", "", "comment")]
    assert all(type(d.kind) is str and all(type(e.via) is str for e in d.evidence) for d in deps)
    assert [(n.kind, type(n.kind)) for n in notes_of(parse_module(GOOD))] == [("skipped", str)]
