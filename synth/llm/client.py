"""The model client: the only module that imports ``openai``.

:class:`Client` wraps the official ``openai`` package (``AsyncOpenAI``, any ``base_url``:
OpenAI, vLLM, llama.cpp, Ollama, ...). The SDK's own retries are switched off
(``max_retries=0``): synth's retry loop is the single budget, so retries never stack.
``openai`` is imported the first time a request is sent, so ``import synth`` stays light.
"""

from __future__ import annotations

import asyncio
import email.utils
import os
from collections.abc import Iterable
from typing import Any

import attrs
import orjson

from synth.core.errors import InvalidArgument

__all__ = ["CAPABILITIES", "Client", "Completion", "TransportError", "Usage"]

#: What a server can do with ``response_format``: ``json_schema`` (structured outputs),
#: ``json_object`` (JSON mode). A client with neither gets the schema in the prompt only.
CAPABILITIES = frozenset({"json_schema", "json_object"})

#: HTTP statuses worth another try: timeouts, conflicts, rate limits, server errors.
RETRYABLE_STATUS = frozenset({408, 409, 429})


@attrs.frozen
class Usage:
    """Tokens used (and requests sent); add two with ``+``."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.requests + other.requests,
        )


@attrs.frozen
class Completion:
    """One answer from the server."""

    content: str | None
    finish_reason: str | None
    usage: Usage
    refusal: str | None = None
    model: str | None = None


class TransportError(Exception):
    """A request that got no usable answer; ``retryable`` says whether to try again."""

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after


class Client:
    """An OpenAI-compatible chat completions endpoint.

    ``base_url``: e.g. ``"http://127.0.0.1:8080/v1"`` (default: the SDK's, i.e. OpenAI or
    ``OPENAI_BASE_URL``). ``api_key``: default ``OPENAI_API_KEY``, or a placeholder for local
    servers that need none. ``capabilities``: which ``response_format`` types the server
    honours (``{"json_schema", "json_object"}``, ``{"json_object"}`` or ``()``).
    ``timeout``: seconds per request.
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        capabilities: Iterable[str] = CAPABILITIES,
        timeout: float = 120.0,
    ) -> None:
        caps = frozenset(capabilities)
        if not caps <= CAPABILITIES:
            raise InvalidArgument(
                f"Client() capabilities must be drawn from {sorted(CAPABILITIES)}, "
                f"got capabilities={sorted(caps)!r}"
            )
        if timeout <= 0:
            raise InvalidArgument(f"Client() expects timeout > 0, got timeout={timeout!r}")
        self.base_url = base_url
        self.api_key = api_key
        self.capabilities = caps
        self.timeout = float(timeout)
        self._sdk: Any = None
        self._loop: Any = None
        self._stale: list[Any] = []

    def __repr__(self) -> str:
        caps = sorted(self.capabilities)
        return f"Client(base_url={self.base_url!r}, capabilities={caps!r})"

    def _client(self) -> Any:
        # An httpx connection pool belongs to one event loop: make one per loop, so the
        # same Client works under repeated asyncio.run() calls and in worker threads.
        loop = asyncio.get_running_loop()
        if self._sdk is None or self._loop is not loop:
            import openai

            if self._sdk is not None:
                # Bound to a loop that is gone: it cannot be closed from here, and if it
                # were collected now the SDK would schedule its close on *this* loop and
                # fail. Keep it until exit (one per abandoned loop).
                self._stale.append(self._sdk)
            self._sdk = openai.AsyncOpenAI(
                base_url=self.base_url,
                api_key=self.api_key or os.environ.get("OPENAI_API_KEY") or "not-needed",
                max_retries=0,
                timeout=self.timeout,
            )
            self._loop = loop
        return self._sdk

    async def aclose(self) -> None:
        """Close the connection pool of the running event loop (if this client made one)."""
        if self._sdk is not None and self._loop is asyncio.get_running_loop():
            await self._sdk.close()
        self._sdk = None
        self._loop = None

    async def complete(self, body: dict[str, Any], timeout: float | None = None) -> Completion:
        """Send one chat completion request; raise :class:`TransportError` on failure."""
        import openai

        sdk = self._client()
        try:
            # The body is sent exactly as built (server-specific keys included) through the
            # SDK's documented way to post a custom request, which skips its per-field
            # transformation and its response models: we read the JSON ourselves.
            payload = await sdk.post(
                "/chat/completions",
                cast_to=bytes,
                body=body,
                options={"timeout": self.timeout if timeout is None else timeout},
            )
        except openai.APITimeoutError as exc:
            raise TransportError(
                f"timed out after {timeout or self.timeout:.3g}s", retryable=True
            ) from exc
        except openai.APIConnectionError as exc:
            cause = exc.__cause__ or exc
            detail = str(cause) or type(cause).__name__
            raise TransportError(f"connection error: {detail}", retryable=True) from exc
        except openai.APIStatusError as exc:
            raise _status_error(exc) from exc
        return _completion(payload)


def _status_error(exc: Any) -> TransportError:
    status = exc.status_code
    retryable = status in RETRYABLE_STATUS or status >= 500
    retry_after = _retry_after(exc.response.headers)
    detail = _error_detail(exc)
    reason = f"HTTP {status}" + (f": {detail}" if detail else "")
    if retry_after is not None:
        reason += f" (Retry-After {retry_after:.3g}s)"
    return TransportError(reason, retryable=retryable, status=status, retry_after=retry_after)


def _error_detail(exc: Any) -> str:
    body = exc.body
    if isinstance(body, dict):
        body = body.get("message") or body.get("error") or body
    if isinstance(body, dict):
        body = body.get("message") or body
    text = str(body if body is not None else "").strip()
    return text if len(text) <= 200 else text[:197] + "..."


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    # An HTTP date: measure it against the response's own Date header (no wall clock).
    when, now = email.utils.parsedate_tz(value), email.utils.parsedate_tz(headers.get("date", ""))
    if when is None or now is None:
        return None
    return max(0.0, float(email.utils.mktime_tz(when) - email.utils.mktime_tz(now)))


def _completion(payload: bytes) -> Completion:
    """Read a chat completion body; anything else is a retryable :class:`TransportError`
    (a proxy's HTML page, a body cut off mid-way, JSON of another shape)."""
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise _malformed(payload, "not JSON") from exc
    if not isinstance(data, dict):
        raise _malformed(payload, "not a JSON object")
    choices = data.get("choices")
    if not isinstance(choices, list):
        raise _malformed(payload, "no choices list")
    usage_data = data.get("usage")
    if usage_data is None:
        usage_data = {}
    if not isinstance(usage_data, dict):
        raise _malformed(payload, "usage is not an object")
    try:
        usage = Usage(
            _count(usage_data.get("prompt_tokens")),
            _count(usage_data.get("completion_tokens")),
            1,
        )
    except ValueError as exc:
        raise _malformed(payload, str(exc)) from exc
    model = data.get("model")
    model = model if isinstance(model, str) else None
    if not choices:
        return Completion(None, None, usage, model=model)
    choice = choices[0]
    if not isinstance(choice, dict):
        raise _malformed(payload, "choices[0] is not an object")
    message = choice.get("message")
    if not isinstance(message, dict):
        raise _malformed(payload, "choices[0] has no message object")
    content = message.get("content")
    if content is not None and not isinstance(content, str):
        raise _malformed(payload, "the message content is not a string")
    refusal = message.get("refusal")
    finish = choice.get("finish_reason")
    return Completion(
        content,
        finish if isinstance(finish, str) else None,
        usage,
        refusal=refusal if isinstance(refusal, str) else None,
        model=model,
    )


def _count(value: Any) -> int:
    """A token count from a usage object (absent or null = 0)."""
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(f"usage has a token count that is not a number: {value!r}")
    return int(value)


def _malformed(payload: bytes, why: str) -> TransportError:
    snippet = payload[:80].decode("utf-8", "replace")
    return TransportError(
        f"the server's answer is not a chat completion ({why}: {snippet!r})", retryable=True
    )
