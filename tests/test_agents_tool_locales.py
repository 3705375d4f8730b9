"""A locale changes the people and places of tool calls, agent traces and tool_use
conversations: names come from the locale's Faker banks (never from synth's English list),
addresses stay ASCII and valid, a seed gives the same bytes in every process, and the
command line passes the locale to its workers. en_US stays as it was (the pins in
``test_agents_fastpaths.py``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import synth
from synth import DataGenerator, GeneratorConfig
from synth.agents._data import load_data
from synth.agents._draw import load_data as load_json
from synth.agents._locale import ascii_name
from synth.agents.conversation import _name_bank
from tests.cli_helpers import assert_fails, env, synth_cli
from tests.record_helpers import texts
from tests.test_agents_locales import check_email

LOCALES = ["de_DE", "fr_FR", "ja_JP", "pt_BR", "ru_RU"]
KINDS = {
    "tool_call": {"tool": "email,database"},
    "agent_trace": {},
    "conversation": {"template": "tool_use"},
}
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def bank_names(locale: str) -> tuple[set[str], set[str]]:
    """The first and the last names of the locale's banks (men's and women's)."""
    firsts: set[str] = set()
    lasts: set[str] = set()
    for gender in ("male", "female"):
        firsts |= set(_name_bank(f"first_name_{gender}", locale))
        lasts |= set(_name_bank(f"last_name_{gender}", locale))
    return firsts, lasts


def english_only(locale: str) -> set[str]:
    """Names of synth's own list that no name of the locale's banks has as a word
    (pt_BR's "Carlos Eduardo" has "Carlos")."""
    ours = load_data("people")
    firsts, lasts = bank_names(locale)
    words = {w for name in firsts | lasts for w in WORD.findall(name)}
    return (set(ours["first_name"]) | set(ours["last_name"])) - words


def objects(value: Any) -> Iterator[dict[str, Any]]:
    """Every dict in a record, JSON text (tool arguments and results) included."""
    if isinstance(value, str) and value[:1] == "{":
        try:
            value = json.loads(value)
        except ValueError:
            return
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from objects(v)
    elif isinstance(value, list):
        for v in value:
            yield from objects(v)


def people(sample: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """(email signatures, full names in query rows, email recipients) of a record."""
    signatures, full_names, recipients = [], [], []
    for obj in objects(sample):
        if isinstance(obj.get("body"), str) and isinstance(obj.get("to"), list):
            signatures.append(obj["body"].splitlines()[-1])
            recipients += obj["to"] + obj.get("cc", [])
        columns = obj.get("columns")
        if isinstance(columns, list) and {"name", "email"} <= set(columns):
            at = columns.index("name")
            full_names += [row[at] for row in obj["rows"]]
    return signatures, full_names, recipients


def is_full_name(name: str, firsts: set[str], lasts: set[str]) -> bool:
    """``name`` is a first and a last name of the banks, in either order."""
    words = name.split()
    for i in range(1, len(words)):
        a, b = " ".join(words[:i]), " ".join(words[i:])
        if (a in firsts and b in lasts) or (a in lasts and b in firsts):
            return True
    return False


def generate(kind: str, locale: str, count: int = 150, seed: int = 1) -> list[dict[str, Any]]:
    constraints = {**KINDS[kind], "locale": locale}
    config = GeneratorConfig(data_type=kind, count=count, seed=seed, constraints=constraints)
    return DataGenerator().generate(config).samples


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("locale", LOCALES)
def test_people_come_from_the_locale_and_never_from_synths_english_list(locale, kind):
    firsts, lasts = bank_names(locale)
    foreign = english_only(locale)
    signed = named = 0
    for sample in generate(kind, locale):
        signatures, full_names, recipients = people(sample)
        for first in signatures:
            assert first in firsts, first
        for name in full_names:
            assert is_full_name(name, firsts, lasts), name
        for address in recipients:
            check_email(address)
        signed += len(signatures)
        named += len(full_names)
        for text in texts(sample):
            assert not foreign.intersection(WORD.findall(text)), text
    assert signed >= 10, signed
    # tool calls carry no results; traces and conversations show query rows
    assert kind == "tool_call" or named >= 10, named


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_english_name_check_finds_synths_names_in_en_US(kind):
    # the check above can fail: the same scan of en_US data finds synth's own names
    foreign = english_only("de_DE")
    found = {
        word
        for sample in generate(kind, "en_US")
        for text in texts(sample)
        for word in WORD.findall(text)
        if word in foreign
    }
    assert len(found) >= 5, found


def test_full_names_follow_the_locale_and_addresses_spell_them() -> None:
    firsts, lasts = bank_names("ja_JP")
    spell = ascii_name("ja_JP")
    checked = 0
    for sample in generate("agent_trace", "ja_JP", 200):
        for obj in objects(sample):
            columns = obj.get("columns")
            if isinstance(columns, list) and {"name", "email"} <= set(columns):
                i, j = columns.index("name"), columns.index("email")
                for row in obj["rows"]:
                    last, first = row[i].split(" ")  # family name first in Japanese
                    assert last in lasts and first in firsts, row
                    f, la = spell(first), spell(last)
                    styles = {f"{f}.{la}", f"{f[0]}{la}", f"{f}_{la}"}
                    local = row[j].split("@")[0]
                    assert local in styles or re.fullmatch(f"{f}[0-9]{{2}}", local), row
                    checked += 1
    assert checked >= 20


def test_japanese_addresses_use_fakers_romanised_names() -> None:
    spell = ascii_name("ja_JP")
    assert spell("太郎") == "taro" and spell("山田") == "yamada"
    # without a romanisation, Faker's transliteration table (Cyrillic, Greek, Chinese)
    assert ascii_name("ru_RU")("Боброва") == "bobrova"
    assert ascii_name("zh_CN")("刘") == "liu"
    assert ascii_name("de_DE")("Jürgen") == "jurgen"
    assert ascii_name("el_GR")("Νίκος").isascii() and ascii_name("el_GR")("Νίκος")


@pytest.mark.parametrize("locale", ["ru_RU", "pl_PL"])
def test_surnames_agree_with_the_gender_of_the_first_name(locale):
    male = set(_name_bank("first_name_male", locale)) - set(_name_bank("first_name_female", locale))
    female_lasts = set(_name_bank("last_name_female", locale)) - set(
        _name_bank("last_name_male", locale)
    )
    assert female_lasts, "the locale has female surnames"
    checked = 0
    for sample in generate("agent_trace", locale, 200):
        for name in people(sample)[1]:
            first, last = name.split(" ", 1)
            if first in male:
                assert last not in female_lasts, name
                checked += 1
    assert checked >= 10


CONTACT = {
    "type": "function",
    "function": {
        "name": "create_contact",
        "description": "Create a contact in the CRM.",
        "parameters": {
            "type": "object",
            "properties": {
                "first_name": {"type": "string"},
                "last_name": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "phone": {"type": "string"},
                "city": {"type": "string"},
                "postal_code": {"type": "string"},
                "name": {"type": "string", "maxLength": 60},
            },
            "required": ["first_name", "last_name", "email", "phone", "city", "name"],
        },
    },
}


@pytest.mark.parametrize("locale", LOCALES)
def test_user_tool_people_and_places_come_from_the_locale(locale):
    firsts, lasts = bank_names(locale)
    any_first = set(_name_bank("first_name", locale)) | firsts
    any_last = set(_name_bank("last_name", locale)) | lasts
    cities = set(_name_bank("city", locale))
    phones = set(_name_bank("phone_number", locale))
    spell = ascii_name(locale)
    for call in synth.stream(synth.tool_calls(CONTACT, locale=locale), 100, seed=2):
        args = call.arguments
        assert args["first_name"] in any_first and args["last_name"] in any_last, args
        assert args["city"] in cities and args["phone"] in phones, args
        assert is_full_name(args["name"], firsts, lasts), args
        check_email(args["email"])
        # one person: the address is made of the name (its first and last word)
        first, last = args["first_name"].split()[0], args["last_name"].split()[-1]
        assert args["email"].split("@")[0] == f"{spell(first)}.{spell(last)}", args


def test_en_US_user_tools_keep_synths_own_values() -> None:
    # in en_US the city is synth's vocabulary and the phone a fictional 555 number
    english_cities = set(load_json("search.json")["categories"]["local"]["topics"])
    for call in synth.stream(synth.tool_calls(CONTACT), 50, seed=2):
        assert call.arguments["city"] in english_cities
    de = [c.arguments for c in synth.stream(synth.tool_calls(CONTACT, locale="de_DE"), 50, seed=2)]
    assert not any(a["city"] in english_cities for a in de)


def test_locale_shows_in_the_repr_and_bad_locales_are_refused() -> None:
    assert repr(synth.tool_calls("email", locale="de_DE")) == "tool_calls('email', locale='de_DE')"
    assert repr(synth.tool_calls("email")) == "tool_calls('email')"
    assert repr(synth.trace_records(locale="ja_JP")) == "trace_records(locale='ja_JP')"
    for make in (
        lambda: synth.tool_calls("email", locale="de-DE"),
        lambda: synth.traces(locale="xx_XX"),
        lambda: synth.tool_exchanges("email", locale="german"),
    ):
        with pytest.raises(synth.InvalidArgument, match="locale"):
            make()
    with pytest.raises(synth.InvalidArgument, match="unknown locale 'de-DE'.*did you mean"):
        GeneratorConfig(data_type="agent_trace", count=1, constraints={"locale": "de-DE"})


_BYTES = """
import sys, orjson, synth
g = synth.DataGenerator()
for kind, constraints in (
    ("tool_call", {"tool": "email,database,file_operations"}),
    ("agent_trace", {}),
    ("conversation", {"template": "tool_use"}),
):
    config = synth.GeneratorConfig(
        data_type=kind, count=120, seed=4, constraints={**constraints, "locale": sys.argv[1]}
    )
    sys.stdout.buffer.write(orjson.dumps(g.generate(config).samples))
"""


def _bytes(locale: str, hashseed: str) -> bytes:
    proc = subprocess.run(
        [sys.executable, "-c", _BYTES, locale],
        capture_output=True,
        env=env(PYTHONHASHSEED=hashseed, SYNTH_CACHE_DIR=""),
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    return proc.stdout


@pytest.mark.parametrize("locale", ["de_DE", "ja_JP"])
def test_same_seed_gives_the_same_bytes_in_two_processes(locale):
    first, second = _bytes(locale, "1"), _bytes(locale, "2")
    assert first == second and len(first) > 100_000
    assert first != _bytes("en_US", "1")


def test_cli_makes_localised_traces_and_refuses_localised_text(tmp_path):
    proc = synth_cli("generate", "--type", "agent_trace", "--locale", "de_DE", "--count", "40")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["index"] for r in rows] == list(range(40))
    firsts, lasts = bank_names("de_DE")
    names = [n for r in rows for n in people(r)[1]]
    assert names and all(is_full_name(n, firsts, lasts) for n in names)
    proc = synth_cli("generate", "--type", "text", "--locale", "de_DE", "--count", "2")
    assert_fails(proc, 2, "locale='de_DE' has no effect on text")


def test_two_workers_pass_the_locale_and_write_the_same_bytes(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    common = ["generate", "--type", "agent_trace", "--locale", "ja_JP", "--count", "3000"]
    common += ["--seed", "5"]
    assert synth_cli(*common, "--output", str(one)).returncode == 0
    proc = synth_cli(*common, "--output", str(two), "--workers", "2", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert one.read_bytes() == two.read_bytes()
    firsts, _ = bank_names("ja_JP")
    text = two.read_text(encoding="utf-8")
    assert sum(text.count(name) for name in firsts if len(name) > 1) > 100
    assert os.path.getsize(two) > 1_000_000


def test_en_US_agent_data_never_imports_faker() -> None:
    # Only a locale other than en_US needs Faker's name tables; synth's own lists serve
    # en_US, so embedding synth for tool calls and traces never loads Faker.
    code = (
        "import sys\n"
        "from synth import DataGenerator, GeneratorConfig\n"
        "for kind, c in [('tool_call', {'tool': 'email,database'}), ('agent_trace', {}),\n"
        "                ('conversation', {'template': 'tool_use'})]:\n"
        "    DataGenerator().generate(GeneratorConfig(data_type=kind, count=50, seed=1,\n"
        "                                             constraints=c))\n"
        "print('faker' in sys.modules)\n"
        "DataGenerator().generate(GeneratorConfig(data_type='tool_call', count=5, seed=1,\n"
        "                                         constraints={'locale': 'de_DE'}))\n"
        "print('faker' in sys.modules)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env(), timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True"]


LOOKUP = {
    "type": "function",
    "function": {
        "name": "get_customer",
        "description": "Look up a customer by id.",
        "parameters": {
            "type": "object",
            "properties": {"customer_id": {"type": "string"}},
            "required": ["customer_id"],
        },
    },
}


@pytest.mark.parametrize("locale", ["de_DE", "ja_JP"])
def test_people_a_read_tool_finds_come_from_the_locale(locale):
    # a tool without an outputSchema that reads a person answers with one of the
    # locale's people, as its arguments do
    firsts, lasts = bank_names(locale)
    cities = set(_name_bank("city", locale))
    found = 0
    for _call, result in synth.stream(synth.tool_exchanges(LOOKUP, locale=locale), 60, seed=4):
        if result.is_error:
            continue
        customer = json.loads(result.content)
        assert is_full_name(customer["name"], firsts, lasts), customer
        assert customer["city"] in cities, customer
        check_email(customer["email"])
        found += 1
    assert found > 30
