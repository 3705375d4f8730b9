"""synth: synthetic data for building, testing and training AI agents.

Generators are values: build a tree with the lowercase factories, look at it with
``repr``, and draw records with :func:`stream` or :func:`sample`. Every draw uses only the
``random.Random`` handed to it, so synth never touches global random state.
"""

from __future__ import annotations

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

# -- providers (Faker, compiled and fallback) --------------------------------------------
from synth.providers import available_locales, compiled_providers, fake

__all__ += ["available_locales", "compiled_providers", "fake"]

# -- text compilers (templates, regular expressions) -------------------------------------
# (imports, then `__all__ += [...]`)
from synth.core import primitives as _primitives
from synth.text.regex import from_regex
from synth.text.template import Registry, Template, default_registry, from_template

# Importing the package synth.text bound the name ``text`` here to that package; the
# public ``synth.text`` is the string primitive, so bind it back.
text = _primitives.text  # noqa: F811

__all__ += ["Registry", "Template", "default_registry", "from_regex", "from_template"]

# -- JSON Schema -------------------------------------------------------------------------
from synth.schema import SchemaBasedGenerator, from_schema

__all__ += ["SchemaBasedGenerator", "from_schema"]

# -- agent data and the seed-compatible API ----------------------------------------------
# (imports, then `__all__ += [...]`)
from synth.agents.models import Conversation, Message, ToolCall, ToolResult, ToolSpec
from synth.agents.tools import (
    BUILTIN_TOOLS,
    load_tools,
    tool_call_record,
    tool_call_records,
    tool_calls,
    tool_exchanges,
)
from synth.agents.trace import Step, Trace, trace_record, trace_to_messages, traces

__all__ += [
    "BUILTIN_TOOLS",
    "Conversation",
    "Message",
    "Step",
    "ToolCall",
    "ToolResult",
    "ToolSpec",
    "Trace",
    "load_tools",
    "tool_call_record",
    "tool_call_records",
    "tool_calls",
    "tool_exchanges",
    "trace_record",
    "trace_to_messages",
    "traces",
]

from synth.agents.conversation import ConversationTemplate, conversations, load_templates
from synth.agents.datasets import list_templates, list_tools, payload_generator
from synth.agents.records import free_records
from synth.agents.text import paragraphs
from synth.compat import (
    CONVERSATION_TEMPLATES,
    TOOL_CALL_TEMPLATES,
    ConversationTurn,
    DataGenerator,
    DataType,
    GeneratorConfig,
    SyntheticDataset,
)

__all__ += [
    "CONVERSATION_TEMPLATES",
    "TOOL_CALL_TEMPLATES",
    "ConversationTemplate",
    "ConversationTurn",
    "DataGenerator",
    "DataType",
    "GeneratorConfig",
    "SyntheticDataset",
    "conversations",
    "free_records",
    "list_templates",
    "list_tools",
    "load_templates",
    "paragraphs",
    "payload_generator",
]

# -- datasets ----------------------------------------------------------------------------
from synth.core.errors import DatasetError, MissingExtra
from synth.dataset import DatasetResult, Recipe, write_dataset

__all__ += ["DatasetError", "DatasetResult", "MissingExtra", "Recipe", "write_dataset"]

# -- LLM ---------------------------------------------------------------------------------
# synth.llm imports openai only when a request is sent, so this stays light.
from synth.core.errors import CallFailed, OutputInvalid
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
    llm,
    llm_text,
    run_dataset,
)

__all__ += [
    "AiCallParameters",
    "CallFailed",
    "CallParameters",
    "CallResult",
    "Client",
    "OutputInvalid",
    "ResponseCache",
    "RetryPolicy",
    "RunReport",
    "StructuredAiCall",
    "StructuredAiCallConfig",
    "StructuredCall",
    "StructuredCallConfig",
    "auto_formatter_for_type",
    "auto_parser_for_type",
    "llm",
    "llm_text",
    "run_dataset",
]
