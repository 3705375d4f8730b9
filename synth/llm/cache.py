"""Requests as data, and an on-disk cache of answers keyed by the request's hash.

A :class:`ChatRequest` is everything sent to the model: model, messages, parameters
(including the seed) and response format. Its :attr:`~ChatRequest.key` is a stable hash of
the canonical JSON body, the same in every process and on every machine. The
:class:`ResponseCache` (sqlite) stores the accepted answer under that key, so a rerun
replays it instead of paying for it again, and a crashed run resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import orjson

from synth.llm.client import Usage

__all__ = ["CachedAnswer", "ChatRequest", "ResponseCache"]

_KEY_PERSON = b"synth-llm-req-v1"


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def canonical_json(value: Any) -> str | None:
    """``value`` as canonical JSON text (sorted keys, no spaces); ``None`` stays ``None``."""
    return None if value is None else _canonical(value).decode()


@attrs.frozen
class ChatRequest:
    """One chat completion request, as data.

    ``messages`` is a tuple of ``(role, content)`` pairs; ``parameters`` and
    ``response_format`` are canonical JSON text, so the value is hashable and compares by
    content.
    """

    model: str
    messages: tuple[tuple[str, str], ...]
    parameters: str = "{}"
    response_format: str | None = None
    key: str = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # The fields are canonical already, so hashing them is hashing the body.
        parts = [self.model, self.messages, self.parameters, self.response_format]
        digest = hashlib.blake2b(orjson.dumps(parts), digest_size=16, person=_KEY_PERSON)
        object.__setattr__(self, "key", digest.hexdigest())

    @classmethod
    def build(
        cls,
        model: str,
        messages: Iterable[tuple[str, str]],
        parameters: dict[str, Any],
        response_format: dict[str, Any] | None,
    ) -> ChatRequest:
        params = {k: v for k, v in parameters.items() if k not in ("model", "messages")}
        return cls(
            model,
            tuple((str(r), str(c)) for r, c in messages),
            _canonical(params).decode(),
            canonical_json(response_format),
        )

    def body(self) -> dict[str, Any]:
        """The JSON body sent to ``/chat/completions``."""
        out: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": r, "content": c} for r, c in self.messages],
        }
        out.update(orjson.loads(self.parameters))
        if self.response_format is not None:
            out["response_format"] = orjson.loads(self.response_format)
        return out

    @property
    def seed(self) -> int | None:
        return orjson.loads(self.parameters).get("seed")


@attrs.frozen
class CachedAnswer:
    """An accepted answer as stored: its text, finish reason and the usage it cost."""

    content: str
    finish_reason: str | None
    usage: Usage


_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    content TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    request TEXT NOT NULL
)
"""


class ResponseCache:
    """Accepted answers in a sqlite file (or ``":memory:"``), keyed by request hash.

    Each answer is committed as soon as it is accepted (WAL journal), so a run that is
    killed loses only the calls that were in flight.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(_SCHEMA)

    def __repr__(self) -> str:
        return f"ResponseCache({self.path!r})"

    def get(self, key: str) -> CachedAnswer | None:
        return self.get_many([key]).get(key)

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedAnswer]:
        """The cached answers among ``keys`` (one query per 500 keys)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, CachedAnswer] = {}
        with self._lock:
            for i in range(0, len(wanted), 500):
                chunk = wanted[i : i + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    "SELECT key, content, finish_reason, prompt_tokens, completion_tokens,"
                    f" requests FROM answers WHERE key IN ({marks})",
                    chunk,
                )
                for key, content, finish, pt, ct, n in rows:
                    found[key] = CachedAnswer(content, finish, Usage(pt, ct, n))
        return found

    def put(self, request: ChatRequest, answer: CachedAnswer) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    request.key,
                    answer.content,
                    answer.finish_reason,
                    answer.usage.prompt_tokens,
                    answer.usage.completion_tokens,
                    answer.usage.requests,
                    _canonical(request.body()).decode(),
                ),
            )

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()
