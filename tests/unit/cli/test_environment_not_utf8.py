"""An option's value taken from its environment variable (RECFIN_NETNS_SUBNET, RECFIN_NETNS_PREFIX) is held to
UTF-8 as a word on the line is (docs/cli.md, "Text on the command line is UTF-8"): a value exported from a
GBK shell is a usage error naming the option and the variable, exit 2, before the command runs."""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.main import main

from .test_bad_input_everywhere import ALL, NOT_UTF8, takes_text

FROM_THE_ENVIRONMENT = [(path, cmd, param) for path, cmd in ALL for param in cmd.params
                        if takes_text(param) and isinstance(param.envvar, str)]

# --timeout (RECFIN_TIMEOUT) of every ledger command is one option: given on the line, it is tried on the first
# command that needs nothing else there, with a number of seconds for its value (it has no default)
_LEDGER_TIMEOUTS = [case for case in FROM_THE_ENVIRONMENT if case[2].envvar == "RECFIN_TIMEOUT"]
ON_THE_LINE = [case for case in FROM_THE_ENVIRONMENT if case[2].envvar != "RECFIN_TIMEOUT"] + [
    next(case for case in _LEDGER_TIMEOUTS
         if not any(isinstance(p, click.Argument) and p.required for p in case[1].params))]
VALUES = {"RECFIN_TIMEOUT": "30"}

# What a command needs on the line besides its options, so that it gets as far as its own callback.
ARGUMENTS = {("network", "netns", "cut"): ["supplier"], ("network", "netns", "restore"): ["supplier"],
             ("network", "netns", "exec"): ["supplier", "true"]}


def test_the_netns_options_are_among_those_checked():
    assert {param.envvar for _, _, param in FROM_THE_ENVIRONMENT} >= {"RECFIN_NETNS_SUBNET", "RECFIN_NETNS_PREFIX"}


@pytest.mark.parametrize("path, cmd, param", FROM_THE_ENVIRONMENT,
                         ids=[f"{' '.join(path)} {param.envvar}" for path, _, param in FROM_THE_ENVIRONMENT])
def test_a_text_option_refuses_its_environment_variable_not_utf8(path, cmd, param, monkeypatch):
    ran = []
    monkeypatch.setattr(cmd, "callback", lambda *_, **__: ran.append(True))
    result = CliRunner().invoke(main, list(path), env={param.envvar: NOT_UTF8})
    assert result.exit_code == 2, result.output
    assert (f"Error: Invalid value for '{param.opts[0]}': {param.envvar}='\\xd6\\xd0' is not UTF-8 text"
            in result.stderr), result.stderr
    assert f"export {param.envvar} again (or unset it), or give {param.opts[0]} instead" in result.stderr
    assert not ran


@pytest.mark.parametrize("path, cmd, param", ON_THE_LINE,
                         ids=[f"{' '.join(path)} {param.envvar}" for path, _, param in ON_THE_LINE])
def test_the_option_on_the_line_stands_in_for_a_variable_not_utf8(path, cmd, param, monkeypatch):
    # The command itself must not run: `network netns up` run for real as root would make namespaces and a
    # bridge on the host that nothing removes.
    ran = []
    monkeypatch.setattr(cmd, "callback", lambda *_, **given: ran.append(given))
    value = VALUES.get(param.envvar, param.default)
    result = CliRunner().invoke(main, [*path, param.opts[0], value, *ARGUMENTS.get(tuple(path), [])],
                                env={param.envvar: NOT_UTF8})
    assert "not UTF-8" not in result.output, result.output
    assert result.exit_code == 0, result.output
    assert ran and (not param.expose_value or str(ran[0][param.name]) == value)
