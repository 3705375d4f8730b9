"""Regressions for the JSON Schema generators' fast paths and their draw counts."""

from __future__ import annotations

from collections import Counter

import synth

ORDER_ITEMS = {
    "type": "object",
    "properties": {
        "items": {
            "type": "array",
            "minItems": 1,
            "maxItems": 5,
            "items": {
                "type": "object",
                "properties": {"sku": {"type": "string"}},
                "required": ["sku"],
            },
        },
        "meta": {"type": "object", "properties": {"a": {"type": "integer"}}},
    },
    "required": ["items"],
}


def test_arrays_of_plain_objects_reach_max_items():
    # An object's generator for undeclared keys (never drawn when extra_properties=0)
    # used to count as recursion, which capped such arrays at three items.
    values = list(synth.stream(synth.from_schema(ORDER_ITEMS), 500, seed=3))
    sizes = Counter(len(v["items"]) for v in values)
    assert set(sizes) == {1, 2, 3, 4, 5}
    assert min(sizes.values()) > 60


def test_optional_plain_object_keeps_optional_p():
    values = list(synth.stream(synth.from_schema(ORDER_ITEMS), 1000, seed=4))
    share = sum("meta" in v for v in values) / len(values)
    assert 0.74 < share < 0.86


def test_objects_with_extra_properties_still_get_them():
    gen = synth.from_schema(
        {"type": "object", "properties": {"a": {"type": "integer"}}}, extra_properties=2
    )
    values = list(synth.stream(gen, 200, seed=5))
    assert any(set(v) - {"a"} for v in values)
