"""`recfin finance quote --help` and `compare --help` say how the figures they show are rounded: each amount once, to
whole fen, half up (as the contract rounds the disbursement it records), and the APR once, half up, from its exact
value, to 4 places (compare: or more, where two different APRs would look alike at 4). A bank officer or a holder
checking a quote by hand otherwise cannot tell a rounding difference from a wrong figure."""
from __future__ import annotations

from click.testing import CliRunner

from cli.finance_commands import finance

from client.pricing.money import APR_PERCENT_PLACES


def help_of(command: str) -> str:
    shown = CliRunner().invoke(finance, [command, "--help"], terminal_width=200)
    assert shown.exit_code == 0, shown.output
    return " ".join(shown.output.split())


def test_quote_help_states_the_rounding():
    said = help_of("quote")
    assert "each amount is rounded once to whole fen, half up (四舍五入), as the contract rounds them" in said, said
    assert f"the APR (fees included) once, half up, from its exact value, to {APR_PERCENT_PLACES} places" in said


def test_compare_help_states_the_rounding():
    said = help_of("compare")
    assert "each amount is rounded once to whole fen, half up (四舍五入), as the contract rounds them" in said, said
    assert (f"the APR (fees included) once, half up, from its exact value, to {APR_PERCENT_PLACES} places, or more "
            "where two different APRs would look alike at 4, in the table and in each offer's why alike") in said
