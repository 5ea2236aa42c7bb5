"""An option that takes a party's credit code is shown in --help as USCC, as `receivable register --debtor USCC`
and `receivable transfer --to USCC` show theirs: `receivable list` showed --holder, --debtor and --financier as
TEXT, which says nothing of the 18-character code they are held to, and so did `party register --uscc`, `discount
list --debtor` and `finance offers --financier/--debtor`. `finance quote --debtor`, a credit code on the ledger but
a history file's own id without it (SYN-DEBTOR-0007), is shown as DEBTOR, as `risk score DEBTOR` is."""

from __future__ import annotations

import click
import pytest

from cli.main import main

from .command_tree import leaf_commands

GROUPS = ["receivable", "regulator", "request", "transaction", "events", "party", "discount", "finance"]


def takes_a_credit_code(option: click.Option) -> bool:
    return getattr(option.callback, "__qualname__", "").startswith("credit_code_option.")


def credit_code_options(command: click.Command) -> list[click.Option]:
    return [option for option in command.params if isinstance(option, click.Option) and takes_a_credit_code(option)]


TAKING_A_CREDIT_CODE = [(path, command) for group in GROUPS
                        for path, command in leaf_commands(main.commands[group], (group,)).items()
                        if credit_code_options(command)]


def test_the_credit_code_options_are_found():
    """Guards the search: were the options no longer told by their callback, the test below would check none."""
    found = {(path, option.opts[0])
             for path, command in TAKING_A_CREDIT_CODE for option in credit_code_options(command)}
    assert {("receivable register", "--debtor"), ("receivable transfer", "--to"), ("receivable list", "--holder"),
            ("receivable list", "--debtor"), ("receivable list", "--financier"), ("party register", "--uscc"),
            ("discount list", "--debtor"), ("finance offers", "--financier"), ("finance offers", "--debtor")} <= found


@pytest.mark.parametrize("path, command", TAKING_A_CREDIT_CODE, ids=[path for path, _ in TAKING_A_CREDIT_CODE])
def test_each_credit_code_option_is_shown_as_uscc(path, command):
    ctx = click.Context(command, info_name=path)
    shown = {option.opts[0]: option.make_metavar(ctx) for option in credit_code_options(command)}
    assert set(shown.values()) == {"USCC"}, (path, shown)


def test_receivable_list_help_names_its_filters_uscc(runner):
    result = runner.invoke(main, ["receivable", "list", "--help"])
    assert result.exit_code == 0, result.output
    for option in ("--holder USCC", "--debtor USCC", "--financier USCC"):
        assert option in result.output, result.output


def test_finance_quote_help_names_its_debtor_option_debtor(runner):
    result = runner.invoke(main, ["finance", "quote", "--help"])
    assert result.exit_code == 0, result.output
    assert "--debtor DEBTOR" in result.output, result.output
