"""synth: synthetic data for building, testing and training AI agents.

Generators are values: build a tree with the lowercase factories, look at it with
``repr``, and draw records with :func:`stream` or :func:`sample`. Every draw uses only the
``random.Random`` handed to it, so synth never touches global random state.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synth.core.combinators import (
    composite,
    deferred,
    just,
    list_of,
    one_of,
    optional,
    record,
    sampled_from,
    sequence,
    sometimes,
    weighted,
)
from synth.core.errors import (
    InvalidArgument,
    SchemaError,
    SynthError,
    TemplateError,
    Unsatisfiable,
    UnsatisfiableSchema,
    UnsupportedPattern,
    UnsupportedSchema,
)
from synth.core.gen import Gen, walk
from synth.core.primitives import (
    booleans,
    characters,
    dates,
    datetimes,
    floats,
    integers,
    text,
    uuids,
)
from synth.core.seeding import BLOCK_SIZE, SCHEME_VERSION, block_rng, sample, stream

__version__ = "0.1.0"

__all__ = [
    "BLOCK_SIZE",
    "SCHEME_VERSION",
    "Gen",
    "InvalidArgument",
    "SchemaError",
    "SynthError",
    "TemplateError",
    "Unsatisfiable",
    "UnsatisfiableSchema",
    "UnsupportedPattern",
    "UnsupportedSchema",
    "__version__",
    "block_rng",
    "booleans",
    "characters",
    "composite",
    "dates",
    "datetimes",
    "deferred",
    "floats",
    "integers",
    "just",
    "list_of",
    "one_of",
    "optional",
    "record",
    "sample",
    "sampled_from",
    "sequence",
    "sometimes",
    "stream",
    "text",
    "uuids",
    "walk",
    "weighted",
]

from synth.core.errors import CallFailed, DatasetError, MissingExtra, OutputInvalid

__all__ += ["CallFailed", "DatasetError", "MissingExtra", "OutputInvalid"]

# -- lazily imported areas ---------------------------------------------------------------
# The providers (Faker, compiled and fallback), the text compilers, the JSON Schema
# compiler (jsonschema, referencing), agent data, datasets and the LLM layer load on first
# use of one of their names, so ``import synth`` (and ``synth --help``, and a command that
# needs none of them) stays fast. Each entry: public name -> module that defines it.

_LAZY: dict[str, str] = {}


def _lazy(module: str, *names: str) -> None:
    for name in names:
        _LAZY[name] = module


# -- providers (Faker, compiled and fallback) --------------------------------------------
_lazy("synth.providers", "available_locales", "compiled_providers", "fake")

# -- text compilers (templates, regular expressions) -------------------------------------
_lazy("synth.compilers.regex", "from_regex")
_lazy("synth.compilers.template", "Registry", "Template", "default_registry", "from_template")

# -- JSON Schema -------------------------------------------------------------------------
_lazy("synth.schema", "SchemaBasedGenerator", "from_schema")

# -- agent data and the seed-compatible API ----------------------------------------------
_lazy("synth.agents.models", "Conversation", "Message", "ToolCall", "ToolResult", "ToolSpec")
_lazy(
    "synth.agents.tools",
    "BUILTIN_TOOLS",
    "load_tools",
    "tool_call_record",
    "tool_call_records",
    "tool_calls",
    "tool_exchanges",
)
_lazy(
    "synth.agents.trace",
    "Step",
    "Trace",
    "trace_record",
    "trace_records",
    "trace_to_messages",
    "traces",
)
_lazy("synth.agents.conversation", "ConversationTemplate", "conversations", "load_templates")
_lazy("synth.agents.datasets", "list_templates", "list_tools", "payload_generator")
_lazy("synth.agents.records", "free_records")
_lazy("synth.agents.text", "paragraphs")
_lazy(
    "synth.compat",
    "CONVERSATION_TEMPLATES",
    "TOOL_CALL_TEMPLATES",
    "ConversationTurn",
    "DataGenerator",
    "DataType",
    "GeneratorConfig",
    "SyntheticDataset",
)

# -- datasets ----------------------------------------------------------------------------
_lazy("synth.dataset", "DatasetResult", "Recipe", "write_dataset")

# -- LLM ---------------------------------------------------------------------------------
_lazy(
    "synth.llm",
    "AiCallParameters",
    "CallParameters",
    "CallResult",
    "Client",
    "ResponseCache",
    "RetryPolicy",
    "RunReport",
    "StructuredAiCall",
    "StructuredAiCallConfig",
    "StructuredCall",
    "StructuredCallConfig",
    "auto_formatter_for_type",
    "auto_parser_for_type",
    "llm_text",
    "llm_value",
    "run_dataset",
)

__all__ += sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'synth' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # the real imports, for type checkers and IDEs
    from synth.agents.conversation import ConversationTemplate, conversations, load_templates
    from synth.agents.datasets import list_templates, list_tools, payload_generator
    from synth.agents.models import Conversation, Message, ToolCall, ToolResult, ToolSpec
    from synth.agents.records import free_records
    from synth.agents.text import paragraphs
    from synth.agents.tools import (
        BUILTIN_TOOLS,
        load_tools,
        tool_call_record,
        tool_call_records,
        tool_calls,
        tool_exchanges,
    )
    from synth.agents.trace import (
        Step,
        Trace,
        trace_record,
        trace_records,
        trace_to_messages,
        traces,
    )
    from synth.compat import (
        CONVERSATION_TEMPLATES,
        TOOL_CALL_TEMPLATES,
        ConversationTurn,
        DataGenerator,
        DataType,
        GeneratorConfig,
        SyntheticDataset,
    )
    from synth.compilers.regex import from_regex
    from synth.compilers.template import Registry, Template, default_registry, from_template
    from synth.dataset import DatasetResult, Recipe, write_dataset
    from synth.llm import (
        AiCallParameters,
        CallParameters,
        CallResult,
        Client,
        ResponseCache,
        RetryPolicy,
        RunReport,
        StructuredAiCall,
        StructuredAiCallConfig,
        StructuredCall,
        StructuredCallConfig,
        auto_formatter_for_type,
        auto_parser_for_type,
        llm_text,
        llm_value,
        run_dataset,
    )
    from synth.providers import available_locales, compiled_providers, fake
    from synth.schema import SchemaBasedGenerator, from_schema
