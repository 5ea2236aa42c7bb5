"""`recfin finance quote --debtor` on the ledger names the receivable's debtor, which the ledger names by credit code:
one that is no credit code (blank, mistyped, its check digit wrong, a history file's or the simulator's id) is a
usage error (exit 2) naming --debtor before anything connects, with the network down too, as `risk score DEBTOR` is.
It was found only once the claim had been read ("--debtor ... is not the debtor of R-..."), and with the network
down the bank was told to start it."""
import pytest
from click.testing import CliRunner

from cli.main import main

DEBTOR = "91310000MA1K000019"
HISTORY = "client/risk/samples/history.json"


def quote(*args: str):
    return CliRunner().invoke(main, ["finance", "quote", "R-7f3a9c0d1e2b4a5c", "--as", "bank/officer1", *args])


@pytest.mark.parametrize("debtor, said", [
    ("", "empty: give a unified social credit code"),
    ("SYN-DEBTOR-0007", "'SYN-DEBTOR-0007' is not a unified social credit code"),
    ("91310000MA1K00001X", "check digit is 'X', GB 32100-2015 gives '9'"),
])
@pytest.mark.parametrize("risk", [["--grade", "B"], ["--history", HISTORY], []], ids=["grade", "history", "ledger"])
def test_a_debtor_that_is_no_credit_code_is_refused_before_connecting(ledger_sessions, debtor, said, risk):
    res = quote("--debtor", debtor, *risk)
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--debtor': " in res.output and said in res.output
    assert ("on the ledger --debtor is the receivable's debtor, named by its credit code (a history file's "
            "other debtor is priced without the ledger, with --face and --due)") in res.output
    assert ledger_sessions == []


@pytest.mark.parametrize("risk", [["--grade", "B"], []], ids=["grade", "ledger"])
def test_a_credit_code_gets_as_far_as_connecting(ledger_sessions, risk):
    res = quote("--debtor", DEBTOR, *risk)
    assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 1


def test_without_the_ledger_debtor_names_the_debtor_in_the_history_file(ledger_sessions):
    res = quote("--face", "1,000,000", "--due", "2026-03-31", "--on", "2025-12-30", "--history", HISTORY,
                "--debtor", "SYN-DEBTOR-0007", "--json")
    assert res.exit_code in (0, 1), res.output
    assert ledger_sessions == []
