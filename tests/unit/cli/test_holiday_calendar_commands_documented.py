"""docs/cli.md names the commands that score a debtor, which take `--holiday-calendar FILE` and the environment
variable it names: they are the commands that take the option, each from that variable."""
import re

import click

from tests.unit.test_documented_python import ROOT

from .command_tree import leaf_commands

SECTION = "The working days a score counts"


def _section() -> str:
    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"\n## {SECTION}\n" in page, f"docs/cli.md has no section {SECTION!r}"
    return " ".join(page.split(f"\n## {SECTION}\n", 1)[1].split("\n## ", 1)[0].split())


def _taking_the_option() -> dict[str, click.Option]:
    """Each command (as `recfin` names it, "risk score") that takes --holiday-calendar, and the option."""
    return {name: param for name, command in leaf_commands().items() for param in command.params
            if isinstance(param, click.Option) and "--holiday-calendar" in param.opts}


def test_the_commands_said_to_score_are_those_taking_the_calendar_option_from_the_variable_named():
    said = _section()
    named = re.match(r"((?:`[a-z ]+`(?:, | and ))*`[a-z ]+`), the commands that score a debtor", said)
    assert named, "the section no longer opens with the commands that score a debtor"
    commands = set(re.findall(r"`([a-z ]+)`", named.group(1)))
    variable = re.search(r"the environment variable `([A-Z_]+)`", said).group(1)
    taking = _taking_the_option()
    assert set(taking) == commands
    assert {option.envvar for option in taking.values()} == {variable}
