"""The official JSON-Schema-Test-Suite (draft 2020-12 and draft 7, not ``optional/``).

For every test group with at least one valid example, ``from_schema`` either compiles the
schema and 20 generated instances all validate, or refuses it with a synth error that is
listed, with its reason, in ``tests/schema_suite_refusals.json``. The suite comes from the
pinned ``jsonschema`` sdist (``scripts/fetch_schema_suite.py``, cached in ``.cache/``).
"""

from __future__ import annotations

import json

import pytest

from tests.schema_suite import REFUSALS, groups, remotes, run_group, suite_dir

BASE = suite_dir()
REGISTRY = remotes(BASE)
GROUPS = list(groups(BASE))
LISTED: dict[str, str] = json.loads(REFUSALS.read_text())
RESULTS: dict[str, str] = {}


@pytest.mark.parametrize(("group", "draft", "schema"), GROUPS, ids=[g for g, _, _ in GROUPS])
def test_group_generates_valid_instances_or_is_a_listed_refusal(group, draft, schema):
    status, info = run_group(schema, draft, REGISTRY, 20)
    RESULTS[group] = status
    if status == "refused":
        assert group in LISTED, f"unlisted refusal: {info}"
    else:
        assert status == "ok", f"{status}: {info!r}"[:500]
        assert group not in LISTED, "listed as refused but now passes: remove it from the list"


def test_the_suite_target_holds():
    # Runs after the groups (file order); recompute what is missing so it also works alone.
    for group, draft, schema in GROUPS:
        if group not in RESULTS:
            RESULTS[group] = run_group(schema, draft, REGISTRY, 20)[0]
    assert len(GROUPS) > 500
    passed = sum(1 for s in RESULTS.values() if s == "ok")
    assert passed / len(GROUPS) >= 0.99, f"{passed}/{len(GROUPS)} groups pass"
    assert not [g for g, s in RESULTS.items() if s == "invalid"]
    assert set(LISTED) <= {g for g, _, _ in GROUPS}, "the refusal list names unknown groups"
