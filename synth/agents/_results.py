"""What a user tool without an ``outputSchema`` returns when it reads something.

``get_weather(city="Lisbon")`` answers with the weather in Lisbon, ``list_issues(repo=...,
state="open")`` with open issues and their count, ``convert_currency(amount, from, to)``
with the converted amount and its rate. The shapes are data (``data/results.json``): for
each kind of thing a tool may read (weather, a stock quote, orders, people, issues,
flights, documents, ...) the JSON Schema of one result object, the argument names that
fill its properties, values worked out from others and how to say it in words. A tool is
matched to a kind once, by the verb and nouns of its name (then of its description);
calculations and unknown nouns get a shape built for them (the computed value with its
inputs; an object with an id, a name, a status and timestamps).

Each kind's schema is compiled once per tool with ``synth.from_schema`` and refined by
:func:`synth.agents._arguments._refiner`; a result is then drawn from the rng alone: the
object(s), timestamps before the reference date, the call's identifying and filtering
values copied in, computed values, and a sentence that says what was found.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import zlib
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from synth.agents._arguments import _ID_NAME, _LIMIT_NAME, _QUERY_NAME, _refiner
from synth.agents._behaviour import Outcome, dumps
from synth.agents._builtin import REFERENCE_DATE
from synth.agents._draw import below, cap, load_data
from synth.agents.models import ToolSpec
from synth.schema.realistic import normalise_name, realistic_range, singular

__all__ = ["ReadResult"]

Verb = Callable[[str], "str | None"]

#: The moment results are "now" (timestamps fall before it): synth's reference date.
_NOW = dt.datetime.combine(REFERENCE_DATE, dt.time(), dt.UTC)
#: Timestamp properties that say when the answer was made: minutes or hours before now.
_CURRENT = frozenset({"as_of", "observed_at", "checked_at", "local_time", "timestamp"})
_PAST = re.compile(r"^(\w+_at|as_of|timestamp|local_time)$")
#: What a timestamp of a result holds until the finisher sets it.
_PLACEHOLDER = "2026-01-01T00:00:00Z"
_FIELD = re.compile(r"\{([A-Za-z0-9_.]+)(?:\|(\w+))?\}")
_DECIMALS = {"latitude": 4, "longitude": 4, "rate": 4}


class _Kind:
    """One entry of ``results.json`` (or one built for a calculation or an unknown noun)."""

    __slots__ = (
        "compute",
        "computed",
        "distinct",
        "echo",
        "finish",
        "inputs",
        "key",
        "match",
        "noun",
        "plural",
        "say",
        "schema",
        "shape",
        "sized",
    )

    def __init__(self, entry: dict[str, Any], vocabularies: dict[str, list[Any]]) -> None:
        self.schema: dict[str, Any] = _closed(entry["schema"], vocabularies)
        self.finish = _finisher(entry["schema"])
        self.noun: str = entry.get("nouns", ["item"])[0]
        self.shape: str = entry.get("shape", "either")
        self.plural: str = entry.get("plural") or _plural(normalise_name(self.noun))
        self.key: str | None = entry.get("key")
        self.distinct: str | None = entry.get("distinct") or self.key
        self.echo: dict[str, str] = {
            normalise_name(arg): prop
            for prop, args in entry.get("echo", {}).items()
            for arg in args
        }
        self.match: dict[str, list[str]] = entry.get("match", {})
        self.compute: list[dict[str, Any]] = entry.get("compute", [])
        self.computed: bool = bool(entry.get("computed"))
        self.inputs: bool = bool(entry.get("inputs"))
        self.say: str = entry["say"]
        #: list property -> (argument names that size it, most rows)
        self.sized: dict[str, tuple[frozenset[str], int]] = {
            prop: (frozenset(normalise_name(a) for a in rule["args"]), int(rule["max"]))
            for prop, rule in entry.get("sized", {}).items()
        }


class _Table:
    """``results.json`` parsed: kinds by noun and by verb, and the word lists."""

    def __init__(self) -> None:
        data = load_data("results.json")
        arguments = load_data("arguments.json")
        vocabularies = {
            **{k: v for k, v in arguments.items() if isinstance(v, list)},
            "projects": load_data("workplace.json")["projects"],
            **data["vocabularies"],
            "cities": list(data["places"]),
        }
        self.vocabularies = vocabularies
        self.entries: list[dict[str, Any]] = data["kinds"]
        self.by_noun: dict[str, int] = {}
        self.by_verb: dict[str, int] = {}
        for i, entry in enumerate(self.entries):
            for noun in entry["nouns"]:
                self.by_noun.setdefault(noun, i)
            for verb in entry.get("verbs", ()):
                self.by_verb.setdefault(verb, i)
        self.rates: dict[str, float] = data["rates_per_usd"]
        self.offsets: dict[str, str] = data["utc_offsets"]
        self.summer_time = frozenset(data["summer_time"])
        self.places: dict[str, list[Any]] = data["places"]
        self.phrases: dict[str, list[str]] = data["phrases"]
        self.calculation: dict[str, Any] = data["calculation"]
        self.generic: dict[str, Any] = data["generic"]
        self.list_verbs = frozenset(data["list_verbs"])
        self.control = frozenset(data["control_arguments"])
        self.weak = frozenset(data["weak_nouns"])
        self.not_plural = frozenset(data["not_plural"])
        self.qualifiers = frozenset(data["qualifiers"])

    def kind(self, i: int) -> _Kind:
        return _Kind(self.entries[i], self.vocabularies)


@cache
def _table() -> _Table:
    return _Table()


def _plural(word: str) -> str:
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def _closed(schema: Any, vocabularies: dict[str, list[Any]]) -> Any:
    """A copy of a ``results.json`` schema ready for ``from_schema``: ``x-vocab`` replaced
    by an ``enum`` of the vocabulary, every property required and no others allowed."""
    if not isinstance(schema, dict):
        return schema
    out = {k: _closed(v, vocabularies) for k, v in schema.items() if not k.startswith("x-")}
    if "properties" in schema:
        out["properties"] = {k: _closed(v, vocabularies) for k, v in schema["properties"].items()}
        out["required"] = list(schema["properties"])
        out["additionalProperties"] = False
    if out.get("format") == "date-time" and "properties" not in schema:
        out = {"const": _PLACEHOLDER}  # the finisher writes these: no point drawing them
    if "x-vocab" in schema:
        values = [str(v) for v in vocabularies[schema["x-vocab"]]]
        if schema.get("x-cap"):
            values = [cap(v) for v in values]
        prefix = schema.get("x-prefix", "")
        out = {"enum": list(dict.fromkeys(prefix + v for v in values))}
    return out


def _words(text: str) -> list[str]:
    return [w for w in normalise_name(text).split("_") if w]


def _find_noun(
    table: _Table, words: Sequence[str], weak_too: bool, from_left: bool = False
) -> tuple[int, str] | None:
    """The kind named by ``words`` and the word that named it, two-word names first. A
    tool's name is read from its last word (the head of "order_status", "stock_price"), a
    description from its first ("Look up a customer by email")."""
    positions = range(len(words)) if from_left else range(len(words) - 1, -1, -1)
    for j in positions:
        word = words[j]
        if word in table.weak and not weak_too:
            continue
        pairs = [f"{words[j - 1]} {word}"] if j else []
        for phrase in (*pairs, word, singular(word)):
            i = table.by_noun.get(phrase)
            if i is not None:
                return i, word
            last = phrase.rsplit(" ", 1)
            if len(last) == 2 and table.by_noun.get(f"{last[0]} {singular(last[1])}") is not None:
                return table.by_noun[f"{last[0]} {singular(last[1])}"], word
    return None


def _choose(spec: ToolSpec, base_verb: Verb) -> tuple[_Kind, bool, list[str]]:
    """The kind of result ``spec`` returns, whether it is a list, and the tool's nouns."""
    table = _table()
    words = _words(spec.name)
    verb, nouns = None, words
    for i, word in enumerate(words):
        verb = base_verb(word)
        if verb is not None:
            # the words after the verb name the thing; with none, the words before it
            # do (wikipedia_search), as a namespace can (github_get_file)
            after = words[i + 1 :]
            nouns = words[:i] if i and all(w in table.weak for w in after) else after
            break
    # get_customer_by_email reads a customer: what follows "by" only qualifies it
    cut = next((i for i, w in enumerate(nouns) if w in table.qualifiers and i), None)
    nouns = nouns[:cut] if cut is not None else nouns
    described = _words(spec.description.split(". ")[0])
    if verb is not None and verb in table.by_verb:
        return table.kind(table.by_verb[verb]), False, nouns
    found = _find_noun(table, nouns, False) or _find_noun(table, nouns, True)
    if verb is not None and verb in table.calculation["verbs"]:
        if found is None or not table.entries[found[0]].get("computed"):
            return _calculation(verb, nouns), False, nouns
    if found is None:
        found = _find_noun(table, described, False, from_left=True)
    if found is None:
        return _generic(table, nouns), _lists(table, verb, nouns[-1] if nouns else ""), nouns
    kind = table.kind(found[0])
    listing = kind.shape == "list" or (kind.shape == "either" and _lists(table, verb, found[1]))
    return kind, listing, nouns


def _lists(table: _Table, verb: str | None, word: str) -> bool:
    """Whether a tool answers with a list: it lists or searches, or names a plural."""
    if verb in table.list_verbs and verb != "find":
        return True
    return bool(word) and singular(word) != word and word not in table.not_plural


def _calculation(verb: str, nouns: Sequence[str]) -> _Kind:
    """The result of ``calculate_shipping_cost`` and the like: the computed value (named
    after the tool's nouns, in the usual range of that quantity) with the call's inputs."""
    table = _table()
    strong = [w for w in nouns if w not in table.weak] or ["result"]
    label = "_".join(strong[-3:]) + ("_count" if verb == "count" else "")
    known = realistic_range(label) or realistic_range(strong[-1])
    lo, hi, decimals = known if known is not None else (1, 1000, 2)
    value: dict[str, Any] = (
        {"type": "integer", "minimum": lo, "maximum": hi}
        if decimals == 0
        else {"type": "number", "minimum": lo, "maximum": hi}
    )
    props: dict[str, Any] = {label: value}
    money = re.search(r"(cost|price|fee|tax|total|amount|tip|payment|salary|budget)$", label)
    if money:
        props["currency"] = {"const": "USD"}
    entry = {
        "nouns": [label.replace("_", " ")],
        "shape": "single",
        "inputs": True,
        "schema": {"type": "object", "properties": props},
        "say": table.calculation["say"]
        .replace("{label}", label.replace("_", " "))
        .replace("{value}", "{" + label + "}")
        + (" {currency}" if money else ""),
    }
    return _Kind(entry, {})


def _generic(table: _Table, nouns: Sequence[str]) -> _Kind:
    """A plausible object of a noun ``results.json`` does not know: an id made from the
    noun, a name, a status and when it was created and last updated."""
    strong = [w for w in nouns if w not in table.weak]
    last = strong[-1] if strong else "item"
    noun = last if last in table.not_plural else singular(last)
    stem = re.sub(r"[^a-z0-9]", "", noun)[:10] or "item"
    entry = {
        "nouns": [" ".join(strong) or noun],
        "shape": "either",
        "plural": _plural(stem),
        "key": "id",
        "echo": {"name": ["name", "title", noun, f"{noun}_name"], "status": ["status", "state"]},
        "schema": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "pattern": f"^{stem}_[A-Za-z0-9]{{10}}$"},
                "name": {"type": "string", "x-vocab": "names"},
                "status": {"enum": table.generic["statuses"]},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        },
        "say": table.generic["say"].replace("{noun}", " ".join(strong) or noun),
    }
    return _Kind(entry, table.vocabularies)


# -- words -------------------------------------------------------------------------------


def _lookup(value: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _text(value: Any, flag: str | None, name: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if flag == "count" and name:
            noun = name.rsplit(".", 1)[-1].replace("_", " ")
            return f"{len(value)} {singular(noun) if len(value) == 1 else noun}"
        return str(len(value))
    if value is None:
        return "none"
    text = str(value)
    if flag == "time" and len(text) >= 16:
        return text[11:16]
    if flag == "date":
        return text[:10]
    if flag == "short":
        return text[:7]
    if flag == "signed" and isinstance(value, (int, float)):
        return f"{value:+}"
    return text if len(text) <= 60 else text[:57] + "..."


def _render(template: str, value: Any) -> str:
    """``template`` with each ``{path}`` or ``{path|flag}`` filled from ``value``; a
    ``deg`` flag on a ``*_c`` path says °C, or °F where the result is in Fahrenheit. A
    template whose fields the value lacks gives way to :func:`_summary`."""
    missing = False

    def fill(m: re.Match[str]) -> str:
        nonlocal missing
        path, flag = m.group(1), m.group(2)
        found = _lookup(value, path)
        if flag == "deg":
            if found is None and path.endswith("_c"):
                found = _lookup(value, path[:-2] + "_f")
                missing = missing or found is None
                return f"{_text(found, None)} °F"
            missing = missing or found is None
            return f"{_text(found, None)} °C"
        missing = missing or found is None
        return _text(found, flag, path)

    text = _FIELD.sub(fill, template)
    return _summary(value, dumps(value)) if missing else text


def _summary(output: Any, content: str) -> str:
    """What a structured result says, in words, for the agent's notes and answer:
    ``temperature 5.6, conditions partly cloudy, humidity 65`` or ``3 issues``; a short
    quote of the JSON when it has no such fields."""
    parts: list[str] = []
    if isinstance(output, dict):
        for key, value in output.items():
            label = str(key).replace("_", " ")
            if isinstance(value, bool) or value is None:
                parts.append(f"{label} {'yes' if value else 'no'}")
            elif isinstance(value, (int, float, str)):
                text = str(value)
                parts.append(f"{label} {text if len(text) <= 40 else text[:37] + '...'}")
            elif isinstance(value, list):
                noun = label[:-1] if len(value) == 1 and label.endswith("s") else label
                parts.append(f"{len(value)} {noun}")
            if len(parts) == 4:
                break
    elif isinstance(output, list):
        parts.append(f"{len(output)} item{'' if len(output) == 1 else 's'}")
    if parts:
        return ", ".join(parts)
    return content if len(content) <= 80 else content[:77] + "..."


# -- values ------------------------------------------------------------------------------


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _finisher(schema: Any) -> Callable[..., None] | None:
    """A function that finishes an instance of a ``results.json`` schema in place (built
    once per tool): timestamps of what was read lie before the reference moment, in the
    schema's order (created before updated), the time of the answer itself just before
    it; numbers are rounded as services print them (temperatures to 0.1, money to 0.01,
    coordinates and rates to 0.0001). None when there is nothing to finish."""
    if not isinstance(schema, dict):
        return None
    props = schema.get("properties")
    if not isinstance(props, dict):
        items = _finisher(schema.get("items"))
        if items is None:
            return None

        def each(rng: random.Random, value: Any, now: dt.datetime = _NOW) -> None:
            if isinstance(value, list):
                for v in value:
                    items(rng, v, now)

        return each
    stamps = [k for k, s in props.items() if _PAST.match(k) and s.get("format") == "date-time"]
    older = tuple(k for k in stamps if k not in _CURRENT)
    current = tuple(k for k in stamps if k in _CURRENT)
    floats = tuple(
        (k, _DECIMALS.get(k, 1 if k.endswith(("_c", "_f")) else 2))
        for k, s in props.items()
        if s.get("type") == "number"
    )
    nested = tuple((k, f) for k, s in props.items() if (f := _finisher(s)) is not None)
    if not (older or current or floats or nested):
        return None

    def finish(rng: random.Random, value: Any, now: dt.datetime = _NOW) -> None:
        # ``now``: the moment of the answer (the reference date's midnight, UTC)
        if not isinstance(value, dict):
            return
        if older:
            ages = sorted((below(rng, 400 * 1440) + 60 for _ in older), reverse=True)
            for key, minutes in zip(older, ages, strict=True):
                value[key] = _stamp(now - dt.timedelta(minutes=minutes))
        for key in current:
            value[key] = _stamp(now - dt.timedelta(minutes=1 + below(rng, 180)))
        for key, decimals in floats:
            v = value.get(key)
            if isinstance(v, float):
                value[key] = round(v, decimals)
        for key, f in nested:
            if key in value:
                f(rng, value[key], now)

    return finish


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _same_type(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    return (isinstance(a, str) and isinstance(b, str)) or (_number(a) and _number(b))


def _compute(
    rng: random.Random,
    obj: dict[str, Any],
    rules: list[dict[str, Any]],
    schema: dict[str, Any],
    args: dict[str, Any],
    given: set[str],
    today: dt.date = REFERENCE_DATE,
) -> None:
    """Values worked out from others: a rate from the two currencies, an amount times a
    rate, an order's total over its items, an arrival after the departure, dates within
    the range the call asked about, ... (the ``compute`` rules of ``results.json``)."""
    table = _table()
    for rule in rules:
        op, target = rule["op"], rule.get("target", "")
        if "over" in rule:  # the rule applies to each row of a list
            inner = {k: v for k, v in rule.items() if k != "over"}
            item_schema = schema["properties"][rule["over"]]["items"]
            for row in obj.get(rule["over"]) or []:
                _compute(rng, row, [inner], item_schema, args, set(), today)
        elif op == "rate":
            base = table.rates.get(str(obj.get(rule["from"])).upper())
            quote = table.rates.get(str(obj.get(rule["to"])).upper())
            if base and quote:
                jitter = 1 + (rng.random() - 0.5) / 100  # the rate of the day
                obj[target] = round(quote / base * (jitter if base != quote else 1), 4)
        elif op == "multiply":
            a, b = (obj.get(k) for k in rule["of"])
            if _number(a) and _number(b):
                obj[target] = round(a * b, 2)
        elif op == "sum":
            f, g = rule["of"]
            rows = [r for r in obj.get(rule["rows"]) or [] if isinstance(r, dict)]
            obj[target] = round(
                sum(r[f] * r[g] for r in rows if _number(r.get(f)) and _number(r.get(g))), 2
            )
        elif op == "band" and _number(obj.get(rule["of"])):
            obj[target] = next(
                (label for top, label in rule["bands"] if obj[rule["of"]] <= top), obj[target]
            )
        elif op == "uniform":
            lo, hi = rule["range"]
            obj[target] = round(lo + rng.random() * (hi - lo), 2)
        elif op == "anchored" and isinstance(obj.get(rule["by"]), str):
            # the same thing has the same level in every result: a ticker's price is its
            # own (log-uniform in the range, fixed by its name), moved by the day's change
            lo, hi = rule["range"]
            share = zlib.crc32(obj[rule["by"]].encode()) / 2**32
            level = lo * (hi / lo) ** share
            moved = obj.get(rule.get("moved_by", ""))
            if _number(moved):
                level *= 1 + moved / 100
            obj[target] = round(level, 2)
        elif op == "fit":
            _fit(rng, obj, target, rule, today)
        elif op == "near" and _number(obj.get(rule["of"])):
            obj[target] = round(obj[rule["of"]] + (rng.random() - 0.5) * rule["spread"], 1)
        elif op == "at_most" and _number(obj.get(target)) and _number(obj.get(rule["limit"])):
            obj[target] = min(obj[target], obj[rule["limit"]])
        elif op == "ordered":
            low, high = obj.get(rule["low"]), obj.get(rule["high"])
            if _number(low) and _number(high) and low > high:
                obj[rule["low"]], obj[rule["high"]] = high, low
        elif op == "sorted" and isinstance(obj.get(target), list):
            obj[target] = sorted(obj[target])
        elif op == "empty_unless" and obj.get(rule["flag"]) is False:
            obj[target] = []
        elif op == "sequence":
            _sequence(obj.get(target), rule["field"], rule.get("from_today", False), today)
        elif op == "climate":
            _climate(rng, obj, target, rule, today)
        elif op == "span":
            _span(rng, obj, target, rule, args)
        elif op == "within":
            _within(rng, obj, target, _date_arg(args, rule["from"]), _date_arg(args, rule["to"]))
        elif op == "after" and isinstance(obj.get(rule["of"]), str):
            lo, hi = rule["minutes"]
            start = _moment(obj[rule["of"]])
            if start is not None:
                obj[target] = _stamp(start + dt.timedelta(minutes=lo + below(rng, hi - lo)))
        elif op == "differ" and obj.get(target) == obj.get(rule["from"]):
            choices = schema["properties"][target].get("enum", [])
            if obj.get(target) in choices and len(choices) > 1:
                obj[target] = choices[(choices.index(obj[target]) + 1) % len(choices)]
        elif op == "person":
            _person(obj, rule["name"], rule["email"], given)
        elif op == "fahrenheit":
            unit = next((args[a] for a in rule["args"] if isinstance(args.get(a), str)), "")
            if unit.lower().startswith(("f", "imperial")):
                _fahrenheit(obj)
        elif op == "offset" and obj.get(rule["zone"]) in table.offsets:
            zone = obj[rule["zone"]]
            offset = obj[target] = table.offsets[zone]
            obj[rule["dst"]] = zone in table.summer_time
            moment = _moment(obj.get(rule["time"], ""))
            if moment is not None:
                sign = -1 if offset[0] == "-" else 1
                shift = dt.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
                local = moment + sign * shift
                obj[rule["time"]] = local.strftime("%Y-%m-%dT%H:%M:%S") + offset
        elif op == "place":
            _place(rng, obj, rule, args)
        elif op == "phrase":
            phrases = table.phrases.get(str(obj.get(rule["language"])).lower()[:2])
            if phrases:
                obj[target] = phrases[below(rng, len(phrases))]


def _mean_temperature(place: list[Any], day: dt.date) -> float:
    """A city's mean temperature on ``day``: between its January (``place[3]``) and July
    (``place[4]``) means along a cosine over the year, so a forecast follows the season of
    the reference date, in either hemisphere."""
    january, july = place[3], place[4] if len(place) > 4 else place[3]
    phase = 2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25
    return (january + july) / 2 + (january - july) / 2 * math.cos(phase)


def _fit(
    rng: random.Random,
    obj: dict[str, Any],
    target: str,
    rule: dict[str, Any],
    today: dt.date = REFERENCE_DATE,
) -> None:
    """A temperature and conditions that go together: in a city whose climate synth knows,
    a temperature near its mean at the reference date and, when the conditions drawn
    cannot happen at it (sleet at 30 °C), milder ones; elsewhere a temperature the
    conditions allow."""
    place = _table().places.get(obj.get(rule["city"]))
    ranges = rule["ranges"].get(obj.get(rule["by"]))
    if place is not None and len(place) > 3:
        mean = _mean_temperature(place, today)
        obj[target] = round(mean + (rng.random() - 0.5) * 2 * rule["spread"], 1)
        if ranges is not None and not ranges[0] <= obj[target] <= ranges[1]:
            obj[rule["by"]] = rule["mild"][below(rng, len(rule["mild"]))]
    elif ranges is not None and not (
        _number(obj.get(target)) and ranges[0] <= obj[target] <= ranges[1]
    ):
        obj[target] = round(ranges[0] + rng.random() * (ranges[1] - ranges[0]), 1)


def _climate(
    rng: random.Random,
    obj: dict[str, Any],
    target: str,
    rule: dict[str, Any],
    today: dt.date = REFERENCE_DATE,
) -> None:
    """The days of a forecast for a city whose climate synth knows: lows and highs around
    its mean at the reference date (a January forecast for Copenhagen is not 24 °C), and
    milder conditions on a day whose conditions cannot happen at its temperature."""
    place = _table().places.get(obj.get(rule["city"]))
    rows = obj.get(target)
    if place is None or len(place) < 4 or not isinstance(rows, list):
        return
    spread = rule["spread"]
    mean = _mean_temperature(place, today)
    for row in rows:
        if isinstance(row, dict):
            middle = mean + (rng.random() - 0.5) * spread
            row[rule["low"]] = round(middle - 1 - rng.random() * spread / 2, 1)
            row[rule["high"]] = round(middle + 1 + rng.random() * spread / 2, 1)
            ranges = rule["ranges"].get(row.get(rule["by"]))
            if ranges is not None and not ranges[0] <= middle <= ranges[1]:
                # no thunderstorms at -12 °C: milder conditions
                row[rule["by"]] = rule["mild"][below(rng, len(rule["mild"]))]


def _span(
    rng: random.Random, obj: dict[str, Any], target: str, rule: dict[str, Any], args: dict[str, Any]
) -> None:
    """A stay's end as many nights after its start as the call asked (``nights``), or
    one to seven nights after it when the call did not say or the dates disagree."""
    try:
        start = dt.date.fromisoformat(str(obj.get(rule["of"])))
        end = dt.date.fromisoformat(str(obj.get(target)))
    except ValueError:
        return
    nights = next((args[a] for a in rule["args"] if _number(args.get(a))), None)
    if nights is not None and nights >= 1:
        obj[target] = (start + dt.timedelta(days=int(nights))).isoformat()
    elif end <= start:
        obj[target] = (start + dt.timedelta(days=1 + below(rng, 7))).isoformat()


def _moment(text: Any) -> dt.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _date_arg(args: dict[str, Any], names: Sequence[str]) -> dt.date | None:
    """The date the call gave under one of ``names`` (a date or the date of a moment)."""
    for name in names:
        value = args.get(name)
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def _within(
    rng: random.Random, obj: dict[str, Any], key: str, lo: dt.date | None, hi: dt.date | None
) -> None:
    """``obj[key]`` (a moment) moved to a day from ``lo`` to ``hi`` at the same time of
    day: events in the range the call asked about, a flight on the date it asked for."""
    moment = _moment(obj.get(key))
    if moment is None or lo is None:
        return
    span = (hi - lo).days if hi is not None and hi >= lo else 0
    day = lo + dt.timedelta(days=below(rng, span + 1))
    obj[key] = _stamp(dt.datetime.combine(day, moment.time(), dt.UTC))


def _sequence(rows: Any, field: str, from_today: bool, today: dt.date = REFERENCE_DATE) -> None:
    """Consecutive dates down a list (the days of a forecast), from the first one or from
    the reference date ``today``."""
    if not isinstance(rows, list) or not rows or not isinstance(rows[0].get(field), str):
        return
    try:
        first = today if from_today else dt.date.fromisoformat(rows[0][field])
    except ValueError:
        return
    for i, row in enumerate(rows):
        row[field] = (first + dt.timedelta(days=i)).isoformat()


def _fahrenheit(value: Any) -> None:
    """Temperatures in °F: each ``*_c`` property becomes ``*_f``, in place."""
    if isinstance(value, list):
        for v in value:
            _fahrenheit(v)
    elif isinstance(value, dict):
        for key in list(value):
            v = value[key]
            if key.endswith("_c") and _number(v):
                items = list(value.items())
                value.clear()
                for k, old in items:
                    if k == key:
                        value[key[:-2] + "_f"] = round(old * 9 / 5 + 32, 1)
                    else:
                        value[k] = old
            else:
                _fahrenheit(v)


def _place(
    rng: random.Random, obj: dict[str, Any], rule: dict[str, Any], args: dict[str, Any]
) -> None:
    """A place with its own country and coordinates: the city the call named (in its
    address or query) when it is one synth knows, else the city drawn."""
    places = _table().places
    city = obj.get(rule["city"])
    for name in rule["args"]:
        text = args.get(name)
        if isinstance(text, str):
            named = next((c for c in places if c.lower() in text.lower()), None)
            if named is not None:
                city = named
                break
    if city not in places:
        return
    country, lat, lon = places[city][:3]
    obj[rule["city"]] = city
    obj[rule["country"]] = country
    obj[rule["latitude"]] = round(lat + (rng.random() - 0.5) / 10, 4)
    obj[rule["longitude"]] = round(lon + (rng.random() - 0.5) / 10, 4)


def _person(obj: dict[str, Any], name_key: str, email_key: str, given: set[str]) -> None:
    """A person's name and address agree with the one the call gave: the name as the
    address spells it (``maria.lopez@`` is Maria Lopez, ``maria32@`` a Maria), or an
    address made from the name asked about, on the domain drawn."""
    name, email = obj.get(name_key), obj.get(email_key)
    if not isinstance(name, str) or not isinstance(email, str) or "@" not in email:
        return
    local, domain = email.split("@", 1)
    if email_key in given:
        if re.fullmatch(r"[a-z]{2,}[._][a-z]{2,}", local):
            obj[name_key] = " ".join(cap(p) for p in re.split(r"[._]", local))
        elif (m := re.fullmatch(r"([a-z]{2,})\d*", local)) and " " in name:
            obj[name_key] = f"{cap(m.group(1))} {name.split(' ', 1)[1]}"
    elif name_key in given:
        words = re.sub(r"[^a-z ]", "", name.lower()).split()
        if len(words) >= 2 and name.isascii():
            obj[email_key] = f"{words[0]}.{words[-1]}@{domain}"
    if "username" in obj and isinstance(obj[email_key], str):
        obj["username"] = obj[email_key].split("@")[0]  # the handle their address has


class _Placement:
    """Where one argument of the tool goes in a result: a property of each object read
    (``item``), the top of a list result (``top``), or nowhere."""

    __slots__ = ("arg", "prop", "tags", "where")

    def __init__(self, arg: str, prop: str, where: str, tags: bool = False) -> None:
        self.arg, self.prop, self.where = arg, prop, where
        #: the property is a list of strings (labels): a string argument joins it
        self.tags = tags


def _placements(
    spec: ToolSpec, kind: _Kind, listing: bool, nouns: Sequence[str]
) -> tuple[list[_Placement], str | None, str | None]:
    """Where each argument goes, the query argument (for ``match``) and the limit one."""
    table = _table()
    params = spec.parameters.get("properties")
    names = list(params) if isinstance(params, dict) else []
    props = {normalise_name(p): p for p in kind.schema["properties"]}
    stems = {singular(w) for w in nouns} | {w for w in nouns}
    placed: list[_Placement] = []
    query = limit = None
    keyed = False
    id_args = [a for a in names if _ID_NAME.match(normalise_name(a))]
    for arg in names:
        n = normalise_name(arg)
        if _LIMIT_NAME.match(n) and limit is None:
            limit = arg
        if n in table.control:
            continue
        prop = kind.echo.get(n) or props.get(n)
        if prop not in kind.schema["properties"]:
            prop = None
        m = _ID_NAME.match(n)
        if prop is None and m is not None and kind.key is not None and not keyed:
            # the id of the thing read; a list is filtered by other things' ids
            own = m.group(2) is None or m.group(2) in stems
            if own or (len(id_args) == 1 and not listing):
                prop = kind.key
        if prop is not None and listing and prop == kind.key:
            prop = None  # the call filters a list: each item has its own key
        if prop is not None:
            keyed = keyed or prop == kind.key
            items = kind.schema["properties"][prop].get("items")
            tags = isinstance(items, dict) and all(
                isinstance(v, str) for v in items.get("enum", [0])
            )
            placed.append(_Placement(arg, prop, "item", tags))
            continue
        if _QUERY_NAME.match(n):
            query = arg
        if listing or kind.inputs or m is not None:
            placed.append(_Placement(arg, arg, "top"))
    return placed, query, limit


def _named_values(kind: _Kind, nouns: Sequence[str]) -> dict[str, Any]:
    """Values the tool's name fixes: every issue of ``list_open_issues`` is open, every
    invoice of ``get_overdue_invoices`` overdue (a word of the name that is one of a
    property's values)."""
    fixed: dict[str, Any] = {}
    for word in nouns:
        for prop, sub in kind.schema["properties"].items():
            if prop not in fixed and word in sub.get("enum", ()):
                fixed[prop] = word
    return fixed


def _sizes(
    spec: ToolSpec, kind: _Kind, locale: str
) -> tuple[tuple[str, str, int, Callable[[random.Random], Any]], ...]:
    """``(list property, argument, most rows, row draw)`` for each list of the result whose
    length an argument of the tool sets (``days`` of a forecast)."""
    if not kind.sized:
        return ()
    from synth.schema import from_schema

    params = spec.parameters.get("properties")
    names = list(params) if isinstance(params, dict) else []
    out = []
    for prop, (arg_names, most) in kind.sized.items():
        arg = next((a for a in names if normalise_name(a) in arg_names), None)
        if arg is None:
            continue
        items = kind.schema["properties"][prop]["items"]
        draw = from_schema(items)._fn
        refine = _refiner(items, context=f"{spec.name} {spec.description}", locale=locale)

        def row(rng: random.Random, draw: Callable[..., Any] = draw, refine: Any = refine) -> Any:
            value = draw(rng)
            return refine(rng, value) if refine is not None else value

        out.append((prop, arg, most, row))
    return tuple(out)


def _resize(
    rng: random.Random,
    obj: dict[str, Any],
    prop: str,
    asked: Any,
    most: int,
    row: Callable[[random.Random], Any],
) -> None:
    """``obj[prop]`` with as many rows as the call asked for (at most ``most``): a
    forecast for 10 days has 10 days."""
    rows = obj.get(prop)
    if not isinstance(rows, list) or not _number(asked) or asked < 1:
        return
    n = min(int(asked), most)
    del rows[n:]
    while len(rows) < n:
        rows.append(row(rng))


class ReadResult:
    """The results of one user tool that reads (compiled once per tool): ``result(rng,
    args)`` gives the JSON text and the :class:`Outcome` that says what was found. The
    people and places in them come from ``locale``, as the tool's arguments do."""

    def __init__(
        self,
        spec: ToolSpec,
        purpose: str,
        base_verb: Verb,
        locale: str = "en_US",
        reference: dt.date = REFERENCE_DATE,
    ) -> None:
        from synth.schema import from_schema

        self.name = spec.name
        self.purpose = purpose
        kind, self.listing, nouns = _choose(spec, base_verb)
        self.kind = kind
        self.draw = from_schema(kind.schema)._fn
        self.refine = _refiner(
            kind.schema,
            context=f"{spec.name} {spec.description}",
            locale=locale,
            reference=reference,
        )
        #: The reference date, and its midnight (UTC): results are made at that moment.
        self.today = reference
        self.now = dt.datetime.combine(reference, dt.time(), dt.UTC)
        self.placed, self.query, self.limit = _placements(spec, kind, self.listing, nouns)
        self.words = kind.plural.replace("_", " ") if self.listing else kind.noun
        self.named = _named_values(kind, nouns)
        self.sizes = _sizes(spec, kind, locale)

    def __repr__(self) -> str:
        shape = "list" if self.listing else "single"
        return f"ReadResult({self.name!r}, kind={self.kind.noun!r}, {shape})"

    def _one(self, rng: random.Random, args: dict[str, Any]) -> dict[str, Any]:
        obj = self.draw(rng)
        if self.refine is not None:
            obj = self.refine(rng, obj)
        for prop, arg, most, row in self.sizes:
            _resize(rng, obj, prop, args.get(arg), most, row)
        if self.kind.finish is not None:
            self.kind.finish(rng, obj, self.now)
        given: set[str] = set()
        obj.update(self.named)
        for p in self.placed:
            if p.where != "item" or p.arg not in args:
                continue
            value, drawn = args[p.arg], obj.get(p.prop)
            if _same_type(value, drawn):
                obj[p.prop] = value
                given.add(p.prop)
            elif p.tags and isinstance(drawn, list) and isinstance(value, str):
                if value not in drawn:
                    drawn.insert(0, value)  # a list filtered by one label has that label
        _compute(rng, obj, self.kind.compute, self.kind.schema, args, given, self.today)
        return obj

    def _top(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            p.arg: args[p.arg]
            for p in self.placed
            if p.where == "top"
            and p.arg in args
            and isinstance(args[p.arg], (str, int, float))
            and len(str(args[p.arg])) <= 80
        }

    def result(self, rng: random.Random, args: dict[str, Any]) -> tuple[str, Outcome]:
        """The JSON text a service would answer ``args`` with, and what it says."""
        kind = self.kind
        if not self.listing:
            obj = self._one(rng, args)
            if kind.inputs:
                obj = {**self._top(args), **obj}
            else:
                obj = {**{k: v for k, v in self._top(args).items() if k not in obj}, **obj}
            said = _render(kind.say, obj)
            return dumps(obj), Outcome(
                note=f"{self.name} returned {said}.",
                answer=f"{cap(self.purpose)}: {said}.",
                wrong=f"{self.name} had no {self.words} to report.",
            )
        top = 5
        limit = args.get(self.limit) if self.limit is not None else None
        if _number(limit) and limit >= 1:
            top = min(int(limit), 5)
        k = max(1, top - below(rng, 3))
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        for _ in range(k):
            for _attempt in range(8):  # two alike read as a duplicate, not as a result
                item = self._one(rng, args)
                said = (
                    str(item[kind.distinct]) if kind.distinct in item else _render(kind.say, item)
                )
                if said not in seen:
                    break
            seen.add(said)
            items.append(item)
        q = args.get(self.query) if self.query is not None else None
        if isinstance(q, str) and len(q) <= 60 and q.strip():
            for prop, templates in kind.match.items():
                order = sorted(range(len(templates)), key=lambda _: rng.random())
                # as many items match the query as there are templates; the others are
                # what else the search found
                for item, t in zip(items, order, strict=False):
                    if prop in item:
                        item[prop] = templates[t].format(query=q, Query=cap(q))
        total = k if k < top else k + below(rng, 40)
        body = {**self._top(args), kind.plural: items, "total_count": total}
        listed = "; ".join(_render(kind.say, item) for item in items[:2])
        more = f" and {total - 2} more" if total > 2 else ""
        said = f"{total} {self.words}: {listed}{more}"
        return dumps(body), Outcome(
            note=f"{self.name} returned {said}.",
            answer=f"{cap(self.purpose)}: {said}.",
            wrong=f"{self.name} found no {self.words}.",
        )
