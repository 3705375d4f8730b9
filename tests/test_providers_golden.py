"""Golden tests: every compiled provider returns exactly what Faker returns for the same rng
state, and leaves the rng in exactly the same state.

Faker is the oracle here, run on a generator of the test's own whose ``random`` is a fresh
``random.Random(seed)``. A Faker upgrade that changes its data or algorithms fails here.
"""

from __future__ import annotations

import datetime as dt
import random

import faker
import pytest

import synth
from synth import fake
from synth.providers import compiled_providers
from synth.providers.compiled import _CompiledProvider

SEEDS = range(300)
REQUIRED = {
    "first_name", "last_name", "name", "user_name", "email", "safe_email", "company", "job",
    "street_address", "city", "state", "postcode", "country", "address", "phone_number", "url",
    "domain_name", "ipv4", "word", "words", "sentence", "paragraph", "text", "uuid4",
}  # fmt: skip

WITH_ARGUMENTS = [
    ("date_between", {"start_date": dt.date(1990, 1, 1), "end_date": dt.date(2030, 12, 31)}),
    ("date_between", {"start_date": dt.datetime(2020, 5, 1, 13), "end_date": dt.date(2020, 5, 9)}),
    (
        "date_time_between",
        {"start_date": dt.datetime(1990, 1, 1), "end_date": dt.datetime(2030, 12, 31)},
    ),
    (
        "date_time_between",
        {
            "start_date": dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            "end_date": dt.datetime(2024, 2, 1, tzinfo=dt.UTC),
            "tzinfo": dt.timezone(dt.timedelta(hours=2)),
        },
    ),
    (
        "date_time_between_dates",
        {"datetime_start": dt.datetime(2001, 1, 1), "datetime_end": dt.datetime(2002, 1, 1)},
    ),
    ("date_between_dates", {"date_start": dt.date(2001, 1, 1), "date_end": dt.date(2011, 1, 1)}),
    ("words", {"nb": 1}),
    ("words", {"nb": 7}),
    ("words", {"nb": 4, "part_of_speech": "verb"}),
    ("word", {"ext_word_list": ["alpha", "beta", "gamma"]}),
    ("sentence", {"nb_words": 10, "variable_nb_words": False}),
    ("paragraph", {"nb_sentences": 5}),
    ("text", {"max_nb_chars": 20}),
    ("text", {"max_nb_chars": 80}),
    ("text", {"max_nb_chars": 400}),
    ("email", {"safe": False}),
    ("email", {"domain": "acme.io"}),
    ("domain_name", {"levels": 3}),
    ("url", {"schemes": ["ftp"]}),
    ("url", {"schemes": []}),
    ("state_abbr", {"include_territories": False}),
    ("uuid4", {"cast_to": None}),
]


@pytest.fixture(scope="module")
def oracle():
    return faker.Factory.create("en_US")


def assert_identical(node, oracle, name, kwargs):
    assert isinstance(node, _CompiledProvider), f"fake({name!r}, **{kwargs}) is not compiled"
    method = getattr(oracle, name)
    for seed in SEEDS:
        ours, theirs = random.Random(seed), random.Random(seed)
        oracle.random = theirs
        expected = method(**kwargs)
        assert node.draw(ours) == expected, (name, kwargs, seed)
        assert ours.getstate() == theirs.getstate(), (name, kwargs, seed)


def test_required_providers_are_compiled():
    assert REQUIRED <= compiled_providers("en_US")
    assert synth.compiled_providers() == compiled_providers("en_US")


@pytest.mark.parametrize("name", sorted(compiled_providers("en_US")))
def test_compiled_equals_faker(oracle, name):
    assert_identical(fake(name), oracle, name, {})


@pytest.mark.parametrize(("name", "kwargs"), WITH_ARGUMENTS, ids=lambda v: str(v)[:40])
def test_compiled_with_arguments_equals_faker(oracle, name, kwargs):
    assert_identical(fake(name, **kwargs), oracle, name, kwargs)


def test_other_locales_are_not_compiled():
    assert compiled_providers("de_DE") == frozenset()
    assert not isinstance(fake("name", locale="de_DE"), _CompiledProvider)


def test_arguments_the_compiler_does_not_handle_fall_back_to_faker():
    node = fake("words", nb=3, unique=True)
    assert not isinstance(node, _CompiledProvider)
    assert len(set(node.draw(random.Random(1)))) == 3


def test_compiled_reprs():
    assert repr(fake("name")) == "fake('name')"
    assert repr(fake("words", nb=7)) == "fake('words', nb=7)"
    d = fake("date_between", start_date=dt.date(2000, 1, 1), end_date=dt.date(2001, 1, 1))
    assert repr(d) == (
        "fake('date_between', start_date=datetime.date(2000, 1, 1), "
        "end_date=datetime.date(2001, 1, 1))"
    )


def test_compiled_nodes_compare_by_call():
    assert fake("name") == fake("name")
    assert fake("words", nb=2) != fake("words", nb=3)


TEMPLATES = [
    "###-###-####", "$##-%##", "!!@@ ##", "Apt. #!@%$ ?", "100% #", "{x} #", "plain",
    # Literals that generated code must carry exactly: quotes, backslashes, %s, newlines.
    "it's \\ \"#\" %s\n%##",
]  # fmt: skip


@pytest.mark.parametrize("template", TEMPLATES)
def test_numerify_and_bothify_equal_faker(oracle, template):
    from synth.providers.compiled import _fill, _fill_runtime

    letters = "abcXYZ"
    for seed in range(200):
        for ours_fn, theirs_fn in (
            (_fill(template), lambda: oracle.numerify(template)),
            (_fill(template, letters), lambda: oracle.bothify(template, letters=letters)),
            (
                lambda r: _fill_runtime(r, template, letters),
                lambda: oracle.bothify(template, letters),
            ),
        ):
            ours, theirs = random.Random(seed), random.Random(seed)
            oracle.random = theirs
            assert ours_fn(ours) == theirs_fn(), (template, seed)
            assert ours.getstate() == theirs.getstate(), (template, seed)


FORMATS = [
    "{{first_name}} {{last_name}}",
    '{{last_name}}\'s \\"{{first_name}}" 100%s\n',
    "{{prefix_female}}{{company}}{{last_name}}",
    "#{{building_number}}# {{street_suffix}}",
]


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_formats_equal_faker_parse(oracle, fmt):
    # Formats with element tokens run as generated code: literals must survive exactly and
    # the tokens must be drawn left to right, as Faker's parse draws them.
    from synth.providers.compiled import _Compiler

    parse = _Compiler("en_US").format(fmt)
    for seed in range(200):
        ours, theirs = random.Random(seed), random.Random(seed)
        oracle.random = theirs
        assert parse(ours) == oracle.parse(fmt), (fmt, seed)
        assert ours.getstate() == theirs.getstate(), (fmt, seed)
