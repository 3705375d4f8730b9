"""JSON Schema -> generator tree.

The pipeline, over plain dicts: resolve references (as the ``jsonschema`` validator does),
canonicalise each schema object (:mod:`synth.schema.canonical`), flatten a conjunction of
subschemas (``allOf``, ``$ref`` next to other keywords, chosen ``anyOf``/``oneOf``/``if``
branches), merge their keywords, and dispatch by type into generator nodes.

Construct, don't filter. Filtering is a counted last resort (``not`` in general, ``oneOf``
exclusivity, a second ``pattern``): each filter is measured when compiling and refused
(``UnsupportedSchema``) when it would reject too often.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import attrs

from synth.core.combinators import just, one_of, sampled_from
from synth.core.errors import (
    SchemaError,
    SynthError,
    Unsatisfiable,
    UnsatisfiableSchema,
    UnsupportedSchema,
)
from synth.core.gen import Gen
from synth.core.primitives import DEFAULT_ALPHABET, booleans, integers, text
from synth.schema import strings
from synth.schema.canonical import (
    ALL_TYPES,
    canonical,
    json_equal,
    json_key,
    tighter_lower,
    tighter_upper,
)
from synth.schema.nodes import (
    ArrayNode,
    CheckedNode,
    CopyNode,
    FloatRange,
    MultipleNode,
    Named,
    ObjectNode,
    PlainText,
    SharedDeferred,
    WeightedPair,
)
from synth.schema.realistic import singular
from synth.schema.validation import Resolver, Validators

__all__ = ["Compiler", "Options"]

_OBJECT_KEYS = {
    "properties", "patternProperties", "additionalProperties", "required", "propertyNames",
    "minProperties", "maxProperties", "dependentRequired", "unevaluatedProperties",
}  # fmt: skip
_ARRAY_KEYS = {
    "prefixItems",
    "items",
    "contains",
    "minItems",
    "maxItems",
    "uniqueItems",
    "unevaluatedItems",
}
_STRING_KEYS = {"minLength", "maxLength", "pattern", "format"}
_NUMBER_KEYS = {"lower", "upper", "multipleOf"}
_TYPE_ORDER = ("object", "array", "string", "integer", "float", "boolean", "null")

#: Default window for numbers without bounds, and extra span above a lower bound.
NUMBER_WINDOW = 1000
#: A last-resort filter is measured on this many draws when compiling, and kept only if at
#: least PROBE_ACCEPT pass: then 1000 tries at draw time fail with odds below 1e-13.
PROBE_DRAWS = 100
PROBE_ACCEPT = 3
#: Free-form text keys for objects that allow any property.
KEY_ALPHABET = "abcdefghijklmnopqrstuvwxyz_"


@attrs.frozen
class Options:
    max_depth: int = 4
    realistic: bool = True
    size_budget: int = 10_000
    optional_p: float = 0.8
    max_items: int = 5
    max_length: int = 16
    extra_properties: int = 0
    formats: Any = None
    max_compiles: int = 20_000


@attrs.frozen(eq=False)
class Part:
    """A subschema with the resolver in force inside it and its location.

    A negated part comes from the user's ``not``, or is implied by a combinator (the other
    branches of a ``oneOf``, the ``if`` of an ``else``, a bounded ``contains``); ``origin``
    then says so: the keyword the user wrote and a phrase in the user's words, for error
    messages.
    """

    schema: Any
    resolver: Resolver
    pointer: str
    key: Any
    negated: bool = False
    origin: tuple[str, str] | None = None

    def negation(self) -> str:
        """Who asks for this part to fail, as the user wrote it."""
        return self.origin[1] if self.origin else f"'not' at {self.pointer}"

    def negating_keyword(self) -> str:
        """The keyword the user wrote that makes this part negated."""
        return self.origin[0] if self.origin else "not"


class _FilterRejected(UnsupportedSchema):
    """A last-resort filter rejected nearly every candidate when measured (``passed`` of
    :data:`PROBE_DRAWS`)."""

    passed = 0


class _NotReady(Unsatisfiable):
    """A recursive reference was drawn before its target finished compiling."""


@attrs.define
class _Flat:
    atoms: list[tuple[dict[str, Any], Part]] = attrs.Factory(list)
    choices: list[tuple[str, Any, Part, Any]] = attrs.Factory(list)
    nots: list[Part] = attrs.Factory(list)


#: Canonical keywords holding one subschema, a list of them, a map of them.
_SUBSCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
_SUBSCHEMA_LISTS = ("prefixItems", "allOf", "anyOf", "oneOf")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas")


def _scope_key(resolver: Resolver) -> tuple[Any, ...]:
    seen = [uri for uri, _ in resolver.dynamic_scope()]
    # Keep each URI's outermost occurrence: that is what dynamic resolution looks at.
    last: dict[str, None] = {}
    for uri in reversed(seen):
        last.pop(uri, None)
        last[uri] = None
    return (resolver._base_uri, tuple(last))


class Compiler:
    def __init__(self, root: Any, validators: Validators, options: Options) -> None:
        self.v = validators
        self.options = options
        self.draft = validators.draft
        self.memo: dict[Any, Gen[Any]] = {}
        self.in_progress: set[Any] = set()
        self.deferreds: dict[Any, Gen[Any]] = {}
        self.resolved: dict[Any, Gen[Any]] = {}
        self.group: list[Gen[Any]] = []
        self.canon: dict[int, tuple[Any, dict[str, Any]]] = {}
        self.synthetic: list[Any] = []
        self.compiles = 0
        self.filters = 0
        self.postponed: list[tuple[Gen[Any], Callable[[Any], bool], str, str]] = []
        resolver = validators.root_resolver
        self.root = self.part(root, resolver, "#")

    # -- parts -------------------------------------------------------------------------
    def part(self, schema: Any, resolver: Resolver, pointer: str, negated: bool = False) -> Part:
        inner = self.v.subresolver(resolver, schema)
        if isinstance(schema, bool):
            key: Any = ("bool", schema)
        else:
            key = (id(schema), _scope_key(inner))
        return Part(schema, inner, pointer, key, negated)

    def resolved_part(self, resolved: Any, pointer: str) -> Part:
        """The target of a reference, with the resolver the validator would use there."""
        schema, inner = resolved.contents, resolved.resolver
        key = ("bool", schema) if isinstance(schema, bool) else (id(schema), _scope_key(inner))
        return Part(schema, inner, pointer, key)

    def sub(self, parent: Part, sub: tuple[Any, str]) -> Part:
        schema, rel = sub
        return self.part(schema, parent.resolver, f"{parent.pointer}/{rel}")

    def synthetic_part(self, schema: dict[str, Any], like: Part, label: str) -> Part:
        self.synthetic.append(schema)
        return Part(schema, like.resolver, like.pointer, ("syn", label), False)

    def negate(self, p: Part, origin: tuple[str, str] | None = None) -> Part:
        return Part(p.schema, p.resolver, p.pointer, ("not", p.key), True, origin)

    def canonical(self, schema: Mapping[str, Any], pointer: str) -> dict[str, Any]:
        hit = self.canon.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        c = canonical(schema, self.draft, pointer)
        self.canon[id(schema)] = (schema, c)
        return c

    # -- entry -------------------------------------------------------------------------
    def compile_root(self) -> Gen[Any]:
        self.check_refs()
        gen = self.compile((self.root,), None, frozenset(), 0)
        for g, check, pointer, keyword in self.postponed:
            self._probe(g, check, pointer, keyword, postpone=False)
        if not _terminates(gen, set()):
            raise UnsatisfiableSchema(
                "the schema's recursion has no way to stop (every branch requires another "
                "level); no finite instance exists",
                "#",
                "$ref",
            )
        return gen

    def check_refs(self) -> None:
        """Resolve every ``$ref`` reachable from the root before compiling, so that one
        pointing to nothing is an error even where the compiler would only hand the
        subschema to the validator (under ``not``, in ``oneOf`` exclusivity checks)."""
        stack = [self.root]
        seen: set[tuple[int, Any]] = set()
        while stack:
            p = stack.pop()
            if not isinstance(p.schema, Mapping):
                continue
            mark = (id(p.schema), p.resolver._base_uri)
            if mark in seen:
                continue
            seen.add(mark)
            c = self.canonical(p.schema, p.pointer)
            if "$ref" in c:
                resolved = self.v.lookup(p.resolver, c["$ref"], f"{p.pointer}/$ref", "$ref")
                stack.append(self.resolved_part(resolved, _target(c["$ref"], p.pointer)))
            for key in _SUBSCHEMA:
                if key in c:
                    stack.append(self.sub(p, c[key]))
            for key in _SUBSCHEMA_LISTS:
                stack.extend(self.sub(p, sub) for sub in c.get(key, ()))
            for key in _SUBSCHEMA_MAPS:
                stack.extend(self.sub(p, sub) for sub in c.get(key, {}).values())

    def compile(
        self, parts: tuple[Part, ...], hint: str | None, decided: frozenset[Any], depth: int
    ) -> Gen[Any]:
        parts = self._deref(parts)
        base = (tuple(p.key for p in parts), decided)
        key = (base, hint)
        hit = self.memo.get(key)
        if hit is not None:
            return hit
        if base in self.in_progress:
            # A recursive reference: draw it later, from whatever this compiles to.
            node = self.deferreds.get(base)
            if node is None:
                label = parts[-1].pointer if parts else "#"
                node = SharedDeferred(
                    Named(f"ref({label!r})", self._thunk(base)),
                    self.options.max_depth,
                    group=self.group,
                )
                self.group.append(node)
                self.deferreds[base] = node
            return node
        self.compiles += 1
        if self.compiles > self.options.max_compiles or depth > 150:
            where = parts[-1].pointer if parts else "#"
            raise UnsupportedSchema(
                f"the schema at {where} expands into too many alternatives or levels to compile; "
                "simplify its anyOf/oneOf/if combinations",
                where,
                "anyOf",
            )
        self.in_progress.add(base)
        try:
            gen = self._compile(parts, hint, decided, depth + 1)
        finally:
            self.in_progress.discard(base)
        self.memo[key] = gen
        self.memo.setdefault((base, None), gen)
        self.resolved.setdefault(base, gen)
        return gen

    def _deref(self, parts: tuple[Part, ...]) -> tuple[Part, ...]:
        """Replace parts that are only a reference by their targets, so that every path to
        a definition shares one compiled node (and one recursion point)."""
        out: list[Part] = []
        for p in parts:
            for _ in range(64):
                if p.negated or not isinstance(p.schema, Mapping):
                    break
                c = self.canonical(p.schema, p.pointer)
                if len(c) != 1:
                    break
                if "$ref" in c or "$dynamicRef" in c:
                    kw = "$ref" if "$ref" in c else "$dynamicRef"
                    resolved = self.v.lookup(p.resolver, c[kw], f"{p.pointer}/{kw}", kw)
                    p = self.resolved_part(resolved, _target(c[kw], p.pointer))
                elif "$recursiveRef" in c:
                    resolved = self.v.recursive_lookup(p.resolver)
                    p = self.resolved_part(resolved, (resolved.resolver._base_uri or "") + "#")
                else:
                    break
            out.append(p)
        return tuple(out)

    def _thunk(self, key: Any) -> Callable[[], Gen[Any]]:
        def thunk() -> Gen[Any]:
            gen = self.resolved.get(key)
            if gen is None:
                raise _NotReady("recursive reference drawn before it was compiled")
            return gen

        return thunk

    # -- flatten -----------------------------------------------------------------------
    def flatten(self, parts: tuple[Part, ...], decided: frozenset[Any]) -> _Flat:
        flat = _Flat()
        seen: set[Any] = set()
        queue = list(parts)
        while queue:
            p = queue.pop(0)
            if p.key in seen:
                continue
            seen.add(p.key)
            if p.negated:
                if p.schema is False:
                    continue
                if p.schema is True:
                    raise UnsatisfiableSchema(
                        f"{p.negation()}, but {p.pointer} is true (every value matches it)",
                        p.pointer,
                        "not",
                    )
                flat.nots.append(p)
                continue
            if p.schema is True:
                continue
            if p.schema is False:
                raise UnsatisfiableSchema(
                    f"the schema at {p.pointer} is false: it admits nothing", p.pointer, "false"
                )
            if not isinstance(p.schema, Mapping):
                raise SchemaError(
                    f"a schema must be an object or a boolean, got {p.schema!r} at {p.pointer}",
                    p.pointer,
                )
            c = self.canonical(p.schema, p.pointer)
            for kw in ("$ref", "$dynamicRef"):
                if kw in c:
                    resolved = self.v.lookup(p.resolver, c[kw], f"{p.pointer}/{kw}", kw)
                    queue.append(self.resolved_part(resolved, _target(c[kw], p.pointer)))
            if "$recursiveRef" in c:
                resolved = self.v.recursive_lookup(p.resolver)
                queue.append(
                    self.resolved_part(resolved, (resolved.resolver._base_uri or "") + "#")
                )
            for sub in c.get("allOf", ()):
                queue.append(self.sub(p, sub))
            if "not" in c:
                queue.append(self.negate(self.sub(p, c["not"])))
            for kw in ("anyOf", "oneOf"):
                if kw in c and (p.key, kw) not in decided:
                    flat.choices.append((kw, (p.key, kw), p, c[kw]))
            if "if" in c and ("then" in c or "else" in c) and (p.key, "if") not in decided:
                flat.choices.append(("if", (p.key, "if"), p, c))
            for name, sub in c.get("dependentSchemas", {}).items():
                if (p.key, "dep", name) not in decided:
                    flat.choices.append(("dep", (p.key, "dep", name), p, (name, sub)))
            flat.atoms.append((c, p))
        return flat

    # -- compile one conjunction -------------------------------------------------------
    def _compile(
        self, parts: tuple[Part, ...], hint: str | None, decided: frozenset[Any], depth: int
    ) -> Gen[Any]:
        flat = self.flatten(parts, decided)
        enums = [(c["enum"], p) for c, p in flat.atoms if "enum" in c]
        if enums:
            return self._enum(enums, parts)
        if flat.choices:
            return self._choose(flat.choices[0], parts, hint, decided, depth)
        excluded_types: set[str] = set()
        excluded_by: list[Part] = []
        excluded_values: list[Any] = []
        hard_nots: list[Part] = []
        for n in flat.nots:
            cheap = self._cheap_not(n)
            if cheap is None:
                hard_nots.append(n)
            elif cheap[0] == "types":
                excluded_types |= cheap[1]
                excluded_by.append(n)
            else:
                excluded_values.extend(cheap[1])
        gen = self._typed(flat, hint, excluded_types, depth, excluded_by)
        checks: list[Callable[[Any], bool]] = []
        labels: list[str] = []
        if excluded_values:
            keys = {json_key(v) for v in excluded_values}
            checks.append(lambda value: json_key(value) not in keys)
            labels.append("not_in_enum")
        for n in hard_nots:
            valid = self.v.is_valid_fn(n.schema, n.resolver)
            checks.append(lambda value, valid=valid: not valid(value))
            labels.append(f"not_valid({n.pointer!r})")
        if not checks:
            return gen
        pointer = hard_nots[0].pointer if hard_nots else parts[-1].pointer
        keyword = hard_nots[0].negating_keyword() if hard_nots else "not"
        check = checks[0] if len(checks) == 1 else (lambda value: all(c(value) for c in checks))
        try:
            return self.filtered(gen, Named(" and ".join(labels), check), pointer, keyword)
        except _FilterRejected as exc:
            if not (hard_nots and hard_nots[0].origin):
                raise
            # Say which combinator asks for the values to fail, in the user's words.
            better = _FilterRejected(
                f"cannot construct values where {hard_nots[0].negation()}: generating and "
                f"checking accepted {exc.passed} of {PROBE_DRAWS} candidates",
                pointer,
                keyword,
            )
            better.passed = exc.passed
            raise better from None

    def _enum(self, enums: list[tuple[list[Any], Part]], parts: tuple[Part, ...]) -> Gen[Any]:
        values, first = enums[0]
        for other, _ in enums[1:]:
            values = [v for v in values if any(json_equal(v, o) for o in other)]
        checks = [(self.v.is_valid_fn(p.schema, p.resolver), p.negated) for p in parts]
        kept: list[Any] = []
        for v in values:
            if any(json_equal(v, k) for k in kept):
                continue
            if all(check(v) != negated for check, negated in checks):
                kept.append(v)
        if not kept:
            raise UnsatisfiableSchema(
                f"no value of enum/const at {first.pointer} satisfies the other keywords",
                first.pointer,
                "enum",
            )
        gen = just(kept[0]) if len(kept) == 1 else sampled_from(kept)
        if any(isinstance(v, (list, dict)) for v in kept):
            return CopyNode(gen)
        return gen

    def _choose(
        self,
        choice: tuple[str, Any, Part, Any],
        parts: tuple[Part, ...],
        hint: str | None,
        decided: frozenset[Any],
        depth: int,
    ) -> Gen[Any]:
        kind, key, owner, payload = choice
        decided = decided | {key}
        branches: list[tuple[Part, ...]] = []
        labels: list[str] = []
        if kind in ("anyOf", "oneOf"):
            subs = [self.sub(owner, s) for s in payload]
            for i, b in enumerate(subs):
                extra: tuple[Part, ...] = (b,)
                if kind == "oneOf":
                    extra += tuple(
                        self.negate(
                            o,
                            (
                                "oneOf",
                                f"'oneOf' at {owner.pointer}/oneOf needs exactly one branch "
                                f"to match, so a value of {b.pointer} must not match {o.pointer}",
                            ),
                        )
                        for j, o in enumerate(subs)
                        if j != i
                    )
                branches.append(extra)
                labels.append(b.pointer)
            where = f"{owner.pointer}/{kind}"
            what = f"no branch of '{kind}' at {where} can have a value"
        elif kind == "if":
            c = payload
            cond = self.sub(owner, c["if"])
            then = self.sub(owner, c["then"]) if "then" in c else None
            other = self.sub(owner, c["else"]) if "else" in c else None
            taking = f" to take 'else' at {other.pointer}" if other else ""
            branches.append((cond,) + ((then,) if then else ()))
            branches.append(
                (self.negate(cond, ("if", f"a value must fail 'if' at {cond.pointer}{taking}")),)
                + ((other,) if other else ())
            )
            labels.append(f"matching 'if' ({then.pointer if then else cond.pointer})")
            labels.append(f"failing 'if' ({other.pointer if other else cond.pointer})")
            where = cond.pointer
            what = f"neither outcome of 'if' at {where} can have a value"
        else:
            name, sub = payload
            dep = self.sub(owner, sub)
            need = self.synthetic_part({"required": [name]}, owner, f"need:{name}")
            absent = self.synthetic_part({"properties": {name: False}}, owner, f"absent:{name}")
            branches.append((need, dep))
            branches.append((absent,))
            labels.append(f"with {name!r} present ({dep.pointer} applies)")
            labels.append(f"with {name!r} absent")
            where = dep.pointer
            what = f"{name!r} can be neither present nor absent"
            kind = sub[1].split("/")[0]  # dependentSchemas, or draft 7's dependencies
        gens: list[Gen[Any]] = []
        failures: list[SynthError] = []
        rejected: _FilterRejected | None = None
        for extra in branches:
            try:
                gens.append(self.compile(parts + extra, hint, decided, depth))
            except UnsatisfiableSchema as exc:
                failures.append(exc)
            except _FilterRejected as exc:
                # This branch cannot be built by construction; the others still can, and
                # leaving a branch out only narrows what is generated.
                failures.append(exc)
                rejected = rejected or exc
        if not gens:
            if rejected is not None:
                # Not proven impossible: some branch was only too hard to construct.
                raise rejected
            reasons = "; ".join(
                f"{label}: {_absent_reason(exc) if label.endswith('absent') else exc}"
                for label, exc in zip(labels, failures, strict=True)
            )
            raise UnsatisfiableSchema(f"{what} ({reasons})", where, kind)
        return one_of(*gens)

    def _cheap_not(self, n: Part) -> tuple[str, Any] | None:
        """``not`` of a bare ``type`` or ``enum``/``const``: excluded types or values."""
        if not isinstance(n.schema, Mapping):
            return None
        c = self.canonical(n.schema, n.pointer)
        if not c:
            raise UnsatisfiableSchema(
                f"{n.negation()}, but {n.pointer} admits every value",
                n.pointer,
                n.negating_keyword(),
            )
        if set(c) == {"type"}:
            return ("types", set(c["type"]))
        if set(c) == {"enum"}:
            return ("values", c["enum"])
        return None

    # -- filters, measured -------------------------------------------------------------
    def filtered(
        self, gen: Gen[Any], check: Callable[[Any], bool], pointer: str, keyword: str
    ) -> Gen[Any]:
        self.filters += 1
        self._probe(gen, check, pointer, keyword, postpone=True)
        return CheckedNode(gen, check)

    def _probe(
        self,
        gen: Gen[Any],
        check: Callable[[Any], bool],
        pointer: str,
        keyword: str,
        postpone: bool,
    ) -> None:
        rng = random.Random(0x5EED)
        passed = 0
        for _ in range(PROBE_DRAWS):
            try:
                value = gen._fn(rng)
            except _NotReady:
                if postpone:
                    self.postponed.append((gen, check, pointer, keyword))
                    return
                raise
            except (Unsatisfiable, RecursionError):
                continue
            if check(value):
                passed += 1
        if passed < PROBE_ACCEPT:
            rejected = _FilterRejected(
                f"cannot construct values for '{keyword}' at {pointer}: generating and "
                f"checking accepted {passed} of {PROBE_DRAWS} candidates",
                pointer,
                keyword,
            )
            rejected.passed = passed
            raise rejected

    # -- dispatch by type --------------------------------------------------------------
    def _typed(
        self,
        flat: _Flat,
        hint: str | None,
        excluded: set[str],
        depth: int,
        excluded_by: Sequence[Part] = (),
    ) -> Gen[Any]:
        types = set(ALL_TYPES)
        for c, _ in flat.atoms:
            if "type" in c:
                types &= c["type"]
        where = flat.atoms[-1][1].pointer if flat.atoms else "#"
        if not types:
            raise UnsatisfiableSchema(
                f"the types required at {where} have nothing in common", where, "type"
            )
        types -= excluded
        if not types:
            by = excluded_by[-1] if excluded_by else None
            raise UnsatisfiableSchema(
                f"{by.negation() if by else 'not'}: that excludes every type allowed at {where}",
                by.pointer if by else where,
                by.negating_keyword() if by else "not",
            )
        keys: set[str] = set()
        for c, _ in flat.atoms:
            keys |= c.keys()
        inferred: set[str] = set()
        if keys & _OBJECT_KEYS:
            inferred.add("object")
        if keys & _ARRAY_KEYS:
            inferred.add("array")
        if keys & _STRING_KEYS:
            inferred.add("string")
        if keys & _NUMBER_KEYS:
            inferred |= {"integer", "float"}
        if inferred & types and types - inferred:
            try:
                return self._typed_among(flat, hint, types & inferred, types, depth)
            except UnsatisfiableSchema:
                return self._typed_among(flat, hint, types - inferred, types, depth)
        return self._typed_among(flat, hint, types, types, depth)

    def _typed_among(
        self, flat: _Flat, hint: str | None, types: set[str], allowed: set[str], depth: int
    ) -> Gen[Any]:
        gens: list[Gen[Any]] = []
        weights: list[float] = []
        failure: UnsatisfiableSchema | None = None
        for t in _TYPE_ORDER:
            if t not in types:
                continue
            try:
                g = self._build(t, flat, hint, allowed, depth)
            except UnsatisfiableSchema as exc:
                failure = exc
                continue
            gens.append(g)
            weights.append(9.0 if t == "float" and types == {"integer", "float"} else 1.0)
        if not gens:
            assert failure is not None
            raise failure
        if len(gens) == 1:
            return gens[0]
        if all(w == 1.0 for w in weights):
            return one_of(*gens)
        if len(gens) == 2 and not any(g._deferreds for g in gens):
            return WeightedPair(tuple(gens), tuple(weights))
        return one_of(*gens, weights=weights)

    def _build(
        self, t: str, flat: _Flat, hint: str | None, types: set[str], depth: int
    ) -> Gen[Any]:
        if t == "null":
            return just(None)
        if t == "boolean":
            return booleans()
        if t == "integer":
            return self._integer(flat, hint)
        if t == "float":
            return self._float(flat, "integer" in types, hint)
        if t == "string":
            return self._string(flat, hint)
        if t == "array":
            return self._array(flat, depth, hint)
        return self._object(flat, depth)

    # -- numbers -----------------------------------------------------------------------
    def _bounds(self, flat: _Flat) -> tuple[Any, Any, list[Any], str]:
        lower = upper = None
        mults: list[Any] = []
        where = flat.atoms[-1][1].pointer if flat.atoms else "#"
        for c, p in flat.atoms:
            lower = tighter_lower(lower, c.get("lower"))
            upper = tighter_upper(upper, c.get("upper"))
            if "multipleOf" in c:
                mults.append(c["multipleOf"])
                where = p.pointer
        return lower, upper, mults, where

    def _usual(self, hint: str | None, lower: Any, upper: Any, mults: list[Any]) -> Any:
        """The usual range of the quantity a property's name says (``age``, ``price``,
        ``temperature``, ...) when the schema leaves a side of it open and has no
        ``multipleOf``, else None: bounds the schema gives both ways are the user's range."""
        if not self.options.realistic or hint is None or mults:
            return None
        if lower is not None and upper is not None:
            return None
        from synth.schema.realistic import realistic_range

        return realistic_range(hint)

    def _integer(self, flat: _Flat, hint: str | None = None) -> Gen[Any]:
        lower, upper, mults, where = self._bounds(flat)
        lo = None if lower is None else _int_above(*lower)
        hi = None if upper is None else _int_below(*upper)
        usual = self._usual(hint, lower, upper, mults)
        if usual is not None:
            a = usual[0] if lo is None else max(lo, usual[0])
            b = usual[1] if hi is None else min(hi, usual[1])
            if a <= b:
                return integers(a, b)
        step = 1
        for m in mults:
            step = math.lcm(step, Fraction(m).numerator)
        lo, hi = _window(lo, hi, step)
        k_lo, k_hi = -((-lo) // step), hi // step
        if k_lo > k_hi:
            raise UnsatisfiableSchema(
                f"no integer{' multiple of ' + str(step) if step > 1 else ''} lies between the "
                f"bounds at {where}",
                where,
                "multipleOf" if mults else "minimum",
            )
        float_mults = [m for m in mults if isinstance(m, float)]
        if not float_mults:
            if step == 1:
                return integers(k_lo, k_hi)
            return MultipleNode(
                Fraction(step), k_lo, k_hi, False, Named("multiple_ok", _true), (k_lo * step,)
            )
        return self._multiples(Fraction(step), k_lo, k_hi, False, mults, where)

    def _multiples(
        self, step: Fraction, k_lo: int, k_hi: int, as_float: bool, mults: list[Any], where: str
    ) -> Gen[Any]:
        def check(v: Any) -> bool:
            return all(_multiple_ok(v, m) for m in mults)

        good: list[Any] = []
        rng = random.Random(7)
        candidates = [k_lo, k_hi, (k_lo + k_hi) // 2] + [
            k_lo + rng.randrange(k_hi - k_lo + 1) for _ in range(200)
        ]
        for k in candidates:
            v = float(k * step) if as_float else int(k * step)
            if check(v) and v not in good:
                good.append(v)
            if len(good) >= 8:
                break
        if not good:
            raise UnsupportedSchema(
                f"multipleOf at {where}: no multiple in range passes the validator's float "
                "arithmetic; use an integer or a decimal with fewer digits",
                where,
                "multipleOf",
            )
        return MultipleNode(step, k_lo, k_hi, as_float, Named("multiple_ok", check), tuple(good))

    def _float(self, flat: _Flat, integral_ok: bool, hint: str | None = None) -> Gen[Any]:
        lower, upper, mults, where = self._bounds(flat)
        usual = self._usual(hint, lower, upper, mults)
        if usual is not None:
            a, b = Fraction(usual[0]), Fraction(usual[1])
            xl = xu = False
            if lower is not None and lower[0] >= a:
                a, xl = lower[0], bool(lower[1])
            if upper is not None and upper[0] <= b:
                b, xu = upper[0], bool(upper[1])
            if a < b:
                try:
                    return FloatRange(a, b, xl, xu, max(usual[2], 1), integral_ok)
                except Unsatisfiable:
                    pass
        if mults:
            step = Fraction(mults[0])
            for m in mults[1:]:
                step = _frac_lcm(step, Fraction(m))
            lo = (
                None
                if lower is None
                else lower[0] + (step if lower[1] and (lower[0] / step).denominator == 1 else 0)
            )
            hi = (
                None
                if upper is None
                else upper[0] - (step if upper[1] and (upper[0] / step).denominator == 1 else 0)
            )
            k_lo = None if lo is None else math.ceil(lo / step)
            k_hi = None if hi is None else math.floor(hi / step)
            k_lo, k_hi = _window(
                k_lo,
                k_hi,
                1,
                span=max(1, int(NUMBER_WINDOW / step)) if step < NUMBER_WINDOW else 20,
            )
            if k_lo > k_hi:
                raise UnsatisfiableSchema(
                    f"no multiple of {mults[0]} lies between the bounds at {where}",
                    where,
                    "multipleOf",
                )
            if not integral_ok and step.denominator == 1:
                raise UnsatisfiableSchema(
                    f"multiples of {mults[0]} are integers, which 'type' excludes at {where}",
                    where,
                    "multipleOf",
                )
            node = self._multiples(step, k_lo, k_hi, True, mults, where)
            if not integral_ok:
                return self.filtered(
                    node, Named("not_integral", lambda v: not float(v).is_integer()), where, "type"
                )
            return node
        lo_v = lower[0] if lower else None
        hi_v = upper[0] if upper else None
        big = Fraction(1.7e308)
        if lo_v is None and hi_v is None:
            lo_v, hi_v = Fraction(-NUMBER_WINDOW), Fraction(NUMBER_WINDOW)
        elif lo_v is None:
            lo_v = max(-big, hi_v - NUMBER_WINDOW)
        elif hi_v is None:
            hi_v = min(big, lo_v + NUMBER_WINDOW)
        lo_v, hi_v = max(lo_v, -big), min(hi_v, big)
        xl = bool(lower and lower[1] and lower[0] == lo_v)
        xu = bool(upper and upper[1] and upper[0] == hi_v)
        if lo_v > hi_v or (lo_v == hi_v and (xl or xu)):
            raise UnsatisfiableSchema(f"minimum is above maximum at {where}", where, "minimum")
        places = 2 if hi_v - lo_v >= 10 else None
        try:
            return FloatRange(lo_v, hi_v, xl, xu, places, integral_ok)
        except Unsatisfiable as exc:
            raise UnsatisfiableSchema(
                f"no float lies between the bounds at {where}", where, "minimum"
            ) from exc

    # -- strings -----------------------------------------------------------------------
    def _string(self, flat: _Flat, hint: str | None) -> Gen[Any]:
        lo, hi = 0, None
        patterns: list[tuple[str, str]] = []
        formats: list[tuple[str, str]] = []
        where = flat.atoms[-1][1].pointer if flat.atoms else "#"
        for c, p in flat.atoms:
            lo = max(lo, c.get("minLength", 0))
            if "maxLength" in c:
                hi = c["maxLength"] if hi is None else min(hi, c["maxLength"])
            if "pattern" in c and c["pattern"] not in [x for x, _ in patterns]:
                patterns.append((c["pattern"], p.pointer))
            if "format" in c and c["format"] not in [x for x, _ in formats]:
                formats.append((c["format"], p.pointer))
        if hi is not None and lo > hi:
            raise UnsatisfiableSchema(
                f"minLength is above maxLength at {where}", where, "minLength"
            )
        if lo > self.options.size_budget:
            raise UnsupportedSchema(
                f"minLength={lo} at {where} exceeds the size budget ({self.options.size_budget}); "
                "raise from_schema(..., size_budget=...) if you really want such strings",
                where,
                "minLength",
            )
        known = [(f, p) for f, p in formats if strings.format_known(f, self.options.formats)]
        if known and patterns:
            return self._format_and_pattern(known, patterns, lo, hi)
        return self._string_by(known, patterns, lo, hi, hint)

    def _format_and_pattern(
        self,
        known: list[tuple[str, str]],
        patterns: list[tuple[str, str]],
        lo: int,
        hi: int | None,
    ) -> Gen[Any]:
        """Strings with both a ``format`` and a ``pattern``: generated by the format and
        checked against the pattern, or else generated by the pattern and checked against
        the format (each way measured before it is used)."""
        try:
            return self._string_by(known, patterns, lo, hi, None)
        except _FilterRejected as by_format:
            first = by_format
        checked = [(f, fp) for f, fp in known if self.v.checks_format(f)]
        try:
            return self._string_by([], patterns, lo, hi, None, check_formats=checked)
        except _FilterRejected as by_pattern:
            second = by_pattern
        (fmt, _), (pat, where) = known[0], patterns[0]
        # A _FilterRejected, so that a oneOf/anyOf branch like this one is left out (the
        # other branches still generate) as any hard-to-construct branch is.
        raise _FilterRejected(
            f"format {fmt!r} and pattern {pat!r} at {where} rarely hold together: of "
            f"{PROBE_DRAWS} strings made for the format, {first.passed} matched the pattern, "
            f"and of {PROBE_DRAWS} made for the pattern, {second.passed} were valid {fmt!r} "
            f"values; write a pattern whose matches are valid {fmt!r} values (spell the whole "
            "value out, anchored with ^...$), or drop one of the two keywords",
            where,
            "pattern",
        )

    def _string_by(
        self,
        known: list[tuple[str, str]],
        patterns: list[tuple[str, str]],
        lo: int,
        hi: int | None,
        hint: str | None,
        check_formats: Sequence[tuple[str, str]] = (),
    ) -> Gen[Any]:
        """Strings made by the first known format, else by the first pattern, else plain
        text; every other format and pattern (and ``check_formats``) becomes a check."""
        checks: list[tuple[str, Callable[[Any], bool], str, str]] = []
        if (
            known
            and known[0][0] == "date"
            and self.options.realistic
            and hint is not None
            and lo <= 10
            and (hi is None or hi >= 10)
            and not (self.options.formats and "date" in self.options.formats)
            and strings.is_birth_date(hint)
        ):
            # a date of birth in the past, not anywhere in the format's 2000-2030
            base = strings.birth_date_gen()
            for f, fp in known[1:]:
                checks.append((f"format({f!r})", self.v.format_ok(f), fp, "format"))
            for pat, pp in patterns:
                checks.append((f"pattern({pat!r})", _search(pat, pp), pp, "pattern"))
            for label, check, p, kw in checks:
                base = self.filtered(base, Named(label, check), p, kw)
            return base
        if known:
            fmt, p = known[0]
            base = strings.format_gen(fmt, lo, hi, self.options.formats, p)
            if self.options.formats and fmt in self.options.formats and self.v.checks_format(fmt):
                # A caller's generator for a format the validator checks: verify its values.
                checks.append((f"format({fmt!r})", self.v.format_ok(fmt), p, "format"))
            if (lo or hi is not None) and not strings.lengths_by_construction(
                fmt, self.options.formats
            ):
                checks.append(("length_ok", _length_ok(lo, hi), p, "maxLength"))
            for f, fp in known[1:]:
                checks.append((f"format({f!r})", self.v.format_ok(f), fp, "format"))
            for pat, pp in patterns:
                checks.append((f"pattern({pat!r})", _search(pat, pp), pp, "pattern"))
        elif patterns:
            pat, p = patterns[0]
            base = strings.pattern_gen(pat, lo, hi, p)
            for pat2, pp in patterns[1:]:
                checks.append((f"pattern({pat2!r})", _search(pat2, pp), pp, "pattern"))
            for f, fp in check_formats:
                checks.append((f"format({f!r})", self.v.format_ok(f), fp, "format"))
        else:
            realistic = None
            if self.options.realistic and hint is not None:
                realistic = strings.realistic_gen(hint, lo, hi)
            if realistic is not None:  # lengths hold by construction
                return realistic
            top = hi if hi is not None else lo + self.options.max_length
            return PlainText(text(min_size=lo, max_size=top), DEFAULT_ALPHABET, lo, top)
        for label, check, p, kw in checks:
            base = self.filtered(base, Named(label, check), p, kw)
        return base

    # -- arrays ------------------------------------------------------------------------
    def _array(self, flat: _Flat, depth: int, hint: str | None = None) -> Gen[Any]:
        atoms = flat.atoms
        lo, hi = 0, None
        unique = False
        contains: list[tuple[Part, int, int | None]] = []
        where = atoms[-1][1].pointer if atoms else "#"
        prefix_len = 0
        for c, p in atoms:
            lo = max(lo, c.get("minItems", 0))
            if "maxItems" in c:
                hi = c["maxItems"] if hi is None else min(hi, c["maxItems"])
            unique = unique or c.get("uniqueItems", False)
            prefix_len = max(prefix_len, len(c.get("prefixItems", ())))
            if "contains" in c:
                contains.append(
                    (self.sub(p, c["contains"]), c.get("minContains", 1), c.get("maxContains"))
                )
        if lo > self.options.size_budget:
            raise UnsupportedSchema(
                f"minItems={lo} at {where} exceeds the size budget ({self.options.size_budget}); "
                "raise from_schema(..., size_budget=...) if you really want such arrays",
                where,
                "minItems",
            )
        evaluated_all = any("items" in c for c, _ in atoms)

        # Why an item cannot have any value, by position (-1: past the prefix), for items
        # that do not count for 'contains' and for items that do.
        failures: dict[int, UnsatisfiableSchema] = {}
        c_failures: dict[int, UnsatisfiableSchema] = {}

        def position_parts(i: int | None, contains: bool = False) -> tuple[Part, ...]:
            out: list[Part] = []
            for c, p in atoms:
                pre = c.get("prefixItems", ())
                if i is not None and i < len(pre):
                    out.append(self.sub(p, pre[i]))
                elif "items" in c:
                    out.append(self.sub(p, c["items"]))
                if (
                    "unevaluatedItems" in c
                    and not evaluated_all
                    and not contains  # items matching 'contains' are evaluated
                    and (i is None or i >= prefix_len)
                ):
                    out.append(self.sub(p, c["unevaluatedItems"]))
            return tuple(out)

        # Items are named after their array, in the singular ("tags" holds tags).
        item_hint = singular(hint) if hint is not None else None

        def try_compile(
            extra: tuple[Part, ...], i: int | None, contains: bool = False
        ) -> Gen[Any] | None:
            try:
                parts = position_parts(i, contains) + extra
                return self.compile(parts, item_hint, frozenset(), depth)
            except UnsatisfiableSchema as exc:
                (c_failures if contains else failures).setdefault(-1 if i is None else i, exc)
                return None

        c_part = contains[0][0] if contains else None
        min_c = contains[0][1] if contains else 0
        max_c = contains[0][2] if contains else None
        if max_c is not None and max_c < min_c:
            raise UnsatisfiableSchema(
                f"maxContains is below minContains at {where}", where, "maxContains"
            )
        # What an item that does not count for 'contains' may be at each position, and what
        # an item that does count may be (None where impossible).
        other_extra: tuple[Part, ...] = ()
        if c_part is not None and max_c is not None:
            other_extra = (
                self.negate(
                    c_part,
                    (
                        "contains",
                        f"'contains' at {c_part.pointer} is bounded by maxContains, so other "
                        "items must not match it",
                    ),
                ),
            )
        plain = [try_compile(other_extra, i) for i in range(prefix_len)]
        plain_rest = try_compile(other_extra, None)
        if c_part is not None:
            c_plain = [try_compile((c_part,), i, contains=True) for i in range(prefix_len)]
            c_rest = try_compile((c_part,), None, contains=True)
        else:
            c_plain, c_rest = [None] * prefix_len, None
        if unique and c_part is not None:
            # Items matching 'contains' must also be distinct: no more of them than exist.
            caps = [_cardinality(g) for g in (*c_plain, c_rest) if g is not None]
            if caps and all(c is not None for c in caps):
                most = sum(c for c in caps if c is not None)
                max_c = most if max_c is None else min(max_c, most)
                if min_c > max_c:
                    raise UnsatisfiableSchema(
                        f"uniqueItems at {where}: fewer distinct values match 'contains' than "
                        f"minContains={min_c}",
                        where,
                        "minContains",
                    )
        sizes = self._array_sizes(
            plain, plain_rest, c_plain, c_rest, lo, hi, min_c, max_c, bool(c_part)
        )
        if not sizes:
            # Name the subschema that makes it impossible when one does, before the length.
            if c_part is None:
                for i in range(lo):
                    inner = failures.get(i if i < prefix_len else -1)
                    if inner is not None:
                        raise UnsatisfiableSchema(
                            f"the array at {where} needs item {i} (minItems={lo}), which "
                            f"cannot have any value: {inner}",
                            inner.pointer,
                            inner.keyword,
                        ) from inner
            elif min_c >= 1 and all(g is None for g in (*c_plain, c_rest)):
                inner = c_failures.get(-1) or next(iter(c_failures.values()), None)
                if inner is not None:
                    raise UnsatisfiableSchema(
                        f"the array at {where} needs an item matching 'contains' at "
                        f"{c_part.pointer}, which cannot have any value: {inner}",
                        inner.pointer,
                        inner.keyword,
                    ) from inner
            raise UnsatisfiableSchema(
                f"no length of the array at {where} fits minItems/maxItems, its item schemas "
                f"and 'contains'",
                where,
                "contains" if c_part is not None else "minItems",
            )
        top = sizes[-1]
        if unique:
            rest_values = _finite_values(plain_rest)
            c_values = _finite_values(c_rest)
            cap = None if rest_values is None or c_values is None else len(rest_values | c_values)
            if cap is not None:
                sizes = [n for n in sizes if n <= prefix_len + cap]
                if not sizes:
                    raise UnsatisfiableSchema(
                        f"uniqueItems at {where}: not enough distinct values for {lo} items",
                        where,
                        "uniqueItems",
                    )
        node: Gen[Any] = ArrayNode(
            tuple(plain[:top]),
            plain_rest,
            tuple(sizes),
            bool(unique),
            tuple(c_plain[:top]),
            c_rest,
            min_c,
            max_c,
            c_part is not None,
            distinct=not unique
            and not prefix_len
            and c_part is None
            and plain_rest is not None
            and _is_realistic(plain_rest),
        )
        extra_checks = contains[1:]
        for cpart, mn, mx in extra_checks:
            valid = self.v.is_valid_fn(cpart.schema, cpart.resolver)

            def count_ok(value: Any, valid: Any = valid, mn: int = mn, mx: int | None = mx) -> bool:
                n = sum(1 for v in value if valid(v))
                return n >= mn and (mx is None or n <= mx)

            node = self.filtered(
                node, Named(f"contains({cpart.pointer!r})", count_ok), cpart.pointer, "contains"
            )
        if any("unevaluatedItems" in c for c, _ in atoms):
            node = self._recheck(node, atoms, "unevaluatedItems")
        return node

    def _array_sizes(
        self,
        plain: list[Gen[Any] | None],
        plain_rest: Gen[Any] | None,
        c_plain: list[Gen[Any] | None],
        c_rest: Gen[Any] | None,
        lo: int,
        hi: int | None,
        min_c: int,
        max_c: int | None,
        has_contains: bool,
    ) -> list[int]:
        """The lengths for which every position can be filled and 'contains' counted."""
        n_prefix = len(plain)
        limit = max(lo, n_prefix) + self.options.max_items
        if hi is not None:
            limit = min(limit, hi)
        sizes = []
        forced = able = 0
        for n in range(0, limit + 1):
            if n > 0:
                i = n - 1
                p = plain[i] if i < n_prefix else plain_rest
                c = c_plain[i] if i < n_prefix else c_rest
                if p is None and (c is None or not has_contains):
                    break
                forced += p is None
                able += c is not None
            if n < lo:
                continue
            if has_contains:
                top = able if max_c is None else min(max_c, able)
                if max(min_c, forced) > top:
                    continue
            sizes.append(n)
        return sizes

    def _recheck(
        self, node: Gen[Any], atoms: list[tuple[dict[str, Any], Part]], keyword: str
    ) -> Gen[Any]:
        """``unevaluated*`` is built for the common shape; the validator confirms it."""
        for c, p in atoms:
            if keyword in c:
                valid = self.v.is_valid_fn(p.schema, p.resolver)
                node = self.filtered(
                    node, Named(f"valid_against({p.pointer!r})", valid), p.pointer, keyword
                )
        return node

    # -- objects -----------------------------------------------------------------------
    def _object(self, flat: _Flat, depth: int) -> Gen[Any]:
        atoms = flat.atoms
        where = atoms[-1][1].pointer if atoms else "#"
        required: list[str] = []
        names: list[str] = []
        lo, hi = 0, None
        dependent: dict[str, list[str]] = {}
        name_parts: list[Part] = []
        for c, p in atoms:
            for k in c.get("properties", {}):
                if k not in names:
                    names.append(k)
            for k in c.get("required", ()):
                if k not in required:
                    required.append(k)
            for k, deps in c.get("dependentRequired", {}).items():
                dependent.setdefault(k, [])
                for d in deps:
                    if d not in dependent[k]:
                        dependent[k].append(d)
            lo = max(lo, c.get("minProperties", 0))
            if "maxProperties" in c:
                hi = c["maxProperties"] if hi is None else min(hi, c["maxProperties"])
            if "propertyNames" in c:
                name_parts.append(self.sub(p, c["propertyNames"]))
        if hi is not None and lo > hi:
            raise UnsatisfiableSchema(
                f"minProperties={lo} is above maxProperties={hi} at {where}", where, "minProperties"
            )
        if lo > self.options.size_budget:
            raise UnsupportedSchema(
                f"minProperties={lo} at {where} exceeds the size budget "
                f"({self.options.size_budget})",
                where,
                "minProperties",
            )
        for k in required:
            if k not in names:
                names.append(k)
        for k, deps in dependent.items():
            for d in [k, *deps]:
                if d not in names:
                    names.append(d)
        patterns = [
            (c, p, pat, self.sub(p, sub))
            for c, p in atoms
            for pat, sub in c.get("patternProperties", {}).items()
        ]
        regexes = {pat: _regex(pat, p.pointer) for _, p, pat, _ in patterns}
        covered_all = any("additionalProperties" in c for c, _ in atoms)

        def value_parts(name: str | None, only: tuple[Any, str] | None = None) -> tuple[Part, ...]:
            out: list[Part] = []
            evaluated = covered_all
            for c, p in atoms:
                props = c.get("properties", {})
                hit = False
                if name is not None and name in props:
                    out.append(self.sub(p, props[name]))
                    hit = True
                for pc, _pp, pat, sub in patterns:
                    if pc is not c:
                        continue
                    matches = (
                        (name is not None and regexes[pat].search(name) is not None)
                        if only is None
                        else (only == (id(pc), pat))
                    )
                    if matches:
                        out.append(sub)
                        hit = True
                if not hit and "additionalProperties" in c:
                    out.append(self.sub(p, c["additionalProperties"]))
                evaluated = evaluated or hit
            if not evaluated:
                for c, p in atoms:
                    if "unevaluatedProperties" in c:
                        out.append(self.sub(p, c["unevaluatedProperties"]))
            return tuple(out)

        name_checks = [self.v.is_valid_fn(np.schema, np.resolver) for np in name_parts]
        gens: dict[str, Gen[Any]] = {}
        forbidden: set[str] = set()
        why: dict[str, UnsatisfiableSchema] = {}
        for k in names:
            if not all(check(k) for check in name_checks):
                forbidden.add(k)
                continue
            try:
                gens[k] = self.compile(value_parts(k), k, frozenset(), depth)
            except UnsatisfiableSchema as exc:
                forbidden.add(k)
                why[k] = exc
        changed = True
        while changed:
            changed = False
            for k, deps in dependent.items():
                if k not in forbidden and any(d in forbidden for d in deps):
                    forbidden.add(k)
                    changed = True
        for k in required:
            if k in forbidden:
                inner = why.get(k)
                if inner is not None:
                    raise UnsatisfiableSchema(
                        f"required property {k!r} cannot have any value: {inner}",
                        inner.pointer,
                        inner.keyword,
                    ) from inner
                raise UnsatisfiableSchema(
                    f"required property {k!r} at {where} is not allowed by propertyNames or "
                    "dependentRequired",
                    where,
                    "required",
                )
        must = list(required)
        i = 0
        while i < len(must):
            for d in dependent.get(must[i], ()):
                if d not in must:
                    must.append(d)
            i += 1
        optional = [k for k in names if k not in must and k not in forbidden]
        if hi is not None and len(must) > hi:
            raise UnsatisfiableSchema(
                f"the object at {where} requires {len(must)} properties but maxProperties is {hi}",
                where,
                "maxProperties",
            )
        # Extra property names: not declared, matching no pattern, allowed by propertyNames.
        extra_names = extra_value = None
        try:
            extra_value = self.compile(value_parts(None), None, frozenset(), depth)
        except UnsatisfiableSchema:
            extra_value = None
        known = set(names)
        compiled_patterns = [regexes[pat] for _, _, pat, _ in patterns]

        def plain_extra(name: str) -> bool:
            return name not in known and not any(r.search(name) for r in compiled_patterns)

        if extra_value is not None:
            extra_names = self._names_gen(name_parts, depth)
        pattern_extras = []
        for pc, pp, pat, _sub in patterns:
            try:
                vgen = self.compile(value_parts(None, (id(pc), pat)), None, frozenset(), depth)
                ngen = self._pattern_names(pat, pp, name_parts, depth)
            except (UnsatisfiableSchema, UnsupportedSchema):
                continue
            others = [regexes[q] for _, _, q, _ in patterns if q != pat]
            me = regexes[pat]
            checks = list(name_checks)

            def pattern_ok(
                name: str, me: Any = me, others: Any = others, checks: Any = checks
            ) -> bool:
                return (
                    name not in known
                    and me.search(name) is not None
                    and not any(r.search(name) for r in others)
                    and all(c(name) for c in checks)
                )

            pattern_extras.append((ngen, vgen, pattern_ok))
        reachable = len(must) + len(optional)
        free_form = extra_names is not None or bool(pattern_extras)
        if reachable < lo and not free_form:
            raise UnsatisfiableSchema(
                f"the object at {where} cannot reach minProperties={lo}", where, "minProperties"
            )
        extra_max = self.options.extra_properties
        if (
            not names
            and not patterns
            and extra_names is not None
            and not any("additionalProperties" in c for c, _ in atoms)
        ):
            extra_max = max(extra_max, 3)
        if hi is not None:
            extra_max = min(extra_max, max(0, hi - len(must)))
        node: Gen[Any] = ObjectNode(
            tuple((k, gens[k]) for k in must),
            tuple((k, gens[k]) for k in optional),
            self.options.optional_p,
            lo,
            hi,
            tuple((k, tuple(v)) for k, v in dependent.items() if k not in forbidden),
            extra_names,
            extra_value,
            extra_max,
            Named("undeclared", plain_extra),
            tuple(pattern_extras),
        )
        if any("unevaluatedProperties" in c for c, _ in atoms):
            node = self._recheck(node, atoms, "unevaluatedProperties")
        return node

    def _names_gen(self, name_parts: list[Part], depth: int) -> Gen[str] | None:
        if not name_parts:
            return text(KEY_ALPHABET, min_size=1, max_size=10)
        string_only = self.synthetic_part({"type": "string"}, name_parts[0], "string")
        try:
            return self.compile((*name_parts, string_only), None, frozenset(), depth)
        except UnsatisfiableSchema:
            return None

    def _pattern_names(self, pat: str, where: str, name_parts: list[Part], depth: int) -> Gen[str]:
        return strings.pattern_gen(pat, 0, None, where)


# -- helpers ---------------------------------------------------------------------------


def _absent_reason(exc: SynthError) -> str:
    # The absent branch is the schema with the property forced to false: say it plainly.
    return "it is required" if "required" in str(exc) else str(exc)


def _true(value: Any) -> bool:
    return True


def _impossible() -> Gen[Any]:
    raise UnsatisfiableSchema("no item can avoid matching 'contains' here", "#", "maxContains")


def _target(ref: str, pointer: str) -> str:
    return (
        ref if ref.startswith("#") or "://" in ref or ref.startswith("urn:") else f"{pointer}/$ref"
    )


def _int_above(value: Fraction, exclusive: bool) -> int:
    n = math.ceil(value)
    return n + 1 if exclusive and n == value else n


def _int_below(value: Fraction, exclusive: bool) -> int:
    n = math.floor(value)
    return n - 1 if exclusive and n == value else n


def _window(lo: int | None, hi: int | None, step: int, span: int | None = None) -> tuple[int, int]:
    width = span if span is not None else NUMBER_WINDOW * step
    if lo is None and hi is None:
        return -width, width
    if lo is None:
        assert hi is not None
        return hi - width, hi
    if hi is None:
        return lo, lo + width
    return lo, hi


def _frac_lcm(a: Fraction, b: Fraction) -> Fraction:
    num = math.lcm(a.numerator, b.numerator)
    den = math.gcd(a.denominator, b.denominator)
    return Fraction(num, den)


def _multiple_ok(instance: Any, d: Any) -> bool:
    """``multipleOf`` exactly as the ``jsonschema`` validator computes it."""
    if isinstance(d, float):
        quotient = instance / d
        try:
            return int(quotient) == quotient
        except OverflowError:
            return Fraction(instance) % Fraction(d) == 0
    if isinstance(instance, float):
        return instance % d == 0
    return instance % d == 0


def _search(pattern: str, pointer: str) -> Callable[[Any], bool]:
    regex = _regex(pattern, pointer)
    return lambda value: regex.search(value) is not None


def _regex(pattern: str, pointer: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise SchemaError(
            f"invalid regular expression {pattern!r} at {pointer}: {exc}", pointer, "pattern"
        ) from exc


def _length_ok(lo: int, hi: int | None) -> Callable[[Any], bool]:
    if hi is None:
        return lambda value: len(value) >= lo
    return lambda value: lo <= len(value) <= hi


def _cardinality(gen: Gen[Any] | None) -> int | None:
    """How many distinct values ``gen`` can make, when it is a small finite set."""
    values = _finite_values(gen)
    return None if values is None else len(values)


def _finite_values(gen: Gen[Any] | None, limit: int = 10_000) -> set[Any] | None:
    """The JSON keys of every value ``gen`` can make, when that is a small finite set."""
    from synth.core.combinators import _Just, _OneOf, _SampledFrom
    from synth.core.primitives import _Booleans, _Integers

    if gen is None:
        return set()
    if isinstance(gen, _Just):
        return {json_key(gen.value)}
    if isinstance(gen, _SampledFrom):
        return {json_key(v) for v in gen.elements}
    if isinstance(gen, (CopyNode, CheckedNode)):
        return _finite_values(gen.gen, limit)  # a filter keeps a subset: an upper bound
    if isinstance(gen, _Booleans):
        return {json_key(True), json_key(False)}
    if isinstance(gen, _Integers):
        if gen.max_value - gen.min_value >= limit:
            return None
        return {json_key(v) for v in range(gen.min_value, gen.max_value + 1)}
    if isinstance(gen, _OneOf):
        out: set[Any] = set()
        for g in gen.gens:
            part = _finite_values(g, limit)
            if part is None:
                return None
            out |= part
        return out
    return None


def _terminates(gen: Gen[Any], visiting: set[int]) -> bool:
    """Whether ``gen`` can make a finite value (a recursion has a way to stop)."""
    from synth.core.combinators import _Deferred, _ListOf, _OneOf, _Optional, _Sometimes

    if isinstance(gen, _Deferred):
        if id(gen) in visiting:
            return False
        visiting.add(id(gen))
        try:
            target = gen._resolved or gen.resolve()
        except Unsatisfiable:
            return False
        ok = _terminates(target, visiting)
        visiting.discard(id(gen))
        return ok
    if isinstance(gen, _OneOf):
        return any(_terminates(g, visiting) for g in gen.gens)
    if isinstance(gen, (_Optional, _Sometimes)):
        return True
    if isinstance(gen, _ListOf):
        return gen.min_size == 0 or _terminates(gen.gen, visiting)
    if isinstance(gen, ObjectNode):
        return all(_terminates(g, visiting) for _, g in gen.required)
    if isinstance(gen, ArrayNode):
        if gen.sizes[0] == 0:
            return True
        options = [g for g in (*gen.prefix, gen.rest, *gen.c_prefix, gen.c_rest) if g is not None]
        return all(_terminates(g, visiting) for g in options[:1]) or any(
            _terminates(g, visiting) for g in options
        )
    return all(_terminates(g, visiting) for g in gen.children())


def _is_realistic(gen: Gen[Any]) -> bool:
    """Whether ``gen`` makes realistic values for a property name (tags, emails, ...)."""
    from synth.schema.realistic import _Realistic

    return isinstance(gen, _Realistic)
