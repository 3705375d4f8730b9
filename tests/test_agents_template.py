"""The template compiler: syntax, bindings, phrasings, vocab, registries, errors, loading."""

from __future__ import annotations

import json
import random

import pytest

import synth
from synth.agents.conversation import agent_registry, conversations, load_templates
from synth.compilers.template import Registry, compile_texts, default_registry, from_template


def draws(gen, n=200, seed=1):
    return list(synth.stream(gen, n, seed=seed))


def test_literal_braces_are_escaped():
    g = from_template("{{k: v for k, v in {{}}.items()}} costs {int:1-1}")
    assert draws(g, 3) == ["{k: v for k, v in {}.items()} costs 1"] * 3


@pytest.mark.parametrize(
    "source",
    [
        "{{{V}}}",
        "{{literal}} {V}",
        "{V}}}",
        "{{{V}",
        "{V}}}{{{V}",
        "}}{{",
        "{{{{ {V} }}}}",
        "a {{b}} {V} {{c}}",
        "{V}{V}{{{V}}}{V}",
        "{{{{{V}}}}}",
    ],
)
def test_placeholders_next_to_escaped_braces_read_as_str_format_does(source):
    # str.format is the reference reading of doubled braces around a field
    expected = source.replace("{V}", "{x}").format(x=7)
    g = from_template(source.replace("{V}", "{int:7-7}"))
    assert draws(g, 2) == [expected] * 2


@pytest.mark.parametrize(("source", "column"), [("{V}}", 4), ("{{{V}}", 6), ("x }}}", 5)])
def test_a_lone_closing_brace_after_escapes_is_an_error_at_its_column(source, column):
    with pytest.raises(synth.TemplateError, match="unmatched '}'") as info:
        from_template(source.replace("{V}", "{a}"))
    assert (info.value.line, info.value.column) == (1, column)


def test_bound_name_keeps_its_value_across_texts():
    g = from_template(
        {"a": "{first_name} <{first_name}>", "b": ["Hi {first_name}", "{first_name}!"]},
        registry=agent_registry(),
    )
    for rec in draws(g):
        name = rec["a"].split(" <")[0]
        assert rec["a"] == f"{name} <{name}>"
        assert name in rec["b"]


def test_arguments_draw_fresh_values_and_labels_bind_them():
    g = from_template("{int:1-1000} {int:1-1000} {n=int:1-1000} {n} {n}")
    fresh_differ = 0
    for text in draws(g):
        a, b, c, d, e = text.split()
        assert c == d == e
        fresh_differ += a != b
    assert fresh_differ > 150


def test_label_can_be_used_before_its_definition_in_another_text():
    g = from_template({"q": "Order #{order}?", "a": "Order #{order=numerify:######} shipped."})
    for rec in draws(g, 50):
        number = rec["q"][len("Order #") : -1]
        assert len(number) == 6 and number.isdigit()
        assert rec["a"] == f"Order #{number} shipped."


def test_phrasings_are_all_used():
    g = from_template(["one", "two", "three"])
    assert set(draws(g)) == {"one", "two", "three"}


def test_builtin_providers_respect_their_arguments():
    g = from_template(
        "{int:3-5}|{choice:x|y}|{numerify:AB-###}|{digits:4}|{float:1-2:3}|{year:1999-2001}"
    )
    for text in draws(g, 300):
        i, c, num, dig, fl, year = text.split("|", 1)[0], *text.split("|")[1:]
        assert 3 <= int(i) <= 5
        assert c in ("x", "y")
        assert num.startswith("AB-") and num[3:].isdigit() and len(num) == 6
        assert len(dig) == 4 and dig.isdigit() and dig[0] != "0"
        assert 1 <= float(fl) <= 2 and len(fl.split(".")[1]) == 3
        assert 1999 <= int(year) <= 2001


def test_dates_count_from_the_registry_reference_time():
    import datetime as dt

    ref = dt.datetime(2030, 6, 15, tzinfo=dt.UTC)
    reg = default_registry(reference_time=ref)
    g = from_template("{date:0-0} {days_ahead:1-1}", registry=reg)
    assert draws(g, 2) == ["2030-06-15 Sunday, June 16"] * 2


def test_filters_change_display_not_the_bound_value():
    g = from_template(
        "{who=choice:Mary Ann} {who!upper} {who!lower} {who!slug} {who}",
    )
    assert draws(g, 1) == ["Mary Ann MARY ANN mary ann mary.ann Mary Ann"]


def test_vocab_entries_can_use_other_names():
    g = from_template(
        "{item} for ${price}",
        vocab={
            "item": ["a {color} mug", "a {color} cap"],
            "color": ["red", "blue"],
            "price": ["{int:5-9}"],
        },
    )
    seen = set()
    for text in draws(g, 300):
        item, price = text.split(" for $")
        assert item.split()[1] in ("red", "blue")
        assert 5 <= int(price) <= 9
        seen.add(item)
    assert len(seen) == 4


def test_unknown_placeholder_reports_line_column_and_close_names():
    with pytest.raises(synth.TemplateError) as info:
        from_template("Hello\n  dear {first_nme}!", registry=agent_registry())
    err = info.value
    assert (err.line, err.column) == (2, 8)
    assert "line 2, column 8" in str(err)
    assert "first_name" in str(err)


@pytest.mark.parametrize(
    ("source", "needle", "column"),
    [
        ("abc {oops", "unclosed '{'", 5),
        ("abc } x", "unmatched '}'", 5),
        ("x {a b}", "bad placeholder", 3),
        ("x {int:9-1}", "LOW <= HIGH", 3),
        ("x {first_name!shout}", "unknown filter", 3),
        (
            "x {first_name!lowr}",
            "unknown filter !lowr in {first_name!lowr}; did you mean !lower?",
            3,
        ),
        ("x {uuid:4}", "takes no arguments", 3),
        ("{a=int:1-2} {a=int:1-3}", "defined twice", 13),
    ],
)
def test_syntax_errors_are_template_errors_with_position(source, needle, column):
    with pytest.raises(synth.TemplateError) as info:
        from_template(source)
    assert needle in str(info.value)
    assert info.value.line == 1 and info.value.column == column


def test_templates_cannot_reach_python():
    for source in ["{__import__}", "{0.__class__}", "{x.__class__.__mro__}", "{eval:1+1}"]:
        with pytest.raises(synth.TemplateError):
            from_template(source)


def test_vocab_cycles_are_refused():
    with pytest.raises(synth.TemplateError, match="cycle: a -> b -> a"):
        from_template("{a}", vocab={"a": ["{b}"], "b": ["x {a}"]})


def test_registry_is_extended_without_mutation():
    base = default_registry()
    extended = base.with_providers(
        ticket=synth.integers(100, 100), code=lambda args: synth.just(f"<{args}>")
    )
    g = from_template("{ticket} {code:xyz}", registry=extended)
    assert draws(g, 2) == ["100 <xyz>"] * 2
    assert base.lookup("ticket") is None
    with pytest.raises(synth.TemplateError, match="unknown placeholder"):
        from_template("{ticket}")
    with pytest.raises(synth.InvalidArgument):
        base.with_providers({"bad name": synth.just(1)})


def test_a_registry_without_fallback_knows_only_its_providers():
    reg = Registry({"x": synth.just("1")})
    assert reg.names() == ["x"]
    fns = compile_texts({"t": "{x}{x}"}, registry=reg)
    assert fns["t"](random.Random(0), {}) == "11"


def test_template_repr_is_the_call():
    assert repr(from_template("Hi {int:1-5}")) == "from_template('Hi {int:1-5}')"


def test_same_seed_same_text():
    g = from_template("{first_name} {last_name} {uuid} {int:1-1000}", registry=agent_registry())
    assert draws(g, 50, seed=9) == draws(g, 50, seed=9)
    assert draws(g, 50, seed=9) != draws(g, 50, seed=10)


# -- loading conversation templates --------------------------------------------------------

DOC = {
    "templates": {
        "refund": {
            "description": "A refund request.",
            "vocab": {"product": ["a kettle", "a lamp"]},
            "turns": [
                {"role": "system", "content": "You are a support agent."},
                {
                    "role": "user",
                    "content": ["I want a refund for {product}.", "Refund {product}, please."],
                },
                {
                    "role": "assistant",
                    "content": "Sure, {first_name}. Your {product} refund is on its way.",
                },
            ],
        }
    }
}


def check_refund(templates):
    gen = conversations("refund", templates=templates)
    for conv in draws(gen, 50):
        roles = [m.role for m in conv.messages]
        assert roles == ["system", "user", "assistant"]
        product = "a kettle" if "a kettle" in conv.messages[1].content else "a lamp"
        assert product in conv.messages[2].content


def test_templates_load_from_dict_json_toml_and_yaml(tmp_path):
    check_refund(load_templates(DOC))
    (tmp_path / "t.json").write_text(json.dumps(DOC))
    check_refund(load_templates(tmp_path / "t.json"))
    yaml = pytest.importorskip("yaml")
    (tmp_path / "t.yaml").write_text(yaml.safe_dump(DOC))
    check_refund(load_templates(tmp_path / "t.yaml"))
    toml = """
[refund]
description = "A refund request."
[refund.vocab]
product = ["a kettle", "a lamp"]
[[refund.turns]]
role = "system"
content = "You are a support agent."
[[refund.turns]]
role = "user"
content = ["I want a refund for {product}."]
[[refund.turns]]
role = "assistant"
content = "Sure, {first_name}. Your {product} refund is on its way."
"""
    (tmp_path / "t.toml").write_text(toml)
    check_refund(load_templates(tmp_path / "t.toml"))


def test_bad_documents_name_the_place_inside_the_file(tmp_path):
    bad = json.loads(json.dumps(DOC))
    bad["templates"]["refund"]["turns"][2]["content"] = 42
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    with pytest.raises(synth.TemplateError, match=r"templates\.refund\.turns\[2\]\.content"):
        load_templates(tmp_path / "bad.json")
    bad["templates"]["refund"]["turns"][2] = {"role": "robot", "content": "x"}
    with pytest.raises(synth.TemplateError, match=r"turns\[2\]\.role"):
        load_templates(bad)
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(synth.TemplateError, match="not valid JSON"):
        load_templates(tmp_path / "broken.json")


def test_unknown_placeholder_in_a_loaded_template_names_turn_and_phrasing():
    bad = json.loads(json.dumps(DOC))
    bad["templates"]["refund"]["turns"][1]["content"][1] = "Refund {prodct}, please."
    templates = load_templates(bad)
    with pytest.raises(synth.TemplateError) as info:
        conversations("refund", templates=templates)
    message = str(info.value)
    assert r"templates.refund.turns[1].content[1]" in message
    assert "line 1, column 8" in message and "product" in message


def test_compile_together_reports_the_same_errors_as_compile_texts():
    from synth.compilers.template import compile_together

    for texts, vocab in [
        ({"a": "Hi {frist_name}"}, None),
        ({"a": "{x}"}, {"x": ["{y}"], "y": ["{x}"]}),
        ({"a": "{int:9-1}"}, None),
        ({"a": "oops {"}, None),
    ]:
        errors = []
        for compile_ in (compile_texts, compile_together):
            with pytest.raises(synth.TemplateError) as info:
                compile_(texts, registry=agent_registry(), vocab=vocab)
            errors.append(str(info.value))
        assert errors[0] == errors[1]


def test_lists_drawn_together_stay_uniform_and_independent():
    from collections import Counter

    g = from_template(
        "{a} {b} {c}",
        vocab={"a": ["a0", "a1", "a2"], "b": ["b0", "b1", "b2", "b3", "b4"], "c": ["x", "y"]},
    )
    pairs = Counter(tuple(t.split()[:2]) for t in draws(g, 15000))
    assert len(pairs) == 15
    assert all(800 < n < 1200 for n in pairs.values()), pairs


def test_fresh_draws_in_phrasings_and_bound_values_across_texts():
    g = from_template(
        {
            "q": ["A {n=int:1-1000000} {int:1-1000000}", "B {n} {int:1-1000000}"],
            "r": "{n}",
        }
    )
    seen = set()
    for rec in draws(g, 300):
        kind, n, fresh = rec["q"].split()
        assert rec["r"] == n and kind in "AB"
        seen.add(n != fresh)
    assert seen == {True}


def test_a_template_of_no_texts_gives_empty_records():
    assert draws(from_template({}), 2) == [{}, {}]


def test_unrolled_renders_draw_like_the_loop(monkeypatch):
    from synth.compilers import template

    def records():
        templates = {"t": {"turns": TURNS, "vocab": VOCAB}}
        gen = synth.payload_generator(
            "conversation", templates=templates, constraints={"template": "t"}
        )
        return draws(gen, 50, seed=4)

    unrolled = records()
    monkeypatch.setattr(template, "_UNROLL_LIMIT", -1)
    assert records() == unrolled


TURNS = [
    {"role": "system", "content": ["You help {first_name}.", "Hello {first_name!upper}."]},
    {"role": "user", "content": "Order {o=numerify:####} for {int:1-9} {item}, {tracking}."},
    {"role": "assistant", "content": ["Order {o} noted, {first_name}.", "Got {o}."]},
]
VOCAB = {"item": ["mugs", "caps", "pens"], "tracking": ["1Z{bothify:??###}", "{numerify:####}"]}


BAD_YAML = [  # (document, line and column PyYAML reports the problem at)
    ('mine:\n  turns:\n    - role: user\n      content: "hi\n    - role: x\n', (6, 1)),
    ("mine:\n  turns:\n    - role: user\n      content: [a, b\n", (5, 1)),
    ("mine:\n  turns: a: b\n", (2, 11)),
    ("mine:\n\tturns: []\n", (2, 1)),
]


@pytest.mark.parametrize(("document", "position"), BAD_YAML)
def test_yaml_errors_are_one_line_naming_file_line_and_column(tmp_path, document, position):
    pytest.importorskip("yaml")
    path = tmp_path / "bad.yaml"
    path.write_text(document)
    with pytest.raises(synth.TemplateError) as info:
        load_templates(path)
    message = str(info.value)
    line, column = position
    assert "\n" not in message and "<unicode string>" not in message and "^" not in message
    assert message.startswith(f"{path}:{line}:{column}: not valid YAML: ")
    assert message.count(str(path)) == 1
    assert (info.value.line, info.value.column) == position
    # the same for a tools file
    with pytest.raises(synth.InvalidArgument) as tools_info:
        synth.load_tools(str(path))
    assert "\n" not in str(tools_info.value)
    assert str(tools_info.value).startswith(f"{path}:{line}:{column}: not valid YAML: ")


def test_json_template_errors_name_file_line_and_column(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"mine":\n  {"turns": ]}}')
    with pytest.raises(synth.TemplateError) as info:
        load_templates(path)
    assert str(info.value).startswith(f"{path}:2:13: not valid JSON: ")
    assert (info.value.line, info.value.column) == (2, 13)


def test_the_cli_prints_a_yaml_template_error_on_one_line(tmp_path):
    pytest.importorskip("yaml")
    from tests.cli_helpers import synth_cli

    path = tmp_path / "bad.yaml"
    path.write_text(BAD_YAML[0][0])
    out = tmp_path / "out.jsonl"
    result = synth_cli(
        "generate", "--type", "conversation", "--template", str(path), "--output", str(out)
    )
    assert result.returncode != 0 and not out.exists()
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}:6:1: not valid YAML" in lines[0], result.stderr


def test_a_name_known_twice_is_suggested_once():
    with pytest.raises(synth.TemplateError) as info:
        from_template("hi {frist_name}", registry=agent_registry(), vocab={"first_name": ["Ann"]})
    hint = str(info.value).split("did you mean ", 1)[1].split("?")[0].split(", ")
    assert hint[0] == "first_name" and len(hint) == len(set(hint))


def test_time_is_a_json_schema_time_value():
    import jsonschema

    validator = jsonschema.Draft202012Validator(
        {"type": "string", "format": "time"},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    values = draws(from_template("{time}", registry=agent_registry()), 500)
    assert len(set(values)) > 400
    for value in values:
        assert validator.is_valid(value), value
        assert value.endswith("Z") and len(value) == 9
    # the checker really checks: a time without offset or a bad hour fails it
    assert not validator.is_valid("14:03:27") and not validator.is_valid("25:00:00Z")
    office = draws(from_template("{time:9-17}"), 500)
    assert all(validator.is_valid(v) and 9 <= int(v[:2]) <= 17 for v in office)
    assert {int(v[:2]) for v in office} == set(range(9, 18))
    with pytest.raises(synth.TemplateError, match="hours 0-23"):
        from_template("{time:20-24}")
