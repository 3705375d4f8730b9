"""Arguments of user tools whose schemas say little, as a real agent would send them.

A number without bounds gets the usual range of what its name counts or measures (days of
a forecast, guests at a table, an issue number, a price with cents, a latitude), strings
without a format the values their name and tool suggest (issue labels, a time of day, a
restaurant), the description reads as an instruction in tasks and thoughts, and a result
has as many rows as the call asked for.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

import synth
from synth.agents._draw import load_data
from synth.agents._user_tools import UserTool, _purpose

INT, N, S = {"type": "integer"}, {"type": "number"}, {"type": "string"}

#: ``(argument, schema, lowest, highest, most decimals)``: where a value of an argument with
#: this name is sensible. The ranges are looser than synth's own (a test of sense, not of
#: synth's exact choices); ``None`` decimals: any.
_NUMBERS: list[tuple[str, dict[str, Any], float, float, int | None]] = [
    ("days", INT, 1, 14, 0),
    ("num_days", INT, 1, 14, 0),
    ("forecast_days", INT, 1, 14, 0),
    ("nights", INT, 1, 30, 0),
    ("weeks", INT, 1, 12, 0),
    ("hours", INT, 1, 48, 0),
    ("duration_minutes", INT, 1, 240, 0),
    ("timeout_seconds", INT, 1, 600, 0),
    ("party_size", INT, 1, 12, 0),
    ("guests", INT, 1, 12, 0),
    ("adults", INT, 1, 12, 0),
    ("children", INT, 0, 6, 0),
    ("passengers", INT, 1, 9, 0),
    ("seats", INT, 1, 12, 0),
    ("people", INT, 1, 12, 0),
    ("quantity", INT, 1, 20, 0),
    ("qty", INT, 1, 20, 0),
    ("limit", INT, 1, 100, 0),
    ("page", INT, 1, 20, 0),
    ("per_page", INT, 1, 100, 0),
    ("top_k", INT, 1, 100, 0),
    ("max_results", INT, 1, 100, 0),
    ("issue_number", INT, 1, 20000, 0),
    ("pr_number", INT, 1, 20000, 0),
    ("ticket_number", INT, 1, 20000, 0),
    ("year", INT, 2000, 2030, 0),
    ("age", INT, 1, 110, 0),
    ("rating", N, 1, 5, 1),
    ("stars", INT, 1, 5, 0),
    ("score", INT, 0, 100, 0),
    ("priority", INT, 1, 5, 0),
    ("radius_km", N, 0, 100, None),
    ("distance", N, 0, 200, None),
    ("price", N, 0, 2000, 2),
    ("amount", N, 0, 2000, 2),
    ("budget", N, 1, 10000, 2),
    ("max_price", N, 0, 2000, 2),
    ("percent", INT, 0, 100, 0),
    ("percentage", N, 0, 100, None),
    ("discount_percent", N, 0, 100, None),
    ("latitude", N, -90, 90, None),
    ("longitude", N, -180, 180, None),
    ("lat", N, -90, 90, None),
    ("lng", N, -180, 180, None),
    ("temperature", N, -40, 50, None),
    # names synth has no entry for, made of a counting word: a small positive count
    ("num_retries", INT, 0, 30, 0),
    ("attachment_count", INT, 0, 30, 0),
    ("max_attendees", INT, 1, 30, 0),
    ("max_items", INT, 1, 100, 0),
    ("k", INT, 1, 100, 0),
    ("tip", N, 0, 100, 2),
    ("salary", N, 1000, 1000000, None),
    ("font_size", INT, 6, 72, 0),
    ("batch_size", INT, 1, 30, 0),
    ("number_of_attendees", INT, 1, 30, 0),
]


def _decimals(value: float) -> int:
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def _tool(name: str, description: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name,
            "description": description,
            "parameters": {
                "type": "object",
                "properties": properties,
                "required": list(properties),
            },
        },
    }


def _calls(tool: dict[str, Any], n: int = 60, seed: int = 3) -> list[dict[str, Any]]:
    return [c.arguments for c in synth.stream(synth.tool_calls([tool]), n, seed=seed)]


def test_numbers_without_bounds_lie_in_the_usual_range_of_what_they_count() -> None:
    # Regression: get_forecast(days=466), days=-75, a negative party_size.
    tools = [
        _tool(f"tool_{i}", "Do something useful.", {arg: dict(schema)})
        for i, (arg, schema, *_) in enumerate(_NUMBERS)
    ]
    assert len(tools) >= 30
    wrong: list[str] = []
    for tool, (arg, _schema, lo, hi, decimals) in zip(tools, _NUMBERS, strict=True):
        parameters = tool["function"]["parameters"]
        validator = jsonschema.Draft202012Validator(parameters)
        for args in _calls(tool):
            validator.validate(args)
            value = args[arg]
            if not lo <= value <= hi:
                wrong.append(f"{arg}={value} (expected {lo}..{hi})")
            elif decimals is not None and _decimals(value) > decimals:
                wrong.append(f"{arg}={value} (expected at most {decimals} decimals)")
    assert not wrong, wrong[:20]


def test_the_schemas_bounds_win_and_one_bound_keeps_the_usual_range() -> None:
    cases: list[tuple[str, dict[str, Any], float, float]] = [
        # one bound: the usual range on its side of it
        ("party_size", {"type": "integer", "minimum": 2}, 2, 12),
        ("days", {"type": "integer", "maximum": 10}, 1, 10),
        ("price", {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.01}, 0.01, 2000),
        ("guests", {"type": "integer", "exclusiveMinimum": 0}, 1, 12),
        ("rating", {"type": "number", "multipleOf": 0.5, "maximum": 5}, 0.5, 5),
        ("percent", {"type": "number", "exclusiveMaximum": 50}, 0, 50),
        ("issue_number", {"type": "integer", "minimum": 1}, 1, 20000),
        ("radius_m", {"type": "integer", "multipleOf": 50, "minimum": 0}, 0, 20000),
        # a bound the usual range does not reach: values from that bound on
        ("days", {"type": "integer", "minimum": 30}, 30, 60),
        # both bounds: the schema's own range, all of it
        ("stars", {"type": "integer", "minimum": 3, "maximum": 9000}, 3, 9000),
        ("year", {"type": "integer", "minimum": 1990, "maximum": 1995}, 1990, 1995),
        ("days", {"type": "integer", "minimum": 1, "maximum": 30}, 1, 30),
    ]
    for arg, schema, lo, hi in cases:
        tool = _tool("set_value", "Set a value.", {arg: schema})
        validator = jsonschema.Draft202012Validator(tool["function"]["parameters"])
        values = []
        for args in _calls(tool, 120):
            validator.validate(args)
            values.append(args[arg])
        assert all(lo <= v <= hi for v in values), (arg, schema, sorted(values)[:3], max(values))
        if "minimum" in schema and "maximum" in schema:
            # the user's range is used beyond the usual one (3-star hotels to 9000 stars)
            usual = {"stars": 5, "year": 2026, "days": 14}[arg]
            assert max(values) > min(usual, schema["maximum"] - 1) or arg == "year", values
    # an enum is the user's list, whatever the name
    tool = _tool("set_days", "Set days.", {"days": {"type": "integer", "enum": [-1, 400]}})
    assert {a["days"] for a in _calls(tool)} <= {-1, 400}


def _vocab(name: str) -> set[str]:
    return set(load_data("arguments.json").get(name, []))


def test_strings_without_a_format_get_what_their_name_says() -> None:
    # Regression: labels were topic phrases ("data migration"), a table's time a timestamp
    # and its restaurant a topic ("design review").
    tools = [
        _tool("add_label", "Add a label to an issue.", {"issue_number": INT, "label": S}),
        _tool(
            "create_issue",
            "Open an issue in a repository.",
            {"title": S, "labels": {"type": "array", "items": S}, "priority": S},
        ),
        _tool(
            "book_table",
            "Book a table at a restaurant.",
            {"restaurant": S, "party_size": INT, "time": S},
        ),
        _tool(
            "list_orders",
            "List the orders of a customer.",
            {"status": S, "currency": S},
        ),
        _tool(
            "translate",
            "Translate text into another language.",
            {
                "text": S,
                "target_language": {"type": "string", "description": "Language name, e.g. Spanish"},
                "source_lang": {"type": "string", "description": "ISO 639-1 code"},
            },
        ),
        _tool(
            "run_code",
            "Run a code snippet in a sandbox.",
            {"language": S, "code": S},
        ),
        _tool(
            "schedule_pickup",
            "Schedule a parcel pickup.",
            {"date": S, "pickup_time": {"type": "string", "description": "Time of day, HH:MM"}},
        ),
    ]
    labels, restaurants = _vocab("issue_labels"), _vocab("restaurants")
    for tool in tools:
        validator = jsonschema.Draft202012Validator(tool["function"]["parameters"])
        for args in _calls(tool, 40):
            validator.validate(args)
            if "label" in args:
                assert args["label"] in labels, args
            if "labels" in args:
                assert args["labels"] and set(args["labels"]) <= labels, args
                assert len(set(args["labels"])) == len(args["labels"]), args
            if "priority" in args:
                assert args["priority"] in _vocab("priorities"), args
            if "restaurant" in args:
                assert args["restaurant"] in restaurants, args
            for key in ("time", "pickup_time"):
                if key in args:
                    assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", args[key]), args
            if "restaurant" in args:  # lunch or dinner
                assert "11:30" <= args["time"] <= "14:00" or "18:00" <= args["time"] <= "21:30"
            if "status" in args:
                assert args["status"] in _vocab("order_statuses"), args
            if "currency" in args:
                assert args["currency"] in _vocab("currencies"), args
            if "target_language" in args:
                assert args["target_language"] in _vocab("language_names"), args
                assert args["source_lang"] in _vocab("languages"), args
            if "code" in args:
                assert args["language"] in _vocab("code_languages"), args
    # arrays named in the plural: values of the singular, or the schema compiler's own
    # values when the name says nothing (attendees are not topics)
    tags = _tool("tag_note", "Tag a note.", {"tags": {"type": "array", "items": S}})
    assert all(a["tags"] and set(a["tags"]) <= _vocab("topics") for a in _calls(tags, 20))
    people = _tool("invite", "Invite people.", {"attendees": {"type": "array", "items": S}})
    for args in _calls(people, 20):
        assert not set(args["attendees"]) & _vocab("topics"), args
    # "in order to" does not make a tool about orders
    service = _tool("check", "Use this in order to check a service.", {"status": S})
    assert all(a["status"] in _vocab("statuses") for a in _calls(service, 20))
    # a time the description asks to be a date-time stays one
    stamp = _tool(
        "remind",
        "Set a reminder.",
        {"time": {"type": "string", "description": "ISO 8601 date-time"}},
    )
    assert all(re.match(r"^\d{4}-\d\d-\d\dT", a["time"]) for a in _calls(stamp, 20)), stamp


#: ``(description, tool name, the instruction it reads as)``.
_PURPOSES = [
    ("Turn an address into coordinates.", "geocode", "turn an address into coordinates"),
    (
        "Turns an address into latitude and longitude.",
        "geocode",
        "turn an address into latitude and longitude",
    ),
    (
        "Provides the current time in a timezone.",
        "get_time",
        "provide the current time in a timezone",
    ),
    (
        "Gives the exchange rate between two currencies.",
        "fx_rate",
        "give the exchange rate between two currencies",
    ),
    ("Shorten a long URL.", "shorten_url", "shorten a long URL"),
    (
        "Shortens a URL and returns the short link.",
        "url_tool",
        "shorten a URL and return the short link",
    ),
    ("Takes a screenshot of a web page", "screenshot", "take a screenshot of a web page"),
    ("Tell a joke about a topic.", "joke", "tell a joke about a topic"),
    (
        "Ask a question to the company knowledge base.",
        "kb_ask",
        "ask a question to the company knowledge base",
    ),
    ("Spins up a new virtual machine.", "vm_create", "spin up a new virtual machine"),
    ("Turns off the lights in a room.", "lights", "turn off the lights in a room"),
    (
        "Weather forecast for a city for the next days.",
        "get_forecast",
        "get weather forecast for a city for the next days",
    ),
    ("Current weather in a city.", "get_weather", "get current weather in a city"),
    ("List of users in the workspace.", "list_users", "list users in the workspace"),
    (
        "All the open invoices of an account.",
        "get_invoices",
        "get all the open invoices of an account",
    ),
    ("Geocoding: turn an address into coordinates.", "geocode", "turn an address into coordinates"),
    ("[Beta] Search the product catalogue.", "catalog", "search the product catalogue"),
    ("(Admin only) Delete a user account.", "admin_delete", "delete a user account"),
    (
        "Use this tool when you need to check the status of an order.",
        "order_status",
        "check the status of an order",
    ),
    ("Call this when the user wants to book a table.", "reserve", "book a table"),
    (
        "Use it to convert an amount between currencies.",
        "fx",
        "convert an amount between currencies",
    ),
    ("An API to query the sales database.", "sales", "query the sales database"),
    ("A helper that extracts text from a PDF.", "pdf", "extract text from a PDF"),
    (
        "Useful for finding flights between two airports.",
        "flights",
        "find flights between two airports",
    ),
    (
        "Sending an email to one or more recipients.",
        "mailer",
        "send an email to one or more recipients",
    ),
    ("Getting the current price of a stock.", "stock", "get the current price of a stock"),
    (
        "Given an address, returns its coordinates.",
        "geocode",
        "return the coordinates for an address",
    ),
    (
        "Given a city name, get the current weather.",
        "weather",
        "get the current weather for a city name",
    ),
    ("Search products, e.g. shoes or shirts. Returns a list.", "shop_search", "search products"),
    (
        "Get the weather for a city\nArgs:\n  city: the city",
        "get_weather",
        "get the weather for a city",
    ),
    (
        "Retrieve **all** open tickets for a customer.",
        "tickets",
        "retrieve all open tickets for a customer",
    ),
    ("Fetch the `README` of a repository.", "readme", "fetch the README of a repository"),
    ("Text to speech: convert text into spoken audio.", "tts", "convert text into spoken audio"),
    (
        "Summarizes a document in three sentences.",
        "summarize",
        "summarize a document in three sentences",
    ),
    (
        "Translates text and detects its source language.",
        "translate",
        "translate text and detect its source language",
    ),
    ("Looks up a word in the dictionary.", "dictionary", "look up a word in the dictionary"),
    ("Pauses the music that is playing.", "player", "pause the music that is playing"),
    ("Recommend three books based on a genre.", "books", "recommend three books based on a genre"),
    ("Identifies the language of a text.", "lang_detect", "identify the language of a text"),
    (
        "Draws a bar chart from a table of numbers.",
        "chart",
        "draw a bar chart from a table of numbers",
    ),
    ("Encrypts a message with a public key.", "crypto", "encrypt a message with a public key"),
    (
        "Pulls the latest changes from a branch.",
        "git_tool",
        "pull the latest changes from a branch",
    ),
    (
        "Exchange rate between two currencies.",
        "get_rate",
        "get exchange rate between two currencies",
    ),
    ("Obtains an access token for the API.", "auth", "obtain an access token for the API"),
    ("This endpoint returns the top headlines.", "news", "return the top headlines"),
    (
        "Wait a number of seconds before the next step.",
        "sleep",
        "wait a number of seconds before the next step",
    ),
    # a description wrapped over lines, or a docstring with sections after its sentence
    ("Get the current weather for a\ncity.", "get_weather", "get the current weather for a city"),
    ("Search the web\n\nArgs:\n  q: the query", "web", "search the web"),
    ("Lists files\n- path: the folder", "ls", "list files"),
    # nouns followed by "on" or "that" stay nouns
    (
        "Information on the weather in a city.",
        "get_info",
        "get information on the weather in a city",
    ),
    (
        "Wrapper that calls the billing API.",
        "billing",
        "use billing for wrapper that calls the billing API",
    ),
    (
        "Cancels a subscription at the end of the billing period.",
        "subscriptions",
        "cancel a subscription at the end of the billing period",
    ),
]


def test_descriptions_of_every_shape_read_as_instructions() -> None:
    # Regression: "Turn an address into coordinates." of geocode read "geocode turn an
    # address into coordinates"; other verbs synth did not list, labels, gerunds and
    # "Given ..., ..." read as badly.
    assert len(_PURPOSES) >= 40
    wrong = [
        (description, name, _purpose(description, name), expected)
        for description, name, expected in _PURPOSES
        if _purpose(description, name) != expected
    ]
    assert not wrong, wrong


def test_a_trace_thought_says_what_the_tool_does_in_the_descriptions_words() -> None:
    geocode = _tool("geocode", "Turn an address into coordinates.", {"address": S})
    seen = 0
    for trace in synth.stream(synth.traces(tools=[geocode], min_steps=1, max_steps=2), 20, seed=4):
        record = synth.trace_record(trace)
        texts = [record["task"]] + [s["content"] for s in record["steps"] if s["type"] == "thought"]
        for text in texts:
            assert "geocode turn" not in text.lower(), text
            seen += "turn an address into coordinates" in text.lower()
    assert seen


def _forecast(arg: str) -> dict[str, Any]:
    return _tool(
        "get_forecast",
        "Weather forecast for a city for the next days.",
        {"city": S, arg: INT},
    )


def test_a_forecast_has_as_many_days_as_the_call_asks() -> None:
    # Regression: 3 to 5 days whatever `days` asked (and `days` itself was 466 or -75).
    for arg in ("days", "num_days", "forecast_days"):
        sizes = set()
        for call, result in synth.stream(
            synth.tool_exchanges([_forecast(arg)], error_rate=0.0), 40, seed=9
        ):
            asked = call.arguments[arg]
            days = json.loads(result.content)["days"]
            assert len(days) == min(asked, 14), (call.arguments, len(days))
            dates = [d["date"] for d in days]
            assert dates == sorted(set(dates)), dates
            # in a city whose climate synth knows, near its January mean
            place = load_data("results.json")["places"].get(call.arguments["city"])
            if place is not None:
                for d in days:
                    low, high = d["min_temperature_c"], d["max_temperature_c"]
                    assert place[3] - 10 <= low <= high <= place[3] + 10, (place, d)
                    assert d["conditions"] not in ("light snow", "sleet") or low < 5, d
                    assert d["conditions"] != "thunderstorms" or high > 10, d
            sizes.add(len(days))
        assert len(sizes) > 3, sizes  # the call decides, not the result shape
    # a call given by hand: more days than a forecast has are capped at 14
    tool = UserTool(synth.load_tools([_forecast("days")])[0])
    import random

    for asked, expected in ((1, 1), (7, 7), (14, 14), (30, 14)):
        body = json.loads(
            tool.result(random.Random(asked), {"city": "Lisbon", "days": asked}, None)[0]
        )
        assert len(body["days"]) == expected, (asked, body)


def test_a_booking_read_with_nights_ends_that_many_nights_later() -> None:
    import datetime as dt

    tool = _tool(
        "get_booking",
        "Look up a hotel booking.",
        {"booking_id": S, "check_in": {"type": "string", "format": "date"}, "nights": INT},
    )
    for call, result in synth.stream(synth.tool_exchanges([tool], error_rate=0.0), 30, seed=2):
        body = json.loads(result.content)
        start = dt.date.fromisoformat(body["check_in"])
        end = dt.date.fromisoformat(body["check_out"])
        assert body["check_in"] == call.arguments["check_in"], (call.arguments, body)
        assert (end - start).days == call.arguments["nights"], (call.arguments, body)


def test_a_list_has_no_more_items_than_any_limit_like_argument_asks() -> None:
    import random

    for limit in ("limit", "top_k", "max_items", "number_of_results", "n"):
        definition = _tool("search_news", "Search news articles.", {"q": S, limit: INT})
        tool = UserTool(synth.load_tools([definition])[0])
        for asked in (1, 2, 3):
            body = json.loads(
                tool.result(random.Random(asked), {"q": "rates", limit: asked}, None)[0]
            )
            assert 1 <= len(body["articles"]) <= asked, (limit, asked, body)
        # and the call itself asks for a sensible number of them
        assert all(1 <= a[limit] <= 100 for a in _calls(definition, 30)), limit


BIRTH_SCHEMAS = [
    {"type": "string", "format": "date"},
    {"type": "string"},
    {"type": "string", "description": "Date of birth, YYYY-MM-DD."},
]


def test_a_date_of_birth_is_an_adults_in_the_past() -> None:
    # Regression: birth_date matched the booking-date names and came out 1-90 days after
    # the reference date (a patient born next month), in arguments and in MCP results.
    import datetime as dt

    reference = dt.date(2026, 1, 1)
    checked = 0
    for i, (name, schema) in enumerate(
        (n, s)
        for n in ("birth_date", "birthdate", "date_of_birth", "dob", "birthday")
        for s in BIRTH_SCHEMAS
    ):
        tool = {
            "name": "register_patient",
            "description": "Register a new patient.",
            "inputSchema": {
                "type": "object",
                "properties": {"full_name": {"type": "string"}, name: schema},
                "required": ["full_name", name],
            },
            "outputSchema": {
                "type": "object",
                "properties": {"patient_id": {"type": "string"}, name: schema},
                "required": ["patient_id", name],
            },
        }
        for call, result in synth.stream(synth.tool_exchanges(tool), 30, seed=i):
            values = [call.arguments[name]]
            if not result.is_error:
                values.append(json.loads(result.content)[name])
            for value in values:
                born = dt.date.fromisoformat(value)
                assert 18 <= (reference - born).days / 365.25 <= 100, (name, value)
                checked += 1
    assert checked > 700


def test_a_forecast_follows_the_season_of_the_reference_date() -> None:
    # Regression: lows and highs came from each city's January mean whatever the date, so
    # a trace in July forecast 1 °C for Copenhagen and 21 °C for Melbourne.
    import datetime as dt

    places = load_data("results.json")["places"]
    means: dict[str, list[float]] = {}
    start = dt.datetime(2026, 7, 14, tzinfo=dt.UTC)
    gen = synth.trace_records(tools=[_forecast("days")], start=start, success_rate=1.0)
    for trace in synth.stream(gen, 300, seed=4):
        for step in trace["steps"]:
            if step["type"] != "observation" or step["is_error"]:
                continue
            body = json.loads(step["content"])
            if body.get("city") in places:
                for d in body["days"]:
                    assert d["date"] >= "2026-07-14", d
                    middle = (d["min_temperature_c"] + d["max_temperature_c"]) / 2
                    means.setdefault(body["city"], []).append(middle)
    assert {"Copenhagen", "Melbourne", "Montreal"} <= set(means)
    for city, values in means.items():
        january, july = places[city][3], places[city][4]
        average = sum(values) / len(values)
        assert abs(average - july) < 2.5, (city, average, july)
        if abs(january - july) > 8:
            assert abs(average - january) > 5, (city, average, january)


def test_a_short_maxlength_gets_a_realistic_value_that_fits() -> None:
    # Regression: one realistic draw that did not fit left the schema compiler's letters
    # ("Lekb", "Psqkp" for a city of at most 6 characters, "gNazLA" for a product query);
    # a few more draws find one that fits.
    cities = set(load_data("search.json")["categories"]["local"]["topics"])
    tool = _tool("find_store", "Find a store in a city.", {"city": {**S, "maxLength": 6}})
    seen = set()
    for call in synth.stream(synth.tool_calls(tool), 200, seed=3):
        city = call.arguments["city"]
        assert city in cities and len(city) <= 6, city
        seen.add(city)
    assert len(seen) >= 4
