"""``synth templates``, ``synth explain``, ``--help``, ``--version`` and start-up imports."""

from __future__ import annotations

import json
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


def test_templates_needs_a_flag_like_the_seed():
    assert_fails(synth_cli("templates"), 2, "Specify --list or --category <category>.")


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


def test_templates_also_lists_the_users_tools(tmp_path):
    path = tmp_path / "tools.json"
    path.write_text(
        json.dumps(
            [
                {
                    "type": "function",
                    "function": {
                        "name": "get_weather",
                        "description": "Weather for a city.",
                        "parameters": {
                            "type": "object",
                            "properties": {"city": {"type": "string"}},
                            "required": ["city"],
                        },
                    },
                }
            ]
        )
    )
    proc = synth_cli("templates", "--category", "tool_call", "--tools", str(path))
    assert proc.returncode == 0, proc.stderr
    assert f"--- Your Tools ({path}) ---" in proc.stdout
    assert "get_weather" in proc.stdout.split("Your Tools")[1]


def test_explain_prints_the_tree_over_several_lines():
    proc = synth_cli("explain", "--type", "conversation")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) > 3
    assert lines[0].endswith("(") and lines[-1].strip().endswith(")")


def test_explain_needs_something_to_explain_and_reports_bad_settings():
    assert_fails(synth_cli("explain"), 2, "--type", "--schema")
    assert_fails(
        synth_cli("explain", "--type", "text", "--constraint", "max_sentences=abc"),
        2,
        "max_sentences",
    )
