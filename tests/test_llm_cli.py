"""The ``synth llm`` command, against the scripted server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from synth.llm.cli import llm_command
from tests.llm_server import Reply, ScriptedServer, echo_seed


@pytest.fixture
def prompt(tmp_path):
    (tmp_path / "persona.txt").write_text("You write personas.")
    (tmp_path / "persona.json").write_text(json.dumps({"model": "from-file", "temperature": 1}))
    return str(tmp_path / "persona")


def invoke(*args):
    return CliRunner().invoke(llm_command, [str(a) for a in args], catch_exceptions=False)


def test_schema_file_inputs_file_and_cache(tmp_path, prompt):
    schema = tmp_path / "out.schema.json"
    schema.write_text(
        json.dumps(
            {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
                "required": ["name", "age"],
                "additionalProperties": False,
            }
        )
    )
    inputs = tmp_path / "in.jsonl"
    inputs.write_text('"first"\n{"country": "Peru"}\n')
    out, cache = tmp_path / "out.jsonl", tmp_path / "c.sqlite"
    with ScriptedServer(default=Reply(content='{"name": "Ana", "age": 30}')) as server:
        args = [
            "--prompt",
            prompt,
            "--schema",
            schema,
            "--input",
            inputs,
            "--output",
            out,
            "--base-url",
            server.url,
            "--model",
            "cli-model",
            "--cache",
            cache,
        ]
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        assert rows[0] == {"index": 0, "input": "first", "output": {"name": "Ana", "age": 30}}
        assert rows[1]["input"] == {"country": "Peru"}
        bodies = server.requests
        sent = sorted(b["messages"][-1]["content"] for b in bodies)
        assert sent == ["first", '{"country":"Peru"}']
        assert {b["model"] for b in bodies} == {"cli-model"}
        assert bodies[0]["response_format"]["json_schema"]["strict"] is True
        assert bodies[0]["response_format"]["json_schema"]["name"] == "out"
        assert "2 asked" in result.output
        again = invoke(*args)
        assert len(server.requests) == 2 and "2 from cache" in again.output


def test_user_message_with_count_gives_distinct_reproducible_seeds(tmp_path, prompt):
    out1, out2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    with ScriptedServer(default=echo_seed) as server:
        for out, cache in ((out1, "c1.sqlite"), (out2, "c2.sqlite")):
            result = invoke(
                "--prompt",
                prompt,
                "--user",
                "Hello",
                "--count",
                4,
                "--seed",
                7,
                "--output",
                out,
                "--base-url",
                server.url,
                "--cache",
                tmp_path / cache,
                "--capabilities",
                "none",
            )
            assert result.exit_code == 0, result.output
        assert out1.read_bytes() == out2.read_bytes()
        seeds = [b["seed"] for b in server.requests[:4]]
        assert len(set(seeds)) == 4
        assert all("response_format" not in b for b in server.requests)


def test_errors_are_one_line_messages(tmp_path, prompt):
    result = CliRunner().invoke(
        llm_command, ["--prompt", prompt + ".txt", "--user", "x", "--count", "1", "-o", "o"]
    )
    assert result.exit_code == 2 and "without a suffix" in result.output
    result = CliRunner().invoke(llm_command, ["--prompt", prompt, "-o", "o"])
    assert result.exit_code == 2 and "--input FILE.jsonl or --user TEXT" in result.output
    with ScriptedServer(default=Reply(status=401)) as server:
        result = CliRunner().invoke(
            llm_command,
            [
                "--prompt",
                prompt,
                "--user",
                "x",
                "--count",
                "1",
                "-o",
                tmp_path / "o.jsonl",
                "--base-url",
                server.url,
                "--cache",
                tmp_path / "c.sqlite",
            ],
        )
    assert result.exit_code == 1 and "HTTP 401" in result.output


def test_bad_base_url_and_both_input_sources_are_usage_errors(tmp_path, prompt):
    # a base URL without a scheme failed as a connection error after the first request,
    # advising to "fix the prompt"; --input with --user said to give one of them
    args = ["--prompt", prompt, "--user", "x", "--count", "1", "-o", str(tmp_path / "o.jsonl")]
    result = CliRunner().invoke(llm_command, [*args, "--base-url", "localhost:8080/v1"])
    assert result.exit_code == 2, result.output
    assert "--base-url 'localhost:8080/v1' is not an http:// or https:// URL" in result.output
    inputs = tmp_path / "in.jsonl"
    inputs.write_text('"hello"\n')
    result = CliRunner().invoke(llm_command, [*args, "--input", str(inputs)])
    assert result.exit_code == 2 and "not both" in result.output, result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_type_option_imports_the_output_class(tmp_path, prompt):
    out = tmp_path / "o.jsonl"
    answer = json.dumps({"title": "Lamp", "price": 3, "tags": [], "note": None})
    with ScriptedServer(default=Reply(content=answer)) as server:
        result = invoke(
            "--prompt",
            prompt,
            "--type",
            "tests.test_llm_formats:Item",
            "--user",
            "x",
            "--count",
            1,
            "-o",
            out,
            "--base-url",
            server.url,
            "--cache",
            tmp_path / "c.sqlite",
        )
        assert result.exit_code == 0, result.output
        schema = server.requests[0]["response_format"]["json_schema"]
        assert schema["name"] == "Item"
    assert json.loads(out.read_text())["output"]["title"] == "Lamp"


def run_main(capsys, *args):
    """``synth llm ARGS`` in process: (exit status, stderr lines)."""
    import signal

    from synth.cli import main

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        code = main(["llm", *(str(a) for a in args)])
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    return code, capsys.readouterr().err.strip().splitlines()


@pytest.mark.parametrize(
    ("name", "content", "needles"),
    [
        ("s.json", b"{nope", ["--schema", "s.json:1:2: not JSON"]),
        ("s.json", b"\xff\xfe{}", ["--schema", "s.json: not UTF-8"]),
        ("s.json", b"[1, 2]", ["--schema", "s.json: a JSON Schema is a JSON object, got an array"]),
        ("s.json", b'{"type": "strin"}', ["s.json: not a valid JSON Schema at #/type:"]),
        (
            "s.json",
            b'{"properties": {"a": {"minLength": -1}}}',
            ["s.json: not a valid JSON Schema at #/properties/a/minLength:"],
        ),
        ("in.jsonl", b'"ok"\n{bad\n', ["--input", "in.jsonl:2:2: not JSON"]),
        ("in.jsonl", b'"ok"\n\xff\n', ["--input", "in.jsonl: not UTF-8"]),
        ("persona.json", b"{", ["--prompt", "persona.json:1:2: not valid JSON"]),
        ("persona.json", b"[]", ["persona.json: expected a JSON object"]),
        ("persona.json", b'{"model": 5}', ["persona.json: /model must be a string, got 5"]),
        ("persona.json", b'{"model": "m", "stop": [1]}', ["persona.json: /stop must be"]),
        ("persona.json", b"\xff", ["persona.json: not UTF-8"]),
        ("persona.txt", b"caf\xe9", ["persona.txt: not UTF-8"]),
    ],
)
def test_bad_files_are_one_line_errors_naming_the_file(
    tmp_path, prompt, capsys, name, content, needles
):
    (tmp_path / name).write_bytes(content)
    args = ["--prompt", prompt, "-o", tmp_path / "o.jsonl", "--cache", tmp_path / "c.sqlite"]
    if name.startswith("s."):
        args += ["--schema", tmp_path / name]
    args += ["--input", tmp_path / name] if name.startswith("in.") else ["--user", "x"]
    args += ["--count", "1", "--base-url", "http://127.0.0.1:9/v1"]
    code, lines = run_main(capsys, *args)
    assert code == 2
    assert len(lines) == 1 and lines[0].startswith("Error: "), lines
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert not (tmp_path / "o.jsonl").exists()


def test_a_failed_call_is_reported_once_with_the_cli_options(tmp_path, prompt):
    from tests.cli_helpers import assert_fails, synth_cli

    with ScriptedServer(default=Reply(status=503)) as server:
        proc = synth_cli(
            "llm",
            "--prompt",
            prompt,
            "--user",
            "x",
            "--count",
            "1",
            "-o",
            str(tmp_path / "o.jsonl"),
            "--cache",
            str(tmp_path / "c.sqlite"),
            "--base-url",
            server.url,
            "--max-attempts",
            "2",
        )
    # Not the retried attempt as a line of its own, and not the failure twice: one line.
    message = assert_fails(
        proc, 1, "HTTP 503", "--max-attempts (now 2)", "--max-seconds", "server at --base-url"
    )
    assert "#1 transport: HTTP 503" in message and "#2 transport: HTTP 503" in message
    assert "RetryPolicy" not in message
    assert not (tmp_path / "o.jsonl").exists()


def test_missing_output_directories_are_created_like_synth_generate_does(tmp_path, prompt):
    out = tmp_path / "new" / "deeper" / "o.jsonl"
    with ScriptedServer(default=Reply(content="hi")) as server:
        result = invoke(
            "--prompt", prompt, "--user", "x", "--count", 2, "-o", out,
            "--base-url", server.url, "--cache", tmp_path / "c.sqlite",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert len(out.read_text().splitlines()) == 2
        failed = tmp_path / "other" / "deeper" / "o.jsonl"
        server.default = Reply(status=401)
        result = CliRunner().invoke(
            llm_command,
            ["--prompt", prompt, "--user", "y", "--count", "1", "-o", str(failed),
             "--base-url", server.url, "--cache", str(tmp_path / "c.sqlite")],
        )  # fmt: skip
        assert result.exit_code == 1 and "HTTP 401" in result.output
    assert not (tmp_path / "other").exists()  # made by the failed run: removed


def test_output_under_a_file_is_one_line_before_any_request(tmp_path, prompt, capsys):
    (tmp_path / "file").write_text("x")
    with ScriptedServer(default=Reply(content="hi")) as server:
        code, lines = run_main(
            capsys, "--prompt", prompt, "--user", "x", "--count", "1",
            "-o", tmp_path / "file" / "o.jsonl", "--base-url", server.url,
            "--cache", tmp_path / "c.sqlite",
        )  # fmt: skip
        assert server.requests == []
    assert code == 1 and len(lines) == 1, lines
    assert "file is not a directory" in lines[0] and "--output" in lines[0]


def test_prompt_problems_are_said_in_the_commands_words(tmp_path, prompt, capsys):
    for bad, needles in (
        (
            prompt + ".txt",
            ["--prompt takes the prompt's name without a suffix", f"--prompt {prompt}"],
        ),
        (str(tmp_path / "none"), ["--prompt", "missing", "none.txt and", "none.json"]),
    ):
        code, lines = run_main(
            capsys, "--prompt", bad, "--user", "x", "--count", "1", "-o", tmp_path / "o.jsonl"
        )
        assert code == 2 and len(lines) == 1, lines
        for needle in needles:
            assert needle in lines[0], (needle, lines[0])
        assert "from_files" not in lines[0]


@pytest.mark.parametrize(
    ("option", "value", "needle"),
    [
        ("--timeout", "0", "'--timeout'"),
        ("--capabilities", "json", "--capabilities: unknown 'json'"),
        ("--max-seconds", "-1", "'--max-seconds'"),
        # wrote an empty file and exited 0; synth generate refuses --count 0 as well
        ("--count", "0", "'--count'"),
    ],
)
def test_bad_options_name_the_option_not_a_python_class(
    tmp_path, prompt, capsys, option, value, needle
):
    code, lines = run_main(
        capsys, "--prompt", prompt, "--user", "x", "--count", "1", "-o", tmp_path / "o.jsonl",
        option, value,
    )  # fmt: skip
    assert code == 2 and len(lines) == 1, lines
    assert needle in lines[0] and "Client(" not in lines[0] and "RetryPolicy" not in lines[0]
