"""Realistic values for property names: the right kind of value, lengths honoured."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator

import synth
from synth import InvalidArgument
from synth.schema.realistic import (
    REALISTIC_NAMES,
    normalise_name,
    realistic_for,
    realistic_lengths,
    realistic_range,
)

CHECK = Draft202012Validator.FORMAT_CHECKER


def _email(v: str) -> bool:
    local, _, domain = v.partition("@")
    return bool(local) and CHECK.conforms(domain, "hostname") and "." in domain


def _datetime(v: str) -> bool:
    return dt.datetime.fromisoformat(v.replace("Z", "+00:00")).tzinfo is not None


def _date(v: str) -> bool:
    return isinstance(dt.date.fromisoformat(v), dt.date) and len(v) == 10


def _url(v: str) -> bool:
    parts = urlsplit(v)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _capitalised_words(v: str) -> bool:
    return bool(v) and v[0].isupper() and v == v.strip()


def _digits_phone(v: str) -> bool:
    return sum(c.isdigit() for c in v) >= 7


KINDS: dict[str, Callable[[str], bool]] = {
    "email": _email,
    "e_mail": _email,
    "contactEmail": _email,
    "firstName": _capitalised_words,
    "given_name": _capitalised_words,
    "last-name": _capitalised_words,
    "surname": _capitalised_words,
    "full_name": lambda v: _capitalised_words(v) and " " in v,
    "name": lambda v: _capitalised_words(v) and " " in v,
    "username": lambda v: re.fullmatch(r"[a-z0-9._]+", v) is not None,
    "login": lambda v: re.fullmatch(r"[a-z0-9._]+", v) is not None,
    "city": _capitalised_words,
    "country": _capitalised_words,
    "countryCode": lambda v: re.fullmatch(r"[A-Z]{2}", v) is not None,
    "state": _capitalised_words,
    "zip": lambda v: v.isdigit(),
    "postal_code": lambda v: v.isdigit(),
    "phone": _digits_phone,
    "mobileNumber": _digits_phone,
    "url": _url,
    "website": _url,
    "homepage": _url,
    "company": _capitalised_words,
    "organization": _capitalised_words,
    "job_title": _capitalised_words,
    "street_address": lambda v: v[0].isdigit() and " " in v,
    "description": lambda v: v.endswith(".") and " " in v,
    "bio": lambda v: v.endswith(".") and " " in v,
    "comment": lambda v: v.endswith("."),
    "created_at": _datetime,
    "updatedAt": _datetime,
    "deleted_at": _datetime,
    "timestamp": _datetime,
    "birthday": _date,
    "start_date": _date,
    "date": _date,
    "ip_address": lambda v: isinstance(ipaddress.ip_address(v), ipaddress.IPv4Address),
    "hostname": lambda v: CHECK.conforms(v, "hostname") and "." in v,
    "domain": lambda v: CHECK.conforms(v, "hostname") and "." in v,
    "currency": lambda v: re.fullmatch(r"[A-Z]{3}", v) is not None,
    "color": lambda v: v.isalpha(),
    "language": lambda v: re.fullmatch(r"[a-z]{2,3}", v) is not None,
    "locale": lambda v: re.fullmatch(r"[a-z]{2,3}_[A-Z]{2}", v) is not None,
    "uuid": lambda v: str(uuid.UUID(v)) == v,
    "user_id": lambda v: str(uuid.UUID(v)) == v,
    "sku": lambda v: re.fullmatch(r"[A-Z]{3}-\d{5}", v) is not None,
    "slug": lambda v: re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", v) is not None,
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_names_give_the_right_kind(name: str) -> None:
    g = realistic_for(name)
    assert g is not None, name
    values = list(synth.stream(g, 100, seed=4))
    assert all(isinstance(v, str) and KINDS[name](v) for v in values), (name, values[:5])
    assert len(set(values)) >= 2


def test_normalisation() -> None:
    assert normalise_name("firstName") == "first_name"
    assert normalise_name("First-Name") == "first_name"
    assert normalise_name(" first name ") == "first_name"
    assert normalise_name("HTTPServerURL") == "http_server_url"
    assert normalise_name("postalCode") == "postal_code"
    same = [
        synth.sample(realistic_for(n), seed=1) for n in ("firstName", "first_name", "FIRST-NAME")
    ]  # type: ignore[arg-type]
    assert len(set(same)) == 1


def test_unknown_names() -> None:
    for name in ("foo", "widget_mode", "quantity", "", "x_y_z", "status"):
        assert realistic_for(name) is None, name
    with pytest.raises(InvalidArgument):
        realistic_for(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(REALISTIC_NAMES))
def test_length_helper_is_honest(name: str) -> None:
    lengths = realistic_lengths(name)
    assert lengths is not None
    shortest, longest = lengths
    windows = [(0, 4), (3, 8), (10, 10), (15, 30), (40, None), (shortest, shortest)]
    for lo, hi in windows:
        g = realistic_for(name, min_length=lo, max_length=hi)
        possible = (hi is None or hi >= shortest) and (longest is None or lo <= longest)
        if g is None:
            # Refused only when the kind's lengths cannot meet the window (fixed-width
            # codes refuse windows that exclude some of their values).
            fixed = longest is not None and longest - shortest <= 1
            assert not possible or fixed, (name, lo, hi)
            continue
        assert possible, (name, lo, hi)
        for v in synth.stream(g, 40, seed=lo):
            assert lo <= len(v) and (hi is None or len(v) <= hi), (name, lo, hi, v)


def test_bounded_values_stay_realistic() -> None:
    g = realistic_for("first_name", max_length=4)
    assert g is not None
    values = list(synth.stream(g, 50, seed=1))
    assert all(len(v) <= 4 and v[0].isupper() and v[1:].islower() for v in values)
    assert len(set(values)) >= 10
    email = realistic_for("email", max_length=12)
    assert email is not None
    assert all(_email(v) and len(v) <= 12 for v in synth.stream(email, 50, seed=1))
    assert realistic_for("uuid", max_length=10) is None
    assert realistic_for("country_code", min_length=3) is None


def test_repr_and_determinism() -> None:
    assert repr(realistic_for("firstName")) == "realistic_for('firstName')"
    assert repr(realistic_for("email", max_length=20)) == "realistic_for('email', max_length=20)"
    g = realistic_for("description", min_length=20, max_length=40)
    assert list(synth.stream(g, 30, seed=2)) == list(synth.stream(g, 30, seed=2))  # type: ignore[arg-type]


def test_array_items_are_named_after_their_array() -> None:
    # Regression: items of "tags": {"type": "array", "items": {"type": "string"}} were
    # random letters ('f3Z5CKnmqE8MNsh'). Items take the array's name in the singular.
    from synth.schema.realistic import _TAGS

    schema = {
        "type": "object",
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "emails": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "cities": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "addresses": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        },
        "required": ["tags", "emails", "cities", "addresses"],
    }
    validator = Draft202012Validator(schema)
    for record in synth.stream(synth.from_schema(schema), 200, seed=4):
        validator.validate(record)
        assert set(record["tags"]) <= set(_TAGS)
        assert all(re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", e) for e in record["emails"])
        assert all(c[:1].isupper() and not re.search(r"\d", c) for c in record["cities"])
        assert all(re.match(r"\d+ \w", a) for a in record["addresses"])


QUANTITIES = {
    "type": "object",
    "required": ["age", "items", "temperature", "latitude", "total", "qty", "score"],
    "properties": {
        "age": {"type": "integer", "minimum": 18},
        "items": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["quantity", "unitPrice"],
                "properties": {
                    "quantity": {"type": "integer", "minimum": 1},
                    "unitPrice": {"type": "number", "exclusiveMinimum": 0},
                },
            },
        },
        "temperature": {"type": "number"},
        "latitude": {"type": ["number", "null"]},
        "total": {"type": "number", "maximum": 3},  # below the usual range: the bound wins
        "qty": {"type": "integer", "minimum": 1, "maximum": 9},  # the user's range: kept
        "score": {"type": "integer", "minimum": 0},  # not a known quantity
    },
}


def test_numbers_named_after_quantities_lie_in_their_usual_range() -> None:
    # were anywhere in a window of about a thousand: ages of 826, latitudes of -444,
    # temperatures of -924, 721 of one item
    gen = synth.from_schema(QUANTITIES)
    validator = Draft202012Validator(QUANTITIES, format_checker=Draft202012Validator.FORMAT_CHECKER)
    qty, total = set(), set()
    for row in synth.stream(gen, 500, seed=3):
        validator.validate(row)
        assert 18 <= row["age"] <= 80
        assert -10 <= row["temperature"] <= 35
        assert row["latitude"] is None or -55 <= row["latitude"] <= 70
        for item in row["items"]:
            assert 1 <= item["quantity"] <= 6 and 5 <= item["unitPrice"] <= 500
        qty.add(row["qty"])
        total.add(row["total"])
    assert qty == set(range(1, 10))
    assert min(total) < -100  # the window below maximum 3, as before
    assert realistic_range("feelsLike") == (-10, 35, 1) and realistic_range("score") is None
    plain = synth.from_schema(QUANTITIES, realistic=False)
    assert max(abs(r["temperature"]) for r in synth.stream(plain, 200, seed=3)) > 100


def test_product_names_are_products() -> None:
    # product_name was random letters ('M3Z1V68ixi', 'sPu')
    schema = {
        "type": "object",
        "required": ["product_name", "lines"],
        "properties": {
            "product_name": {"type": "string"},
            "lines": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["itemName"],
                    "properties": {"itemName": {"type": "string"}},
                },
            },
        },
    }
    for row in synth.stream(synth.from_schema(schema), 100, seed=4):
        names = [row["product_name"], *(line["itemName"] for line in row["lines"])]
        for name in names:
            assert re.fullmatch(r"[0-9A-Z][\w-]*( [A-Z][\w-]*)*", name), name
            assert not re.search(r"[a-z][A-Z]|\d[a-z]", name), name
    assert realistic_lengths("product") is not None


def test_realistic_array_items_are_not_repeated_where_they_can_differ() -> None:
    # tags came as ['research', 'research', ...]: valid without uniqueItems, and fake
    schema = {
        "type": "object",
        "required": ["tags", "emails", "scores"],
        "properties": {
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 4},
            "emails": {"type": "array", "items": {"type": "string"}, "minItems": 2},
            "scores": {"type": "array", "items": {"type": "integer"}},
        },
    }
    gen = synth.from_schema(schema)
    assert "distinct=True" in repr(gen)
    validator = Draft202012Validator(schema)
    for row in synth.stream(gen, 300, seed=8):
        validator.validate(row)
        assert len(set(row["tags"])) == len(row["tags"]), row["tags"]
        assert len(set(row["emails"])) == len(row["emails"]), row["emails"]
    # a vocabulary too small for the length still gives valid (repeating) arrays
    many = {
        "type": "object",
        "required": ["tags"],
        "properties": {"tags": {"type": "array", "items": {"type": "string"}, "minItems": 60}},
    }
    for row in synth.stream(synth.from_schema(many), 20, seed=1):
        assert len(row["tags"]) >= 60 and 20 <= len(set(row["tags"])) < len(row["tags"])


def test_dates_of_birth_are_in_the_past() -> None:
    # birthdays were dates of the format's 2000-2030 range: born in 2030
    schema = {
        "type": "object",
        "required": ["dob", "birthDate", "date_of_birth", "start"],
        "properties": {
            "dob": {"type": "string", "format": "date"},
            "birthDate": {"type": "string"},
            "date_of_birth": {"type": "string", "format": "date", "maxLength": 10},
            "start": {"type": "string", "format": "date"},
        },
    }
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    starts = set()
    for row in synth.stream(synth.from_schema(schema), 300, seed=2):
        validator.validate(row)
        for key in ("dob", "birthDate", "date_of_birth"):
            assert "1950-01-01" <= row[key] <= "2006-12-31", row
        starts.add(row["start"][:2])
    assert starts == {"20"}  # other dates keep the format's range
