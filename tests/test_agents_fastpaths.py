"""The fast paths of tool calls and traces draw exactly what the general paths draw.

``tool_call_records`` and ``trace_records`` (used by the seed API for native records) build
their records directly; ``Behaviour.compile_call_json`` assembles argument JSON from
pieces; ``weighted_chooser`` picks from a table; templates are compiled f-strings. Each is
checked against the plain way of doing the same thing, and the records of the seed API are
pinned, so that a speed-up cannot change them unnoticed.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from itertools import accumulate

import orjson
import pytest

import synth
from synth import DataGenerator, GeneratorConfig
from synth.agents._behaviour import dumps
from synth.agents._builtin import _many
from synth.agents._draw import compile_format, weighted_chooser
from synth.agents.tools import BUILTIN_TOOLS, behaviour_for

TOOLS = ("search", "email", "database", "file_operations")


@pytest.mark.parametrize("locale", ["en_US", "de_DE", "ja_JP"])
@pytest.mark.parametrize("tool", TOOLS)
def test_call_json_is_the_json_of_call_with_the_same_draws(tool: str, locale: str) -> None:
    # The call JSON pastes names, addresses and paths into pre-escaped text: the same
    # text as dumps(call) for every locale's people.
    b = behaviour_for(BUILTIN_TOOLS[tool], locale)
    fast = b.compile_call_json()
    for seed in range(300):
        slow_rng, fast_rng = random.Random(seed), random.Random(seed)
        assert fast(fast_rng) == dumps(b.call(slow_rng)[0])
        assert fast_rng.random() == slow_rng.random()  # the same number of draws


@pytest.mark.parametrize("tools", [["search"], ["email"], ["database", "file_operations"], TOOLS])
def test_tool_call_records_are_the_records_of_tool_calls(tools: list[str]) -> None:
    fast = synth.stream(synth.tool_call_records(list(tools)), 400, seed=11)
    slow = synth.stream(synth.tool_calls(list(tools)).map(synth.tool_call_record), 400, seed=11)
    assert list(fast) == list(slow)


def _people_with_odd_names():
    # A People whose names need escaping in JSON (a quote, a backslash, a newline): the
    # call JSON that pastes names in as they are must then be made another way.
    from synth.agents._builtin import People

    people = People()
    odd = ('Zo"\u00eb', 'Zo"\u00eb Back\\slash', "zoe")
    other = ("Al\\", "Al\\ New", "al")
    people.table = tuple(
        (odd, other)[i % 2] if i % 7 == 0 else e for i, e in enumerate(people.table)
    )
    return people


@pytest.mark.parametrize("tool", ["email", "file_operations"])
def test_call_json_with_names_that_need_escaping(tool: str) -> None:
    from synth.agents._builtin import BUILTIN_BEHAVIOURS, _plain

    assert _plain(["plain", ("Zo\u00eb", "M\u00fcnchen \u2013")]) is True
    assert not _plain(['say "hi"']) and not _plain(["a\\b"]) and not _plain(["a\nb"])
    spec = BUILTIN_TOOLS[tool]
    b = BUILTIN_BEHAVIOURS[spec.name](spec, _people_with_odd_names())
    fast = b.compile_call_json()
    odd = 0
    for seed in range(3000):
        slow_rng, fast_rng = random.Random(seed), random.Random(seed)
        text = fast(fast_rng)
        assert text == dumps(b.call(slow_rng)[0])
        assert fast_rng.random() == slow_rng.random()
        odd += 'Zo\\"' in text
    assert odd  # the odd names were drawn


def test_query_json_with_names_that_need_escaping() -> None:
    b = behaviour_for(BUILTIN_TOOLS["database"])
    from synth.agents._builtin import ExecuteQuery

    b = ExecuteQuery(BUILTIN_TOOLS["database"], b.people_)
    table = next(iter(b.tables.values()))
    table.columns = {**table.columns, "odd name": {"kind": "count"}}
    fast = b.compile_call_json()
    for seed in range(500):
        slow_rng, fast_rng = random.Random(seed), random.Random(seed)
        assert fast(fast_rng) == dumps(b.call(slow_rng)[0])
        assert fast_rng.random() == slow_rng.random()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"min_steps": 1, "max_steps": 1},
        {"success_rate": 0.0, "max_steps": 9},
        {"tools": ["email"]},
        {"tools": ["file_operations", "database"], "success_rate": 0.3},
        {"failures": {"wrong_answer": 1, "step_limit": 1}, "success_rate": 0.5},
        {"agent_names": ["ops_bot"]},
    ],
)
def test_trace_records_are_the_records_of_traces(kwargs: dict) -> None:
    fast = list(synth.stream(synth.trace_records(**kwargs), 150, seed=5))
    slow = list(synth.stream(synth.traces(**kwargs).map(synth.trace_record), 150, seed=5))
    assert orjson.dumps(fast) == orjson.dumps(slow)


def test_trace_records_repr_names_the_factory() -> None:
    assert repr(synth.trace_records(min_steps=1)) == "trace_records(min_steps=1)"


def _bisect_chooser(pairs: list[tuple[str, float]]):  # the general weighted pick
    values = [v for v, _ in pairs]
    cum = list(accumulate(float(w) for _, w in pairs))
    return lambda rng: values[min(bisect_right(cum, rng.random() * cum[-1]), len(cum) - 1)]


@pytest.mark.parametrize(
    "pairs",
    [
        [("a", 50), ("b", 12), ("c", 18), ("d", 20)],
        [("a", 0), ("b", 3), ("c", 0), ("d", 1), ("e", 0)],
        [("a", 1)],
        [("a", 2.0), ("b", 1.0)],
    ],
)
def test_weighted_chooser_table_picks_what_bisection_picks(pairs: list) -> None:
    fast, slow = weighted_chooser(pairs), _bisect_chooser(pairs)
    r1, r2 = random.Random(3), random.Random(3)
    assert [fast(r1) for _ in range(5000)] == [slow(r2) for _ in range(5000)]


def test_weighted_chooser_keeps_fractional_weights() -> None:
    pairs = [("a", 0.25), ("b", 0.5), ("c", 0.125)]
    fast, slow = weighted_chooser(pairs), _bisect_chooser(pairs)
    r1, r2 = random.Random(4), random.Random(4)
    assert [fast(r1) for _ in range(2000)] == [slow(r2) for _ in range(2000)]


@pytest.mark.parametrize(
    "template",
    [
        "Hi {name},",
        "{name}{other}",
        "no fields at all",
        "{{literal}} {name} }} {{",
        "quotes ' and \" and a backslash \\ and a newline\n{name}",
        "{name!r} {other:>8} {count:,} {count:05d}",
        "{count:{width}}",  # a nested spec: formatted with format_map
        "Nach München — {name} \u2013 \u201c{other}\u201d",
        "",
    ],
)
def test_compile_format_is_str_format(template: str) -> None:
    fn = compile_format(template, ("name", "other", "count", "width"))
    values = {"name": "Ann", "other": 'O\'Neil "x"', "count": 12345, "width": 9}
    assert fn(*values.values()) == template.format(**values)


def test_compile_format_refuses_unknown_fields_and_bad_names() -> None:
    with pytest.raises(ValueError, match="unknown field"):
        compile_format("{missing}", ("name",))
    with pytest.raises(ValueError, match="unknown field"):
        compile_format("{name.attr}", ("name",))
    with pytest.raises(ValueError, match="identifiers"):
        compile_format("{a}", ("a", "a"))
    with pytest.raises(ValueError, match="identifiers"):
        compile_format("{a}", ("a b",))


def test_compiled_picks_need_two_items() -> None:
    assert _many([1, 2]) == (1, 2)
    with pytest.raises(ValueError, match="at least two"):
        _many([1])


# The seed API's records, pinned: a change of any of these is a change of the data that a
# seed gives, to be made on purpose (and said in the commit), never as a side effect.
PINNED = [
    ("tool_call", {"tool": "search"}, 500, "fdaf4ac6c47a15edb332c5911f88ae8e"),
    ("tool_call", {"tool": "email"}, 500, "eef86537e39c8d51638455109e2ad52f"),
    ("tool_call", {"tool": "database"}, 500, "9cc0b1a3963182589d904c228a692763"),
    ("tool_call", {"tool": "file_operations"}, 500, "2f23a0b07f28253e98cc73d143991a8a"),
    ("agent_trace", {}, 200, "5d063f3c418418790580687317a7b9ac"),
    ("agent_trace", {"success_rate": 0.0}, 200, "cd12f922072959a09c2cdd8469eb4252"),
    ("text", {}, 2000, "ae3f0b92473213441215a3b65a95668f"),
    ("text", {"min_sentences": 2, "max_sentences": 9}, 1000, "65dbf0cda3a0358be92d42dc0a5e9149"),
    ("json", {}, 1000, "3bd7c32c5da6039176693e1ae056bc6e"),
    ("conversation", {}, 500, "66f9a16f611c4ed2f59fd71df377aa4a"),
    ("conversation", {"template": "code_assistant"}, 1000, "33e1423e4fd936acd7f88b9c0f6a6711"),
    ("conversation", {"template": "research_assistant"}, 1000, "a521a791bb8d4e0a8522ac703a2d22d3"),
]


@pytest.mark.parametrize(("data_type", "constraints", "count", "expected"), PINNED)
def test_seed_api_records_are_pinned(
    data_type: str, constraints: dict, count: int, expected: str
) -> None:
    config = GeneratorConfig(data_type=data_type, count=count, seed=2026, constraints=constraints)
    h = hashlib.sha256()
    for sample in DataGenerator().generate(config).samples:
        h.update(orjson.dumps(sample))
        h.update(b"\n")
    assert h.hexdigest()[:32] == expected


def test_compiled_rows_are_the_rows_drawn_column_by_column() -> None:
    b = behaviour_for(BUILTIN_TOOLS["database"])
    rng = random.Random(8)
    shapes = 0
    for _ in range(3000):
        _, q = b.call(rng)
        if q.shape not in ("rows", "join"):
            continue
        shapes += 1
        seed = rng.getrandbits(32)
        slow_rng, fast_rng = random.Random(seed), random.Random(seed)
        slow = [b._row(slow_rng, q) for _ in range(4)]
        fast = b._compile_rows(q)(fast_rng, 4, q.fixed, q.window)
        assert fast == slow
        assert fast_rng.random() == slow_rng.random()
    assert shapes > 1000


def test_rows_are_compiled_only_for_shapes_that_draw_many_rows() -> None:
    # Compiling a shape costs about a hundred rows' worth of savings: a shape is compiled
    # once it has drawn more than _COMPILE_AFTER rows (not after a few calls), and the
    # rows are the same either way.
    from synth.agents._builtin import _COMPILE_AFTER

    b = behaviour_for(BUILTIN_TOOLS["database"])
    rng = random.Random(3)
    while True:
        _, q = b.call(rng)
        if q.shape in ("rows", "join"):
            break
    b._rows_cache.clear()
    b._rows_seen.clear()
    seed = rng.getrandbits(32)
    slow_rng, fast_rng = random.Random(seed), random.Random(seed)
    drawn = 0
    while drawn <= _COMPILE_AFTER:
        assert not b._rows_cache
        assert b._rows(slow_rng, q, 7) == [b._row(fast_rng, q) for _ in range(7)]
        drawn += 7
    assert len(b._rows_cache) == 1
    assert b._rows(slow_rng, q, 7) == [b._row(fast_rng, q) for _ in range(7)]
    assert fast_rng.random() == slow_rng.random()


# -- text and conversation records ---------------------------------------------------------


def _general_render(monkeypatch: pytest.MonkeyPatch, texts: dict, **kw: object) -> object:
    """``compile_together`` without the tabled render (the general, assembling one)."""
    from synth.compilers import template

    with monkeypatch.context() as m:
        m.setattr(template, "_tabled_render", lambda *a: None)
        return template.compile_together(texts, **kw)


TABLED_TEXTS = [
    {"a": "{greeting}, {who}!", "b": ["{who} again.", "Bye {who}.", "Plain."]},
    {"a": "x", "b": "{int:1-3} and {k} {n}", "c": ["{k!upper}", "{k!title} {k}"], "d": "100% {k}"},
    {"a": ["{fn}({v})", "{fn}()"], "b": "{fn} {fn!upper}", "c": "{big}", "d": "{system}"},
]
TABLED_VOCAB = {
    "greeting": ["Hi", "Hello", "Hey {who}"],
    "who": ["Ann", "Bob", "Cy", "Di"],
    "n": ["{int:3-9}"],
    "k": ["alpha", "beta", "gamma"],
    "fn": ["f", "g", "h"],
    "v": ["x", "y"],
    "big": ["{int:1-900}"],
    "system": ["You are A.", "You are B.", "You are C."],
}


@pytest.mark.parametrize("texts", TABLED_TEXTS)
def test_tabled_render_draws_what_the_general_render_draws(
    monkeypatch: pytest.MonkeyPatch, texts: dict
) -> None:
    from synth.compilers.template import compile_together

    vocab = {k: v for k, v in TABLED_VOCAB.items()}
    fast = compile_together(texts, vocab=vocab)
    slow = _general_render(monkeypatch, texts, vocab=vocab)
    assert fast.__code__ is not slow.__code__  # type: ignore[attr-defined]
    a, b = random.Random(3), random.Random(3)
    for _ in range(3000):  # many repeats: texts kept after their first draw are reused
        assert fast(a) == slow(b)  # type: ignore[operator]
    assert a.random() == b.random()


@pytest.mark.parametrize("name", ["customer_support", "code_assistant", "research_assistant"])
def test_builtin_scenarios_render_what_the_general_render_renders(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    from synth.agents.conversation import agent_registry, builtin_templates

    tpl = builtin_templates()[name]
    registry = agent_registry()
    for sc in tpl.scenarios:
        texts = {f"t{j}": t.content for j, t in enumerate(sc.turns)}
        vocab = {**tpl.vocab, **sc.vocab}
        from synth.compilers.template import compile_together

        fast = compile_together(texts, registry=registry, vocab=vocab)
        slow = _general_render(monkeypatch, texts, registry=registry, vocab=vocab)
        a, b = random.Random(sc.name), random.Random(sc.name)
        for _ in range(300):
            assert fast(a) == slow(b)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("data_type", "constraints"),
    [
        ("text", {}),
        ("text", {"min_sentences": 0, "max_sentences": 12}),
        ("conversation", {"template": "code_assistant"}),
        ("conversation", {"template": "customer_support"}),
        ("tool_call", {"tool": "search"}),
        ("tool_call", {"tool": "email"}),
    ],
)
def test_indexed_samples_are_the_records_with_their_index(
    data_type: str, constraints: dict
) -> None:
    from synth.agents.datasets import payload_generator

    gen = payload_generator(data_type, constraints=constraints)
    a, b = random.Random(11), random.Random(11)
    for i in range(500):
        sample, record = gen._indexed(a, i), {"index": i, **gen._fn(b)}  # type: ignore[attr-defined]
        assert sample == record
        assert list(sample) == list(record)  # the same key order, too


def test_indexed_tool_call_records_of_several_tools() -> None:
    from synth.agents.tools import tool_call_records

    gen = tool_call_records(["search", "database", "file_operations"])
    a, b = random.Random(5), random.Random(5)
    names = set()
    for i in range(300):
        sample, record = gen._indexed(a, i), {"index": i, **gen._fn(b)}  # type: ignore[attr-defined]
        assert sample == record and list(sample) == list(record)
        names.add(sample["function"]["name"])
    assert names == {"web_search", "execute_query", "file_operation"}


@pytest.mark.parametrize(
    ("data_type", "constraints"),
    [("text", {}), ("json", {}), ("conversation", {"template": "research_assistant"})],
)
def test_seed_api_samples_are_the_stream_numbered(data_type: str, constraints: dict) -> None:
    from synth.agents.datasets import payload_generator

    config = GeneratorConfig(data_type=data_type, count=200, seed=9, constraints=constraints)
    samples = DataGenerator().generate(config).samples
    records = synth.stream(payload_generator(data_type, constraints=constraints), 200, seed=9)
    assert samples == [{"index": i, **r} for i, r in enumerate(records)]


def test_seed_api_leaves_the_garbage_collector_alone(monkeypatch) -> None:
    # The collector is the whole process's: pausing it during generate() (tried for
    # speed) would change it under every other thread of the program.
    import gc

    def forbidden(*args: object) -> None:
        raise AssertionError("synth must not change the process's garbage collector")

    for name in ("disable", "enable", "freeze", "unfreeze", "set_threshold"):
        monkeypatch.setattr(gc, name, forbidden)
    for data_type in ("text", "json", "conversation", "tool_call", "agent_trace"):
        DataGenerator().generate(GeneratorConfig(data_type=data_type, count=100, seed=1))


def test_conversation_samples_share_no_mutable_parts() -> None:
    config = GeneratorConfig(
        data_type="conversation", count=300, seed=4, constraints={"template": "code_assistant"}
    )
    samples = DataGenerator().generate(config).samples
    before = orjson.dumps(samples)
    containers = [id(t) for s in samples for t in s["turns"]] + [id(s["turns"]) for s in samples]
    assert len(set(containers)) == len(containers)
    for s in samples[::2]:  # mutating one sample changes no other
        s["turns"][1]["content"] += " (edited)"
        s["turns"].append({"role": "user", "content": "more", "tool_calls": None})
    after = orjson.loads(orjson.dumps(samples))
    for i, (old, new) in enumerate(zip(orjson.loads(before), after, strict=True)):
        if i % 2:
            assert old == new
