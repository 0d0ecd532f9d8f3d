"""lower-to-harness: the attribute shortcuts build what xdsl's constructors build."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import DenseArrayBase, i64

from skillir.passes.lower_to_harness import _i64s


@pytest.mark.parametrize("values", [[], [1], [3, 1, 2], [0, -1, 2**63 - 1, -(2**63)], list(range(1, 200))])
def test_i64s_is_xdsl_dense_array(values: list[int]) -> None:
    made = _i64s(values)
    expected = DenseArrayBase.from_list(i64, values)
    assert made == expected
    assert hash(made) == hash(expected)
    assert str(made) == str(expected)
    assert made.get_values() == tuple(values)
    made.verify()  # what the skipped construction-time check would have run
