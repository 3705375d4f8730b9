"""What a tool does, as far as synthetic data needs to know: how its calls look, how it
answers them, how it fails, and how long it takes.

A ``Behaviour`` is built once per tool (tables precomputed) and then drawn from many times.
The four built-in tools have hand-written behaviours (``synth.agents._builtin``); any other
tool gets one derived from its parameter schema (``synth.agents._user_tools``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import orjson

from synth.agents.models import ToolSpec

__all__ = ["Behaviour", "Outcome", "dumps", "error_content", "error_message"]


def dumps(value: Any) -> str:
    """Compact JSON text, keys in insertion order (orjson; the standard library for what
    orjson refuses, such as integers beyond 64 bits)."""
    try:
        return orjson.dumps(value).decode("utf-8")
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def error_content(kind: str, message: str) -> str:
    """The JSON a tool returns when it fails: ``{"error": {"type": ..., "message": ...}}``."""
    return dumps({"error": {"type": kind, "message": message}})


def error_message(content: str) -> str:
    """The message of a tool's error content (``error_content``'s ``message``); parsed
    with orjson, several times faster than the standard library on these short texts."""
    message: str = orjson.loads(content)["error"]["message"]
    return message


class Outcome:
    """What a successful observation said, in words an agent would reuse.

    ``note`` opens the next thought ("The search returned 5 results; ..."), ``answer`` goes
    into the final answer, and ``wrong`` is a claim that contradicts the observation (used
    for traces that fail with ``wrong_answer``).
    """

    __slots__ = ("answer", "note", "wrong")

    def __init__(self, note: str, answer: str, wrong: str) -> None:
        self.note = note
        self.answer = answer
        self.wrong = wrong


class Behaviour:
    """Base class: subclasses implement calls, results and errors for one tool."""

    #: Typical latency range of a successful call, in milliseconds.
    latency_ms: tuple[int, int] = (50, 1500)
    #: The time after which a call is abandoned (``timeout`` failures), in seconds.
    timeout_s: int = 30
    #: Whether a second call can dig into an earlier one (``follow_up``); sending another,
    #: unrelated email is not digging.
    digs: bool = True
    #: The argument that alone says what a call asks for, if there is one: two calls with
    #: the same value of it repeat each other whatever their other arguments (a second
    #: search for the same words, with another ``num_results``, finds the same pages).
    key_argument: str | None = None

    def __init__(self, spec: ToolSpec) -> None:
        self.spec = spec
        self.name = spec.name

    # -- calls -----------------------------------------------------------------------
    def call(self, rng: random.Random) -> tuple[dict[str, Any], Any]:
        """Arguments valid for the tool's schema, and a private context for the answer."""
        raise NotImplementedError

    def bad_call(self, rng: random.Random) -> tuple[dict[str, Any], Any, str]:
        """Arguments that satisfy the schema but that the tool rejects, the context, and
        the tool's validation message (for ``invalid_arguments`` failures)."""
        raise NotImplementedError

    def follow_up(
        self, rng: random.Random, args: dict[str, Any], ctx: Any
    ) -> tuple[dict[str, Any], Any]:
        """A second call that digs further into an earlier one (``args``, ``ctx``): a
        refined search, another query on the same table. By default, any call."""
        return self.call(rng)

    def bad_follow_up(
        self, rng: random.Random, args: dict[str, Any], ctx: Any
    ) -> tuple[dict[str, Any], Any, str]:
        """A follow-up of an earlier call (``args``, ``ctx``) that the tool rejects, as
        :meth:`bad_call` gives them. By default, any rejected call; tools whose calls can
        change things override it, so that a follow-up the task did not ask for never
        writes or deletes, even when it fails."""
        return self.bad_call(rng)

    def report(
        self, rng: random.Random, findings: list[str]
    ) -> tuple[dict[str, Any], Any, str] | None:
        """A call that passes earlier ``findings`` on (an email or a file that summarises
        them): the arguments, the context and the intent; None if the tool cannot."""
        return None

    def intent(self, args: dict[str, Any], ctx: Any) -> str:
        """What the call is for, as a lowercase verb phrase ("find best practices for X")."""
        raise NotImplementedError

    def compile_call_json(self) -> Callable[[random.Random], str]:
        """A compiled draw of a call's arguments as JSON text: the same draws and the same
        text as ``dumps(self.call(rng)[0])``; tools override it with a faster one."""
        call = self.call
        return lambda rng: dumps(call(rng)[0])

    # -- answers ---------------------------------------------------------------------
    def result(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> tuple[str, Outcome]:
        """The tool's JSON answer to the call, and what it said."""
        raise NotImplementedError

    def error(self, rng: random.Random, args: dict[str, Any], ctx: Any) -> str:
        """A realistic failure of the tool itself (service down, permission denied, ...)."""
        raise NotImplementedError

    def timeout(self, args: dict[str, Any]) -> str:
        """The error reported when the call did not finish within ``timeout_s``."""
        return error_content("Timeout", f"{self.name} did not respond within {self.timeout_s} s")

    def latency(self, rng: random.Random) -> int:
        """A plausible duration of one successful call, in ms (skewed towards the low end)."""
        lo, hi = self.latency_ms
        u = rng.random()
        return lo + int((hi - lo) * u * u)
