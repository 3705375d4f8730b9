"""The seed-compatible API: shapes of every type, exports, determinism (the seed README's
examples run in tests/test_agents_seed_readme.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time

import orjson
import pytest

import synth
from synth import DataGenerator, DataType, GeneratorConfig

# -- configuration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"data_type": "text", "count": 0}, "count must be an integer greater than 0"),
        ({"data_type": "text", "count": -3}, "greater than 0"),
        ({"data_type": "text", "seed": "abc"}, "seed must be an integer"),
        ({"data_type": "text", "constraints": {"max_sentences": "abc"}}, "expects an integer"),
        ({"data_type": "conversation", "constraints": {"template": "support"}}, "valid:"),
        ({"data_type": "tool_call", "constraints": {"tool": "emial"}}, "did you mean 'email'"),
        ({"data_type": "agent_trace", "constraints": {"success_rate": 2}}, "from 0 to 1"),
        ({"data_type": "agent_trace", "constraints": {"min_steps": 5, "max_steps": 2}}, "<="),
        ({"data_type": "videos"}, "unknown data_type"),
        ({"data_type": "text", "schema": {"type": "object"}}, "schema applies to data_type json"),
    ],
)
def test_config_is_validated_when_built(kwargs, needle):
    with pytest.raises(synth.InvalidArgument, match=needle):
        GeneratorConfig(**kwargs)


def test_config_defaults_and_string_data_type():
    config = GeneratorConfig(data_type="TEXT")
    assert config.data_type is DataType.text and config.count == 10 and config.seed is None
    assert config.constraints == {} and config.schema is None


def test_dataset_envelope_and_index():
    ds = DataGenerator().generate(GeneratorConfig(data_type=DataType.json, count=7, seed=3))
    assert [s["index"] for s in ds.samples] == list(range(7))
    assert next(iter(ds.samples[0])) == "index"
    meta = ds.metadata
    assert meta["generated_count"] == 7 and meta["data_type"] == "json" and meta["seed"] == 3
    assert isinstance(meta["generation_time_ms"], float)
    assert meta["synth_version"] == synth.__version__
    assert set(ds.to_dict()) == {"config", "samples", "metadata"}


def test_no_seed_draws_a_fresh_one_and_records_it():
    gen = DataGenerator()
    a = gen.generate(GeneratorConfig(data_type=DataType.text, count=5))
    b = gen.generate(GeneratorConfig(data_type=DataType.text, count=5))
    assert a.metadata["seed"] != b.metadata["seed"]
    again = gen.generate(GeneratorConfig(data_type=DataType.text, count=5, seed=a.metadata["seed"]))
    assert again.samples == a.samples


def test_records_are_prefix_stable():
    gen = DataGenerator()
    for data_type in DataType:
        short = gen.generate(GeneratorConfig(data_type=data_type, count=5, seed=11)).samples
        long = gen.generate(GeneratorConfig(data_type=data_type, count=70, seed=11)).samples
        assert long[:5] == short


def test_typed_helpers_return_the_seed_types():
    gen = DataGenerator()
    config = GeneratorConfig(data_type=DataType.text, count=3, seed=1)
    convs = gen.generate_conversations(config)
    assert all(isinstance(t, synth.ConversationTurn) for turns in convs for t in turns)
    assert [len(t) for t in convs] == [7, 7, 7]
    assert [list(s) for s in gen.generate_text(config)] == [["index", "text"]] * 3
    calls = gen.generate_tool_calls(config)
    assert all(c["function"]["name"] == "web_search" for c in calls)
    traces = gen.generate_agent_traces(config)
    assert all("trace_id" in t for t in traces)


def test_template_tables_match_the_seed():
    assert {k: len(v) for k, v in synth.CONVERSATION_TEMPLATES.items()} == {
        "customer_support": 7,
        "code_assistant": 5,
        "research_assistant": 5,
    }
    assert {k: v["name"] for k, v in synth.TOOL_CALL_TEMPLATES.items()} == {
        "search": "web_search",
        "email": "send_email",
        "database": "execute_query",
        "file_operations": "file_operation",
    }
    assert synth.list_tools() == {k: v["name"] for k, v in synth.TOOL_CALL_TEMPLATES.items()}


# -- tool calls and traces -----------------------------------------------------------------------


def samples(data_type, count=100, **constraints):
    config = GeneratorConfig(data_type=data_type, count=count, seed=2, constraints=constraints)
    return DataGenerator().generate(config).samples


@pytest.mark.parametrize("tool", ["search", "email", "database", "file_operations"])
def test_tool_call_shape(tool):
    for s in samples(DataType.tool_call, tool=tool):
        assert list(s) == ["index", "id", "type", "function"]
        assert s["type"] == "function" and s["id"].startswith("call_")
        assert list(s["function"]) == ["name", "arguments"]
        assert s["function"]["name"] == synth.TOOL_CALL_TEMPLATES[tool]["name"]
        assert isinstance(json.loads(s["function"]["arguments"]), dict)


def test_tool_constraint_takes_several_tools():
    names = {s["function"]["name"] for s in samples(DataType.tool_call, 200, tool="search,email")}
    assert names == {"web_search", "send_email"}


def test_agent_trace_shape_and_order():
    recs = samples(DataType.agent_trace, 200)
    for t in recs:
        assert list(t)[:7] == [
            "index",
            "trace_id",
            "agent",
            "task",
            "steps",
            "final_answer",
            "success",
        ]
        steps = t["steps"]
        assert [s["step"] for s in steps] == list(range(len(steps)))
        stamps = [s["timestamp"] for s in steps]
        assert stamps == sorted(stamps)
        open_calls = set()
        for s in steps:
            assert s["type"] in ("thought", "tool_call", "observation")
            if s["type"] == "tool_call":
                assert isinstance(s["arguments"], dict) and isinstance(s["tool"], str)
                open_calls.add(s["tool_call_id"])
            elif s["type"] == "observation":
                assert s["tool_call_id"] in open_calls
    rate = sum(t["success"] for t in recs) / len(recs)
    assert 0.65 < rate < 0.95


def test_success_rate_and_steps_constraints():
    recs = samples(DataType.agent_trace, 100, success_rate="1", min_steps="1", max_steps="1")
    assert all(t["success"] for t in recs)
    assert all(sum(s["type"] == "tool_call" for s in t["steps"]) == 1 for t in recs)


def check_openai_messages(messages):
    answered = set()
    for m in messages:
        assert m["role"] in ("system", "user", "assistant", "tool")
        if m["role"] == "assistant" and "tool_calls" in m:
            for call in m["tool_calls"]:
                assert call["type"] == "function" and call["id"].startswith("call_")
                json.loads(call["function"]["arguments"])
                answered.add(call["id"])
        if m["role"] == "tool":
            assert m["tool_call_id"] in answered
    return answered


def test_openai_export_of_traces_and_tool_conversations():
    for data_type, extra in (
        (DataType.agent_trace, {}),
        (DataType.conversation, {"template": "tool_use"}),
        (DataType.conversation, {"tools": "search,database"}),
    ):
        for rec in samples(data_type, 50, export="openai", **extra):
            assert list(rec) == ["index", "messages", "tools"]
            ids = check_openai_messages(rec["messages"])
            assert ids, rec
            names = {t["function"]["name"] for t in rec["tools"]}
            called = {
                c["function"]["name"] for m in rec["messages"] for c in m.get("tool_calls") or ()
            }
            assert called <= names
            if "tools" in extra:
                assert names == {"web_search", "execute_query"}


def test_native_tool_use_conversation_has_calls_in_turns():
    for rec in samples(DataType.conversation, 30, template="tool_use"):
        roles = [t["role"] for t in rec["turns"]]
        assert roles[:2] == ["system", "user"] and roles[-1] == "assistant" and "tool" in roles
        calls = [c for t in rec["turns"] for c in t["tool_calls"] or ()]
        assert calls and all(isinstance(c["function"]["arguments"], str) for c in calls)


def test_sharegpt_export_mapping():
    for rec in samples(DataType.agent_trace, 30, export="sharegpt"):
        froms = [t["from"] for t in rec["conversations"]]
        assert froms[:2] == ["system", "human"] and froms[-1] == "gpt"
        assert "function_call" in froms and "observation" in froms
        for i, f in enumerate(froms):
            if f == "observation":
                assert froms[i - 1] in ("function_call", "observation")
        assert isinstance(json.loads(rec["tools"]), list)
    rec = samples(DataType.tool_call, 1, export="sharegpt", tool="email")[0]
    assert rec["conversations"][0]["from"] == "human"  # the request, then the call
    assert json.loads(rec["conversations"][1]["value"])["name"] == "send_email"


def test_openai_tool_call_export_includes_the_definition():
    rec = samples(DataType.tool_call, 1, export="openai", tool="database")[0]
    assert rec["tools"][0]["function"]["name"] == "execute_query"
    assert rec["messages"][0]["role"] == "user"
    assert rec["messages"][1]["tool_calls"][0]["function"]["name"] == "execute_query"


# -- determinism: processes, time zones, clocks -------------------------------------------------

DUMP = textwrap.dedent(
    """
    import sys, orjson
    from synth import DataGenerator, GeneratorConfig, DataType
    out = []
    for t in DataType:
        if t is DataType.json or True:
            ds = DataGenerator().generate(GeneratorConfig(data_type=t, count=80, seed=2024))
            out.append(ds.samples)
    sys.stdout.buffer.write(orjson.dumps(out))
    """
)


def dump_in_process():
    out = []
    for t in DataType:
        out.append(
            DataGenerator().generate(GeneratorConfig(data_type=t, count=80, seed=2024)).samples
        )
    return orjson.dumps(out)


def test_same_seed_same_bytes_across_processes_time_zones_and_clocks(monkeypatch):
    runs = []
    for tz in ("UTC", "Asia/Tokyo", "America/Los_Angeles"):
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": str(len(tz))}
        done = subprocess.run(
            [sys.executable, "-c", DUMP], env=env, capture_output=True, check=True
        )
        runs.append(done.stdout)
    assert runs[0] == runs[1] == runs[2]

    class FrozenLater(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(1999, 12, 31, 23, 59, tzinfo=tz)

        @classmethod
        def today(cls):
            return dt.datetime(1999, 12, 31, 23, 59)

    # Build the generators first (argument checks use isinstance(datetime)), then draw
    # with the clock moved to another day and time: nothing drawn may read it.
    gens = [synth.payload_generator(t.value) for t in DataType]
    monkeypatch.setattr(dt, "datetime", FrozenLater)
    monkeypatch.setattr(time, "time", lambda: 946684740.0)
    monkeypatch.setattr(time, "time_ns", lambda: 946684740 * 10**9)
    drawn = [
        [{"index": i, **p} for i, p in enumerate(synth.stream(g, 80, seed=2024))] for g in gens
    ]
    assert orjson.dumps(drawn) == runs[0]


def test_config_carries_user_templates():
    doc = {
        "templates": {
            "refund": {
                "turns": [
                    {"role": "user", "content": "Refund my {choice:kettle|lamp}, please."},
                    {"role": "assistant", "content": "Done, {first_name}."},
                ]
            }
        }
    }
    config = GeneratorConfig(
        data_type="conversation", count=3, seed=1, constraints={"template": "refund"}, templates=doc
    )
    ds = DataGenerator().generate(config)
    assert [len(s["turns"]) for s in ds.samples] == [2, 2, 2]
    with pytest.raises(synth.InvalidArgument, match="refund"):
        GeneratorConfig(data_type="conversation", constraints={"template": "refnd"}, templates=doc)
