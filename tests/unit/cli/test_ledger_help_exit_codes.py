"""The ledger commands' --help says what their amounts are in and how they exit: each group's help (`recfin
receivable --help`...) gives the exit codes and that amounts are yuan in tables and integer fen with
--json, before its example, and each command's --json option says its amounts are integer fen (a script
reading `"outstanding": 113000` must not take it for yuan). docs/sdk-receivables.md ("CLI") says the same."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import main

GROUPS = ["party", "receivable", "finance", "discount", "request", "regulator"]
# the modules whose commands print a contract's document with --json (audit prints its report, events its
# lines, finance quote and compare their proposals: their own --help says what they print and how they exit)
DOCUMENT_MODULES = {"cli.receivable_commands", "cli.regulator_commands"}


def help_of(*path: str) -> str:
    res = CliRunner().invoke(main, [*path, "--help"], terminal_width=400)
    assert res.exit_code == 0, res.output
    return " ".join(res.output.split())


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_says_its_units_and_exit_codes_before_its_example(group):
    description = help_of(group).split(" Options:", 1)[0]
    said, example = description.split(" Example:", 1)
    assert "Amounts are yuan in tables (CNY 12,345.67) and integer fen with --json." in said
    assert ("Exit codes: 0 done; 1 refused, by the contract (the line names its RULE) or by the command "
            "before sending") in said
    assert "2 a usage error, nothing written; 130 stopped by Ctrl-C (143 SIGTERM, 129 SIGHUP)." in said
    assert f"recfin {group} " in example


def test_the_commands_that_exit_otherwise_are_named_in_their_group():
    assert "`audit` exits 0 when every check passed, 1 when one failed, 3 when the audit could not be made" \
        in help_of("receivable")
    assert "`accept` declined at its prompt exits 0, nothing sent." in help_of("discount")
    assert "`quote` says its own in its --help." in help_of("finance")
    assert "Exit codes:" in help_of("finance", "quote")


def document_commands():
    for group in GROUPS:
        for name, command in sorted(main.commands[group].commands.items()):
            if getattr(command.callback, "__module__", "") in DOCUMENT_MODULES:
                yield group, name, command


@pytest.mark.parametrize("group, name, command", list(document_commands()),
                         ids=[f"{g} {n}" for g, n, _ in document_commands()])
def test_each_json_option_says_its_amounts_are_integer_fen(group, name, command: click.Command):
    (json_option,) = [p for p in command.params if "--json" in getattr(p, "opts", [])]
    assert "(amounts in integer fen)" in json_option.help, f"recfin {group} {name} --json: {json_option.help}"
