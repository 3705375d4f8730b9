"""Turn agent models into the JSON records people train and test with.

Three export formats, chosen with ``export=``:

* ``native``: the seed-compatible shapes (aumai-datasynthesizer): a conversation is
  ``{"turns": [{"role", "content", "tool_calls"}]}``, where ``tool_calls`` is ``None`` or a
  list of OpenAI-style calls ``{"id", "type": "function", "function": {"name",
  "arguments": <JSON string>}}``; tool answers are turns with role ``"tool"``.
* ``openai``: ``{"messages": [...], "tools": [...]}`` in the OpenAI chat format, ready for
  fine-tuning: assistant ``tool_calls`` carry ids that the ``tool`` messages answer in
  ``tool_call_id``, ``arguments`` is a JSON string, and ``tools`` lists the definitions
  used (``{"type": "function", "function": {"name", "description", "parameters"}}``);
  a conversation without tools has no ``tools`` key (OpenAI refuses an empty list).
* ``sharegpt``: ``{"conversations": [{"from", "value"}], "tools": "<JSON string>"}`` as
  read by LLaMA-Factory and similar trainers. Roles map system -> ``system``, user ->
  ``human``, assistant -> ``gpt``, an assistant turn that calls tools -> ``function_call``
  (value: JSON of ``{"name", "arguments"}``, or a list of them for parallel calls), tool
  -> ``observation`` (the answers to parallel calls: one turn holding a JSON array).
  ``tools`` is the JSON text of the OpenAI ``function`` objects.

Models are unstructured with one cattrs converter instance (``CONVERTER``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from synth.agents.models import Conversation, Message, ToolCall, ToolSpec, make_converter
from synth.core.errors import InvalidArgument

__all__ = [
    "CONVERTER",
    "EXPORTS",
    "check_export",
    "check_openai_tool_names",
    "conversation_exporter",
    "json_arguments",
    "openai_tool_call",
    "openai_tools",
    "tool_call_exporter",
    "trace_exporter",
]

#: The converter every export uses (an instance, never cattrs' global one).
CONVERTER = make_converter()

EXPORTS = ("native", "openai", "sharegpt")


def check_export(export: Any) -> str:
    """Return ``export`` if it names a format, else raise ``InvalidArgument``."""
    if export not in EXPORTS:
        import difflib

        close = difflib.get_close_matches(str(export), EXPORTS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InvalidArgument(f"unknown export {export!r}{hint} (valid: {', '.join(EXPORTS)})")
    return str(export)


#: OpenAI's rule for function names ("a-z, A-Z, 0-9, underscores and dashes, at most 64");
#: MCP names may also hold dots and be up to 128 characters long.
_OPENAI_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check_openai_tool_names(tools: Iterable[ToolSpec]) -> None:
    """Raise ``InvalidArgument`` for a tool name OpenAI does not accept, so that an
    ``export="openai"`` file is not refused at upload."""
    for t in tools:
        if not _OPENAI_NAME.fullmatch(t.name):
            fixed = re.sub(r"[^A-Za-z0-9_-]", "_", t.name)[:64]
            raise InvalidArgument(
                f"export openai: tool name {t.name!r} is not a valid OpenAI function name "
                "(letters, digits, '_' and '-', at most 64 characters); rename the tool "
                f"(e.g. {fixed!r}) or use export native or sharegpt"
            )


def json_arguments(arguments: Any) -> str:
    """Arguments as the JSON string OpenAI expects (compact, keys in the order drawn)."""
    return orjson.dumps(arguments).decode()


def openai_tool_call(call: ToolCall) -> dict[str, Any]:
    """``{"id", "type": "function", "function": {"name", "arguments": <JSON string>}}``."""
    return {
        "id": call.id,
        "type": "function",
        "function": {"name": call.name, "arguments": json_arguments(call.arguments)},
    }


def openai_tools(tools: Iterable[ToolSpec]) -> list[dict[str, Any]]:
    """The OpenAI ``tools`` list for these specs."""
    return [{"type": "function", "function": CONVERTER.unstructure(t)} for t in tools]


# -- conversations -------------------------------------------------------------------------


def _native(conv: Conversation) -> dict[str, Any]:
    turns = []
    for m in conv.messages:
        calls = None if not m.tool_calls else [openai_tool_call(c) for c in m.tool_calls]
        turns.append({"role": m.role, "content": m.content, "tool_calls": calls})
    return {"turns": turns}


def _openai_message(m: Message) -> dict[str, Any]:
    if m.role == "tool":
        return {"role": "tool", "tool_call_id": m.tool_call_id, "content": m.content}
    out: dict[str, Any] = {"role": m.role, "content": m.content}
    if m.tool_calls:
        out["tool_calls"] = [openai_tool_call(c) for c in m.tool_calls]
    return out


def _check_tool_answers(messages: Iterable[Message]) -> None:
    """Each ``tool`` message must answer a call of an earlier assistant message (OpenAI
    refuses a chat where it does not)."""
    pending: set[str] = set()
    for i, m in enumerate(messages):
        if m.tool_calls:
            pending.update(c.id for c in m.tool_calls)
        elif m.role == "tool":
            if m.tool_call_id is None or m.tool_call_id not in pending:
                raise InvalidArgument(
                    f"export openai: turn {i} has role 'tool' but answers no tool call "
                    f"(tool_call_id={m.tool_call_id!r} matches no call of an earlier assistant "
                    "turn); give tool turns only after the assistant turn that calls the tool "
                    "(template=tool_use), or use export native or sharegpt"
                )
            pending.discard(m.tool_call_id)


def _openai(conv: Conversation) -> dict[str, Any]:
    _check_tool_answers(conv.messages)
    out: dict[str, Any] = {"messages": [_openai_message(m) for m in conv.messages]}
    if conv.tools:
        # Left out when empty: OpenAI refuses an empty ``tools`` array ("expected an array
        # with minimum length 1").
        out["tools"] = openai_tools(conv.tools)
    return out


_SHAREGPT_ROLES = {"system": "system", "user": "human", "assistant": "gpt", "tool": "observation"}


def _sharegpt_turn(m: Message) -> dict[str, Any]:
    if m.role == "assistant" and m.tool_calls:
        calls = [{"name": c.name, "arguments": c.arguments} for c in m.tool_calls]
        value = calls[0] if len(calls) == 1 else calls
        return {"from": "function_call", "value": orjson.dumps(value).decode()}
    return {"from": _SHAREGPT_ROLES[m.role], "value": m.content or ""}


def _observation(answers: list[Message]) -> dict[str, Any]:
    """The one ``observation`` turn for the answers to one assistant turn's calls: the
    answer itself, or for parallel calls a JSON array of the answers in call order (each
    as JSON when it is JSON text). Trainers such as LLaMA-Factory need human/observation
    and gpt/function_call turns to alternate, so consecutive observations would drop the
    example."""
    if len(answers) == 1:
        return {"from": "observation", "value": answers[0].content or ""}
    values = []
    for m in answers:
        try:
            values.append(orjson.loads(m.content or ""))
        except orjson.JSONDecodeError:
            values.append(m.content or "")
    return {"from": "observation", "value": orjson.dumps(values).decode()}


def _sharegpt(conv: Conversation) -> dict[str, Any]:
    tools = [CONVERTER.unstructure(t) for t in conv.tools]
    turns: list[dict[str, Any]] = []
    answers: list[Message] = []
    for m in conv.messages:
        if m.role == "tool":
            answers.append(m)
            continue
        if answers:
            turns.append(_observation(answers))
            answers = []
        turns.append(_sharegpt_turn(m))
    if answers:
        turns.append(_observation(answers))
    return {"conversations": turns, "tools": orjson.dumps(tools).decode()}


_CONVERSATION_EXPORTS: dict[str, Callable[[Conversation], dict[str, Any]]] = {
    "native": _native,
    "openai": _openai,
    "sharegpt": _sharegpt,
}


class _Exporter:
    """A record maker whose repr is the call that made it, so that a generator tree reads
    ``traces().map(trace_exporter('openai'))`` rather than a lambda's source."""

    __slots__ = ("call", "fn")

    def __init__(self, fn: Callable[[Any], dict[str, Any]], call: str) -> None:
        self.fn = fn
        self.call = call

    def __call__(self, value: Any) -> dict[str, Any]:
        return self.fn(value)

    def __repr__(self) -> str:
        return self.call


def conversation_exporter(export: str) -> Callable[[Conversation], dict[str, Any]]:
    """The function turning a :class:`Conversation` into a record of format ``export``."""
    fmt = check_export(export)
    return _Exporter(_CONVERSATION_EXPORTS[fmt], f"conversation_exporter({fmt!r})")


# -- tool calls ------------------------------------------------------------------------------


def tool_call_exporter(export: str, tools: Iterable[ToolSpec]) -> Callable[[Any], dict[str, Any]]:
    """Records of single tool calls.

    ``native``: the seed's ``{"id", "type": "function", "function": {"name", "arguments"}}``
    of a :class:`ToolCall`. The chat formats take ``(request, call)`` pairs
    (``synth.agents.trace.requested_tool_calls``), because a chat starts with the user:
    ``openai``: the user's request, then the assistant message that makes the call, and
    the tool definitions; ``sharegpt``: a ``human`` turn with the request, the
    ``function_call`` turn, and the tool definitions as JSON text.
    """
    specs = tuple(tools)
    fmt = check_export(export)
    if fmt == "native":
        return openai_tool_call
    if fmt == "openai":
        check_openai_tool_names(specs)
        defs = openai_tools(specs)

        def as_openai(pair: tuple[str, ToolCall]) -> dict[str, Any]:
            request, call = pair
            message = {"role": "assistant", "content": None, "tool_calls": [openai_tool_call(call)]}
            return {"messages": [{"role": "user", "content": request}, message], "tools": defs}

        return as_openai
    tools_text = orjson.dumps([CONVERTER.unstructure(t) for t in specs]).decode()

    def as_sharegpt(pair: tuple[str, ToolCall]) -> dict[str, Any]:
        request, call = pair
        value = orjson.dumps({"name": call.name, "arguments": call.arguments}).decode()
        turns = [{"from": "human", "value": request}, {"from": "function_call", "value": value}]
        return {"conversations": turns, "tools": tools_text}

    return as_sharegpt


# -- agent traces -----------------------------------------------------------------------------


def trace_exporter(export: str) -> Callable[[Any], dict[str, Any]]:
    """Records of agent traces.

    ``native``: the seed's trace shape (``synth.agents.trace.trace_record``: trace_id, agent,
    task, steps, final_answer, success, plus linkage, latencies and the failure label);
    ``openai`` and ``sharegpt``: the trace as a chat (system, task, assistant turns with
    their tool calls, tool answers, final answer) with the tools the agent had.
    """
    from synth.agents.trace import trace_record, trace_to_messages

    fmt = check_export(export)
    if fmt == "native":
        return trace_record
    as_chat = _CONVERSATION_EXPORTS[fmt]

    def as_chat_record(trace: Any) -> dict[str, Any]:
        return as_chat(Conversation(trace_to_messages(trace), trace.tools))

    return _Exporter(as_chat_record, f"trace_exporter({fmt!r})")
