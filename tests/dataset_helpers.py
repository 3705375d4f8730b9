"""Generators shared by the dataset and CLI tests (importable by worker processes)."""

from __future__ import annotations

from typing import Any

import synth


def people(tag_count: int = 3) -> synth.Gen[dict[str, Any]]:
    """Records with a UUID, numbers, nested lists and dicts, and an optional field."""
    return synth.record(
        id=synth.uuids(),
        n=synth.integers(0, 1000),
        score=synth.floats(0, 1),
        ok=synth.booleans(),
        tags=synth.list_of(synth.sampled_from(["a", "b", "c"]), max_size=tag_count),
        address=synth.record(city=synth.sampled_from(["Oslo", "Lima"]), zip=synth.text()),
        nick=synth.sometimes(synth.text(max_size=5), p=0.5),
    )
