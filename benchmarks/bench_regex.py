"""Regular expressions and formats benchmark: strings per second, side by side.

    python benchmarks/bench_regex.py [--count N] [--write]

Measured in one run, on the same patterns:

* synth: ``synth.stream(synth.from_regex(p), N, seed=...)``;
* hypothesis: ``st.from_regex(p, fullmatch=True)`` drawn through ``@given`` (generate
  phase only, no database, no shrinking), the usual way to use it;

and every value of both is checked with ``re.fullmatch``. Then the JSON Schema format
generators (``synth.schema.formats.DEFAULT_FORMATS``): values per second. With
``--write`` the tables go to benchmarks/RESULTS.md under "Regular expressions and formats".
"""

from __future__ import annotations

import argparse
import platform
import re
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import synth
from synth.schema.formats import DEFAULT_FORMATS

PATTERNS = [
    r"^[A-Z]{3}-\d{4}$",
    r"[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}",
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$",
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$",
    r"^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$",
    r"^\+?1?[-. ]?\(?\d{3}\)?[-. ]?\d{3}[-. ]?\d{4}$",
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    r"(?i)^(GET|POST|PUT|DELETE) /api/v[12]/\w+$",
]


def bench_synth(pattern: str, count: int) -> tuple[float, int]:
    gen = synth.from_regex(pattern)
    start = time.perf_counter()
    values = list(synth.stream(gen, count, seed=1))
    elapsed = time.perf_counter() - start
    compiled = re.compile(pattern)
    bad = sum(1 for v in values if not compiled.fullmatch(v))
    return count / elapsed, bad


def bench_hypothesis(pattern: str, count: int) -> tuple[float, int]:
    values: list[str] = []

    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.from_regex(pattern, fullmatch=True))
    def collect(value: str) -> None:
        values.append(value)

    start = time.perf_counter()
    collect()
    elapsed = time.perf_counter() - start
    compiled = re.compile(pattern)
    bad = sum(1 for v in values if not compiled.fullmatch(v))
    return len(values) / elapsed, bad


def bench_formats(count: int) -> list[tuple[str, float]]:
    out = []
    for name in ("email", "hostname", "uri", "uuid", "date-time", "ipv6", "json-pointer"):
        gen = DEFAULT_FORMATS[name]
        start = time.perf_counter()
        list(synth.stream(gen, count, seed=1))
        out.append((name, count / (time.perf_counter() - start)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    hyp_count = max(100, args.count // 10)

    lines = [
        "### Regular expressions and formats",
        "",
        f"`python benchmarks/bench_regex.py --count {args.count}` "
        f"({platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}; hypothesis draws {hyp_count} values per pattern through "
        "`@given`, generate phase only). Every value of both checked with `re.fullmatch`.",
        "",
        "| pattern | synth strings/s | hypothesis strings/s | ratio | invalid (synth, hyp.) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    ratios = []
    for pattern in PATTERNS:
        s_rate, s_bad = bench_synth(pattern, args.count)
        h_rate, h_bad = bench_hypothesis(pattern, hyp_count)
        ratios.append(s_rate / h_rate)
        shown = pattern.replace("|", "\\|")
        lines.append(
            f"| `{shown}` | {s_rate:,.0f} | {h_rate:,.0f} | {s_rate / h_rate:.0f}x | "
            f"{s_bad}, {h_bad} |"
        )
    ratios.sort()
    lines += [
        "",
        f"Median ratio: {ratios[len(ratios) // 2]:.0f}x (min {ratios[0]:.0f}x).",
        "",
        "| format (`DEFAULT_FORMATS`) | values/s |",
        "| --- | ---: |",
    ]
    lines += [f"| {name} | {rate:,.0f} |" for name, rate in bench_formats(args.count)]
    table = "\n".join(lines) + "\n"
    print(table)
    if args.write:
        write(table)


def write(table: str) -> None:
    path = Path(__file__).resolve().parent / "RESULTS.md"
    text = path.read_text(encoding="utf-8")
    heading = "### Regular expressions and formats"
    if heading in text:
        start = text.index(heading)
        rest = text[start + len(heading) :]
        nxt = re.search(r"^#{2,3} ", rest, re.M)
        end = start + len(heading) + (nxt.start() if nxt else len(rest))
        text = text[:start] + table + "\n" + text[end:]
    else:
        anchor = "## Agent data"
        text = text.replace(anchor, table + "\n" + anchor, 1)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
