"""JSON Schema compiled to generator trees: :func:`from_schema` and the seed-compatible
:class:`SchemaBasedGenerator`."""

from __future__ import annotations

from synth.schema.api import from_schema
from synth.schema.seed_api import SchemaBasedGenerator

__all__ = ["SchemaBasedGenerator", "from_schema"]
