"""Every `recfin` command's --help shows an example (every group's too, `recfin` itself included), and every
command that prints data offers --json.

Walks the real command tree of ``cli.main.main`` (plus the ``regulator`` and ``events``
groups, in case they are not registered there yet).
"""
from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from cli.event_commands import events
from cli.main import main
from cli.regulator_commands import regulator

from .command_tree import command_groups, every_command

# Commands that print no data a machine would parse: a node's log, the compose file, another program's output.
# docs/sdk-receivables.md names them as the commands without --json.
NO_DATA = {("network", "logs"), ("network", "compose"), ("network", "netns", "exec")}


def tree() -> click.Group:
    commands = dict(main.commands)
    commands.setdefault("regulator", regulator)
    commands.setdefault("events", events)
    return click.Group("recfin", commands=commands)


ALL = [(path, cmd) for path, cmd in every_command(tree()) if not isinstance(cmd, click.Group)]
GROUPS = command_groups()
DATA_COMMANDS = [(path, cmd) for path, cmd in ALL if path not in NO_DATA]


def help_of(path: tuple[str, ...]) -> str:
    result = CliRunner().invoke(tree(), [*path, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("path, cmd", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_help_has_an_example(path, cmd):
    text = help_of(path)
    # An alias (`receivable freeze`) shows its one implementation's example (`recfin regulator freeze`).
    example = text.split("Example:", 1)[1] if "Example:" in text else ""
    has_example = f"recfin {' '.join(path)}" in example or ("recfin " in example and f" {cmd.name} " in example)
    assert has_example, f"recfin {' '.join(path)} --help shows no 'Example:' running it"


@pytest.mark.parametrize("path, group", GROUPS, ids=[" ".join(("recfin",) + p) for p, _ in GROUPS])
def test_group_help_ends_with_an_example_of_its_commands(path, group):
    """A group's --help ends (before its options and command list) with an Example running one of its commands."""
    text = CliRunner().invoke(main, [*path, "--help"], terminal_width=200).output
    description = text.split("\nOptions:", 1)[0]
    assert "\n  Example:\n" in description, f"recfin {' '.join(path)} --help shows no 'Example:'"
    example = [line for line in description.split("\n  Example:\n", 1)[1].splitlines() if line.strip()]
    # example lines are indented under "Example:"; prose after them would be back at the margin of the text
    assert all(line.startswith("    ") for line in example), f"recfin {' '.join(path)}: text after its example"
    runs = [line.strip() for line in example if line.strip().startswith("recfin ") or " recfin " in line]
    prefix = " ".join(("recfin",) + path) + " "
    assert any(prefix in line for line in runs), f"no example line runs a command of {prefix.strip()}"


def test_every_option_says_what_it_is_for():
    """Every option a command's --help shows has a help text: a bare "--expires DATE" or "--reason TEXT" leaves the
    operator to guess what it does (which day, kept where). Arguments are said in the command's description."""
    bare = [f"recfin {' '.join(path)} {param.opts[0]}" for path, cmd in ALL + GROUPS for param in cmd.params
            if isinstance(param, click.Option) and not param.hidden and not (param.help or "").strip()
            and param.opts[0] != "--help"]
    assert bare == []


def test_every_group_is_walked():
    assert {p for p, _ in GROUPS} >= {(), ("receivable",), ("finance",), ("discount",), ("party",), ("regulator",),
                                      ("request",), ("chaincode",), ("network",), ("network", "netns"), ("org",),
                                      ("org", "user"), ("host",), ("invoice",), ("risk",), ("hsm",),
                                      ("transaction",)}


@pytest.mark.parametrize("path, cmd", DATA_COMMANDS, ids=[" ".join(p) for p, _ in DATA_COMMANDS])
def test_commands_that_print_data_offer_json(path, cmd):
    assert "--json" in help_of(path), f"recfin {' '.join(path)} prints data but offers no --json"


def test_the_commands_said_to_print_no_data_are_commands():
    assert NO_DATA <= {path for path, _ in ALL}


def test_the_new_groups_are_complete():
    assert set(regulator.commands) == {"freeze", "unfreeze", "statistics", "list"}
    assert isinstance(events, click.Command) and {p.name for p in events.params} >= {
        "start_block", "checkpoint_file", "limit", "as_json", "as_"}


def test_examples_use_as_not_the_old_options():
    for path, _ in ALL:
        example = help_of(path).split("Example:", 1)[1]
        assert "--org" not in example and "--user" not in example and "--yuan" not in example, path


def test_examples_act_as_users_the_topology_has_or_an_example_adds():
    """`--as ORG/USER` in an example names a user of network/topology.yaml (its admin or a client user), or one that
    an example of `recfin org user add ORG USER` issues: copied as it is, it reaches a real identity."""
    import re

    from network.topology import load
    topology = load()
    texts = {path: help_of(path) for path, _ in ALL}
    known = {(o.name, u.name) for o in topology.orgs for u in o.users} | {(o.name, o.admin) for o in topology.orgs}
    known |= {pair for text in texts.values() for pair in re.findall(r"org user add ([a-z0-9]+) ([a-z0-9]+)", text)}
    unknown = [(" ".join(path), f"{org}/{user}") for path, text in texts.items()
               for org, user in re.findall(r"--as ([a-z0-9]+)/([a-z0-9]+)", text) if (org, user) not in known]
    assert unknown == []
