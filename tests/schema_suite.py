"""Helpers to run the official JSON-Schema-Test-Suite through ``from_schema``.

A *group* is one schema of the suite with its tests; it counts when at least one test is
valid (an instance exists). For each, ``from_schema`` either compiles and N generated
instances all validate, or it refuses with a synth error (listed in
``tests/schema_suite_refusals.json`` with its reason).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.jsonschema

import synth

ROOT = Path(__file__).resolve().parent.parent
REFUSALS = Path(__file__).resolve().parent / "schema_suite_refusals.json"
DRAFTS = {"draft2020-12": jsonschema.Draft202012Validator, "draft7": jsonschema.Draft7Validator}
DIALECTS = {
    "draft2020-12": "https://json-schema.org/draft/2020-12/schema",
    "draft7": "http://json-schema.org/draft-07/schema#",
}


def suite_dir() -> Path:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from fetch_schema_suite import fetch
    finally:
        sys.path.pop(0)
    return fetch()


def remotes(base: Path) -> dict[str, Any]:
    out = {}
    for path in sorted((base / "remotes").rglob("*.json")):
        rel = path.relative_to(base / "remotes").as_posix()
        out[f"http://localhost:1234/{rel}"] = json.loads(path.read_text())
    return out


def groups(base: Path) -> Iterator[tuple[str, str, Any]]:
    """(group id, draft, schema) for every group that has a valid test."""
    for draft in DRAFTS:
        for path in sorted((base / "tests" / draft).glob("*.json")):
            for i, group in enumerate(json.loads(path.read_text())):
                if not any(t["valid"] for t in group["tests"]):
                    continue
                schema = group["schema"]
                if isinstance(schema, dict) and "$schema" not in schema:
                    schema = {"$schema": DIALECTS[draft], **schema}
                yield f"{draft}/{path.stem}/{i}", draft, schema


def run_group(schema: Any, draft: str, registry: dict[str, Any], count: int) -> tuple[str, Any]:
    """("ok", n_filters) | ("refused", message) | ("invalid", instance) | ("error", repr)."""
    cls = DRAFTS[draft]
    try:
        gen = synth.from_schema(schema, registry=registry)
    except (synth.UnsupportedSchema, synth.UnsatisfiableSchema, synth.SchemaError) as exc:
        return "refused", f"{type(exc).__name__} {exc.keyword}: {exc}"
    spec = referencing.jsonschema.specification_with(cls.META_SCHEMA["$schema"])
    reg = referencing.Registry().with_resources(
        (uri, spec.create_resource(doc)) for uri, doc in registry.items()
    )
    validator = cls(schema, registry=reg, format_checker=cls.FORMAT_CHECKER)
    for value in synth.stream(gen, count, seed=12345):
        if not validator.is_valid(value):
            return "invalid", value
    return "ok", None
