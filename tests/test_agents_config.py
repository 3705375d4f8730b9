"""``GeneratorConfig`` checks what it can when it is built, not when it generates."""

from __future__ import annotations

import pytest

import synth
from synth import DataGenerator, GeneratorConfig
from synth.agents.datasets import MAX_STEPS, parse_constraints
from synth.agents.trace import MAX_STEPS_LIMIT


@pytest.mark.parametrize(
    ("schema", "needle"),
    [
        ({"type": "array", "items": {"type": "integer"}}, "\"type\": 'array'"),
        ({"type": "string"}, "\"type\": 'string'"),
        ({"type": ["object", "null"]}, "['object', 'null']"),
        ({}, "no keywords"),
    ],
)
def test_a_json_schema_of_non_objects_is_refused_at_build(schema, needle):
    with pytest.raises(synth.InvalidArgument, match="schema must describe JSON objects") as e:
        GeneratorConfig(data_type="json", schema=schema)
    assert needle in str(e.value) and '"type": "object"' in str(e.value)


def test_a_schema_property_named_index_is_refused_at_build():
    schema = {"type": "object", "properties": {"index": {"type": "string"}}}
    with pytest.raises(synth.InvalidArgument, match=r"#/properties/index"):
        GeneratorConfig(data_type="json", schema=schema)


def test_an_object_schema_without_type_is_accepted():
    schema = {"properties": {"a": {"type": "integer"}}, "required": ["a"]}
    samples = DataGenerator().generate(GeneratorConfig("json", 3, 1, schema)).samples
    assert all(isinstance(s["a"], int) for s in samples)


def test_constraints_none_means_no_constraints():
    for data_type in synth.DataType:
        config = GeneratorConfig(data_type=data_type, count=2, seed=4, constraints=None)
        assert config.constraints == {}
        expected = GeneratorConfig(data_type=data_type, count=2, seed=4)
        gen = DataGenerator()
        assert gen.generate(config).samples == gen.generate(expected).samples


@pytest.mark.parametrize(
    ("constraints", "needle"),
    [
        ({"min_steps": 0}, "min_steps expects an integer from 1 to 50"),
        ({"max_steps": 10**6}, "max_steps expects an integer from 1 to 50"),
        ({"min_steps": 4, "max_steps": 3}, "min_steps=4 is greater than max_steps=3"),
    ],
)
@pytest.mark.parametrize("data_type", ["agent_trace", "conversation"])
def test_step_bounds_are_checked_at_build(data_type, constraints, needle):
    with pytest.raises(synth.InvalidArgument, match=needle):
        GeneratorConfig(data_type=data_type, constraints=constraints)


def test_the_step_bound_is_the_traces_one():
    assert MAX_STEPS == MAX_STEPS_LIMIT
    GeneratorConfig(data_type="agent_trace", constraints={"min_steps": 1, "max_steps": MAX_STEPS})


def test_a_template_with_tools_is_checked_at_build():
    with pytest.raises(synth.InvalidArgument, match="use template=tool_use"):
        GeneratorConfig(
            data_type="conversation", constraints={"template": "code_assistant", "tools": "search"}
        )
    config = GeneratorConfig(
        data_type="conversation",
        count=2,
        seed=1,
        constraints={"template": "tool_use", "tools": "search"},
    )
    assert DataGenerator().generate(config).samples[0]["turns"][2]["tool_calls"]


def test_user_template_placeholders_are_checked_at_build():
    templates = {"mine": {"turns": [{"role": "user", "content": "Hello.\nHi {frist_name}!"}]}}
    # checked whether or not the template is chosen by a constraint
    for constraints in ({"template": "mine"}, {}):
        with pytest.raises(synth.TemplateError) as e:
            GeneratorConfig(data_type="conversation", templates=templates, constraints=constraints)
        message = str(e.value)
        assert "line 2, column 4" in message and "{frist_name}" in message
        assert "did you mean first_name" in message
    good = {"mine": {"turns": [{"role": "user", "content": "Hi {first_name}!"}]}}
    config = GeneratorConfig(
        data_type="conversation", count=2, seed=1, templates=good, constraints={"template": "mine"}
    )
    assert DataGenerator().generate(config).samples[0]["turns"][0]["content"].startswith("Hi ")


@pytest.mark.parametrize("key", ["min_sentences", "max_sentences"])
def test_a_huge_sentence_count_is_refused_at_build_with_the_bound(key):
    constraints = {"min_sentences": 1, "max_sentences": 10**9}
    if key == "min_sentences":
        constraints["min_sentences"] = 10**9
    with pytest.raises(synth.InvalidArgument, match=f"{key} expects an integer from 0 to 10000"):
        GeneratorConfig(data_type="text", constraints=constraints)
    with pytest.raises(synth.InvalidArgument, match="<= 10000"):
        synth.paragraphs(**constraints)


def test_the_largest_sentence_count_is_drawn_exactly_and_quickly():
    from synth.agents.datasets import MAX_SENTENCES
    from synth.agents.text import MAX_SENTENCES as TEXT_MAX

    assert MAX_SENTENCES == TEXT_MAX
    config = GeneratorConfig(
        data_type="text",
        count=2,
        seed=1,
        constraints={"min_sentences": MAX_SENTENCES, "max_sentences": MAX_SENTENCES},
    )
    for sample in DataGenerator().generate(config).samples:
        assert sample["text"].count(". ") + 1 == MAX_SENTENCES


def test_the_cli_refuses_a_huge_sentence_count_on_one_line(tmp_path):
    from tests.cli_helpers import synth_cli

    out = tmp_path / "t.jsonl"
    result = synth_cli(
        "generate",
        "--type",
        "text",
        "--constraint",
        "max_sentences=1000000000",
        "--output",
        str(out),
        timeout=30,
    )
    assert result.returncode != 0 and not out.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "max_sentences" in lines[0] and "10000" in lines[0]


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def test_tool_definitions_make_conversations_tool_use_ones():
    # As the constraint tools does (README): the assistant calls the given tools.
    config = GeneratorConfig(data_type="conversation", count=20, seed=1, tools=[WEATHER])
    for sample in DataGenerator().generate(config).samples:
        calls = [c for t in sample["turns"] for c in t["tool_calls"] or ()]
        assert calls and {c["function"]["name"] for c in calls} == {"get_weather"}
        assert "tool" in [t["role"] for t in sample["turns"]]
    explicit = GeneratorConfig(
        data_type="conversation",
        count=20,
        seed=1,
        tools=[WEATHER],
        constraints={"template": "tool_use"},
    )
    gen = DataGenerator()
    assert gen.generate(explicit).samples == gen.generate(config).samples


@pytest.mark.parametrize("template", ["code_assistant", "research_assistant", "customer_support"])
def test_tool_definitions_with_another_template_are_refused_at_build(template):
    # customer_support is the default template: asking for it by name is still asking for
    # a template whose turns make no calls (it used to be dropped silently for tool_use)
    with pytest.raises(synth.InvalidArgument, match="tool definitions apply to the template"):
        GeneratorConfig(
            data_type="conversation", tools=[WEATHER], constraints={"template": template}
        )
    with pytest.raises(synth.InvalidArgument, match="use template=tool_use"):
        synth.payload_generator("conversation", tools=[WEATHER], constraints={"template": template})
    with pytest.raises(synth.InvalidArgument, match="constraint tools apply to the template"):
        synth.payload_generator(
            "conversation", constraints={"template": template, "tools": "search"}
        )


@pytest.mark.parametrize(
    ("reference", "utc"),
    [
        ("2025-01-01T00:00:00", "2025-01-01T00:00:00+00:00"),  # naive: taken as UTC
        ("2025-01-01T02:00:00+02:00", "2025-01-01T00:00:00+00:00"),
        ("2025-01-01T00:00:00Z", "2025-01-01T00:00:00+00:00"),
        ("2025-03-09T08:30:00.250000", "2025-03-09T08:30:00.250000+00:00"),
    ],
)
def test_created_at_always_has_a_zone_designator(reference, utc):
    import datetime as dt

    import jsonschema

    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    validator = jsonschema.Draft202012Validator({"format": "date-time"}, format_checker=checker)
    config = GeneratorConfig(
        data_type="json", count=300, seed=5, constraints={"reference_time": reference}
    )
    end = dt.datetime.fromisoformat(utc)
    for sample in DataGenerator().generate(config).samples:
        created = sample["created_at"]
        assert created.endswith("Z") and validator.is_valid(created), created
        moment = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        assert end - dt.timedelta(days=366) <= moment <= end
    # the same instants whichever way the reference is written
    as_utc = GeneratorConfig(
        data_type="json", count=300, seed=5, constraints={"reference_time": utc}
    )
    gen = DataGenerator()
    assert gen.generate(config).samples == gen.generate(as_utc).samples


def test_free_records_take_a_naive_reference_time_as_utc():
    import datetime as dt

    from synth.agents.records import free_records

    naive = synth.stream(free_records(reference_time=dt.datetime(2025, 6, 1, 12)), 50, seed=2)
    aware = synth.stream(
        free_records(reference_time=dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)), 50, seed=2
    )
    assert list(naive) == list(aware)


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ({}, {1, 2, 3}),
        # Asking for the trace defaults explicitly used to give 1 to 3 calls.
        ({"min_steps": 2, "max_steps": 6}, {2, 3, 4, 5, 6}),
        ({"min_steps": 2}, {2, 3}),
        ({"max_steps": 6}, {1, 2, 3, 4, 5, 6}),
        ({"min_steps": 5}, {5}),
    ],
)
def test_tool_use_conversations_make_the_number_of_calls_asked_for(steps, expected):
    gen = synth.payload_generator("conversation", constraints={"template": "tool_use", **steps})
    calls = {
        sum(1 for turn in rec["turns"] if turn["tool_calls"])
        for rec in synth.stream(gen, 300, seed=1)
    }
    assert calls == expected
    settings = parse_constraints("conversation", {"template": "tool_use", **steps})
    assert (settings["min_steps"], settings["max_steps"]) == (min(expected), max(expected))
