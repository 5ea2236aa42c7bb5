"""`recfin risk score --history FILE` (or --synthetic-seed) reads no ledger: --timeout, how long each ledger call
waits, means nothing there, and given on the command line it is refused (exit 2) as --as, --currency and
--data-root are; it was taken and left unused, as if heeded. RECFIN_TIMEOUT, set once for every command, is not."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.connection import TIMEOUT_VARIABLE
from cli.risk_commands import risk

SYNTHETIC = ["score", "SYN-DEBTOR-0000", "--synthetic-seed", "2", "--synthetic-debtors", "1"]


@pytest.mark.parametrize("options, named", [
    (["--timeout", "5"], "--timeout is"),
    (["--data-root", ".", "--timeout", "5"], "--data-root and --timeout are"),
])
def test_timeout_without_the_ledger_is_refused(options, named):
    result = CliRunner().invoke(risk, [*SYNTHETIC, *options])
    assert result.exit_code == 2, result.output
    assert f"{named} for reading the ledger, which --synthetic-seed replaces" in " ".join(result.output.split())


def test_the_timeout_variable_set_for_every_command_is_not_refused():
    result = CliRunner().invoke(risk, [*SYNTHETIC, "--json"], env={TIMEOUT_VARIABLE: "5"})
    assert result.exit_code == 0, result.output
