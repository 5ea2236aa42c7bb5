"""Each command's --timeout shows its default seconds as a person writes them, "60" as the ledger commands show
theirs: `recfin chaincode deploy --help` said "[default: 60.0; ...]", and `recfin host` "120.0"."""
from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from cli.main import main

from .command_tree import leaf_commands


def timeout_of(command: click.Command) -> click.Option | None:
    return next((p for p in command.params if "--timeout" in getattr(p, "opts", ())), None)


TIMED = [(path, command) for path, command in leaf_commands().items() if timeout_of(command) is not None]


def test_the_commands_with_a_timeout_are_found():
    assert {"chaincode deploy", "chaincode restart", "network up", "org user revoke"} <= {p for p, _ in TIMED}


@pytest.mark.parametrize("path, command", TIMED, ids=[path for path, _ in TIMED])
def test_each_timeout_default_is_shown_in_whole_seconds(path, command):
    option = timeout_of(command)
    _opts, text = option.get_help_record(click.Context(command, info_name=path))
    assert not re.search(r"default: [^;\]]*\d\.0\b", text), f"recfin {path} --timeout: {text}"


def test_chaincode_deploy_shows_60_and_its_command_gets_the_seconds_as_a_number():
    text = " ".join(CliRunner().invoke(main, ["chaincode", "deploy", "--help"]).output.split())
    assert "--timeout SECONDS Seconds to wait for each server. [default: 60; 0<x<=86400]" in text
    deploy = main.commands["chaincode"].commands["deploy"]
    ctx = click.Context(deploy)
    assert timeout_of(deploy).type_cast_value(ctx, timeout_of(deploy).get_default(ctx)) == 60.0
