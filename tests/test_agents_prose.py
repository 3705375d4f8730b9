"""The built-in texts read as English: no doubled words ("the the", "total total"), no "a"
before a vowel-initial noun of a vocabulary ("a amount"), and numbers agree with their
nouns ("1 results"). Scanned over 2,000 samples of every built-in conversation template,
and of traces (tool results and the thoughts that quote them) with each built-in tool."""

from __future__ import annotations

import re
from typing import Any

import pytest

from synth import DataGenerator, GeneratorConfig
from synth.agents.conversation import builtin_templates
from tests.record_helpers import texts

DOUBLED = re.compile(r"\b([A-Za-z]+)\s+\1\b", re.IGNORECASE)
ONE_PLURAL = re.compile(r"(?<![\d.,$#-])\b1 (?!of\b)([a-z]+s)\b")
A_VOWEL = re.compile(r"\b[Aa] (?:amount|error|entry|order|item|update|answer|email|invoice)\b")
# "Does" before a plural title-case subject ("Does Cash Transfers Change ...").
DOES_PLURAL = re.compile(r"\bDoes (?:[A-Z][\w-]* )*[A-Z][\w-]*[^s]s [A-Z]")
# Plural words that take singular agreement or are not plurals.
NOT_PLURAL = {"is", "was", "has", "does", "this", "its", "as", "us", "plus", "status", "analysis"}


def defects(samples: list[dict[str, Any]]) -> list[str]:
    found = []
    for sample in samples:
        for text in texts(sample):
            for m in DOUBLED.finditer(text):
                found.append(m.group(0))
            for m in ONE_PLURAL.finditer(text):
                if m.group(1) not in NOT_PLURAL:
                    found.append(m.group(0))
            found.extend(A_VOWEL.findall(text))
            found.extend(DOES_PLURAL.findall(text))
    return sorted(set(found))


def test_the_scan_finds_the_defects_it_looks_for():
    sample = {
        "a": ["the the end", "it returned 1 results", "What if a amount is blank?"],
        "b": "Does Text-Message Reminders Change Savings?",
    }
    assert defects([sample]) == [
        "1 results",
        "Does Text-Message Reminders C",
        "a amount",
        "the the",
    ]
    assert defects([{"b": "Does Microcredit Access Change Loan Repayment?"}]) == []
    assert defects([{"a": "1 of 3 rows, 1 status, $1 fees, 0.1 points"}]) == []


@pytest.mark.parametrize("template", [*builtin_templates(), "tool_use"])
def test_builtin_conversations_have_no_prose_defects(template):
    config = GeneratorConfig(
        data_type="conversation", count=2000, seed=7, constraints={"template": template}
    )
    assert defects(DataGenerator().generate(config).samples) == []


@pytest.mark.parametrize("tool", ["search", "email", "database", "file_operations"])
def test_trace_tool_results_and_thoughts_have_no_prose_defects(tool):
    # a low success rate so that failure texts (errors, wrong answers) are scanned too
    config = GeneratorConfig(
        data_type="agent_trace",
        count=2000,
        seed=7,
        constraints={"tools": tool, "success_rate": 0.3},
    )
    assert defects(DataGenerator().generate(config).samples) == []
