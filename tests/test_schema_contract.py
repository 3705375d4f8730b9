"""The contract of ``from_schema``: every instance validates, or compiling refuses cleanly.

Refusals carry a JSON Pointer and a keyword; nothing but synth's own errors escapes.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys

import jsonschema
import pytest
import referencing
import referencing.jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import synth

REFUSALS = (synth.UnsupportedSchema, synth.UnsatisfiableSchema, synth.SchemaError)


def validator(schema, registry=None):
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    kwargs = {} if registry is None else {"registry": registry}
    return cls(schema, format_checker=cls.FORMAT_CHECKER, **kwargs)


def assert_valid(schema, count=30, seed=1, **options):
    gen = synth.from_schema(schema, **options)
    v = validator(schema)
    values = list(synth.stream(gen, count, seed=seed))
    for value in values:
        errors = list(v.iter_errors(value))
        assert not errors, f"{value!r}: {errors[0].message}"
    return values


def distinct(values):
    return len({json.dumps(v, sort_keys=True) for v in values})


# -- a generated corpus of schemas ----------------------------------------------------

names = st.sampled_from(["a", "b", "name", "email", "id", "x-y"])
scalar_values = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["a", "b", ""]), st.just(1.5)
)
type_names = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])


def leaf_schemas():
    return st.one_of(
        st.booleans(),
        st.fixed_dictionaries({"type": type_names}),
        st.fixed_dictionaries({"type": st.lists(type_names, min_size=1, max_size=3, unique=True)}),
        st.fixed_dictionaries({"enum": st.lists(scalar_values, min_size=1, max_size=4)}),
        st.fixed_dictionaries({"const": scalar_values}),
        st.fixed_dictionaries(
            {"type": st.sampled_from(["integer", "number"])},
            optional={
                "minimum": st.integers(-20, 20),
                "maximum": st.integers(-20, 20),
                "exclusiveMinimum": st.integers(-20, 20),
                "exclusiveMaximum": st.integers(-20, 20),
                "multipleOf": st.sampled_from([1, 2, 3, 0.5, 0.25, 2.5]),
            },
        ),
        st.fixed_dictionaries(
            {"type": st.just("string")},
            optional={
                "minLength": st.integers(0, 6),
                "maxLength": st.integers(0, 8),
                "pattern": st.sampled_from(["^a", "b$", "[0-9]+", "^[a-z]{2,4}$", "x|y"]),
                "format": st.sampled_from(["date", "email", "uuid", "ipv4", "date-time"]),
            },
        ),
    )


def compound(children):
    return st.one_of(
        st.fixed_dictionaries(
            {"type": st.just("array")},
            optional={
                "items": children,
                "prefixItems": st.lists(children, max_size=3),
                "minItems": st.integers(0, 4),
                "maxItems": st.integers(0, 6),
                "uniqueItems": st.booleans(),
                "contains": children,
                "minContains": st.integers(0, 2),
                "maxContains": st.integers(1, 3),
            },
        ),
        st.fixed_dictionaries(
            {"type": st.just("object")},
            optional={
                "properties": st.dictionaries(names, children, max_size=4),
                "required": st.lists(names, max_size=3, unique=True),
                "additionalProperties": children,
                "patternProperties": st.dictionaries(
                    st.sampled_from(["^x", "a$"]), children, max_size=2
                ),
                "propertyNames": st.fixed_dictionaries({"maxLength": st.integers(1, 5)}),
                "minProperties": st.integers(0, 3),
                "maxProperties": st.integers(0, 5),
                "dependentRequired": st.dictionaries(
                    names, st.lists(names, max_size=2, unique=True), max_size=2
                ),
            },
        ),
        st.fixed_dictionaries({"allOf": st.lists(children, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"anyOf": st.lists(children, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"oneOf": st.lists(children, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"not": children}),
        st.fixed_dictionaries({"if": children, "then": children, "else": children}),
    )


schemas = st.recursive(leaf_schemas(), compound, max_leaves=8)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(schemas)
def test_generated_schemas_give_valid_instances_or_a_clean_refusal(schema):
    try:
        gen = synth.from_schema(schema)
    except REFUSALS as exc:
        assert exc.pointer.startswith("#") or "://" in exc.pointer
        assert exc.keyword is None or isinstance(exc.keyword, str)
        return
    v = validator(schema)
    for value in synth.stream(gen, 10, seed=3):
        errors = list(v.iter_errors(value))
        assert not errors, f"{value!r}: {errors[0].message}"


# -- diversity -------------------------------------------------------------------------

DIVERSE = [
    {"type": "integer"},
    {"type": "number", "minimum": 0, "maximum": 1},
    {"type": "string", "minLength": 3},
    {"type": "array", "items": {"type": "integer"}, "minItems": 1},
    {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id"],
    },
    {"anyOf": [{"type": "integer"}, {"type": "string"}]},
    {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
    {"type": "integer", "multipleOf": 7, "minimum": 0},
    {"type": "array", "items": {"enum": [1, 2, 3, 4, 5, 6]}, "uniqueItems": True, "minItems": 2},
]


@pytest.mark.parametrize("schema", DIVERSE, ids=[json.dumps(s)[:40] for s in DIVERSE])
def test_schemas_admitting_many_values_give_varied_instances(schema):
    values = assert_valid(schema, count=20)
    assert distinct(values) >= 18


# -- the metaschemas -------------------------------------------------------------------

METASCHEMAS = [
    jsonschema.Draft4Validator,
    jsonschema.Draft6Validator,
    jsonschema.Draft7Validator,
    jsonschema.Draft201909Validator,
    jsonschema.Draft202012Validator,
]


@pytest.mark.parametrize("cls", METASCHEMAS, ids=lambda c: c.__name__)
def test_metaschemas_generate_valid_varied_schemas(cls):
    gen = synth.from_schema(cls.META_SCHEMA)
    check = cls(cls.META_SCHEMA, format_checker=cls.FORMAT_CHECKER)
    values = list(synth.stream(gen, 30, seed=11))
    for value in values:
        errors = list(check.iter_errors(value))
        assert not errors, errors[0].message
    assert distinct(values) >= 25
    assert sum(1 for v in values if isinstance(v, dict) and len(v) >= 3) >= 10


# -- the peer's validation table (reference section 4), every row -----------------------

PEER_ROWS = {
    "user_schema": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "email": {"type": "string", "format": "email"},
            "age": {"type": "integer", "minimum": 18, "maximum": 90},
            "active": {"type": "boolean"},
        },
        "required": ["id", "email", "age"],
    },
    "python_readme": {
        "type": "object",
        "properties": {
            "id": {"type": "string", "format": "uuid"},
            "score": {"type": "number", "minimum": 0, "maximum": 100},
            "tier": {"type": "string", "enum": ["free", "pro", "enterprise"]},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 4},
        },
        "required": ["id", "score", "tier"],
    },
    "nested_order": {
        "type": "object",
        "additionalProperties": False,
        "required": ["order_id", "customer", "items", "created"],
        "properties": {
            "order_id": {"type": "string", "pattern": "^ORD-[0-9]{6}$"},
            "customer": {
                "type": "object",
                "required": ["name", "address"],
                "properties": {
                    "name": {"type": "string", "minLength": 2, "maxLength": 40},
                    "address": {
                        "type": "object",
                        "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
                        "required": ["zip"],
                    },
                },
            },
            "items": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["sku", "price"],
                    "properties": {
                        "sku": {"type": "string", "minLength": 4, "maxLength": 8},
                        "price": {"type": "number", "exclusiveMinimum": 0},
                    },
                },
            },
            "created": {"type": "string", "format": "date-time"},
        },
    },
    "refs_and_combinators": {
        "$defs": {"money": {"type": "number", "multipleOf": 0.01, "minimum": 0}},
        "type": "object",
        "properties": {
            "total": {"$ref": "#/$defs/money"},
            "payment": {"anyOf": [{"type": "string", "minLength": 3}, {"type": "null"}]},
            "kind": {"oneOf": [{"const": "a"}, {"const": "b"}]},
            "count": {"type": ["integer", "null"]},
            "level": {"type": "integer", "enum": [1, 2, 3]},
            "code": {"type": "string", "minLength": 2, "maxLength": 4},
            "step": {"type": "integer", "multipleOf": 5},
            "tags": {"type": "array", "items": {"type": "integer"}, "uniqueItems": True},
            "version": {"const": 2},
        },
        "required": ["total", "payment", "kind", "count", "level", "code", "step", "tags"],
    },
    "required_not_in_properties": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "required": ["a", "b"],
    },
    "min_properties_with_optionals": {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "integer"}},
        "minProperties": 2,
    },
    "additional_properties_false": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": False,
    },
    "min_items_without_max": {"type": "array", "items": {"type": "integer"}, "minItems": 8},
    "negative_maximum": {"type": "integer", "maximum": -5},
    "large_minimum": {"type": "integer", "minimum": 5000},
    "true_property_schema": {"type": "object", "properties": {"x": True}, "required": ["x"]},
    "number_minimum_only": {"type": "number", "minimum": 10},
    "integer_fractional_minimum": {"type": "integer", "minimum": 1.5, "maximum": 3.5},
    "top_level_array": {"type": "array", "items": {"type": "string"}},
}


@pytest.mark.parametrize("name", list(PEER_ROWS))
def test_every_row_of_the_peer_table_validates(name):
    values = assert_valid(PEER_ROWS[name], count=200, seed=3)
    schema = PEER_ROWS[name]
    if name == "required_not_in_properties":
        assert all("b" in v for v in values)
    if name == "number_minimum_only":
        assert all(v >= 10 for v in values)
    if name == "integer_fractional_minimum":
        assert {v for v in values} == {2, 3}
    if name == "top_level_array":
        assert all(isinstance(v, list) for v in values)
    if name == "min_items_without_max":
        assert all(len(v) >= 8 for v in values)
    assert schema == PEER_ROWS[name]  # compiling does not mutate the caller's schema


# -- refusals: pointers and keywords -----------------------------------------------------


def refusal(schema, **options):
    with pytest.raises(REFUSALS) as info:
        synth.from_schema(schema, **options)
    return info.value


def test_invalid_schema_is_a_schema_error_with_its_pointer():
    exc = refusal({"properties": {"args": {"type": "strin"}}})
    assert isinstance(exc, synth.SchemaError)
    assert exc.pointer == "#/properties/args/type"
    assert "#/properties/args/type" in str(exc)


def test_not_a_schema_at_all_is_a_schema_error():
    with pytest.raises(synth.SchemaError):
        synth.from_schema([1, 2])  # type: ignore[arg-type]


def test_unsatisfiable_bounds_name_the_subschema():
    exc = refusal(
        {
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}},
            "required": ["n"],
        }
    )
    assert isinstance(exc, synth.UnsatisfiableSchema)
    assert exc.pointer == "#/properties/n"
    assert exc.keyword == "minimum"


def test_unsatisfiable_tuple_item_is_named_by_its_pointer():
    exc = refusal(
        {
            "type": "object",
            "properties": {
                "args": {
                    "type": "array",
                    "prefixItems": [
                        {"type": "string"},
                        {"type": "integer", "minimum": 5, "maximum": 1},
                    ],
                    "minItems": 2,
                }
            },
            "required": ["args"],
        }
    )
    assert isinstance(exc, synth.UnsatisfiableSchema)
    assert exc.pointer == "#/properties/args/prefixItems/1"


def test_false_schema_is_unsatisfiable():
    exc = refusal(False)
    assert isinstance(exc, synth.UnsatisfiableSchema)


@pytest.mark.parametrize(
    ("schema", "keyword"),
    [
        ({"type": "array", "minItems": 1_000_000_000}, "minItems"),
        ({"type": "string", "minLength": 2_000_000_000}, "minLength"),
        ({"type": "object", "minProperties": 10**9}, "minProperties"),
    ],
)
def test_enormous_output_is_refused_against_the_size_budget(schema, keyword):
    exc = refusal(schema)
    assert isinstance(exc, synth.UnsupportedSchema)
    assert isinstance(exc, NotImplementedError)
    assert exc.keyword == keyword
    assert exc.pointer == "#"


def test_size_budget_is_configurable():
    values = assert_valid({"type": "array", "minItems": 50}, count=3, size_budget=100)
    assert all(len(v) >= 50 for v in values)
    exc = refusal({"type": "array", "minItems": 50}, size_budget=10)
    assert exc.keyword == "minItems"


def test_required_recursion_without_a_base_case_is_unsatisfiable():
    schema = {"type": "object", "properties": {"next": {"$ref": "#"}}, "required": ["next"]}
    exc = refusal(schema)
    assert isinstance(exc, synth.UnsatisfiableSchema)


def test_deeply_nested_schema_is_refused_or_generated_never_a_recursion_error():
    schema: dict = {"type": "integer"}
    for _ in range(3000):
        schema = {"type": "array", "items": schema, "maxItems": 1}
    try:
        gen = synth.from_schema(schema)
    except REFUSALS as exc:
        assert exc.pointer.startswith("#")
        return
    synth.sample(gen, seed=1)


def test_remote_references_are_never_fetched():
    exc = refusal({"$ref": "https://example.com/schemas/user.json"})
    assert isinstance(exc, synth.UnsupportedSchema)
    assert exc.keyword == "$ref"
    assert "registry" in str(exc)


def test_remote_references_resolve_through_a_registry():
    user = {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}
    schema = {"type": "array", "items": {"$ref": "https://example.com/user.json"}, "minItems": 1}
    for registry in (
        {"https://example.com/user.json": user},
        referencing.Registry().with_resource(
            "https://example.com/user.json",
            referencing.jsonschema.DRAFT202012.create_resource(user),
        ),
    ):
        gen = synth.from_schema(schema, registry=registry)
        for value in synth.stream(gen, 10, seed=1):
            assert all(isinstance(item["id"], int) for item in value)


def test_unsupported_pattern_is_refused_by_name():
    exc = refusal({"type": "string", "pattern": "(a)\\1"})
    assert isinstance(exc, synth.UnsupportedSchema)
    assert exc.keyword == "pattern"


def test_bad_arguments_are_invalid_arguments():
    with pytest.raises(synth.InvalidArgument):
        synth.from_schema({}, max_depth=0)
    with pytest.raises(synth.InvalidArgument):
        synth.from_schema({}, optional_p=2)


# -- drafts ----------------------------------------------------------------------------


def test_draft4_boolean_exclusive_bounds_and_dependencies():
    schema = {
        "$schema": "http://json-schema.org/draft-04/schema#",
        "type": "object",
        "properties": {"n": {"type": "number", "minimum": 0, "exclusiveMinimum": True}},
        "dependencies": {"n": ["m"]},
        "required": ["n"],
    }
    values = assert_valid(schema)
    assert all(v["n"] > 0 and "m" in v for v in values)


def test_draft7_items_array_form_and_additional_items():
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "array",
        "items": [{"type": "integer"}, {"type": "string"}],
        "additionalItems": False,
        "minItems": 2,
    }
    values = assert_valid(schema)
    assert all(len(v) == 2 and isinstance(v[0], int) and isinstance(v[1], str) for v in values)


def test_recursive_ref_2019_and_dynamic_ref_2020():
    tree_2019 = {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$recursiveAnchor": True,
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$recursiveRef": "#"}}},
    }
    tree_2020 = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$dynamicRef": "#node"}}},
    }
    for schema in (tree_2019, tree_2020):
        values = assert_valid(schema, count=50)
        assert any(v.get("children") for v in values)


# -- constructions ---------------------------------------------------------------------


def test_fractional_multiple_of_and_exclusive_bounds():
    values = assert_valid(
        {"type": "number", "multipleOf": 0.01, "exclusiveMinimum": 0, "maximum": 5}, count=100
    )
    assert all(0 < v <= 5 for v in values)


def test_one_of_exactly_one_branch_holds():
    schema = {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "integer", "maximum": 10}]}
    values = assert_valid(schema, count=100)
    assert all(v < 0 or v > 10 for v in values)


def test_contains_with_min_and_max_contains():
    schema = {
        "type": "array",
        "items": {"type": "integer", "minimum": 0, "maximum": 9},
        "contains": {"const": 7},
        "minContains": 2,
        "maxContains": 3,
    }
    values = assert_valid(schema, count=100)
    assert all(2 <= v.count(7) <= 3 for v in values)


def test_if_then_else_and_dependent_schemas():
    schema = {
        "type": "object",
        "properties": {"kind": {"enum": ["card", "cash"]}, "number": {"type": "string"}},
        "required": ["kind"],
        "if": {"properties": {"kind": {"const": "card"}}},
        "then": {"required": ["number"]},
        "else": {"not": {"required": ["number"]}},
        "dependentSchemas": {"number": {"properties": {"number": {"minLength": 4}}}},
    }
    values = assert_valid(schema, count=100)
    assert {v["kind"] for v in values} == {"card", "cash"}


def test_unevaluated_properties_false_with_all_of():
    schema = {
        "allOf": [{"properties": {"a": {"type": "integer"}}, "required": ["a"]}],
        "properties": {"b": {"type": "string"}},
        "unevaluatedProperties": False,
    }
    values = assert_valid(schema, count=50)
    assert all(set(v) <= {"a", "b"} for v in values)


def test_property_names_and_pattern_properties():
    schema = {
        "type": "object",
        "patternProperties": {"^x-": {"type": "integer"}},
        "additionalProperties": False,
        "minProperties": 2,
    }
    values = assert_valid(schema, count=30)
    assert all(len(v) >= 2 and all(k.startswith("x-") for k in v) for v in values)


# -- the tree, seeds, determinism ------------------------------------------------------


def test_repr_reads_as_the_generator_tree():
    gen = synth.from_schema(
        {
            "type": "object",
            "properties": {
                "n": {"type": "integer", "minimum": 1, "maximum": 6},
                "tag": {"enum": ["a", "b"]},
            },
            "required": ["n"],
        }
    )
    assert (
        repr(gen)
        == "object_of(required={'n': integers(1, 6)}, optional={'tag': sampled_from(['a', 'b'])})"
    )


def test_compiling_and_drawing_leave_global_random_alone():
    state = random.getstate()
    gen = synth.from_schema(PEER_ROWS["nested_order"])
    list(synth.stream(gen, 50, seed=5))
    assert random.getstate() == state


def test_same_seed_same_records_across_processes():
    code = (
        "import json, synth\n"
        f"schema = json.loads({json.dumps(json.dumps(PEER_ROWS['refs_and_combinators']))})\n"
        "print(json.dumps(list(synth.stream(synth.from_schema(schema), 40, seed=9))))\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(2)
    ]
    here = json.dumps(
        list(synth.stream(synth.from_schema(PEER_ROWS["refs_and_combinators"]), 40, seed=9))
    )
    assert runs[0].stdout.strip() == runs[1].stdout.strip() == here


def test_user_formats_are_used():
    gen = synth.from_schema(
        {"type": "string", "format": "sku"}, formats={"sku": synth.sampled_from(["SKU-1", "SKU-2"])}
    )
    assert set(synth.stream(gen, 30, seed=1)) == {"SKU-1", "SKU-2"}


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        ({"$ref": "#/$defs/missing"}, "#/$ref"),
        ({"$defs": {"a": {"type": "integer"}}, "$ref": "#/$defs/b"}, "#/$ref"),
        ({"$ref": "#nowhere"}, "#/$ref"),
        (
            {"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}},
            "#/properties/a/$ref",
        ),
        ({"oneOf": [{"type": "integer"}, {"$ref": "#/$defs/x"}]}, "#/oneOf/1/$ref"),
        # Only handed to the validator, never compiled: still checked.
        ({"type": "integer", "not": {"$ref": "#/$defs/x"}}, "#/not/$ref"),
        (
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "definitions": {"a": {"type": "integer"}},
                "$ref": "#/definitions/b",
            },
            "#/$ref",
        ),
        (
            {"$id": "https://example.test/s", "$ref": "https://example.test/s#/$defs/gone"},
            "#/$ref",
        ),
    ],
)
def test_a_ref_to_a_missing_definition_points_to_nothing(schema, pointer):
    exc = refusal(schema)
    assert isinstance(exc, synth.SchemaError)
    assert exc.pointer == pointer and exc.keyword == "$ref"
    assert "points to nothing" in str(exc) and pointer in str(exc)


def test_a_ref_to_a_document_not_given_is_still_unsupported():
    exc = refusal({"$ref": "other.json#/a"})
    assert isinstance(exc, synth.UnsupportedSchema)
    assert "registry" in str(exc)


_EMPTY_INT = {"type": "integer", "minimum": 5, "maximum": 1}
_EMPTY_STR = {"type": "string", "minLength": 5, "maxLength": 1}


@pytest.mark.parametrize(
    ("schema", "pointer", "needle"),
    [
        ({"type": "array", "items": _EMPTY_INT, "minItems": 1}, "#/items", "needs item 0"),
        (
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}],
                "items": _EMPTY_INT,
                "minItems": 3,
            },
            "#/items",
            "needs item 1",
        ),
        (
            {
                "type": "array",
                "prefixItems": [{"type": "integer"}, _EMPTY_INT],
                "items": _EMPTY_INT,
                "minItems": 3,
            },
            "#/prefixItems/1",
            "needs item 1",
        ),
        ({"type": "array", "contains": _EMPTY_INT}, "#/contains", "matching 'contains'"),
    ],
)
def test_an_impossible_item_schema_is_named_before_the_array_length(schema, pointer, needle):
    exc = refusal(schema)
    assert isinstance(exc, synth.UnsatisfiableSchema)
    assert exc.pointer == pointer and exc.keyword == "minimum"
    assert needle in str(exc) and "item -1" not in str(exc)


@pytest.mark.parametrize(
    ("schema", "pointer", "keyword", "needles"),
    [
        (
            {"anyOf": [_EMPTY_STR, _EMPTY_INT]},
            "#/anyOf",
            "anyOf",
            ["'anyOf' at #/anyOf", "#/anyOf/0: minLength", "#/anyOf/1: no integer"],
        ),
        (
            {"oneOf": [{"type": "string"}, {"type": "string"}]},
            "#/oneOf",
            "oneOf",
            ["'oneOf' at #/oneOf needs exactly one branch", "must not match #/oneOf/1"],
        ),
        (
            {
                "if": {"type": "object"},
                "then": {"type": "object", "properties": {"a": _EMPTY_STR}, "required": ["a"]},
                "else": {"type": "object"},
            },
            "#/if",
            "if",
            ["'if' at #/if", "#/then/properties/a", "must fail 'if' at #/if to take 'else'"],
        ),
        (
            {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "required": ["a"],
                "dependencies": {"a": {"properties": {"b": _EMPTY_STR}, "required": ["b"]}},
            },
            "#/dependencies/a",
            "dependencies",
            ["#/dependencies/a/properties/b", "'a' absent: it is required"],
        ),
    ],
)
def test_combinator_errors_name_the_keyword_the_user_wrote(schema, pointer, keyword, needles):
    exc = refusal(schema)
    assert isinstance(exc, synth.UnsatisfiableSchema)
    assert (exc.pointer, exc.keyword) == (pointer, keyword)
    message = str(exc)
    for needle in needles:
        assert needle in message, (needle, message)
    # Internal rewrites (a negated 'if', oneOf exclusivity, a forced-absent property)
    # never show up as keywords the user did not write.
    assert "'not'" not in message and "is false" not in message


def test_a_oneof_that_is_only_hard_to_construct_is_not_called_unsatisfiable():
    schema = {
        "oneOf": [
            {"type": "object"},
            {"type": "object", "properties": {"a": {"type": "string"}}},
        ]
    }
    exc = refusal(schema)
    assert not isinstance(exc, synth.UnsatisfiableSchema)
    assert isinstance(exc, synth.UnsupportedSchema) and exc.keyword == "oneOf"
    assert "a value of #/oneOf/0 must not match #/oneOf/1" in str(exc)


def test_format_and_pattern_generate_by_the_pattern_when_the_format_rarely_matches():
    import jsonschema

    schema = {
        "type": "object",
        "properties": {
            "day": {"type": "string", "format": "date", "pattern": "^2024-0[1-9]-1[0-9]$"},
            "mail": {"type": "string", "format": "email", "pattern": "^a"},
        },
        "required": ["day", "mail"],
    }
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for value in synth.stream(synth.from_schema(schema), 100, seed=2):
        jsonschema.validate(value, schema, format_checker=checker)


def test_format_and_pattern_that_rarely_hold_together_say_why_and_how_to_fix():
    impossible = {"type": "string", "format": "date", "pattern": "^x"}
    exc = refusal({"type": "object", "properties": {"d": impossible}, "required": ["d"]})
    assert isinstance(exc, synth.UnsupportedSchema)
    assert (exc.pointer, exc.keyword) == ("#/properties/d", "pattern")
    message = str(exc)
    assert "format 'date' and pattern '^x' at #/properties/d" in message
    assert "of 100 strings made for the format, 0 matched" in message
    assert "drop one of the two keywords" in message
    # As a branch of anyOf it is left out; the other branch still generates.
    either = synth.from_schema({"anyOf": [impossible, {"type": "integer"}]})
    assert all(isinstance(v, int) for v in synth.stream(either, 50, seed=1))
