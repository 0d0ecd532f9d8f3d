"""The `env` dialect: what the environment must hold for a skill to run.

`bind-env` puts one `env.bind` at the end of a `skill.skill`. It holds an
`env.require` per dependency (what, how to check it, how to install it, where the
skill shows it, whether this machine has it), `env.note`s for input the pass skipped
or candidates it did not list, the `env.probe` that looked at this machine, and the
`env.setup` script that installs what is missing.

```mlir
skill.skill @"toml-writer" attributes {metadata = {...}, source = "toml-writer/SKILL.md"} {
  ...
  env.bind {
    env.require pip "tomli-w" from import {confidence = 90 : i64, present = false, modules = ["tomli_w"], check = "py_has tomli-w tomli_w", install = "pip_install tomli-w", evidence = [#env.evidence<"SKILL.md":12, import, "import tomli_w">]}
    env.require system "git" from "shell-command" {confidence = 85 : i64, present = true, bins = ["git"], apt = "git", brew = "git", check = "has_cmd git", install = "sys_install --apt git --brew git", evidence = [#env.evidence<"SKILL.md":23, "shell-command", "git add config.toml && git commit -m \"Add config\"">]}
    env.note skipped "scripts/blob.py" "binary file (NUL bytes); not scanned" {line = 2 : i64}
    env.probe {python = "/usr/bin/python3", python_version = "3.11.7", platform = "linux-x86_64", managers = ["apt-get", "dpkg", "npm"], root = false, venv = true, checked = 2 : i64, missing = 1 : i64, duration_ms = 215 : i64}
    env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\n..."}
  }
}
```

Dependency kinds, evidence sources, npm scopes and note kinds are enum attributes
(defined from the word lists of `skillir.deps.model`), printed as bare words (quoted
when they hold a hyphen) and as `#env<dep_kind pip>` in the generic form.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import I1, I64, ArrayAttr, IntAttr, IntegerAttr, StringAttr, UnitAttr
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import Attribute, Dialect, ParametrizedAttribute, SpacedOpaqueSyntaxAttribute
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    opt_prop_def,
    prop_def,
    region_def,
)
from xdsl.parser import AttrParser, Parser
from xdsl.printer import Printer
from xdsl.traits import HasParent, NoTerminator
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from skillir.deps.model import KINDS, NOTE_KINDS, SOURCES
from skillir.dialects.fast_verify import compile_verifier
from skillir.xdsl_compat.accessors import install as install_fast_accessors


def _words(name: str, words: tuple[str, ...], doc: str) -> type[StrEnum]:
    """A StrEnum over a word list of the IR-free layer below (one list, two views)."""
    enum = StrEnum(name, {w.upper().replace("-", "_"): w for w in words})  # type: ignore[misc]
    enum.__doc__ = doc
    return enum


DepKind = _words("DepKind", KINDS, "What installs a dependency (`skillir.deps.model.KINDS`).")
Source = _words("Source", SOURCES, "Where a dependency was seen (`skillir.deps.model.SOURCES`).")
NoteKind = _words("NoteKind", NOTE_KINDS, "Why `bind-env` wrote a note (`skillir.deps.model.NOTE_KINDS`).")
NpmScope = _words("NpmScope", ("global", "local"), "An npm dependency is a command (global) or a library (local).")


@irdl_attr_definition
class DepKindAttr(EnumAttribute[DepKind], SpacedOpaqueSyntaxAttribute):
    """`pip`, `npm`, `system`, `service`; `#env<dep_kind pip>` in the generic form."""

    name = "env.dep_kind"


@irdl_attr_definition
class SourceAttr(EnumAttribute[Source], SpacedOpaqueSyntaxAttribute):
    """`import`, `"shell-command"`, `comment`, `frontmatter`, `manifest`, `implied`."""

    name = "env.source"


@irdl_attr_definition
class NoteKindAttr(EnumAttribute[NoteKind], SpacedOpaqueSyntaxAttribute):
    """`skipped`, `fallback`, `dropped`, `probe`; `#env<note_kind skipped>` in the generic form."""

    name = "env.note_kind"


@irdl_attr_definition
class NpmScopeAttr(EnumAttribute[NpmScope], SpacedOpaqueSyntaxAttribute):
    """`global` or `local`; `#env<scope global>` in the generic form."""

    name = "env.scope"


_DEP_KINDS = {k.value: DepKindAttr(k) for k in DepKind}
_SOURCES = {k.value: SourceAttr(k) for k in Source}
_NOTE_KINDS = {k.value: NoteKindAttr(k) for k in NoteKind}
_SCOPES = {k.value: NpmScopeAttr(k) for k in NpmScope}


def dep_kind(kind: str) -> DepKindAttr:
    """The (shared) enum attribute of a dependency kind; KeyError if not one."""
    return _DEP_KINDS[kind]


def dep_source(source: str) -> SourceAttr:
    """The (shared) enum attribute of an evidence source; KeyError if not one."""
    return _SOURCES[source]


def note_kind(kind: str) -> NoteKindAttr:
    """The (shared) enum attribute of a note kind; KeyError if not one."""
    return _NOTE_KINDS[kind]


def npm_scope(scope: str) -> NpmScopeAttr:
    """The (shared) enum attribute of an npm scope; KeyError if not one."""
    return _SCOPES[scope]


@irdl_attr_definition
class EvidenceAttr(ParametrizedAttribute):
    """Where the skill shows a dependency: file (relative to the skill folder), line
    (0 when unknown), what kind of evidence, and the line itself.

    `#env.evidence<"scripts/merge.py":3, import, "from pypdf import PdfWriter">`
    """

    name = "env.evidence"

    file: StringAttr
    line: IntAttr
    via: SourceAttr
    text: StringAttr

    def __init__(self, file: str, line: int, via: str, text: str):
        if via not in _SOURCES:
            raise VerifyException(f"unknown evidence kind '{via}', expected one of {SOURCES}")
        super().__init__(StringAttr(file), IntAttr(line), _SOURCES[via], StringAttr(text))

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            file = parser.parse_str_literal()
            parser.parse_punctuation(":")
            line = parser.parse_integer(allow_boolean=False, allow_negative=False)
            parser.parse_punctuation(",")
            via = parser.parse_str_enum(Source)
            parser.parse_punctuation(",")
            text = parser.parse_str_literal()
        return (StringAttr(file), IntAttr(line), _SOURCES[via], StringAttr(text))

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.file.data)
            printer.print_string(f":{self.line.data}, ")
            printer.print_identifier_or_string_literal(self.via.data.value)
            printer.print_string(", ")
            printer.print_string_literal(self.text.data)

    def verify(self) -> None:
        if not self.file.data or "\n" in self.file.data:
            raise VerifyException("evidence needs a file name on one line")
        if self.line.data < 0:
            raise VerifyException("an evidence line cannot be negative")
        if not isinstance(self.via, SourceAttr):
            raise VerifyException(f"an evidence kind is one of {SOURCES}, got {self.via}")

    def where(self) -> str:
        return f"{self.file.data}:{self.line.data}" if self.line.data else self.file.data

    @classmethod
    def trusted(cls, file: StringAttr, line: IntAttr, via: SourceAttr, text: StringAttr) -> EvidenceAttr:
        """Build without re-verifying parameters the caller made valid (the pass's hot
        path: xdsl's attribute verification costs more than the rest of building)."""
        attr = cls.__new__(cls)
        object.__setattr__(attr, "file", file)
        object.__setattr__(attr, "line", line)
        object.__setattr__(attr, "via", via)
        object.__setattr__(attr, "text", text)
        return attr


@compile_verifier
@irdl_op_definition
class BindOp(IRDLOperation):
    """The environment of one skill: requirements, notes, probe, setup script.

    ```mlir
    env.bind {
      env.require system "jq" from frontmatter {confidence = 100 : i64, bins = ["jq"], check = "has_cmd jq", install = "sys_install --apt jq --brew jq", evidence = [#env.evidence<"SKILL.md":4, frontmatter, "metadata: {...}">]}
    }
    ```
    """

    name = "env.bind"

    body = region_def()

    traits = lazy_traits_def(lambda: (NoTerminator(), HasParent(_skill_op())))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict-with-keyword $body"

    def verify_(self) -> None:
        seen: set[tuple[str, str]] = set()
        probes = setups = 0
        for op in self.body.ops:
            if isinstance(op, RequireOp):
                key = (op.kind.data, op.package.data)
                if key in seen:
                    raise VerifyException(f"dependency {key[0]} '{key[1]}' is required twice")
                seen.add(key)
            elif isinstance(op, ProbeOp):
                probes += 1
            elif isinstance(op, SetupOp):
                setups += 1
            elif not isinstance(op, NoteOp):
                raise VerifyException(f"'env.bind' holds only env ops, found '{op.name}'")
        if probes > 1 or setups > 1:
            raise VerifyException("'env.bind' holds at most one 'env.probe' and one 'env.setup'")

    @property
    def requires(self) -> list[RequireOp]:
        return [op for op in self.body.ops if isinstance(op, RequireOp)]


_REQUIRE_ORDER = ("confidence", "optional", "present", "version", "spec", "scope", "modules", "bins",
                  "apt", "brew", "pip", "platform", "post_install", "check", "install", "evidence")
"""The order `env.require` prints its properties in: the verdict first, evidence last."""


@compile_verifier
@irdl_op_definition
class RequireOp(IRDLOperation):
    """One dependency: its kind (pip, npm, system, service) and name; the shell line
    that checks it and the one that installs it ("" when nothing can: a service, a
    macOS-only tool); the strongest kind of evidence and a confidence (0..100); every
    place the skill shows it. Optional facts: `spec` (what pip/npm installs when it
    is not the bare name), `modules` (Python imports that prove a distribution),
    `bins` (commands it provides), `apt`/`brew` packages (and `pip`, the PyPI
    distribution of a system tool such as uv), `scope` (npm: global or
    local), `platform`, `post_install`, `optional`, and the probe's `present` and
    `version`. The custom form puts the kind, the npm scope, the name and the source
    first: `env.require KIND [global|local] "NAME" from SOURCE {...}`.

    ```mlir
    env.require service "KAGI_API_KEY" from frontmatter {confidence = 95 : i64, check = "has_env KAGI_API_KEY", install = "", evidence = [#env.evidence<"SKILL.md":3, frontmatter, "description: ... Requires KAGI_API_KEY in the environment.">]}
    env.require npm global "prettier" from "shell-command" {confidence = 85 : i64, bins = ["prettier"], check = "has_cmd prettier", install = "npm_install -g prettier", evidence = [#env.evidence<"SKILL.md":9, "shell-command", "npx prettier --write .">]}
    ```
    """

    name = "env.require"

    kind = prop_def(DepKindAttr)
    package = prop_def(StringAttr)
    check = prop_def(StringAttr)
    install = prop_def(StringAttr)
    source = prop_def(SourceAttr)
    confidence = prop_def(IntegerAttr[I64])
    evidence = prop_def(ArrayAttr[EvidenceAttr])
    spec = opt_prop_def(StringAttr)
    modules = opt_prop_def(ArrayAttr[StringAttr])
    bins = opt_prop_def(ArrayAttr[StringAttr])
    apt = opt_prop_def(StringAttr)
    brew = opt_prop_def(StringAttr)
    pip = opt_prop_def(StringAttr)
    scope = opt_prop_def(NpmScopeAttr)
    platform = opt_prop_def(StringAttr)
    post_install = opt_prop_def(StringAttr)
    optional = opt_prop_def(UnitAttr)
    present = opt_prop_def(IntegerAttr[I1])
    version = opt_prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    traits = lazy_traits_def(lambda: (HasParent(BindOp),))

    def verify_(self) -> None:
        name = self.package.data
        if not name or any(ch.isspace() for ch in name):
            raise VerifyException(f"a dependency name is one non-empty word, got {name!r}")
        if not 0 <= self.confidence.value.data <= 100:
            raise VerifyException(f"confidence is a percentage, got {self.confidence.value.data}")
        if not self.evidence.data:
            raise VerifyException("a dependency needs at least one piece of evidence")
        if not self.check.data.strip() or "\n" in self.check.data:
            raise VerifyException("'check' must be one non-empty shell line")
        if "\n" in self.install.data:
            raise VerifyException("'install' must be one shell line")
        if self.scope is not None and self.kind.data is not DepKind.NPM:  # type: ignore[attr-defined]
            raise VerifyException("'scope' is for npm dependencies only")

    @classmethod
    def parse(cls, parser: Parser) -> RequireOp:
        """`env.require KIND [SCOPE] "NAME" from SOURCE {props}`."""
        props: dict[str, Attribute] = {"kind": _DEP_KINDS[parser.parse_str_enum(DepKind)]}
        for scope in _SCOPES:  # a bare word before the quoted name
            if parser.parse_optional_keyword(scope) is not None:
                props["scope"] = _SCOPES[scope]
                break
        props["package"] = StringAttr(parser.parse_str_literal())
        parser.parse_keyword("from")
        props["source"] = _SOURCES[parser.parse_str_enum(Source)]
        props.update(parser.parse_optional_attr_dict())
        return cls.create(properties=props)

    def print(self, printer: Printer) -> None:
        printer.print_string(" ")
        printer.print_identifier_or_string_literal(self.kind.data.value)
        props = self.properties
        scope = props.get("scope")
        if isinstance(scope, NpmScopeAttr):
            printer.print_string(f" {scope.data.value}")
        printer.print_string(" ")
        printer.print_string_literal(self.package.data)
        source = props.get("source")
        if isinstance(source, SourceAttr):
            printer.print_string(" from ")
            printer.print_identifier_or_string_literal(source.data.value)
        shown = ("kind", "package", "scope", "source")
        rest = {k: props[k] for k in _REQUIRE_ORDER if k in props and k not in shown}
        rest.update((k, v) for k, v in props.items() if k not in rest and k not in shown)
        printer.print_op_attributes({**rest, **self.attributes})

    @property
    def label(self) -> str:
        return f"{self.kind.data}:{self.package.data}"

    @property
    def is_present(self) -> bool | None:
        return None if self.present is None else bool(self.present.value.data)


@compile_verifier
@irdl_op_definition
class NoteOp(IRDLOperation):
    """Input the pass did not read, read a weaker way, or a candidate it did not
    list: `skipped`, `fallback`, `dropped`, or `probe` (the probe could not tell).

    ```mlir
    env.note skipped "scripts/huge.py" "2000000 bytes, over the 524288 byte limit; not scanned"
    ```
    """

    name = "env.note"

    file = prop_def(StringAttr)
    message = prop_def(StringAttr)
    kind = prop_def(NoteKindAttr)
    line = opt_prop_def(IntegerAttr[I64])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind $file $message attr-dict"
    traits = lazy_traits_def(lambda: (HasParent(BindOp),))

    def verify_(self) -> None:
        if not self.message.data:
            raise VerifyException("a note needs a message")


@compile_verifier
@irdl_op_definition
class ProbeOp(IRDLOperation):
    """What the presence probe saw on this machine: the interpreter it asked, the
    platform, package managers on PATH, whether it runs as root and in a virtual
    environment, how many dependencies it checked and found missing, how long it took.

    ```mlir
    env.probe {checked = 3 : i64, duration_ms = 57 : i64, managers = ["apt-get", "dpkg"], missing = 1 : i64, platform = "linux-x86_64", python = "/usr/bin/python3", python_version = "3.11.2", root = false, venv = false}
    ```
    """

    name = "env.probe"

    python = prop_def(StringAttr)
    python_version = prop_def(StringAttr)
    platform = prop_def(StringAttr)
    managers = prop_def(ArrayAttr[StringAttr])
    root = prop_def(IntegerAttr[I1])
    venv = prop_def(IntegerAttr[I1])
    checked = prop_def(IntegerAttr[I64])
    missing = prop_def(IntegerAttr[I64])
    duration_ms = prop_def(IntegerAttr[I64])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict"
    traits = lazy_traits_def(lambda: (HasParent(BindOp),))

    def verify_(self) -> None:
        if self.missing.value.data > self.checked.value.data or self.missing.value.data < 0:
            raise VerifyException("'missing' must be between 0 and 'checked'")


@compile_verifier
@irdl_op_definition
class SetupOp(IRDLOperation):
    """The setup script: bash that checks each requirement and installs what is
    missing (see `skillir.deps.script`); emitted by `-t env-setup`.

    ```mlir
    env.setup "env-setup.sh" {script = "#!/usr/bin/env bash\nset -euo pipefail\n..."}
    ```
    """

    name = "env.setup"

    path = prop_def(StringAttr)
    script = prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path attr-dict"
    traits = lazy_traits_def(lambda: (HasParent(BindOp),))

    def verify_(self) -> None:
        if not self.script.data.startswith("#!"):
            raise VerifyException("a setup script starts with a '#!' line")
        if "/" in self.path.data or not self.path.data:
            raise VerifyException(f"the setup script's path is a file name, got {self.path.data!r}")


def _skill_op():
    from skillir.dialects.skill import SkillOp

    return SkillOp


_OPS = [BindOp, RequireOp, NoteOp, ProbeOp, SetupOp]

Env = Dialect("env", _OPS, [EvidenceAttr, DepKindAttr, SourceAttr, NoteKindAttr, NpmScopeAttr])
install_fast_accessors(_OPS)  # skillir.xdsl_compat.accessors: named values read directly

__all__ = ["BindOp", "DepKind", "DepKindAttr", "EvidenceAttr", "Env", "NoteKind", "NoteKindAttr", "NoteOp",
           "NpmScope", "NpmScopeAttr", "ProbeOp", "RequireOp", "SetupOp", "Source", "SourceAttr", "dep_kind",
           "dep_source", "note_kind", "npm_scope"]
