"""Agent traces: the loop's order, matching ids, time, failures and the final answer."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import jsonschema
import pytest

import synth
from synth.agents.trace import FAILURES

TOOL_FAILURES = {"tool_error", "timeout", "invalid_arguments"}
_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def _validator(spec: synth.ToolSpec) -> jsonschema.protocols.Validator:
    key = json.dumps([spec.name, spec.parameters], sort_keys=True)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = jsonschema.Draft202012Validator(spec.parameters)
    return _VALIDATORS[key]


def check_trace(t: synth.Trace, min_steps: int, max_steps: int) -> int:
    """Every coherence property a trace must have."""
    steps = t.steps
    assert [s.index for s in steps] == list(range(len(steps)))
    assert len(steps) % 3 == 0
    n = len(steps) // 3
    assert min_steps <= n <= max_steps
    start = t.started_at.timestamp()
    previous = start
    specs = {s.name: s for s in t.tools}
    retries: list[int] = []
    for k in range(n):
        thought, call_step, obs = steps[3 * k : 3 * k + 3]
        assert (thought.type, call_step.type, obs.type) == ("thought", "tool_call", "observation")
        call, result = call_step.call, obs.result
        assert thought.content and call.name in thought.content
        assert result.tool_call_id == call.id and result.name == call.name
        assert _validator(specs[call.name]).is_valid(call.arguments), call.arguments
        json.loads(result.content)
        for s in (thought, call_step, obs):
            assert s.latency_ms >= 0
            assert s.timestamp >= previous
            assert abs(s.timestamp - previous - s.latency_ms / 1000) < 1e-6
            previous = s.timestamp
        last = k == n - 1
        if last:
            assert result.is_error == (t.failure in TOOL_FAILURES)
        elif result.is_error:  # a transient failure: the next call retries it exactly
            retry_thought, retry = steps[3 * k + 3], steps[3 * k + 4].call
            assert (retry.name, retry.arguments) == (call.name, call.arguments)
            assert retry.id != call.id and call.name in retry_thought.content
            assert json.loads(result.content)["error"]["type"] != "InvalidArguments"
            retries.append(k)
    assert t.success == (t.failure is None)
    if t.failure is None:
        assert t.failure_detail is None
    else:
        assert t.failure in FAILURES and t.failure_detail
        assert 0 <= t.failure_step < len(steps)
    if t.failure == "step_limit":
        assert n == max_steps
    if t.failure in TOOL_FAILURES:
        message = json.loads(steps[-1].result.content)["error"]["message"]
        assert message in t.final_answer and message == t.failure_detail
    assert t.task and t.final_answer and "{" not in t.task
    assert len(retries) <= 1
    return len(retries)


def test_every_trace_is_coherent() -> None:
    labels = {}
    retried = 0
    for t in synth.stream(synth.traces(), 1000, seed=21):
        retried += check_trace(t, 2, 6)
        labels[t.failure] = labels.get(t.failure, 0) + 1
    assert set(labels) == {None, *FAILURES}
    assert 20 < retried < 120  # some traces recover from a transient failure


def test_success_rate_is_honoured() -> None:
    for rate in (0.8, 0.3):
        got = [t.success for t in synth.stream(synth.traces(success_rate=rate), 2000, seed=3)]
        assert abs(sum(got) / len(got) - rate) < 0.04


def test_step_range_and_start_are_configurable() -> None:
    start = dt.datetime(2024, 6, 1, 12, 30, tzinfo=dt.UTC)
    gen = synth.traces(min_steps=1, max_steps=3, start=start, tools=["search", "database"])
    for t in synth.stream(gen, 300, seed=4):
        check_trace(t, 1, 3)
        assert t.started_at == start and t.steps[0].timestamp > start.timestamp()
        assert {s.call.name for s in t.steps if s.call} <= {"web_search", "execute_query"}


def test_final_answer_uses_the_observations() -> None:
    for t in synth.stream(synth.traces(success_rate=1.0), 300, seed=8):
        assert t.success
        for s in t.steps:
            if s.type != "observation" or s.result.is_error:
                continue
            body = json.loads(s.result.content)
            if s.result.name == "send_email":
                assert all(a in t.final_answer for a in body["to"])
            elif s.result.name == "web_search":
                assert body["results"][0]["title"] in t.final_answer
            elif s.result.name == "file_operation":
                assert body["path"] in t.final_answer
            elif "rows_affected" in body:
                assert f"{body['rows_affected']} row" in t.final_answer
            elif body["columns"] == ["total"]:
                assert f"{body['rows'][0][0]:,.2f}" in t.final_answer
            elif body["row_count"] and body["columns"][0] == "id":
                assert f" {body['rows'][0][0]}." in t.final_answer


def test_final_answer_names_one_best_result_per_search_subject() -> None:
    # Two searches on one topic were told as "The best source I found on Lisbon is A"
    # and "The best source I found on Lisbon is B" in the same answer (29% of traces).
    subject = re.compile(r'(?:best source I found on (.+?) is |For "(.+?)", the top result)')
    told = 0
    for t in synth.stream(synth.trace_records(success_rate=1.0), 1000, seed=5):
        subjects = [a or b for a, b in subject.findall(t["final_answer"])]
        assert len(subjects) == len(set(subjects)), t["final_answer"]
        told += len(subjects)
    assert told > 300


def test_messages_pair_calls_with_results() -> None:
    for t in synth.stream(synth.traces(), 200, seed=2):
        msgs = synth.trace_to_messages(t)
        assert [m.role for m in msgs[:2]] == ["system", "user"] and msgs[1].content == t.task
        assert msgs[-1].role == "assistant" and msgs[-1].content == t.final_answer
        pending = None
        for m in msgs[2:-1]:
            if m.role == "assistant":
                assert pending is None and len(m.tool_calls) == 1
                pending = m.tool_calls[0].id
            else:
                assert m.role == "tool" and m.tool_call_id == pending
                pending = None


def test_trace_record_has_the_seed_shape() -> None:
    rec = synth.trace_record(synth.sample(synth.traces(), seed=1))
    assert list(rec)[:6] == ["trace_id", "agent", "task", "steps", "final_answer", "success"]
    for s in rec["steps"]:
        assert list(s)[:3] == ["step", "type", "timestamp"]
        if s["type"] == "tool_call":
            assert isinstance(s["arguments"], dict) and s["tool"]
        else:
            assert isinstance(s["content"], str)
    json.dumps(rec)


def test_bad_trace_arguments() -> None:
    with pytest.raises(synth.InvalidArgument, match="min_steps <= max_steps"):
        synth.traces(min_steps=4, max_steps=2)
    with pytest.raises(synth.InvalidArgument, match="success_rate"):
        synth.traces(success_rate=1.5)
    with pytest.raises(synth.InvalidArgument, match="unknown failure label 'crash'"):
        synth.traces(failures={"crash": 1})
    with pytest.raises(synth.InvalidArgument, match="start"):
        synth.traces(start="2026-01-01")


def test_trace_reprs_leave_defaults_out() -> None:
    assert repr(synth.traces()) == "traces()"
    assert (
        repr(synth.traces(tools=["search"], max_steps=3)) == "traces(tools=['search'], max_steps=3)"
    )
    assert repr(synth.traces(failures={"timeout": 1})) == "traces(failures={'timeout': 1})"


def test_failure_weights_choose_the_labels() -> None:
    gen = synth.traces(success_rate=0.0, failures={"timeout": 1, "step_limit": 1})
    labels = {t.failure for t in synth.stream(gen, 200, seed=5)}
    assert labels == {"timeout", "step_limit"}
    for t in synth.stream(
        synth.traces(success_rate=0.0, failures={"wrong_answer": 1}), 100, seed=6
    ):
        check_trace(t, 2, 6)
        assert t.failure == "wrong_answer" and not any(
            s.result.is_error for s in t.steps[2::3][-1:]
        )
        step = t.steps[t.failure_step]
        assert step.type == "observation" and t.failure_detail.split("'")[1] in t.final_answer


def test_agent_names_and_a_naive_start() -> None:
    gen = synth.traces(agent_names=["billing_agent"], start=dt.datetime(2025, 3, 1, 9, 0))
    t = synth.sample(gen, seed=1)
    assert t.agent == "billing_agent"
    assert t.started_at == dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)
    assert synth.trace_record(t)["started_at"] == "2025-03-01T09:00:00Z"
    with pytest.raises(synth.InvalidArgument, match="agent_names"):
        synth.traces(agent_names="billing_agent")


def test_query_rows_answer_their_statement() -> None:
    # Regression: rows of "... ORDER BY created_at DESC LIMIT n" came back in draw order.
    # Rows are sorted as ORDER BY asks (when its column is selected) and never repeat a
    # primary key.
    sorted_checked = keyed = 0
    gen = synth.traces(tools=["database"], min_steps=3, max_steps=6)
    for t in synth.stream(gen, 600, seed=13):
        steps = t.steps
        for call_step, obs in itertools.pairwise(steps):
            if call_step.call is None or obs.result is None or obs.result.is_error:
                continue
            sql = call_step.call.arguments["query"]
            body = json.loads(obs.result.content)
            columns, rows = body.get("columns"), body.get("rows")
            if not columns or len(rows) < 2 or "COUNT(" in sql:
                continue
            if columns[0] == "id" and "WHERE id" not in sql:
                keyed += 1
                assert len({r[0] for r in rows}) == len(rows), (sql, rows)
            m = re.search(r"ORDER BY (\w+)( DESC)?", sql)
            if m and m.group(1) in columns:
                j = columns.index(m.group(1))
                values = [r[j] for r in rows]
                assert values == sorted(values, reverse=bool(m.group(2))), (sql, values)
                sorted_checked += 1
    assert sorted_checked > 100 and keyed > 100


def test_file_follow_ups_see_one_consistent_folder() -> None:
    # Regression: a read followed by "list the folder" twice listed different entries, the
    # listing left out the file just read (or gave it another size), and a later read
    # picked a file the listing never showed (a third of these traces). A call's
    # follow-ups now share what they saw: the folder is listed once, with every file read
    # or written there at its size. Two unrelated goals of one trace may still touch the
    # same folder without knowing of each other (2 traces in 1,500 here).
    calls = lists = inconsistent = repeated = 0
    gen = synth.traces(tools=["file_operations"], min_steps=3, max_steps=6)
    for t in synth.stream(gen, 1500, seed=17):
        done: list[tuple] = []
        listings: dict[str, dict] = {}
        sizes: dict[str, int] = {}
        ok = True
        for call_step, obs in itertools.pairwise(t.steps):
            if call_step.call is None or obs.result.is_error:
                continue
            args, body = call_step.call.arguments, json.loads(obs.result.content)
            op, path = args["operation"], args["path"]
            folder, _, name = path.rpartition("/")
            if op == "list":
                lists += 1
                shown = {e["name"]: e.get("size_bytes") for e in body["entries"]}
                ok &= listings.setdefault(path, shown) == shown  # same folder, same view
                for p, size in sizes.items():
                    if p.rpartition("/")[0] == path:
                        ok &= shown.get(p.rpartition("/")[2]) == size
            elif op in ("read", "write"):
                sizes[path] = body.get("size_bytes", body.get("bytes_written"))
                if op == "read" and folder in listings:
                    ok &= name in listings[folder]
            calls += 1
            done.append(tuple(sorted(args.items())))
        inconsistent += not ok
        repeated += len(done) - len(set(done))
    assert calls > 3000 and lists > 500
    assert inconsistent <= 8 and repeated <= 8, (inconsistent, repeated)


def repeated_calls(record: dict) -> list[tuple[str, str]]:
    """(tool, arguments) made twice in a trace record, except a retry: the same call right
    after the earlier one failed."""
    steps = record["steps"]
    failed = {s["tool_call_id"] for s in steps if s["type"] == "observation" and s["is_error"]}
    calls = [s for s in steps if s["type"] == "tool_call"]
    seen: dict[tuple[str, str], int] = {}
    out = []
    for k, call in enumerate(calls):
        key = (call["tool"], json.dumps(call["arguments"], sort_keys=True))
        if key in seen:
            earlier = calls[seen[key]]
            if not (seen[key] == k - 1 and earlier["tool_call_id"] in failed):
                out.append(key)
        seen[key] = k
    return out


@pytest.mark.parametrize(
    "constraints",
    [{}, {"success_rate": 0.3}, {"min_steps": 6, "max_steps": 12}],
)
def test_calls_within_a_trace_are_distinct_unless_retried(constraints):
    config = synth.GeneratorConfig(
        data_type="agent_trace", count=1000, seed=11, constraints=constraints
    )
    samples = synth.DataGenerator().generate(config).samples
    assert [r for r in samples if repeated_calls(r)] == []
    # retries are still made (and are the only repeats)
    retried = sum(
        1
        for r in samples
        for s in r["steps"]
        if s["type"] == "tool_call"
        and any(
            o["type"] == "observation" and o["is_error"] and o["tool"] == s["tool"]
            for o in r["steps"][: s["step"]]
        )
    )
    assert retried > 0


def test_the_repeat_check_sees_repeats():
    def step(kind, i, **kw):
        return {"type": kind, "step": i, **kw}

    call = {"tool": "web_search", "arguments": {"query": "x"}}
    twice = {
        "steps": [
            step("tool_call", 0, tool_call_id="a", **call),
            step("observation", 1, tool_call_id="a", is_error=False, tool="web_search"),
            step("tool_call", 2, tool_call_id="b", **call),
        ]
    }
    assert repeated_calls(twice) == [("web_search", '{"query": "x"}')]
    twice["steps"][1]["is_error"] = True  # now it is a retry of a failed call
    assert repeated_calls(twice) == []


def test_a_repeat_is_the_same_tool_with_the_same_argument_json():
    from synth.agents.trace import _made_before

    made = [("web_search", {"query": "x", "num_results": 5})]
    assert _made_before(made, "web_search", {"query": "x", "num_results": 5})
    assert not _made_before(made, "execute_query", {"query": "x", "num_results": 5})
    assert not _made_before(made, "web_search", {"query": "y", "num_results": 5})
    # equal dicts whose JSON differs are different calls, as their JSON says
    assert not _made_before(made, "web_search", {"num_results": 5, "query": "x"})
    assert not _made_before(made, "web_search", {"query": "x", "num_results": 5.0})
    # with the tool's key argument, the same query is the same search
    assert _made_before(made, "web_search", {"query": "x"}, "query")
    assert not _made_before(made, "web_search", {"query": "y", "num_results": 5}, "query")
    assert not _made_before(made, "execute_query", {"query": "x"}, "query")


def test_no_trace_searches_the_same_words_twice_unless_retrying() -> None:
    # Regression: a sixth search repeated an earlier query without num_results (so its
    # arguments differed), and the answer told two different top results for it.
    searched = 0
    for t in synth.stream(synth.trace_records(tools=["search"], max_steps=6), 1500, seed=5):
        seen: set[str] = set()
        failed = False
        for step in t["steps"]:
            if step["type"] == "tool_call":
                query = step["arguments"]["query"]
                assert failed or query not in seen, t["task"]
                seen.add(query)
                searched += 1
            elif step["type"] == "observation":
                failed = step["is_error"]
    assert searched > 4000


def test_a_retry_waits_as_long_as_the_error_asked() -> None:
    # Regression: "rate limit exceeded ..., retry after 12 s" was retried ~1-6 s later.
    waited = 0
    for t in synth.stream(synth.traces(), 3000, seed=31):
        steps = t.steps
        for i, s in enumerate(steps):
            if s.result is None or not s.result.is_error:
                continue
            m = re.search(r"retry after (\d+) s", s.result.content)
            later = [x for x in steps[i + 1 :] if x.call is not None]
            if m is None or not later or later[0].call.arguments != steps[i - 1].call.arguments:
                continue
            assert later[0].timestamp - s.timestamp >= int(m.group(1)), t.trace_id
            waited += 1
    assert waited > 5


def test_sums_are_told_with_what_they_add_up() -> None:
    # Regression: two sums in one answer read "The total is 13,248.17. The total is 44,279.77."
    checked = 0
    for t in synth.stream(synth.traces(tools=["database"], success_rate=1.0), 600, seed=5):
        for s in t.steps:
            if s.call is not None and s.call.arguments["query"].startswith("SELECT SUM("):
                col = re.search(r"SUM\((\w+)\)", s.call.arguments["query"]).group(1)
                assert f"The {col} of all " in t.final_answer, t.final_answer
                checked += 1
    assert checked > 20


def test_a_step_limit_leaves_part_of_the_task_undone() -> None:
    # Regression: with max_steps=2 and a task of two parts, both calls succeeded and the
    # trace still ended "I reached the limit of 2 steps before finishing the task". The
    # task of a step_limit trace now asks for one more thing, which no thought takes up.
    checked = 0
    gen = synth.traces(success_rate=0.0, min_steps=1, max_steps=3)
    for t in synth.stream(gen, 1500, seed=19):
        if t.failure != "step_limit":
            continue
        thoughts = " ".join(s.content for s in t.steps if s.type == "thought").lower()
        task = t.task.lower().rstrip(".?")
        body = re.sub(r"^[^:]*: ", "", task) if ": " in task[:20] else task
        parts = re.split(r"; after that, |; |, and then |, then | and then | and |, ", body)
        parts = [re.sub(r"^(please|can you|could you|i need you to) ", "", p) for p in parts]
        parts = [p.rstrip(".?").removesuffix(" for me") for p in parts if len(p.split()) >= 2]
        assert any(p not in thoughts for p in parts), (t.task, thoughts)
        checked += 1
    assert checked > 50


def test_follow_ups_never_write_or_delete_files() -> None:
    # Regression: when a folder had nothing left to look at, a follow-up drew any call,
    # so "Can you read .../customers.csv?" went on with "To be thorough, I'll also delete
    # /srv/ledger/data/dump.sql.gz" (12 deletes and 18 writes in 2,000 traces); an
    # invalid_arguments failure on a follow-up did the same. Only the task's own goals
    # and reports change files.
    follow = re.compile(r"To be thorough|second check|as well, using")
    follow_ups = rejected = 0
    gen = synth.trace_records(tools=["file_operations"], min_steps=3, max_steps=6)
    for t in synth.stream(gen, 3000, seed=5):
        steps = t["steps"]
        for thought, call, obs in zip(steps[::3], steps[1::3], steps[2::3], strict=True):
            if not follow.search(thought["content"]):
                continue
            follow_ups += 1
            rejected += "InvalidArguments" in obs["content"]
            assert call["arguments"]["operation"] in ("read", "list"), (t["task"], call)
    assert follow_ups > 1000 and rejected > 10
