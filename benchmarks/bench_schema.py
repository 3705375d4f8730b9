"""JSON Schema benchmark: synth against jsf and hypothesis-jsonschema, side by side.

    python benchmarks/bench_schema.py --peer-python /tmp/peer-schema-venv/bin/python \\
        [--count 10000] [--write]

Four schemas (benchmarks/schemas/*.json): a flat user record, an order with nested line
items, a tool call, and a schema with ``$defs``/``$ref``/``anyOf``. For each, every tool
makes ``--count`` instances; records/s excludes compiling and validating, and every timed
run starts from a collected heap (``gc.collect()``: importing jsonschema with its format
libraries leaves ~140,000 objects whose first full collection would otherwise land, at
random, in one tool's timed run). The peers run in their own interpreter (install them
outside the project, e.g.
``python -m venv /tmp/peer-schema-venv && /tmp/peer-schema-venv/bin/pip install jsf
hypothesis==6.170.9 hypothesis-jsonschema==0.23.1 'jsonschema[format-nongpl]'``), in
subprocesses of this same run. Every instance of every tool is validated afterwards with
``jsonschema`` (format checking on) and the share of valid ones is reported. With
``--write`` the table goes to benchmarks/RESULTS.md under "JSON Schema".
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import jsonschema

import synth

HERE = Path(__file__).resolve().parent
SCHEMAS = ["user", "order", "tool_call", "refs_anyof"]

PEER_CODE = r"""
import gc, json, sys, time, warnings
warnings.simplefilter("ignore")
import jsonschema
job = json.loads(sys.stdin.read())
schema, count, tool = job["schema"], job["count"], job["tool"]
out = []
if tool == "jsf":
    from jsf import JSF
    faker_gen = JSF(schema)
    gc.collect()
    start = time.perf_counter()
    for _ in range(count):
        out.append(faker_gen.generate())
    seconds = time.perf_counter() - start
else:
    from hypothesis import given, settings, HealthCheck, Phase
    from hypothesis_jsonschema import from_schema
    strategy = from_schema(schema)

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        out.append(value)

    gc.collect()
    start = time.perf_counter()
    collect()
    seconds = time.perf_counter() - start
cls = jsonschema.validators.validator_for(schema)
v = cls(schema, format_checker=cls.FORMAT_CHECKER)
valid = sum(1 for x in out if v.is_valid(x))
print(json.dumps({"count": len(out), "seconds": seconds, "valid": valid}))
"""


def load(name: str) -> dict:
    return json.loads((HERE / "schemas" / f"{name}.json").read_text())


def run_synth(schema: dict, count: int) -> dict:
    start = time.perf_counter()
    gen = synth.from_schema(schema)
    compiled = time.perf_counter() - start
    gc.collect()
    start = time.perf_counter()
    out = list(synth.stream(gen, count, seed=42))
    seconds = time.perf_counter() - start
    cls = jsonschema.validators.validator_for(schema)
    v = cls(schema, format_checker=cls.FORMAT_CHECKER)
    valid = sum(1 for x in out if v.is_valid(x))
    return {"count": len(out), "seconds": seconds, "valid": valid, "compile": compiled}


def run_peer(python: str, tool: str, schema: dict, count: int) -> dict:
    job = json.dumps({"tool": tool, "schema": schema, "count": count})
    proc = subprocess.run(
        [python, "-c", PEER_CODE], input=job, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:120]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def rate(result: dict) -> float | None:
    if "error" in result or not result["seconds"]:
        return None
    return result["count"] / result["seconds"]


def fmt_rate(r: float | None) -> str:
    return "failed" if r is None else f"{r:,.0f}"


def fmt_valid(result: dict) -> str:
    if "error" in result:
        return result["error"]
    return f"{100 * result['valid'] / max(1, result['count']):.1f}%"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--peer-python", required=True, help="interpreter with jsf and hypothesis-jsonschema"
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument(
        "--hypothesis-count",
        type=int,
        default=None,
        help="instances for hypothesis-jsonschema (default: --count; it makes ~25/s)",
    )
    parser.add_argument("--write", action="store_true", help="write benchmarks/RESULTS.md")
    args = parser.parse_args()
    hyp_count = args.hypothesis_count or args.count

    rows = []
    for name in SCHEMAS:
        schema = load(name)
        s = run_synth(schema, args.count)
        j = run_peer(args.peer_python, "jsf", schema, args.count)
        h = run_peer(args.peer_python, "hypothesis", schema, hyp_count)
        rs, rj, rh = rate(s), rate(j), rate(h)
        rows.append(
            (
                name,
                fmt_rate(rs),
                f"{s['compile'] * 1000:.1f} ms",
                fmt_valid(s),
                fmt_rate(rj),
                fmt_valid(j),
                fmt_rate(rh),
                fmt_valid(h),
                "-" if not (rs and rj) else f"{rs / rj:.1f}x",
                "-" if not (rs and rh) else f"{rs / rh:.0f}x",
            )
        )
        print(" | ".join(rows[-1]), flush=True)

    header = (
        "| schema | synth rec/s | synth compile | synth valid | jsf rec/s | jsf valid "
        "| hypothesis-jsonschema rec/s | h-j valid | synth / jsf | synth / h-j |\n"
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n"
    )
    table = header + "".join("| " + " | ".join(r) + " |\n" for r in rows)
    peer_versions = subprocess.run(
        [
            args.peer_python,
            "-c",
            "import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
            "['jsf', 'hypothesis', 'hypothesis-jsonschema', 'jsonschema']))",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    section = (
        "Command: `python benchmarks/bench_schema.py --peer-python "
        f"/tmp/peer-schema-venv/bin/python --count {args.count}"
        + (f" --hypothesis-count {hyp_count}" if hyp_count != args.count else "")
        + " --write`\n\n"
        f"Machine: {platform.machine()}, {platform.system()}, Python "
        f"{platform.python_version()}, synth {synth.__version__}; peers: {peer_versions}. "
        f"{args.count} instances per schema for synth and jsf, {hyp_count} for "
        "hypothesis-jsonschema (schemas in `benchmarks/schemas/`); "
        "rec/s excludes compiling and validating; each timed run starts after gc.collect(); "
        "validity is checked afterwards with "
        "jsonschema and its format checker. hypothesis-jsonschema runs through `@given` "
        "(generate phase only, no database).\n\n" + table
    )
    print(section)
    if args.write:
        write_section(HERE / "RESULTS.md", "JSON Schema", section)


def write_section(path: Path, heading: str, body: str) -> None:
    """Replace the text under ``## heading`` up to the next ``##`` or ``###`` heading.

    Subsections written by other scripts (``### Regular expressions and formats``, from
    bench_regex.py) stay as they are.
    """
    text = path.read_text(encoding="utf-8")
    marker = f"## {heading}\n"
    start = text.index(marker) + len(marker)
    nxt = re.search(r"^#{2,3} ", text[start:], re.M)
    end = len(text) if nxt is None else start + nxt.start()
    new = text[:start] + "\n" + body.rstrip() + "\n\n" + text[end:].lstrip("\n")
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
