"""``synth templates``, ``synth explain``, ``--help``, ``--version`` and start-up imports."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata

import pytest

import synth
from tests.cli_helpers import assert_fails, synth_cli


def test_version():
    proc = synth_cli("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"synth {synth.__version__}"


@pytest.mark.parametrize("command", [[], ["generate"], ["templates"], ["explain"]])
def test_every_command_has_help_with_examples(command):
    proc = synth_cli(*command, "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Usage: synth" in proc.stdout
    assert "Examples:" in proc.stdout
    assert "synth " + (command[0] if command else "generate") in proc.stdout.split("Examples:")[1]


def test_the_console_script_is_declared():
    scripts = {e.name: e.value for e in metadata.entry_points(group="console_scripts")}
    assert scripts.get("synth") == "synth.cli:run"


def test_help_does_not_import_the_heavy_libraries():
    # Start-up is paid by every command: `synth --help` must not load Faker, the JSON
    # Schema validator (jsonschema with its format checkers costs about 1.5 s of CPU),
    # pyarrow, dask or the OpenAI client.
    code = (
        "import sys; sys.argv = ['synth', 'generate', '--help']\n"
        "from synth.cli import main\n"
        "main()\n"
        "heavy = {'faker', 'jsonschema', 'pyarrow', 'dask', 'distributed', 'openai'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    proc = synth_cli(python=[sys.executable, "-c", code])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "[]"


_LOADED_BY_GENERATE = (
    "import sys\n"
    "from synth.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "assert code == 0, code\n"
    "print(' '.join(sorted(sys.modules)))\n"
)


@pytest.mark.parametrize(
    ("data_type", "unused"),
    [
        # Text needs the sentence grammar only: no Faker, no agent models (cattrs), no
        # conversation templates, no tools.
        ("text", ["faker", "cattrs", "synth.agents.conversation", "synth.agents.tools"]),
        # Tool calls and traces draw from synth's own tables, never from Faker.
        ("tool_call", ["faker", "synth.agents.conversation"]),
        ("agent_trace", ["faker", "synth.agents.conversation"]),
    ],
)
def test_generate_loads_only_what_the_type_needs(tmp_path, data_type, unused):
    # Start-up is most of a 10,000-record run: what a type does not use stays unloaded,
    # and so do worker processes, the manifest's package metadata and the shard planner
    # when the command does not ask for them.
    unused = [*unused, "multiprocessing", "importlib.metadata", "synth.dataset.shards"]
    out = str(tmp_path / "out.jsonl")
    proc = synth_cli(
        "generate", "--type", data_type, "--count", "3", "--seed", "1", "--output", out,
        python=[sys.executable, "-c", _LOADED_BY_GENERATE],
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    loaded = set(proc.stdout.split())
    assert "synth.agents.datasets" in loaded
    assert [m for m in unused if m in loaded] == []


def test_templates_needs_a_flag_like_the_seed():
    assert_fails(synth_cli("templates"), 2, "Specify --list or --category <category>.")


def test_templates_lists_a_file_given_alone_and_refuses_one_its_category_hides(tmp_path):
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps([{"name": "ping", "inputSchema": {"type": "object"}}]))
    proc = synth_cli("templates", "--tools", str(tools))  # was "Specify --list ..."
    assert proc.returncode == 0, proc.stderr
    assert "  ping  -> ping" in proc.stdout and "Conversation Templates" not in proc.stdout
    # --category conversation used to print the templates and say nothing of the tools
    proc = synth_cli("templates", "--category", "conversation", "--tools", str(tools))
    assert_fails(proc, 2, "--category conversation does not list", "--category tool_call")
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(REFUND))
    proc = synth_cli("templates", "--category", "tool_call", "--template", str(path))
    assert_fails(proc, 2, "--category tool_call does not list", "--category conversation")


def test_templates_list_shows_conversations_and_tools():
    proc = synth_cli("templates", "--list")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "--- Conversation Templates ---" in out and "--- Tool-Call Templates ---" in out
    assert "  customer_support  (7 turns)" in out
    assert "  code_assistant  (5 turns)" in out
    assert "  research_assistant  (5 turns)" in out
    for key, function in [
        ("search", "web_search"),
        ("email", "send_email"),
        ("database", "execute_query"),
        ("file_operations", "file_operation"),
    ]:
        assert f"  {key}  -> {function}" in out


def test_templates_category_filters():
    conversation = synth_cli("templates", "--category", "conversation").stdout
    tools = synth_cli("templates", "--category", "tool_call").stdout
    assert "customer_support" in conversation and "web_search" not in conversation
    assert "web_search" in tools and "customer_support" not in tools


REFUND = {
    "templates": {
        "refund": {
            "description": "A customer asks for a refund.",
            "scenarios": [
                {
                    "name": "basic",
                    "turns": [
                        {"role": "user", "content": ["Hi, I'm {first_name}. Refund please."]},
                        {"role": "assistant", "content": "Done, {first_name}. Refund issued."},
                    ],
                }
            ],
        }
    }
}


def test_templates_also_lists_the_users_templates(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(REFUND))
    proc = synth_cli("templates", "--category", "conversation", "--template", str(path))
    assert proc.returncode == 0, proc.stderr
    builtin, yours = proc.stdout.split(f"--- Your Templates ({path}) ---")
    assert "  refund  (2 turns)" in yours and "refund" not in builtin
    assert "customer_support" in builtin and "customer_support" not in yours


def test_a_users_template_generates_with_one_binding_per_conversation(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(REFUND))
    proc = synth_cli(
        "generate", "--type", "conversation", "--template", str(path), "--constraint",
        "template=refund", "--count", "5", "--seed", "1",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        user, assistant = json.loads(line)["turns"]
        name = user["content"].removeprefix("Hi, I'm ").removesuffix(". Refund please.")
        assert assistant["content"] == f"Done, {name}. Refund issued."


def test_a_template_file_alone_is_used_or_asks_which_template(tmp_path):
    # --template FILE without --constraint template=NAME made customer_support
    # conversations: the file was read, checked and then ignored
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(REFUND))
    args = ("--type", "conversation", "--template", str(path), "--count", "3", "--seed", "1")
    alone = synth_cli("generate", *args)
    named = synth_cli("generate", *args, "--constraint", "template=refund")
    assert alone.returncode == 0, alone.stderr
    assert alone.stdout == named.stdout
    assert "Refund issued." in alone.stdout
    two = json.loads(json.dumps(REFUND))
    two["templates"]["exchange"] = two["templates"]["refund"]
    path.write_text(json.dumps(two))
    assert_fails(
        synth_cli("generate", *args),
        2,
        f"--template {path} defines 2 templates (refund, exchange)",
        "--constraint template=NAME",
    )


def test_explain_prints_the_tree_the_settings_and_an_example():
    proc = synth_cli("explain", "--type", "tool_call", "--constraint", "tool=email")
    assert proc.returncode == 0, proc.stderr
    tree, rest = proc.stdout.split("Settings (constraints with their defaults):")
    settings, example = rest.split("Record 0 with --seed 0:")
    assert tree.startswith("Generator tree:\n")
    assert len(tree.strip().splitlines()) > 5 and "send_email" in tree  # pretty, multi-line
    assert "    tool = email" in settings.splitlines()
    record = json.loads(example)
    assert record["index"] == 0 and record["function"]["name"] == "send_email"
    first = synth_cli(
        "generate",
        "--type",
        "tool_call",
        "--constraint",
        "tool=email",
        "--count",
        "1",
        "--seed",
        "0",
    )
    assert json.loads(first.stdout) == record


def explained_settings(*args: str) -> list[str]:
    proc = synth_cli("explain", *args)
    assert proc.returncode == 0, proc.stderr
    settings = proc.stdout.split("Settings (constraints with their defaults):")[1]
    return [line.strip() for line in settings.split("Record 0")[0].strip().splitlines()]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        # These defaults depend on the run; they used to be left out, so explain never
        # named the constraint 'tool' of a tool_call run.
        (["--type", "tool_call"], ["tool = search"]),
        (["--type", "tool_call", "--tools", "TOOLS"], ["tool = the tools in --tools"]),
        (
            ["--type", "agent_trace"],
            [
                "tools = search, email, database, file_operations",
                "reference_time = 2026-01-01T00:00:00Z",
            ],
        ),
        (["--type", "json"], ["reference_time = 2025-01-01T12:00:00Z"]),
        (
            ["--type", "conversation", "--tools", "TOOLS"],
            [
                "template = tool_use",
                "tools = the tools in --tools",
                "min_steps = 1",
                "max_steps = 3",
                "reference_time = 2026-01-01T00:00:00Z",
            ],
        ),
    ],
)
def test_explain_names_every_constraint_with_the_default_it_takes(tmp_path, args, expected):
    tools = tmp_path / "tools.json"
    tools.write_text(json.dumps([{"name": "ping", "inputSchema": {"type": "object"}}]))
    settings = explained_settings(*[str(tools) if a == "TOOLS" else a for a in args])
    for line in expected:
        assert line in settings, (line, settings)


def test_explain_takes_the_type_from_a_template_file(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(REFUND))
    proc = synth_cli("explain", "--template", str(path), "--constraint", "template=refund")
    assert proc.returncode == 0, proc.stderr
    assert "conversations(" in proc.stdout and "template = refund" in proc.stdout


def test_explain_needs_something_to_explain_and_reports_bad_settings():
    assert_fails(synth_cli("explain"), 2, "--type", "--schema")
    assert_fails(
        synth_cli("explain", "--type", "text", "--constraint", "max_sentences=abc"),
        2,
        "max_sentences",
    )


def test_llm_command_is_attached_but_loaded_only_when_used():
    proc = synth_cli("llm", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Usage: synth llm" in proc.stdout and "--prompt" in proc.stdout
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom synth.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print('synth.llm' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "llm" in probe.stdout.split("Commands:")[1]
    assert probe.stdout.strip().endswith("False")
