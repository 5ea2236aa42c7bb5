"""An offer's --expires is a business date: the last day it can be accepted, that day included, on the ledger's
calendar (China Standard Time), which is a day ahead of UTC from 16:00 UTC on. Its --help says so, as --on's
does, so an operator whose own day is another gives the day the contract counts."""
import pytest
from click.testing import CliRunner

from cli.main import main


@pytest.mark.parametrize("command", [["finance", "offer"], ["discount", "publish"]])
def test_expires_help_says_the_day_is_included_and_in_china_standard_time(command):
    output = CliRunner().invoke(main, [*command, "--help"], terminal_width=400).output
    expires = next(line for line in output.splitlines() if line.strip().startswith("--expires YYYY-MM-DD"))
    assert "that day included" in expires
    assert "China Standard Time" in expires
