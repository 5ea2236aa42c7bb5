"""A list or the statistics the peer answered without the records it cannot read (``unreadable``, ``newer_version``)
says so: a warning line after the table naming them, their keys in --json, and on stderr beside --all --json's list;
the SDK's documents hold both."""
from __future__ import annotations

import json

import pytest

from client.receivables._models import FinancierExposure, FinancingView, Page, Statistics

from . import fakes, test_cli_ledger_commands
from .test_cli_ledger_commands import invoke

ledger = test_cli_ledger_commands.ledger     # the recording double behind the commands, a fixture

NEWER, FORGED = "\x00recfin.receivable\x00R-newer\x00", "\x00recfin.receivable\x00R-forged\x00"
PASSED = {"unreadable": [FORGED], "newer_version": [NEWER]}


def passed_over_page(bookmark: str = "") -> dict:
    return {**fakes.page([fakes.receivable(id="R-1")], bookmark), **PASSED}


def test_a_page_says_after_its_table_what_it_passed_over_and_its_json_holds_the_keys(ledger):
    ledger.responses["ListReceivablesByStatus"] = lambda args: passed_over_page()
    res = invoke("regulator", "list", "CONFIRMED")
    assert res.exit_code == 0, res.output
    [warning] = [line for line in res.stdout.splitlines() if line.startswith("warning:")]
    assert "2 records passed over" in warning and "recfin.receivable R-newer" in warning, warning
    assert "recfin.receivable R-forged" in warning and "recfin chaincode config --committed" in warning, warning
    page = json.loads(invoke("regulator", "list", "CONFIRMED", "--json").stdout)
    assert (page["unreadable"], page["newer_version"]) == ([FORGED], [NEWER])


def test_a_whole_page_says_nothing_more(ledger):
    ledger.responses["ListReceivablesByStatus"] = lambda args: fakes.page([fakes.receivable(id="R-1")])
    res = invoke("regulator", "list", "CONFIRMED")
    assert res.exit_code == 0 and "warning" not in res.output, res.output


@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["table", "json"])
def test_every_page_of_all_adds_what_it_passed_over(ledger, as_json):
    next_page = fakes.bookmark("recfin.by-debtor", fakes.receivable()["debtor"], "R-2")
    pages = iter([passed_over_page(next_page), {**fakes.page([fakes.receivable(id="R-2")]), "unreadable": [FORGED],
                                             "newer_version": []}])
    ledger.responses["ListReceivablesByDebtor"] = lambda args: next(pages)
    res = invoke("receivable", "list", "--debtor", fakes.receivable()["debtor"], "--all", *as_json)
    assert res.exit_code == 0, res.output
    said = res.stderr if as_json else res.stdout
    [warning] = [line for line in said.splitlines() if line.startswith("warning:")]
    assert "2 records passed over" in warning, warning   # the key two pages named, once
    if as_json:
        assert [r["id"] for r in json.loads(res.stdout)] == ["R-1", "R-2"]


def test_the_statistics_say_what_they_passed_over(ledger):
    ledger.responses["GetStatistics"] = {**fakes.statistics(), "newer_version": [NEWER], "unreadable": []}
    res = invoke("regulator", "statistics")
    assert res.exit_code == 0, res.output
    [warning] = [line for line in res.stdout.splitlines() if line.startswith("warning:")]
    assert "1 record passed over, in no figure above" in warning and "R-newer" in warning, warning
    assert json.loads(invoke("regulator", "statistics", "--json").stdout)["newer_version"] == [NEWER]


def test_the_sdk_documents_hold_what_was_passed_over_and_read_a_contract_before_the_fields():
    assert Page.model_validate({**fakes.page([]), **PASSED}).passed_over == 2
    assert Statistics.model_validate(fakes.statistics()).passed_over == 0
    exposure = {"financier": "B", "debtor": "D", "exposure": {}, "financings": [], "offered": {}, "offers": [],
                "newer_version": [NEWER]}
    assert FinancierExposure.model_validate(exposure).newer_version == [NEWER]


def test_a_financing_says_after_its_offers_which_offer_the_peer_passed_over(ledger):
    """A holder choosing among a request's offers learns that one is not among those shown."""
    newer_offer = "\x00recfin.offer\x00O-newer\x00"
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"), "offers": [fakes.offer(id="O-2")],
                                        "unreadable": [], "newer_version": [newer_offer]}
    ledger.responses["GetOfferTerms"] = fakes.terms()
    res = invoke("finance", "get", "F-1", "--as", "bank/officer1")
    assert res.exit_code == 0, res.output
    [warning] = [line for line in res.stdout.splitlines() if line.startswith("warning:")]
    assert "1 record passed over, in no offer above" in warning and "recfin.offer O-newer" in warning, warning
    shown = json.loads(invoke("finance", "get", "F-1", "--as", "bank/officer1", "--json").stdout)
    assert (shown["newer_version"], [o["id"] for o in shown["offers"]]) == ([newer_offer], ["O-2"])
    # from a contract before the fields: nothing more said
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"), "offers": [fakes.offer(id="O-2")]}
    whole = invoke("finance", "get", "F-1", "--as", "bank/officer1")
    assert whole.exit_code == 0 and "warning" not in whole.output, whole.output
    assert FinancingView.model_validate(ledger.responses["GetFinancing"]).passed_over == 0
