"""Command line and datasets: synth's CLI against aumai-datasynthesizer's, side by side.

    python benchmarks/bench_cli.py --peer /tmp/peer-venv/bin/aumai-datasynthesizer

Measures, each as a fresh process (start-up included), best of ``--repeat`` runs:

1. ``generate --type T --count 10000 --seed 1 --output FILE`` for the five types, synth
   against the peer (samples/s and the ratio);
2. start-up: ``synth --help`` beside the peer's ``--version``;
3. memory: peak RSS of ``synth generate`` writing 10 thousand and ``--memory-count``
   (default 10 million) records to a file (``wait4`` resource usage of the process);
4. workers: ``--workers 2`` against ``--workers 1`` for ``--workers-count`` records.

synth's first run that needs Faker (json, conversation) writes the snapshot of Faker's
data (``synth.providers.snapshot``) and later runs read it, as they do for a user: a
best-of figure is the warm one. ``SYNTH_CACHE_DIR=`` (empty) in the environment measures
every run without it.

Prints a Markdown report (paste it into benchmarks/RESULTS.md). The peer is not on PyPI:
install it from its source into a scratch virtualenv outside the project.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

TYPES = ["text", "json", "conversation", "tool_call", "agent_trace"]


def run(command: list[str]) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (KiB, largest process of the run) and CPU time (s, user +
    system, worker processes included) of one command. CPU time hardly moves when other
    jobs load the machine; wall time does."""
    began = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - began
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({proc.returncode}): {stderr}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def best(command: list[str], repeat: int) -> tuple[float, int, float]:
    results = [run(command) for _ in range(repeat)]
    return (
        min(r[0] for r in results),
        max(r[1] for r in results),
        min(r[2] for r in results),
    )


def synth_command(given: str | None = None) -> list[str]:
    """The synth CLI to measure: ``--synth PATH``, else the one beside this Python."""
    if given:
        return [given]
    found = shutil.which("synth", path=os.path.dirname(sys.executable))
    return [found] if found else [sys.executable, "-m", "synth"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", required=True, help="path of the aumai-datasynthesizer CLI")
    parser.add_argument(
        "--synth",
        help="path of the synth CLI (default: the one installed beside this Python). "
        "Measure a user's install: `pip install .` into a fresh virtualenv, without the dev "
        "extra, whose jsonschema[format-nongpl] costs ~1.5 s of CPU on import",
    )
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-type", default="text")
    parser.add_argument("--memory-count", type=int, default=10_000_000)
    parser.add_argument("--memory-workers", type=int, default=2)
    parser.add_argument("--workers-type", default="json")
    parser.add_argument("--workers-count", type=int, default=300_000)
    parser.add_argument(
        "--sections",
        default="types,startup,memory,workers",
        help="comma-separated subset of: types, startup, memory, workers",
    )
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    synth = synth_command(args.synth)
    peer = [args.peer]
    out_dir = tempfile.mkdtemp(prefix="synth-bench-")
    out = os.path.join(out_dir, "out.jsonl")
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}; best of {args.repeat} runs per figure; "
        f"load average {os.getloadavg()[0]:.2f} at the start.",
        f"synth: `{' '.join(synth)}`; peer: `{args.peer}`; Faker snapshot: "
        + ("off" if os.environ.get("SYNTH_CACHE_DIR") == "" else "on (warm after the first run)")
        + ".",
    ]
    if "types" in sections:
        lines += _types(args, synth, peer, out)
    if "startup" in sections:
        lines += _startup(synth, peer)
    if "memory" in sections:
        lines += _memory(args, synth, out)
    if "workers" in sections:
        lines += _workers(args, synth, out)
    shutil.rmtree(out_dir, ignore_errors=True)
    print("\n".join(lines))


def _types(args: argparse.Namespace, synth: list[str], peer: list[str], out: str) -> list[str]:
    lines = [
        "",
        f"### Through the CLI: {args.count:,} samples of each type to a file, start-up included",
        "",
        "| type | synth s (CPU s) | synth samples/s | synth `--workers 2` s | peer s (CPU s) "
        "| peer samples/s | ratio (wall) | ratio (CPU) | ratio with `--workers 2` |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for data_type in TYPES:
        common = ["generate", "--type", data_type, "--count", str(args.count), "--seed", "1"]
        ours, _, ours_cpu = best([*synth, *common, "--output", out], args.repeat)
        two, _, _ = best([*synth, *common, "--output", out, "--workers", "2"], args.repeat)
        theirs, _, theirs_cpu = best([*peer, *common, "--output", out], args.repeat)
        lines.append(
            f"| {data_type} | {ours:.2f} ({ours_cpu:.2f}) | {args.count / ours:,.0f} | "
            f"{two:.2f} | {theirs:.2f} ({theirs_cpu:.2f}) | {args.count / theirs:,.0f} | "
            f"{theirs / ours:.1f}x | {theirs_cpu / ours_cpu:.1f}x | {theirs / two:.1f}x |"
        )
        print(lines[-1], file=sys.stderr)
    return lines


def _startup(synth: list[str], peer: list[str]) -> list[str]:
    help_s, _, help_cpu = best([*synth, "--help"], 5)
    version_s, _, version_cpu = best([*peer, "--version"], 5)
    one = [*synth, "generate", "--type", "text", "--count", "1", "--seed", "1"]
    one_s, _, one_cpu = best(one, 5)
    # The floor under any Python CLI: the interpreter alone, then importing synth's CLI.
    python = os.path.join(os.path.dirname(synth[0]), "python")
    if not os.path.exists(python):
        python = sys.executable
    bare_s, _, bare_cpu = best([python, "-c", "pass"], 5)
    import_s, _, import_cpu = best([python, "-c", "import synth.cli"], 5)
    lines = [
        "",
        "### Start-up",
        "",
        "| command | wall s | CPU s |",
        "| --- | ---: | ---: |",
        f"| `synth --help` | {help_s:.3f} | {help_cpu:.3f} |",
        f"| `aumai-datasynthesizer --version` | {version_s:.3f} | {version_cpu:.3f} |",
        f"| `synth generate --type text --count 1` | {one_s:.3f} | {one_cpu:.3f} |",
        f"| `python -c pass` (synth's interpreter) | {bare_s:.3f} | {bare_cpu:.3f} |",
        f"| `python -c 'import synth.cli'` | {import_s:.3f} | {import_cpu:.3f} |",
    ]
    print("\n".join(lines), file=sys.stderr)
    return lines


def _memory(args: argparse.Namespace, synth: list[str], out: str) -> list[str]:

    lines = [
        "",
        f"### Memory: `synth generate --type {args.memory_type}` to a file "
        f"(`--workers {args.memory_workers}`), peak RSS of the largest process",
        "",
        "| records | s | peak RSS MiB |",
        "| ---: | ---: | ---: |",
    ]
    for count in (10_000, args.memory_count):
        command = [
            *synth, "generate", "--type", args.memory_type, "--count", str(count),
            "--seed", "1", "--output", out, "--workers", str(args.memory_workers),
        ]  # fmt: skip
        seconds, rss, _ = run(command)
        lines.append(f"| {count:,} | {seconds:.1f} | {rss / 1024:.0f} |")
        print(lines[-1], file=sys.stderr)
    return lines


def _workers(args: argparse.Namespace, synth: list[str], out: str) -> list[str]:
    lines = [
        "",
        f"### Workers: {args.workers_count:,} `{args.workers_type}` records to a file",
        "",
        "| workers | s | records/s | speed-up |",
        "| ---: | ---: | ---: | ---: |",
    ]
    base = None
    for workers in (1, 2):
        command = [
            *synth, "generate", "--type", args.workers_type, "--count",
            str(args.workers_count), "--seed", "1", "--output", out, "--workers", str(workers),
        ]  # fmt: skip
        seconds, _, _ = best(command, args.repeat)
        base = base or seconds
        lines.append(
            f"| {workers} | {seconds:.2f} | {args.workers_count / seconds:,.0f} | "
            f"{base / seconds:.2f}x |"
        )
        print(lines[-1], file=sys.stderr)
    return lines


if __name__ == "__main__":
    main()
