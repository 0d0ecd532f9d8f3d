"""The `skill` dialect: a SKILL.md folder as written.

Every op that carries markdown keeps the exact source bytes of its span, so printing
the ops back in order (`skill_markdown` below) reproduces the original file.
Semantic facts the frontend derives (heading level and title, step ordinal, code
language, constraint kind) sit beside the source text as properties; passes that
rewrite an op change its text and its facts together.

Files a step writes and later steps read are SSA values of type `!skill.artifact`.
Sections are regions; an artifact defined inside a section and used after it leaves
the section through `skill.yield`, like values leave `scf.if`.

```mlir
skill.skill @pdf-merge attributes {metadata = {name = "pdf-merge"}, source = "SKILL.md"} {
  skill.frontmatter "---\\nname: pdf-merge\\n---\\n\\n"
  %0 = skill.section "Merge PDFs" -> !skill.artifact<"merged.pdf"> attributes {level = 1 : i64} {
    %1 = skill.step "1. Merge `input/*.pdf` into `merged.pdf`.\\n" {ordinal = 1 : i64} -> !skill.artifact<"merged.pdf">
    skill.yield %1 : !skill.artifact<"merged.pdf">
  }
  skill.step "Report the page count of `merged.pdf`.\\n" (%0 : !skill.artifact<"merged.pdf">)
  skill.constraint never "NEVER modify the input files.\\n\\n"
  skill.ref script "scripts/merge.py" {bytes = 1234 : i64, mentioned}
}
```

Closed vocabularies are enum attributes, printed as bare words in the custom form
(quoted when the word has a hyphen: `skill.constraint "must-not" ...`) and as
`#skill<constraint_kind never>` in the generic one; integers are `i64`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from xdsl.dialects.builtin import (
    I64,
    DictionaryAttr,
    IntegerAttr,
    ModuleOp,
    StringAttr,
    SymbolNameConstraint,
    UnitAttr,
)
from xdsl.dialects.utils import EnumAttribute
from xdsl.ir import (
    Attribute,
    Block,
    Dialect,
    Operation,
    ParametrizedAttribute,
    Region,
    SpacedOpaqueSyntaxAttribute,
    SSAValue,
    TypeAttribute,
)
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_attr_definition,
    irdl_op_definition,
    lazy_traits_def,
    opt_prop_def,
    opt_region_def,
    prop_def,
    region_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import HasAncestor, HasParent, IsTerminator, NoTerminator, SymbolOpInterface
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from skillir.dialects.fast_verify import compile_verifier
from skillir.errors import SkillIRError
from skillir.safepaths import safe_component
from skillir.xdsl_compat.accessors import install as install_fast_accessors
from skillir.xdsl_compat.walk import block_ops, first_block_ops, walk_region


class ConstraintKind(StrEnum):
    """Kinds of `skill.constraint`, from the keyword that makes a sentence binding."""

    MUST = "must"
    MUST_NOT = "must-not"
    NEVER = "never"
    ALWAYS = "always"
    DO_NOT = "do-not"
    SHOULD_NOT = "should-not"
    REQUIRED = "required"
    IMPORTANT = "important"


class RefKind(StrEnum):
    """Kinds of bundled file: `scripts/`, `references/` (and docs), `assets/`, the rest."""

    SCRIPT = "script"
    REFERENCE = "reference"
    ASSET = "asset"
    OTHER = "other"


CONSTRAINT_KINDS = tuple(k.value for k in ConstraintKind)
REF_KINDS = tuple(k.value for k in RefKind)


@irdl_attr_definition
class ConstraintKindAttr(EnumAttribute[ConstraintKind], SpacedOpaqueSyntaxAttribute):
    """`never`, `"must-not"` ...; `#skill<constraint_kind never>` in the generic form."""

    name = "skill.constraint_kind"


@irdl_attr_definition
class RefKindAttr(EnumAttribute[RefKind], SpacedOpaqueSyntaxAttribute):
    """`script`, `reference`, `asset`, `other`; `#skill<ref_kind script>` in the generic form."""

    name = "skill.ref_kind"


_CONSTRAINT_KIND_ATTRS = {k.value: ConstraintKindAttr(k) for k in ConstraintKind}
_REF_KIND_ATTRS = {k.value: RefKindAttr(k) for k in RefKind}


def constraint_kind(kind: str) -> ConstraintKindAttr:
    """The (shared) enum attribute of a constraint kind; KeyError if not one."""
    return _CONSTRAINT_KIND_ATTRS[kind]


def ref_kind(kind: str) -> RefKindAttr:
    """The (shared) enum attribute of a bundled-file kind; KeyError if not one."""
    return _REF_KIND_ATTRS[kind]


@irdl_attr_definition
class ArtifactType(ParametrizedAttribute, TypeAttribute):
    """A file one step produces and later steps consume, named by its path or glob.

    `!skill.artifact<"out/report.md">`
    """

    name = "skill.artifact"

    path: StringAttr

    def __init__(self, path: str | StringAttr):
        super().__init__(StringAttr(path) if isinstance(path, str) else path)

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            return (StringAttr(parser.parse_str_literal()),)

    def print_parameters(self, printer: Printer) -> None:
        with printer.in_angle_brackets():
            printer.print_string_literal(self.path.data)

    def verify(self) -> None:
        path = self.path.data
        if not path or "\x00" in path or "\n" in path:
            raise VerifyException(f"artifact path must be a non-empty single line, got {path!r}")


class _TextOp(IRDLOperation):
    """Shared by ops whose whole content is their exact source text."""

    text = prop_def(StringAttr)

    def verify_(self) -> None:
        if not self.text.data:
            raise VerifyException(f"'{self.name}' must carry non-empty source text")


@compile_verifier
@irdl_op_definition
class SkillOp(IRDLOperation):
    """A whole skill: its name (from front matter or the folder), its parsed front
    matter as a dictionary, and its content in document order.

    ```mlir
    skill.skill @brand-guidelines attributes {metadata = {description = "...", name = "brand-guidelines"}, source = "brand-guidelines/SKILL.md"} {
      skill.frontmatter "---\\nname: brand-guidelines\\n---\\n"
    }
    ```
    """

    name = "skill.skill"

    sym_name = prop_def(SymbolNameConstraint())
    metadata = prop_def(DictionaryAttr)
    source = prop_def(StringAttr)
    body = region_def()

    traits = traits_def(NoTerminator(), SymbolOpInterface())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$sym_name attr-dict-with-keyword $body"

    def verify_(self) -> None:
        if not self.sym_name.data:
            raise VerifyException("a skill needs a non-empty name")

    @property
    def skill_name(self) -> str:
        return self.sym_name.data


@compile_verifier
@irdl_op_definition
class FrontmatterOp(_TextOp):
    """The YAML front matter exactly as written, delimiters included.

    ```mlir
    skill.frontmatter "---\\nname: pdf\\ndescription: Merge PDFs\\n---\\n\\n"
    ```
    """

    name = "skill.frontmatter"
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$text attr-dict"
    traits = lazy_traits_def(lambda: (HasParent(SkillOp),))

    def verify_(self) -> None:
        super().verify_()
        if self.prev_op is not None:
            raise VerifyException("'skill.frontmatter' must be the first op of a skill")


@compile_verifier
@irdl_op_definition
class SectionOp(IRDLOperation):
    """A heading and everything under it up to the next heading of the same or a
    higher level. `heading` holds the heading's source text only when it differs from
    `#` * level, a space, the title, a newline and a blank line.

    ```mlir
    skill.section "Usage" attributes {level = 2 : i64} {
      skill.text "Call it like this.\\n\\n"
    }
    ```
    """

    name = "skill.section"

    title = prop_def(StringAttr)
    level = prop_def(IntegerAttr[I64])
    heading = opt_prop_def(StringAttr)
    outputs = var_result_def(ArtifactType)
    body = region_def()

    traits = traits_def(NoTerminator())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$title (`->` type($outputs)^)? attr-dict-with-keyword $body"

    @staticmethod
    def default_heading(level: int, title: str) -> str:
        return "#" * level + " " + title + "\n\n"

    @property
    def heading_text(self) -> str:
        if self.heading is not None:
            return self.heading.data
        return self.default_heading(self.level.value.data, self.title.data)

    def verify_(self) -> None:
        level = self.level.value.data
        if not 1 <= level <= 6:
            raise VerifyException(f"heading level must be 1..6, got {level}")
        parent = self.parent_op()
        if isinstance(parent, SectionOp) and parent.level.value.data >= level:
            raise VerifyException(
                f"a level-{level} section cannot nest in a level-"
                f"{parent.level.value.data} section"
            )
        block = self.body.first_block
        last = block.last_op if block is not None else None
        outputs = self.outputs
        if outputs:
            if not isinstance(last, YieldOp):
                raise VerifyException("a section with results must end with 'skill.yield'")
            yielded = tuple(v.type for v in last.values)
            if yielded != tuple(r.type for r in outputs):
                raise VerifyException("'skill.yield' operand types must match the section results")
        elif type(last) is YieldOp and last.values:  # exact type: cheaper than an ABC check
            raise VerifyException("'skill.yield' yields values but the section has no results")


@compile_verifier
@irdl_op_definition
class YieldOp(IRDLOperation):
    """Ends a section whose artifacts are used after it.

    ```mlir
    skill.yield %0 : !skill.artifact<"report.md">
    ```
    """

    name = "skill.yield"

    values = var_operand_def(ArtifactType)

    traits = lazy_traits_def(lambda: (IsTerminator(), HasParent(SectionOp)))
    assembly_format = "($values^ `:` type($values))? attr-dict"

    def __init__(self, values: Sequence[SSAValue]):
        super().__init__(operands=[values])


@compile_verifier
@irdl_op_definition
class TextOp(_TextOp):
    """Prose the compiler does not interpret: paragraphs, descriptive lists, tables,
    quotes, HTML, rules. Consecutive prose blocks share one op.

    ```mlir
    skill.text "This skill merges PDFs.\\n\\n| a | b |\\n|---|---|\\n\\n"
    ```
    """

    name = "skill.text"
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$text attr-dict"


@compile_verifier
@irdl_op_definition
class StepOp(IRDLOperation):
    """One thing to do: a numbered or bulleted procedure item, or an imperative
    paragraph. Reads the artifacts it is given, defines the artifacts it writes; code
    blocks that belong to the step live in its region. A `### Step N` section that holds
    only code is a step without text (the heading is printed by its section):

    ```mlir
    %0 = skill.step "2. Merge them into `merged.pdf`:\\n" (%1 : !skill.artifact<"input/*.pdf">) {ordinal = 2 : i64} -> !skill.artifact<"merged.pdf"> with {
      skill.code "bash" "qpdf --empty --pages input/*.pdf -- merged.pdf\\n" {runnable}
    }
    skill.section "Step 3: Compress" attributes {level = 3 : i64} {
      skill.step "" (%0 : !skill.artifact<"merged.pdf">) with {
        skill.code "bash" "qpdf --compress-streams=y merged.pdf small.pdf\\n" {runnable}
      }
    }
    ```
    """

    name = "skill.step"

    text = prop_def(StringAttr)
    ordinal = opt_prop_def(IntegerAttr[I64])
    sym_name = opt_prop_def(StringAttr)
    """`step_N` once lower-to-harness names the steps (harness ops refer to `@step_N`)."""
    inputs = var_operand_def(ArtifactType)
    outputs = var_result_def(ArtifactType)
    body = opt_region_def()

    traits = traits_def(NoTerminator())
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = (
        "$text (` ` `(` $inputs^ `:` type($inputs) `)`)? attr-dict"
        " (`->` type($outputs)^)? (`with` $body^)?"
    )

    def verify_(self) -> None:
        if not self.text.data and not self.nested_ops:
            raise VerifyException("'skill.step' must carry non-empty source text, or the code it stands for")
        if self.ordinal is not None and self.ordinal.value.data < 0:
            raise VerifyException("a step ordinal cannot be negative")
        paths = [r.type.path.data for r in self.outputs if isinstance(r.type, ArtifactType)]
        if len(set(paths)) != len(paths):
            raise VerifyException(f"a step defines each artifact once, got {paths}")

    def nested_block(self) -> Block:
        """The step's nested block, created on first use (for passes that attach
        requirements or extra text to a step)."""
        if self.body is None:
            self.add_region(Region(Block()))
        return ensure_block(self.body)

    @property
    def nested_ops(self) -> tuple[Operation, ...]:
        return region_ops(self.body) if self.body is not None else ()


@compile_verifier
@irdl_op_definition
class ConstraintOp(_TextOp):
    """A binding rule (MUST, NEVER, ALWAYS, DO NOT ...), kept as its whole block.

    ```mlir
    skill.constraint never "NEVER modify the input files.\\n\\n"
    skill.constraint "must-not" "You MUST NOT push to main.\\n\\n"
    ```
    """

    name = "skill.constraint"

    kind = prop_def(ConstraintKindAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind $text attr-dict"

    @property
    def constraint_kind(self) -> ConstraintKind:
        return self.kind.data


@compile_verifier
@irdl_op_definition
class ExampleOp(_TextOp):
    """A worked example the skill gives ("Example:", "For example", "e.g.").

    ```mlir
    skill.example "**Example:** `merge a.pdf b.pdf` gives `merged.pdf`.\\n\\n"
    ```
    """

    name = "skill.example"
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$text attr-dict"


@compile_verifier
@irdl_op_definition
class CodeOp(IRDLOperation):
    """A code block: its language, its body without fences and indentation, and
    whether it is meant to be run (`runnable`) or is only an example. `fence`,
    `indent`, `open`, `close` and `trail` hold the layout only where it differs from
    the plain form (```lang, no indentation, ```, one blank line after).

    ```mlir
    skill.code "python" "from pypdf import PdfWriter\\n" {runnable}
    skill.code "" "NO FIXES WITHOUT ROOT CAUSE\\n" {trail = "\\n\\n"}
    ```
    """

    name = "skill.code"

    lang = prop_def(StringAttr)
    body = prop_def(StringAttr)
    runnable = opt_prop_def(UnitAttr)
    indent = opt_prop_def(StringAttr)
    open = opt_prop_def(StringAttr)
    close = opt_prop_def(StringAttr)
    trail = opt_prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$lang $body attr-dict"

    @property
    def is_runnable(self) -> bool:
        return self.runnable is not None

    def source_text(self) -> str:
        """The markdown this op stands for, fences and layout included."""
        indent = self.indent.data if self.indent is not None else ""
        lang = self.lang.data
        opening = self.open.data if self.open is not None else f"{indent}```{lang}\n"
        closing = self.close.data if self.close is not None else f"{indent}```\n"
        trail = self.trail.data if self.trail is not None else "\n"
        body = self.body.data
        if indent:
            body = "".join(
                indent + line if line.strip() else line for line in body.splitlines(keepends=True)
            )
        return opening + body + closing + trail

    def verify_(self) -> None:
        if "\n" in self.lang.data:
            raise VerifyException("a code language is a single word")
        if self.open is not None and "\n" in self.open.data[:-1]:
            raise VerifyException("the opening fence is a single line")


@compile_verifier
@irdl_op_definition
class RefOp(IRDLOperation):
    """A file bundled with the skill (scripts/, references/, assets/ ...): its path
    relative to the skill folder, its size, its kind, and whether SKILL.md names it.
    Never read or executed by the frontend.

    ```mlir
    skill.ref script "scripts/merge.py" {bytes = 1234 : i64, mentioned}
    ```
    """

    name = "skill.ref"

    path = prop_def(StringAttr)
    kind = prop_def(RefKindAttr)
    bytes = prop_def(IntegerAttr[I64])
    mentioned = opt_prop_def(UnitAttr)

    traits = lazy_traits_def(lambda: (HasParent(SkillOp),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$kind $path attr-dict"

    def verify_(self) -> None:
        path = self.path.data
        if not path or path.startswith("/") or ".." in path.split("/"):
            raise VerifyException(f"a bundled file path must stay inside the skill, got {path!r}")
        if self.bytes.value.data < 0:
            raise VerifyException("a file size cannot be negative")


OUTLINE_DIR = "references/"
"""Where `skill.outlined` puts the material it moves out of SKILL.md."""


@compile_verifier
@irdl_op_definition
class OutlinedOp(IRDLOperation):
    """Reference-only material moved out of SKILL.md into `references/<name>.md`
    (progressive disclosure: the harness loads the file only when the model asks).
    `text` is the one-line pointer that SKILL.md shows where the material stood; the
    region holds the moved ops unchanged, so the reference file is the markdown of the
    region, byte for byte, and putting the region back where the op stands gives the
    original skill (see `skillir.emit.outlined`).

    ```mlir
    skill.section "API Reference" attributes {level = 2 : i64} {
      skill.outlined "references/api-reference.md" "See [references/api-reference.md](references/api-reference.md) for the full api reference (12 lines).\\n\\n" {
        skill.text "| Option | Meaning |\\n|---|---|\\n| `--all` | every file |\\n\\n"
      }
    }
    ```
    Generic form: `"skill.outlined"() <{path = "references/api-reference.md", text = "See ..."}> ({ ... }) : () -> ()`.
    It never holds steps, constraints, yields, front matter or another
    `skill.outlined`: those stay in SKILL.md. Code meant to be run stays too, unless it
    belongs to an entry of a reference section (a subsection: "## API" > "### create()"),
    where it shows how that entry is used.
    """

    name = "skill.outlined"

    path = prop_def(StringAttr)
    text = prop_def(StringAttr)
    body = region_def()

    traits = traits_def(NoTerminator(), HasAncestor(SkillOp))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "$path $text attr-dict-with-keyword $body"

    def content(self) -> str:
        """The markdown of the moved ops: what `references/<name>.md` holds."""
        parts: list[str] = []
        _collect_markdown(region_ops(self.body), parts, False)
        return "".join(parts)

    def verify_(self) -> None:
        path = self.path.data
        if (not path.startswith(OUTLINE_DIR) or not path.endswith(".md") or "\\" in path
                or ".." in path.split("/") or "\n" in path or len(path) <= len(OUTLINE_DIR) + 3):
            raise VerifyException(f"an outlined file is 'references/<name>.md' inside the skill, got {path!r}")
        line = self.text.data.rstrip("\n")
        if not line.strip() or "\n" in line:
            raise VerifyException("the pointer left in SKILL.md must be one non-empty line")
        if not region_ops(self.body):
            raise VerifyException("'skill.outlined' must hold the material it moved")
        parent = self.parent_op()
        in_entry = isinstance(parent, SectionOp) and isinstance(parent.parent_op(), SectionOp)
        for op in walk_region(self.body):
            if isinstance(op, _STAYS_IN_SKILL_MD):
                raise VerifyException(f"'{op.name}' stays in SKILL.md and cannot be outlined")
            if isinstance(op, CodeOp) and op.is_runnable and not in_entry and not self._in_moved_section(op):
                raise VerifyException(
                    f"'{op.name}' meant to be run stays in SKILL.md unless it belongs to an entry "
                    "(a subsection) of a reference section")

    def _in_moved_section(self, op: Operation) -> bool:
        parent = op.parent_op()
        while parent is not None and parent is not self:
            if isinstance(parent, SectionOp):
                return True
            parent = parent.parent_op()
        return False


_STAYS_IN_SKILL_MD = (StepOp, ConstraintOp, YieldOp, FrontmatterOp, RefOp, OutlinedOp)
"""Ops `skill.outlined` may not hold."""

SOURCE_OPS = (FrontmatterOp, TextOp, StepOp, ConstraintOp, ExampleOp, OutlinedOp)
"""Ops whose `text` property is markdown source (for `skill.outlined`, its pointer)."""

_OPS = [SkillOp, FrontmatterOp, SectionOp, YieldOp, TextOp, StepOp, ConstraintOp, ExampleOp, CodeOp, RefOp,
        OutlinedOp]

Skill = Dialect("skill", _OPS, [ArtifactType, ConstraintKindAttr, RefKindAttr])
install_fast_accessors(_OPS)  # skillir.xdsl_compat.accessors: named values read directly
compile_verifier(ModuleOp)  # the builtin op that holds every skill: verified at every stage


def region_ops(region: Region) -> tuple[Operation, ...]:
    """The ops of a region of at most one block (`{}` parses to zero blocks)."""
    return first_block_ops(region)


def skills_of(op: Operation) -> list[SkillOp]:
    """The skills of a module (its top-level `skill.skill` ops), or `[op]` for a skill."""
    if isinstance(op, SkillOp):
        return [op]
    body = op.regions[0].first_block if op.regions else None
    return [o for o in block_ops(body) if isinstance(o, SkillOp)] if body is not None else []


def ensure_block(region: Region) -> Block:
    """The region's block, created when the region has none."""
    if region.first_block is None:
        region.add_block(Block())
    return region.first_block


def skill_markdown(skill: SkillOp, *, inline_outlined: bool = False) -> str:
    """The SKILL.md text of one skill op: each op contributes its source text in order
    (a section its heading, a step its text and then its nested ops, a code block its
    fences and body), so an unmodified skill comes back byte for byte. Ops of other
    dialects and bundled-file refs carry no markdown and are skipped. A `skill.outlined`
    gives its one-line pointer, or with `inline_outlined` the material it moved."""
    parts: list[str] = []
    _collect_markdown(region_ops(skill.body), parts, inline_outlined)
    return "".join(parts)


def folder_name(skill: SkillOp) -> str:
    """The name of the folder the compiled skill is written to: its name, or, when the
    name is a path of plain parts (`name: r-lib/cli`, `name: Flutter CI/CD`: 0.5% of
    3,000 public skills), the name of the folder its SKILL.md was loaded from, which
    held it already (its front matter keeps the name, which is what a harness shows and
    calls). A SkillIRError (`skillir.safepaths.safe_component`) for any other name that
    is not one plain path component (`../../.ssh`, `/etc`, control characters), and when
    the skill was not loaded from a SKILL.md."""
    name = skill.sym_name.data
    try:
        return safe_component(name, path=skill.source.data)
    except SkillIRError as refused:
        source = Path(skill.source.data)
        if source.name.lower() != "skill.md" or "\\" in name:
            raise
        try:
            for part in name.split("/"):
                safe_component(part)
            return safe_component(source.parent.name)
        except SkillIRError:
            raise refused from None


def lazy_markdown(skill: SkillOp) -> Callable[[], str]:
    """`skill_markdown(skill)`, made on the first call and kept: for the readers of one
    pass that may each need the text while none of them changes the skill."""
    made: list[str] = []

    def markdown() -> str:
        if not made:
            made.append(skill_markdown(skill))
        return made[0]

    return markdown


def _collect_markdown(ops: Sequence[Operation], parts: list[str], inline: bool) -> None:
    # dispatch on the exact class: a dict lookup instead of up to five isinstance checks
    # per op (these classes have no subclasses; every other op carries no markdown)
    for op in ops:
        kind = _MARKDOWN_KIND.get(op.__class__)
        if kind is None:
            continue
        if kind == "outlined" and inline:
            _collect_markdown(region_ops(op.body), parts, inline)
        elif kind == "section":
            parts.append(op.heading_text)
            _collect_markdown(region_ops(op.body), parts, inline)
        elif kind == "code":
            parts.append(op.source_text())
        else:
            parts.append(op.text.data)
            if kind == "step":
                _collect_markdown(op.nested_ops, parts, inline)


_MARKDOWN_KIND: dict[type[Operation], str] = {
    SectionOp: "section", CodeOp: "code", StepOp: "step", OutlinedOp: "outlined",
    **{cls: "text" for cls in SOURCE_OPS if cls not in (StepOp, OutlinedOp)},
}


__all__ = [
    "ArtifactType",
    "CodeOp",
    "ConstraintOp",
    "ExampleOp",
    "FrontmatterOp",
    "OutlinedOp",
    "OUTLINE_DIR",
    "RefOp",
    "SectionOp",
    "Skill",
    "SkillOp",
    "StepOp",
    "TextOp",
    "YieldOp",
    "SOURCE_OPS",
    "region_ops",
    "ensure_block",
    "folder_name",
    "lazy_markdown",
    "skill_markdown",
    "skills_of",
    "CONSTRAINT_KINDS",
    "REF_KINDS",
    "ConstraintKind",
    "ConstraintKindAttr",
    "RefKind",
    "RefKindAttr",
    "constraint_kind",
    "ref_kind",
]
