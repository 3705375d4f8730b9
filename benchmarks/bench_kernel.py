"""Kernel and providers benchmark: a realistic 10-field record streamed to JSONL.

    python benchmarks/bench_kernel.py [--records N] [--write]

Measured side by side in one run:

* synth: ``synth.stream`` of a ``record`` of compiled Faker providers and kernel primitives,
  serialised with orjson;
* Faker direct: the same fields from a seeded ``Faker`` instance (the usual way to use it;
  ``seed_instance`` is fine in this peer code), serialised with orjson;
* floor: hand-written code with only rng calls, list indexing and orjson for equivalent
  fields: what the same work costs with no library at all.

Also: the per-record cost of the seed derivation (one ``random.Random`` per block of 64
records) as a share of a small record's cost, and the ``import synth`` time. With
``--write`` the table is written to benchmarks/RESULTS.md under "Kernel and providers".
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import orjson

import synth
from synth import fake
from synth.core import seeding

START, END = dt.date(2000, 1, 1), dt.date(2025, 12, 31)
DUMPS_OPTION = orjson.OPT_APPEND_NEWLINE


def synth_record() -> synth.Gen:
    return synth.record(
        name=fake("name"),
        email=fake("email"),
        company=fake("company"),
        street_address=fake("street_address"),
        phone_number=fake("phone_number"),
        signup=synth.dates(START, END),
        id=synth.uuids(),
        visits=synth.integers(0, 1000),
        active=synth.booleans(),
        bio=fake("sentence"),
    )


def run_synth(n: int) -> bytes:
    dumps = orjson.dumps
    gen = synth_record()
    return b"".join([dumps(r, option=DUMPS_OPTION) for r in synth.stream(gen, n, seed=42)])


def run_faker(n: int) -> bytes:
    from faker import Faker

    f = Faker("en_US")
    f.seed_instance(42)
    dumps = orjson.dumps
    out = []
    for _ in range(n):
        row = {
            "name": f.name(),
            "email": f.email(),
            "company": f.company(),
            "street_address": f.street_address(),
            "phone_number": f.phone_number(),
            "signup": f.date_between(START, END),
            "id": f.uuid4(cast_to=None),
            "visits": f.random_int(0, 1000),
            "active": f.boolean(),
            "bio": f.sentence(),
        }
        out.append(dumps(row, option=DUMPS_OPTION))
    return b"".join(out)


def run_floor(n: int, tables: dict[str, list[str]]) -> bytes:
    """Equivalent fields with nothing but rng calls, indexing and f-strings."""
    first, last, suffix = tables["first"], tables["last"], tables["suffix"]
    streets, words, domains = tables["street"], tables["words"], tables["domains"]
    nf, nl, ns, nst, nw, nd = (
        float(len(t)) for t in (first, last, suffix, streets, words, domains)
    )
    day0, days = START.toordinal(), END.toordinal() - START.toordinal() + 1
    fromordinal, UUID, dumps = dt.date.fromordinal, uuid.UUID, orjson.dumps
    out = []
    rng = random.Random(42)
    rand, bits = rng.random, rng.getrandbits
    for _ in range(n):
        fn, ln = first[int(rand() * nf)], last[int(rand() * nl)]
        sentence = " ".join([words[int(rand() * nw)] for _ in range(4 + bits(2))])
        row = {
            "name": f"{fn} {ln}",
            "email": f"{fn.lower()}{ln.lower()}@{domains[int(rand() * nd)]}",
            "company": f"{last[int(rand() * nl)]} {suffix[int(rand() * ns)]}",
            "street_address": f"{bits(14)} {first[int(rand() * nf)]} {streets[int(rand() * nst)]}",
            "phone_number": f"{bits(10):03d}-{bits(10):03d}-{bits(13):04d}",
            "signup": fromordinal(day0 + int(rand() * days)),
            "id": UUID(int=bits(128), version=4),
            "visits": int(rand() * 1001),
            "active": rand() < 0.5,
            "bio": sentence[0].upper() + sentence[1:] + ".",
        }
        out.append(dumps(row, option=DUMPS_OPTION))
    return b"".join(out)


def floor_tables() -> dict[str, list[str]]:
    from synth.providers.faker import faker_generator

    g = faker_generator("en_US")

    def data(provider: str, attr: str) -> list[str]:
        return list(getattr(getattr(g, provider).__self__, attr))

    return {
        "first": data("first_name", "first_names"),
        "last": data("last_name", "last_names"),
        "suffix": data("company_suffix", "company_suffixes"),
        "street": data("street_suffix", "street_suffixes"),
        "words": data("word", "word_list"),
        "domains": data("safe_domain_name", "safe_domain_names"),
    }


def rates(contenders: dict[str, tuple[object, int]], repeats: int) -> dict[str, float]:
    """Best records/s of each contender, the runs interleaved round by round.

    Time is CPU time of this process (``time.process_time``): the work is single-threaded,
    and CPU time is not inflated when other processes share the machine.
    """
    best = dict.fromkeys(contenders, 0.0)
    for _ in range(repeats):
        for name, (fn, n) in contenders.items():
            t0 = time.process_time()
            fn(n)
            best[name] = max(best[name], n / (time.process_time() - t0))
    return best


def seed_derivation(repeats: int = 5) -> tuple[float, float]:
    """(µs per block seeding, µs per small record drawn without any seeding)."""
    prefix = seeding.seed_bytes(42)
    blocks = 20_000
    best_seed = (
        min(
            _time(lambda: [random.Random(seeding._block_key(prefix, b)) for b in range(blocks)])
            for _ in range(repeats)
        )
        / blocks
    )
    small = synth.record(id=synth.integers(0, 10**6), flag=synth.booleans(), score=synth.floats())
    draw, rng, n = small._fn, random.Random(1), 200_000
    best_small = min(_time(lambda: [draw(rng) for _ in range(n)]) for _ in range(repeats)) / n
    return best_seed * 1e6, best_small * 1e6


def _time(fn) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def import_time(repeats: int = 7) -> float:
    """Median seconds of ``import synth`` in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import synth; print(time.perf_counter() - t)"
    times = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        times.append(float(done.stdout))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="records per synth/floor run")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    opts = parser.parse_args()
    n = opts.records
    n_faker = max(1000, n // 20)

    tables = floor_tables()
    best = rates(
        {
            "synth": (run_synth, n),
            "faker": (run_faker, n_faker),
            "floor": (lambda k: run_floor(k, tables), n),
        },
        opts.repeats,
    )
    synth_rate, faker_rate, floor_rate = best["synth"], best["faker"], best["floor"]
    synth_out = run_synth(1000)
    seed_us, small_us = seed_derivation()
    per_record_seed = seed_us / seeding.BLOCK_SIZE
    imp = import_time()
    ten_field_us = 1e6 / synth_rate

    rows = [
        ("synth (compiled providers, synth.stream + orjson)", synth_rate),
        ("Faker direct (seeded instance + orjson)", faker_rate),
        ("hand-written floor (rng calls + orjson)", floor_rate),
    ]
    lines = [
        "| 10-field record → JSONL | records/s | µs/record |",
        "| --- | ---: | ---: |",
        *(f"| {label} | {r:,.0f} | {1e6 / r:.2f} |" for label, r in rows),
        "",
        "| ratio | measured | target |",
        "| --- | ---: | ---: |",
        f"| synth / Faker direct | {synth_rate / faker_rate:.1f}x | ≥ 20x |",
        f"| synth / floor | {synth_rate / floor_rate:.2f}x | ≥ 0.5x |",
        "",
        "| seeding and import | measured |",
        "| --- | ---: |",
        f"| seeding one block (`random.Random` from a BLAKE2b key) | {seed_us:.2f} µs |",
        f"| seed derivation per record (1/{seeding.BLOCK_SIZE} of a block) "
        f"| {per_record_seed:.3f} µs |",
        f"| small record (int, bool, float) | {small_us:.2f} µs |",
        f"| derivation as a share of the small record | {per_record_seed / small_us:.1%} |",
        f"| derivation as a share of the 10-field record + JSON | "
        f"{per_record_seed / ten_field_us:.2%} |",
        f"| `import synth` (median of 7 fresh interpreters) | {imp * 1000:.0f} ms |",
    ]
    table = "\n".join(lines)
    print(table)
    print(f"\nsynth output: {len(synth_out):,} bytes for the first 1,000 records")
    if opts.write:
        write_results(table, n, n_faker)


def write_results(table: str, n: int, n_faker: int) -> None:
    import faker

    path = Path(__file__).with_name("RESULTS.md")
    text = path.read_text()
    head = "## Kernel and providers\n"
    start = text.index(head) + len(head)
    nxt = text.find("\n## ", start)
    end = len(text) if nxt < 0 else nxt + 1
    body = (
        f"\nCommand: `python benchmarks/bench_kernel.py --write` ({n:,} records for synth and "
        f"the floor, {n_faker:,} for Faker; best of 3 interleaved runs each, CPU time). Python "
        f"{platform.python_version()}, Faker {faker.VERSION}, orjson {orjson.__version__}, "
        f"{platform.machine()} ({platform.processor() or 'unknown cpu'}), "
        f"{dt.date.today().isoformat()}.\n\n{table}\n\n"
    )
    path.write_text(text[:start] + body + text[end:])


if __name__ == "__main__":
    main()
