"""Every failure of ``synth generate``: one line on stderr naming the problem and the fix,
exit status 2 (the command is wrong) or 1 (the run failed), no traceback, and the output
path left as it was."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time

import pytest

from tests.cli_helpers import assert_fails, env, python_with_blocked, synth_cli

PRECIOUS = b"an earlier dataset\n"


@pytest.fixture
def target(tmp_path):
    """An existing output file that no failed run may change."""
    path = tmp_path / "out.jsonl"
    path.write_bytes(PRECIOUS)
    yield path
    assert path.read_bytes() == PRECIOUS
    leftovers = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert leftovers == []


def gen(*args, target=None, **kwargs):
    extra = ["--output", str(target)] if target is not None else []
    return synth_cli("generate", *args, *extra, **kwargs)


# -- counts and seeds ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", ["0", "-3", "abc", "1.5"])
def test_count_must_be_a_positive_whole_number(count, target):
    proc = gen("--type", "text", "--count", count, target=target)
    assert_fails(proc, 2, "--count", "pass a count")


def test_seed_must_be_an_integer(target):
    proc = gen("--type", "text", "--seed", "abc", target=target)
    assert_fails(proc, 2, "--seed", "'abc' is not an integer", "--seed 42")


def test_unknown_type_and_option_are_usage_errors(target):
    assert_fails(gen("--type", "texts", target=target), 2, "'texts' is not one of", "--help")
    assert_fails(gen("--type", "text", "--cuont", "3", target=target), 2, "--cuont", "--help")
    assert_fails(gen(target=target), 2, "--type")


# -- schema files ---------------------------------------------------------------------------------


def test_schema_file_missing(target, tmp_path):
    proc = gen("--type", "json", "--schema", str(tmp_path / "nope.json"), target=target)
    assert_fails(proc, 2, "nope.json", "file not found")


def test_schema_file_not_utf8(target, tmp_path):
    schema = tmp_path / "latin1.json"
    schema.write_bytes('{"description": "caf\xe9"}'.encode("latin-1"))
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "not UTF-8", "0xe9", "save it as UTF-8")


def test_schema_file_not_json_says_line_and_column(target, tmp_path):
    schema = tmp_path / "broken.json"
    schema.write_text('{\n  "type": "object",\n  "properties": {,}\n}\n')
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "not valid JSON", "line 3, column 18")


@pytest.mark.parametrize(
    ("text", "kind"), [("[1, 2]", "an array"), ('"string"', "a string"), ("3", "a number")]
)
def test_schema_must_be_an_object_or_a_boolean(target, tmp_path, text, kind):
    schema = tmp_path / "s.json"
    schema.write_text(text)
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, f"holds {kind}", "object or a boolean")


def _schema(tmp_path, document):
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(document))
    return path


def test_schema_that_is_not_valid_json_schema_gives_the_pointer(target, tmp_path):
    schema = _schema(tmp_path, {"type": "object", "properties": {"age": {"type": 5}}})
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "not valid JSON Schema", "#/properties/age")


def test_unsupported_schema_gives_the_pointer_and_the_feature(target, tmp_path):
    pattern = {"type": "string", "pattern": "(a)\\1"}
    schema = _schema(tmp_path, {"type": "object", "properties": {"code": pattern}})
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    # and how to fix it (the message stopped at "cannot generate correctly")
    assert_fails(
        proc,
        2,
        "synth cannot generate",
        "#/properties/code",
        "backreference",
        "rewrite the pattern without it",
    )


def test_unsatisfiable_schema_gives_the_pointer(target, tmp_path):
    bounds = {"type": "integer", "minimum": 10, "maximum": 5}
    schema = _schema(tmp_path, {"type": "object", "properties": {"n": bounds}, "required": ["n"]})
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "no value can satisfy the schema", "#")
    false = _schema(tmp_path, False)
    proc = gen("--type", "json", "--schema", str(false), target=target)
    assert_fails(proc, 2, "no value can satisfy the schema", "is false")


@pytest.mark.parametrize(
    ("document", "needles"),
    [
        (
            {"type": "integer", "minimum": 10, "maximum": 5},
            ["no value can satisfy the schema", "bounds at #"],
        ),
        (
            {
                "type": "array",
                "items": {"type": "string", "minLength": 3, "maxLength": 1},
                "minItems": 1,
            },
            ["no value can satisfy the schema", "#/items"],
        ),
        ({"type": "integer", "minimum": "5"}, ["not valid JSON Schema", "#/minimum"]),
    ],
)
def test_a_broken_non_object_schema_is_reported_before_the_index_check(
    target, tmp_path, document, needles
):
    # The schema's own problem comes first: --no-index would not fix it.
    proc = gen("--type", "json", "--schema", str(_schema(tmp_path, document)), target=target)
    message = assert_fails(proc, 2, *needles)
    assert "--no-index" not in message


def test_boolean_true_schema_needs_no_index(target, tmp_path):
    schema = _schema(tmp_path, True)
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "not always JSON objects", "--no-index")
    ok = synth_cli("generate", "--type", "json", "--schema", str(schema), "--no-index",
                   "--count", "20", "--seed", "1")  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert len([json.loads(line) for line in ok.stdout.splitlines()]) == 20


def test_records_that_turn_out_not_to_be_objects_are_a_runtime_error(target, tmp_path):
    either = {"anyOf": [{"type": "integer"}, {"type": "object"}]}
    schema = _schema(tmp_path, either)
    proc = gen("--type", "json", "--schema", str(schema), "--count", "50", target=target)
    assert_fails(
        proc, 1, "generation failed", "needs dict records", "add --no-index", "was left unchanged"
    )


def test_a_valid_schema_generates_valid_records(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    document = {
        "type": "object",
        "properties": {
            "email": {"type": "string", "format": "email"},
            "age": {"type": "integer", "minimum": 18, "maximum": 90},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        },
        "required": ["email", "age"],
        "additionalProperties": False,
    }
    schema = _schema(tmp_path, document)
    proc = synth_cli("generate", "--type", "json", "--schema", str(schema), "--count", "50",
                     "--seed", "3", "--no-index")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        jsonschema.validate(json.loads(line), document)


def test_schema_with_a_type_that_takes_none(target, tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text('{"type": "object"}')
    proc = gen("--type", "text", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "--schema is used only with --type json", "drop --schema")


def test_schema_property_named_index_collides(target, tmp_path):
    schema = tmp_path / "s.json"
    schema.write_text('{"type": "object", "properties": {"index": {"type": "string"}}}')
    proc = gen("--type", "json", "--schema", str(schema), target=target)
    assert_fails(proc, 2, "'index'", "--no-index")


# -- constraints ---------------------------------------------------------------------------------


def test_constraint_without_equals(target):
    proc = gen("--type", "text", "--constraint", "max_sentences", target=target)
    assert_fails(proc, 2, "KEY=VALUE", "'max_sentences'")


def test_unknown_constraint_key_lists_the_valid_ones(target):
    proc = gen("--type", "text", "--constraint", "max_sentence=3", target=target)
    assert_fails(proc, 2, "max_sentence", "min_sentences", "max_sentences")


def test_bad_constraint_value(target):
    proc = gen("--type", "text", "--constraint", "max_sentences=abc", target=target)
    assert_fails(proc, 2, "max_sentences", "abc")


def test_min_sentences_above_max_sentences(target):
    proc = gen(
        "--type",
        "text",
        "--constraint",
        "min_sentences=5",
        "--constraint",
        "max_sentences=2",
        target=target,
    )
    assert_fails(proc, 2, "min_sentences", "max_sentences")


def test_unknown_template_suggests_names(target):
    proc = gen("--type", "conversation", "--constraint", "template=code_assistent", target=target)
    assert_fails(proc, 2, "code_assistent", "did you mean 'code_assistant'")


def test_unknown_tool_suggests_names(target):
    proc = gen("--type", "tool_call", "--constraint", "tool=serch", target=target)
    assert_fails(proc, 2, "unknown tool 'serch'", "did you mean 'search'")


@pytest.mark.parametrize("data_type", ["text", "conversation", "tool_call"])
def test_unknown_locale_is_a_usage_error_for_every_type(target, data_type):
    # Regression: an unknown --locale ended in a Faker traceback (AttributeError) for the
    # types that build name lists, and was silently ignored by the others.
    proc = gen("--type", data_type, "--locale", "en-US", target=target)
    assert_fails(proc, 2, "unknown locale 'en-US'", "did you mean 'en_US'")


def test_shard_records_without_a_cluster_is_refused(target):
    # it was accepted and ignored: the run wrote one file, not shards of 5 records
    proc = gen("--type", "text", "--count", "20", "--shard-records", "5", target=target)
    assert_fails(proc, 2, "--shard-records applies only with --dask-scheduler")


# -- tools and template files --------------------------------------------------------------


def test_tools_file_missing_or_not_json(target, tmp_path):
    missing = tmp_path / "none.json"
    assert_fails(
        gen("--type", "tool_call", "--tools", str(missing), target=target),
        2,
        "--tools",
        "file not found",
    )
    broken = tmp_path / "tools.json"
    broken.write_text('[\n  {"type": "function",\n')
    proc = gen("--type", "tool_call", "--tools", str(broken), target=target)
    assert_fails(proc, 2, f"{broken}:3:1", "not valid JSON")


WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather for a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city"],
        },
    },
}


def test_tools_file_errors_name_the_place_inside_it(target, tmp_path):
    tool = json.loads(json.dumps(WEATHER))
    tool["function"]["parameters"]["properties"]["city"]["type"] = 5
    path = tmp_path / "tools.json"
    path.write_text(json.dumps([tool]))
    proc = gen("--type", "tool_call", "--tools", str(path), target=target)
    assert_fails(proc, 2, str(path), "tools[0].function.parameters", "#/properties/city/type")


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--type", "text", "--tools", "{tools}"], ["--tools is used only with", "--type text"]),
        (["--type", "json", "--tools", "{tools}"], ["--tools is used only with", "--type json"]),
        (["--type", "tool_call", "--template", "{tools}"], ["--template is used only with"]),
        (["--type", "agent_trace", "--template", "{tools}"], ["--template is used only with"]),
        # the default template, named: its turns make no calls, so the tools cannot be used
        (
            [
                "--type",
                "conversation",
                "--tools",
                "{tools}",
                "--constraint",
                "template=customer_support",
            ],
            ["tool definitions apply to the template 'tool_use', not 'customer_support'"],
        ),
    ],
)
def test_tools_and_templates_where_they_do_not_apply_are_refused(target, tmp_path, args, needles):
    # they were silently ignored (or, for the named default template, the template was)
    path = tmp_path / "tools.json"
    path.write_text(json.dumps([WEATHER]))
    proc = gen(*[a.format(tools=path) for a in args], "--count", "2", "--seed", "1", target=target)
    assert_fails(proc, 2, *needles)


@pytest.mark.parametrize("content", ['{"tools": 5}', "42", '"get_weather"'])
def test_a_tools_file_of_the_wrong_shape_is_named(target, tmp_path, content):
    # the message said "load_tools() expects a list ..." without naming the file
    path = tmp_path / "tools.json"
    path.write_text(content)
    proc = gen("--type", "tool_call", "--tools", str(path), target=target)
    assert_fails(proc, 2, f"{path}: tools", "expects a list of tool definitions")


def test_a_users_tools_are_called_with_valid_arguments(tmp_path):
    path = tmp_path / "tools.json"
    path.write_text(json.dumps([WEATHER]))
    proc = synth_cli("generate", "--type", "tool_call", "--tools", str(path), "--constraint",
                     "tool=get_weather", "--count", "20", "--seed", "1")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        call = json.loads(line)["function"]
        assert call["name"] == "get_weather"
        assert isinstance(json.loads(call["arguments"])["city"], str)
    listed = synth_cli("templates", "--category", "tool_call", "--tools", str(path))
    assert "  get_weather  -> get_weather" in listed.stdout.split("--- Your Tools")[1]


def _template_file(tmp_path, second_turn):
    path = tmp_path / "templates.json"
    turns = [{"role": "user", "content": "Hi"}, second_turn]
    document = {"templates": {"refund": {"description": "d", "scenarios": [
        {"name": "basic", "turns": turns}]}}}  # fmt: skip
    path.write_text(json.dumps(document))
    return path


def test_template_file_errors_name_the_place_inside_it(target, tmp_path):
    bad_role = _template_file(tmp_path, {"role": 7, "content": "Done."})
    proc = gen("--type", "conversation", "--template", str(bad_role), target=target)
    assert_fails(proc, 2, str(bad_role), "templates.refund.scenarios[0].turns[1].role")
    typo = _template_file(tmp_path, {"role": "assistant", "content": "Done, {frist_name}."})
    proc = gen(
        "--type",
        "conversation",
        "--template",
        str(typo),
        "--constraint",
        "template=refund",
        target=target,
    )
    assert_fails(proc, 2, str(typo), "line 1, column 7", "{frist_name}", "first_name")


def test_a_placeholder_typo_is_reported_even_where_it_is_not_drawn(target, tmp_path):
    # The typo sits in one phrasing of one template; without --constraint template=...
    # most runs would never draw it. It is still an error at load.
    document = {
        "refund": {
            "vocab": {"product": ["kettle"]},
            "turns": [
                {"role": "user", "content": ["Refund my {product}.", "Refund {prodct} now."]},
                {"role": "assistant", "content": "Done."},
            ],
        }
    }
    path = tmp_path / "templates.json"
    path.write_text(json.dumps(document))
    for command in ("generate", "explain"):
        args = [command, "--template", str(path), "--seed", "1"]
        if command == "generate":
            args += ["--type", "conversation", "--count", "1", "--output", str(target)]
        message = assert_fails(synth_cli(*args), 2, "turns[0].content[1]", "{prodct}", "product")
        assert message.count(str(path)) == 1, message


@pytest.mark.parametrize(
    ("option", "data_type"), [("--template", "conversation"), ("--tools", "tool_call")]
)
def test_template_and_tools_files_must_be_utf8(target, tmp_path, option, data_type):
    path = tmp_path / "latin1.json"
    path.write_bytes('[{"name": "caf\xe9"}]'.encode("latin-1"))
    proc = gen("--type", data_type, option, str(path), target=target)
    assert_fails(proc, 2, option, str(path), "not UTF-8", "0xe9", "save it as UTF-8")
    listed = synth_cli("templates", "--list", option, str(path))
    assert_fails(listed, 2, option, str(path), "not UTF-8")


@pytest.mark.parametrize("document", [{"templates": 5}, [1, 2]])
def test_template_file_errors_name_the_path_once(target, tmp_path, document):
    path = tmp_path / "templates.json"
    path.write_text(json.dumps(document))
    for args in (
        ["generate", "--type", "conversation", "--template", str(path), "--output", str(target)],
        ["templates", "--list", "--template", str(path)],
    ):
        message = assert_fails(synth_cli(*args), 2, "expected a mapping")
        assert message.count(str(path)) == 1, message


# -- output ----------------------------------------------------------------------------------------


def test_missing_output_directories_are_created_like_synth_llm_does(tmp_path):
    path = tmp_path / "missing" / "deeper" / "out.jsonl"
    proc = gen("--type", "text", "--seed", "1", "--count", "3", target=path)
    assert proc.returncode == 0, proc.stderr
    assert len(path.read_text().splitlines()) == 3


def test_output_under_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    path = tmp_path / "file" / "sub" / "out.jsonl"
    proc = gen("--type", "text", "--seed", "1", target=path)
    assert_fails(proc, 1, "file is not a directory", "--output")
    assert os.listdir(tmp_path) == ["file"]


def test_an_output_ending_with_a_slash_names_a_directory_and_is_refused(tmp_path):
    # It used to be written as a file called "dir" and reported as "out/dir/".
    proc = gen("--type", "text", "--seed", "1", "--output", str(tmp_path / "out" / "dir") + "/")
    assert_fails(proc, 1, "ends with '/', so it names a directory", "--output")
    assert os.listdir(tmp_path) == []


def test_an_empty_output_is_a_usage_error(tmp_path):
    proc = gen("--type", "text", "--seed", "1", "--output", "", cwd=tmp_path)
    assert_fails(proc, 2, "--output is empty", "- for standard output")
    assert os.listdir(tmp_path) == []


def test_output_directory_not_writable(tmp_path):
    if os.geteuid() == 0:
        # Root may write into any mode-0555 directory; sysfs refuses even root.
        directory = "/sys"
    else:
        directory = tmp_path / "locked"
        directory.mkdir()
        directory.chmod(0o555)
    path = os.path.join(directory, "out.jsonl")
    proc = gen("--type", "text", "--seed", "1", target=path)
    assert_fails(proc, 1, "cannot write", "choose an --output")
    assert not os.path.exists(path)


def test_parquet_without_the_extra_names_the_extra(tmp_path):
    path = tmp_path / "out.parquet"
    proc = synth_cli(
        "generate",
        "--type",
        "text",
        "--seed",
        "1",
        "--output",
        str(path),
        python=python_with_blocked("pyarrow"),
    )
    assert_fails(proc, 1, "pyarrow", "pip install 'synth[parquet]'")
    assert os.listdir(tmp_path) == []


def test_parquet_and_manifest_need_a_file(target):
    assert_fails(gen("--type", "text", "--format", "parquet"), 2, "standard output", "--output")
    assert_fails(gen("--type", "text", "--manifest"), 2, "--manifest", "--output PATH")


def _limit_file_size():
    resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))


def test_disk_full_while_writing(target):
    proc = gen(
        "--type",
        "text",
        "--count",
        "5000",
        "--seed",
        "1",
        target=target,
        preexec_fn=_limit_file_size,
    )
    assert_fails(
        proc, 1, "cannot write", "File too large", "free some disk space", "was left unchanged"
    )


# -- interruption --------------------------------------------------------------------------------


def _start_long_run(target, *extra):
    command = [
        sys.executable,
        "-m",
        "synth",
        "generate",
        "--type",
        "text",
        "--count",
        "50000000",
        "--seed",
        "1",
        "--output",
        str(target),
        *extra,
    ]
    proc = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env(),
        start_new_session=True,  # its own process group, as a terminal job has
    )
    directory = os.path.dirname(target)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        temps = [n for n in os.listdir(directory) if n.endswith(".tmp")]
        if temps and os.path.getsize(os.path.join(directory, temps[0])) > 0:
            return proc
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the run never started writing")


@pytest.mark.parametrize(
    ("sig", "extra"),
    [(signal.SIGINT, ()), (signal.SIGTERM, ()), (signal.SIGINT, ("--workers", "2"))],
)
def test_interrupting_a_run_leaves_the_target_and_no_temp_file(target, sig, extra):
    proc = _start_long_run(target, *extra)
    os.killpg(proc.pid, sig)  # to the whole group, workers included, as Ctrl-C does
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr.strip() == f"Error: Interrupted; {target} was left unchanged"


def test_a_nan_brought_in_by_a_schema_is_still_caught(tmp_path):
    # The command skips the search for NaN for its built-in data only: a schema read by
    # Python's json may hold NaN (an enum of it), and is checked.
    schema = tmp_path / "s.json"
    schema.write_text('{"type": "object", "properties": {"x": {"enum": [NaN]}}, "required": ["x"]}')
    out = tmp_path / "out.jsonl"
    proc = synth_cli("generate", "--type", "json", "--schema", str(schema), "--count", "2",
                     "--seed", "1", "--output", str(out))  # fmt: skip
    assert_fails(proc, 1, "record 0", "/0/x", "nan")
    assert not out.exists()
