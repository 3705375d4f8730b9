"""The reference time moves the dates inside tool calls and results, not only the traces'
timestamps: history (hires, orders, log lines, emails received, SQL windows) falls in the
year before the reference date, bookings in the weeks after it."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from typing import Any

import pytest

import synth
from tests.cli_helpers import synth_cli

ISO_DAY = re.compile(r"(?<![\d-])((?:19|20)\d\d)-(\d\d)-(\d\d)(?![\d-])")
REFERENCES = [
    dt.datetime(2022, 6, 1, tzinfo=dt.UTC),
    dt.datetime(2031, 3, 15, 9, 30, tzinfo=dt.UTC),
]

S = {"type": "string"}
DAY = {"type": "string", "format": "date"}


def _tool(name: str, description: str, props: dict[str, Any]) -> dict[str, Any]:
    params = {"type": "object", "properties": props, "required": list(props)}
    return {"name": name, "description": description, "inputSchema": params}


#: User tools whose results are history (emails received, log lines, prices "as of") and
#: one whose arguments book a day ahead.
HISTORY_TOOLS = [
    _tool("search_emails", "Search the inbox.", {"query": S}),
    _tool("search_logs", "Search application logs.", {"query": S}),
    _tool("get_stock_price", "Get the latest price of a stock.", {"ticker": S}),
]
BOOKING_TOOL = _tool("book_table", "Book a table at a restaurant.", {"restaurant": S, "date": DAY})
FORECAST_TOOL = _tool(
    "get_forecast",
    "Get a multi-day weather forecast.",
    {"location": S, "days": {"type": "integer", "minimum": 3, "maximum": 7}},
)


def _days(text: str) -> list[dt.date]:
    """Every ISO date in ``text``."""
    return [dt.date(int(y), int(m), int(d)) for y, m, d in ISO_DAY.findall(text)]


def _exchanges(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    """``(tool, arguments JSON, observation text)`` of a trace record's calls."""
    calls = {
        s["tool_call_id"]: (s["tool"], json.dumps(s["arguments"]))
        for s in record["steps"]
        if s["type"] == "tool_call"
    }
    return [
        (*calls[s["tool_call_id"]], s["content"])
        for s in record["steps"]
        if s["type"] == "observation" and s.get("tool_call_id") in calls
    ]


@pytest.mark.parametrize("start", REFERENCES, ids=lambda t: t.date().isoformat())
def test_builtin_history_is_the_year_before_the_reference_date(start: dt.datetime) -> None:
    """Built-in tools: every date in arguments and results is within the 365 days before
    the reference date; SQL windows end at the reference date at the latest."""
    day = start.date()
    first = day - dt.timedelta(days=365)
    seen = 0
    for record in synth.stream(synth.trace_records(start=start), 400, seed=11):
        for tool, arguments, content in _exchanges(record):
            for found in _days(arguments) + _days(content):
                seen += 1
                assert first <= found <= day, (tool, found, arguments, content[:200])
            params = json.loads(arguments).get("params") or []
            if ">= ? AND" in arguments and len(params) == 2:  # (one: a bad call)
                lo, hi = (dt.date.fromisoformat(p) for p in params[:2])
                assert first <= lo < hi <= day
            for year in re.findall(r"INV-(\d{4})-", arguments):
                assert int(year) == day.year - 1
    assert seen > 300  # the checks above ran on many dates


@pytest.mark.parametrize("start", REFERENCES, ids=lambda t: t.date().isoformat())
def test_tasks_name_no_date_after_the_traces_start(start: dt.datetime) -> None:
    """A task asks about the past ("the orders from 2022-03-02 to 2022-03-16"), never
    about days after the trace itself (built-in tools book nothing ahead)."""
    named = 0
    for record in synth.stream(synth.trace_records(start=start), 600, seed=3):
        for found in _days(record["task"]):
            named += 1
            assert found <= start.date(), record["task"]
            assert found >= start.date() - dt.timedelta(days=365), record["task"]
    assert named > 10


@pytest.mark.parametrize("start", REFERENCES, ids=lambda t: t.date().isoformat())
def test_user_tool_results_are_history_before_the_reference(start: dt.datetime) -> None:
    """Emails received, log lines and quotes of user tools are timestamped in the 400 days
    before the reference moment."""
    day = start.date()
    seen = 0
    gen = synth.trace_records(tools=HISTORY_TOOLS, start=start, success_rate=1.0)
    for record in synth.stream(gen, 150, seed=7):
        for tool, _, content in _exchanges(record):
            for found in _days(content):
                seen += 1
                assert day - dt.timedelta(days=402) <= found <= day, (tool, found, content)
    assert seen > 100


@pytest.mark.parametrize("start", REFERENCES, ids=lambda t: t.date().isoformat())
def test_user_tool_bookings_and_forecasts_are_ahead(start: dt.datetime) -> None:
    """A booking's date is in the 90 days after the reference date; a forecast's days
    start on the reference date."""
    day = start.date()
    bookings = forecasts = 0
    gen = synth.trace_records(tools=[BOOKING_TOOL, FORECAST_TOOL], start=start, success_rate=1.0)
    for record in synth.stream(gen, 150, seed=5):
        for tool, arguments, content in _exchanges(record):
            if tool == "book_table":
                booked = dt.date.fromisoformat(json.loads(arguments)["date"])
                bookings += 1
                assert day < booked <= day + dt.timedelta(days=90)
            elif tool == "get_forecast" and "error" not in json.loads(content):
                days = json.loads(content)["days"]
                forecasts += 1
                assert days[0]["date"] == day.isoformat()
    assert bookings > 20 and forecasts > 20


def _years(records: list[dict[str, Any]]) -> set[int]:
    return {
        found.year
        for record in records
        for _, arguments, content in _exchanges(record)
        for found in _days(arguments + content)
    }


def test_two_reference_times_in_one_process_do_not_interfere() -> None:
    """Generators with different reference times, compiled side by side and drawn
    interleaved (and from two threads), give each its own dates: the records they would
    give alone."""
    early, late = REFERENCES
    tools = ["search", "email", "database", "file_operations", BOOKING_TOOL, *HISTORY_TOOLS]
    alone_early = list(synth.stream(synth.trace_records(tools=tools, start=early), 60, seed=1))
    alone_late = list(synth.stream(synth.trace_records(tools=tools, start=late), 60, seed=1))
    assert _years(alone_early) <= {2021, 2022} and _years(alone_late) <= {2030, 2031}
    assert len(_years(alone_early)) == 2 and len(_years(alone_late)) == 2

    a = synth.trace_records(tools=tools, start=early)
    b = synth.trace_records(tools=tools, start=late)
    it_a, it_b = iter(synth.stream(a, 60, seed=1)), iter(synth.stream(b, 60, seed=1))
    mixed_a, mixed_b = [], []
    for _ in range(60):
        mixed_a.append(next(it_a))
        mixed_b.append(next(it_b))
    assert mixed_a == alone_early and mixed_b == alone_late

    out: dict[str, list[dict[str, Any]]] = {}

    def run(key: str, start: dt.datetime) -> None:
        out[key] = list(synth.stream(synth.trace_records(tools=tools, start=start), 60, seed=1))

    threads = [threading.Thread(target=run, args=(k, t)) for k, t in (("a", early), ("b", late))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out["a"] == alone_early and out["b"] == alone_late


def test_seed_api_reference_time_moves_task_dates() -> None:
    """``reference_time`` of the seed API: the SQL windows the tasks ask about end by it."""
    config = synth.GeneratorConfig(
        data_type="agent_trace",
        count=300,
        seed=2,
        constraints={"reference_time": "2022-06-01T00:00:00Z"},
    )
    samples = synth.DataGenerator().generate(config).samples
    named = [d for s in samples for d in _days(s["task"])]
    assert named and all(dt.date(2021, 6, 1) <= d <= dt.date(2022, 6, 1) for d in named)


def test_cli_reference_time_gives_dates_of_2021_and_2022() -> None:
    proc = synth_cli(
        "generate",
        "--type",
        "agent_trace",
        "--count",
        "60",
        "--seed",
        "4",
        "--constraint",
        "reference_time=2022-06-01T00:00:00Z",
    )
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 60
    assert _years(records) == {2021, 2022}
    for record in records:
        assert all(found <= dt.date(2022, 6, 1) for found in _days(record["task"]))


def test_date_tables_are_built_once_per_reference_date() -> None:
    """The year's table of dates and the built-in behaviours are made once per reference
    date and shared; another date gets its own."""
    from synth.agents._builtin import dates_for
    from synth.agents.tools import BUILTIN_TOOLS, behaviour_for

    early, late = (t.date() for t in REFERENCES)
    assert dates_for(early) is dates_for(dt.date(2022, 6, 1))
    assert dates_for(early).days[0] == "2021-06-01" and dates_for(early).days[-1] == "2022-05-31"
    assert dates_for(late).days[-1] == "2031-03-14"
    spec = BUILTIN_TOOLS["database"]
    assert behaviour_for(spec, "en_US", early) is behaviour_for(spec, "en_US", early)
    assert behaviour_for(spec, "en_US", early) is not behaviour_for(spec, "en_US", late)
