"""`indented_json` writes exactly what `json.dumps(value, indent=2, ensure_ascii=False)`
writes, and leaves to json what json would refuse or hand to `default`."""

from __future__ import annotations

import enum
import json
import random

import pytest

from skillir.emit.jsontext import indented_json


def dumps(value):
    return json.dumps(value, indent=2, ensure_ascii=False)


class Color(enum.IntEnum):
    RED = 1


class Name(enum.StrEnum):
    A = "a"


CASES = [
    {}, [], (), "", "x", 0, -1, 10**30, 1.5, -0.0, 1e16, 1e-7, float("nan"), float("inf"), float("-inf"),
    True, False, None, [[]], [{}], {"a": {}}, {"a": []}, (1, (2, [3])),
    {"é": "\u2028\x00\"\\\n\t😀", 3: "int key", 2.5: "float key", True: "t", False: "f", None: "n"},
    {"nested": [{"a": [1, 2.0, None, True, "s"], "b": {"c": {"d": []}}}], "empty": {}},
    [Color.RED, Name.A, {Color.RED: Name.A}],
]


@pytest.mark.parametrize("value", CASES, ids=range(len(CASES)))
def test_the_same_text_as_json(value):
    assert indented_json(value) == dumps(value)


def _random_value(rng: random.Random, depth: int):
    scalars = [lambda: rng.choice(["", "a", "é ü", "\x01", "quote\"s"]), lambda: rng.randint(-5, 10**12),
               lambda: rng.choice([0.1, -2.5, 1e300, float("nan")]), lambda: rng.choice([True, False, None])]
    if depth >= 4 or rng.random() < 0.4:
        return rng.choice(scalars)()
    if rng.random() < 0.5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = [rng.choice(["k", "é", "", "1"]) + str(i) for i in range(rng.randint(0, 4))]
    return {key: _random_value(rng, depth + 1) for key in keys}


def test_random_values_give_the_same_text():
    rng = random.Random(20)
    for _ in range(2000):
        value = _random_value(rng, 0)
        assert indented_json(value) == dumps(value)


def test_what_json_refuses_or_defaults_is_left_to_json():
    cycle: list = []
    cycle.append(cycle)
    with pytest.raises(ValueError, match="Circular reference"):
        indented_json(cycle)
    with pytest.raises(TypeError, match="not JSON serializable"):
        indented_json({"a": {1, 2}})
    with pytest.raises(TypeError, match="keys must be str"):
        indented_json({(1, 2): "tuple key"})
