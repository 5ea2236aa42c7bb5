"""`recfin finance get` whose offer's private terms cannot be read for a reason other than "not found" or "not
permitted" (the peer failed the read) shows the financing and its offers all the same, then says on stderr which
offer's terms could not be read, why, and how to read them, and exits 1: not all was shown. Before, the whole
command failed on that one read, though the financing itself was read. --json prints its document first too.

Over the recording Contract double, as test_cli.py's other ``finance get`` tests."""

from __future__ import annotations

import json

import grpc

from client.gateway.errors import EvaluateError

from . import fakes, test_cli
from .test_cli import invoke

ledger = test_cli.ledger  # the recording double behind the CLI's sessions, a fixture

PEER_DOWN = "failed to evaluate transaction: connection refused by peer0.bank"


def _financing_with_an_offer_without_expiry(ledger) -> None:
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"),
                                        "offers": [fakes.offer(id="O-1", expires_on=None)]}
    ledger.errors["GetOfferTerms"] = EvaluateError(PEER_DOWN, transaction_id="7" * 64,
                                                   code=grpc.StatusCode.UNAVAILABLE)


def test_the_financing_is_shown_and_the_unread_terms_said_with_exit_1(ledger):
    _financing_with_an_offer_without_expiry(ledger)
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1")
    assert shown.exit_code == 1, shown.output
    assert "status: REQUESTED" in shown.output
    assert any(line.startswith("O-1 ") for line in shown.output.splitlines()), shown.output
    error = shown.output.splitlines()[-1]
    assert error.startswith("Error: the financing is shown, but the private terms of 1 of its offers could not be "
                            "read"), error
    assert "offer O-1: " in error and "connection refused by peer0.bank" in error
    assert "`recfin finance terms O-1`" in error


def test_with_json_the_document_is_printed_before_the_failure(ledger):
    _financing_with_an_offer_without_expiry(ledger)
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1", "--json")
    assert shown.exit_code == 1, shown.output
    doc = json.loads(shown.stdout)
    assert doc["status"] == "REQUESTED"
    assert [o["id"] for o in doc["offers"]] == ["O-1"] and doc["offers"][0].get("expires_on") is None
    assert doc["offers"][0]["terms_on_this_peer"] is None   # the read failed: not known either way
    assert shown.stderr.splitlines()[-1].startswith("Error: the financing is shown, but the private terms")


def test_terms_read_give_the_expiry_and_exit_0(ledger):
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"),
                                        "offers": [fakes.offer(id="O-1", expires_on=None)]}
    ledger.responses["GetOfferTerms"] = fakes.terms(expires_on="2026-04-30")
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["offers"][0]["expires_on"] == "2026-04-30"
