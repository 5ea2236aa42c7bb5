"""`recfin finance quote` refuses an option that means nothing in the way the quote runs, before anything is read or
connected: without the ledger (--face, --due) the options of an offer, and on the ledger with --json and without
--yes (only a quote) those of the offer it will not make. Each refusal names its option; of several, the first
in the order below is said."""
from __future__ import annotations

import pytest

from cli.finance_commands import finance

from ..cli_errors import error_line, invoke

OFFLINE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2027-03-01", "--on", "2026-12-01",
           "--grade", "B"]
# on the ledger: nothing is connected before these are refused, so no network is needed
ONLY_QUOTING = ["quote", "R-0123456789abcdef.1", "--as", "bank/officer1", "--json"]

OFFLINE_REFUSALS = [
    (["--yes"], "--yes makes the offer on the ledger; with --face and --due there is no financing request to offer "
                "on, only a quote (drop --yes)"),
    (["--lock-timeout", "5"], "--lock-timeout bounds the wait for another quote's offer on the ledger; with --face "
                              "and --due nothing is offered and nothing waits (drop --lock-timeout)"),
    (["--withdraw-over-limit"], "--withdraw-over-limit withdraws an offer the quote made on the ledger; with --face "
                                "and --due nothing is offered (drop --withdraw-over-limit)"),
    (["--endorsing-org", "BankMSP"], "--endorsing-org names who endorses the offer on the ledger; with --face and "
                                     "--due nothing is offered (drop --endorsing-org)"),
    (["--exposure-outside", "0"], "--exposure-outside is added to the exposure read from the ledger; with --face and "
                                  "--due there is none: give all the bank lends against the debtor as --exposure"),
    (["--debtor", "SYN-DEBTOR-0007"], "--debtor names the debtor in --history; without the ledger there is no "
                                      "receivable to check it against: drop --debtor, or give --history FILE"),
]

ONLY_QUOTING_REFUSALS = [
    (["--lock-timeout", "0"], "--lock-timeout bounds the wait for another quote's offer; with --json and without "
                              "--yes nothing is offered and nothing waits: add --yes, or drop --lock-timeout"),
    (["--withdraw-over-limit"], "--withdraw-over-limit withdraws an offer the quote made; with --json and without "
                                "--yes nothing is offered: add --yes, or drop --withdraw-over-limit"),
    (["--endorsing-org", "BankMSP"], "--endorsing-org names who endorses the quote's offer; with --json and without "
                                     "--yes nothing is offered: add --yes, or drop --endorsing-org"),
]

EXPOSURE_ON_THE_LEDGER = ("--exposure is the whole exposure of a quote without the ledger (--face, --due); on the "
                          "ledger the bank's exposure is read from it: give what the bank lends against the debtor "
                          "outside the ledger as --exposure-outside AMOUNT, which is added to it")


@pytest.mark.parametrize("option,refusal", OFFLINE_REFUSALS, ids=[o[0] for o, _ in OFFLINE_REFUSALS])
def test_an_option_of_the_offer_is_refused_without_the_ledger(option, refusal):
    # a zero --exposure-outside is refused all the same: given is given, whatever its amount
    result = invoke(finance, *OFFLINE, *option)
    assert result.exit_code == 2 and error_line(result) == f"Error: {refusal}"


def test_of_several_options_refused_without_the_ledger_the_first_is_named():
    given = [word for option, _ in reversed(OFFLINE_REFUSALS) for word in option]
    result = invoke(finance, *OFFLINE, *given)
    assert result.exit_code == 2 and error_line(result) == f"Error: {OFFLINE_REFUSALS[0][1]}"


@pytest.mark.parametrize("option,refusal", ONLY_QUOTING_REFUSALS, ids=[o[0] for o, _ in ONLY_QUOTING_REFUSALS])
def test_an_option_of_the_offer_is_refused_where_the_quote_only_quotes(runner, option, refusal):
    # a --lock-timeout of 0 (do not wait) is refused all the same
    result = runner.invoke(finance, [*ONLY_QUOTING, *option])
    assert result.exit_code == 2 and error_line(result) == f"Error: {refusal}"


def test_the_whole_exposure_is_refused_on_the_ledger_after_the_options_of_an_offer(runner):
    alone = runner.invoke(finance, [*ONLY_QUOTING, "--yes", "--exposure", "0"])
    assert alone.exit_code == 2 and error_line(alone) == f"Error: {EXPOSURE_ON_THE_LEDGER}"
    with_an_offer_option = runner.invoke(finance, [*ONLY_QUOTING, "--exposure", "0", "--withdraw-over-limit"])
    assert error_line(with_an_offer_option) == f"Error: {ONLY_QUOTING_REFUSALS[1][1]}"
