"""Datasets: write records of a generator to JSONL, JSON or Parquet, in one process,
in worker processes or on a Dask cluster, with the same bytes every time.

``write_dataset(gen, "users.jsonl", 1_000_000, seed=7, workers=4, manifest=True)``
"""

from __future__ import annotations

from synth.dataset.formats import FORMATS, infer_format
from synth.dataset.manifest import manifest_path
from synth.dataset.recipe import Recipe, build_generator
from synth.dataset.runner import DatasetResult, chunk_ranges, write_dataset

__all__ = [
    "FORMATS",
    "DatasetResult",
    "Recipe",
    "build_generator",
    "chunk_ranges",
    "infer_format",
    "manifest_path",
    "write_dataset",
]
