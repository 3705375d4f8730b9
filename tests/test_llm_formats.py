"""Formatters and parsers: tolerant of what models send, never of invalid values."""

from __future__ import annotations

import json

import attrs
import pytest

from synth import InvalidArgument, OutputInvalid
from synth.llm import (
    JsonFormatter,
    JsonParser,
    TextFormatter,
    TextParser,
    XmlFormatter,
    XmlParser,
    auto_formatter_for_type,
    auto_parser_for_type,
    extract_json,
)


@attrs.frozen
class Item:
    title: str
    price: int
    tags: list[str]
    note: str | None = None


GOOD = {"title": "Lamp", "price": 12, "tags": ["home"], "note": None}


def test_auto_selection_by_type_and_format():
    assert isinstance(auto_formatter_for_type(str), TextFormatter)
    assert isinstance(auto_formatter_for_type(Item), JsonFormatter)
    assert isinstance(auto_formatter_for_type(Item, "xml"), XmlFormatter)
    assert isinstance(auto_parser_for_type(str), TextParser)
    assert isinstance(auto_parser_for_type(Item), JsonParser)
    assert isinstance(auto_parser_for_type(list[Item]), JsonParser)
    assert isinstance(auto_parser_for_type(dict[str, int]), JsonParser)
    assert isinstance(auto_parser_for_type(Item, "xml"), XmlParser)
    with pytest.raises(InvalidArgument, match="format"):
        auto_parser_for_type(Item, "yaml")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="text"):
        auto_parser_for_type(Item, "text")


@pytest.mark.parametrize(
    "answer",
    [
        json.dumps(GOOD),
        "```json\n" + json.dumps(GOOD) + "\n```",
        "```\n" + json.dumps(GOOD, indent=2) + "\n```",
        "Sure! Here is the item:\n" + json.dumps(GOOD) + "\nLet me know if you need more.",
        '{"title": "Lamp", "price": 12, "tags": ["home",], "note": null,}',
        'Result: {"title": "Lamp, {not a brace}", "price": 12, "tags": ["home"], "note": null}',
    ],
)
def test_json_parser_tolerates_fences_prose_and_trailing_commas(answer):
    item = auto_parser_for_type(Item).parse(answer)
    assert item.price == 12 and item.tags == ["home"]


@pytest.mark.parametrize(
    "answer",
    [
        "no json at all",
        '{"title": "Lamp", "price": "12", "tags": [], "note": null}',
        '{"title": "Lamp", "price": 12, "tags": []}',
        '{"title": "Lamp", "price": 12, "tags": [], "note": null, "color": "red"}',
        '{"title": "Lamp", "price": 12, "tags": [',
        "[1, 2]",
    ],
)
def test_json_parser_never_accepts_invalid_values(answer):
    with pytest.raises(OutputInvalid) as err:
        auto_parser_for_type(Item).parse(answer)
    assert err.value.text == answer


def test_list_outputs_are_wrapped_in_an_object_and_unwrapped():
    parser = auto_parser_for_type(list[Item])
    assert parser.wire_schema["type"] == "object"
    assert parser.wire_schema["required"] == ["value"]
    fmt = parser.response_format(frozenset({"json_schema"}))
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    wrapped = json.dumps({"value": [GOOD, GOOD]})
    assert len(parser.parse(wrapped)) == 2
    assert parser.parse(json.dumps([GOOD])) == [Item("Lamp", 12, ["home"])]
    assert auto_parser_for_type(str, "json").parse('{"value": "hi"}') == "hi"


def test_response_format_and_instructions_follow_capabilities():
    parser = auto_parser_for_type(Item)
    assert parser.response_format(frozenset({"json_schema", "json_object"}))["type"] == (
        "json_schema"
    )
    assert parser.instructions(frozenset({"json_schema"})) is None
    assert parser.response_format(frozenset({"json_object"})) == {"type": "json_object"}
    assert parser.response_format(frozenset()) is None
    hint = parser.instructions(frozenset())
    assert "JSON" in hint and json.dumps(parser.wire_schema, separators=(",", ":")) in hint


def test_text_parser_strips_and_refuses_empty():
    assert TextParser().parse("  hello \n") == "hello"
    with pytest.raises(OutputInvalid):
        TextParser().parse("  \n")


def test_xml_round_trip_and_xml_inside_prose():
    item = Item("Lamp & co", 12, ["home", "light"], None)
    text = XmlFormatter().format(item)
    assert text.startswith("<Item><title>Lamp &amp; co</title>")
    parser = XmlParser(Item)
    assert parser.parse(text) == item
    assert parser.parse("Here it is:\n```xml\n" + text + "\n```\nanything else?") == item
    assert "<Item>" in parser.instructions(frozenset())


@pytest.mark.parametrize(
    "answer",
    [
        "<Item><title>Lamp</title>",  # no closing root
        "<Item><title>Lamp</titl></Item>",  # malformed
        "<Item><title>Lamp</title><price>twelve</price><tags/></Item>",  # invalid value
        "<Item><title>Lamp</title><tags/></Item>",  # missing price
        "no xml",
    ],
)
def test_xml_failures_are_the_same_exception_family(answer):
    with pytest.raises(OutputInvalid):
        XmlParser(Item).parse(answer)


def test_formatters():
    item = Item("Lamp", 3, [])
    assert JsonFormatter().format(item) == ('{"title":"Lamp","price":3,"tags":[],"note":null}')
    assert JsonFormatter(indent=2).format(item).startswith('{\n  "title": "Lamp"')
    assert TextFormatter().format("hi") == "hi"


def test_extract_json_reports_the_problem():
    with pytest.raises(OutputInvalid, match="not valid JSON"):
        extract_json("{'single': 'quotes'}")
    assert extract_json("text [1, 2,] more") == [1, 2]
