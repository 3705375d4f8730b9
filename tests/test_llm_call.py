"""StructuredCall against a scripted OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import time

import attrs
import pytest

from synth import CallFailed, InvalidArgument
from synth.llm import (
    CallParameters,
    Client,
    ResponseCache,
    RetryPolicy,
    StructuredAiCall,
    StructuredCall,
    StructuredCallConfig,
    auto_formatter_for_type,
    auto_parser_for_type,
    load_config,
    run_sync,
)
from tests.llm_server import Reply, ScriptedServer

FAST = RetryPolicy(max_attempts=4, backoff_initial=0.01, backoff_max=0.05)


@attrs.frozen
class Topic:
    topic: str
    n: int


@attrs.frozen
class Person:
    name: str
    age: int


PERSON = json.dumps({"name": "Ada", "age": 36})


def make_call(server, out=Person, caps=("json_schema", "json_object"), retry=FAST, **params):
    client = Client(server.url, capabilities=caps, timeout=params.pop("timeout", 10.0))
    config = StructuredCallConfig("You write people.", CallParameters(model="test-model", **params))
    return StructuredCall(
        client, config, auto_formatter_for_type(Topic), auto_parser_for_type(out), retry
    )


@pytest.fixture
def server():
    with ScriptedServer(default=Reply(content=PERSON)) as s:
        yield s


def test_happy_path_sends_json_schema_and_every_parameter(server):
    call = make_call(
        server,
        temperature=0.3,
        top_p=0.9,
        max_tokens=99,
        stop=["END"],
        presence_penalty=0.1,
        frequency_penalty=0.2,
        extra_body={"top_k": 5},
    )
    result = run_sync(call.call(Topic("people", 3), seed=7))
    assert result.value == Person("Ada", 36)
    assert result.cached is False and [a.outcome for a in result.attempts] == ["ok"]
    assert result.usage.prompt_tokens == 10 and result.usage.completion_tokens == 5
    body = server.requests[0]
    assert body["messages"] == [
        {"role": "system", "content": "You write people."},
        {"role": "user", "content": '{"topic":"people","n":3}'},
    ]
    assert body["seed"] == 7 and body["temperature"] == 0.3 and body["top_p"] == 0.9
    assert body["max_tokens"] == 99 and body["stop"] == ["END"] and body["top_k"] == 5
    assert body["presence_penalty"] == 0.1 and body["frequency_penalty"] == 0.2
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    run_sync(make_call(server).call(Topic("x", 1)))
    assert "temperature" not in server.requests[1]  # None means: not sent


def test_json_object_fallback_puts_the_schema_in_the_prompt(server):
    run_sync(make_call(server, caps=("json_object",)).call(Topic("people", 1)))
    body = server.requests[0]
    assert body["response_format"] == {"type": "json_object"}
    assert '"additionalProperties":false' in body["messages"][0]["content"]


def test_prompt_only_when_the_server_has_no_capabilities(server):
    run_sync(make_call(server, caps=()).call(Topic("people", 1)))
    body = server.requests[0]
    assert "response_format" not in body
    assert "JSON Schema" in body["messages"][0]["content"]


def test_list_outputs_are_requested_wrapped(server):
    server.default = Reply(content=json.dumps({"value": [{"name": "A", "age": 1}]}))
    assert run_sync(make_call(server, out=list[Person])(Topic("p", 1))) == [Person("A", 1)]
    schema = server.requests[0]["response_format"]["json_schema"]["schema"]
    assert schema["properties"]["value"]["type"] == "array"


def test_validation_error_is_fed_back_to_the_model(server):
    server.replies = [Reply(content='{"name": "Ada", "age": "old"}')]
    result = run_sync(make_call(server).call(Topic("people", 1)))
    assert result.value == Person("Ada", 36)
    assert [a.outcome for a in result.attempts] == ["invalid", "ok"]
    first, second = server.requests
    assert len(second["messages"]) == len(first["messages"]) + 2
    assert second["messages"][-2] == {
        "role": "assistant",
        "content": '{"name": "Ada", "age": "old"}',
    }
    feedback = second["messages"][-1]
    assert feedback["role"] == "user"
    assert "$.age: expected integer, got 'old'" in feedback["content"]


def test_fenced_answers_pass_first_time(server):
    server.replies = [Reply(content="Here you go:\n```json\n" + PERSON + "\n```")]
    result = run_sync(make_call(server).call(Topic("people", 1)))
    assert len(result.attempts) == 1 and len(server.requests) == 1


def test_500_then_ok_is_retried_with_backoff(server):
    server.replies = [Reply(status=500), Reply(status=503)]
    result = run_sync(make_call(server).call(Topic("people", 1)))
    assert [a.outcome for a in result.attempts] == ["transport", "transport", "ok"]
    assert "HTTP 500" in result.attempts[0].reason
    assert len(server.requests) == 3
    assert result.usage.requests == 1  # only answered requests count tokens


def test_429_honours_retry_after(server):
    server.replies = [Reply(status=429, headers={"retry-after": "0.4"})]
    started = time.perf_counter()
    result = run_sync(make_call(server).call(Topic("people", 1)))
    assert time.perf_counter() - started >= 0.4
    assert "Retry-After 0.4s" in result.attempts[0].reason
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_fatal_statuses_are_not_retried(server, status):
    server.default = Reply(status=status)
    with pytest.raises(CallFailed) as err:
        run_sync(make_call(server).call(Topic("people", 1)))
    assert len(server.requests) == 1
    assert f"HTTP {status}" in str(err.value)
    assert [a.outcome for a in err.value.attempts] == ["fatal"]


def test_connection_refused_is_retried_then_fails_with_the_attempt_list():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nobody listens
    client = Client(f"http://127.0.0.1:{port}/v1", timeout=5)
    call = StructuredCall(client, StructuredCallConfig("s", CallParameters(model="m")), retry=FAST)
    with pytest.raises(CallFailed) as err:
        call.run_sync("hi")
    attempts = err.value.attempts
    assert len(attempts) == 4 and all(a.outcome == "transport" for a in attempts)
    assert "connection error" in attempts[0].reason
    assert "failed after 4 attempt(s)" in str(err.value) and "#4 transport" in str(err.value)


def test_dropped_connection_and_timeout_are_retried(server):
    server.replies = [Reply(drop=True), Reply(delay=1.5)]
    result = run_sync(make_call(server, timeout=0.5).call(Topic("people", 1)))
    outcomes = [(a.outcome, a.reason.split(":")[0].split(" after")[0]) for a in result.attempts]
    assert outcomes == [
        ("transport", "connection error"),
        ("transport", "timed out"),
        ("ok", "stop"),
    ]


def test_non_json_body_empty_choices_and_refusal_are_retried(server):
    server.replies = [
        Reply(raw=b"<html>busy</html>"),
        Reply(choices=False),
        Reply(content=None, refusal="I cannot"),
    ]
    result = run_sync(make_call(server, retry=RetryPolicy(max_attempts=5)).call(Topic("p", 1)))
    assert [a.outcome for a in result.attempts] == ["transport", "empty", "empty", "ok"]
    assert "refusal: I cannot" in result.attempts[2].reason


@pytest.mark.parametrize(
    "reply",
    [
        Reply(raw=b'{"choices": [{"message": {"content": "x"'),  # JSON cut off
        Reply(raw=b'{"id": "chatcmpl-1", "object": "chat.completion"}'),  # no choices
        Reply(raw=b'{"choices": "none"}'),
        Reply(raw=b'{"choices": [1]}'),
        Reply(raw=b'{"choices": [{"finish_reason": "stop"}]}'),  # no message
        Reply(raw=b'{"choices": [{"message": "hello"}]}'),
        Reply(raw=b'{"choices": [{"message": {"content": 42}}]}'),
        Reply(raw=b'{"choices": [{"message": {"content": "x"}}], "usage": "lots"}'),
        Reply(raw=b'{"choices": [{"message": {"content": "x"}}], "usage": {"prompt_tokens": "?"}}'),
        Reply(raw=b"[1, 2]"),
        Reply(content=PERSON, cut=25),  # body cut off in transit
    ],
)
def test_malformed_bodies_are_retried_like_a_5xx(server, reply):
    server.replies = [reply]
    result = run_sync(make_call(server).call(Topic("p", 1)))
    assert result.value == Person("Ada", 36)
    assert [a.outcome for a in result.attempts] == ["transport", "ok"]
    assert len(server.requests) == 2


def test_malformed_bodies_only_fail_with_the_attempt_list(server):
    server.default = Reply(raw=b'{"choices": [{"message": null}]}')
    with pytest.raises(CallFailed) as info:
        run_sync(
            make_call(server, retry=RetryPolicy(max_attempts=2, backoff_initial=0.01)).call(
                Topic("p", 1)
            )
        )
    assert [a.outcome for a in info.value.attempts] == ["transport", "transport"]
    assert "not a chat completion" in str(info.value)


def test_truncated_answers_are_retried_with_more_max_tokens(server):
    server.replies = [Reply(content='{"name": "Ada", "ag', finish_reason="length")]
    result = run_sync(make_call(server, max_tokens=40).call(Topic("people", 1)))
    assert [a.outcome for a in result.attempts] == ["truncated", "ok"]
    assert [r["max_tokens"] for r in server.requests] == [40, 80]
    assert result.usage.requests == 2 and result.usage.completion_tokens == 10


def test_one_budget_bounds_attempts_across_failure_kinds(server):
    server.replies = [Reply(status=500), Reply(content="bad"), Reply(status=502)]
    server.default = Reply(content="still bad")
    with pytest.raises(CallFailed) as err:
        run_sync(
            make_call(server, retry=RetryPolicy(max_attempts=5, backoff_initial=0.01))(
                Topic("p", 1)
            )
        )
    assert len(server.requests) == 5
    outcomes = [a.outcome for a in err.value.attempts]
    assert outcomes == ["transport", "invalid", "transport", "invalid", "invalid"]
    assert "retry budget is spent" in str(err.value)


def test_time_budget_stops_before_a_long_retry_after(server):
    server.default = Reply(status=429, headers={"retry-after": "30"})
    started = time.perf_counter()
    with pytest.raises(CallFailed, match="would exceed max_seconds=2") as err:
        run_sync(make_call(server, retry=RetryPolicy(max_seconds=2))(Topic("p", 1)))
    assert time.perf_counter() - started < 2
    assert len(server.requests) == 1
    assert [a.outcome for a in err.value.attempts] == ["transport"]


def test_sdk_retries_are_off_so_nothing_stacks(server):
    server.default = Reply(status=500)
    with pytest.raises(CallFailed):
        run_sync(
            make_call(server, retry=RetryPolicy(max_attempts=3, backoff_initial=0.01))(
                Topic("p", 1)
            )
        )
    assert len(server.requests) == 3


def test_retries_are_logged_with_their_reason(server, caplog):
    server.replies = [Reply(status=500)]
    with caplog.at_level(logging.WARNING, logger="synth.llm"):
        run_sync(make_call(server)(Topic("p", 1)))
    messages = [r.getMessage() for r in caplog.records if r.name == "synth.llm"]
    assert len(messages) == 1 and "attempt 1/4 failed: HTTP 500" in messages[0]


def test_usage_is_counted_per_call_and_in_total(server):
    call = make_call(server)
    first = run_sync(call.call(Topic("a", 1)))
    server.replies = [Reply(content="bad", usage=(7, 3))]
    second = run_sync(call.call(Topic("b", 1)))
    assert first.usage.total_tokens == 15
    assert second.usage.prompt_tokens == 17 and second.usage.completion_tokens == 8
    assert call.usage.requests == 3 and call.usage.prompt_tokens == 27


def test_cache_replays_without_a_request(server, tmp_path):
    call = make_call(server)
    call.cache = ResponseCache(tmp_path / "c.sqlite")
    first = run_sync(call.call(Topic("a", 1), seed=3))
    again = run_sync(call.call(Topic("a", 1), seed=3))
    other_seed = run_sync(call.call(Topic("a", 1), seed=4))
    assert len(server.requests) == 2
    assert first.cached is False and again.cached is True and other_seed.cached is False
    assert again.value == first.value and again.usage == first.usage


def test_run_sync_works_inside_a_running_event_loop(server):
    call = make_call(server)

    async def notebook_cell():
        return call.run_sync(Topic("a", 1))

    assert asyncio.run(notebook_cell()) == Person("Ada", 36)


def test_from_files_loads_the_pair_and_refuses_a_suffix(server, tmp_path):
    (tmp_path / "persona.v2.txt").write_text("  Be a persona.\n")
    (tmp_path / "persona.v2.json").write_text(
        json.dumps({"model": "m", "temperature": 0.5, "max_tokens": 12, "seed": 1})
    )
    call = StructuredAiCall.from_files(Client(server.url), tmp_path / "persona.v2")
    assert call.config.system_message == "Be a persona."
    assert call.config.parameters.max_tokens == 12
    assert call.run_sync("hi") == PERSON
    assert server.requests[0]["max_tokens"] == 12 and server.requests[0]["seed"] == 1
    with pytest.raises(InvalidArgument, match="without a suffix"):
        load_config(tmp_path / "persona.v2.txt")
    with pytest.raises(InvalidArgument, match=r"missing .*other\.txt"):
        load_config(tmp_path / "other")
    (tmp_path / "bad.txt").write_text("x")
    (tmp_path / "bad.json").write_text('{"model": "m", "max_tokns": 3}')
    with pytest.raises(InvalidArgument, match="max_tokns"):
        load_config(tmp_path / "bad")


def test_importing_synth_does_not_import_openai():
    code = "import sys, synth, synth.llm; print('openai' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
