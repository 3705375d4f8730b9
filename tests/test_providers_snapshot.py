"""The snapshot of Faker's data that lets later runs skip importing Faker: it holds what
Faker says, providers compiled from it draw exactly as Faker does, and a stale or damaged
file is ignored."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import faker
import pytest

from synth import fake
from synth.providers import compiled_providers, snapshot
from synth.providers.compiled import (
    _BUILDERS,
    _CompiledProvider,
    _compiler,
    _store_snapshot,
    compiled_from_snapshot,
)
from tests.cli_helpers import env

SEEDS = range(300)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh snapshot directory; the snapshot written from Faker and read back."""
    monkeypatch.setenv("SYNTH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(snapshot, "_loaded", {})
    c = _compiler("en_US")
    _store_snapshot(c, frozenset(n for n in _BUILDERS if c.compiled(n) is not None))
    monkeypatch.setattr(snapshot, "_loaded", {})  # (storing looked for one, and found none)
    [path] = [tmp_path / name for name in os.listdir(tmp_path)]
    return path


def test_the_snapshot_holds_what_faker_says(cache):
    known = snapshot.load("en_US")
    assert known is not None
    c = _compiler("en_US")
    assert known["compiled"] == frozenset(n for n in _BUILDERS if c.compiled(n) is not None)
    assert known["compiled"] == compiled_providers("en_US")
    gen = faker.Factory.create("en_US")
    names = {
        name
        for provider in gen.providers
        for name in dir(provider)
        if not name.startswith("_") and callable(getattr(provider, name, None))
    }
    assert known["provider_names"] == names
    assert known["available_locales"] == tuple(sorted(faker.config.AVAILABLE_LOCALES))
    assert {"first_name", "last_name", "job", "tld"} <= set(known["tables"])


def test_providers_from_the_snapshot_draw_exactly_as_faker(cache):
    oracle = faker.Factory.create("en_US")
    tables = snapshot.load("en_US")["tables"]
    for name in sorted(tables):
        node = compiled_from_snapshot(name, "en_US")
        assert isinstance(node, _CompiledProvider)
        assert node == fake(name)
        assert repr(fake(name)) == f"fake({name!r})"
        method = getattr(oracle, name)
        for seed in SEEDS:
            ours, theirs = random.Random(seed), random.Random(seed)
            oracle.random = theirs
            assert node.draw(ours) == method(), (name, seed)
            assert ours.getstate() == theirs.getstate(), (name, seed)


def test_a_stale_or_damaged_snapshot_is_ignored(cache, monkeypatch):
    document = json.loads(cache.read_text())
    document["stamp"] = document["stamp"].replace("faker ", "faker 0.0.0-")
    cache.write_text(json.dumps(document))
    monkeypatch.setattr(snapshot, "_loaded", {})
    assert snapshot.load("en_US") is None
    assert compiled_from_snapshot("first_name", "en_US") is None
    cache.write_text("{not json")
    monkeypatch.setattr(snapshot, "_loaded", {})
    assert snapshot.load("en_US") is None


def test_other_locales_are_not_snapshotted(cache):
    assert compiled_from_snapshot("first_name", "de_DE") is None
    assert snapshot.load("de_DE") is None


def test_an_empty_cache_dir_setting_turns_the_snapshot_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTH_CACHE_DIR", "")
    monkeypatch.setattr(snapshot, "_loaded", {})
    _store_snapshot(_compiler("en_US"), compiled_providers("en_US"))
    monkeypatch.setattr(snapshot, "_loaded", {})
    assert snapshot.load("en_US") is None
    assert os.listdir(tmp_path) == []


_RUN = (
    "import sys\n"
    "from synth.cli import main\n"
    "assert main(sys.argv[1:]) == 0\n"
    "print('faker' in sys.modules)\n"
)


@pytest.mark.parametrize("data_type", ["json", "conversation"])
def test_later_runs_skip_faker_and_write_the_same_bytes(tmp_path, data_type):
    def run(cache_dir, out):
        args = ["generate", "--type", data_type, "--count", "300", "--seed", "5", "--output"]
        proc = subprocess.run(
            [sys.executable, "-c", _RUN, *args, str(out)],
            capture_output=True,
            text=True,
            env=env(SYNTH_CACHE_DIR=cache_dir),
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.split()[-1], out.read_bytes()

    cache_dir = str(tmp_path / "cache")
    without = run("", tmp_path / "without.jsonl")
    first = run(cache_dir, tmp_path / "first.jsonl")
    second = run(cache_dir, tmp_path / "second.jsonl")
    assert without[0] == "True" and first[0] == "True"  # Faker imported, snapshot written
    assert second[0] == "False"  # read from the snapshot: Faker not imported
    assert without[1] == first[1] == second[1]


def test_library_use_writes_no_snapshot_unless_asked(tmp_path, monkeypatch):
    # Embedded in another program, synth must not write files of its own accord: without
    # $SYNTH_CACHE_DIR nothing is written, even where the user's cache directory would be.
    monkeypatch.delenv("SYNTH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(snapshot, "_loaded", {})
    assert snapshot.cache_dir() is None
    _store_snapshot(_compiler("en_US"), compiled_providers("en_US"))
    assert snapshot.load("en_US") is None
    assert os.listdir(tmp_path) == []


def test_the_command_keeps_its_snapshot_in_the_user_cache_directory(tmp_path):
    environment = env(XDG_CACHE_HOME=str(tmp_path / "xdg"))
    environment.pop("SYNTH_CACHE_DIR", None)
    args = ["generate", "--type", "json", "--count", "5", "--seed", "1", "--output"]
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, *args, str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    [name] = os.listdir(tmp_path / "xdg" / "synth")
    assert name.startswith("faker-en_US-") and name.endswith(".json")
