"""The manifest: ``PATH.manifest.json`` says how to make ``PATH`` again and how to check it.

It records the synth and Faker versions, the seed and seeding scheme, the generator tree
(its repr) and the recipe that builds it, the index range, the reference time, the
arguments of the run, and the size and SHA-256 of the output file.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from typing import Any

from synth.core.gen import Gen
from synth.core.seeding import BLOCK_SIZE, SCHEME_VERSION, Seed
from synth.dataset.atomic import atomic_output
from synth.dataset.recipe import Recipe

__all__ = ["manifest_document", "manifest_path", "write_manifest"]

MANIFEST_VERSION = 1


def manifest_path(path: str | os.PathLike[str]) -> str:
    """Where the manifest of ``path`` goes: ``PATH.manifest.json``."""
    return os.fspath(path) + ".manifest.json"


def _version(package: str) -> str | None:
    from importlib import metadata  # ~20 ms to import: only when a manifest is written

    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _python_version() -> str:
    import platform

    return platform.python_version()


def _seed_value(seed: Seed) -> Any:
    return {"bytes_hex": seed.hex()} if isinstance(seed, bytes) else seed


def _time_value(value: Any) -> Any:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def manifest_document(
    *,
    gen: Gen[Any],
    source: Gen[Any] | Recipe,
    seed: Seed,
    count: int,
    start: int,
    format: str,
    index: bool,
    arguments: Mapping[str, Any] | None,
    reference_time: Any,
    path: str,
    size: int,
    sha256: str,
) -> dict[str, Any]:
    """The manifest as a dict (see the module docstring)."""
    import synth

    recipe = None
    if isinstance(source, Recipe):
        recipe = {"target": source.target, "kwargs": source.kwargs}
    return {
        "manifest_version": MANIFEST_VERSION,
        "synth_version": synth.__version__,
        "faker_version": _version("faker"),
        "python_version": _python_version(),
        "seed": _seed_value(seed),
        "seeding_scheme": SCHEME_VERSION,
        "block_size": BLOCK_SIZE,
        "start": start,
        "count": count,
        "format": format,
        "index": index,
        "reference_time": _time_value(reference_time),
        "generator": repr(gen),
        "recipe": recipe,
        "arguments": dict(arguments or {}),
        "output": {"file": os.path.basename(path), "bytes": size, "sha256": sha256},
    }


def write_manifest(path: str, document: Mapping[str, Any]) -> str:
    """Write the manifest of ``path`` atomically; returns its path."""
    import orjson

    target = manifest_path(path)
    with atomic_output(target) as handle:
        handle.write(orjson.dumps(dict(document), option=orjson.OPT_INDENT_2) + b"\n")
    return target
