"""The structured call: typed input -> formatter -> model -> parser -> typed output.

One bounded budget per item (:class:`RetryPolicy`: attempts and seconds) covers every kind
of failure:

* transport errors that may pass (connection refused/reset, timeouts, HTTP 408, 409, 429,
  5xx, a body that is not a chat completion): exponential backoff with jitter drawn from
  an explicit ``random.Random``, or the server's ``Retry-After`` when it sends one;
* fatal ones (HTTP 400, 401, 403, 404, 422, ...): not retried;
* an answer that does not parse or validate: asked again, with the rejected answer and the
  validation error quoted in an extra user turn, so the model can fix it;
* a truncated answer (``finish_reason == "length"``): asked again, with ``max_tokens``
  multiplied by ``RetryPolicy.grow_max_tokens``;
* an empty answer (no choices, no content, a refusal): asked again.

When the budget runs out :class:`synth.CallFailed` lists every attempt and its reason.
Retries are logged on the ``synth.llm`` logger with their reason.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Awaitable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs

from synth.core.errors import CallFailed, InvalidArgument, OutputInvalid
from synth.llm.cache import CachedAnswer, ChatRequest, ResponseCache, canonical_json
from synth.llm.client import Client, Completion, TransportError, Usage
from synth.llm.formats import TextFormatter, TextParser
from synth.llm.params import StructuredCallConfig, load_config

__all__ = [
    "Attempt",
    "CallResult",
    "RetryPolicy",
    "StructuredAiCall",
    "StructuredCall",
    "run_sync",
]

log = logging.getLogger("synth.llm")

I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741
R = TypeVar("R")


def _positive(name: str) -> Any:
    def check(_inst: Any, _attr: Any, value: Any) -> None:
        if isinstance(value, bool) or value is None or value <= 0:
            raise InvalidArgument(f"RetryPolicy() expects {name} > 0, got {name}={value!r}")

    return check


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """The budget of one item: at most ``max_attempts`` requests and ``max_seconds``.

    Backoff for transport errors: ``backoff_initial * 2**k`` capped at ``backoff_max``,
    times a jitter factor in [0.5, 1) drawn from a ``random.Random`` seeded from the
    request (so retries are spread, yet a run is repeatable). A ``Retry-After`` from the
    server replaces the backoff. ``grow_max_tokens`` multiplies ``max_tokens`` after a
    truncated answer (capped at ``max_tokens_cap``).
    """

    max_attempts: int = attrs.field(default=6, validator=_positive("max_attempts"))
    max_seconds: float = attrs.field(default=300.0, validator=_positive("max_seconds"))
    backoff_initial: float = attrs.field(default=0.5, validator=_positive("backoff_initial"))
    backoff_max: float = attrs.field(default=30.0, validator=_positive("backoff_max"))
    grow_max_tokens: float = 2.0
    max_tokens_cap: int = 32768
    retry_truncated: bool = True


@attrs.frozen
class Attempt:
    """One request of a call: its number, what happened (``ok``, ``transport``,
    ``fatal``, ``invalid``, ``truncated``, ``empty``), the reason and its duration."""

    number: int
    outcome: str
    reason: str
    seconds: float

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}: {self.reason} ({self.seconds:.2f}s)"


@attrs.frozen
class CallResult(Generic[O]):
    """A call's value with what it cost: tokens, attempts, and whether it came from cache."""

    value: O
    usage: Usage
    attempts: tuple[Attempt, ...]
    cached: bool
    key: str


FEEDBACK = (
    "Your previous answer was rejected: {error}\n"
    "Reply again with a corrected answer only, in the required format."
)


class StructuredCall(Generic[I, O]):
    """A typed model call: ``await call(x)`` returns the parsed, validated output.

    ``client``: a :class:`synth.llm.Client`. ``config``: system message and
    :class:`CallParameters`. ``formatter``/``parser``: from
    :func:`auto_formatter_for_type`/:func:`auto_parser_for_type` (default: plain text in
    and out). ``retry``: the per-item :class:`RetryPolicy`. ``cache``: a
    :class:`ResponseCache` (or a path to one) that replays accepted answers.

    ``await call.call(x)`` returns a :class:`CallResult` (value, usage, attempts, cached);
    ``call.run_sync(x)`` works from scripts and notebooks; ``call.usage`` totals every
    call made through this object.

    ``retry_hint`` ends the message of :class:`synth.CallFailed` when the budget runs out
    (a front end such as the command line sets it to name its own options).
    """

    retry_hint: str = "raise RetryPolicy(max_attempts=..., max_seconds=...) or fix the prompt"

    def __init__(
        self,
        client: Client,
        config: StructuredCallConfig,
        formatter: Any = None,
        parser: Any = None,
        retry: RetryPolicy | None = None,
        *,
        cache: ResponseCache | str | Path | None = None,
    ) -> None:
        if not isinstance(config, StructuredCallConfig):
            raise InvalidArgument(
                f"StructuredCall() expects config to be a StructuredCallConfig, got "
                f"config={config!r}"
            )
        self.client = client
        self.config = config
        self.formatter = formatter if formatter is not None else TextFormatter()
        self.parser = parser if parser is not None else TextParser()
        self.retry = retry if retry is not None else RetryPolicy()
        self.cache = ResponseCache(cache) if isinstance(cache, (str, Path)) else cache
        self.usage = Usage()
        self._usage_lock = threading.Lock()
        caps = client.capabilities
        self._response_format = self.parser.response_format(caps)
        extra = self.parser.instructions(caps)
        system = config.system_message
        self._system = f"{system}\n\n{extra}" if extra and system else (extra or system)
        body = config.parameters.body()
        self._model = body.pop("model")
        self._params = body
        self._format_json = canonical_json(self._response_format)

    @classmethod
    def from_files(
        cls,
        client: Client,
        path: str | Path,
        formatter: Any = None,
        parser: Any = None,
        retry: RetryPolicy | None = None,
        *,
        cache: ResponseCache | str | Path | None = None,
    ) -> StructuredCall[Any, Any]:
        """Build from ``path.txt`` (system message) and ``path.json`` (parameters); see
        :func:`synth.llm.load_config`."""
        return cls(client, load_config(path), formatter, parser, retry, cache=cache)

    def __repr__(self) -> str:
        return (
            f"StructuredCall(model={self.config.parameters.model!r}, "
            f"formatter={self.formatter!r}, parser={self.parser!r})"
        )

    # -- requests ----------------------------------------------------------------------
    def request(self, value: I, *, seed: int | None = None) -> ChatRequest:
        """The request for input ``value`` (with ``seed`` overriding the configured one)."""
        user = ("user", self.formatter.format(value))
        messages = (("system", self._system), user) if self._system else (user,)
        params = self._params
        if seed is not None:
            params = {**params, "seed": seed}
        return ChatRequest(self._model, messages, canonical_json(params), self._format_json)

    # -- calling -----------------------------------------------------------------------
    async def __call__(self, value: I, *, seed: int | None = None) -> O:
        return (await self.call(value, seed=seed)).value

    async def call(self, value: I, *, seed: int | None = None) -> CallResult[O]:
        """Call the model for ``value``; the value with its usage, attempts and cache flag."""
        return await self.execute(self.request(value, seed=seed))

    def run_sync(self, value: I, *, seed: int | None = None) -> O:
        """``await call(value)`` from synchronous code (also inside a running event loop)."""

        async def once() -> O:
            try:
                return await self(value, seed=seed)
            finally:
                await self.client.aclose()

        return run_sync(once())

    def replay(self, answer: CachedAnswer, key: str) -> CallResult[O]:
        """The result of a cached answer (parsed again, so a changed type is noticed)."""
        value = self.parser.parse(answer.content)
        return CallResult(value, answer.usage, (), True, key)

    async def execute(
        self, request: ChatRequest, *, cache: ResponseCache | None = None
    ) -> CallResult[O]:
        """Answer ``request`` from the cache, or by calling the model within the budget."""
        cache = cache if cache is not None else self.cache
        if cache is not None:
            hit = cache.get(request.key)
            if hit is not None:
                try:
                    return self.replay(hit, request.key)
                except OutputInvalid:
                    log.warning("cached answer %s no longer validates; asking again", request.key)
        result, content, finish = await self._attempts(request)
        if cache is not None:
            cache.put(request, CachedAnswer(content, finish, result.usage))
        return result

    async def _attempts(self, request: ChatRequest) -> tuple[CallResult[O], str, str | None]:
        policy = self.retry
        start = time.perf_counter()
        deadline = start + policy.max_seconds
        jitter = random.Random(int(request.key[:16], 16))
        body = request.body()
        base_messages = list(body["messages"])
        attempts: list[Attempt] = []
        usage = Usage()
        backoffs = 0
        stop = "the retry budget is spent"
        for number in range(1, policy.max_attempts + 1):
            began = time.perf_counter()
            remaining = deadline - began
            if remaining <= 0:
                break
            try:
                answer: Completion = await self.client.complete(
                    body, timeout=min(self.client.timeout, remaining)
                )
            except TransportError as exc:
                spent = time.perf_counter() - began
                if not exc.retryable:
                    attempts.append(Attempt(number, "fatal", exc.reason, spent))
                    self._fail(request, attempts, usage, "the server refused the request")
                attempts.append(Attempt(number, "transport", exc.reason, spent))
                delay = exc.retry_after
                if delay is None:
                    delay = min(policy.backoff_max, policy.backoff_initial * 2**backoffs)
                    delay *= 0.5 + 0.5 * jitter.random()
                backoffs += 1
                if number == policy.max_attempts:
                    break
                if time.perf_counter() + delay >= deadline:
                    stop = (
                        f"waiting {delay:.3g}s before the next attempt would exceed "
                        f"max_seconds={policy.max_seconds}"
                    )
                    break
                self._log_retry(request, number, exc.reason, delay)
                await asyncio.sleep(delay)
                continue
            usage = usage + answer.usage
            self._add_usage(answer.usage)
            spent = time.perf_counter() - began
            if answer.finish_reason == "length" and policy.retry_truncated:
                attempts.append(Attempt(number, "truncated", _truncated(body), spent))
                _grow(body, policy)
                self._log_retry(request, number, attempts[-1].reason, 0.0)
                continue
            if not answer.content:
                why = f"refusal: {answer.refusal}" if answer.refusal else "no content in answer"
                attempts.append(Attempt(number, "empty", why, spent))
                self._log_retry(request, number, why, 0.0)
                continue
            try:
                value = self.parser.parse(answer.content)
            except OutputInvalid as exc:
                attempts.append(Attempt(number, "invalid", str(exc), spent))
                body["messages"] = [
                    *base_messages,
                    {"role": "assistant", "content": _clip(answer.content)},
                    {"role": "user", "content": FEEDBACK.format(error=exc)},
                ]
                self._log_retry(request, number, str(exc), 0.0)
                continue
            attempts.append(Attempt(number, "ok", answer.finish_reason or "stop", spent))
            result = CallResult(value, usage, tuple(attempts), False, request.key)
            return result, answer.content, answer.finish_reason
        self._fail(request, attempts, usage, stop)
        raise AssertionError("unreachable")

    def _add_usage(self, usage: Usage) -> None:
        with self._usage_lock:
            self.usage = self.usage + usage

    def _log_retry(self, request: ChatRequest, number: int, reason: str, delay: float) -> None:
        log.warning(
            "llm call %s (seed=%s): attempt %d/%d failed: %s; retrying in %.2fs",
            request.key[:12],
            request.seed,
            number,
            self.retry.max_attempts,
            reason,
            delay,
            extra={"synth_retry": True},
        )

    def _fail(self, request: ChatRequest, attempts: list[Attempt], usage: Usage, why: str) -> None:
        tried = "; ".join(str(a) for a in attempts) or "no attempt fitted in the budget"
        last = attempts[-1].reason if attempts else "max_seconds too small"
        hint = (
            "check the request (model name, parameters, API key)"
            if attempts and attempts[-1].outcome == "fatal"
            else self.retry_hint
        )
        message = (
            f"model call {request.key[:12]} (model={request.model!r}, seed={request.seed}) "
            f"failed after {len(attempts)} attempt(s): {why}; last: {last}; tried: {tried}; "
            f"{hint}"
        )
        # Raised, not logged as well: whoever catches it reports it (once).
        error = CallFailed(message, tuple(attempts))
        error.usage = usage  # type: ignore[attr-defined]
        raise error


StructuredAiCall = StructuredCall


def _truncated(body: dict[str, Any]) -> str:
    limit = body.get("max_tokens") or body.get("max_completion_tokens")
    return f"answer cut off at max_tokens={limit}" if limit else "answer cut off (length)"


def _grow(body: dict[str, Any], policy: RetryPolicy) -> None:
    for name in ("max_tokens", "max_completion_tokens"):
        if body.get(name):
            body[name] = min(policy.max_tokens_cap, int(body[name] * policy.grow_max_tokens))


def _clip(text: str, limit: int = 4000) -> str:
    return text if len(text) <= limit else text[:limit] + " ..."


def run_sync(awaitable: Awaitable[R] | Coroutine[Any, Any, R]) -> R:
    """Run ``awaitable`` to completion from synchronous code.

    With no event loop running this is ``asyncio.run``; inside one (a Jupyter cell) the
    coroutine runs on a fresh loop in a worker thread, so the caller's loop is untouched.
    """

    async def main() -> R:
        return await awaitable

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(main())
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="synth-llm") as pool:
        return pool.submit(asyncio.run, main()).result()
