"""Op verifiers compiled from their IRDL definitions.

xdsl's generic verifier interprets an op's IRDL definition on every call: about 25 µs
per op on this machine, most of the frontend's time budget. For definitions built from
base-type constraints (all of SkillIR's ops), the same checks compile, once per op
class, into a short function: operand, result, region and successor counts; base types
of operands, results and properties; no unknown properties; single-block regions; the
op's traits; then its own `verify_`. Typed property constraints compile too: an
integer of a given width (`IntegerAttr[I64]`), an array of one element class
(`ArrayAttr[StringAttr]`), an exact attribute; any other constraint is still checked
with its IRDL constraint. A definition with anything this
does not handle (attribute-sized segments, several variadics, region entry arguments
constraints) keeps the generic verifier. `tests/dialects/test_fast_verify.py` checks both
verifiers accept and reject the same ops.
"""

from __future__ import annotations

from collections.abc import Callable

from xdsl.dialects.builtin import ArrayAttr, ArrayOfConstraint
from xdsl.ir import Attribute, Operation
from xdsl.irdl import IRDLOperation, ParsePropInAttrDict
from xdsl.irdl.constraints import (
    AnyAttr,
    AttrConstraint,
    BaseAttr,
    EqAttrConstraint,
    ParamAttrConstraint,
    RangeLengthConstraint,
    RangeOf,
    VerificationContext,
)
from xdsl.irdl.operations import (
    OptionalDef,
    OptOperandDef,
    OptRegionDef,
    OptResultDef,
    OptSingleBlockRegionDef,
    SingleBlockRegionDef,
    VariadicDef,
    VarRegionDef,
    VarSingleBlockRegionDef,
)
from xdsl.traits import HasAncestor, NoTerminator, OpTrait
from xdsl.utils.exceptions import VerifyException

Check = Callable[[Operation], None]


def _base_type(constr) -> type | None | bool:
    """The class a constraint requires, None for any attribute, False if not simple."""
    if isinstance(constr, RangeLengthConstraint):  # a single operand/result: count checked apart
        constr = constr.constraint
    if isinstance(constr, RangeOf):
        constr = constr.constr
    if isinstance(constr, AnyAttr):
        return None
    if isinstance(constr, BaseAttr):
        return constr.attr
    return False


def _value_check(defs, what: str) -> Check | None:
    """Counts and base types of operands or results; None if not compilable."""
    variadic = [i for i, (_, d) in enumerate(defs) if isinstance(d, VariadicDef)]
    if len(variadic) > 1:
        return None
    types = []
    for _, d in defs:
        base = _base_type(d.constr)
        if base is False:
            return None
        types.append(base)
    fixed = len(defs) - len(variadic)
    optional = bool(variadic) and isinstance(defs[variadic[0]][1], OptOperandDef | OptResultDef)
    # the tuples themselves: `op.operands` builds a view object per call
    getter = (lambda op: op._operands) if what == "operand" else (lambda op: op.results)  # noqa: SLF001
    names = [n for n, _ in defs]
    typed = [(i, name, base) for i, (name, base) in enumerate(zip(names, types, strict=True)) if base is not None]
    v = variadic[0] if variadic else -1

    def check(op: Operation) -> None:
        values = getter(op)
        count = len(values)
        if count == 0:  # the common case: nothing to type-check
            if fixed:
                raise VerifyException(f"Expected {fixed} {what}s, but got 0")
            return
        if v < 0:
            if count != fixed:
                raise VerifyException(f"Expected {fixed} {what}s, but got {count}")
            extra = 1
        else:
            extra = count - fixed
            if extra < 0 or (optional and extra > 1):
                raise VerifyException(f"Expected {'' if optional else 'at least '}{fixed} {what}s, but got {count}")
        for index, name, base in typed:  # definition `index` holds values lo..hi-1
            if index < v or v < 0:
                lo, hi = index, index + 1
            elif index == v:
                lo, hi = v, v + extra
            else:
                lo = index + extra - 1
                hi = lo + 1
            for pos in range(lo, hi):
                if not isinstance(values[pos].type, base):
                    raise VerifyException(
                        f"{what} '{name}' at position {pos} does not verify: "
                        f"{values[pos].type} should be of base attribute {base.name}"
                    )

    return check


def _region_check(defs) -> Check | None:
    variadic = [d for _, d in defs if isinstance(d, VariadicDef)]
    if len(variadic) > 1:
        return None
    for _, d in defs:
        if _base_type(d.entry_args) is not None:  # only "any entry arguments" compiles
            return None
    fixed = len(defs) - len(variadic)
    optional = bool(variadic) and isinstance(variadic[0], OptRegionDef | OptSingleBlockRegionDef)
    single = [
        isinstance(d, SingleBlockRegionDef | OptSingleBlockRegionDef | VarSingleBlockRegionDef)
        for _, d in defs
    ]
    any_single = any(single)
    all_single = all(single)
    if any_single and not all_single and variadic and not isinstance(variadic[0], VarRegionDef):
        return None

    def check(op: Operation) -> None:
        regions = op.regions
        count = len(regions)
        if count < fixed or (not variadic and count != fixed) or (optional and count > fixed + 1):
            raise VerifyException(f"Expected {fixed} regions, but got {count}")
        if any_single:
            for index, region in enumerate(regions):
                first = region._first_block  # noqa: SLF001 - `len(region.blocks)` counts through a generator
                if first is not None and first._next_block is None:  # noqa: SLF001
                    continue
                if all_single or single[min(index, len(single) - 1)]:
                    raise VerifyException(
                        f"Region at position {index} expected a single block, but got "
                        f"{len(region.blocks)} blocks"
                    )

    return check


def _attr_test(constr: AttrConstraint) -> Callable[[Attribute], bool] | None:
    """A plain predicate for a typed attribute constraint, None if not compilable."""
    if isinstance(constr, AnyAttr):
        return lambda attr: True
    if isinstance(constr, BaseAttr):
        base = constr.attr
        return lambda attr: isinstance(attr, base)
    if isinstance(constr, EqAttrConstraint):
        want = constr.attr
        return lambda attr: attr == want
    if isinstance(constr, ArrayOfConstraint) and isinstance(constr.elem_range_constraint, RangeOf):
        elem = _attr_test(constr.elem_range_constraint.constr)
        if elem is None:
            return None
        return lambda attr: isinstance(attr, ArrayAttr) and all(elem(a) for a in attr.data)
    if isinstance(constr, ParamAttrConstraint) and constr.base_attr is not None:
        base = constr.base_attr
        # read parameters by field name: `Attribute.parameters` rebuilds a tuple from the
        # IRDL definition on every access (microseconds)
        names = [name for name, _ in base.get_irdl_definition().parameters]
        tests = [_attr_test(p) for p in constr.param_constrs]
        if any(p is None for p in tests):
            return None
        checks = [(names[i], p) for i, p in enumerate(tests) if not isinstance(constr.param_constrs[i], AnyAttr)]
        eqs = [(names[i], c.attr) for i, c in enumerate(constr.param_constrs) if isinstance(c, EqAttrConstraint)]
        rest = [(n, p) for (n, p), c in zip(checks, [c for c in constr.param_constrs if not isinstance(c, AnyAttr)],
                                            strict=True) if not isinstance(c, EqAttrConstraint | BaseAttr)]
        if len(eqs) == 1 and not rest:  # IntegerAttr[I64]: the class and the type (IntAttr holds any int)
            (field, want), = eqs
            seen = [want]  # instances known equal to `want`: `is` costs 0.1 µs, `==` 2 µs

            def typed(attr: Attribute) -> bool:
                if not isinstance(attr, base):
                    return False
                param = getattr(attr, field)
                for known in seen:
                    if param is known:
                        return True
                if param != want:
                    return False
                if len(seen) < 8:  # usually the builtin singleton (`i64`) joins after one call
                    seen.append(param)
                return True

            return typed
        return lambda attr: isinstance(attr, base) and all(p(getattr(attr, n)) for n, p in checks)
    return None


def _describe(constr: AttrConstraint) -> str:
    """A constraint in words, for the compiled verifier's messages."""
    if isinstance(constr, BaseAttr):
        return constr.attr.name
    if isinstance(constr, EqAttrConstraint):
        return str(constr.attr)
    if isinstance(constr, ArrayOfConstraint) and isinstance(constr.elem_range_constraint, RangeOf):
        return f"an array of {_describe(constr.elem_range_constraint.constr)}"
    if isinstance(constr, ParamAttrConstraint) and constr.base_attr is not None:
        typed = [_describe(p) for p in constr.param_constrs if isinstance(p, EqAttrConstraint)]
        return constr.base_attr.name + (f" of type {', '.join(typed)}" if typed else "")
    return str(constr)


def _property_check(defs: dict, container: str) -> Check | None:
    """Properties or attributes against their definitions; None if there is nothing to
    check (no attribute definitions: any attribute may be added)."""
    if not defs and container == "attributes":
        return None
    plans = []
    for name, d in defs.items():
        base = _base_type(d.constr)
        test = _attr_test(d.constr) if base is False else None
        plans.append((name, isinstance(d, OptionalDef), base, test, d.constr))
    known = frozenset(defs)
    is_props = container == "properties"

    def check(op: Operation) -> None:
        values = op.properties if is_props else op.attributes
        for name, is_optional, base, test, constr in plans:
            value = values.get(name)
            if value is None:
                if is_optional:
                    continue
                kind = "property" if is_props else "attribute"
                raise VerifyException(f"{kind} '{name}' expected in operation '{op.name}'")
            if base is False:
                if test is None:
                    constr.verify(value, VerificationContext())
                elif not test(value):
                    raise VerifyException(f"'{name}' must be {_describe(constr)}, got {value}")
            elif base is not None and not isinstance(value, base):
                raise VerifyException(f"{value} should be of base attribute {base.name}")
        if is_props:
            for name in values:
                if name not in known:
                    raise VerifyException(
                        f"property '{name}' is not defined by the operation '{op.name}'. "
                        "Use the dictionary attribute to add arbitrary information "
                        "to the operation."
                    )

    return check


def _trait_check(trait: OpTrait) -> Check:
    """The trait's `verify`, or for the two traits a skill's ops check most often an
    equivalent without generators that defers to `verify` (xdsl's message) on failure:
    `HasAncestor` (xdsl walks the parents through two generators and an isinstance on a
    tuple of classes: ~11 µs per `cap.require`) and `NoTerminator` (`len(region.blocks)`
    counts blocks through a generator)."""
    if isinstance(trait, HasAncestor):
        wanted = trait.op_types
        is_wanted: dict[type, bool] = {}  # per class: issubclass(cls, wanted), which isinstance asks

        def has_ancestor(op: Operation) -> None:
            current: Operation | None = op
            while current is not None:
                cls = current.__class__
                found = is_wanted.get(cls)
                if found is None:
                    found = is_wanted[cls] = issubclass(cls, wanted)
                if found:
                    return
                current = current.parent_op()
            trait.verify(op)  # raises

        return has_ancestor
    if isinstance(trait, NoTerminator):
        def one_block_each(op: Operation) -> None:
            for region in op.regions:
                first = region._first_block  # noqa: SLF001 - the linked list, not a generator
                if first is not None and first._next_block is not None:  # noqa: SLF001
                    trait.verify(op)  # raises

        return one_block_each
    return trait.verify


def compile_verifier(cls: type[IRDLOperation]) -> type[IRDLOperation]:
    """Replace `cls.verify_` by a compiled equivalent when its definition allows. A
    class decorator, written right above `@irdl_op_definition`."""
    op_def = cls.get_irdl_definition()
    generated = cls.verify_
    cells = dict(zip(generated.__code__.co_freevars, generated.__closure__ or (), strict=True))
    if "op_def" not in cells:  # not the shape xdsl 0.74 generates: leave it alone
        return cls
    custom = cells["custom_verify"].cell_contents if "custom_verify" in cells else None
    if op_def.successors or any(not isinstance(o, ParsePropInAttrDict) for o in op_def.options):
        return cls
    operands = _value_check(op_def.operands, "operand")
    results = _value_check(op_def.results, "result")
    regions = _region_check(op_def.regions)
    if operands is None or results is None or regions is None:
        return cls
    props = _property_check(op_def.properties, "properties")
    attrs = _property_check(op_def.attributes, "attributes")
    # a check that passes on no values runs only when there are some
    operands_always, results_always, regions_always = (
        any(not isinstance(d, VariadicDef) for _, d in defs)
        for defs in (op_def.operands, op_def.results, op_def.regions)
    )
    props_always = bool(op_def.properties)
    resolved: list[tuple] = []  # lazy traits may name ops defined after this one: read them on first use

    def verify_(self: Operation) -> None:
        if operands_always or self._operands:  # noqa: SLF001 - `operands` builds a view object per call
            operands(self)
        if results_always or self.results:
            results(self)
        if regions_always or self.regions:
            regions(self)
        if self._successors:  # noqa: SLF001 - `successors` builds a view object per call
            raise VerifyException(f"Expected 0 successors, but got {len(self._successors)}")  # noqa: SLF001
        if props_always or self.properties:
            props(self)
        if attrs is not None:
            attrs(self)
        if not resolved:
            resolved.append(tuple(_trait_check(trait) for trait in op_def.traits))
        for trait_check in resolved[0]:
            trait_check(self)
        if custom is not None:
            custom(self)

    verify_.generic = generated  # type: ignore[attr-defined]
    cls.verify_ = verify_
    return cls
