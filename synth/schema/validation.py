"""The one module that talks to ``jsonschema`` and ``referencing``.

The compiler resolves references exactly as the ``jsonschema`` validator does (same
``referencing`` resolver, same dynamic scope), checks the input against its metaschema,
and uses compiled validators for the few keywords it cannot build by construction
(``not`` in general, ``oneOf`` exclusivity, ``enum`` values under other keywords).
Remote documents come only from the registry the caller passes: nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jsonschema
import referencing
import referencing._core
import referencing.exceptions
import referencing.jsonschema
from jsonschema_specifications import REGISTRY as SPECIFICATIONS

from synth.core.errors import InvalidArgument, SchemaError, UnsupportedSchema

__all__ = [
    "DRAFTS",
    "Resolver",
    "Validators",
    "dialect_of",
    "make_registry",
]

Resolver = referencing._core.Resolver

#: Draft name -> (dialect URI, jsonschema validator class, referencing specification).
DRAFTS: dict[str, tuple[str, Any, Any]] = {
    "2020-12": (
        "https://json-schema.org/draft/2020-12/schema",
        jsonschema.Draft202012Validator,
        referencing.jsonschema.DRAFT202012,
    ),
    "2019-09": (
        "https://json-schema.org/draft/2019-09/schema",
        jsonschema.Draft201909Validator,
        referencing.jsonschema.DRAFT201909,
    ),
    "7": (
        "http://json-schema.org/draft-07/schema",
        jsonschema.Draft7Validator,
        referencing.jsonschema.DRAFT7,
    ),
    "6": (
        "http://json-schema.org/draft-06/schema",
        jsonschema.Draft6Validator,
        referencing.jsonschema.DRAFT6,
    ),
    "4": (
        "http://json-schema.org/draft-04/schema",
        jsonschema.Draft4Validator,
        referencing.jsonschema.DRAFT4,
    ),
}
_BY_URI = {uri: name for name, (uri, _, _) in DRAFTS.items()}


def dialect_of(schema: Any, default: str = "2020-12") -> str:
    """The draft a schema is written in, from its ``$schema`` (2020-12 when absent)."""
    if isinstance(schema, Mapping) and "$schema" in schema:
        uri = schema["$schema"]
        if not isinstance(uri, str):
            raise SchemaError(f"$schema must be a string, got {uri!r}", "#/$schema", "$schema")
        name = _BY_URI.get(uri.rstrip("#"))
        if name is None:
            if "draft-03" in uri:
                raise UnsupportedSchema(
                    f"draft 3 schemas are not supported ($schema={uri!r}); use draft 4 or later",
                    "#/$schema",
                    "$schema",
                )
            return default
        return name
    return default


def make_registry(registry: Any, draft: str = "2020-12") -> referencing.Registry:
    """A ``referencing.Registry`` from the caller's registry, mapping or ``None``.

    The metaschemas are always available; nothing else is ever retrieved over a network.
    """
    if registry is None:
        return SPECIFICATIONS
    if isinstance(registry, referencing.Registry):
        return SPECIFICATIONS.combine(registry)
    if isinstance(registry, Mapping):
        resources = []
        for uri, contents in registry.items():
            if not isinstance(uri, str):
                raise InvalidArgument(
                    f"from_schema() expects registry keys to be URIs (str), got {uri!r}"
                )
            spec = DRAFTS[dialect_of(contents, draft)][2]
            resources.append((uri, spec.create_resource(contents)))
        return SPECIFICATIONS.combine(referencing.Registry().with_resources(resources))
    raise InvalidArgument(
        "from_schema() expects registry to be a referencing.Registry or a mapping "
        f"{{uri: schema}}, got registry={registry!r} (type={type(registry).__name__})"
    )


class Validators:
    """Compiled ``jsonschema`` validators sharing one registry, with format checking."""

    def __init__(self, root: Any, draft: str, registry: referencing.Registry) -> None:
        self.draft = draft
        _uri, cls, spec = DRAFTS[draft]
        self.cls = cls
        self.spec = spec
        self.registry = registry
        self.root = cls(root, registry=registry, format_checker=cls.FORMAT_CHECKER)
        self.format_checker = cls.FORMAT_CHECKER
        resource = spec.create_resource(root)
        self.root_resolver: Resolver = registry.resolver_with_root(resource)
        self.checks = 0

    def check_schema(self) -> None:
        """Raise ``SchemaError`` (with the pointer) unless the root is valid for its draft."""
        meta = self.cls(self.cls.META_SCHEMA, registry=SPECIFICATIONS)
        error = jsonschema.exceptions.best_match(meta.iter_errors(self.root.schema))
        if error is not None:
            pointer = pointer_of(error.path)
            raise SchemaError(
                f"not a valid draft {self.draft} schema at {pointer}: {_short(error.message)}",
                pointer,
                str(error.validator),
            )

    def subresolver(self, resolver: Resolver, schema: Any) -> Resolver:
        """The resolver inside ``schema`` (a new base URI when it has an ``$id``)."""
        if not isinstance(schema, Mapping):
            return resolver
        return resolver.in_subresource(self.spec.create_resource(schema))

    def lookup(self, resolver: Resolver, ref: str, pointer: str, keyword: str) -> Any:
        """Resolve ``ref`` like the validator does; refuse what the registry lacks."""
        try:
            return resolver.lookup(ref)
        except (
            referencing.exceptions.PointerToNowhere,
            referencing.exceptions.NoSuchAnchor,
            referencing.exceptions.InvalidAnchor,
        ) as exc:
            # The document is known (the schema itself, or one from the registry), but
            # nothing in it sits where the reference points: a mistake in the schema.
            raise SchemaError(
                f"{keyword}={ref!r} at {pointer} points to nothing: the document it names "
                f"has no {_target_name(ref)}; define it (e.g. under $defs) or fix the reference",
                pointer,
                keyword,
            ) from exc
        except referencing.exceptions.Unresolvable as exc:
            raise UnsupportedSchema(
                f"cannot resolve {keyword}={ref!r} at {pointer}: documents outside the schema "
                f"are never fetched; pass them with from_schema(..., registry={{uri: schema}})",
                pointer,
                keyword,
            ) from exc

    def recursive_lookup(self, resolver: Resolver) -> Any:
        return referencing.jsonschema.lookup_recursive_ref(resolver)

    def is_valid_fn(self, schema: Any, resolver: Resolver) -> Callable[[Any], bool]:
        """A predicate: does a value validate against ``schema`` (resolved in ``resolver``)?"""
        if schema is True:
            return _always
        if schema is False:
            return _never
        validator = self.root.evolve(schema=schema, _resolver=resolver)
        is_valid = validator.is_valid

        def check(value: Any) -> bool:
            self.checks += 1
            try:
                return bool(is_valid(value))
            except (RecursionError, referencing.exceptions.Unresolvable):
                return False

        return check

    def checks_format(self, fmt: str) -> bool:
        return fmt in self.format_checker.checkers

    def format_ok(self, fmt: str) -> Callable[[Any], bool]:
        conforms = self.format_checker.conforms
        return lambda value: conforms(value, fmt)


def _target_name(ref: str) -> str:
    fragment = ref.partition("#")[2]
    if fragment.startswith("/") or not fragment:
        return f"location #{fragment}"
    return f"anchor {fragment!r}"


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def pointer_of(path: Any) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "#" + "".join("/" + p for p in parts)


def _short(message: str, limit: int = 160) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 3] + "..."
