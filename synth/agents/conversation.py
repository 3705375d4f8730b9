"""Conversations from templates: every turn of a sample shares one set of bindings.

A conversation template is data (built-ins in ``data/conversations.toml``; yours from a
dict, JSON, TOML or YAML)::

    {"templates": {"refund": {
        "description": "A customer asks for a refund.",
        "vocab": {"product": ["a kettle", "a desk lamp"]},
        "turns": [
            {"role": "system", "content": "You are a support agent."},
            {"role": "user", "content": ["I want a refund for {product}.",
                                         "Can I return {product}?"]},
            {"role": "assistant", "content": "Sure, {first_name}. What's your order number?"}
        ]}}}

A template has ``turns`` or a list of ``scenarios`` (each with its own ``turns`` and
optional ``vocab`` and ``weight``); a sample picks one scenario, then renders its turns
with one environment, so ``{first_name}`` is the same name in every turn. Mistakes are
reported with their place in the document: ``templates.refund.turns[1].content[0]: line
1, column 24: unknown placeholder {prodct}; did you mean product?``.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import random
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from synth.agents._data import load_data, yaml_error
from synth.agents.models import Conversation, Message
from synth.compilers.template import (
    DEFAULT_REFERENCE_TIME,
    Registry,
    compile_together,
    default_registry,
)
from synth.core.combinators import _weighted_index, sampled_from
from synth.core.errors import InvalidArgument, TemplateError
from synth.core.gen import DrawFn, Gen
from synth.core.pretty import call_repr
from synth.core.primitives import _below_fn
from synth.core.seeding import block_rng

__all__ = [
    "ConversationTemplate",
    "Scenario",
    "Turn",
    "agent_registry",
    "builtin_templates",
    "conversations",
    "load_templates",
    "native_conversations",
]

ROLES = ("system", "user", "assistant", "tool")


@attrs.frozen
class Turn:
    """One turn of a template: a role and its phrasings (one is picked per sample)."""

    role: str
    content: tuple[str, ...]


@attrs.frozen
class Scenario:
    """One storyline of a template: its turns, extra vocabulary and relative weight."""

    name: str
    turns: tuple[Turn, ...]
    vocab: Mapping[str, Any] = attrs.field(factory=dict, hash=False)
    weight: float = 1.0


@attrs.frozen
class ConversationTemplate:
    """A named conversation template: shared vocabulary and one or more scenarios."""

    name: str
    scenarios: tuple[Scenario, ...]
    description: str = ""
    vocab: Mapping[str, Any] = attrs.field(factory=dict, hash=False)

    @property
    def turn_count(self) -> int:
        """The number of turns (of the first scenario, when they differ)."""
        return len(self.scenarios[0].turns)

    def __len__(self) -> int:
        return self.turn_count


# -- loading -----------------------------------------------------------------------------


def _fail(path: str, message: str) -> TemplateError:
    return TemplateError(f"{path}: {message}")


def _phrasings(value: Any, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    if isinstance(value, Sequence) and value:
        bad = next(i for i, v in enumerate(value) if not isinstance(v, str))
        raise _fail(f"{path}[{bad}]", f"expected a text, got {value[bad]!r}")
    raise _fail(path, f"expected a text or a non-empty list of phrasings, got {value!r}")


def _vocab(value: Any, path: str) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _fail(path, f"expected a mapping of names to phrasings, got {value!r}")
    return {str(k): _phrasings(v, f"{path}.{k}") for k, v in value.items()}


def _turns(value: Any, path: str) -> tuple[Turn, ...]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise _fail(path, f"expected a non-empty list of turns, got {value!r}")
    out = []
    for i, turn in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(turn, Mapping):
            raise _fail(where, f"expected a mapping with role and content, got {turn!r}")
        unknown = set(turn) - {"role", "content"}
        if unknown:
            raise _fail(where, f"unknown keys {sorted(unknown)}; a turn has role and content")
        role = turn.get("role")
        if role not in ROLES:
            raise _fail(f"{where}.role", f"expected one of {', '.join(ROLES)}, got {role!r}")
        if "content" not in turn:
            raise _fail(where, "missing content")
        out.append(Turn(role, _phrasings(turn["content"], f"{where}.content")))
    return tuple(out)


def _template(name: str, value: Any, path: str) -> ConversationTemplate:
    if not isinstance(value, Mapping):
        raise _fail(path, f"expected a mapping with turns or scenarios, got {value!r}")
    unknown = set(value) - {"description", "vocab", "turns", "scenarios"}
    if unknown:
        raise _fail(
            path, f"unknown keys {sorted(unknown)}; use description, vocab, turns or scenarios"
        )
    if ("turns" in value) == ("scenarios" in value):
        raise _fail(path, "give either turns or scenarios (a list of {name, turns})")
    if "turns" in value:
        scenarios: tuple[Scenario, ...] = (Scenario(name, _turns(value["turns"], f"{path}.turns")),)
    else:
        raw = value["scenarios"]
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
            raise _fail(f"{path}.scenarios", "expected a non-empty list of scenarios")
        items = []
        for i, sc in enumerate(raw):
            where = f"{path}.scenarios[{i}]"
            if not isinstance(sc, Mapping) or "turns" not in sc:
                raise _fail(where, "expected a mapping with turns (and optional name, vocab)")
            weight = sc.get("weight", 1.0)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
                raise _fail(f"{where}.weight", f"expected a number > 0, got {weight!r}")
            items.append(
                Scenario(
                    str(sc.get("name", f"{name}_{i}")),
                    _turns(sc["turns"], f"{where}.turns"),
                    _vocab(sc.get("vocab"), f"{where}.vocab"),
                    float(weight),
                )
            )
        scenarios = tuple(items)
    description = value.get("description", "")
    if not isinstance(description, str):
        raise _fail(f"{path}.description", f"expected a text, got {description!r}")
    return ConversationTemplate(name, scenarios, description, _vocab(value.get("vocab"), path))


def _parse_document(data: Any, origin: str) -> dict[str, ConversationTemplate]:
    if not isinstance(data, Mapping):
        raise _fail(origin, f"expected a mapping of template names, got {type(data).__name__}")
    root = "templates"
    if "templates" in data:
        if set(data) - {"templates"}:
            raise _fail(origin, f"unknown top-level keys {sorted(set(data) - {'templates'})}")
        data = data["templates"]
        if not isinstance(data, Mapping):
            raise _fail(f"{origin}: templates", "expected a mapping of template names")
    out = {}
    for name, value in data.items():
        out[str(name)] = _template(str(name), value, f"{root}.{name}")
    return out


def load_templates(
    source: str | os.PathLike[str] | Mapping[str, Any],
) -> dict[str, ConversationTemplate]:
    """Read conversation templates from a dict or a ``.json``, ``.toml``, ``.yaml`` file.

    The document is ``{"templates": {name: template}}`` or ``{name: template}``. YAML
    needs PyYAML (``pip install 'synth[yaml]'``). Errors name the place in the document,
    e.g. ``templates.refund.turns[3].content``; placeholders are checked when the
    templates are compiled (by :func:`conversations`).
    """
    if isinstance(source, Mapping):
        return _parse_document(source, "templates")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidArgument(f"cannot read templates file {str(path)!r}: {exc.strerror}") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix == ".toml":
            import tomllib

            data = tomllib.loads(text)
        elif suffix in (".yaml", ".yml"):
            data = _load_yaml(text, path)
        else:
            raise InvalidArgument(
                f"templates file {str(path)!r} must end in .json, .toml, .yaml or .yml"
            )
    except json.JSONDecodeError as exc:
        raise TemplateError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}", exc.lineno, exc.colno
        ) from None
    except ValueError as exc:
        if isinstance(exc, (InvalidArgument, TemplateError)):
            raise
        raise TemplateError(f"{path}: not valid {suffix[1:].upper()}: {exc}") from None
    try:
        return _parse_document(data, str(path))
    except TemplateError as exc:
        raise TemplateError(f"{path}: {exc}", exc.line, exc.column) from None


def _load_yaml(text: str, path: Path) -> Any:
    try:
        import yaml
    except ImportError:
        raise InvalidArgument(
            f"reading {str(path)!r} needs PyYAML: pip install 'synth[yaml]' "
            "(or write the templates as JSON or TOML)"
        ) from None
    try:
        return yaml.safe_load(text)  # safe_load: never constructs Python objects
    except yaml.YAMLError as exc:
        message, line, column = yaml_error(exc, path)
        raise TemplateError(message, line, column) from None


def builtin_templates() -> dict[str, ConversationTemplate]:
    """The templates shipped with synth (customer_support, code_assistant, ...)."""
    return dict(_builtin_templates())


@functools.cache
def _builtin_templates() -> dict[str, ConversationTemplate]:
    return _parse_document(load_data("conversations"), "synth/agents/data/conversations.toml")


# -- the registry the built-in templates use ----------------------------------------------


def agent_registry(
    locale: str = "en_US", reference_time: dt.datetime = DEFAULT_REFERENCE_TIME
) -> Registry:
    """The default registry, with ``first_name`` and ``last_name`` drawn fast: from a bank
    of draws of the compiled Faker provider when there is one, else from synth's own name
    lists for ``en_US`` (calling Faker itself would be correct but slow)."""
    registry = default_registry(locale, reference_time)
    people = load_data("people")
    extra = {
        name: _people_provider(name, values, locale, registry) for name, values in people.items()
    }
    return registry.with_providers(extra)


@functools.cache
def _compiled_names(locale: str) -> frozenset[str]:
    try:
        from synth.providers import compiled_providers

        return frozenset(compiled_providers(locale))
    except ImportError:
        return frozenset()


def _people_provider(
    name: str, values: list[str], locale: str, registry: Registry
) -> Callable[[str | None], Gen[Any]]:
    """``{first_name}``: a bank of the compiled Faker provider's names when there is one,
    else synth's own list (``en_US``) or Faker's provider. Decided on first use, so that
    templates without names never load the providers."""

    def make(args: str | None) -> Gen[Any]:
        if name in _compiled_names(locale):
            if args is None:
                return _name_gen(name, locale)
            from synth.providers import fake

            return fake(name, args, locale=locale)
        fallback = registry.lookup(name)
        if locale == "en_US" or fallback is None:
            if args is not None:
                raise InvalidArgument(f"{{{name}}} takes no arguments, got {{{name}:{args}}}")
            return sampled_from(values)
        return fallback if isinstance(fallback, Gen) else fallback(args)

    return make


#: How many names a name bank holds (a power of two: one ``getrandbits`` a name).
NAME_BANK_SIZE = 4096


@functools.cache
def _name_gen(name: str, locale: str) -> Gen[str]:
    # One node per bank: building a sampled_from walks its 4096 elements.
    return sampled_from(_name_bank(name, locale))


@functools.cache
def _name_bank(name: str, locale: str) -> tuple[str, ...]:
    """``NAME_BANK_SIZE`` draws of the Faker provider ``name`` with a fixed seed.

    The names then follow Faker's frequencies (common names come up more often) and cost
    one table pick instead of a weighted draw through the compiled provider.
    """
    from synth.providers import fake

    draw = fake(name, locale=locale)._fn
    rng = block_rng(f"synth-name-bank-v1:{locale}:{name}", 0)
    return tuple([str(draw(rng)) for _ in range(NAME_BANK_SIZE)])


# -- generating ----------------------------------------------------------------------------


def _compile_scenarios(
    tpl: ConversationTemplate, registry: Registry
) -> tuple[
    Callable[[random.Random], int],
    list[tuple[tuple[str, ...], Callable[[random.Random], tuple[str, ...]]]],
]:
    """Each scenario's roles and ``rng -> contents`` renderer, and a function picking one."""
    compiled = []
    for i, sc in enumerate(tpl.scenarios):
        texts = {f"turns[{j}].content": t.content for j, t in enumerate(sc.turns)}
        where = (
            f"templates.{tpl.name}"
            if len(tpl.scenarios) == 1
            else f"templates.{tpl.name}.scenarios[{i}]"
        )
        render = compile_together(
            texts, registry=registry, vocab={**tpl.vocab, **sc.vocab}, where=where
        )
        compiled.append((tuple(t.role for t in sc.turns), render))
    weights = tuple(sc.weight for sc in tpl.scenarios)
    if len(set(weights)) == 1:
        return _below_fn(len(compiled)), compiled
    return _weighted_index(weights), compiled


@attrs.frozen(repr=False)
class _Conversations(Gen[Conversation]):
    template: ConversationTemplate
    registry: Registry = attrs.field(eq=False)

    def _compile(self) -> DrawFn:
        pick, compiled = _compile_scenarios(self.template, self.registry)

        def draw(rng: random.Random) -> Conversation:
            roles, render = compiled[pick(rng)]
            return Conversation(
                tuple([Message(r, c) for r, c in zip(roles, render(rng), strict=True)])
            )

        return draw

    def _default_repr(self) -> str:
        return call_repr("conversations", (self.template.name,))


@attrs.frozen(repr=False)
class _NativeConversations(Gen[dict[str, Any]]):
    """The seed's record ``{"turns": [{"role", "content", "tool_calls"}]}``, drawn directly.

    Same draws as :func:`conversations` followed by the native export, without building
    the intermediate models (a large share of the cost of a templated conversation).
    """

    template: ConversationTemplate
    registry: Registry = attrs.field(eq=False)
    #: ``(rng, index) -> {"index": index, **record}``: the seed API's sample, drawn as
    #: the record is (set when compiled).
    _indexed: Callable[[random.Random, int], dict[str, Any]] = attrs.field(
        init=False, default=None, eq=False, hash=False, repr=False
    )

    def _compile(self) -> DrawFn:
        pick, compiled = _compile_scenarios(self.template, self.registry)
        records = [_native_fn(roles, render) for roles, render in compiled]
        samples = [_native_fn(roles, render, indexed=True) for roles, render in compiled]
        weights = {sc.weight for sc in self.template.scenarios}
        object.__setattr__(self, "_indexed", _dispatch(pick, samples, len(weights) == 1))
        return _dispatch(pick, records, len(weights) == 1, indexed=False)

    def _default_repr(self) -> str:
        # The template's name and its storylines: what an explain of the tree should show.
        scenarios = [sc.name for sc in self.template.scenarios]
        return call_repr("native_conversations", (self.template.name,), {"scenarios": scenarios})


def _dispatch(
    pick: Callable[[random.Random], int],
    fns: list[Callable[..., dict[str, Any]]],
    uniform: bool,
    indexed: bool = True,
) -> Callable[..., dict[str, Any]]:
    """``(rng[, index]) -> fns[pick(rng)](rng[, index])``, with a uniform pick written
    out (the same ``getrandbits`` draws as ``pick``, one call less)."""
    n = len(fns)
    if n == 1:
        return fns[0]
    if not uniform:
        if indexed:
            return lambda rng, index: fns[pick(rng)](rng, index)
        return lambda rng: fns[pick(rng)](rng)
    k = (n - 1).bit_length()
    if indexed:

        def one(rng: random.Random, index: int) -> dict[str, Any]:
            s = rng.getrandbits(k)
            while s >= n:
                s = rng.getrandbits(k)
            return fns[s](rng, index)

        return one

    def record(rng: random.Random) -> dict[str, Any]:
        s = rng.getrandbits(k)
        while s >= n:
            s = rng.getrandbits(k)
        return fns[s](rng)

    return record


def _native_fn(
    roles: tuple[str, ...],
    render: Callable[[random.Random], tuple[str, ...]],
    indexed: bool = False,
) -> Callable[..., dict[str, Any]]:
    """``rng -> {"turns": [...]}`` for one scenario, or with ``indexed``, ``(rng, index)
    -> {"index": index, "turns": [...]}`` (the seed API's sample, built in one display
    rather than copied). Generated code for the scenario's number of turns: a display
    per turn, no loop (a comprehension costs about 70 ns more per turn). When the texts
    are lookups (see ``synth.compilers.template._tabled_render``), the record is built
    in the render's own generated function."""
    rebuild = getattr(render, "_rebuild", None)
    if rebuild is not None:
        return rebuild(_record_form(len(roles), indexed), roles)  # type: ignore[no-any-return]
    return _native_maker(len(roles), indexed)(roles, render)  # type: ignore[no-any-return]


def _record_form(turns: int, indexed: bool) -> tuple[str, str]:
    """The ``form`` of a record of ``turns`` turns (texts ``t0...``, roles ``x0...``)."""
    shown = ", ".join(
        f'{{"role": x{k}, "content": t{k}, "tool_calls": None}}' for k in range(turns)
    )
    if indexed:
        return "rng, index", f'{{"index": index, "turns": [{shown}]}}'
    return "rng", f'{{"turns": [{shown}]}}'


@functools.cache
def _native_maker(turns: int, indexed: bool) -> Callable[..., Any]:
    """``make(roles, render) -> record function`` for ``turns`` turns (the generated code
    depends only on the two arguments; roles and the render are passed in)."""
    names = ", ".join(f"c{k}" for k in range(turns))
    args, head = ("rng, index", '"index": index, ') if indexed else ("rng", "")
    lines = [
        "def make(roles, render):",
        f"    ({''.join(f'r{k}, ' for k in range(turns))}) = roles",
        f"    def record({args}):",
        f"        ({names},) = render(rng)",
        "        return {" + head + '"turns": [',
    ]
    turn = '            {{"role": r{0}, "content": c{0}, "tool_calls": None}},'
    lines += [turn.format(k) for k in range(turns)]
    lines += ["        ]}", "    return record"]
    namespace: dict[str, Any] = {}
    name = f"<synth conversation record: {turns} turns{', indexed' if indexed else ''}>"
    exec(compile("\n".join(lines) + "\n", name, "exec"), namespace)
    return namespace["make"]  # type: ignore[no-any-return]


def native_conversations(
    template: ConversationTemplate, *, registry: Registry | None = None
) -> Gen[dict[str, Any]]:
    """Records in the seed's conversation shape, straight from a template (fast path)."""
    return _NativeConversations(template, registry or agent_registry())


def conversations(
    template: str | ConversationTemplate = "customer_support",
    *,
    templates: Mapping[str, ConversationTemplate] | None = None,
    registry: Registry | None = None,
) -> Gen[Conversation]:
    """Conversations from a template (a built-in name, a name in ``templates``, or one).

    Placeholders are checked now: unknown names raise :class:`~synth.TemplateError`.
    """
    if isinstance(template, str):
        table = {**builtin_templates(), **(templates or {})}
        if template not in table:
            raise InvalidArgument(_unknown("template", template, table))
        template = table[template]
    elif not isinstance(template, ConversationTemplate):
        raise InvalidArgument(
            f"conversations() expects a template name or a ConversationTemplate, got "
            f"template={template!r} (type={type(template).__name__})"
        )
    return _Conversations(template, registry or agent_registry())


def _unknown(kind: str, value: Any, valid: Mapping[str, Any] | Sequence[str]) -> str:
    import difflib

    names = sorted(valid)
    close = difflib.get_close_matches(str(value), names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"unknown {kind} {value!r}{hint} (valid: {', '.join(names)})"
