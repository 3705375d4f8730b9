"""No global side effects: importing and using synth leaves the process as it was.

Run in fresh subprocesses, so import-time effects are observable too.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

# Builds a record using compiled providers, fallback providers and kernel primitives,
# streams it and prints the JSON lines.
USE_SYNTH = """
import datetime as dt
import orjson
import synth
from synth import fake
gen = synth.record(
    name=fake("name"), email=fake("email"), isbn=fake("isbn13"), color=fake("color"),
    city=fake("city", locale="de_DE"), phrase=fake("catch_phrase", locale="fr_FR"),
    when=fake("date_between", start_date=dt.date(2000, 1, 1), end_date=dt.date(2020, 1, 1)),
    n=synth.integers(0, 99), id=synth.uuids().map(str),
)
lines = b"".join(orjson.dumps(r, option=orjson.OPT_APPEND_NEWLINE)
                 for r in synth.stream(gen, 300, seed=SEED))
"""


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_random_and_faker_state_unchanged_by_import_and_use():
    out = run(
        """
        import copy, random
        import faker, faker.generator
        random.seed(1234)
        faker.generator.random.seed(99)
        def snapshot():
            G = faker.Generator
            return (
                random.getstate(), faker.generator.random.getstate(),
                G._is_seeded, G._global_seed, copy.deepcopy(G._Generator__config),
            )
        before = snapshot()
        SEED = 7
        """
        + textwrap.indent(USE_SYNTH, "        ")
        + """
        after = snapshot()
        print(before == after, len(lines) > 0)
        """
    )
    assert out.split() == ["True", "True"]


def test_seeded_faker_of_the_user_is_undisturbed():
    # A user of Faker.seed gets the same sequence whether or not synth runs in between.
    out = run(
        """
        from faker import Faker
        def names(use_synth):
            Faker.seed(5)
            f = Faker()
            out = []
            for _ in range(20):
                out.append(f.name())
                if use_synth:
                    SEED = 3
        """
        + textwrap.indent(USE_SYNTH, "                    ")
        + """
            return out
        print(names(False) == names(True))
        """
    )
    assert out.strip() == "True"


def test_same_seed_in_two_processes_gives_identical_bytes():
    code = USE_SYNTH.replace("SEED", "11") + "\nimport sys\nsys.stdout.buffer.write(lines)\n"
    first, second = run(code), run(code)
    assert first == second
    assert first.count("\n") == 300
    other = run(USE_SYNTH.replace("SEED", "12") + "\nimport sys\nsys.stdout.buffer.write(lines)\n")
    assert other != first


def test_import_synth_does_not_import_faker():
    out = run("import sys, synth; print('faker' in sys.modules)")
    assert out.strip() == "False"
