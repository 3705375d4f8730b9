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
# (imports, then `__all__ += [...]`)

# -- text compilers (templates, regular expressions) -------------------------------------
# (imports, then `__all__ += [...]`)

# -- JSON Schema -------------------------------------------------------------------------
# (imports, then `__all__ += [...]`)

# -- agent data and the seed-compatible API ----------------------------------------------
# (imports, then `__all__ += [...]`)

# -- datasets ----------------------------------------------------------------------------
# (imports, then `__all__ += [...]`)

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
    llm_text,
    llm_value,
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
    "llm_value",
    "llm_text",
    "run_dataset",
]
