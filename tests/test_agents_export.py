"""Chat exports start with the user's request, and the OpenAI export refuses tool turns
that answer no call."""

from __future__ import annotations

import json

import pytest

import synth
from synth import DataGenerator, GeneratorConfig
from synth.agents.export import conversation_exporter
from synth.agents.models import Conversation, Message, ToolCall

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


def samples(data_type, count, tools=None, **constraints):
    config = GeneratorConfig(
        data_type=data_type, count=count, seed=9, tools=tools, constraints=constraints
    )
    return DataGenerator().generate(config).samples


@pytest.mark.parametrize(
    ("tool", "tools"),
    [
        ("search", None),
        ("email", None),
        ("database", None),
        ("file_operations", None),
        ("get_weather", [WEATHER]),
    ],
)
def test_tool_call_chat_exports_start_with_the_users_request(tool, tools):
    native = samples("tool_call", 100, tools, tool=tool)
    openai = samples("tool_call", 100, tools, tool=tool, export="openai")
    sharegpt = samples("tool_call", 100, tools, tool=tool, export="sharegpt")
    for n, o, s in zip(native, openai, sharegpt, strict=True):
        user, assistant = o["messages"]
        assert user["role"] == "user" and user["content"].strip()
        assert user["content"][0].isupper() and user["content"][-1] in ".?!"
        # the call is the one the native record has: the request is drawn after it
        assert assistant["tool_calls"] == [{k: n[k] for k in ("id", "type", "function")}]
        human, call = s["conversations"]
        assert human == {"from": "human", "value": user["content"]}
        assert call["from"] == "function_call"
        assert json.loads(call["value"])["arguments"] == json.loads(n["function"]["arguments"])


def test_every_sharegpt_export_has_a_human_turn_before_the_assistant():
    for data_type, extra in (
        ("tool_call", {}),
        ("agent_trace", {}),
        ("conversation", {}),
        ("conversation", {"template": "tool_use"}),
    ):
        for rec in samples(data_type, 50, export="sharegpt", **extra):
            roles = [t["from"] for t in rec["conversations"] if t["from"] != "system"]
            assert roles[0] == "human", (data_type, roles)


def test_a_template_tool_turn_is_refused_for_openai_at_build_naming_the_turn():
    templates = {
        "mine": {
            "turns": [
                {"role": "system", "content": "You help."},
                {"role": "user", "content": "Weather?"},
                {"role": "tool", "content": '{{"temp": 21}}'},
                {"role": "assistant", "content": "It is 21 degrees."},
            ]
        }
    }
    with pytest.raises(synth.InvalidArgument, match="template 'mine' turn 2 has role 'tool'"):
        GeneratorConfig(
            data_type="conversation",
            templates=templates,
            constraints={"template": "mine", "export": "openai"},
        )
    # the other formats have no call ids to match and keep the turn
    config = GeneratorConfig(
        data_type="conversation",
        count=1,
        seed=1,
        templates=templates,
        constraints={"template": "mine", "export": "sharegpt"},
    )
    [rec] = DataGenerator().generate(config).samples
    assert rec["conversations"][2] == {"from": "observation", "value": '{"temp": 21}'}


def test_the_openai_exporter_refuses_a_tool_turn_without_a_matching_call():
    call = ToolCall("call_1", "get_weather", {"city": "Oslo"})
    ok = Conversation(
        (
            Message("user", "Weather in Oslo?"),
            Message("assistant", None, tool_calls=(call,)),
            Message("tool", '{"temp": 3}', tool_call_id="call_1"),
        ),
        (),
    )
    assert conversation_exporter("openai")(ok)["messages"][2]["tool_call_id"] == "call_1"
    for bad_id, index in (("call_2", 2), (None, 2)):
        bad = Conversation((*ok.messages[:2], Message("tool", "{}", tool_call_id=bad_id)), ())
        with pytest.raises(synth.InvalidArgument, match=f"turn {index} has role 'tool'"):
            conversation_exporter("openai")(bad)
    answered_twice = Conversation((*ok.messages, Message("tool", "{}", tool_call_id="call_1")), ())
    with pytest.raises(synth.InvalidArgument, match="turn 3 has role 'tool'"):
        conversation_exporter("openai")(answered_twice)


@pytest.mark.parametrize("name", ["files.read", "a" * 65])
@pytest.mark.parametrize("data_type", ["tool_call", "agent_trace", "conversation"])
def test_openai_export_refuses_a_tool_name_openai_refuses(name, data_type):
    # MCP names may hold dots and run to 128 characters; OpenAI's may not, and a file with
    # one is refused at upload.
    tool = {"name": name, "inputSchema": {"type": "object", "properties": {}}}
    with pytest.raises(synth.InvalidArgument, match="not a valid OpenAI function name"):
        synth.payload_generator(data_type, tools=[tool], export="openai")
    for export in ("native", "sharegpt"):
        rec = synth.sample(synth.payload_generator(data_type, tools=[tool], export=export), seed=1)
        assert name in json.dumps(rec)


def test_sharegpt_answers_to_parallel_calls_are_one_observation_turn():
    # Two consecutive "observation" turns break the human/observation, gpt/function_call
    # alternation that LLaMA-Factory requires, and it drops the example.
    calls = (
        ToolCall("call_1", "get_weather", {"city": "Oslo"}),
        ToolCall("call_2", "get_weather", {"city": "Rome"}),
    )
    conv = Conversation(
        (
            Message("user", "Weather in Oslo and Rome?"),
            Message("assistant", None, tool_calls=calls),
            Message("tool", '{"temp": 3}', tool_call_id="call_1"),
            Message("tool", "sunny", tool_call_id="call_2"),
            Message("assistant", "Oslo 3 degrees, Rome sunny."),
        ),
        (),
    )
    turns = conversation_exporter("sharegpt")(conv)["conversations"]
    assert [t["from"] for t in turns] == ["human", "function_call", "observation", "gpt"]
    assert json.loads(turns[1]["value"]) == [
        {"name": "get_weather", "arguments": {"city": "Oslo"}},
        {"name": "get_weather", "arguments": {"city": "Rome"}},
    ]
    assert json.loads(turns[2]["value"]) == [{"temp": 3}, "sunny"]
    single = Conversation((*conv.messages[:1], Message("assistant", None, tool_calls=calls[:1]),
                           conv.messages[2], conv.messages[4]), ())  # fmt: skip
    assert conversation_exporter("sharegpt")(single)["conversations"][2] == {
        "from": "observation",
        "value": '{"temp": 3}',
    }


def test_chat_exports_show_in_the_tree_as_the_call_that_makes_them():
    # The trace export showed as the source of a lambda, conversations as private names.
    trace = synth.payload_generator("agent_trace", export="sharegpt")
    assert repr(trace) == "traces().map(trace_exporter('sharegpt'))"
    conversation = synth.payload_generator("conversation", export="openai")
    assert repr(conversation) == (
        "conversations('customer_support').map(conversation_exporter('openai'))"
    )
    rec = synth.sample(trace, seed=1)
    assert [t["from"] for t in rec["conversations"]][:2] == ["system", "human"]
