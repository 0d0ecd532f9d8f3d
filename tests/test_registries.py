"""The registries are explicit: every entry imports for real and names what it
registers, so a misspelt module or class fails here instead of a pass vanishing."""

from __future__ import annotations

import pytest
from xdsl.passes import ModulePass

from skillir.dialects import get_all_dialects
from skillir.passes import get_all_passes, register_pass


def test_every_pass_entry_loads_its_pass():
    passes = get_all_passes()
    assert {"canonicalize-skill", "lower-to-harness", "lint-security"} <= set(passes)
    for name, load in passes.items():
        cls = load()
        assert issubclass(cls, ModulePass)
        assert cls.name == name


def test_every_dialect_entry_loads_its_dialect():
    dialects = get_all_dialects()
    assert set(dialects) == {"skill", "cap", "env", "conc", "harness", "sec"}
    for name, load in dialects.items():
        dialect = load()
        assert dialect.name == name
        assert all(op.name.startswith(f"{name}.") for op in dialect.operations)


def test_a_pass_cannot_shadow_another():
    with pytest.raises(ValueError, match="already registered"):
        register_pass("bind-env", lambda: ModulePass)


def test_a_registered_research_pass_runs_in_a_pipeline():
    from dataclasses import dataclass

    from skillir.passes import _PASSES
    from skillir.pipeline import parse_pipeline

    @dataclass(frozen=True)
    class CountSteps(ModulePass):
        name = "count-steps-for-test"

        def apply(self, ctx, op) -> None:
            pass

    register_pass(CountSteps.name, lambda: CountSteps)
    try:
        (made,) = parse_pipeline("count-steps-for-test")
        assert isinstance(made, CountSteps)
    finally:
        del _PASSES[CountSteps.name]
