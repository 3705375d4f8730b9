"""attrs models of agent data, and the one cattrs converter that turns them into JSON.

The models are plain frozen values; generators in ``synth.agents`` build them, and
``converter`` (a ``cattrs.Converter`` instance, never a global one) unstructures them into
JSON-ready dicts. Export formats (native seed shapes, OpenAI chat, ShareGPT) live in
``synth.agents.export``.
"""

from __future__ import annotations

from typing import Any, Literal

import attrs
import cattrs

__all__ = [
    "Conversation",
    "Message",
    "Role",
    "ToolCall",
    "ToolResult",
    "ToolSpec",
    "make_converter",
]

Role = Literal["system", "user", "assistant", "tool"]


@attrs.frozen
class ToolSpec:
    """A tool an agent can call: a name, a description and a JSON Schema for its arguments.

    ``output_schema`` (an MCP tool's ``outputSchema``) is the JSON Schema of its results:
    generated results follow it. Exports leave it out (OpenAI and ShareGPT tool
    definitions have no such field).
    """

    name: str
    description: str = ""
    parameters: dict[str, Any] = attrs.field(factory=lambda: {"type": "object", "properties": {}})
    output_schema: dict[str, Any] | None = attrs.field(default=None, kw_only=True)

    def to_openai(self) -> dict[str, Any]:
        """The OpenAI ``tools`` entry: ``{"type": "function", "function": {...}}``."""
        return {
            "type": "function",
            "function": {
                "name": self.name,
                "description": self.description,
                "parameters": self.parameters,
            },
        }


@attrs.frozen
class ToolCall:
    """One call of a tool; ``arguments`` is a dict (exports turn it into a JSON string)."""

    id: str
    name: str
    arguments: dict[str, Any]


@attrs.frozen
class ToolResult:
    """What a tool returned for the call ``tool_call_id``; ``is_error`` marks a failure."""

    tool_call_id: str
    name: str
    content: str
    is_error: bool = False


@attrs.frozen
class Message:
    """One turn of a conversation.

    ``tool_calls`` is set on assistant turns that call tools; ``tool_call_id`` and ``name``
    on ``tool`` turns that answer a call.
    """

    role: Role
    content: str | None
    tool_calls: tuple[ToolCall, ...] | None = None
    tool_call_id: str | None = None
    name: str | None = None


@attrs.frozen
class Conversation:
    """A conversation: its messages and the tools that were available in it."""

    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()


def make_converter() -> cattrs.Converter:
    """A new converter configured for synth's models (tuples become lists)."""
    conv = cattrs.Converter()
    conv.register_unstructure_hook(tuple, lambda t: [conv.unstructure(v) for v in t])
    conv.register_unstructure_hook(
        ToolSpec,
        lambda t: {
            "name": t.name,
            "description": t.description,
            "parameters": conv.unstructure(t.parameters),
        },
    )
    return conv
