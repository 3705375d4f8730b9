"""Emails and slugs in every locale are ASCII and valid: names in other scripts are
transliterated (``Бобылева`` -> ``bobyleva``), never dropped to ``.@`` or ``_@``."""

from __future__ import annotations

import re

import jsonschema
import pytest

import synth
from synth import DataGenerator, GeneratorConfig
from synth.agents.conversation import agent_registry
from synth.compilers.template import from_template
from tests.record_helpers import texts

LOCALES = ["de_DE", "ja_JP", "ru_RU", "zh_CN", "el_GR", "ko_KR", "uk_UA", "ar_AA"]
# (a backslash ends an address too: tool call arguments are JSON text, with "\n" escapes)
FOUND = re.compile(r"[^\s\"'<>(),;:\\]+@[^\s\"'<>(),;:\\]+")
# RFC 5322 dot-atom local part, made of letters and digits the way synth builds it
LOCAL = re.compile(r"^[a-z0-9]+(?:[._][a-z0-9]+)*$")
EMAIL = jsonschema.Draft202012Validator(
    {"type": "string", "format": "email"},
    format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
)


def check_email(email: str) -> None:
    local, _, domain = email.partition("@")
    assert email.isascii(), email
    assert EMAIL.is_valid(email), email
    assert LOCAL.match(local), email
    assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain), email


@pytest.mark.parametrize("locale", LOCALES)
def test_every_email_of_every_type_is_ascii_and_valid(locale):
    seen = 0
    for data_type, constraints in (
        ("json", {}),
        ("conversation", {}),
        ("tool_call", {"tool": "email,database"}),
        ("agent_trace", {}),
        ("conversation", {"template": "tool_use"}),
    ):
        config = GeneratorConfig(
            data_type=data_type, count=400, seed=1, constraints={**constraints, "locale": locale}
        )
        for sample in DataGenerator().generate(config).samples:
            for text in texts(sample):
                for m in FOUND.finditer(text):
                    check_email(m.group(0).rstrip("."))
                    seen += 1
    assert seen > 3000


@pytest.mark.parametrize("locale", LOCALES)
def test_slugs_of_names_are_ascii_transliterations(locale):
    gen = from_template(
        {"name": "{first_name}", "slug": "{first_name!slug}"}, registry=agent_registry(locale)
    )
    for rec in synth.stream(gen, 200, seed=3):
        assert rec["slug"].isascii() and re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*", rec["slug"])
        if not rec["name"].isascii():
            assert rec["slug"] != rec["name"].lower()


def test_the_slug_filter_transliterates_and_keeps_ascii_as_it_was():
    cases = {
        "Бобылева": "bobyleva",
        "Jürgen": "jurgen",
        "木村": "mu.cun",
        "Anne-Marie": "anne.marie",
        "O'Neil": "o.neil",
        "": "",
    }
    for value, slug in cases.items():
        assert synth.sample(from_template("{x!slug}", vocab={"x": [value]}), seed=1) == slug


def test_a_locale_is_refused_for_text_which_it_would_not_change():
    # Regression: text was the same bytes with locale de_DE as with en_US (its sentences
    # are synth's own English text); the locale was silently ignored.
    with pytest.raises(synth.InvalidArgument, match="locale='de_DE' has no effect on text"):
        GeneratorConfig(data_type="text", count=2, seed=1, constraints={"locale": "de_DE"})
    with pytest.raises(synth.InvalidArgument, match="has no effect on text"):
        DataGenerator(locale="de_DE").generate(GeneratorConfig(data_type="text", count=2, seed=1))
