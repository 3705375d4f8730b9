"""LLM-written data: typed model calls, model-backed generators, reproducible runs.

Importing this package does not import ``openai``; the client loads it on first use
(install the ``llm`` extra: ``pip install 'synth[llm]'``).
"""

from __future__ import annotations

from synth.core.errors import CallFailed, OutputInvalid
from synth.llm.cache import CachedAnswer, ChatRequest, ResponseCache
from synth.llm.call import (
    Attempt,
    CallResult,
    RetryPolicy,
    StructuredAiCall,
    StructuredCall,
    run_sync,
)
from synth.llm.client import Client, Completion, Usage
from synth.llm.formats import (
    JsonFormatter,
    JsonParser,
    SchemaParser,
    TextFormatter,
    TextParser,
    XmlFormatter,
    XmlParser,
    auto_formatter_for_type,
    auto_parser_for_type,
    extract_json,
)
from synth.llm.generators import Ask, llm_text, llm_value
from synth.llm.params import (
    AiCallParameters,
    CallParameters,
    StructuredAiCallConfig,
    StructuredCallConfig,
    load_config,
)
from synth.llm.runner import (
    RunReport,
    resolve,
    resolve_async,
    run_dataset,
    run_dataset_async,
    run_records_async,
)
from synth.llm.types import json_schema_for_type, make_converter, structure, validate

__all__ = [
    "AiCallParameters",
    "Ask",
    "Attempt",
    "CachedAnswer",
    "CallFailed",
    "CallParameters",
    "CallResult",
    "ChatRequest",
    "Client",
    "Completion",
    "JsonFormatter",
    "JsonParser",
    "OutputInvalid",
    "ResponseCache",
    "RetryPolicy",
    "RunReport",
    "SchemaParser",
    "StructuredAiCall",
    "StructuredAiCallConfig",
    "StructuredCall",
    "StructuredCallConfig",
    "TextFormatter",
    "TextParser",
    "Usage",
    "XmlFormatter",
    "XmlParser",
    "auto_formatter_for_type",
    "auto_parser_for_type",
    "extract_json",
    "json_schema_for_type",
    "llm_value",
    "llm_text",
    "load_config",
    "make_converter",
    "resolve",
    "resolve_async",
    "run_dataset",
    "run_dataset_async",
    "run_records_async",
    "run_sync",
    "structure",
    "validate",
]
