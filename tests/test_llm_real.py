"""The real-model tier: Gemma 3 270M served by llama.cpp on 127.0.0.1 (synth.llm.local).

It is a small *base* model, so these tests check structure, not wording: typed answers
parse and validate, a seed reproduces an answer, a truncated answer is retried, and a small
model-written dataset is reproducible (from the cache, and from the seeds alone).
"""

from __future__ import annotations

import attrs
import pytest

import synth
from synth.llm import (
    CallParameters,
    Client,
    RetryPolicy,
    StructuredCall,
    StructuredCallConfig,
    auto_parser_for_type,
    llm_value,
    run_dataset,
)
from synth.llm.local import MODEL_NAME, LocalModel

PATIENT = RetryPolicy(max_attempts=4, max_seconds=900)


@attrs.frozen
class Person:
    name: str
    age: int
    city: str


@pytest.fixture(scope="module")
def model():
    with LocalModel(parallel=1) as server:
        yield server


def person_call(model, max_tokens=80, retry=PATIENT):
    config = StructuredCallConfig(
        "You write short JSON records of people.",
        CallParameters(model=MODEL_NAME, max_tokens=max_tokens, temperature=0.8),
    )
    return StructuredCall(
        Client(model.base_url, timeout=600),
        config,
        parser=auto_parser_for_type(Person),
        retry=retry,
    )


def test_typed_answers_parse_and_the_same_seed_gives_the_same_answer(model):
    first = person_call(model).run_sync("A person from Italy.", seed=1)
    again = person_call(model).run_sync("A person from Italy.", seed=1)
    assert isinstance(first, Person)
    assert isinstance(first.name, str) and isinstance(first.age, int)
    assert first == again


def test_a_truncated_answer_is_retried_with_more_tokens(model):
    call = person_call(model, max_tokens=4, retry=attrs.evolve(PATIENT, grow_max_tokens=32))
    result = synth.llm.run_sync(call.call("A person from Spain.", seed=2))
    assert result.attempts[0].outcome == "truncated"
    assert result.attempts[-1].outcome == "ok"
    assert isinstance(result.value, Person)
    assert result.usage.requests == len(result.attempts)


def test_a_model_written_dataset_is_reproducible(model, tmp_path):
    call = person_call(model)
    countries = synth.sampled_from(["Peru", "Japan", "Kenya", "Norway"])
    gen = synth.record(
        country=countries,
        person=llm_value(call, countries.map(lambda c: f"A person from {c}.")),
    )
    out1, out2, out3 = (tmp_path / f"out{i}.jsonl" for i in (1, 2, 3))
    cache = tmp_path / "cache.sqlite"
    first = run_dataset(gen, 3, seed=5, output=out1, cache=cache, max_concurrency=2)
    assert first.called == 3 and first.usage.completion_tokens > 0
    replay = run_dataset(gen, 3, seed=5, output=out2, cache=cache, max_concurrency=2)
    assert replay.called == 0 and replay.cached == 3
    assert out2.read_bytes() == out1.read_bytes()
    fresh = run_dataset(gen, 3, seed=5, output=out3, cache=tmp_path / "other.sqlite")
    assert fresh.called == 3
    assert out3.read_bytes() == out1.read_bytes()  # the seeds alone reproduce the answers
