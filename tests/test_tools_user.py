"""User tools: OpenAI and MCP definitions, loading errors, and arguments that always validate."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

import synth
from synth.agents._draw import load_data

N = 500
EMAIL = re.compile(r"^[a-z0-9._]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
                "days": {"type": "integer", "minimum": 1, "maximum": 7},
            },
            "required": ["city"],
            "additionalProperties": False,
        },
    },
}

INVITE = {  # MCP form, with names the realistic overrides know and bounds they must respect
    "name": "invite_user",
    "description": "Invite a user to a workspace.",
    "inputSchema": {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "cc": {
                "type": "array",
                "items": {"type": "string"},
                "maxItems": 2,
                "uniqueItems": True,
            },
            "role": {"type": "string", "enum": ["viewer", "editor", "admin"]},
            "limit": {"type": "integer", "minimum": 1, "maximum": 25, "default": 10},
            "url": {"type": "string", "format": "uri"},
            "note": {"type": ["string", "null"], "maxLength": 40},
        },
        "required": ["email", "role"],
    },
}

AWKWARD = {
    "name": "awkward",
    "description": "Exercise the corners.",
    "parameters": {
        "type": "object",
        "properties": {
            "path": {"type": "string", "maxLength": 8},  # too short for a realistic path
            "query": {"type": "string", "minLength": 3, "maxLength": 200},
            "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
            "count": {"type": "integer", "exclusiveMinimum": -3, "maximum": -1},
            "mode": {"const": "fast"},
            "tags": {
                "type": "array",
                "items": {"type": "string", "enum": ["a", "b", "c"]},
                "minItems": 2,
                "maxItems": 3,
                "uniqueItems": True,
            },
            "nested": {
                "type": "object",
                "properties": {
                    "when": {"type": "string", "format": "date-time"},
                    "id": {"type": "string", "format": "uuid"},
                    "code": {"type": "string", "pattern": "^[a-f0-9]{8}$"},
                    "flags": {"type": "array", "items": {"type": "boolean"}},
                },
                "required": ["when", "id"],
            },
            "nothing": {"type": "null"},
        },
        "required": ["path", "ratio", "count", "mode", "tags", "nested", "extra"],
    },
}


def _validator(spec: synth.ToolSpec) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(
        spec.parameters, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


@pytest.mark.parametrize("definition", [WEATHER, INVITE, AWKWARD], ids=lambda d: str(d)[:30])
def test_user_tool_arguments_always_validate(definition: dict) -> None:
    (spec,) = synth.load_tools([definition])
    validator = _validator(spec)
    calls = list(synth.stream(synth.tool_calls(spec), N, seed=13))
    for call in calls:
        assert call.name == spec.name
        errors = list(validator.iter_errors(call.arguments))
        assert not errors, (call.arguments, errors[0].message)
    # every optional property shows up sometimes, every required one always
    props = spec.parameters["properties"]
    for name in props:
        assert any(name in c.arguments for c in calls), name


def test_known_names_get_realistic_values_where_the_schema_allows() -> None:
    weather, invite, awkward = synth.load_tools({"tools": [WEATHER, INVITE, AWKWARD]})
    cities = {c.arguments["city"] for c in synth.stream(synth.tool_calls(weather), 200, seed=1)}
    assert len(cities) > 5 and all(c[0].isupper() for c in cities)
    for c in synth.stream(synth.tool_calls(invite), 300, seed=2):
        assert EMAIL.match(c.arguments["email"]) and "example.com" not in c.arguments["email"]
        assert all(EMAIL.match(a) for a in c.arguments.get("cc", []))
        assert c.arguments.get("limit", 10) in {1, 3, 5, 10, 20}
    for c in synth.stream(synth.tool_calls(awkward), 300, seed=3):
        assert len(c.arguments["path"]) <= 8  # the realistic path did not fit: schema value kept
        if "query" in c.arguments:
            assert len(c.arguments["query"].split()) >= 2


def test_openai_bare_and_mcp_forms_load_the_same_spec() -> None:
    fn = WEATHER["function"]
    mcp = {"name": fn["name"], "description": fn["description"], "inputSchema": fn["parameters"]}
    specs = [synth.load_tools([form])[0] for form in (WEATHER, fn, mcp)]
    assert specs[0] == specs[1] == specs[2]
    assert specs[0].to_openai() == WEATHER


def test_load_tools_reads_json_files(tmp_path) -> None:
    path = tmp_path / "tools.json"
    path.write_text(json.dumps({"tools": [WEATHER, INVITE]}))
    assert [s.name for s in synth.load_tools(path)] == ["get_weather", "invite_user"]
    assert [s.name for s in synth.load_tools(str(path))] == ["get_weather", "invite_user"]
    bad = tmp_path / "bad.json"
    bad.write_text('{"tools": [')
    with pytest.raises(synth.InvalidArgument, match=r"bad\.json:1:\d+: not valid JSON"):
        synth.load_tools(bad)
    with pytest.raises(synth.InvalidArgument, match="could not read"):
        synth.load_tools(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            [WEATHER, {"type": "function", "function": {"name": "x", "parameters": []}}],
            r"^tools\[1\]\.function\.parameters: expected an object schema, got \[\]",
        ),
        (
            [{"type": "function", "function": {"name": "x", "parameters": {"type": "array"}}}],
            r"^tools\[0\]\.function\.parameters: expected an object schema",
        ),
        ([{"type": "code_interpreter"}], r"^tools\[0\]\.type: only function tools"),
        (
            [{"type": "function", "function": "get_weather"}],
            r"^tools\[0\]\.function: expected a dict",
        ),
        ([{"name": "has space"}], r"^tools\[0\]\.name: expected a tool name"),
        ([{"name": "ok", "description": 3}], r"^tools\[0\]\.description: expected a string"),
        ([{"description": "no name"}], r"^tools\[0\]: not a tool definition"),
        (["web_search"], r"^tools\[0\]: expected a tool definition"),
        (
            [WEATHER, WEATHER],
            r"^tools\[1\]\.name: duplicate tool name 'get_weather' \(also tools\[0\]\)",
        ),
        ([], r"found no tools"),
        (42, r"expects a list of tool definitions"),
        (
            [
                {
                    "name": "bad",
                    "inputSchema": {
                        "type": "object",
                        "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}},
                        "required": ["n"],
                    },
                }
            ],
            r"^tools\[0\]\.inputSchema \(at #[/a-z]*\): ",
        ),
    ],
)
def test_load_tools_errors_name_the_place(source: object, message: str) -> None:
    with pytest.raises(synth.InvalidArgument, match=message):
        synth.load_tools(source)


def test_user_tools_in_traces_and_exchanges() -> None:
    specs = synth.load_tools([WEATHER, INVITE])
    validators = {s.name: _validator(s) for s in specs}
    for t in synth.stream(synth.traces(tools=list(specs)), 200, seed=6):
        assert t.tools == specs
        for s in t.steps:
            if s.type == "tool_call":
                assert validators[s.call.name].is_valid(s.call.arguments)
            elif s.type == "observation":
                body = json.loads(s.result.content)
                assert ("error" in body) == s.result.is_error
    for call, result in synth.stream(
        synth.tool_exchanges(list(specs), error_rate=0.2), 300, seed=7
    ):
        assert result.tool_call_id == call.id
        assert validators[call.name].is_valid(call.arguments)


RICH = {  # refs, combinators, patterns
    "name": "rich",
    "parameters": {
        "type": "object",
        "$defs": {"id": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}},
        "properties": {
            "ref": {"$ref": "#/$defs/id"},
            "either": {"anyOf": [{"type": "integer", "multipleOf": 7}, {"type": "boolean"}]},
        },
        "required": ["ref", "either"],
    },
}


def test_refs_combinators_and_patterns_validate() -> None:
    (spec,) = synth.load_tools([RICH])
    validator = _validator(spec)
    for call in synth.stream(synth.tool_calls(spec), N, seed=17):
        assert validator.is_valid(call.arguments), call.arguments


NO_ARGUMENT_TOOLS = [
    {"type": "function", "function": {"name": "ping", "description": "Ping the server."}},
    {"type": "function", "function": {"name": "ping2", "parameters": {"type": "object"}}},
    {"name": "now", "description": "The current time."},  # MCP without inputSchema
    {"name": "today", "inputSchema": {"type": "object", "properties": {}, "title": "No args"}},
]


@pytest.mark.parametrize("definition", NO_ARGUMENT_TOOLS)
def test_tools_that_declare_no_arguments_are_called_with_none(definition):
    [spec] = synth.load_tools([definition])
    gen = synth.DataGenerator()
    config = synth.GeneratorConfig(
        data_type="tool_call",
        count=200,
        seed=2,
        tools=[definition],
        constraints={"tool": spec.name},
    )
    arguments = {s["function"]["arguments"] for s in gen.generate(config).samples}
    assert arguments == {"{}"}
    trace_config = synth.GeneratorConfig(
        data_type="agent_trace", count=50, seed=2, tools=[definition]
    )
    for trace in gen.generate(trace_config).samples:
        calls = [s for s in trace["steps"] if s["type"] == "tool_call"]
        assert calls and all(s["arguments"] == {} for s in calls)


def test_declared_arguments_still_vary_and_other_keywords_are_honoured():
    tool = {"name": "tag", "inputSchema": {"type": "object", "minProperties": 1}}
    config = synth.GeneratorConfig(
        data_type="tool_call", count=50, seed=2, tools=[tool], constraints={"tool": "tag"}
    )
    samples = synth.DataGenerator().generate(config).samples
    assert all(json.loads(s["function"]["arguments"]) for s in samples)


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("png", ["pong", "ping"]),
        ("pingg", ["ping", "pong"]),
        ("serch", ["search"]),  # not also 'web_search': the same tool
        ("web_serch", ["web_search"]),
        ("send_emial", ["send_email"]),
    ],
)
def test_tool_suggestions_name_each_tool_once(typo, expected):
    tools = [
        {"type": "function", "function": {"name": "ping", "description": "Ping."}},
        {"name": "pong", "description": "Pong."},
    ]
    for data_type, key in (("tool_call", "tool"), ("agent_trace", "tools")):
        with pytest.raises(synth.InvalidArgument) as info:
            synth.GeneratorConfig(data_type=data_type, tools=tools, constraints={key: typo})
        hint = re.search(r"did you mean (.*?)\?", str(info.value))
        assert hint is not None, str(info.value)
        assert hint.group(1).split(", ") == [repr(e) for e in expected]


@pytest.mark.parametrize(
    ("description", "name", "purpose"),
    [
        ("Get the weather for a city.", "get_weather", "get the weather for a city"),
        ("Returns the forecast for a location", "forecast", "return the forecast for a location"),
        ("Searches the knowledge base. Slow.", "kb", "search the knowledge base"),
        ("Use this tool to look up an order by its id", "lookup", "look up an order by its id"),
        ("A tool that sends an SMS message", "sms", "send an SMS message"),
        ("Allows the agent to create a ticket", "ticket", "create a ticket"),
        ("Fetches a URL and returns its text", "fetch", "fetch a URL and return its text"),
        ("List errors and reports", "errors", "list errors and reports"),
        ("Weather for a city", "get_weather", "get weather for a city"),
        ("Weather for a city", "getWeather", "get weather for a city"),
        ("Details of an order", "order-details", "use order-details for details of an order"),
        ("", "get_user", "get user"),
        ("", "ping", "ping"),
        ("", "frobnicate", "use frobnicate"),
        # in the user's own request "the user's calendar" reads wrong
        (
            "Create an event on the user's Google Calendar.",
            "ev",
            "create an event on the Google Calendar",
        ),
        ("Look up a customer's open invoices", "inv", "look up the open invoices"),
    ],
)
def test_user_tool_purpose_is_an_instruction(description: str, name: str, purpose: str) -> None:
    # Regression: a description that is a noun phrase ("Weather for a city") or in the third
    # person ("Returns ...") made tasks like "Please weather for a city (city: Lisbon)".
    from synth.agents._user_tools import _purpose

    assert _purpose(description, name) == purpose


_EVERYDAY_TOOLS = [
    {
        "name": "create_calendar_event",
        "description": "Create an event in the user's calendar",
        "parameters": {
            "type": "object",
            "properties": {
                "title": {"type": "string"},
                "start_time": {"type": "string", "format": "date-time"},
                "attendees": {"type": "array", "items": {"type": "string", "format": "email"}},
                "location": {"type": "string"},
            },
            "required": ["title", "start_time", "attendees"],
        },
    },
    {
        "name": "get_stock_price",
        "description": "Get the latest price for a stock",
        "parameters": {
            "type": "object",
            "properties": {
                "ticker": {"type": "string", "pattern": "^[A-Z]{1,5}$"},
                "code": {"type": "string", "description": "ISO 4217 currency code"},
            },
            "required": ["ticker", "code"],
        },
    },
    {
        "name": "book_flight",
        "description": "Book a flight",
        "parameters": {
            "type": "object",
            "properties": {
                "origin": {"type": "string", "description": "IATA airport code"},
                "destination": {"type": "string", "description": "IATA airport code"},
                "date": {"type": "string", "format": "date"},
                "booking_id": {"type": "string", "minLength": 5},
            },
            "required": ["origin", "destination", "date", "booking_id"],
        },
    },
    {
        "name": "post_message",
        "description": "Post a message to a chat channel",
        "parameters": {
            "type": "object",
            "properties": {
                "channel": {"type": "string"},
                "text": {"type": "string", "maxLength": 400},
                "category": {"type": "string"},
                "serial": {"type": "string", "pattern": "^X[0-9]{3}$"},
            },
            "required": ["channel", "text", "category", "serial"],
        },
    },
]


def test_everyday_tool_arguments_look_real() -> None:
    # Regression: free strings of user tools were random letters ("category": "bXp51kYCOb",
    # "origin": "PUzDwcEk3x", "channel": "vaC0w7bvsA"), dates anywhere in 1970-2040.
    # Names, descriptions and formats now pick realistic values, each checked against its
    # schema (length, pattern) before it is used.
    import datetime as dt

    from synth.agents._draw import load_data

    values = load_data("arguments.json")
    specs = synth.load_tools(_EVERYDAY_TOOLS)
    validators = {s.name: _validator(s) for s in specs}
    seen = set()
    for call in synth.stream(synth.tool_calls(specs), 400, seed=12):
        a = call.arguments
        validators[call.name].validate(a)
        seen.add(call.name)
        if call.name == "create_calendar_event":
            assert a["title"] and not re.fullmatch(r"[A-Za-z0-9]{8,}", a["title"])
            start = dt.datetime.fromisoformat(a["start_time"].replace("Z", "+00:00"))
            assert (
                dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
                < start
                < dt.datetime(2026, 4, 2, tzinfo=dt.UTC)
            )
            assert all(
                not e.endswith(("example.com", "example.org", "example.net"))
                for e in a["attendees"]
            )
        elif call.name == "get_stock_price":
            assert a["ticker"] in values["tickers"] and a["code"] in values["currencies"]
        elif call.name == "book_flight":
            assert {a["origin"], a["destination"]} <= set(values["airports"])
            assert "2026-01-01" < a["date"] <= "2026-04-01"
            assert re.fullmatch(r"booking_[0-9A-Za-z]{10}", a["booking_id"])
        else:
            assert a["channel"].lstrip("#") in values["channels"]
            assert " " in a["text"] and a["text"].endswith(".")
            assert a["category"] in values["categories"]
            assert re.fullmatch(r"X[0-9]{3}", a["serial"])  # no vocabulary fits: the schema's
    assert len(seen) == 4


STOCK = {  # MCP tool with an outputSchema
    "name": "lookup_stock",
    "description": "Look up the latest price of a stock.",
    "inputSchema": {
        "type": "object",
        "properties": {"ticker": {"type": "string", "pattern": "^[A-Z]{1,5}$"}},
        "required": ["ticker"],
    },
    "outputSchema": {
        "type": "object",
        "properties": {
            "ticker": {"type": "string"},
            "price": {"type": "number", "minimum": 0},
            "currency": {"type": "string", "enum": ["USD", "EUR"]},
        },
        "required": ["ticker", "price", "currency"],
        "additionalProperties": False,
    },
}


def test_traces_of_user_tools_only_have_an_agent_made_for_them():
    gen = synth.DataGenerator()
    for tools, agent, purpose in (
        ([WEATHER], "get_weather_agent", "get the current weather for a city"),
        ([STOCK], "lookup_stock_agent", "look up the latest price of a stock"),
        ([WEATHER, STOCK], "tools_agent", "look up the latest price of a stock"),
    ):
        config = synth.GeneratorConfig(data_type="agent_trace", count=30, seed=4, tools=tools)
        for trace in gen.generate(config).samples:
            assert trace["agent"] == agent
        conv = synth.GeneratorConfig(data_type="conversation", count=30, seed=4, tools=tools)
        for sample in gen.generate(conv).samples:
            system = sample["turns"][0]["content"]
            assert purpose in system and "office" not in system, system
    # with a built-in tool among them, the built-in agents stay
    mixed = synth.GeneratorConfig(
        data_type="agent_trace",
        count=100,
        seed=4,
        tools=[WEATHER],
        constraints={"tools": "search,get_weather"},
    )
    assert len({t["agent"] for t in gen.generate(mixed).samples}) > 3


def test_results_of_an_mcp_tool_follow_its_output_schema():
    validator = jsonschema.Draft202012Validator(
        STOCK["outputSchema"], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    config = synth.GeneratorConfig(
        data_type="agent_trace", count=200, seed=6, tools=[STOCK], constraints={"success_rate": 0.5}
    )
    checked = 0
    for trace in synth.DataGenerator().generate(config).samples:
        for step in trace["steps"]:
            if step["type"] == "observation" and not step["is_error"]:
                assert validator.is_valid(json.loads(step["content"])), step["content"]
                checked += 1
    assert checked > 300


def test_the_output_schema_is_checked_when_loading_and_left_out_of_exports():
    [spec] = synth.load_tools([STOCK])
    assert spec.output_schema == STOCK["outputSchema"]
    config = synth.GeneratorConfig(
        data_type="tool_call", count=1, seed=1, tools=[STOCK], constraints={"export": "openai"}
    )
    [rec] = synth.DataGenerator().generate(config).samples
    assert rec["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "lookup_stock",
                "description": STOCK["description"],
                "parameters": STOCK["inputSchema"],
            },
        }
    ]
    bad = {**STOCK, "outputSchema": {"type": "object", "properties": {"n": {"minimum": "x"}}}}
    with pytest.raises(synth.InvalidArgument, match=r"tools\[0\]\.outputSchema"):
        synth.load_tools([bad])
    with pytest.raises(synth.InvalidArgument, match=r"tools\[0\]\.outputSchema"):
        synth.load_tools([{**STOCK, "outputSchema": {"type": "array"}}])


def test_names_the_schema_compiler_knows_keep_its_values() -> None:
    # "customer_name" and "phone" get the schema compiler's realistic values, not the short
    # phrase other free text gets.
    from synth.agents._draw import load_data

    topics = set(load_data("arguments.json")["topics"])
    (spec,) = synth.load_tools(
        [
            {
                "name": "create_contact",
                "parameters": {
                    "type": "object",
                    "properties": {
                        "customer_name": {"type": "string"},
                        "phone": {"type": "string"},
                    },
                    "required": ["customer_name", "phone"],
                },
            }
        ]
    )
    for call in synth.stream(synth.tool_calls([spec]), 50, seed=3):
        name, phone = call.arguments["customer_name"], call.arguments["phone"]
        assert name not in topics and re.fullmatch(r"[A-Z][a-z]+( [A-Z][A-Za-z'.-]+)+", name), name
        assert sum(c.isdigit() for c in phone) >= 7, phone


WEATHER_MCP = {  # the MCP specification's own example shape: a structured weather result
    "name": "get_weather_data",
    "description": "Get current weather data for a location",
    "inputSchema": {
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
    },
    "outputSchema": {
        "type": "object",
        "properties": {
            "temperature": {"type": "number", "description": "Temperature in celsius"},
            "conditions": {"type": "string", "description": "Weather conditions description"},
            "humidity": {"type": "number", "description": "Humidity percentage"},
        },
        "required": ["temperature", "conditions", "humidity"],
    },
}

NESTED = {
    "type": "function",
    "function": {
        "name": "notify_watchers",
        "description": "Post price alerts to Slack.",
        "parameters": {
            "type": "object",
            "properties": {
                "target": {
                    "type": "object",
                    "properties": {"channel": {"type": "string"}, "query": {"type": "string"}},
                    "required": ["channel", "query"],
                },
                "alerts": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {
                            "ticker": {"type": "string"},
                            "price": {"type": "number", "minimum": 0},
                            "quantity": {"type": "integer", "minimum": 1},
                        },
                        "required": ["ticker", "price", "quantity"],
                    },
                },
            },
            "required": ["target", "alerts"],
        },
    },
}


def test_output_schema_results_have_realistic_measurements() -> None:
    # were {"temperature": 462.77, "conditions": "ESZ2R2kBBSoSOvfc", "humidity": -9.5}
    (spec,) = synth.load_tools([WEATHER_MCP])
    validator = jsonschema.Draft202012Validator(spec.output_schema)
    words = re.compile(r"^[a-z]+( [a-z]+)?$")
    seen = 0
    for _, result in synth.stream(synth.tool_exchanges([spec], error_rate=0.0), 200, seed=5):
        data = json.loads(result.content)
        validator.validate(data)
        assert -10 <= data["temperature"] <= 35, data
        assert 0 <= data["humidity"] <= 100, data
        assert words.match(data["conditions"]), data
        seen += 1
    assert seen == 200


def test_nested_objects_and_arrays_of_objects_get_realistic_values() -> None:
    # only top-level properties were made realistic: nested tickers were random letters
    (spec,) = synth.load_tools([NESTED])
    validator = _validator(spec)
    for call in synth.stream(synth.tool_calls([spec]), 200, seed=2):
        validator.validate(call.arguments)
        assert call.arguments["target"]["channel"].startswith("#")
        assert " " in call.arguments["target"]["query"]
        for alert in call.arguments["alerts"]:
            assert re.fullmatch(r"[A-Z]{1,5}", alert["ticker"]), alert
            assert 5 <= alert["price"] <= 500 and 1 <= alert["quantity"] <= 6, alert


def test_amounts_in_cents_are_whole_and_bounds_win() -> None:
    tool = {
        "name": "charge",
        "description": "Charge a card.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "amount": {"type": "integer", "description": "Amount in cents"},
                "latitude": {"type": "number", "minimum": 10, "maximum": 11},
                "temperature": {"type": "number", "minimum": 100},  # no overlap: left alone
            },
            "required": ["amount", "latitude", "temperature"],
        },
    }
    (spec,) = synth.load_tools([tool])
    validator = _validator(spec)
    for call in synth.stream(synth.tool_calls([spec]), 200, seed=3):
        validator.validate(call.arguments)
        assert (
            isinstance(call.arguments["amount"], int) and 500 <= call.arguments["amount"] <= 50000
        )
        assert 10 <= call.arguments["latitude"] <= 11


TRIP = {
    "type": "function",
    "function": {
        "name": "plan_trip",
        "description": "Search flights and book a meeting at the destination.",
        "parameters": {
            "type": "object",
            "properties": {
                "origin": {"type": "string", "description": "IATA airport code"},
                "destination": {"type": "string", "description": "IATA airport code"},
                "departure_date": {"type": "string", "format": "date"},
                "return_date": {"type": "string", "format": "date"},
                "meeting": {
                    "type": "object",
                    "properties": {
                        "startTime": {"type": "string", "format": "date-time"},
                        "endTime": {"type": "string", "format": "date-time"},
                    },
                    "required": ["startTime", "endTime"],
                },
            },
            "required": ["origin", "destination", "departure_date", "return_date", "meeting"],
        },
    },
}


def test_paired_arguments_are_in_order_and_distinct() -> None:
    # returns before departures, events ending before they start (or days later) and
    # flights from an airport to itself were drawn independently
    (spec,) = synth.load_tools([TRIP])
    validator = _validator(spec)
    for call in synth.stream(synth.tool_calls([spec]), 300, seed=4):
        args = call.arguments
        validator.validate(args)
        assert args["origin"] != args["destination"], args
        assert args["departure_date"] < args["return_date"], args
        start, end = args["meeting"]["startTime"], args["meeting"]["endTime"]
        assert start[:10] == end[:10] and start < end, args


DEVTOOLS = [
    {
        "name": "run_shell_command",
        "description": "Execute a shell command in the sandbox.",
        "inputSchema": {
            "type": "object",
            "properties": {"command": {"type": "string"}, "cwd": {"type": "string"}},
            "required": ["command", "cwd"],
        },
    },
    {
        "name": "github_create_issue",
        "description": "Create an issue in a GitHub repository.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "owner": {"type": "string"},
                "repo": {"type": "string"},
                "assignees": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            },
            "required": ["owner", "repo", "assignees"],
        },
    },
    {
        "name": "create_payment_intent",
        "description": "Create a Stripe payment intent.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "currency": {
                    "type": "string",
                    "pattern": "^[a-z]{3}$",
                    "description": "Three-letter ISO 4217 currency code, in lowercase",
                }
            },
            "required": ["currency"],
        },
    },
]


def test_developer_tool_arguments_look_real() -> None:
    # were phrases and random letters: {'command': 'design review', 'cwd': 'invoice
    # reminder'}, {'owner': 'release notes', 'assignees': ['8jmuDEH']}, {'currency': 'kdz'}
    specs = synth.load_tools(DEVTOOLS)
    validators = {spec.name: _validator(spec) for spec in specs}
    currencies = set(load_data("arguments.json")["currencies"])
    seen = set()
    for call in synth.stream(synth.tool_calls(specs), 300, seed=6):
        args = call.arguments
        validators[call.name].validate(args)
        seen.add(call.name)
        if call.name == "run_shell_command":
            assert args["cwd"].startswith("/home/") and " " not in args["cwd"], args
            assert re.match(r"^[a-z]+( |$)", args["command"]), args
        elif call.name == "github_create_issue":
            for value in (args["owner"], args["repo"], *args["assignees"]):
                assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", value), args
        else:
            assert args["currency"].upper() in currencies, args
    assert seen == {spec.name for spec in specs}


_DIGEST_SCRIPT = """
import hashlib, json, sys
import orjson, synth
tools = synth.load_tools(json.loads(sys.argv[1]))
h = hashlib.sha256()
for c in synth.stream(synth.tool_calls(tools), 300, seed=3):
    h.update(orjson.dumps(synth.tool_call_record(c)))
for c in synth.stream(synth.tool_calls(tools[:1]), 3000, seed=3):
    h.update(orjson.dumps(synth.tool_call_record(c)))
for r in synth.stream(synth.trace_records(tools=tools), 100, seed=3):
    h.update(orjson.dumps(r))
print(h.hexdigest())
"""


def test_user_tool_values_do_not_depend_on_the_hash_seed() -> None:
    # paired properties were linked in the order of a set of names, which changes with
    # PYTHONHASHSEED: --workers 2 wrote other bytes than --workers 1
    import os
    import subprocess
    import sys

    tools = json.dumps([TRIP, *DEVTOOLS, WEATHER_MCP, NESTED])
    digests = set()
    for hashseed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT, tools], capture_output=True, text=True, env=env
        )
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    assert len(digests) == 1


ISSUES = {
    "name": "list_issues",
    "description": "List issues in a GitHub repository.",
    "inputSchema": {
        "type": "object",
        "properties": {"repo": {"type": "string"}, "per_page": {"type": "integer", "maximum": 100}},
        "required": ["repo", "per_page"],
    },
    "outputSchema": {
        "type": "object",
        "properties": {
            "issues": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"number": {"type": "integer"}, "title": {"type": "string"}},
                    "required": ["number", "title"],
                },
            }
        },
        "required": ["issues"],
    },
}


def test_structured_results_are_told_in_words_in_thoughts_and_answers() -> None:
    # answers quoted cut-off JSON ('returned {"issues":[{"number":-894,"title":"Meeting
    # notes","state":"open","html_url":"...') and issue numbers were negative
    specs = synth.load_tools([WEATHER_MCP, ISSUES])
    said = re.compile(
        r"returned (\d+ issues?|temperature -?[\d.]+, conditions [a-z ]+, humidity \d+)"
    )
    for trace in synth.stream(synth.trace_records(tools=specs, success_rate=1.0), 100, seed=4):
        for step in trace["steps"]:
            if step["type"] == "tool_call" and step["tool"] == "list_issues":
                assert step["arguments"]["per_page"] in (1, 3, 5, 10, 20, 50), step
            if (
                step["type"] == "observation"
                and step["tool"] == "list_issues"
                and not step["is_error"]
            ):
                for issue in json.loads(step["content"])["issues"]:
                    assert 1 <= issue["number"] <= 99999, issue
        assert "{" not in trace["final_answer"], trace["final_answer"]
        assert said.search(trace["final_answer"]), trace["final_answer"]


CHANGES = [
    {
        "name": "create_ticket",
        "description": "Open a support ticket.",
        "inputSchema": {
            "type": "object",
            "properties": {"subject": {"type": "string"}, "body": {"type": "string"}},
            "required": ["subject", "body"],
        },
    },
    {
        "name": "crm_update_contact",
        "description": "Update a contact in the CRM.",
        "inputSchema": {
            "type": "object",
            "properties": {"contact_id": {"type": "string"}, "phone": {"type": "string"}},
            "required": ["contact_id", "phone"],
        },
    },
    {
        "name": "run_report",
        "description": "Run a saved report.",
        "inputSchema": {"type": "object", "properties": {"report": {"type": "string"}}},
    },
]


def test_tools_that_change_something_answer_with_an_id_and_a_status() -> None:
    # every tool without an outputSchema echoed its whole request back as
    # {"status": "ok", "tool": ..., "request_id": ..., "input": {...}}
    specs = synth.load_tools(CHANGES)
    seen = set()
    for call, result in synth.stream(synth.tool_exchanges(specs, error_rate=0.0), 200, seed=1):
        body = json.loads(result.content)
        seen.add(call.name)
        if call.name == "create_ticket":
            assert body["status"] == "created" and body["id"].startswith("ticket_"), body
            assert body["subject"] == call.arguments["subject"], body
        elif call.name == "crm_update_contact":
            assert body == {
                "id": call.arguments["contact_id"],
                "status": "updated",
                "phone": call.arguments["phone"],
            }
        else:  # not a change: a report named as the call asked (it echoed the request)
            assert body["id"].startswith("report_") and "input" not in body, body
            assert body.get("name") == call.arguments.get("report", body.get("name")), body
    assert seen == {"create_ticket", "crm_update_contact", "run_report"}
    trace = synth.sample(synth.trace_records(tools=specs[:1], success_rate=1.0), seed=2)
    assert re.search(r"created, id ticket_[A-Za-z0-9]{14}\b", trace["final_answer"]), trace


def test_slack_thread_timestamps_look_like_slack_timestamps() -> None:
    # thread_ts was a phrase ('invoice reminder')
    tool = {
        "name": "slack_post_message",
        "description": "Post a message to a Slack channel.",
        "inputSchema": {
            "type": "object",
            "properties": {"channel": {"type": "string"}, "thread_ts": {"type": "string"}},
            "required": ["channel", "thread_ts"],
        },
    }
    for call in synth.stream(synth.tool_calls(synth.load_tools([tool])), 100, seed=1):
        assert re.fullmatch(r"17\d{8}\.\d{6}", call.arguments["thread_ts"]), call.arguments


def test_titles_fit_what_the_tool_makes() -> None:
    # a calendar event was titled 'Re: contract renewal' and an issue 'Meeting notes'
    # (email subjects); an attendee's name stays a person's name
    event = {
        "name": "create_calendar_event",
        "description": "Create an event on the user's calendar.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "summary": {"type": "string"},
                "attendees": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}},
                        "required": ["name"],
                    },
                },
            },
            "required": ["summary", "attendees"],
        },
    }
    issue = {
        "name": "github_create_issue",
        "description": "Create an issue in a GitHub repository.",
        "inputSchema": {
            "type": "object",
            "properties": {"title": {"type": "string"}},
            "required": ["title"],
        },
    }
    data = load_data("arguments.json")
    for call in synth.stream(synth.tool_calls(synth.load_tools([event, issue])), 200, seed=2):
        if call.name == "create_calendar_event":
            assert call.arguments["summary"] in data["meeting_titles"], call.arguments
            for person in call.arguments["attendees"]:
                assert person["name"] not in data["meeting_titles"], person
                assert person["name"][:1].isupper() and " " in person["name"], person
        else:
            assert call.arguments["title"] in data["issue_titles"], call.arguments


def test_dates_described_or_named_without_a_format_are_dates() -> None:
    # OpenAI strict-mode tools rarely use "format": check_in "YYYY-MM-DD" was 'security audit'
    hotel = {
        "type": "function",
        "function": {
            "name": "book_hotel",
            "strict": True,
            "description": "Book a hotel room.",
            "parameters": {
                "type": "object",
                "additionalProperties": False,
                "required": ["check_in", "check_out", "pickup"],
                "properties": {
                    "check_in": {"type": "string", "description": "Arrival date, YYYY-MM-DD"},
                    "check_out": {"type": "string"},
                    "pickup": {
                        "type": "string",
                        "description": "Pickup time in ISO 8601 date-time",
                    },
                },
            },
        },
    }
    (spec,) = synth.load_tools([hotel])
    for call in synth.stream(synth.tool_calls([spec]), 200, seed=5):
        args = call.arguments
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", args["check_in"]), args
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", args["check_out"]), args
        assert args["check_in"] < args["check_out"], args
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z", args["pickup"]), args


def test_price_ranges_pages_currencies_and_namespaces_look_real() -> None:
    # min_price -978.75 above max_price -442.37, page 952, from_currency 'CUC' (random
    # letters), namespace 'security audit'
    catalog = {
        "name": "search_products",
        "description": "Search the product catalog.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "min_price": {"type": "number"},
                "max_price": {"type": "number"},
                "page": {"type": "integer", "minimum": 1},
                "from_currency": {"type": "string"},
                "to_currency": {"type": "string"},
                "namespace": {"type": "string"},
            },
            "required": [
                "min_price", "max_price", "page", "from_currency", "to_currency", "namespace"
            ],
        },
    }  # fmt: skip
    (spec,) = synth.load_tools([catalog])
    currencies = set(load_data("arguments.json")["currencies"])
    namespaces = set(load_data("arguments.json")["namespaces"])
    for call in synth.stream(synth.tool_calls([spec]), 300, seed=7):
        args = call.arguments
        assert 5 <= args["min_price"] <= args["max_price"] <= 500, args
        assert 1 <= args["page"] <= 5, args
        assert {args["from_currency"], args["to_currency"]} <= currencies, args
        assert args["from_currency"] != args["to_currency"], args
        assert args["namespace"] in namespaces, args


def test_a_product_search_looks_for_products() -> None:
    # the catalog was searched for 'antibiotic resistance key developments' (a news query)
    tool = {
        "name": "search_products",
        "description": "Search the product catalog.",
        "inputSchema": {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        },
    }
    products = set(load_data("arguments.json")["products"])
    for call in synth.stream(synth.tool_calls(synth.load_tools([tool])), 100, seed=3):
        assert call.arguments["query"] in products, call.arguments


def test_the_task_names_a_words_argument_before_a_number() -> None:
    # "Get the weather forecast (days: 3)" when the city was there to say
    tool = {
        "name": "get_forecast",
        "description": "Get the weather forecast.",
        "inputSchema": {
            "type": "object",
            "properties": {"days": {"type": "integer", "minimum": 1}, "city": {"type": "string"}},
            "required": ["days", "city"],
        },
    }
    tools = synth.load_tools([tool])
    for trace in synth.stream(synth.trace_records(tools=tools), 20, seed=1):
        assert "(city: " in trace["task"] and "(days: " not in trace["task"], trace["task"]


def test_a_persons_email_matches_their_name_and_birth_dates_are_past() -> None:
    # passenger Steven Larsen had john35@example.org; nested date_of_birth fell in the
    # weeks after the reference date (a booking's dates)
    tool = {
        "name": "book_flight",
        "description": "Book a flight for a passenger.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "passenger": {
                    "type": "object",
                    "properties": {
                        "first_name": {"type": "string"},
                        "last_name": {"type": "string"},
                        "email": {"type": "string", "format": "email"},
                        "date_of_birth": {"type": "string", "format": "date"},
                    },
                    "required": ["first_name", "last_name", "email", "date_of_birth"],
                },
                "contact": {
                    "type": "object",
                    "properties": {"name": {"type": "string"}, "email": {"type": "string"}},
                    "required": ["name", "email"],
                },
            },
            "required": ["passenger", "contact"],
        },
    }
    (spec,) = synth.load_tools([tool])
    validator = _validator(spec)
    matched = 0
    for call in synth.stream(synth.tool_calls([spec]), 200, seed=3):
        validator.validate(call.arguments)
        p = call.arguments["passenger"]
        if p["first_name"].isascii() and p["last_name"].isascii():
            local = p["email"].split("@")[0]
            assert local.startswith(re.sub(r"[^a-z]", "", p["first_name"].lower()) + "."), p
            matched += 1
        assert p["date_of_birth"] < "2026", p
        titles = {
            "mr",
            "mrs",
            "ms",
            "miss",
            "dr",
            "prof",
            "jr",
            "sr",
            "ii",
            "iii",
            "iv",
            "phd",
            "md",
            "dds",
        }
        words = re.sub(r"[^a-z ]", "", call.arguments["contact"]["name"].lower()).split()
        words = [w for w in words if w not in titles]
        if call.arguments["contact"]["name"].isascii():
            local = call.arguments["contact"]["email"].split("@")[0]
            assert local == f"{words[0]}.{words[-1]}", call.arguments["contact"]
    assert matched >= 150


def test_results_echo_the_values_the_call_gave() -> None:
    # Regression: an MCP result told of another ticker than the one asked about (and an
    # issue left 'open' when the call set it to 'closed'). A result property that is also
    # an argument holds the argument's value, where the output schema allows it.
    tool = {
        "name": "update_issue",
        "description": "Update an issue",
        "inputSchema": {
            "type": "object",
            "properties": {
                "number": {"type": "integer", "minimum": 1, "maximum": 500},
                "state": {"enum": ["open", "closed"]},
                "title": {"type": "string", "maxLength": 5},
            },
            "required": ["number", "state", "title"],
        },
        "outputSchema": {
            "type": "object",
            "properties": {
                "number": {"type": "integer", "minimum": 1, "maximum": 500},
                "state": {"enum": ["open", "closed"]},
                "title": {"type": "string", "minLength": 6},
            },
            "required": ["number", "state", "title"],
        },
    }
    (spec,) = synth.load_tools([tool])
    output = jsonschema.Draft202012Validator(tool["outputSchema"])
    for call, result in synth.stream(synth.tool_exchanges([spec]), 100, seed=2):
        body = json.loads(result.content)
        output.validate(body)
        assert body["number"] == call.arguments["number"]
        assert body["state"] == call.arguments["state"]
        assert len(body["title"]) >= 6  # the call's title (at most 5) does not fit: not echoed


def test_a_path_that_names_a_directory_is_a_directory():
    # list_files ("List files in a directory.") was called with /home/.../requirements.txt
    def tool(name, description, path_schema):
        schema = {"type": "object", "required": ["path"], "properties": {"path": path_schema}}
        return {"name": name, "description": description, "inputSchema": schema}

    directories = [
        tool("list_files", "List files in a directory.", {"type": "string"}),
        tool("show_tree", "Show a tree.", {"type": "string", "description": "The folder to show"}),
    ]
    files = [
        tool("read_file", "Read a file.", {"type": "string"}),
        tool("write_file", "Write a file into a directory.", {"type": "string"}),
    ]
    for definitions, is_directory in ((directories, True), (files, False)):
        for spec in synth.load_tools(definitions):
            for call in synth.stream(synth.tool_calls([spec]), 50, seed=2):
                last = call.arguments["path"].rsplit("/", 1)[-1]
                assert ("." not in last) is is_directory, (spec.name, call.arguments)
