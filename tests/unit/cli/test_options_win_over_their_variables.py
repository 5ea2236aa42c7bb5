"""An option given on the command line wins over its environment variable, which is then not read (a bad value in
it is not refused): docs/cli.md says so of each option that has one, and a command run with both shows it."""
from __future__ import annotations

import re
from pathlib import Path

import click

from cli.main import main
from tests.unit.cli.command_tree import every_command

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs" / "cli.md"


def _options_with_a_variable() -> set[tuple[str, str]]:
    return {(max(param.opts, key=len), param.envvar) for _words, command in every_command()
            for param in command.params if isinstance(param, click.Option) and param.envvar}


def test_the_page_says_which_wins_for_every_option_with_a_variable():
    page = " ".join(PAGE.read_text(encoding="utf-8").split())
    pairs = _options_with_a_variable()
    assert pairs, "no option of the tree has an environment variable: the walk found none"
    unsaid = sorted(f"`{option}` over `{variable}`" for option, variable in pairs
                    if f"`{option}` over `{variable}`" not in page)
    assert not unsaid, f"docs/cli.md does not say that these options win over their variables: {unsaid}"


def test_topology_given_wins_over_a_variable_naming_no_file(runner, tmp_path):
    command = ["network", "netns", "status", "--topology", str(ROOT / "network" / "topology.yaml")]
    alone = runner.invoke(main, command)
    both = runner.invoke(main, command, env={"RECFIN_TOPOLOGY": str(tmp_path / "not-there.yaml")})
    assert (both.exit_code, both.stdout) == (alone.exit_code, alone.stdout), both.output
    assert "RECFIN_TOPOLOGY" not in both.output, both.output
    # and without the option the variable is read, and refused naming it
    read = runner.invoke(main, command[:3], env={"RECFIN_TOPOLOGY": str(tmp_path / "not-there.yaml")})
    assert read.exit_code == 2 and re.search(r"given by RECFIN_TOPOLOGY", read.output), read.output
