"""``bench_schema.py --write`` replaces its own part of RESULTS.md and nothing else."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_schema.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_schema", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_write_section_keeps_the_regex_subsection(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\n## Kernel\n\nkernel table\n\n## JSON Schema\n\nold table\n"
        "old notes\n\n### Regular expressions and formats\n\nregex table\n\n"
        "## Agent data\n\nagent table\n",
        encoding="utf-8",
    )
    load_bench().write_section(results, "JSON Schema", "new table\n")
    assert results.read_text(encoding="utf-8") == (
        "# Benchmark results\n\n## Kernel\n\nkernel table\n\n## JSON Schema\n\nnew table\n\n"
        "### Regular expressions and formats\n\nregex table\n\n"
        "## Agent data\n\nagent table\n"
    )


def test_write_section_at_the_end_of_the_file(tmp_path):
    results = tmp_path / "RESULTS.md"
    results.write_text("# R\n\n## JSON Schema\n\nold\n", encoding="utf-8")
    load_bench().write_section(results, "JSON Schema", "new")
    assert results.read_text(encoding="utf-8") == "# R\n\n## JSON Schema\n\nnew\n\n"
