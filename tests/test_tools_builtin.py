"""Built-in tools: exact schemas, valid and realistic arguments, answers that fit the call."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter

import jsonschema
import pytest

import synth
from synth.agents._draw import load_data
from synth.agents.models import ToolCall

N = 600
EMAIL = re.compile(r"^[a-z0-9._]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
CALL_ID = re.compile(r"^call_[A-Za-z0-9]{24}$")

SEED_SCHEMAS = {
    "search": (
        "web_search",
        {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "The search query."},
                "num_results": {
                    "type": "integer",
                    "description": "Number of results to return.",
                    "default": 5,
                },
                "safe_search": {"type": "boolean", "default": True},
            },
            "required": ["query"],
        },
    ),
    "email": (
        "send_email",
        {
            "type": "object",
            "properties": {
                "to": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Recipient email addresses.",
                },
                "subject": {"type": "string"},
                "body": {"type": "string"},
                "cc": {"type": "array", "items": {"type": "string"}, "default": []},
            },
            "required": ["to", "subject", "body"],
        },
    ),
    "database": (
        "execute_query",
        {
            "type": "object",
            "properties": {
                "query": {"type": "string", "description": "Parameterised SQL query."},
                "params": {
                    "type": "array",
                    "items": {},
                    "description": "Positional parameters for the query.",
                    "default": [],
                },
                "database": {"type": "string", "description": "Target database name."},
            },
            "required": ["query"],
        },
    ),
    "file_operations": (
        "file_operation",
        {
            "type": "object",
            "properties": {
                "operation": {"type": "string", "enum": ["read", "write", "list", "delete"]},
                "path": {"type": "string", "description": "Absolute file path."},
                "content": {
                    "type": "string",
                    "description": "Content to write (write operation only).",
                },
                "encoding": {"type": "string", "default": "utf-8"},
            },
            "required": ["operation", "path"],
        },
    ),
}


def _calls(key: str, n: int = N, seed: int = 11) -> list[ToolCall]:
    return list(synth.stream(synth.tool_calls(key), n, seed=seed))


def _sqlite_with_tables() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    for name, table in load_data("database.json")["tables"].items():
        cols = ", ".join(table["columns"])
        db.execute(f"CREATE TABLE {name} ({cols})")
    return db


def test_builtin_tools_have_the_seed_names_and_exact_schemas() -> None:
    assert list(synth.BUILTIN_TOOLS) == list(SEED_SCHEMAS)
    for key, (name, params) in SEED_SCHEMAS.items():
        spec = synth.BUILTIN_TOOLS[key]
        assert spec.name == name
        assert spec.parameters == params
        assert spec.description
    with pytest.raises(TypeError):
        synth.BUILTIN_TOOLS["other"] = synth.BUILTIN_TOOLS["search"]  # type: ignore[index]


@pytest.mark.parametrize("key", list(SEED_SCHEMAS))
def test_builtin_arguments_always_validate(key: str) -> None:
    name, params = SEED_SCHEMAS[key]
    validator = jsonschema.Draft202012Validator(params, format_checker=jsonschema.FormatChecker())
    calls = _calls(key)
    for call in calls:
        assert call.name == name
        assert CALL_ID.match(call.id), call.id
        errors = list(validator.iter_errors(call.arguments))
        assert not errors, (call.arguments, errors[0].message)
    assert len({c.id for c in calls}) == len(calls)


def test_search_arguments_look_real() -> None:
    calls = _calls("search")
    nums = [c.arguments["num_results"] for c in calls if "num_results" in c.arguments]
    assert nums and all(1 <= n <= 10 for n in nums)
    assert Counter(nums).most_common(1)[0][0] == 5
    queries = [c.arguments["query"] for c in calls]
    assert len(set(queries)) > N // 3
    for q in queries:
        assert 2 <= len(q.split()) <= 12 and q == q.strip()


def test_email_arguments_are_addresses_and_emails() -> None:
    for call in _calls("email"):
        args = call.arguments
        assert 1 <= len(args["to"]) <= 3
        everyone = args["to"] + args.get("cc", [])
        assert all(EMAIL.match(a) for a in everyone), everyone
        assert len(set(everyone)) == len(everyone)
        assert "{" not in args["subject"] + args["body"]
        greeting = args["body"].split("\n", 1)[0]
        assert greeting.split()[0] in {"Hi", "Hello", "Dear", "Good"}


def test_sql_is_parseable_and_parameters_match_placeholders() -> None:
    db = _sqlite_with_tables()
    kinds = Counter()
    for call in _calls("database", n=800):
        sql = call.arguments["query"]
        params = call.arguments.get("params", [])
        assert sql.count("?") == len(params), call.arguments
        db.execute("EXPLAIN " + sql, params)  # raises on a syntax error or unknown column
        kinds[sql.split()[0]] += 1
    assert set(kinds) == {"SELECT", "UPDATE", "INSERT", "DELETE"}
    assert kinds["SELECT"] > sum(kinds.values()) / 2


def test_file_paths_fit_the_operation() -> None:
    ops = Counter()
    for call in _calls("file_operations"):
        args = call.arguments
        op, path = args["operation"], args["path"]
        ops[op] += 1
        assert path.startswith("/") and "//" not in path and " " not in path
        leaf = path.rsplit("/", 1)[1]
        if op in ("read", "write"):
            assert re.search(r"\.[a-z]{2,4}$", leaf), path
        if op == "list":
            assert "." not in leaf, path
        assert ("content" in args) == (op == "write")
        if "encoding" in args:
            "x".encode(args["encoding"])  # a real codec
    assert set(ops) == {"read", "write", "list", "delete"}


def test_tool_call_record_is_the_openai_shape() -> None:
    call = _calls("email", n=1)[0]
    rec = synth.tool_call_record(call)
    assert list(rec) == ["id", "type", "function"]
    assert rec["type"] == "function" and rec["id"] == call.id
    assert rec["function"]["name"] == "send_email"
    assert json.loads(rec["function"]["arguments"]) == call.arguments


def test_tool_call_records_equal_the_records_of_tool_calls() -> None:
    tools = list(synth.BUILTIN_TOOLS)
    calls = synth.stream(synth.tool_calls(tools), 300, seed=4)
    records = list(synth.stream(synth.tool_call_records(tools), 300, seed=4))
    assert [synth.tool_call_record(c) for c in calls] == records
    assert repr(synth.tool_call_records("search")) == "tool_call_records('search')"


def test_exchanges_answer_the_call() -> None:
    db = _sqlite_with_tables()
    gen = synth.tool_exchanges(list(synth.BUILTIN_TOOLS))
    searches = full = 0
    for call, result in synth.stream(gen, 800, seed=5):
        assert result.tool_call_id == call.id and result.name == call.name
        assert not result.is_error
        body = json.loads(result.content)
        args = call.arguments
        if call.name == "web_search":
            # num_results is the most results; fewer only when a query's kind of page
            # has fewer titles (a weather query finds five forecasts at most)
            assert 1 <= len(body["results"]) <= args.get("num_results", 5)
            searches += 1
            full += len(body["results"]) == args.get("num_results", 5)
            assert body["query"] == args["query"]
            urls = [r["url"] for r in body["results"]]
            assert len(set(urls)) == len(urls), urls  # a page is listed once
            for r in body["results"]:
                assert r["url"].startswith("https://") and r["title"] and r["snippet"]
        elif call.name == "send_email":
            assert body["status"] == "sent"
            assert body["to"] == args["to"] and body["cc"] == args.get("cc", [])
        elif call.name == "execute_query":
            sql = args["query"]
            if sql.startswith("SELECT"):
                cursor = db.execute(sql, args.get("params", []))
                columns = [d[0] for d in cursor.description]
                assert body["columns"] == columns, (sql, body["columns"])
                assert all(len(row) == len(columns) for row in body["rows"])
                assert body["row_count"] == len(body["rows"])
                limit = re.search(r"LIMIT (\d+)", sql)
                if limit:
                    assert len(body["rows"]) <= int(limit.group(1))
                if " = ?" in sql and "SUM(" not in sql:
                    col = re.search(r"(\w+) = \?", sql).group(1)
                    if col in columns:
                        i = columns.index(col)
                        assert all(row[i] == args["params"][0] for row in body["rows"])
            else:
                assert body["rows_affected"] >= 0
        else:
            assert body["path"] == args["path"]
            if args["operation"] == "read":
                assert body["size_bytes"] > 0 and body["content"]
            elif args["operation"] == "list":
                assert body["entries"]
    assert full >= 0.9 * searches > 100


def test_search_results_fit_the_kind_of_query() -> None:
    # Regression: "weather in Toronto this weekend" found travel guides, and "coworking
    # spaces in Kyoto" a page titled "Kyoto: getting around" on weather.com. A query of a
    # kind with its own titles and sites finds only pages of that kind.
    kinds = {}
    for category in load_data("search.json")["categories"].values():
        for q in category["queries"]:
            if isinstance(q, dict) and "titles" in q:
                kinds[q["query"]] = q
    assert len(kinds) >= 6
    checked = 0
    for _, result in synth.stream(synth.tool_exchanges(["search"]), 1500, seed=9):
        body = json.loads(result.content)
        for pattern, kind in kinds.items():
            head, _, tail = pattern.partition("{topic}")
            query = body["query"]
            if not (query.startswith(head) and query.endswith(tail)):
                continue
            topic = query[len(head) : len(query) - len(tail)]
            fill = {"topic": topic, "Topic": topic[:1].upper() + topic[1:]}
            titles = {t.format(**fill) for t in kind["titles"]}
            assert {r["title"] for r in body["results"]} <= titles, (query, body["results"])
            checked += 1
    assert checked > 30


def test_exchange_errors_are_labelled_and_well_formed() -> None:
    gen = synth.tool_exchanges(list(synth.BUILTIN_TOOLS), error_rate=0.5)
    results = [r for _, r in synth.stream(gen, 1000, seed=9)]
    errors = [r for r in results if r.is_error]
    assert 400 < len(errors) < 600
    for r in errors:
        err = json.loads(r.content)["error"]
        assert err["type"] and err["message"]


def test_bad_arguments() -> None:
    with pytest.raises(synth.InvalidArgument, match="did you mean 'email'"):
        synth.tool_calls("emial")
    with pytest.raises(synth.InvalidArgument, match="error_rate"):
        synth.tool_exchanges("search", error_rate=2)
    with pytest.raises(synth.InvalidArgument, match="twice"):
        synth.tool_calls(["search", "web_search"])


def test_reprs_are_the_calls() -> None:
    assert repr(synth.tool_calls("search")) == "tool_calls('search')"
    assert repr(synth.tool_calls(["search", "email"])) == "tool_calls(['search', 'email'])"
    assert (
        repr(synth.tool_exchanges("database", error_rate=0.2))
        == "tool_exchanges('database', error_rate=0.2)"
    )
    assert repr(synth.tool_exchanges("database")) == "tool_exchanges('database')"


def test_sums_have_the_size_of_their_column() -> None:
    # Regression: SUM(salary) of a department was drawn like any total, below 50,000
    # (less than one salary). A sum is now some rows times a typical value of its column.
    seen = {"salary": 0, "money": 0}
    gen = synth.tool_exchanges(["database"])
    for call, result in synth.stream(gen, 3000, seed=21):
        sql = call.arguments["query"]
        if not sql.startswith("SELECT SUM("):
            continue
        total = json.loads(result.content)["rows"][0][0]
        if "SUM(salary)" in sql:
            seen["salary"] += 1
            assert 80_000 <= total <= 151 * 180_000, (sql, total)
        else:
            seen["money"] += 1
            assert 10 <= total <= 151 * 2005, (sql, total)
    assert seen["salary"] > 5 and seen["money"] > 20, seen


def test_search_result_titles_name_no_site_other_than_their_url():
    # A generic title "<Topic> - Wikipedia" was given URLs on amazon.com, reuters.com, ...
    sites = {"Wikipedia": "wikipedia.org", "Reddit": "reddit.com", "YouTube": "youtube.com"}
    seen = 0
    for _, result in synth.stream(synth.tool_exchanges("search"), 2000, seed=3):
        if result.is_error:
            continue
        for item in json.loads(result.content)["results"]:
            seen += 1
            for name, host in sites.items():
                if name in item["title"]:
                    assert host in item["url"], item
    assert seen > 5000


def test_database_dates_are_never_after_the_reference_date():
    # A window drawn late in the year ran past it: "find the employees from 2025-12-19 to
    # 2026-01-18" returned people hired on 2026-01-13, after a trace that starts 2026-01-01.
    from synth.agents._builtin import REFERENCE_DATE

    limit = REFERENCE_DATE.isoformat()
    windows = 0
    for call, result in synth.stream(synth.tool_exchanges("database"), 5000, seed=4):
        text = json.dumps(call.arguments) + result.content
        dates = re.findall(r"\b20\d\d-\d\d-\d\d\b", text)
        assert all(d <= limit for d in dates), (call.arguments, result.content)
        windows += " < ?" in call.arguments["query"]
    assert windows > 100
