"""The seed's README "Python API Examples", run in order in one namespace (as a reader
pasting them would), with ``synth`` in place of ``aumai_datasynthesizer``; each example's
output is checked against what it asked for (sentence counts, templates, tool and JSON
schemas), not only that it runs.

The last example calls ``generator.generate_conversations(config)`` with the ``config`` left
over from the JSON example (a json config with a schema): the typed helpers read a config
of another type as the seed does, keeping only what applies to their own type.
"""

from __future__ import annotations

import re
from typing import Any

import jsonschema
import pytest

import synth
from synth import DataGenerator, DataType, GeneratorConfig

EXAMPLES = [
    """\
from synth import DataGenerator, GeneratorConfig, DataType

generator = DataGenerator()

config = GeneratorConfig(
    data_type=DataType.text,
    count=20,
    seed=42,
    constraints={"min_sentences": 2, "max_sentences": 6},
)
dataset = generator.generate(config)
for sample in dataset.samples[:3]:
    print(sample["text"])
print(dataset.metadata)
# {'generated_count': 20, 'generation_time_ms': 3.2, 'data_type': 'text'}
""",
    """\
config = GeneratorConfig(
    data_type=DataType.conversation,
    count=5,
    seed=0,
    constraints={"template": "code_assistant"},
)
dataset = generator.generate(config)
for sample in dataset.samples:
    for turn in sample["turns"]:
        print(f"[{turn['role']}] {turn['content'][:80]}")
    print("---")
""",
    """\
config = GeneratorConfig(
    data_type=DataType.tool_call,
    count=10,
    constraints={"tool": "email"},
)
dataset = generator.generate(config)
for sample in dataset.samples:
    print(sample["function"]["name"])
    print(sample["function"]["arguments"])
""",
    """\
config = GeneratorConfig(data_type=DataType.agent_trace, count=3, seed=7)
dataset = generator.generate(config)
for trace in dataset.samples:
    steps = trace["steps"]
    print(f"Trace {trace['trace_id']}: {len(steps)} steps, success={trace['success']}")
    for step in steps:
        print(f"  step {step['step']} [{step['type']}]")
""",
    """\
schema = {
    "type": "object",
    "properties": {
        "user_id": {"type": "string", "format": "uuid"},
        "score":   {"type": "number", "minimum": 0.0, "maximum": 100.0},
        "tier":    {"type": "string", "enum": ["free", "pro", "enterprise"]},
        "tags":    {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 4},
    },
    "required": ["user_id", "score", "tier"],
}

config = GeneratorConfig(
    data_type=DataType.json,
    count=50,
    schema=schema,
    seed=1,
)
dataset = generator.generate(config)
print(dataset.samples[0])
""",
    """\
from faker import Faker
from synth import SchemaBasedGenerator

gen = SchemaBasedGenerator(faker=Faker())

records = gen.from_schema(
    schema={
        "type": "object",
        "properties": {
            "name":   {"type": "string"},
            "count":  {"type": "integer", "minimum": 1, "maximum": 10},
            "active": {"type": "boolean"},
        },
        "required": ["name", "count"],
    },
    count=5,
)
for record in records:
    print(record)
""",
    """\
# Generate only the raw conversation turn lists, without the dataset envelope
conversations = generator.generate_conversations(config)
for turns in conversations:
    for turn in turns:
        print(turn.role, turn.content[:60])
""",
]


def _run_all(capsys: pytest.CaptureFixture[str]) -> list[tuple[dict[str, Any], str]]:
    namespace: dict[str, Any] = {}
    states = []
    for i, example in enumerate(EXAMPLES):
        exec(compile(example, f"seed README example {i}", "exec"), namespace)
        states.append((dict(namespace), capsys.readouterr().out))
    return states


def _valid(schema: dict[str, Any], instance: Any) -> bool:
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    return jsonschema.Draft202012Validator(schema, format_checker=checker).is_valid(instance)


def test_every_seed_readme_example_runs_and_respects_its_request(
    capsys: pytest.CaptureFixture[str],
) -> None:
    states = _run_all(capsys)
    assert len(states) == 7

    ns, out = states[0]  # text, 2 to 6 sentences each
    texts = [s["text"] for s in ns["dataset"].samples]
    assert len(texts) == 20 and out.count("\n") >= 4
    for text in texts:
        assert 2 <= len(re.findall(r"[.!?](?:\s|$)", text)) <= 6, text

    ns, out = states[1]  # code_assistant conversations: 5 turns, the template's roles
    for sample in ns["dataset"].samples:
        roles = [t["role"] for t in sample["turns"]]
        assert len(roles) == 5 and roles[0] == "system" and "assistant" in roles
        assert all(t["content"] for t in sample["turns"])
    assert out.count("---") == 5

    ns, _ = states[2]  # send_email calls whose arguments follow the tool's schema
    email = synth.TOOL_CALL_TEMPLATES["email"]["parameters"]
    for sample in ns["dataset"].samples:
        assert sample["function"]["name"] == "send_email"
        arguments = __import__("json").loads(sample["function"]["arguments"])
        assert _valid(email, arguments), arguments
        assert all(_valid({"format": "email"}, a) and "@" in a for a in arguments["to"])

    ns, out = states[3]  # traces
    assert len(ns["dataset"].samples) == 3 and out.count("Trace ") == 3

    ns, _ = states[4]  # JSON records of the schema
    schema = ns["schema"]
    assert len(ns["dataset"].samples) == 50
    for sample in ns["dataset"].samples:
        record = {k: v for k, v in sample.items() if k != "index"}
        assert _valid(schema, record), record

    ns, _ = states[5]  # SchemaBasedGenerator records of their schema
    assert len(ns["records"]) == 5
    assert all(
        isinstance(r["name"], str) and r["name"] and 1 <= r["count"] <= 10 for r in ns["records"]
    )

    ns, out = states[6]  # typed helper called with the json config of example 4
    assert ns["config"].data_type is DataType.json
    conversations = ns["conversations"]
    assert len(conversations) == 50
    for turns in conversations:
        assert all(isinstance(t, synth.ConversationTurn) and t.content for t in turns)
        assert [t.role for t in turns][:2] == ["system", "user"]
    assert out.count("\n") == sum(len(t) for t in conversations)


def test_typed_helpers_keep_what_applies_to_their_type_and_drop_the_rest() -> None:
    gen = DataGenerator()
    config = GeneratorConfig(
        data_type="json",
        count=4,
        seed=3,
        schema={"type": "object", "properties": {"a": {"type": "integer"}}},
        constraints={"locale": "de_DE"},
    )
    # the schema is json's; locale applies to every type and is kept
    convs = gen.generate_conversations(config)
    expected = gen.generate(
        GeneratorConfig(data_type="conversation", count=4, seed=3, constraints={"locale": "de_DE"})
    ).samples
    assert [[t.to_dict() for t in turns] for turns in convs] == [s["turns"] for s in expected]
    text_config = GeneratorConfig(
        data_type="text", count=3, seed=1, constraints={"min_sentences": 4, "max_sentences": 4}
    )
    # text constraints mean nothing to a tool call, and the text ones are kept for text
    assert len(gen.generate_tool_calls(text_config)) == 3
    assert gen.generate_text(text_config) == gen.generate(text_config).samples
    trace_config = GeneratorConfig(
        data_type="agent_trace", count=2, seed=1, constraints={"min_steps": 1, "max_steps": 1}
    )
    convs = gen.generate_conversations(trace_config)
    assert len(convs) == 2 and all(len(t) == 7 for t in convs)  # customer_support, not tool_use


@pytest.mark.parametrize("export", ["openai", "sharegpt"])
def test_typed_helpers_accept_an_export_constraint(export: str) -> None:
    gen = DataGenerator()
    config = GeneratorConfig(
        data_type="conversation", count=3, seed=5, constraints={"export": export}
    )
    # generate_conversations returns the exported records, as generate() does
    assert gen.generate_conversations(config) == gen.generate(config).samples
    key = "messages" if export == "openai" else "conversations"
    assert all(key in r and "turns" not in r for r in gen.generate_conversations(config))
    # the other helpers read the config for their own type: text and json records have
    # only the native shape, so export is left out there; tool calls and traces honour it
    assert [list(r) for r in gen.generate_text(config)] == [["index", "text"]] * 3
    assert all("email" in r for r in gen.generate_json(config))
    for rec in [*gen.generate_tool_calls(config), *gen.generate_agent_traces(config)]:
        assert key in rec
