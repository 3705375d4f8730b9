"""JSON Schema formats: every value passes jsonschema's format checkers, lengths hold."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

import synth
from synth import InvalidArgument, UnsatisfiableSchema
from synth.schema.formats import DEFAULT_FORMATS, FORMAT_NAMES, format_gen, format_lengths

CHECKERS = (Draft7Validator.FORMAT_CHECKER, Draft202012Validator.FORMAT_CHECKER)
REQUIRED = {
    "email", "idn-email", "hostname", "idn-hostname", "ipv4", "ipv6", "uri",
    "uri-reference", "iri", "iri-reference", "uri-template", "uuid", "date", "date-time",
    "time", "duration", "json-pointer", "relative-json-pointer", "regex",
}  # fmt: skip
# rfc3987-syntax validates IRIs with an Earley parser (~0.1 s a value): fewer samples.
SLOW = {"iri", "iri-reference"}


def _valid(value: str, name: str) -> bool:
    return all(checker.conforms(value, name) for checker in CHECKERS)


def test_required_formats_present() -> None:
    assert REQUIRED <= FORMAT_NAMES
    # The checkers really check these (a wrong value is rejected), so the tests bite.
    for name in REQUIRED - {"email", "idn-email", "regex", "uri-template"}:
        assert not _valid("not a valid value \x00 ]][", name), name


@pytest.mark.parametrize("name", sorted(FORMAT_NAMES))
def test_defaults_validate(name: str) -> None:
    count = 25 if name in SLOW else 500
    values = list(synth.stream(DEFAULT_FORMATS[name], count, seed=11))
    bad = [v for v in values if not isinstance(v, str) or not _valid(v, name)]
    assert not bad, (name, bad[:5])


@pytest.mark.parametrize("name", sorted(FORMAT_NAMES))
def test_length_bounds_by_construction(name: str) -> None:
    shortest, longest = format_lengths(name)  # type: ignore[misc]
    windows = [(shortest, shortest), (shortest, shortest + 6), (20, 24), (30, None), (0, 12)]
    if longest is not None:
        windows.append((longest - 3, longest))
    per_window = 6 if name in SLOW else 60
    checked = 0
    for lo, hi in windows:
        try:
            g = format_gen(name, min_length=lo, max_length=hi)
        except UnsatisfiableSchema as e:
            assert e.keyword == "format"
            # Honest refusal: no length in the window is possible for this format.
            top = hi if hi is not None else lo + 100
            assert top < shortest or (longest is not None and lo > longest), (name, lo, hi)
            continue
        for value in synth.stream(g, per_window, seed=lo):
            assert lo <= len(value) and (hi is None or len(value) <= hi), (name, lo, hi, value)
            assert _valid(value, name), (name, lo, hi, value)
            checked += 1
    assert checked > 0


def test_unsatisfiable_lengths() -> None:
    with pytest.raises(UnsatisfiableSchema, match="uuid"):
        format_gen("uuid", max_length=35)
    with pytest.raises(UnsatisfiableSchema):
        format_gen("date-time", min_length=21, max_length=21)
    with pytest.raises(UnsatisfiableSchema):
        format_gen("ipv4", min_length=16)
    with pytest.raises(UnsatisfiableSchema):
        format_gen("email", min_length=5, max_length=4)
    g = format_gen("time", min_length=10, max_length=11)
    assert g is not None and all(len(v) == 11 for v in synth.stream(g, 20, seed=1))


def test_unknown_formats_are_annotations() -> None:
    assert format_gen("no-such-format") is None
    assert format_gen("no-such-format", min_length=3) is None


def test_user_formats_extend_and_override() -> None:
    sku = synth.from_regex(r"SKU-[0-9]{4,8}")
    g = format_gen("sku", formats={"sku": sku})
    assert g is sku
    shout = synth.just("HELLO@EXAMPLE.COM")
    assert format_gen("email", formats={"sku": sku, "email": shout}) is shout
    bounded = format_gen("sku", max_length=9, formats={"sku": sku})
    assert bounded is not None
    assert all(len(v) <= 9 for v in synth.stream(bounded, 50, seed=2))
    with pytest.raises(InvalidArgument):
        format_gen("sku", formats={"sku": "SKU-1"})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgument):
        format_gen("email", min_length=-1)


def test_defaults_read_only_and_reprs() -> None:
    with pytest.raises(TypeError):
        DEFAULT_FORMATS["email"] = synth.just("x")  # type: ignore[index]
    assert repr(DEFAULT_FORMATS["email"]) == "format_gen('email')"
    assert format_gen("email") is DEFAULT_FORMATS["email"]
    assert repr(format_gen("email", max_length=20)) == "format_gen('email', max_length=20)"


@pytest.mark.parametrize(
    "name", ["email", "hostname", "ipv4", "ipv6", "uri", "uuid", "date", "date-time", "time"]
)
def test_diversity(name: str) -> None:
    assert len(set(synth.stream(DEFAULT_FORMATS[name], 20, seed=5))) >= 18


def test_realistic_people_and_places() -> None:
    emails = list(synth.stream(DEFAULT_FORMATS["email"], 50, seed=3))
    # Faker-backed: names and domains, not random letters.
    assert all(e.count("@") == 1 and "." in e.split("@")[1] for e in emails)
    assert any(e.split("@")[1].startswith("example.") for e in emails)


def test_determinism_across_processes() -> None:
    names = sorted(FORMAT_NAMES)
    here = {n: list(synth.stream(format_gen(n, max_length=40), 20, seed=8)) for n in names}
    code = (
        "import json, synth; from synth.schema.formats import format_gen, FORMAT_NAMES;"
        "print(json.dumps({n: list(synth.stream(format_gen(n, max_length=40), 20, seed=8))"
        " for n in sorted(FORMAT_NAMES)}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == here
