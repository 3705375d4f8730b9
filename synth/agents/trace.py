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
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any, Literal

import attrs

from synth.agents._behaviour import Outcome
from synth.agents._draw import below, cap, chooser, load_data, uuid4_str, weighted_chooser
from synth.agents.models import Message, ToolCall, ToolResult, ToolSpec
from synth.agents.tools import BUILTIN_TOOLS, ToolsLike, behaviour_for, draw_exchange, resolve_tools
from synth.core.errors import InvalidArgument
from synth.core.gen import DrawFn, Gen, _bless

__all__ = [
    "DEFAULT_START",
    "FAILURES",
    "Step",
    "Trace",
    "trace_record",
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


class _Phrases:
    def __init__(self) -> None:
        d = load_data("trace.json")
        self.agents: dict[str, str] = d["agents"]
        self.system = chooser(d["system"])
        self.task = [chooser(d["task_1"]), chooser(d["task_2"]), chooser(d["task_3"])]
        self.first = chooser(d["first_thought"])
        self.next = chooser(d["next_thought"])
        self.follow_up = chooser(d["follow_up_thought"])
        self.retry = chooser(d["retry_thought"])
        self.success = chooser(d["success_openers"])
        self.failure = {k: chooser(v) for k, v in d["failure_openers"].items()}
        self.partial = chooser(d["partial"])


@cache
def _phrases() -> _Phrases:
    return _Phrases()


def _task(rng: random.Random, phrases: _Phrases, intents: list[str]) -> str:
    if len(intents) > len(phrases.task):
        return f"{cap(', '.join(intents[:-1]))}, and then {intents[-1]}."
    fill: dict[str, str] = {}
    for i, intent in enumerate(intents, 1):
        fill[f"intent{i}"] = intent
        fill[f"Intent{i}"] = cap(intent)
    return phrases.task[len(intents) - 1](rng).format(**fill)


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

    def _compile(self) -> DrawFn:
        p = _phrases()
        behaviours = [behaviour_for(s) for s in self.specs]
        pick_tool = chooser(behaviours)
        diggers = [b for b in behaviours if b.digs]
        pick_digger = chooser(diggers) if diggers else None
        names = self.agent_names or tuple(p.agents)
        pick_agent = chooser(names)
        failure_kind = weighted_chooser(self.failures)
        transient = weighted_chooser([("tool_error", 60), ("timeout", 40)])
        rate, lo, hi = self.success_rate, self.min_steps, self.max_steps
        specs = self.specs
        start = self.start
        start_ms = round(start.timestamp() * 1000)

        def draw_trace(rng: random.Random) -> Trace:
            trace_id = uuid4_str(rng)
            agent = pick_agent(rng)
            role = p.agents.get(agent, "an AI agent that completes tasks with tools")
            system = p.system(rng).format(role=role)
            failure = None if rng.random() < rate else failure_kind(rng)
            n = hi if failure == "step_limit" else lo + below(rng, hi - lo + 1)
            plan = _plan(rng, n, failure, hi, pick_tool, pick_digger, transient)

            steps: list[Step] = []
            now = start_ms
            intents: list[str] = []
            outcomes: list[tuple[int, Outcome]] = []
            calls: list[tuple[dict[str, Any], Any]] = []  # arguments and context, per iteration
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
                elif outcomes and not reported and rng.random() < 0.75:
                    # A tool that can pass findings on (email, file write) often does so.
                    report = b.report(rng, [o.answer for _, o in outcomes])
                    if report is not None:
                        drawn, reported = report[:2], True
                previous_error = error
                call, result, outcome, error, ctx = draw_exchange(b, rng, step_failure, drawn)
                calls.append((call.arguments, ctx))
                goal = b.intent(call.arguments, ctx)
                fill = {"intent": goal, "tool": b.name, "note": note, "error": previous_error}
                if role == "retry":
                    thought = p.retry(rng).format(**fill)
                elif i == 0:
                    thought = p.first(rng).format(**fill)
                elif role == "goal":
                    thought = p.next(rng).format(**fill)
                else:
                    thought = p.follow_up(rng).format(**fill)
                if role == "goal":
                    intents.append(goal)
                latency = _thought_ms(rng)
                now += latency
                steps.append(Step(len(steps), "thought", now / 1000, latency, content=thought))
                latency = 1 + below(rng, 15)
                now += latency
                steps.append(Step(len(steps), "tool_call", now / 1000, latency, call=call))
                latency = b.timeout_s * 1000 if step_failure == "timeout" else b.latency(rng)
                now += latency
                steps.append(Step(len(steps), "observation", now / 1000, latency, result=result))
                if outcome is not None:
                    outcomes.append((len(steps) - 1, outcome))
                    note = outcome.note

            task = _task(rng, p, intents)
            answers = [o.answer for _, o in outcomes]
            detail = None
            failure_step = None
            if failure is None or failure == "wrong_answer":
                if failure == "wrong_answer":
                    k = below(rng, len(outcomes))
                    failure_step, wrong = outcomes[k][0], outcomes[k][1].wrong
                    answers[k] = wrong
                    detail = (
                        f"the final answer says {wrong!r}, but step {failure_step} showed: "
                        f"{outcomes[k][1].note}"
                    )
                final = f"{p.success(rng)} {' '.join(answers)}"
            else:
                last_tool = plan[-1][0].name
                opener = p.failure[failure](rng).format(tool=last_tool, error=error, max_steps=hi)
                final = opener
                if answers:
                    final += " " + p.partial(rng).format(answers=" ".join(answers))
                if failure == "step_limit":
                    detail = f"used all {hi} steps without reaching an answer"
                    failure_step = len(steps) - 1
                else:
                    detail = error
                    failure_step = len(steps) - 1
            return Trace(
                trace_id=trace_id,
                agent=agent,
                task=task,
                steps=tuple(steps),
                final_answer=final,
                success=failure is None,
                started_at=start,
                system_prompt=system,
                tools=specs,
                failure=failure,
                failure_detail=detail,
                failure_step=failure_step,
            )

        return draw_trace


#: The share of traces in which one call fails transiently and the agent retries it.
RETRY_RATE = 0.08
_TOOL_FAILURES = ("tool_error", "timeout", "invalid_arguments")

Plan = list[tuple[Any, str, int, "str | None"]]


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
) -> Gen[Trace]:
    """Agent traces: task -> (thought -> tool_call -> observation)* -> final answer.

    ``tools``: the tools the agent may call (default: the four built-ins); anything
    ``tool_calls`` accepts. Each trace makes ``min_steps`` to ``max_steps`` tool calls (one
    *step* of the loop is thought, call and observation). ``success_rate`` is the
    probability that a trace succeeds; failing traces carry one of the labels in
    ``FAILURES``, drawn with the weights ``failures`` (default ``FAILURES``). Timestamps
    start at ``start`` (a timezone-aware datetime; naive ones are taken as UTC) and never
    go back. ``agent_names`` replaces the built-in agent names.
    """
    specs = BUILTIN_TOOLS_TUPLE if tools is None else resolve_tools(tools, "traces")
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
    node = _Traces(
        specs,
        float(success_rate),
        min_steps,
        max_steps,
        when,
        names,
        pairs or (("tool_error", 1.0),),
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
    ):
        if value != default:
            kwargs[key] = value
    return _bless(node, ("traces", (), kwargs))


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
