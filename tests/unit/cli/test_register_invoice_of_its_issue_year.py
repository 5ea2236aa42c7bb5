"""`recfin receivable register --invoice` refuses a 20-digit number that does not open with the last two
digits of its date's year, the client's check before a registration (chaincode/receivables/fingerprint.py
``issue_year_problem``), as a usage error before it connects, naming the invoice as given and the rule."""
from __future__ import annotations

from click.testing import CliRunner

from cli.main import main

BUYER = "91310000MA1K000019"
# the 12-digit code 221010012345 of an invoice of 2026 run together with its 8-digit number 12345678
RUN_TOGETHER = "22101001234512345678"


def test_the_register_command_refuses_it_before_connecting(ledger_sessions):
    given = f"{RUN_TOGETHER},2026-03-01,100000.00,13000.00"
    result = CliRunner().invoke(main, ["receivable", "register", "--debtor", BUYER, "--face", "113,000.00",
                                       "--issue", "2026-03-02", "--due", "2026-05-31", "--invoice", given,
                                       "--contract-hash", "ab" * 32])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert (f"Invalid value for '--invoice': '{given}': invoice number {RUN_TOGETHER} does not start with 26, "
            "the last two digits of its issue year 2026") in said
    assert ledger_sessions == []
