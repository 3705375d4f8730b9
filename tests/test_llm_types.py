"""Schemas derived from Python types, validation, and structuring of model answers."""

from __future__ import annotations

import dataclasses
import enum
from typing import Literal, Optional

import attrs
import jsonschema
import pytest

from synth import InvalidArgument, OutputInvalid
from synth.llm.types import json_schema_for_type, structure, validate


@attrs.frozen
class Address:
    city: str
    zip: Optional[str] = None  # noqa: UP045  (the typing spelling must work too)


class Mood(enum.Enum):
    HAPPY = "happy"
    SAD = "sad"


@attrs.frozen
class Person:
    name: str
    age: int
    tags: list[str]
    address: Address
    scores: dict[str, int]
    mood: Mood
    kind: Literal["a", "b"] = "a"
    nickname: str | None = None


@dataclasses.dataclass
class Point:
    x: float
    y: float


def _objects(schema):
    """Every object schema inside ``schema``."""
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


def test_strict_schema_objects_are_closed_and_fully_required():
    schema = json_schema_for_type(Person)
    objects = list(_objects(schema))
    assert len(objects) == 3  # Person, Address, the dict's key/value pair
    for obj in objects:
        assert obj["additionalProperties"] is False
        assert sorted(obj["required"]) == sorted(obj["properties"])
    jsonschema.Draft202012Validator.check_schema(schema)


def test_optionals_are_nullable_unions_and_literals_enums():
    props = json_schema_for_type(Person)["properties"]
    assert props["nickname"] == {"anyOf": [{"type": "string"}, {"type": "null"}]}
    assert props["address"]["properties"]["zip"]["anyOf"][1] == {"type": "null"}
    assert props["kind"] == {"enum": ["a", "b"]}
    assert props["mood"] == {"enum": ["happy", "sad"]}


def test_dicts_are_key_value_pairs_in_strict_mode_and_maps_otherwise():
    strict = json_schema_for_type(dict[str, int])
    assert strict["type"] == "array"
    assert strict["items"]["properties"] == {
        "key": {"type": "string"},
        "value": {"type": "integer"},
    }
    loose = json_schema_for_type(dict[str, int], strict=False)
    assert loose == {"type": "object", "additionalProperties": {"type": "integer"}}
    assert structure([{"key": "a", "value": 1}], dict[str, int], strict) == {"a": 1}
    assert structure({"a": 1}, dict[str, int], loose) == {"a": 1}


def test_non_strict_schema_leaves_defaults_optional():
    schema = json_schema_for_type(Person, strict=False)
    assert set(schema["required"]) == {"name", "age", "tags", "address", "scores", "mood"}
    assert "additionalProperties" not in schema


def test_dataclasses_and_scalars():
    assert json_schema_for_type(Point)["properties"] == {
        "x": {"type": "number"},
        "y": {"type": "number"},
    }
    assert structure({"x": 1, "y": 2.5}, Point) == Point(1, 2.5)
    assert json_schema_for_type(list[int]) == {"type": "array", "items": {"type": "integer"}}


def test_structure_builds_nested_values_matching_our_own_validator_and_jsonschema():
    value = {
        "name": "Ada",
        "age": 36,
        "tags": ["x"],
        "address": {"city": "London", "zip": None},
        "scores": [{"key": "math", "value": 10}],
        "mood": "happy",
        "kind": "b",
        "nickname": None,
    }
    schema = json_schema_for_type(Person)
    jsonschema.validate(value, schema)
    person = structure(value, Person)
    assert person == Person(
        "Ada", 36, ["x"], Address("London"), {"math": 10}, Mood.HAPPY, "b", None
    )


@pytest.mark.parametrize(
    ("patch", "path"),
    [
        ({"age": "36"}, "$.age"),
        ({"age": True}, "$.age"),
        ({"age": 1.5}, "$.age"),
        ({"tags": ["x", 3]}, "$.tags[1]"),
        ({"address": {"city": "L"}}, "$.address"),
        ({"mood": "angry"}, "$.mood"),
        ({"extra": 1}, "$.extra"),
        ({"scores": {"math": 1}}, "$.scores"),
    ],
)
def test_invalid_values_are_refused_with_the_path_and_agree_with_jsonschema(patch, path):
    value = {
        "name": "Ada",
        "age": 36,
        "tags": [],
        "address": {"city": "L", "zip": None},
        "scores": [],
        "mood": "sad",
        "kind": "a",
        "nickname": None,
    }
    value.update(patch)
    schema = json_schema_for_type(Person)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(value, schema)
    with pytest.raises(OutputInvalid) as err:
        structure(value, Person)
    assert err.value.path == path


def test_unions_pick_the_member_the_value_fits():
    @attrs.frozen
    class Cat:
        meows: int

    @attrs.frozen
    class Dog:
        barks: int

    tp = Cat | Dog
    assert structure({"barks": 2}, tp) == Dog(2)
    assert structure({"meows": 1}, tp) == Cat(1)
    with pytest.raises(OutputInvalid):
        structure({"quacks": 1}, tp)


def test_validator_handles_constraint_keywords():
    schema = {"type": "string", "minLength": 2, "pattern": "^a"}
    validate("ab", schema)
    for bad in ("a", "bb"):
        with pytest.raises(OutputInvalid):
            validate(bad, schema)
    with pytest.raises(OutputInvalid):
        validate(5, {"type": "integer", "maximum": 4})
    with pytest.raises(OutputInvalid):
        validate([1, 2, 3], {"type": "array", "maxItems": 2})


@attrs.frozen
class Node:
    children: list[Node]


def test_unsupported_types_are_refused_when_building():
    with pytest.raises(InvalidArgument, match="recursive"):
        json_schema_for_type(Node)
    with pytest.raises(InvalidArgument, match="fixed-length tuples"):
        json_schema_for_type(tuple[int, str])
    with pytest.raises(InvalidArgument, match="keys must be str"):
        json_schema_for_type(dict[int, str])
    with pytest.raises(InvalidArgument):
        json_schema_for_type(object)

    @attrs.frozen
    class Local:
        other: Unknown  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(InvalidArgument, match="module level"):
        json_schema_for_type(Local)
