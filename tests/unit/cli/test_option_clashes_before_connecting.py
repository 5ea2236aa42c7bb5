"""Options of a ledger command that cannot go together are a usage error (exit 2) before it connects: with the
network down (no profile, a peer not answering) the user still hears that the options clash, and a script
gets the same exit status whether or not the ledger answers. `receivable list`'s filters, `party register`'s,
`bind`'s and `unbind`'s identity, and `regulator unfreeze`'s blank --lifts."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main

HOLDER = "91310000MA1K00002C"
DEBTOR = "91310000MA1K000019"
BANK = "91110000MA1K00006B"
RECEIVABLE = "R-0123456789abcdef"
LIFTING, LIFTED = "(2026) Hu 0101 Jie 7", "(2026) Hu 0102 Bao 9"
AT_MOST_ONE_FILTER = "give at most one of --holder, --debtor, --status"
FINANCIER_TAKES_DEBTOR_ONLY = "--financier lists a bank's claims and takes --debtor only"
ONE_IDENTITY = "give exactly one of --client USER or --client-id ID"


@pytest.mark.parametrize("args, expected", [
    (("receivable", "list", "--holder", HOLDER, "--debtor", DEBTOR), AT_MOST_ONE_FILTER),
    (("receivable", "list", "--status", "confirmed", "--holder", HOLDER), AT_MOST_ONE_FILTER),
    (("receivable", "list", "--financier", BANK, "--holder", HOLDER), FINANCIER_TAKES_DEBTOR_ONLY),
    (("receivable", "list", "--financier", BANK, "--status", "FINANCED"), FINANCIER_TAKES_DEBTOR_ONLY),
    (("party", "register", "--uscc", HOLDER, "--name", "Tier-1 Parts Co.", "--role", "supplier"),
     "name at least one --client USER or --client-id ID"),
    (("party", "bind", HOLDER), ONE_IDENTITY),
    (("party", "bind", HOLDER, "--client", "supplier3", "--client-id", "x509::CN=a::CN=b"), ONE_IDENTITY),
    (("party", "unbind", HOLDER), ONE_IDENTITY),
    (("party", "unbind", HOLDER, "--client", "supplier3", "--client-id", "x509::CN=a::CN=b"), ONE_IDENTITY),
    (("regulator", "unfreeze", RECEIVABLE, "--order", LIFTING, "--lifts", " "), "--lifts is blank"),
    (("receivable", "unfreeze", RECEIVABLE, "--order", LIFTING, "--lifts", ""), "--lifts is blank"),
])
def test_options_that_clash_are_a_usage_error_before_connecting(ledger_sessions, args, expected):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert ledger_sessions == []        # not even connected


@pytest.mark.parametrize("args", [
    ("receivable", "list", "--financier", BANK, "--debtor", DEBTOR),
    ("receivable", "list", "--status", "OVERDUE"),
    ("receivable", "list"),
    ("party", "register", "--uscc", HOLDER, "--name", "Tier-1 Parts Co.", "--role", "supplier",
     "--client-id", "x509::CN=a::CN=b"),
    ("party", "bind", HOLDER, "--client", "supplier3"),
    ("party", "unbind", HOLDER, "--client-id", "x509::CN=a::CN=b"),
    ("regulator", "unfreeze", RECEIVABLE, "--order", LIFTING, "--lifts", LIFTED),
])
def test_options_that_go_together_get_as_far_as_connecting(ledger_sessions, args):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 1 and "connecting" in result.output, result.output
    assert len(ledger_sessions) == 1
