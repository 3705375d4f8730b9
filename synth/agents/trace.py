"""Agent traces that follow a real agent loop.

A trace is ``task -> (thought -> tool_call -> observation)* -> final_answer``. Each thought
says why the next tool is called (and what the previous observation said), each observation
answers the call before it (same ``tool_call_id``) and fits the tool, and the final answer
repeats what the observations said. Time starts at an explicit ``start`` and only moves
forward: every step records how long it took (``latency_ms``: model time for thoughts, a
few ms to dispatch a call, the tool's own latency for observations) and its ``timestamp`` is
the previous one plus that latency.

Failures are drawn with probability ``1 - success_rate`` and labelled:

* ``tool_error``: the last call fails in the tool (service down, permission denied, ...);
* ``timeout``: the last call does not answer within the tool's time limit;
* ``invalid_arguments``: the tool rejects the last call's arguments (they still fit its
  JSON Schema: an empty recipient list, a relative path, a missing SQL parameter, ...);
* ``step_limit``: the agent uses all ``max_steps`` iterations and stops without an answer;
* ``wrong_answer``: every call succeeds but the final answer contradicts an observation.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from binascii import b2a_base64
from collections.abc import Mapping, Sequence
from functools import cache
from math import floor  # int(x) of a float is slower on 3.11 (see _draw)
from typing import Any, Literal

import attrs

from synth.agents._behaviour import Behaviour, Outcome, dumps, error_content, error_message
from synth.agents._draw import (
    _B64_TO_ALNUM,
    below,
    call_id,
    cap,
    chooser,
    compile_format,
    load_data,
    uuid4_str,
    weighted_chooser,
)
from synth.agents.models import Message, ToolCall, ToolResult, ToolSpec
from synth.agents.tools import (
    BUILTIN_TOOLS,
    ToolsLike,
    _locale_kwargs,
    behaviour_for,
    check_locale,
    resolve_tools,
)
from synth.core.errors import InvalidArgument
from synth.core.gen import DrawFn, Gen, _bless

__all__ = [
    "DEFAULT_START",
    "FAILURES",
    "Step",
    "requested_tool_calls",
    "Trace",
    "trace_record",
    "trace_records",
    "trace_to_messages",
    "traces",
]

StepType = Literal["thought", "tool_call", "observation"]

#: The failure labels, with their default relative weights among failing traces.
FAILURES: Mapping[str, float] = {
    "tool_error": 30,
    "timeout": 20,
    "invalid_arguments": 20,
    "step_limit": 15,
    "wrong_answer": 15,
}

#: The default start time of traces (fixed, so that a seed always gives the same trace).
DEFAULT_START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

MAX_STEPS_LIMIT = 50


# Step and Trace are plain (not frozen) attrs classes: a frozen attrs __init__ costs about
# three times as much, and a trace builds a dozen steps. Treat them as values all the same.
@attrs.define
class Step:
    """One step of a trace.

    ``thought`` steps have ``content``; ``tool_call`` steps have ``call``; ``observation``
    steps have ``result`` (whose ``tool_call_id`` is the call's id). ``timestamp`` is in
    seconds since the Unix epoch, ``latency_ms`` the time the step took.
    """

    index: int
    type: StepType
    timestamp: float
    latency_ms: int
    content: str | None = None
    call: ToolCall | None = None
    result: ToolResult | None = None


@attrs.define
class Trace:
    """An agent's run on a task: its steps, final answer, and whether it succeeded.

    ``failure`` is None for successful traces, else one of ``FAILURES``;
    ``failure_detail`` says what went wrong (the tool's error message, or the claim that
    contradicts an observation) and ``failure_step`` the index of the step where it shows.
    """

    trace_id: str
    agent: str
    task: str
    steps: tuple[Step, ...]
    final_answer: str
    success: bool
    started_at: dt.datetime
    system_prompt: str
    tools: tuple[ToolSpec, ...]
    failure: str | None = None
    failure_detail: str | None = None
    failure_step: int | None = None


# -- phrasing ----------------------------------------------------------------------------


_THOUGHT_FIELDS = ("intent", "tool", "note", "error")
_TASK_FIELDS = ("intent1", "Intent1", "intent2", "Intent2", "intent3", "Intent3")


class _Phrases:
    """The phrasing of traces; every template is a compiled format (``compile_format``),
    drawn with ``chooser``: a pick gives a function of the template's fields."""

    def __init__(self) -> None:
        d = load_data("trace.json")

        def templates(texts: list[str], fields: tuple[str, ...]) -> Any:
            return chooser([compile_format(t, fields) for t in texts])

        self.agents: dict[str, str] = d["agents"]
        self.system = templates(d["system"], ("role",))
        self.task = [templates(d[f"task_{k}"], _TASK_FIELDS) for k in (1, 2, 3)]
        self.first = templates(d["first_thought"], _THOUGHT_FIELDS)
        self.next = templates(d["next_thought"], _THOUGHT_FIELDS)
        self.follow_up = templates(d["follow_up_thought"], _THOUGHT_FIELDS)
        self.retry = templates(d["retry_thought"], _THOUGHT_FIELDS)
        self.success = chooser(d["success_openers"])
        self.failure = {
            k: templates(v, ("tool", "error", "max_steps")) for k, v in d["failure_openers"].items()
        }
        self.partial = templates(d["partial"], ("answers",))


@cache
def _phrases() -> _Phrases:
    return _Phrases()


def _task(rng: random.Random, phrases: _Phrases, intents: list[str]) -> str:
    n = len(intents)
    if n > len(phrases.task):
        return f"{cap(', '.join(intents[:-1]))}, and then {intents[-1]}."
    fill: list[str | None] = [None] * len(_TASK_FIELDS)
    for i, intent in enumerate(intents):
        fill[2 * i] = intent
        fill[2 * i + 1] = cap(intent)
    return phrases.task[n - 1](rng)(*fill)


@attrs.frozen(repr=False)
class _RequestedCalls(Gen[tuple[str, ToolCall]]):
    specs: tuple[ToolSpec, ...]
    locale: str = "en_US"

    def _compile(self) -> DrawFn:
        pick = chooser([behaviour_for(s, self.locale) for s in self.specs])
        phrases = _phrases()

        def draw(rng: random.Random) -> tuple[str, ToolCall]:
            b = pick(rng)
            ident = call_id(rng)
            args, ctx = b.call(rng)
            # The request's wording comes from an rng seeded with the call id, not from
            # ``rng``: the calls stay the ones the native records have, record for record.
            request = _task(random.Random(ident), phrases, [b.intent(args, ctx)])
            return request, ToolCall(ident, b.name, args)

        return draw


def requested_tool_calls(tools: ToolsLike, *, locale: str = "en_US") -> Gen[tuple[str, ToolCall]]:
    """``(request, call)``: a call of one of ``tools`` as :func:`synth.tool_calls` draws it
    (with the people and places of ``locale``), with the user's request that the call
    answers ("Please search the web for ..."), in the words of a trace's task. Chat
    exports of single calls start with this request."""
    specs = resolve_tools(tools, "requested_tool_calls")
    check_locale(locale, "requested_tool_calls")
    kwargs = _locale_kwargs(locale)
    return _bless(_RequestedCalls(specs, locale), ("requested_tool_calls", (tools,), kwargs))


# -- the generator -----------------------------------------------------------------------


@attrs.frozen(repr=False)
class _Traces(Gen[Trace]):
    specs: tuple[ToolSpec, ...]
    success_rate: float = 0.8
    min_steps: int = 2
    max_steps: int = 6
    start: dt.datetime = DEFAULT_START
    agent_names: tuple[str, ...] | None = None
    failures: tuple[tuple[str, float], ...] = tuple(FAILURES.items())
    locale: str = "en_US"

    def _compile(self) -> DrawFn:
        draw = _compile_core(self)
        start, specs = self.start, self.specs

        def draw_trace(rng: random.Random) -> Trace:
            record, system = draw(rng)
            return _trace_from_record(record, system, start, specs)

        return draw_trace


@attrs.frozen(repr=False)
class _TraceRecords(_Traces):
    """``_Traces`` drawn directly in the record shape of ``trace_record``."""

    def _compile(self) -> DrawFn:
        draw = _compile_core(self)
        return lambda rng: draw(rng)[0]


def _compile_core(node: _Traces) -> Any:
    """The draw of a trace shared by ``traces`` and ``trace_records``: ``rng ->
    (record, system prompt)``, the record in ``trace_record``'s shape, built directly."""
    p = _phrases()
    # Dates inside calls and results count from the UTC date of the traces' start.
    reference = node.start.astimezone(dt.UTC).date()
    behaviours = [behaviour_for(s, node.locale, reference) for s in node.specs]
    pick_tool = chooser(behaviours)
    diggers = [b for b in behaviours if b.digs]
    pick_digger = chooser(diggers) if diggers else None
    roles = p.agents
    names = node.agent_names or tuple(p.agents)
    if node.agent_names is None and not any(b.name in BUILTIN_NAMES for b in behaviours):
        # Only the user's tools: an agent made for them, not a built-in office assistant.
        name, role = _agent_for(behaviours)
        names, roles = (name,), {name: role}
    pick_agent = chooser(names)
    failure_kind = weighted_chooser(node.failures)
    transient = weighted_chooser([("tool_error", 60), ("timeout", 40)])
    rate, lo, hi = node.success_rate, node.min_steps, node.max_steps
    start_ms = round(node.start.timestamp() * 1000)
    started_at = node.start.isoformat().replace("+00:00", "Z")
    default_role = "an AI agent that completes tasks with tools"
    to_alnum = _B64_TO_ALNUM
    first, next_, follow_up, retry = p.first, p.next, p.follow_up, p.retry
    success_opener, failure_opener, partial = p.success, p.failure, p.partial
    # (low, high - low) of the behaviours that keep Behaviour.latency
    spans = {
        b: (b.latency_ms[0], b.latency_ms[1] - b.latency_ms[0])
        for b in behaviours
        if type(b).latency is Behaviour.latency
    }

    def draw_trace(rng: random.Random) -> tuple[dict[str, Any], str]:
        r = rng.random
        trace_id = uuid4_str(rng)
        agent = pick_agent(rng)
        system = p.system(rng)(roles.get(agent, default_role))
        failure = None if r() < rate else failure_kind(rng)
        n = hi if failure == "step_limit" else lo + floor(r() * (hi - lo + 1))
        plan = _plan(rng, n, failure, hi, pick_tool, pick_digger, transient)

        steps: list[dict[str, Any]] = []
        append = steps.append
        now = start_ms
        intents: list[str] = []
        outcomes: list[tuple[int, Outcome]] = []
        calls: list[tuple[dict[str, Any], Any]] = []  # arguments and context, per iteration
        # (tool, arguments) of the calls made: only a labelled retry repeats one
        made: list[tuple[str, dict[str, Any]]] = []

        def distinct(b: Behaviour, role: str, ref: int) -> tuple[dict[str, Any], Any]:
            """Another call than the ones made (a few redraws: a follow-up digs
            elsewhere, then any call of the tool; a tool whose every call is the same,
            such as one without arguments, keeps the repeat)."""
            for attempt in range(12):
                if role == "follow" and attempt < 6:
                    args, ctx = b.follow_up(rng, *calls[ref])
                else:
                    args, ctx = b.call(rng)
                if not _made_before(made, b.name, args, b.key_argument):
                    break
            return args, ctx

        note = ""
        error = None
        reported = False  # findings are passed on (emailed, saved) at most once
        for i, (b, role, ref, step_failure) in enumerate(plan):
            drawn = None
            if step_failure == "invalid_arguments":
                pass
            elif role == "retry":
                drawn = calls[ref]
            elif role == "follow":
                drawn = b.follow_up(rng, *calls[ref])
            elif outcomes and not reported and r() < 0.75:
                # A tool that can pass findings on (email, file write) often does so.
                report = b.report(rng, [o.answer for _, o in outcomes])
                if report is not None:
                    drawn, reported = report[:2], True
            previous_error = error
            # The exchange (as tools.draw_exchange draws it): the call id, the call, and
            # the answer or the failure.
            raw = b2a_base64(rng.getrandbits(144).to_bytes(18, "big"), newline=False)
            ident = "call_" + raw.translate(to_alnum).decode()
            outcome = None
            if step_failure != "invalid_arguments":
                args, ctx = b.call(rng) if drawn is None else drawn
                if role != "retry":
                    if _made_before(made, b.name, args, b.key_argument):
                        args, ctx = distinct(b, role, ref)
                    made.append((b.name, args))
            if step_failure is None:
                content, outcome = b.result(rng, args, ctx)
                error = None
            elif step_failure == "invalid_arguments":
                if role == "follow":
                    args, ctx, error = b.bad_follow_up(rng, *calls[ref])
                else:
                    args, ctx, error = b.bad_call(rng)
                content = error_content("InvalidArguments", error)
            else:
                if step_failure == "timeout":
                    content = b.timeout(args)
                else:
                    content = b.error(rng, args, ctx)
                error = error_message(content)
            calls.append((args, ctx))
            goal = b.intent(args, ctx)
            name = b.name
            waited = 0
            if role == "retry":
                thought = retry(rng)(goal, name, note, previous_error)
                # the agent waits as long as the error asked ("retry after 12 s"): the
                # wait is part of the retry thought's time
                wait = _RETRY_AFTER.search(previous_error or "")
                waited = 0 if wait is None else int(wait.group(1)) * 1000
            elif i == 0:
                thought = first(rng)(goal, name, note, previous_error)
            elif role == "goal":
                thought = next_(rng)(goal, name, note, previous_error)
            else:
                thought = follow_up(rng)(goal, name, note, previous_error)
            if role == "goal":
                intents.append(goal)
            k = len(steps)
            u = r()
            latency = 350 + floor(5650 * u * u * u)  # _thought_ms
            latency += waited
            now += latency
            append(
                {
                    "step": k,
                    "type": "thought",
                    "timestamp": now / 1000,
                    "content": thought,
                    "latency_ms": latency,
                }
            )
            latency = 1 + floor(r() * 15)
            now += latency
            append(
                {
                    "step": k + 1,
                    "type": "tool_call",
                    "timestamp": now / 1000,
                    "tool": name,
                    "arguments": args,
                    "tool_call_id": ident,
                    "latency_ms": latency,
                }
            )
            if step_failure == "timeout":
                latency = b.timeout_s * 1000
            else:
                span = spans.get(b)
                if span is None:
                    latency = b.latency(rng)
                else:  # Behaviour.latency, inlined
                    u = r()
                    latency = span[0] + floor(span[1] * u * u)
            now += latency
            append(
                {
                    "step": k + 2,
                    "type": "observation",
                    "timestamp": now / 1000,
                    "content": content,
                    "tool": name,
                    "tool_call_id": ident,
                    "is_error": step_failure is not None,
                    "latency_ms": latency,
                }
            )
            if outcome is not None:
                outcomes.append((k + 2, outcome))
                note = outcome.note

        if failure == "step_limit":
            # The limit came before the task was done: it asks for one more thing, which
            # the agent never got to (without it, every part could be done and the trace
            # still "stopped at the limit before finishing").
            done = {s["content"] for s in steps if s["type"] == "thought"}
            for _ in range(20):  # something no thought took up
                b = pick_tool(rng)
                extra = b.intent(*b.call(rng))
                if not any(extra in thought for thought in done):
                    break
            intents.append(extra)
        task = _task(rng, p, intents)
        answers = [o.answer for _, o in outcomes]
        labelled = None
        if failure is None or failure == "wrong_answer":
            if failure == "wrong_answer":
                j = floor(r() * len(outcomes))
                failure_step, wrong = outcomes[j][0], outcomes[j][1].wrong
                answers[j] = wrong
                detail = (
                    f"the final answer says {wrong!r}, but step {failure_step} showed: "
                    f"{outcomes[j][1].note}"
                )
                labelled = {"type": failure, "step": failure_step, "detail": detail}
            final = f"{success_opener(rng)} {' '.join(answers)}"
        else:
            last_tool = plan[-1][0].name
            final = failure_opener[failure](rng)(last_tool, error, hi)
            if answers:
                final += " " + partial(rng)(" ".join(answers))
            if failure == "step_limit":
                detail = f"used all {hi} steps without reaching an answer"
            else:
                detail = error
            labelled = {"type": failure, "step": len(steps) - 1, "detail": detail}
        record = {
            "trace_id": trace_id,
            "agent": agent,
            "task": task,
            "steps": steps,
            "final_answer": final,
            "success": failure is None,
            "started_at": started_at,
            "failure": labelled,
        }
        return record, system

    return draw_trace


def _made_before(
    made: list[tuple[str, dict[str, Any]]],
    name: str,
    args: dict[str, Any],
    key: str | None = None,
) -> bool:
    """Whether ``made`` holds a call of ``name`` with the same arguments, that is the same
    JSON text, or (with ``key``, the tool's :attr:`Behaviour.key_argument`) the same value
    of that argument. Arguments that differ as dicts differ as JSON, so the JSON is only
    written for the rare pair of equal dicts (equal dicts may still differ as JSON: key
    order, ``1`` and ``1.0``)."""
    for n, a in made:
        if a == args and n == name and dumps(a) == dumps(args):
            return True
        if key is not None and n == name and key in args and a.get(key) == args[key]:
            return True
    return False


def _trace_from_record(
    record: dict[str, Any], system: str, start: dt.datetime, specs: tuple[ToolSpec, ...]
) -> Trace:
    """The ``Trace`` a record was drawn as (the inverse of ``trace_record``)."""
    steps = []
    for s in record["steps"]:
        kind = s["type"]
        if kind == "thought":
            step = Step(s["step"], kind, s["timestamp"], s["latency_ms"], content=s["content"])
        elif kind == "tool_call":
            call = ToolCall(s["tool_call_id"], s["tool"], s["arguments"])
            step = Step(s["step"], kind, s["timestamp"], s["latency_ms"], call=call)
        else:
            result = ToolResult(s["tool_call_id"], s["tool"], s["content"], s["is_error"])
            step = Step(s["step"], kind, s["timestamp"], s["latency_ms"], result=result)
        steps.append(step)
    failure = record["failure"]
    return Trace(
        trace_id=record["trace_id"],
        agent=record["agent"],
        task=record["task"],
        steps=tuple(steps),
        final_answer=record["final_answer"],
        success=record["success"],
        started_at=start,
        system_prompt=system,
        tools=specs,
        failure=None if failure is None else failure["type"],
        failure_detail=None if failure is None else failure["detail"],
        failure_step=None if failure is None else failure["step"],
    )


_RETRY_AFTER = re.compile(r"retry after (\d+) s\b")

#: The share of traces in which one call fails transiently and the agent retries it.
RETRY_RATE = 0.08
_TOOL_FAILURES = ("tool_error", "timeout", "invalid_arguments")

Plan = list[tuple[Any, str, int, "str | None"]]


#: The function names of the built-in tools.
BUILTIN_NAMES = frozenset(spec.name for spec in BUILTIN_TOOLS.values())


def _agent_for(behaviours: Sequence[Behaviour]) -> tuple[str, str]:
    """An agent name and role for the user's tools, from their names and descriptions:
    ``("get_weather_agent", "an assistant that can get the current weather for a city")``."""
    slug = "".join(c if c.isalnum() else "_" for c in behaviours[0].name.lower()).strip("_")
    name = f"{slug}_agent" if len(behaviours) == 1 and slug else "tools_agent"
    purposes = list(dict.fromkeys(getattr(b, "purpose", f"use {b.name}") for b in behaviours))
    if len(purposes) > 4:
        purposes = [*purposes[:3], f"use {len(purposes) - 3} more tools"]
    listed = purposes[0] if len(purposes) == 1 else f"{', '.join(purposes[:-1])} and {purposes[-1]}"
    return name, f"an assistant that can {listed}"


def _plan(
    rng: random.Random,
    n: int,
    failure: str | None,
    hi: int,
    pick_tool: Any,
    pick_digger: Any,
    transient: Any,
) -> Plan:
    """The iterations of a trace: ``(behaviour, role, ref, failure)``.

    The task names up to three *goals*; the other iterations are *follow-ups* that dig
    into an earlier goal (``ref``: a refined search, another query on the same table);
    when no goal can be dug into, every iteration is a goal. Sometimes one call fails
    transiently and the next iteration *retries* it (``ref``: the failed one) with the
    same arguments. The last iteration carries the trace's tool failure, if any.
    """
    goals = min(n, 1 + below(rng, 3))
    tools = [pick_tool(rng) for _ in range(goals)]
    diggable = [g for g in range(goals) if tools[g].digs]
    if not diggable and n > goals and pick_digger is not None:
        # Nothing to dig into (only emails so far): one more goal that can be.
        tools.append(pick_digger(rng))
        diggable, goals = [goals], goals + 1
    plan: Plan = [(b, "goal", g, None) for g, b in enumerate(tools)]
    for _ in range(n - goals):
        if diggable:
            g = diggable[below(rng, len(diggable))]
            plan.append((tools[g], "follow", g, None))
        else:  # the agent has no tool that digs: every iteration is a goal
            plan.append((pick_tool(rng), "goal", len(plan), None))
    if n < hi and rng.random() < RETRY_RATE:
        # The failed call is never the last when the trace ends in a tool failure, so the
        # retry repeats the failed arguments exactly (invalid_arguments draws new ones).
        r = below(rng, n - 1 if failure in _TOOL_FAILURES else n)
        if r >= 0 and (n > 1 or failure not in _TOOL_FAILURES):
            b, role, ref, _ = plan[r]
            plan[r] = (b, role, ref, transient(rng))
            plan.insert(r + 1, (b, "retry", r, None))
            # references to iterations after r move one place
            plan = [
                (b2, role2, ref2 + 1 if role2 == "follow" and ref2 > r else ref2, f2)
                for b2, role2, ref2, f2 in plan
            ]
    if failure in _TOOL_FAILURES:
        b, role, ref, _ = plan[-1]
        plan[-1] = (b, role, ref, failure)
    return plan


def _thought_ms(rng: random.Random) -> int:
    """Model time for a thought and the call it announces: 0.35-6 s, mostly about 1 s."""
    u = rng.random()
    return 350 + int(5650 * u * u * u)


def _check_steps(value: Any, arg: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_STEPS_LIMIT:
        raise InvalidArgument(
            f"traces() expects {arg} to be an int from 1 to {MAX_STEPS_LIMIT}, got {arg}={value!r}"
        )
    return value


def traces(
    *,
    tools: ToolsLike | None = None,
    success_rate: float = 0.8,
    min_steps: int = 2,
    max_steps: int = 6,
    start: dt.datetime = DEFAULT_START,
    agent_names: Sequence[str] | None = None,
    failures: Mapping[str, float] | None = None,
    locale: str = "en_US",
) -> Gen[Trace]:
    """Agent traces: task -> (thought -> tool_call -> observation)* -> final answer.

    ``tools``: the tools the agent may call (default: the four built-ins); anything
    ``tool_calls`` accepts. Each trace makes ``min_steps`` to ``max_steps`` tool calls (one
    *step* of the loop is thought, call and observation). ``success_rate`` is the
    probability that a trace succeeds; failing traces carry one of the labels in
    ``FAILURES``, drawn with the weights ``failures`` (default ``FAILURES``). Timestamps
    start at ``start`` (a timezone-aware datetime; naive ones are taken as UTC) and never
    go back. ``agent_names`` replaces the built-in agent names. ``locale`` chooses the
    people and places (email recipients and signatures, people in query rows, names,
    cities and phone numbers in user-tool arguments: Faker's, in that locale); tasks,
    thoughts and answers stay English.
    """
    return _traces_node(
        _Traces,
        "traces",
        tools,
        success_rate,
        min_steps,
        max_steps,
        start,
        agent_names,
        failures,
        locale,
    )


def trace_records(
    *,
    tools: ToolsLike | None = None,
    success_rate: float = 0.8,
    min_steps: int = 2,
    max_steps: int = 6,
    start: dt.datetime = DEFAULT_START,
    agent_names: Sequence[str] | None = None,
    failures: Mapping[str, float] | None = None,
    locale: str = "en_US",
) -> Gen[dict[str, Any]]:
    """``traces(...)`` already in the record shape of ``trace_record``, drawn directly:
    the same records as ``traces(...).map(trace_record)``, faster (no ``Trace`` objects
    are built)."""
    return _traces_node(
        _TraceRecords,
        "trace_records",
        tools,
        success_rate,
        min_steps,
        max_steps,
        start,
        agent_names,
        failures,
        locale,
    )


def _traces_node(
    cls: type[_Traces],
    func: str,
    tools: ToolsLike | None,
    success_rate: float,
    min_steps: int,
    max_steps: int,
    start: dt.datetime,
    agent_names: Sequence[str] | None,
    failures: Mapping[str, float] | None,
    locale: str,
) -> Any:
    specs = BUILTIN_TOOLS_TUPLE if tools is None else resolve_tools(tools, "traces")
    check_locale(locale, func)
    if (
        isinstance(success_rate, bool)
        or not isinstance(success_rate, (int, float))
        or not 0 <= success_rate <= 1
    ):
        raise InvalidArgument(
            f"traces() expects success_rate to be a probability between 0 and 1, "
            f"got success_rate={success_rate!r}"
        )
    _check_steps(min_steps, "min_steps")
    _check_steps(max_steps, "max_steps")
    if min_steps > max_steps:
        raise InvalidArgument(
            f"traces() expects min_steps <= max_steps, got min_steps={min_steps}, "
            f"max_steps={max_steps}"
        )
    if not isinstance(start, dt.datetime):
        raise InvalidArgument(
            f"traces() expects start to be a datetime, got start={start!r} "
            f"(type={type(start).__name__}); e.g. datetime(2026, 1, 1, tzinfo=timezone.utc)"
        )
    when = start if start.tzinfo is not None else start.replace(tzinfo=dt.UTC)
    names = None
    if agent_names is not None:
        if (
            isinstance(agent_names, str)
            or not all(isinstance(a, str) and a for a in agent_names)
            or not agent_names
        ):
            raise InvalidArgument(
                f"traces() expects agent_names to be a non-empty list of non-empty strings, "
                f"got agent_names={agent_names!r}"
            )
        names = tuple(agent_names)
    table = dict(FAILURES) if failures is None else dict(failures)
    unknown = sorted(set(table) - set(FAILURES))
    if unknown:
        raise InvalidArgument(
            f"traces() got unknown failure label {unknown[0]!r} in failures; "
            f"known: {', '.join(FAILURES)}"
        )
    for label, w in table.items():
        if isinstance(w, bool) or not isinstance(w, (int, float)) or w < 0:
            raise InvalidArgument(
                f"traces() expects failure weights >= 0, got failures[{label!r}]={w!r}"
            )
    pairs = tuple((k, float(w)) for k, w in table.items() if w > 0)
    if not pairs and success_rate < 1:
        raise InvalidArgument(
            "traces() needs at least one failure label with a weight > 0 when success_rate < 1"
        )
    node = cls(
        specs,
        float(success_rate),
        min_steps,
        max_steps,
        when,
        names,
        pairs or (("tool_error", 1.0),),
        locale,
    )
    kwargs: dict[str, Any] = {}
    if tools is not None:
        kwargs["tools"] = tools
    for key, value, default in (
        ("success_rate", success_rate, 0.8),
        ("min_steps", min_steps, 2),
        ("max_steps", max_steps, 6),
        ("start", start, DEFAULT_START),
        ("agent_names", agent_names, None),
        ("failures", failures, None),
        ("locale", locale, "en_US"),
    ):
        if value != default:
            kwargs[key] = value
    return _bless(node, (func, (), kwargs))


BUILTIN_TOOLS_TUPLE: tuple[ToolSpec, ...] = tuple(BUILTIN_TOOLS.values())


# -- views -------------------------------------------------------------------------------


def trace_to_messages(trace: Trace) -> tuple[Message, ...]:
    """The trace as a chat: system prompt, the user's task, one assistant message per
    thought carrying its tool call, the tool's answer (same ``tool_call_id``), and the
    final answer as the last assistant message."""
    out = [Message("system", trace.system_prompt), Message("user", trace.task)]
    thought: str | None = None
    for step in trace.steps:
        if step.type == "thought":
            thought = step.content
        elif step.type == "tool_call":
            assert step.call is not None
            out.append(Message("assistant", thought, tool_calls=(step.call,)))
            thought = None
        else:
            r = step.result
            assert r is not None
            out.append(Message("tool", r.content, tool_call_id=r.tool_call_id, name=r.name))
    out.append(Message("assistant", trace.final_answer))
    return tuple(out)


def _step_record(step: Step) -> dict[str, Any]:
    rec: dict[str, Any] = {"step": step.index, "type": step.type, "timestamp": step.timestamp}
    if step.type == "thought":
        rec["content"] = step.content
    elif step.type == "tool_call":
        call = step.call
        assert call is not None
        rec["tool"] = call.name
        rec["arguments"] = call.arguments
        rec["tool_call_id"] = call.id
    else:
        r = step.result
        assert r is not None
        rec["content"] = r.content
        rec["tool"] = r.name
        rec["tool_call_id"] = r.tool_call_id
        rec["is_error"] = r.is_error
    rec["latency_ms"] = step.latency_ms
    return rec


def trace_record(trace: Trace) -> dict[str, Any]:
    """The seed shape of a trace, with a few added keys.

    ``{trace_id, agent, task, steps: [{step, type, timestamp, content | tool + arguments}],
    final_answer, success}`` as the seed emits it (``step`` 0-based, ``timestamp`` in
    seconds since the epoch, ``arguments`` a dict), plus: ``tool_call_id`` on tool_call and
    observation steps (they match), ``tool`` and ``is_error`` on observations,
    ``latency_ms`` on every step, and on the trace ``started_at`` (ISO 8601) and ``failure``
    (None, or ``{"type", "step", "detail"}``).
    """
    failure = None
    if trace.failure is not None:
        failure = {
            "type": trace.failure,
            "step": trace.failure_step,
            "detail": trace.failure_detail,
        }
    return {
        "trace_id": trace.trace_id,
        "agent": trace.agent,
        "task": trace.task,
        "steps": [_step_record(s) for s in trace.steps],
        "final_answer": trace.final_answer,
        "success": trace.success,
        "started_at": trace.started_at.isoformat().replace("+00:00", "Z"),
        "failure": failure,
    }
