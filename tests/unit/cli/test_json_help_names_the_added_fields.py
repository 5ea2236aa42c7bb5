"""A ledger command's --json help says what it prints: the contract's document with the fields the command adds
(`request_id`, `currency`...), which docs/cli.md lists; "the contract's JSON document" alone was untrue of every
command adding one, and a script author reading it would look for them in docs/receivables.md in vain."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from cli.connection import JSON_HELP

from .command_tree import leaf_commands

CLI_DOC = Path(__file__).resolve().parents[3] / "docs" / "cli.md"


def acting_commands():
    """Every command whose --json option is the shared one of ``acting``."""
    for name, command in leaf_commands().items():
        helps = [p.help for p in command.params if "--json" in getattr(p, "opts", [])]
        if helps == [JSON_HELP]:
            yield name, command


def added_fields_documented() -> dict[str, set[str]]:
    """docs/cli.md's table of added fields: field -> the commands it names."""
    section = CLI_DOC.read_text().split("## `--json` adds to the contract's document", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines() if line.startswith("| `")]
    return {field.strip().strip("`"): set(re.findall(r"`([a-z]+ [a-z-]+)`", commands)) for field, commands in rows}


def test_the_shared_json_help_points_at_the_list_and_is_on_the_ledger_commands():
    commands = dict(acting_commands())
    assert {"receivable pay", "receivable history", "discount accept", "regulator list"} <= set(commands)
    assert "docs/cli.md" in JSON_HELP and "(amounts in integer fen)" in JSON_HELP
    assert "the fields the command adds" in JSON_HELP


@pytest.mark.parametrize("field, command", [
    ("request_id", "receivable pay"), ("payment_tx_id", "receivable pay"), ("currency", "receivable history"),
    ("currency", "receivable provenance"), ("terms_accepted", "discount accept"), ("offers", "finance get"),
    ("bookmark_token", "regulator list"), ("request_id", "discount publish"),
])
def test_docs_cli_lists_each_field_a_command_adds(field, command):
    assert command in added_fields_documented().get(field, set()), f"docs/cli.md: {field} of recfin {command}"
