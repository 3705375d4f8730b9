"""The seed-compatible API: aumai-datasynthesizer's classes, backed by synth's generators.

Code written for ``aumai_datasynthesizer`` runs with ``synth`` in its place::

    from synth import DataGenerator, GeneratorConfig, DataType

    dataset = DataGenerator().generate(
        GeneratorConfig(data_type=DataType.text, count=20, seed=42,
                        constraints={"min_sentences": 2, "max_sentences": 6}))

Differences that fix the seed's defects: every record is reproducible from the seed
(ids, dates and timestamps included; the clock is never read and no global random state
is touched), constraints are validated (unknown keys, templates and tools are errors
listing the valid ones), ``min_sentences``/``max_sentences`` are honoured exactly, and
``seed=None`` draws a fresh seed that is recorded in ``metadata["seed"]``.
"""

from __future__ import annotations

import enum
import random
import secrets
import time
from collections.abc import Mapping
from itertools import repeat
from typing import TYPE_CHECKING, Any

import attrs

from synth.agents.datasets import (
    check_template_export,
    check_template_name,
    check_tool_names,
    check_user_templates,
    list_templates,
    list_tools,
    parse_constraints,
    payload_generator,
    uses_tools,
)
from synth.compilers.template import DEFAULT_REFERENCE_TIME
from synth.core.errors import InvalidArgument
from synth.core.gen import Gen
from synth.core.seeding import SCHEME_VERSION, blocks, seed_bytes

__all__ = [
    "CONVERSATION_TEMPLATES",
    "TOOL_CALL_TEMPLATES",
    "ConversationTurn",
    "DataGenerator",
    "DataType",
    "GeneratorConfig",
    "REFERENCE_TIME",
    "SyntheticDataset",
    "list_templates",
    "load_templates",
    "list_tools",
    "payload_generator",
]


#: The "now" that dates, timestamps and ``created_at`` count from unless told otherwise.
REFERENCE_TIME = DEFAULT_REFERENCE_TIME


class DataType(enum.StrEnum):
    """The five kinds of data: text, json, conversation, tool_call and agent_trace."""

    text = "text"
    json = "json"
    conversation = "conversation"
    tool_call = "tool_call"
    agent_trace = "agent_trace"


def _to_data_type(value: Any) -> DataType:
    if isinstance(value, DataType):
        return value
    try:
        return DataType(str(value).lower())
    except ValueError:
        import difflib

        names = [d.value for d in DataType]
        close = difflib.get_close_matches(str(value), names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise InvalidArgument(
            f"GeneratorConfig: unknown data_type {value!r}{hint} (valid: {', '.join(names)})"
        ) from None


def _check_count(_: Any, __: Any, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidArgument(
            f"GeneratorConfig: count must be an integer greater than 0, got count={value!r}"
        )


def _check_seed(_: Any, __: Any, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidArgument(
            f"GeneratorConfig: seed must be an integer or None, got seed={value!r}"
        )


def _check_schema(_: Any, __: Any, value: Any) -> None:
    if value is not None and not isinstance(value, Mapping):
        raise InvalidArgument(
            f"GeneratorConfig: schema must be a dict (a JSON Schema object), got "
            f"{type(value).__name__}"
        )


def _check_object_schema(schema: Mapping[str, Any]) -> None:
    """Samples are ``{"index": i, **record}``: the schema's records must be objects, without
    an ``index`` property of their own."""
    kind = schema.get("type", "object")
    if kind not in ("object", ["object"]) or not schema:
        got = f'"type": {kind!r}' if schema else "no keywords (any JSON value)"
        raise InvalidArgument(
            f"GeneratorConfig: schema must describe JSON objects (each sample is "
            f'{{"index": i, **record}}), got a schema with {got}; give it '
            f'"type": "object" and wrap other values in a property (for records of another '
            f"type, use synth.from_schema and synth.stream)"
        )
    properties = schema.get("properties")
    if isinstance(properties, Mapping) and "index" in properties:
        raise InvalidArgument(
            "GeneratorConfig: schema has a property named 'index' (#/properties/index), "
            "which would collide with the sample number every sample starts with; rename it"
        )


def _to_constraints(value: Any) -> Any:
    """``None`` means no constraints; anything else is checked by ``parse_constraints``."""
    return {} if value is None else value


@attrs.frozen
class GeneratorConfig:
    """What to generate: ``data_type``, ``count`` (> 0), ``seed``, ``schema``, ``constraints``.

    Validated when built: a bad count, an unknown data type, constraint key, template or
    tool, a value of the wrong type (``max_sentences="abc"``) or ``min_sentences >
    max_sentences`` raise :class:`synth.InvalidArgument`.

    Two fields the seed does not have: ``templates`` (your conversation templates: a dict,
    or a JSON, TOML or YAML file) and ``tools`` (your tool definitions: an OpenAI ``tools``
    list, MCP tools, or a JSON file), usable by name in ``constraints``. Conversations with
    ``tools`` (and no other template) are ``tool_use`` ones that call them; ``tools`` with
    another template are refused.
    """

    data_type: DataType = attrs.field(converter=_to_data_type)
    count: int = attrs.field(default=10, validator=_check_count)
    seed: int | None = attrs.field(default=None, validator=_check_seed)
    schema: dict[str, Any] | None = attrs.field(default=None, validator=_check_schema)
    constraints: dict[str, Any] = attrs.field(factory=dict, converter=_to_constraints)
    templates: Any = attrs.field(default=None, kw_only=True)
    tools: Any = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        opts = parse_constraints(self.data_type.value, self.constraints)
        if self.templates is not None:
            check_user_templates(self.templates, opts)
        if "template" in self.constraints:
            template = check_template_name(opts["template"], self.templates)
            if template is not None:
                check_template_export(template, opts["export"])
        if "tool" in self.constraints or "tools" in self.constraints:
            check_tool_names(opts.get("tool") or opts.get("tools"), self.tools)
        if self.schema is not None and self.data_type is not DataType.json:
            raise InvalidArgument(
                f"GeneratorConfig: schema applies to data_type json, not {self.data_type.value!r}"
            )
        if self.schema is not None:
            _check_object_schema(self.schema)
        if self.data_type is DataType.conversation:
            # tool definitions with a non-tool_use template are refused
            uses_tools(opts, self.tools, template_given="template" in self.constraints)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the configuration."""
        return {
            "data_type": self.data_type.value,
            "count": self.count,
            "seed": self.seed,
            "schema": self.schema,
            "constraints": dict(self.constraints),
        }


@attrs.frozen
class ConversationTurn:
    """One turn: ``role``, ``content`` and, on assistant turns that call tools, ``tool_calls``."""

    role: str
    content: str | None
    tool_calls: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{"role", "content", "tool_calls"}`` (the seed's record shape)."""
        return {"role": self.role, "content": self.content, "tool_calls": self.tool_calls}

    model_dump = to_dict


@attrs.frozen
class SyntheticDataset:
    """The result of :meth:`DataGenerator.generate`: ``config``, ``samples``, ``metadata``.

    ``metadata`` has the seed's ``generated_count``, ``generation_time_ms`` and
    ``data_type``, plus ``seed`` (the one used, also when ``config.seed`` was ``None``),
    ``synth_version`` and ``seeding_scheme``.
    """

    config: GeneratorConfig
    samples: list[dict[str, Any]]
    metadata: dict[str, Any] = attrs.field(factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"config", "samples", "metadata"}``, JSON-ready."""
        return {"config": self.config.to_dict(), "samples": self.samples, "metadata": self.metadata}

    model_dump = to_dict


def _indexed_samples(gen: Gen[dict[str, Any]], count: int, seed: int) -> list[dict[str, Any]]:
    """``[{"index": i, **record_i} for i < count]``: the records of ``stream(gen, count,
    seed=seed)``, numbered.

    The same draws as the stream, block by block (``synth.core.seeding.blocks``); a
    generator that can draw a sample with its index in one display (``_indexed``: text
    and conversation records) does, instead of a record copied into a new dict. (The
    cyclic garbage collector is left alone: pausing it would be faster, but it is the
    whole process's, and synth never changes process-wide state.)
    """
    indexed = getattr(gen, "_indexed", None)
    if indexed is None:
        draw = gen._fn

        def indexed(rng: random.Random, index: int) -> dict[str, Any]:
            return {"index": index, **draw(rng)}

    samples: list[dict[str, Any]] = []
    extend = samples.extend
    for rng, _, lo, hi in blocks(seed_bytes(seed), 0, count):
        extend(map(indexed, repeat(rng, hi - lo), range(lo, hi)))
    return samples


def _fresh_seed() -> int:
    """A new seed from the OS (never from global random state)."""
    return secrets.randbits(63)


class DataGenerator:
    """Generates datasets from a :class:`GeneratorConfig`.

    ``faker`` is accepted for compatibility and ignored: synth never uses a caller's
    Faker instance or its global seed. ``locale`` chooses the Faker locale of the people
    and places in every type but text (whose English sentences name no one, so a locale
    there is refused); the wording of the data stays English.
    """

    def __init__(self, faker: Any = None, *, locale: str = "en_US") -> None:
        self.locale = locale

    def _samples(self, config: GeneratorConfig) -> tuple[list[dict[str, Any]], int]:
        seed = config.seed if config.seed is not None else _fresh_seed()
        gen = payload_generator(
            config.data_type.value,
            constraints=config.constraints,
            schema=config.schema,
            tools=config.tools,
            templates=config.templates,
            locale=self.locale,
        )
        return _indexed_samples(gen, config.count, seed), seed

    def generate(self, config: GeneratorConfig) -> SyntheticDataset:
        """Generate ``config.count`` samples; record ``i`` depends only on (config, seed, i)."""
        if not isinstance(config, GeneratorConfig):
            raise InvalidArgument(
                f"generate() expects a GeneratorConfig, got {type(config).__name__}"
            )
        from synth import __version__

        start = time.perf_counter()
        samples, seed = self._samples(config)
        elapsed_ms = round((time.perf_counter() - start) * 1000, 2)
        metadata = {
            "generated_count": len(samples),
            "generation_time_ms": elapsed_ms,
            "data_type": config.data_type.value,
            "seed": seed,
            "synth_version": __version__,
            "seeding_scheme": SCHEME_VERSION,
        }
        return SyntheticDataset(config, samples, metadata)

    def _typed(self, config: GeneratorConfig, data_type: DataType) -> list[dict[str, Any]]:
        if config.data_type is not data_type:
            config = _retyped(config, data_type)
        return self._samples(config)[0]

    def generate_text(self, config: GeneratorConfig) -> list[dict[str, Any]]:
        """Text samples ``{"index", "text"}`` (whatever ``config.data_type`` says)."""
        return self._typed(config, DataType.text)

    def generate_json(self, config: GeneratorConfig) -> list[dict[str, Any]]:
        """JSON samples: free-form records, or records of ``config.schema``."""
        return self._typed(config, DataType.json)

    def generate_conversations(
        self, config: GeneratorConfig
    ) -> list[list[ConversationTurn]] | list[dict[str, Any]]:
        """Conversations as lists of :class:`ConversationTurn` (the seed's return type).

        With an ``export`` constraint other than ``native`` (``openai``, ``sharegpt``) the
        records are not turn lists: the exported records are returned as
        ``generate(config).samples`` has them (``{"index", "messages", "tools"}`` or
        ``{"index", "conversations", "tools"}``).
        """
        samples = self._typed(config, DataType.conversation)
        if config.constraints.get("export", "native") != "native":
            return samples
        return [[ConversationTurn(**turn) for turn in s["turns"]] for s in samples]

    def generate_tool_calls(self, config: GeneratorConfig) -> list[dict[str, Any]]:
        """Tool-call samples ``{"index", "id", "type", "function"}``."""
        return self._typed(config, DataType.tool_call)

    def generate_agent_traces(self, config: GeneratorConfig) -> list[dict[str, Any]]:
        """Agent traces ``{"index", "trace_id", "agent", "task", "steps", ...}``."""
        return self._typed(config, DataType.agent_trace)


def _retyped(config: GeneratorConfig, data_type: DataType) -> GeneratorConfig:
    """``config`` for another data type, as the seed's typed helpers read it: the schema and
    the constraints of the other type are left out, those that apply to ``data_type`` kept
    (``export`` only where records have other shapes than the native one)."""
    from synth.agents.datasets import CONSTRAINTS

    kind = data_type.value
    keep = {
        key: value
        for key, value in config.constraints.items()
        if key in CONSTRAINTS
        and kind in CONSTRAINTS[key].applies_to
        and not (key == "export" and kind in ("text", "json"))
    }
    schema = config.schema if data_type is DataType.json else None
    return attrs.evolve(config, data_type=data_type, schema=schema, constraints=keep)


def _conversation_templates() -> dict[str, list[dict[str, Any]]]:
    """Built-in templates as the seed exposes them: name -> list of {role, content}."""
    out = {}
    from synth.agents.conversation import builtin_templates

    for name, template in builtin_templates().items():
        first = template.scenarios[0]
        out[name] = [{"role": t.role, "content": t.content[0]} for t in first.turns]
    return out


def _tool_call_templates() -> dict[str, dict[str, Any]]:
    try:
        from synth.agents.tools import BUILTIN_TOOLS
    except ImportError:
        return {}
    return {
        key: {"name": s.name, "description": s.description, "parameters": s.parameters}
        for key, s in BUILTIN_TOOLS.items()
    }


# CONVERSATION_TEMPLATES (built-in conversation templates, name -> turns ``{"role",
# "content"}`` of the first scenario) and TOOL_CALL_TEMPLATES (built-in tools, key ->
# ``{"name", "description", "parameters"}``, the seed's schemas) are built on first use:
# they parse the template and tool data, which ``synth generate`` of another type never
# needs. ``load_templates`` is imported on first use for the same reason.
_LAZY = {
    "CONVERSATION_TEMPLATES": _conversation_templates,
    "TOOL_CALL_TEMPLATES": _tool_call_templates,
}


def __getattr__(name: str) -> Any:
    if name == "load_templates":
        from synth.agents.conversation import load_templates

        value: Any = load_templates
    elif name in _LAZY:
        value = _LAZY[name]()
    else:
        raise AttributeError(f"module 'synth.compat' has no attribute {name!r}")
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from synth.agents.conversation import load_templates

    CONVERSATION_TEMPLATES: dict[str, list[dict[str, Any]]]
    TOOL_CALL_TEMPLATES: dict[str, dict[str, Any]]
