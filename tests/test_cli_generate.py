"""``synth generate`` end to end: outputs, formats, seeds, workers, manifest, progress."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest

from tests.cli_helpers import env, synth_cli

TYPES = ["text", "json", "conversation", "tool_call", "agent_trace"]
SUMMARY = re.compile(r"^Generated (\d+) (\w+) samples in \d+\.\d ms\.$")


@pytest.mark.parametrize("data_type", TYPES)
def test_each_type_writes_seed_shaped_jsonl_to_stdout(data_type):
    proc = synth_cli("generate", "--type", data_type, "--count", "3", "--seed", "42")
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["index"] for r in rows] == [0, 1, 2]
    assert all(len(r) > 1 for r in rows)
    summary = proc.stderr.strip().splitlines()
    match = SUMMARY.match(summary[0])
    assert match and match.groups() == ("3", data_type), summary
    assert len(summary) == 1  # stdout output: no "Output written to", seed was given


def test_the_same_seed_gives_the_same_bytes_in_another_process(tmp_path):
    a = synth_cli("generate", "--type", "conversation", "--count", "20", "--seed", "7")
    b = synth_cli("generate", "--type", "conversation", "--count", "20", "--seed", "7")
    c = synth_cli("generate", "--type", "conversation", "--count", "20", "--seed", "8")
    assert a.returncode == b.returncode == c.returncode == 0
    assert a.stdout == b.stdout != c.stdout


def test_without_a_seed_one_is_chosen_and_printed_so_the_run_can_be_repeated():
    first = synth_cli("generate", "--type", "text", "--count", "5")
    assert first.returncode == 0, first.stderr
    line = first.stderr.strip().splitlines()[-1]
    seed = re.fullmatch(r"Seed: (\d+) \(chosen at random; add --seed \1 to repeat this run\)", line)
    assert seed, line
    again = synth_cli("generate", "--type", "text", "--count", "5", "--seed", seed.group(1))
    assert again.stdout == first.stdout


def test_a_file_output_and_its_summary(tmp_path):
    path = tmp_path / "conversations.jsonl"
    proc = synth_cli(
        "generate",
        "--type",
        "conversation",
        "--count",
        "20",
        "--seed",
        "42",
        "--output",
        str(path),
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert SUMMARY.match(lines[0]).groups() == ("20", "conversation")
    assert lines[1] == f"Output written to: {path}"
    assert proc.stdout == ""
    stdout_run = synth_cli("generate", "--type", "conversation", "--count", "20", "--seed", "42")
    assert path.read_text() == stdout_run.stdout


def test_a_json_extension_writes_one_valid_json_array(tmp_path):
    path = tmp_path / "records.json"
    proc = synth_cli(
        "generate", "--type", "json", "--count", "25", "--seed", "1", "--output", str(path)
    )
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(path.read_text())
    assert isinstance(rows, list) and [r["index"] for r in rows] == list(range(25))
    jsonl = synth_cli("generate", "--type", "json", "--count", "25", "--seed", "1")
    assert rows == [json.loads(line) for line in jsonl.stdout.splitlines()]


def test_format_flag_overrides_the_extension(tmp_path):
    path = tmp_path / "x.json"
    proc = synth_cli(
        "generate",
        "--type",
        "text",
        "--count",
        "4",
        "--seed",
        "1",
        "--output",
        str(path),
        "--format",
        "jsonl",
    )
    assert proc.returncode == 0, proc.stderr
    assert len(path.read_text().splitlines()) == 4
    stdout_json = synth_cli(
        "generate", "--type", "text", "--count", "4", "--seed", "1", "--format", "json"
    )
    assert len(json.loads(stdout_json.stdout)) == 4


def test_parquet_round_trip(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "t.parquet"
    proc = synth_cli(
        "generate",
        "--type",
        "conversation",
        "--count",
        "30",
        "--seed",
        "3",
        "--output",
        str(path),
    )
    assert proc.returncode == 0, proc.stderr
    rows = pq.read_table(path).to_pylist()
    jsonl = [
        json.loads(x)
        for x in synth_cli(
            "generate", "--type", "conversation", "--count", "30", "--seed", "3"
        ).stdout.splitlines()
    ]
    assert [r["index"] for r in rows] == list(range(30))
    for row, want in zip(rows, jsonl, strict=True):
        for key, value in want.items():
            got = row[key]
            assert (json.loads(got) if isinstance(value, (dict, list)) else got) == value


def test_two_workers_write_the_same_bytes_as_one(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    common = ["generate", "--type", "text", "--count", "9000", "--seed", "5"]
    assert synth_cli(*common, "--output", str(one)).returncode == 0
    proc = synth_cli(*common, "--output", str(two), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert one.read_bytes() == two.read_bytes()


def test_manifest_describes_the_run(tmp_path):
    path = tmp_path / "m.jsonl"
    proc = synth_cli(
        "generate",
        "--type",
        "text",
        "--count",
        "50",
        "--seed",
        "9",
        "--output",
        str(path),
        "--manifest",
        "--constraint",
        "min_sentences=2",
    )
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "m.jsonl.manifest.json").read_text())
    assert doc["output"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert doc["output"]["bytes"] == path.stat().st_size
    assert doc["seed"] == 9 and doc["count"] == 50 and doc["format"] == "jsonl"
    assert doc["arguments"]["type"] == "text"
    assert doc["arguments"]["constraints"] == ["min_sentences=2"]
    assert doc["recipe"] == {
        "target": "synth.compat:payload_generator",
        "kwargs": {"data_type": "text", "constraints": {"min_sentences": "2"}},
    }
    from synth.compat import payload_generator

    assert doc["generator"] == repr(payload_generator("text", constraints={"min_sentences": "2"}))
    assert doc["seeding_scheme"] >= 1 and doc["synth_version"]


def test_no_index_leaves_the_payload_alone():
    proc = synth_cli("generate", "--type", "text", "--count", "2", "--seed", "1", "--no-index")
    with_index = synth_cli("generate", "--type", "text", "--count", "2", "--seed", "1")
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    indexed = [json.loads(line) for line in with_index.stdout.splitlines()]
    assert rows == [{k: v for k, v in r.items() if k != "index"} for r in indexed]


@pytest.mark.parametrize(
    ("args", "keys"),
    [
        (["--export", "openai"], ["messages", "tools"]),
        (["--constraint", "export=sharegpt"], ["conversations", "tools"]),
        (["--export", "openai", "--index"], ["index", "messages", "tools"]),
        ([], ["index", "trace_id"]),
    ],
)
def test_chat_exports_hold_only_the_chat_unless_index_is_asked(args, keys):
    # A fine-tuning file's lines are chats: the seed's record number is left out of chat
    # exports by default (it was written unless --no-index was given).
    proc = synth_cli("generate", "--type", "agent_trace", "--count", "3", "--seed", "2", *args)
    for i, line in enumerate(proc.stdout.splitlines()):
        record = json.loads(line)
        assert list(record)[: len(keys)] == keys
        assert ("index" in record) == ("index" in keys)
        if "index" in keys:
            assert record["index"] == i


def test_progress_bar_only_when_asked_or_on_a_terminal(tmp_path):
    path = tmp_path / "p.jsonl"
    common = ["generate", "--type", "text", "--count", "200", "--seed", "1", "--output", str(path)]
    forced = synth_cli(*common, "--progress")
    assert "200/200 records" in forced.stderr
    quiet = synth_cli(*common)  # stderr is a pipe here: no bar by default
    assert "records" not in quiet.stderr and "\r" not in quiet.stderr
    assert "records" not in synth_cli(*common, "--no-progress").stderr


def test_type_is_case_insensitive_like_the_seed():
    proc = synth_cli("generate", "--type", "TEXT", "--count", "1", "--seed", "1")
    assert proc.returncode == 0 and json.loads(proc.stdout)["index"] == 0


def test_a_reader_that_stops_early_is_not_an_error():
    command = [sys.executable, "-m", "synth", "generate", "--type", "text", "--count",
               "500000", "--seed", "1"]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env())
    first = proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    stderr = proc.stderr.read()
    proc.wait(timeout=60)
    assert json.loads(first)["index"] == 0
    assert proc.returncode == 0
    assert stderr == b""


@pytest.mark.parametrize(
    "args",
    [
        ["--type", "agent_trace"],
        ["--type", "agent_trace", "--constraint", "reference_time=2031-06-01T00:00:00Z"],
        ["--type", "conversation", "--constraint", "template=tool_use"],
    ],
)
def test_the_manifest_states_the_time_traces_start_at(tmp_path, args):
    import datetime as dt

    def when(text):
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))

    path = tmp_path / "t.jsonl"
    proc = synth_cli("generate", *args, "--count", "5", "--seed", "3", "--output", str(path),
                     "--manifest")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    stated = when(json.loads((tmp_path / "t.jsonl.manifest.json").read_text())["reference_time"])
    if args[1] == "agent_trace":
        starts = {when(json.loads(line)["started_at"]) for line in path.read_text().splitlines()}
        assert starts == {stated}
    else:
        # Tool-use conversations are traces without their timestamps: same start.
        trace = synth_cli("generate", "--type", "agent_trace", "--count", "1", "--seed", "3")
        assert when(json.loads(trace.stdout)["started_at"]) == stated
