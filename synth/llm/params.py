"""Call parameters and configuration, and loading them from a prompt file pair."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from synth.core.errors import InvalidArgument

__all__ = [
    "AiCallParameters",
    "CallParameters",
    "StructuredAiCallConfig",
    "StructuredCallConfig",
    "load_config",
]


def _freeze(value: Any) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list):
        return tuple(value)
    return value


@attrs.frozen(kw_only=True)
class CallParameters:
    """Sampling parameters, passed to the server as they are (``None`` = not sent).

    Every field the chat completions API knows is here; anything else (a server-specific
    knob such as llama.cpp's ``top_k`` or ``cache_prompt``) goes into ``extra_body``,
    whose keys are merged into the request body.
    """

    model: str
    temperature: float | None = None
    top_p: float | None = None
    max_tokens: int | None = None
    max_completion_tokens: int | None = None
    seed: int | None = None
    stop: str | tuple[str, ...] | None = attrs.field(default=None, converter=_freeze)
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    logit_bias: dict[str, float] | None = None
    logprobs: bool | None = None
    top_logprobs: int | None = None
    user: str | None = None
    reasoning_effort: str | None = None
    service_tier: str | None = None
    extra_body: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        """The request-body fields these parameters set."""
        out: dict[str, Any] = {}
        for a in attrs.fields(CallParameters):
            value = getattr(self, a.name)
            if value is None or a.name == "extra_body":
                continue
            out[a.name] = list(value) if isinstance(value, tuple) else value
        if self.extra_body:
            out.update(self.extra_body)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "parameters") -> CallParameters:
        """Build from a mapping; unknown keys are an error (put them under ``extra_body``).

        A value of the wrong JSON type is an error naming its JSON Pointer (``/model``).
        """
        known = {a.name for a in attrs.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InvalidArgument(
                f"{where}: unknown parameter(s) {unknown}; known: {sorted(known)}; "
                'put server-specific options under "extra_body"'
            )
        if "model" not in data:
            raise InvalidArgument(f'{where}: "model" is required')
        for name, value in data.items():
            expected = _JSON_TYPES[name]
            if value is None and name != "model":
                continue
            if not any(_is(value, kind) for kind in expected):
                raise InvalidArgument(
                    f"{where}: /{name} must be {' or '.join(expected)}, got {value!r}"
                )
        return cls(**dict(data))


def _is(value: Any, kind: str) -> bool:
    if kind == "a string":
        return isinstance(value, str)
    if kind == "a number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "an integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "a boolean":
        return isinstance(value, bool)
    if kind == "an object":
        return isinstance(value, Mapping)
    # "an array of strings"
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


#: The JSON types each parameter accepts (``null`` = not sent, except for ``model``).
_JSON_TYPES: dict[str, tuple[str, ...]] = {
    "model": ("a string",),
    "temperature": ("a number",),
    "top_p": ("a number",),
    "max_tokens": ("an integer",),
    "max_completion_tokens": ("an integer",),
    "seed": ("an integer",),
    "stop": ("a string", "an array of strings"),
    "presence_penalty": ("a number",),
    "frequency_penalty": ("a number",),
    "logit_bias": ("an object",),
    "logprobs": ("a boolean",),
    "top_logprobs": ("an integer",),
    "user": ("a string",),
    "reasoning_effort": ("a string",),
    "service_tier": ("a string",),
    "extra_body": ("an object",),
}


AiCallParameters = CallParameters


@attrs.frozen
class StructuredCallConfig:
    """The system message and parameters of a structured call."""

    system_message: str
    parameters: CallParameters


StructuredAiCallConfig = StructuredCallConfig


def load_config(path: str | Path) -> StructuredCallConfig:
    """Load ``PATH.txt`` (the system message) and ``PATH.json`` (the parameters).

    ``PATH`` is given without a suffix: ``prompts/persona`` loads ``prompts/persona.txt``
    and ``prompts/persona.json``. The suffixes are appended, never substituted, so
    ``prompts/persona.v2`` loads ``prompts/persona.v2.txt``; passing ``prompts/persona.txt``
    is refused with a message instead of silently reading other files.
    """
    base = Path(path)
    if base.suffix in (".txt", ".json"):
        raise InvalidArgument(
            f"from_files(path) takes the prompt's name without a suffix, got path={str(path)!r}; "
            f"pass {str(base.with_suffix(''))!r} to load {base.with_suffix('').name}.txt and "
            f"{base.with_suffix('').name}.json"
        )
    text_file = base.with_name(base.name + ".txt")
    json_file = base.with_name(base.name + ".json")
    missing = [str(p) for p in (text_file, json_file) if not p.is_file()]
    if missing:
        raise InvalidArgument(
            f"from_files({str(path)!r}): missing {' and '.join(missing)}; a prompt is a pair of "
            'files: NAME.txt (system message) and NAME.json (parameters, e.g. {"model": ...})'
        )
    try:
        data = json.loads(_read(json_file))
    except json.JSONDecodeError as exc:
        raise InvalidArgument(
            f"{json_file}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise InvalidArgument(f"{json_file}: expected a JSON object of parameters")
    params = CallParameters.from_dict(data, where=str(json_file))
    return StructuredCallConfig(_read(text_file).strip(), params)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidArgument(
            f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from None
    except OSError as exc:
        raise InvalidArgument(f"{path}: cannot read it ({exc.strerror or exc})") from None
