"""JSON Schema compiled to generator trees: :func:`from_schema` and the seed-compatible
:class:`SchemaBasedGenerator`.

The compiler needs ``jsonschema``; its two public names load it on first use, so modules
that only need :mod:`synth.schema.formats` or :mod:`synth.schema.realistic` (the template
registry does) stay light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["SchemaBasedGenerator", "from_schema"]

_LAZY = {"from_schema": "synth.schema.api", "SchemaBasedGenerator": "synth.schema.seed_api"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'synth.schema' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from synth.schema.api import from_schema
    from synth.schema.seed_api import SchemaBasedGenerator
