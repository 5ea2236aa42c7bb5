"""`recfin finance compare` run by a party that may not read every offer on the claim (the debtor, a bank that is
not the one offering, on the ledger) is refused by the contract's read rule; the line says so, and whom to run it as:
the claim's holder, who is offered the cash, or the regulator. Before, it named the refused read alone (GetOfferTerms,
"the terms of O-... are for the holder, the bank and the regulator only"), which a second bank reads as its own."""
from __future__ import annotations

from click.testing import CliRunner

from cli.finance_commands import finance

from ..cli_errors import error_line
from .test_finance_ledger import CONFIG


def compare(world, as_: str):
    return CliRunner().invoke(finance, ["compare", world.receivable, "--as", as_])


def test_a_party_refused_an_offers_terms_is_told_to_compare_as_the_holder(world):
    offered = CliRunner().invoke(finance, ["quote", world.receivable, "--as", "bank", "--config", CONFIG, "--yes"])
    assert offered.exit_code == 0, offered.output
    for party in ("core", "bank2"):
        refused = compare(world, party)
        assert refused.exit_code == 1, refused.output
        line = error_line(refused)
        assert "RULE not-permitted-to-read" in line, line   # the contract's refusal, kept
        assert line.endswith("; `recfin finance compare` reads every offer on the claim, the banks' private terms "
                             "included, which only the claim's holder and the regulator may read: run it --as the "
                             "holder's org (and user), or --as regulator"), line


def test_the_holder_compares_as_before(world):
    assert compare(world, "tier1").exit_code == 0
