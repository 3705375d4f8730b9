"""What user tools without an outputSchema return when they read: the thing read (weather,
a quote, an order, issues, ...), with the call's identifying and filtering values, never
an echo of the request; told in words in the trace's final answer."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from typing import Any

import orjson
import pytest

import synth
from synth.agents._user_tools import UserTool

S = {"type": "string"}


def _openai(name: str, description: str, props: dict, required: list | None = None) -> dict:
    params = {"type": "object", "properties": props, "required": required or list(props)}
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": params},
    }


def _mcp(name: str, description: str, props: dict, required: list | None = None) -> dict:
    schema = {"type": "object", "properties": props, "required": required or list(props)}
    return {"name": name, "description": description, "inputSchema": schema}


def _int(lo: int, hi: int) -> dict:
    return {"type": "integer", "minimum": lo, "maximum": hi}


DAY = {"type": "string", "format": "date"}
UNIT = {"type": "string", "enum": ["celsius", "fahrenheit"]}

#: (definition, expectations): ``fields`` of the object (or of each item of ``items``),
#: ``echo`` result property <- argument, ``filters`` item property <- argument, ``said``
#: properties whose values the final answer repeats.
CORPUS: list[tuple[dict, dict[str, Any]]] = [
    (
        _openai("get_weather", "Get the current weather for a city.", {"city": S}),
        {
            "fields": {"temperature_c", "conditions", "humidity", "wind_kph"},
            "echo": {"city": "city"},
            "said": ["conditions", "temperature_c", "city"],
        },
    ),
    (
        _mcp(
            "get_forecast", "Get a multi-day weather forecast.", {"location": S, "days": _int(1, 7)}
        ),
        {"fields": {"city", "days"}, "echo": {"city": "location"}, "said": ["city"]},
    ),
    (
        _openai(
            "get_stock_price",
            "Get the latest price of a stock.",
            {"ticker": {"type": "string", "description": "Stock ticker symbol"}},
        ),
        {
            "fields": {"price", "currency", "change_percent", "as_of"},
            "echo": {"ticker": "ticker"},
            "said": ["ticker", "price"],
        },
    ),
    (
        _mcp(
            "get_exchange_rate",
            "Get the exchange rate between two currencies.",
            {"base_currency": S, "target_currency": S},
        ),
        {
            "fields": {"rate", "as_of"},
            "echo": {"base": "base_currency", "target": "target_currency"},
            "said": ["rate"],
        },
    ),
    (
        _openai(
            "convert_currency",
            "Convert an amount from one currency to another.",
            {"amount": {"type": "number"}, "from": S, "to": S},
        ),
        {
            "fields": {"rate", "converted_amount"},
            "echo": {"amount": "amount", "from": "from", "to": "to"},
            "said": ["converted_amount"],
        },
    ),
    (
        _openai(
            "search_products",
            "Search the product catalog.",
            {"query": S, "limit": _int(1, 20)},
            ["query"],
        ),
        {
            "items": "products",
            "fields": {"id", "name", "price", "in_stock"},
            "top": {"query": "query"},
        },
    ),
    (
        _mcp("get_order", "Look up an order by its id.", {"order_id": S}),
        {
            "fields": {"status", "items", "total", "customer"},
            "echo": {"id": "order_id"},
            "said": ["status", "total"],
        },
    ),
    (
        _mcp(
            "list_orders",
            "List a customer's orders.",
            {"customer_id": S, "status": {"enum": ["processing", "shipped", "delivered"]}},
        ),
        {
            "items": "orders",
            "fields": {"id", "status", "total"},
            "filters": {"status": "status"},
            "top": {"customer_id": "customer_id"},
        },
    ),
    (
        _openai(
            "lookup_customer",
            "Find a customer by email address.",
            {"email": {"type": "string", "format": "email"}},
        ),
        {"fields": {"id", "name", "phone"}, "echo": {"email": "email"}, "said": ["name"]},
    ),
    (
        _mcp("get_user", "Get a user profile.", {"user_id": S}),
        {"fields": {"name", "email"}, "echo": {"id": "user_id"}, "said": ["name", "email"]},
    ),
    (
        _mcp(
            "list_issues",
            "List issues in a GitHub repository.",
            {
                "owner": S,
                "repo": S,
                "state": {"enum": ["open", "closed"]},
                "per_page": _int(1, 100),
            },
            ["owner", "repo", "state"],
        ),
        {
            "items": "issues",
            "fields": {"number", "title", "state", "labels"},
            "filters": {"state": "state"},
            "top": {"repo": "repo", "owner": "owner"},
        },
    ),
    (
        _mcp(
            "get_issue",
            "Get one issue of a repository.",
            {"repo": S, "issue_number": _int(1, 5000)},
        ),
        {
            "fields": {"title", "state", "created_at"},
            "echo": {"number": "issue_number"},
            "said": ["number", "title"],
        },
    ),
    (
        _mcp(
            "list_pull_requests",
            "List pull requests of a repository.",
            {"repo": S, "state": {"enum": ["open", "closed", "merged"]}},
        ),
        {
            "items": "pull_requests",
            "fields": {"number", "title", "author"},
            "filters": {"state": "state"},
            "top": {"repo": "repo"},
        },
    ),
    (
        _openai("get_repository", "Get details of a repository.", {"owner": S, "repo": S}),
        {
            "fields": {"stars", "language", "open_issues"},
            "echo": {"owner": "owner", "name": "repo"},
            "said": ["stars"],
        },
    ),
    (
        _mcp(
            "list_events",
            "List calendar events between two dates.",
            {"calendar_id": S, "start_date": DAY, "end_date": DAY},
        ),
        {"items": "events", "fields": {"title", "start", "end", "attendees"}},
    ),
    (
        _openai(
            "check_availability",
            "Check whether a restaurant has free tables on a date.",
            {"date": DAY, "party_size": _int(1, 12)},
        ),
        {"fields": {"available", "slots"}, "echo": {"date": "date"}, "said": ["date"]},
    ),
    (
        _openai(
            "search_flights",
            "Search flights between two airports.",
            {
                "origin": {"type": "string", "description": "IATA airport code"},
                "destination": {"type": "string", "description": "IATA airport code"},
                "departure_date": DAY,
            },
        ),
        {
            "items": "flights",
            "fields": {"flight_number", "airline", "price", "arrival_time"},
            "filters": {"origin": "origin", "destination": "destination"},
        },
    ),
    (
        _mcp(
            "search_hotels",
            "Find hotels in a city.",
            {"city": S, "check_in": DAY, "check_out": DAY},
        ),
        {
            "items": "hotels",
            "fields": {"name", "price_per_night", "rating"},
            "filters": {"city": "city"},
        },
    ),
    (
        _mcp("get_booking", "Get a booking by its confirmation number.", {"booking_id": S}),
        {
            "fields": {"status", "check_in", "check_out", "guest"},
            "echo": {"id": "booking_id"},
            "said": ["status"],
        },
    ),
    (
        _openai("read_document", "Read a document from the knowledge base.", {"document_id": S}),
        {
            "fields": {"title", "content", "author"},
            "echo": {"id": "document_id"},
            "said": ["title"],
        },
    ),
    (
        _mcp(
            "search_docs",
            "Search the documentation.",
            {"query": S, "max_results": _int(1, 10)},
            ["query"],
        ),
        {"items": "documents", "fields": {"id", "title", "updated_at"}, "top": {"query": "query"}},
    ),
    (
        _openai("read_file", "Read a file from the workspace.", {"path": S}),
        {"fields": {"content", "size_bytes"}, "echo": {"path": "path"}, "said": ["path"]},
    ),
    (
        _mcp("get_news", "Get the latest news headlines about a topic.", {"topic": S}),
        {
            "items": "articles",
            "fields": {"title", "source", "published_at"},
            "top": {"topic": "topic"},
        },
    ),
    (
        _openai("get_invoice", "Fetch an invoice.", {"invoice_id": S}),
        {
            "fields": {"amount", "status", "due_date"},
            "echo": {"id": "invoice_id"},
            "said": ["amount", "status"],
        },
    ),
    (
        _mcp(
            "list_transactions",
            "List recent payment transactions.",
            {"account_id": S, "limit": _int(1, 50)},
        ),
        {
            "items": "transactions",
            "fields": {"id", "amount", "status"},
            "top": {"account_id": "account_id"},
        },
    ),
    (
        _openai("get_ticket", "Get a support ticket.", {"ticket_id": S}),
        {
            "fields": {"subject", "status", "priority"},
            "echo": {"id": "ticket_id"},
            "said": ["subject"],
        },
    ),
    (
        _mcp("track_shipment", "Track a shipment by its tracking number.", {"tracking_number": S}),
        {
            "fields": {"carrier", "status", "estimated_delivery"},
            "echo": {"tracking_number": "tracking_number"},
            "said": ["status", "carrier"],
        },
    ),
    (
        _openai("get_account_balance", "Get the balance of a bank account.", {"account_id": S}),
        {
            "fields": {"balance", "available_balance", "currency"},
            "echo": {"account_id": "account_id"},
            "said": ["balance"],
        },
    ),
    (
        _mcp("geocode_address", "Turn an address into coordinates.", {"address": S}),
        {
            "fields": {"latitude", "longitude", "country"},
            "echo": {"address": "address"},
            "said": ["latitude", "longitude"],
        },
    ),
    (
        _openai("get_current_time", "Get the current time in a timezone.", {"timezone": S}),
        {
            "fields": {"local_time", "utc_offset"},
            "echo": {"timezone": "timezone"},
            "said": ["timezone", "utc_offset"],
        },
    ),
    (
        _mcp(
            "list_pods",
            "List pods in a Kubernetes namespace.",
            {"namespace": S, "label_selector": S},
            ["namespace"],
        ),
        {
            "items": "pods",
            "fields": {"name", "status", "restarts"},
            "filters": {"namespace": "namespace"},
        },
    ),
    (
        _openai(
            "search_logs",
            "Search application logs.",
            {"query": S, "level": {"enum": ["INFO", "WARN", "ERROR"]}},
        ),
        {"items": "entries", "fields": {"timestamp", "message"}, "filters": {"level": "level"}},
    ),
    (
        _mcp("search_emails", "Search the inbox.", {"query": S}),
        {
            "items": "messages",
            "fields": {"sender", "subject", "received_at"},
            "top": {"query": "query"},
        },
    ),
    (
        _openai(
            "calculate_shipping_cost",
            "Calculate the shipping cost of a parcel.",
            {"weight_kg": {"type": "number", "minimum": 0.1, "maximum": 30}, "destination": S},
        ),
        {
            "fields": {"shipping_cost", "currency"},
            "echo": {"weight_kg": "weight_kg", "destination": "destination"},
            "said": ["shipping_cost"],
        },
    ),
    (
        _mcp("get_warehouse", "Get a warehouse by id.", {"warehouse_id": S}),
        {
            "fields": {"name", "status", "created_at", "updated_at"},
            "echo": {"id": "warehouse_id"},
            "said": ["id", "name"],
        },
    ),
    (
        _openai(
            "translate_text",
            "Translate text into another language.",
            {"text": S, "target_language": S},
        ),
        {
            "fields": {"translated_text", "source_language"},
            "echo": {"target_language": "target_language"},
            "said": ["translated_text"],
        },
    ),
    (
        _mcp("check_service_health", "Check the health of a service.", {"service": S}),
        {
            "fields": {"status", "latency_ms", "checked_at"},
            "echo": {"service": "service"},
            "said": ["service", "status"],
        },
    ),
]
CORPUS += [
    (
        _openai(
            "get_directions",
            "Get driving directions between two places.",
            {"origin": S, "destination": S},
        ),
        {
            "fields": {"distance_km", "duration_minutes", "mode"},
            "echo": {"origin": "origin", "destination": "destination"},
            "said": ["distance_km", "duration_minutes"],
        },
    ),
    (
        _mcp("get_train_times", "Get the next trains from a station.", {"station": S}),
        {"items": "departures", "fields": {"line", "departure_time", "platform", "status"}},
    ),
    (
        _mcp("get_stock_level", "Get the stock level of a product in a warehouse.", {"sku": S}),
        {
            "fields": {"product", "quantity_available", "warehouse"},
            "echo": {"sku": "sku"},
            "said": ["quantity_available"],
        },
    ),
    (
        _openai("get_air_quality", "Get the air quality in a city.", {"city": S}),
        {
            "fields": {"aqi", "category", "pm2_5"},
            "echo": {"city": "city"},
            "said": ["aqi", "category"],
        },
    ),
    (
        _mcp("wikipedia_search", "Search Wikipedia.", {"query": S}),
        {"items": "results", "fields": {"title", "url", "snippet"}, "top": {"query": "query"}},
    ),
    (
        _openai(
            "get_customer_by_email",
            "Get a customer by their email.",
            {"email": {"type": "string", "format": "email"}},
        ),
        {"fields": {"id", "name", "phone"}, "echo": {"email": "email"}, "said": ["name"]},
    ),
]
DEFINITIONS = [d for d, _ in CORPUS]
EXPECT = {(d.get("function") or d)["name"]: e for d, e in CORPUS}
#: Timestamps of what was read, and of the answer itself, lie before the reference date.
PAST = re.compile(r"^(\w+_at|as_of|timestamp)$")


def _stamps(value: Any, key: str = "") -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _stamps(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _stamps(v, key)]
    return [value] if isinstance(value, str) and PAST.match(key) else []


def test_the_corpus_is_wide() -> None:
    specs = synth.load_tools(DEFINITIONS)
    assert len(specs) >= 25
    assert sum("function" in d for d in DEFINITIONS) >= 10  # both forms
    assert sum("inputSchema" in d for d in DEFINITIONS) >= 10


@pytest.mark.parametrize("definition", DEFINITIONS, ids=lambda d: (d.get("function") or d)["name"])
def test_read_results_are_the_thing_read(definition: dict) -> None:
    (spec,) = synth.load_tools([definition])
    expect = EXPECT[spec.name]
    exchanges = list(synth.stream(synth.tool_exchanges([spec], error_rate=0.0), 60, seed=11))
    for call, result in exchanges:
        body = json.loads(result.content)
        args = call.arguments
        assert isinstance(body, dict) and not result.is_error
        # not the old echo of the request
        assert "input" not in body and "request_id" not in body and body != args, body
        assert body.get("tool") != spec.name, body
        for stamp in _stamps(body):
            assert stamp < "2026-01-01T00:00:00", (stamp, body)
        for prop, arg in expect.get("echo", {}).items():
            if arg in args:
                assert body[prop] == args[arg], (prop, args, body)
        if "items" not in expect:
            assert expect["fields"] <= set(body), body
            continue
        items = body[expect["items"]]
        assert items and body["total_count"] >= len(items), body
        for item in items:
            assert expect["fields"] <= set(item), item
            for prop, arg in expect.get("filters", {}).items():
                if arg in args:
                    assert item[prop] == args[arg], (prop, args, item)
        for prop, arg in expect.get("top", {}).items():
            if arg in args:
                assert body[prop] == args[arg], (prop, args, body)
        for arg in ("limit", "per_page", "max_results"):
            if isinstance(args.get(arg), int):
                assert len(items) <= args[arg], (args, len(items))
    assert len({result.content for _, result in exchanges}) > 50  # results vary


def _told(value: Any) -> str:
    """How an answer tells a value: lists by their length, long texts by their start."""
    return str(len(value)) if isinstance(value, list) else str(value)[:50]


def test_the_final_answer_reports_what_was_read() -> None:
    specs = synth.load_tools(DEFINITIONS)
    checked = 0
    traces = synth.trace_records(tools=specs, success_rate=1.0, max_steps=4)
    for trace in synth.stream(traces, 150, seed=5):
        final = trace["final_answer"]
        assert "{" not in final, final
        for step in trace["steps"]:
            if step["type"] != "observation" or step["is_error"]:
                continue
            body = json.loads(step["content"])
            expect = EXPECT[step["tool"]]
            if "items" in expect:
                assert f"{body['total_count']} " in final, (body["total_count"], final)
            for prop in expect.get("said", []):
                assert _told(body[prop]) in final, (prop, body[prop], final)
            checked += 1
    assert checked > 200


def test_lists_hold_what_the_call_filtered_on_and_singles_what_it_named() -> None:
    issues, weather, order, convert = synth.load_tools(
        [DEFINITIONS[10], DEFINITIONS[0], DEFINITIONS[6], DEFINITIONS[4]]
    )
    for state in ("open", "closed"):
        tool = UserTool(issues)
        import random

        rng = random.Random(3)
        content, outcome = tool.result(
            rng, {"owner": "acme", "repo": "atlas", "state": state}, None
        )
        body = json.loads(content)
        assert body["repo"] == "atlas" and {i["state"] for i in body["issues"]} == {state}
        assert f"({state})" in outcome.answer
    labelled = _mcp("list_issues", "List issues.", {"repo": S, "label": S, "calendar_id": S})
    (spec,) = synth.load_tools([labelled])
    args = {"repo": "atlas", "label": "regression", "calendar_id": "cal_1"}
    body = json.loads(UserTool(spec).result(random.Random(5), args, None)[0])
    assert all("regression" in issue["labels"] for issue in body["issues"]), body
    assert body["calendar_id"] == "cal_1"  # an argument the items lack stays at the top
    rng = random.Random(4)
    content, outcome = UserTool(weather).result(rng, {"city": "Lisbon"}, None)
    body = json.loads(content)
    assert body["city"] == "Lisbon" and -10 <= body["temperature_c"] <= 35
    assert f"{body['temperature_c']} °C in Lisbon" in outcome.answer
    content, outcome = UserTool(order).result(rng, {"order_id": "ord_42"}, None)
    body = json.loads(content)
    total = sum(i["quantity"] * i["unit_price"] for i in body["items"])
    assert body["id"] == "ord_42" and abs(body["total"] - total) < 0.01
    assert "ord_42" in outcome.answer and str(body["total"]) in outcome.answer
    args = {"amount": 100.0, "from": "USD", "to": "EUR"}
    body = json.loads(UserTool(convert).result(rng, args, None)[0])
    assert 0.85 < body["rate"] < 0.99 and abs(body["converted_amount"] - 100 * body["rate"]) < 0.01


def test_temperatures_follow_the_unit_asked_for() -> None:
    import random

    definition = _openai("get_weather", "Get the weather.", {"city": S, "unit": UNIT})
    (spec,) = synth.load_tools([definition])
    tool = UserTool(spec)
    rng = random.Random(1)
    body = json.loads(tool.result(rng, {"city": "Austin", "unit": "fahrenheit"}, None)[0])
    assert "temperature_c" not in body and 14 <= body["temperature_f"] <= 95, body
    body = json.loads(tool.result(rng, {"city": "Austin", "unit": "celsius"}, None)[0])
    assert "temperature_f" not in body and -10 <= body["temperature_c"] <= 35, body


def test_results_are_compiled_once_per_tool(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    import synth.schema

    tools = [UserTool(spec) for spec in synth.load_tools(DEFINITIONS)]

    def refuse(*_: Any, **__: Any) -> None:
        raise AssertionError("from_schema called while drawing a result")

    monkeypatch.setattr(synth.schema, "from_schema", refuse)
    rng = random.Random(2)
    for tool in tools:
        args, ctx = tool.call(rng)
        json.loads(tool.result(rng, args, ctx)[0])


_DIGEST = """
import hashlib, json, sys
import orjson, synth
tools = synth.load_tools(json.loads(sys.argv[1]))
h = hashlib.sha256()
for call, result in synth.stream(synth.tool_exchanges(tools), 400, seed=9):
    h.update(result.content.encode())
for r in synth.stream(synth.trace_records(tools=tools), 60, seed=9):
    h.update(orjson.dumps(r))
print(h.hexdigest())
"""


def test_results_are_the_same_bytes_in_every_process() -> None:
    digests = set()
    for hashseed in ("1", "7"):
        env = {**os.environ, "PYTHONHASHSEED": hashseed}
        out = subprocess.run(
            [sys.executable, "-c", _DIGEST, json.dumps(DEFINITIONS)],
            capture_output=True,
            text=True,
            env=env,
        )
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    h = hashlib.sha256()
    tools = synth.load_tools(DEFINITIONS)
    for _, result in synth.stream(synth.tool_exchanges(tools), 400, seed=9):
        h.update(result.content.encode())
    for r in synth.stream(synth.trace_records(tools=tools), 60, seed=9):
        h.update(orjson.dumps(r))
    digests.add(h.hexdigest())
    assert len(digests) == 1


@pytest.mark.parametrize("data_type", ["agent_trace", "conversation"])
def test_generated_records_with_user_tools_carry_real_results(data_type: str) -> None:
    gen = synth.DataGenerator()
    names = set(EXPECT)
    for export in (None, "openai"):
        constraints: dict[str, Any] = {"success_rate": 1.0}
        if export:
            constraints["export"] = export
        config = synth.GeneratorConfig(
            data_type=data_type, count=40, seed=3, tools=DEFINITIONS[:12], constraints=constraints
        )
        results = 0
        for record in gen.generate(config).samples:
            texts = _tool_texts(record)
            for name, content in texts:
                assert name is None or name in names
                body = json.loads(content)
                assert "input" not in body and "request_id" not in body, body
                results += 1
        assert results > 40, (data_type, export)


def _tool_texts(record: dict) -> list[tuple[str | None, str]]:
    """The tool results of a trace, a conversation or an OpenAI export record."""
    if "steps" in record:
        return [(s["tool"], s["content"]) for s in record["steps"] if s["type"] == "observation"]
    turns = record.get("messages") or record.get("turns") or []
    return [(None, t["content"]) for t in turns if t["role"] == "tool"]


def test_unknown_nouns_get_an_object_of_their_own() -> None:
    import random

    definitions = [
        _mcp("get_warehouse", "Get a warehouse.", {"warehouse_id": S}),
        _openai("list_widgets", "List the widgets of a dashboard.", {"dashboard_id": S}),
        _mcp("run_report", "Run a saved report.", {"report": S}),
    ]
    warehouse, widgets, report = (UserTool(s) for s in synth.load_tools(definitions))
    rng = random.Random(8)
    body = json.loads(warehouse.result(rng, {"warehouse_id": "warehouse_7"}, None)[0])
    assert body["id"] == "warehouse_7" and {"name", "status", "updated_at"} <= set(body)
    body = json.loads(widgets.result(rng, {"dashboard_id": "dash_1"}, None)[0])
    assert body["dashboard_id"] == "dash_1" and body["total_count"] >= len(body["widgets"]) >= 1
    assert all(w["id"].startswith("widget_") for w in body["widgets"])
    content, outcome = report.result(rng, {"report": "Weekly churn"}, None)
    body = json.loads(content)
    assert body["name"] == "Weekly churn" and body["id"].startswith("report_")
    assert "Weekly churn" in outcome.answer


def test_a_person_found_by_name_or_address_is_that_person() -> None:
    import random

    definition = _mcp("find_contact", "Find a contact.", {"name": S, "email": S}, [])
    tool = UserTool(synth.load_tools([definition])[0])
    rng = random.Random(6)
    for _ in range(20):
        body = json.loads(tool.result(rng, {"name": "Ana Lopez"}, None)[0])
        assert body["name"] == "Ana Lopez" and body["email"].startswith("ana.lopez@"), body
        body = json.loads(tool.result(rng, {"email": "sam.okafor@example.org"}, None)[0])
        assert body["name"] == "Sam Okafor" and body["email"] == "sam.okafor@example.org", body
        assert body["username"] == "sam.okafor", body


def test_a_tool_is_read_by_its_first_verb_and_its_description_from_the_start() -> None:
    import random

    definitions = [
        _mcp("list_open_issues", "List the open issues.", {"repo": S}),  # "open" is no change
        _mcp("lookup", "Look up a customer by email.", {"q": S}),  # not an email search
    ]
    issues, lookup = (UserTool(s) for s in synth.load_tools(definitions))
    assert issues.action is None and lookup.action is None
    rng = random.Random(1)
    body = json.loads(issues.result(rng, {"repo": "atlas"}, None)[0])
    assert body["repo"] == "atlas" and body["issues"] and body["total_count"] >= 1, body
    assert {issue["state"] for issue in body["issues"]} == {"open"}, body
    body = json.loads(lookup.result(rng, {"q": "x"}, None)[0])
    assert {"name", "email", "phone"} <= set(body), body


def test_any_read_tool_answers_with_json_and_words_never_the_request() -> None:
    # names and argument schemas in every combination: no kind, filter or computed value
    # may fail on an argument of an unexpected type (an "items" string once joined an
    # order's items and broke its total)
    import itertools
    import random

    verbs = ["get", "list", "search", "check", "calculate", "convert", "count", "validate", ""]
    nouns = [
        "weather",
        "orders",
        "by_id",
        "status",
        "price",
        "exchange_rate",
        "forecast",
        "flights",
        "availability",
        "customer",
        "air_quality",
        "invoice",
        "web",
        "gadgets",
    ]
    types = [
        S,
        {"type": "integer"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": S},
        {"type": ["string", "null"]},
        {"enum": ["a", "b"]},
        DAY,
        {"type": "null"},
    ]
    names = [
        "id",
        "order_id",
        "query",
        "limit",
        "city",
        "email",
        "name",
        "state",
        "from",
        "to",
        "amount",
        "unit",
        "start_date",
        "end_date",
        "label",
        "items",
        "origin",
        "days",
    ]
    pick = random.Random(0)
    definitions = [_mcp("list_orders", "", {"items": S, "label": {"type": "integer"}})]
    for verb, noun in itertools.product(verbs, nouns):
        props = {a: pick.choice(types) for a in pick.sample(names, pick.randint(0, 6))}
        definitions.append(_mcp(f"{verb}_{noun}" if verb else noun, "", props))
    for definition in definitions:
        tool = UserTool(synth.load_tools([definition])[0])
        rng = random.Random(1)
        for _ in range(4):
            args, ctx = tool.call(rng)
            content, outcome = tool.result(rng, args, ctx)
            body = json.loads(content)
            assert isinstance(body, dict) and "input" not in body and "request_id" not in body
            assert "none" not in outcome.answer.split() and "{" not in outcome.answer, (
                outcome.answer
            )


def test_a_string_argument_joins_only_lists_of_strings() -> None:
    import random

    definition = _mcp("list_orders", "", {"items": S, "labels": S})
    tool = UserTool(synth.load_tools([definition])[0])
    rng = random.Random(2)
    body = json.loads(tool.result(rng, {"items": "desk", "labels": "x"}, None)[0])
    for order in body["orders"]:
        assert all(isinstance(item, dict) for item in order["items"]), order
        total = sum(item["quantity"] * item["unit_price"] for item in order["items"])
        assert abs(order["total"] - total) < 0.01, order


def test_words_fill_their_template_or_fall_back_to_a_summary() -> None:
    from synth.agents._results import _render

    weather = "{conditions} and {temperature_c|deg} in {city}"
    assert _render(weather, {"conditions": "fog", "temperature_c": 4.5, "city": "Kyoto"}) == (
        "fog and 4.5 °C in Kyoto"
    )
    assert _render(weather, {"conditions": "fog", "temperature_f": 40.1, "city": "Kyoto"}) == (
        "fog and 40.1 °F in Kyoto"
    )
    assert _render("{days|count} from {days.0.date}", {"days": [{"date": "2026-01-01"}]}) == (
        "1 day from 2026-01-01"
    )
    # a field the result lacks: the result's own fields, not "none"
    assert _render("{city} is {missing}", {"city": "Kyoto", "aqi": 40}) == "city Kyoto, aqi 40"


def test_the_items_of_a_list_are_different_things() -> None:
    # five issues of one list carried the same title, three emails the same subject
    specs = [s for s in synth.load_tools(DEFINITIONS) if "items" in EXPECT[s.name]]
    lists = repeated = 0
    for call, result in synth.stream(synth.tool_exchanges(specs, error_rate=0.0), 600, seed=4):
        items = json.loads(result.content)[EXPECT[call.name]["items"]]
        label = next((f for f in ("title", "name", "subject", "message") if f in items[0]), None)
        if label is None or len(items) < 2:
            continue
        lists += 1
        repeated += len({i[label] for i in items}) < len(items)
    assert lists > 300 and repeated <= lists // 100, (repeated, lists)


def test_a_ticker_has_its_own_price_in_every_result() -> None:
    # Regression: a quote's price was drawn anew for each call (AAPL at 12 and at 480 in
    # one dataset); it is now the ticker's own level moved by the day's change.
    from collections import defaultdict

    tool = _openai("get_stock_price", "Get the latest price of a stock.", {"ticker": S})
    levels: dict[str, set[float]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for _call, result in synth.stream(synth.tool_exchanges(tool, error_rate=0.0), 400, seed=1):
        body = json.loads(result.content)
        level = body["price"] / (1 + body["change_percent"] / 100)
        levels[body["ticker"]].add(round(level, 0))
        counts[body["ticker"]] += 1
        assert 8 * 0.95 <= body["price"] <= 900 * 1.05, body
    assert sum(1 for n in counts.values() if n >= 3) > 10
    for ticker, seen in levels.items():
        assert max(seen) - min(seen) <= 1, (ticker, seen)
    assert len({min(seen) for seen in levels.values()}) > len(levels) // 2
