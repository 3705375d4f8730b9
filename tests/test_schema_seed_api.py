"""``SchemaBasedGenerator``: the seed project's call shape, correct where the seed was not."""

from __future__ import annotations

import json
import random

import jsonschema
import pytest
from faker import Faker

import synth
from synth import SchemaBasedGenerator

TOOL = {  # the seed's "search" tool parameters
    "type": "object",
    "properties": {
        "query": {"type": "string", "description": "The search query."},
        "num_results": {"type": "integer", "default": 5},
        "safe_search": {"type": "boolean", "default": True},
    },
    "required": ["query"],
}


def test_returns_count_valid_instances():
    rows = SchemaBasedGenerator().from_schema(TOOL, 50, seed=1)
    assert len(rows) == 50
    v = jsonschema.Draft202012Validator(TOOL)
    assert all(v.is_valid(r) and "query" in r for r in rows)
    # optional properties appear sometimes, not always (the seed's 80%)
    share = sum("safe_search" in r for r in rows) / len(rows)
    assert 0.5 < share < 1.0


def test_explicit_seed_is_reproducible_and_local():
    state = random.getstate()
    a = SchemaBasedGenerator().from_schema(TOOL, 20, seed=7)
    b = SchemaBasedGenerator(seed=7).from_schema(TOOL, 20)
    c = SchemaBasedGenerator().from_schema(TOOL, 20, seed=8)
    assert a == b != c
    assert random.getstate() == state
    assert a == list(synth.stream(synth.from_schema(TOOL), 20, seed=7))


def test_faker_argument_is_accepted_and_left_alone():
    faker = Faker()
    faker.seed_instance(3)
    expected = Faker()
    expected.seed_instance(3)
    SchemaBasedGenerator(faker).from_schema(TOOL, 10, seed=1)
    assert faker.name() == expected.name()


def test_without_a_seed_each_call_is_fresh():
    gen = SchemaBasedGenerator()
    assert gen.from_schema(TOOL, 5) != gen.from_schema(TOOL, 5)


def test_top_level_arrays_and_crash_cases_of_the_seed_work():
    gen = SchemaBasedGenerator()
    assert all(isinstance(r, list) for r in gen.from_schema({"type": "array"}, 5, seed=1))
    rows = gen.from_schema(
        {"type": "object", "properties": {"x": True}, "required": ["x"]}, 5, seed=1
    )
    assert all("x" in r for r in rows)
    assert all(r >= 5000 for r in gen.from_schema({"type": "integer", "minimum": 5000}, 20, seed=1))


def test_count_is_checked_and_refusals_are_synth_errors():
    gen = SchemaBasedGenerator()
    assert gen.from_schema(TOOL, 0, seed=1) == []
    with pytest.raises(synth.InvalidArgument):
        gen.from_schema(TOOL, -1)
    with pytest.raises(synth.UnsatisfiableSchema):
        gen.from_schema({"type": "integer", "minimum": 5, "maximum": 1}, 3)


CONSTRAINED = {
    "type": "object",
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "n": {"type": "integer", "minimum": 5000, "multipleOf": 7},
        "tags": {"type": "array", "items": {"type": "string", "minLength": 2}, "minItems": 8},
        "kind": {"const": "order"},
    },
    "required": ["code", "n", "tags", "kind"],
    "additionalProperties": False,
}


def test_single_value_helpers_honour_every_keyword():
    # The seed's _generate_value/_generate_object dispatched on "type" alone and dropped
    # pattern, multipleOf, const, minItems, ...; these compile the whole schema.
    validator = jsonschema.Draft202012Validator(CONSTRAINED)
    gen = SchemaBasedGenerator()
    for helper in (gen.generate_value, gen._generate_value, gen._generate_object):
        for _ in range(20):
            value = helper(CONSTRAINED)
            assert validator.is_valid(value), value
    for _ in range(20):
        n = gen._generate_value({"type": "integer", "maximum": -5})
        assert isinstance(n, int) and n <= -5
        text = gen.generate_value({"type": "string", "format": "email"})
        assert "@" in text
    with pytest.raises(synth.InvalidArgument, match="expects an object schema"):
        gen._generate_object({"type": "array"})


def test_single_value_helpers_of_a_seeded_instance_repeat_across_runs():
    a, b = SchemaBasedGenerator(seed=3), SchemaBasedGenerator(seed=3)
    first = [a.generate_value(CONSTRAINED) for _ in range(5)]
    assert first == [b.generate_value(CONSTRAINED) for _ in range(5)]
    assert len({json.dumps(v, sort_keys=True) for v in first}) == 5
    assert first == SchemaBasedGenerator().from_schema(CONSTRAINED, 5, seed=3)
