"""The `cap` dialect: what a skill demands and what the target supplies.

A primitive capability at a level is the attribute `#cap.prim<gen.code.python, 3>`,
checked against the primitive catalog (`skillir/data/primitives.json`). Around it:

- `cap.require`: one thing an op of the skill demands, with the evidence (the words
  or code that show it), the rule that found it and the SKILL.md line. Requirements
  of a step sit in the step's region; requirements found in other content sit right
  after that op in the same block; skill-wide ones (procedure length, constraints,
  style) sit at the top of the skill's body.
- `cap.profile`: the target (model, harness) the skill is compiled for, with its
  capability vector, where it came from and when it was measured. One per skill.
- `cap.gap`: a requirement above the profile (`missing` when the profile says L0,
  `weak` otherwise), right after the requirement it belongs to.
- transform records, right after the gap they close: `cap.compensated`,
  `cap.substituted`, `cap.decomposed`, `cap.offloaded`, or `cap.unresolved` with a
  diagnostic. A transform lowers its `cap.require` in place and keeps the inferred
  demand in `original`, so after `compile-capabilities` no requirement is above the
  profile unless it is marked `unresolved`.

```mlir
%out = skill.step "2. Merge them into `merged.pdf`.\\n" {ordinal = 2 : i64} -> !skill.artifact<"merged.pdf"> with {
  skill.code "python" "import pypdf\\n..." {runnable}
  cap.require #cap.prim<gen.code.python, 2> {evidence = "import pypdf", line = 9 : i64, original = #cap.prim<gen.code.python, 3>, rule = "python.third-party"}
  cap.gap #cap.prim<gen.code.python, 3> weak {available = 2 : i64}
  cap.compensated #cap.prim<gen.code.python, 3> "degradation-guidance" {added = "Prefer the Python standard library ...", to = [#cap.prim<gen.code.python, 2>]}
}
```

Gap kinds and offload languages are enum attributes, printed as bare words
(`#cap<gap_kind weak>` in the generic form); integers are `i64`; capability lists are
arrays of `#cap.prim`.

None of these ops carries markdown: the markdown backend skips them, so a compiled
SKILL.md changes only where a pass edited skill ops.
"""

from __future__ import annotations

from collections.abc import Sequence

from xdsl.dialects.builtin import I64, ArrayAttr, IntAttr, IntegerAttr, StringAttr, UnitAttr
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
)
from xdsl.parser import AttrParser
from xdsl.printer import Printer
from xdsl.traits import HasAncestor, HasParent
from xdsl.utils.exceptions import VerifyException
from xdsl.utils.str_enum import StrEnum

from skillir.attrs import i64_attr  # noqa: F401  (re-exported: passes build cap ops with it)
from skillir.dialects.fast_verify import compile_verifier
from skillir.xdsl_compat.accessors import install as install_fast_accessors


class GapKind(StrEnum):
    """`missing`: the profile says L0; `weak`: it has the primitive at a lower level."""

    MISSING = "missing"
    WEAK = "weak"


class OffloadLang(StrEnum):
    """The languages `compile-capabilities` writes offloaded scripts in."""

    PYTHON = "python"
    SHELL = "shell"
    JS = "js"


GAP_KINDS = tuple(k.value for k in GapKind)
OFFLOAD_LANGS = tuple(k.value for k in OffloadLang)


@irdl_attr_definition
class GapKindAttr(EnumAttribute[GapKind], SpacedOpaqueSyntaxAttribute):
    """`missing` or `weak`; `#cap<gap_kind weak>` in the generic form."""

    name = "cap.gap_kind"


@irdl_attr_definition
class OffloadLangAttr(EnumAttribute[OffloadLang], SpacedOpaqueSyntaxAttribute):
    """`python`, `shell` or `js`; `#cap<offload_lang python>` in the generic form."""

    name = "cap.offload_lang"


_GAP_KIND_ATTRS = {k.value: GapKindAttr(k) for k in GapKind}
_OFFLOAD_LANG_ATTRS = {k.value: OffloadLangAttr(k) for k in OffloadLang}


def gap_kind(kind: str) -> GapKindAttr:
    """The (shared) enum attribute of a gap kind; KeyError if not one."""
    return _GAP_KIND_ATTRS[kind]


def offload_lang(lang: str) -> OffloadLangAttr:
    """The (shared) enum attribute of an offload language; KeyError if not one."""
    return _OFFLOAD_LANG_ATTRS[lang]


def _catalog():
    from skillir.profiles.catalog import catalog

    return catalog()


def _known_ids() -> frozenset[str]:
    from skillir.profiles.catalog import primitive_ids

    return primitive_ids()


@irdl_attr_definition
class PrimAttr(ParametrizedAttribute):
    """A primitive capability at a proficiency level: `#cap.prim<gen.code.shell, 2>`.

    The id must name one of the catalog's 26 primitives; the level is 0..3 (0 only
    makes sense in a profile: "even L1 failed"). Build them with `prim(id, level)`,
    which caches one instance per pair.
    """

    name = "cap.prim"

    prim_id: StringAttr
    level: IntAttr

    def __init__(self, prim_id: str | StringAttr, level: int | IntAttr):
        super().__init__(
            StringAttr(prim_id) if isinstance(prim_id, str) else prim_id,
            IntAttr(level) if isinstance(level, int) else level,
        )

    @property
    def id(self) -> str:
        return self.prim_id.data

    @property
    def value(self) -> int:
        return self.level.data

    @classmethod
    def parse_parameters(cls, parser: AttrParser) -> Sequence[Attribute]:
        with parser.in_angle_brackets():
            ident = parser.parse_identifier(" primitive id such as gen.code.python")
            parser.parse_punctuation(",")
            level = parser.parse_integer(allow_boolean=False, allow_negative=False)
        return (StringAttr(ident), IntAttr(level))

    def print_parameters(self, printer: Printer) -> None:
        printer.print_string(f"<{self.prim_id.data}, {self.level.data}>")

    def verify(self) -> None:
        if self.prim_id.data not in _known_ids():
            raise VerifyException(
                f"unknown primitive '{self.prim_id.data}' (the catalog lists "
                f"{', '.join(sorted(_known_ids()))})"
            )
        if not 0 <= self.level.data <= 3:
            raise VerifyException(f"a primitive level is 0..3, got {self.level.data}")

    def __str__(self) -> str:
        return f"{self.prim_id.data} L{self.level.data}"


_PRIMS: dict[tuple[str, int], PrimAttr] = {}


def prim(prim_id: str, level: int) -> PrimAttr:
    """The (cached) `#cap.prim<prim_id, level>`; raises VerifyException if unknown."""
    key = (prim_id, level)
    attr = _PRIMS.get(key)
    if attr is None:
        attr = _PRIMS[key] = PrimAttr(prim_id, level)
    return attr



def _required_level(attr: PrimAttr, what: str) -> None:
    if not 1 <= attr.level.data <= 3:
        raise VerifyException(f"{what} must be at level 1..3, got {attr}")


@compile_verifier
@irdl_op_definition
class RequireOp(IRDLOperation):
    """What the op it annotates demands of the model, and why.

    `evidence` quotes the words or code that show the demand, `rule` names the
    inference rule that found it, `line` is the SKILL.md line of the evidence. After
    `compile-capabilities`, `original` holds the inferred demand when a transform
    lowered or substituted it, and `unresolved` marks a demand the target cannot
    meet and no transform could close.

    ```mlir
    cap.require #cap.prim<gen.code.shell, 3> {evidence = "awk '{print $2}' log.txt", line = 14 : i64, rule = "shell.sed-awk"}
    ```
    """

    name = "cap.require"

    prim = prop_def(PrimAttr)
    evidence = prop_def(StringAttr)
    rule = prop_def(StringAttr)
    line = opt_prop_def(IntegerAttr[I64])
    original = opt_prop_def(PrimAttr)
    unresolved = opt_prop_def(UnitAttr)

    traits = lazy_traits_def(lambda: (HasAncestor(_skill_op()),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) attr-dict"

    def verify_(self) -> None:
        _required_level(self.prim, "a requirement")
        if self.original is not None:
            _required_level(self.original, "an original requirement")

    @property
    def level(self) -> int:
        return self.prim.level.data

    @property
    def prim_id(self) -> str:
        return self.prim.prim_id.data

    @property
    def is_unresolved(self) -> bool:
        return self.unresolved is not None


@compile_verifier
@irdl_op_definition
class ProfileOp(IRDLOperation):
    """The target capability profile the skill is compiled for: model and harness,
    where the numbers come from and when they were measured, and the level of each
    primitive (primitives the profile does not list count as L0, as in SkVM).
    `fallback` says so when the profile of another harness stands in for the one
    asked for; `path` names the profile file; `synthetic` marks made-up profiles.

    ```mlir
    cap.profile {capabilities = [#cap.prim<gen.code.python, 3>, #cap.prim<tool.exec, 0>], date = "2026-04-08", harness = "bare-agent", model = "qwen3.5-9b", source = "SkVM-data profiles/bare-agent (PAPER_NOTES (c))"}
    ```
    """

    name = "cap.profile"

    model = prop_def(StringAttr)
    harness = prop_def(StringAttr)
    source = prop_def(StringAttr)
    date = prop_def(StringAttr)
    capabilities = prop_def(ArrayAttr[PrimAttr])
    path = opt_prop_def(StringAttr)
    fallback = opt_prop_def(StringAttr)
    synthetic = opt_prop_def(UnitAttr)

    traits = lazy_traits_def(lambda: (HasParent(_skill_op()),))
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "attr-dict"

    def verify_(self) -> None:
        if not self.model.data or not self.harness.data:
            raise VerifyException("a profile names its model and harness")
        seen: set[str] = set()
        for entry in self.capabilities.data:
            if entry.prim_id.data in seen:
                raise VerifyException(f"profile lists {entry.prim_id.data} twice")
            seen.add(entry.prim_id.data)
        parent = self.parent_op()
        if parent is not None:
            for op in parent.regions[0].ops:
                if isinstance(op, ProfileOp):
                    if op is not self:
                        raise VerifyException("a skill binds at most one 'cap.profile'")
                    break

    @property
    def target(self) -> str:
        return f"{self.harness.data}/{self.model.data}"

    def levels(self) -> dict[str, int]:
        """Primitive id -> level, for the primitives the profile lists."""
        return {e.prim_id.data: e.level.data for e in self.capabilities.data}


def _skill_op():
    from skillir.dialects.skill import SkillOp

    return SkillOp


@compile_verifier
@irdl_op_definition
class GapOp(IRDLOperation):
    """A requirement above the bound profile: `prim` is the required level,
    `available` the profile's; `missing` when the profile says L0, else `weak`.
    `unmeasured` marks a primitive the profile does not list (counted as L0); `rule`
    names the rule that found the requirement (`learned` for the learned second opinion).

    ```mlir
    cap.gap #cap.prim<gen.code.shell, 3> weak {available = 2 : i64}
    ```
    """

    name = "cap.gap"

    prim = prop_def(PrimAttr)
    available = prop_def(IntegerAttr[I64])
    kind = prop_def(GapKindAttr)
    unmeasured = opt_prop_def(UnitAttr)
    rule = opt_prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) $kind attr-dict"

    def verify_(self) -> None:
        _required_level(self.prim, "a gap's requirement")
        available = self.available.value.data
        if not 0 <= available < self.prim.level.data:
            raise VerifyException(
                f"a gap needs available < required, got available {available} for {self.prim}"
            )
        if (self.kind.data is GapKind.MISSING) != (available == 0):
            raise VerifyException("a gap is 'missing' exactly when the available level is 0")

    @property
    def required(self) -> int:
        return self.prim.level.data

    @property
    def available_level(self) -> int:
        return self.available.value.data

    @property
    def size(self) -> int:
        return self.prim.level.data - self.available.value.data


class TransformOp(IRDLOperation):
    """Shared by the records of what `compile-capabilities` did to close a gap:
    the gap's primitive at its required level, the requirement(s) after the
    transform (`to`), and the text added to the skill (`added`; absent with
    `shared` when the same text was already added for an earlier gap).

    What justified it, for compile-report.json: `evidence` (the words or code of the
    skill the transform rests on), `rule` (the strategy, or `llm:PROVIDER/MODEL` for
    the LLM rewriter), `reason` (why: the check it passed, or the model's reason).
    `partial` marks a transform that lowered the demand but not down to the profile
    (a missing primitive): its requirement stays marked `unresolved`."""

    prim = prop_def(PrimAttr)
    to = prop_def(ArrayAttr[PrimAttr])
    added = opt_prop_def(StringAttr)
    shared = opt_prop_def(UnitAttr)
    evidence = opt_prop_def(StringAttr)
    rule = opt_prop_def(StringAttr)
    reason = opt_prop_def(StringAttr)
    partial = opt_prop_def(UnitAttr)

    def _verify_common(self) -> list[PrimAttr]:
        _required_level(self.prim, "a transformed requirement")
        targets = list(self.to.data)
        if not targets:
            raise VerifyException(f"'{self.name}' must say what the requirement became ('to')")
        if self.added is not None and not self.added.data.strip():
            raise VerifyException("'added' text cannot be empty")
        return targets

    def _verify_lowered(self, targets: list[PrimAttr]) -> None:
        if len(targets) != 1 or targets[0].prim_id != self.prim.prim_id:
            raise VerifyException(f"'{self.name}' lowers the same primitive, got {targets}")
        if targets[0].level.data >= self.prim.level.data:
            raise VerifyException(
                f"'{self.name}' must lower the level, got {self.prim} -> {targets[0]}"
            )


@compile_verifier
@irdl_op_definition
class CompensatedOp(TransformOp):
    """A one-level gap closed by making the skill more explicit (`method`: the
    catalog's degradation guidance, restating its rules, pointing at its template,
    skill-relative script paths).

    ```mlir
    cap.compensated #cap.prim<gen.code.shell, 3> "degradation-guidance" {added = "Avoid sed, awk and xargs here: ...", to = [#cap.prim<gen.code.shell, 2>]}
    ```
    """

    name = "cap.compensated"

    method = prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) $method attr-dict"

    def verify_(self) -> None:
        targets = self._verify_common()
        self._verify_lowered(targets)
        if self.method.data not in _catalog().compensation_methods:
            raise VerifyException(
                f"unknown compensation method '{self.method.data}', expected one of "
                f"{', '.join(_catalog().compensation_methods)}"
            )


@compile_verifier
@irdl_op_definition
class SubstitutedOp(TransformOp):
    """The step switched to another path of an equivalence class of the catalog.

    ```mlir
    cap.substituted #cap.prim<gen.code.python, 3> "tabular-query" {from = "pandas", path = "sql", to = [#cap.prim<gen.code.sql, 2>], added = "Do this with SQL instead: ..."}
    ```
    """

    name = "cap.substituted"

    equivalence = prop_def(StringAttr)
    path = prop_def(StringAttr)
    from_path = opt_prop_def(StringAttr, prop_name="from")

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) $equivalence attr-dict"

    def verify_(self) -> None:
        targets = self._verify_common()
        cls = _catalog().equivalence_class(self.equivalence.data)
        if cls is None:
            raise VerifyException(f"unknown equivalence class '{self.equivalence.data}'")
        path = cls.path(self.path.data)
        if path is None:
            raise VerifyException(f"class '{cls.id}' has no path '{self.path.data}'")
        if sorted((t.prim_id.data, t.level.data) for t in targets) != sorted(path.requires):
            needs = ", ".join(f"{pid} L{level}" for pid, level in path.requires)
            raise VerifyException(f"'to' must be what path '{path.id}' requires: {needs}")


@compile_verifier
@irdl_op_definition
class DecomposedOp(TransformOp):
    """The step was split into `parts` explicit sub-steps, each demanding less.

    ```mlir
    cap.decomposed #cap.prim<follow.procedure, 3> {parts = 3 : i64, to = [#cap.prim<follow.procedure, 1>], added = "- ...\\n"}
    ```
    """

    name = "cap.decomposed"

    parts = prop_def(IntegerAttr[I64])

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) attr-dict"

    def verify_(self) -> None:
        targets = self._verify_common()
        self._verify_lowered(targets)
        if self.parts.value.data < 2:
            raise VerifyException("a decomposition has at least 2 parts")


@compile_verifier
@irdl_op_definition
class OffloadedOp(TransformOp):
    """Deterministic code the model would otherwise write is run as a script
    instead: the skill's own complete code block saved to `script`, or a bundled
    script. The requirement becomes running it (`to`).

    When the pass wrote the script itself, `body` holds it, `lang` its language
    (python, shell or js), `params` how many positional arguments it takes, and `run`
    the command line the skill now gives; emission writes `body` to `script` inside
    the compiled skill folder (mode 0755).

    ```mlir
    cap.offloaded #cap.prim<gen.code.python, 3> lang python {added = "Run `python3 scripts/merge_step_2.py FILE1` ...", body = "import sys\n...", params = 1 : i64, run = "python3 scripts/merge_step_2.py FILE1", rule = "offload", script = "scripts/merge_step_2.py", to = [#cap.prim<tool.exec, 1>, #cap.prim<tool.file.write, 1>]}
    ```
    """

    name = "cap.offloaded"

    script = prop_def(StringAttr)
    body = opt_prop_def(StringAttr)
    lang = opt_prop_def(OffloadLangAttr)
    params = opt_prop_def(IntegerAttr[I64])
    run = opt_prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) (`lang` $lang^)? attr-dict"

    def verify_(self) -> None:
        self._verify_common()
        script = self.script.data
        if not script or "\n" in script or script.startswith("/") or ".." in script.split("/"):
            raise VerifyException(f"an offloaded script is a relative path, got {script!r}")
        if (self.body is None) != (self.lang is None):
            raise VerifyException("an offloaded script body needs its 'lang' (and a 'lang' needs a 'body')")
        if self.params is not None and self.params.value.data < 0:
            raise VerifyException("an offloaded script takes a non-negative number of parameters")


@compile_verifier
@irdl_op_definition
class UnresolvedOp(IRDLOperation):
    """A gap no strategy could close, with the reason; the requirement stays above
    the profile and is marked `unresolved`.

    ```mlir
    cap.unresolved #cap.prim<tool.exec, 2> {diagnostic = "bare-agent/qwen3.5-9b cannot run commands (tool.exec L0) and no catalog path avoids them"}
    ```
    """

    name = "cap.unresolved"

    prim = prop_def(PrimAttr)
    diagnostic = prop_def(StringAttr)

    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "qualified($prim) attr-dict"

    def verify_(self) -> None:
        _required_level(self.prim, "an unresolved requirement")
        if not self.diagnostic.data.strip():
            raise VerifyException("'cap.unresolved' needs a diagnostic")


TRANSFORM_OPS = (CompensatedOp, SubstitutedOp, DecomposedOp, OffloadedOp)
RECORD_OPS = (*TRANSFORM_OPS, UnresolvedOp)
"""Ops that record how a gap was handled."""

_OPS = [RequireOp, ProfileOp, GapOp, CompensatedOp, SubstitutedOp, DecomposedOp, OffloadedOp,
        UnresolvedOp]

Cap = Dialect("cap", _OPS, [PrimAttr, GapKindAttr, OffloadLangAttr])
install_fast_accessors(_OPS)  # skillir.xdsl_compat.accessors: named values read directly

__all__ = [
    "Cap",
    "PrimAttr",
    "prim",
    "i64_attr",
    "RequireOp",
    "ProfileOp",
    "GapOp",
    "TransformOp",
    "CompensatedOp",
    "SubstitutedOp",
    "DecomposedOp",
    "OffloadedOp",
    "UnresolvedOp",
    "TRANSFORM_OPS",
    "RECORD_OPS",
    "GAP_KINDS",
    "OFFLOAD_LANGS",
    "GapKind",
    "GapKindAttr",
    "OffloadLang",
    "OffloadLangAttr",
    "gap_kind",
    "offload_lang",
]
