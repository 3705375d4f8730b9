"""Text, JSON and conversation data: shapes, exact constraints, coherence, variety."""

from __future__ import annotations

import ast
import datetime as dt
import re
import uuid
from collections import Counter

import pytest

import synth
from synth.agents.text import sentence_bank
from synth.compilers.template import DEFAULT_REFERENCE_TIME

CODE_BLOCK = re.compile(r"```python\n(.*?)```", re.S)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SENTENCE_SPLIT = re.compile(r"(?<=\.) (?=[A-Z])")


def payloads(data_type, n, seed=1, **kw):
    return list(synth.stream(synth.payload_generator(data_type, **kw), n, seed=seed))


# -- text ------------------------------------------------------------------------------------


def test_sentence_bank_sentences_are_single_sentences():
    bank = sentence_bank()
    assert len(bank) > 4000
    for s in bank:
        assert s[0].isupper() and s.endswith(".") and ". " not in s and "{" not in s


@pytest.mark.parametrize(("lo", "hi"), [(3, 3), (5, 10), (1, 5), (0, 0), (2, 6)])
def test_text_has_exactly_the_sentence_counts_asked_for(lo, hi):
    counts = Counter()
    for rec in payloads("text", 600, constraints={"min_sentences": lo, "max_sentences": hi}):
        assert list(rec) == ["text"] and isinstance(rec["text"], str)
        n = len(SENTENCE_SPLIT.split(rec["text"])) if rec["text"] else 0
        counts[n] += 1
    assert set(counts) == set(range(lo, hi + 1))


@pytest.mark.parametrize(("lo", "hi", "count"), [(5, 10, 4000), (12, 40, 1000), (2000, 2000, 3)])
def test_no_paragraph_repeats_a_sentence(lo, hi, count):
    # Independent picks from the bank repeated a sentence in about 1 of 2,000 paragraphs
    # of 5 to 10 sentences, and in most paragraphs of thousands.
    constraints = {"min_sentences": lo, "max_sentences": hi}
    for rec in payloads("text", count, constraints=constraints):
        sentences = SENTENCE_SPLIT.split(rec["text"])
        assert len(set(sentences)) == len(sentences), rec["text"]


def test_paragraph_sentences_are_spread_over_the_whole_bank():
    # the stride's start and step are drawn: sentences come from every part of the bank
    # and pairs of neighbours are not fixed
    bank = {s: i for i, s in enumerate(sentence_bank())}
    firsts, pairs = set(), set()
    for rec in payloads("text", 3000, constraints={"min_sentences": 3, "max_sentences": 3}):
        a, b, _ = (
            bank[s if s.endswith(".") else s + "."] for s in SENTENCE_SPLIT.split(rec["text"])
        )
        firsts.add(a * 8 // len(bank))
        pairs.add((a, b))
    assert firsts == set(range(8)) and len(pairs) == 3000


def test_text_constraints_may_come_as_strings():
    recs = payloads("text", 50, constraints={"min_sentences": "2", "max_sentences": " 2"})
    assert all(len(SENTENCE_SPLIT.split(r["text"])) == 2 for r in recs)


# -- json ------------------------------------------------------------------------------------


def test_free_form_json_has_the_seed_keys_and_types():
    recs = payloads("json", 300)
    for r in recs:
        assert list(r) == ["id", "name", "email", "value", "active", "tags", "created_at"]
        assert str(uuid.UUID(r["id"])) == r["id"]
        assert isinstance(r["name"], str) and " " in r["name"]
        assert EMAIL.fullmatch(r["email"])
        assert isinstance(r["value"], float) and 0 <= r["value"] <= 1000
        assert round(r["value"], 2) == r["value"]
        assert isinstance(r["active"], bool)
        assert 1 <= len(r["tags"]) <= 5 and len(set(r["tags"])) == len(r["tags"])
        created = dt.datetime.fromisoformat(r["created_at"].replace("Z", "+00:00"))
        assert "T" in r["created_at"] and created.tzinfo is not None
        ref = DEFAULT_REFERENCE_TIME
        assert ref - dt.timedelta(days=366) <= created <= ref
    assert len({r["id"] for r in recs}) == len(recs)
    assert {r["active"] for r in recs} == {True, False}


def test_json_reference_time_is_a_constraint():
    recs = payloads("json", 50, constraints={"reference_time": "2031-03-01T00:00:00Z"})
    assert all(r["created_at"].startswith(("2030", "2031")) for r in recs)


def test_json_email_matches_the_name():
    for r in payloads("json", 200):
        first = r["name"].split()[0].lower()
        assert re.sub(r"[^a-z0-9]+", ".", first).strip(".") in r["email"]


# -- conversations ---------------------------------------------------------------------------

TURNS = {"customer_support": 7, "code_assistant": 5, "research_assistant": 5}


@pytest.fixture(scope="module")
def samples():
    return {
        name: payloads("conversation", 1000, seed=5, constraints={"template": name})
        for name in TURNS
    }


@pytest.mark.parametrize("name", list(TURNS))
def test_conversation_shape_matches_the_seed(samples, name):
    for rec in samples[name]:
        assert list(rec) == ["turns"]
        assert len(rec["turns"]) == TURNS[name]
        assert rec["turns"][0]["role"] == "system"
        for i, turn in enumerate(rec["turns"][1:]):
            assert list(turn) == ["role", "content", "tool_calls"]
            assert turn["role"] == ("user" if i % 2 == 0 else "assistant")
            assert isinstance(turn["content"], str) and turn["content"].strip()
            assert turn["tool_calls"] is None


@pytest.mark.parametrize("name", list(TURNS))
def test_at_least_99_percent_of_1000_conversations_are_distinct(samples, name):
    distinct = {tuple(t["content"] for t in rec["turns"]) for rec in samples[name]}
    assert len(distinct) >= 990


@pytest.mark.parametrize("name", list(TURNS))
def test_no_placeholder_is_left_unresolved(samples, name):
    for rec in samples[name]:
        for turn in rec["turns"]:
            prose = CODE_BLOCK.sub("", turn["content"])
            assert "{" not in prose and "}" not in prose, prose
            assert ".." not in prose.replace("...", "")


def test_code_answers_are_valid_python(samples):
    blocks = 0
    for rec in samples["code_assistant"]:
        for turn in rec["turns"]:
            for code in CODE_BLOCK.findall(turn["content"]):
                ast.parse(code)
                blocks += 1
    assert blocks >= 2000


def test_customer_support_bindings_are_consistent(samples):
    for rec in samples["customer_support"]:
        text = " ".join(t["content"] for t in rec["turns"][1:])
        assert len(set(EMAIL.findall(text))) == 1
        orders = set(re.findall(r"(?<![\w.])\d{7}(?!\d)", text))
        assert len(orders) <= 1
        assert orders, text


def test_tracking_numbers_do_not_contradict_the_carrier(samples):
    # the carrier and the tracking number were drawn apart: "with FedEx ... 1ZKSS406878"
    # (a UPS number) or a USPS "9400..." number from DHL
    seen = 0
    for rec in samples["customer_support"]:
        text = " ".join(t["content"] for t in rec["turns"][1:])
        for number in re.findall(r"tracking number (?:is )?(\w+)", text):
            assert number.isdigit() and not number.startswith("9400"), text
            seen += 1
    assert seen >= 20


def test_a_double_charge_ends_the_way_the_agent_explained_it(samples):
    # The phrasings were picked turn by turn: "a temporary authorization hold ... Only one
    # payment was captured" was followed by "Yes please." and "I've issued a refund".
    holds = refunds = 0
    for rec in samples["customer_support"]:
        explained, reply, last = (t["content"] for t in rec["turns"][4:7])
        if "authorization hold" in explained:
            holds += 1
            assert reply.endswith("?") and "issued a refund" not in last, rec
            assert "is refunded" not in last, rec
        elif "refund the duplicate" in explained or "refund it right away" in explained:
            refunds += 1
            assert not reply.endswith("?") and "refund" in last, rec
            assert "still see two charges" not in last, rec
    assert holds > 30 and refunds > 30


def test_a_late_delivery_is_promised_by_the_date_the_agent_gave(samples):
    # The estimate is 1-5 days out, but the closing said "If it hasn't arrived in two
    # days, reply here": it now refers to the date the agent named.
    closings = 0
    for rec in samples["customer_support"]:
        contents = [t["content"] for t in rec["turns"]]
        assert not any("in two days" in c for c in contents), rec
        if "by that date" in contents[-1]:
            closings += 1
            assert any(re.search(r"estimate is|arrive by", c) for c in contents[:-1]), rec
    assert closings > 10


def test_csv_totals_function_is_named_after_what_it_groups_by(samples):
    # "the total amount for each region" came as def total_by_category(...)
    checked = 0
    for rec in samples["code_assistant"]:
        answer = rec["turns"][2]["content"]
        grouped = re.search(r'totals\[row\["(\w+)"\]\]', answer)
        name = re.search(r"def (\w+)\(path", answer)
        if grouped and name:
            assert grouped.group(1) in name.group(1), answer
            checked += 1
    assert checked >= 50


def test_sort_function_names_no_field_it_does_not_sort_by(samples):
    # "order records by two fields, `score` and `email`" came as def by_age_then_name(...)
    checked = 0
    for rec in samples["code_assistant"]:
        answer = rec["turns"][2]["content"]
        keys = re.search(r'itemgetter\("(\w+)", "(\w+)"\)', answer)
        name = re.search(r"def (\w+)\(records", answer)
        if keys and name:
            named = re.fullmatch(r"by_(\w+)_then_(\w+)", name.group(1))
            assert named is None or named.groups() == keys.groups(), answer
            assert "people" not in name.group(1), answer
            checked += 1
    assert checked >= 50


def test_follow_ups_do_not_call_strings_dictionaries(samples):
    # "My emails are dictionaries" / "My user_ids are dictionaries"
    for rec in samples["code_assistant"]:
        for turn in rec["turns"]:
            assert not re.search(
                r"My (emails|user_ids|tags|values|items) are dict", turn["content"]
            )


def test_research_title_asked_about_is_the_one_summarised(samples):
    checked = 0
    for rec in samples["research_assistant"]:
        asked = re.search(r'"([^"]+)"', rec["turns"][1]["content"]).group(1)
        answered = re.search(r'"([^"]+)"', rec["turns"][2]["content"])
        if answered:
            assert answered.group(1) == asked
            checked += 1
    assert checked > 200


def test_code_assistant_follow_up_uses_the_same_function_name(samples):
    checked = 0
    for rec in samples["code_assistant"]:
        first = re.search(r"^def (\w+)\(", rec["turns"][2]["content"], re.M)
        later = re.findall(r"\b(?:def |= |in )(\w+)\(", rec["turns"][4]["content"])
        if first and later and first.group(1) in rec["turns"][4]["content"]:
            checked += 1
    assert checked > 300


# -- exports of conversations ------------------------------------------------------------------


def test_openai_and_sharegpt_exports_of_conversations():
    rec = payloads("conversation", 1, constraints={"export": "openai"})[0]
    # No "tools" key when there are none: OpenAI refuses an empty tools array.
    assert list(rec) == ["messages"]
    assert [m["role"] for m in rec["messages"]][:3] == ["system", "user", "assistant"]
    rec = payloads(
        "conversation", 1, constraints={"template": "code_assistant"}, export="sharegpt"
    )[0]
    assert [c["from"] for c in rec["conversations"]] == ["system", "human", "gpt", "human", "gpt"]
    assert rec["tools"] == "[]"


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data_type", "kwargs", "needle"),
    [
        ("text", {"constraints": {"max_sentences": "abc"}}, "max_sentences expects an integer"),
        ("text", {"constraints": {"min_sentences": 5, "max_sentences": 2}}, "must be <="),
        ("text", {"constraints": {"min_sentence": 2}}, "did you mean 'min_sentences'"),
        ("conversation", {"constraints": {"template": "code"}}, "valid: customer_support"),
        ("text", {"export": "openai"}, "native shape"),
        ("conversation", {"export": "sharegtp"}, "did you mean 'sharegpt'"),
        ("txt", {}, "did you mean 'text'"),
        ("text", {"schema": {"type": "object"}}, "schema applies to data_type 'json'"),
    ],
)
def test_bad_arguments_are_clear_errors(data_type, kwargs, needle):
    with pytest.raises(synth.InvalidArgument, match=re.escape(needle)):
        synth.payload_generator(data_type, **kwargs)


def test_list_templates_describes_the_builtins():
    listed = synth.list_templates()
    assert {k: v["turns"] for k, v in listed.items()} == {**TURNS, "tool_use": "5-9"}


def test_native_fast_path_equals_models_then_export():
    from synth.agents.conversation import builtin_templates, conversations, native_conversations
    from synth.agents.export import conversation_exporter

    for name in TURNS:
        template = builtin_templates()[name]
        fast = list(synth.stream(native_conversations(template), 100, seed=3))
        slow = list(
            synth.stream(conversations(template).map(conversation_exporter("native")), 100, seed=3)
        )
        assert fast == slow


def test_sentence_bank_is_a_power_of_two_of_distinct_sentences_from_every_pattern():
    from synth.agents._data import load_data
    from synth.agents.text import BANK_SIZE

    bank = sentence_bank()
    assert len(bank) == BANK_SIZE == 1 << 14 and len(set(bank)) == BANK_SIZE
    # Every pattern contributes: its literal start appears in the bank.
    for pattern in load_data("sentences")["patterns"]:
        head = pattern.split("{")[0]
        assert any(s.startswith(head) for s in bank), pattern


def test_sentence_count_draw_is_uniform_over_the_range():
    counts = Counter()
    for rec in payloads("text", 3000, constraints={"min_sentences": 2, "max_sentences": 4}):
        counts[len(SENTENCE_SPLIT.split(rec["text"]))] += 1
    assert set(counts) == {2, 3, 4}
    assert all(850 < c < 1150 for c in counts.values()), counts


@pytest.mark.parametrize(
    "ref",
    [
        dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC),
        dt.datetime(2024, 3, 1),
        dt.datetime(2024, 2, 29, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(0))),
        dt.datetime(2024, 2, 29, 23, 59, 59, 5, tzinfo=dt.UTC),
        dt.datetime(2024, 6, 1, 8, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    ],
)
def test_created_at_tables_agree_with_datetime(ref):
    import random

    from synth.agents.records import CREATED_WINDOW_DAYS, _stamp_fn

    stamp = _stamp_fn(ref)
    rng = random.Random(1)
    window = CREATED_WINDOW_DAYS * 86400
    for s in [0, 1, 86399, 86400, window, *(rng.randrange(window + 1) for _ in range(3000))]:
        created = ref - dt.timedelta(seconds=s)
        expected = (
            created.isoformat() if ref.tzinfo is None else created.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        assert stamp(s) == expected


def test_free_form_ids_are_version_4_uuids():
    for r in payloads("json", 200):
        u = uuid.UUID(r["id"])
        assert u.version == 4 and u.variant == uuid.RFC_4122 and str(u) == r["id"]
