"""`recfin finance get` of an offer whose private terms this peer does not hold yet (GetOfferTerms answers not-found:
the peer missed their dissemination and has not reconciled) says so in the output itself, under the offers, where the
expiry is missing from the offer's row: a person reading the table, or a script piping stdout, would otherwise take
the blank expiry for one they may not read, or for none. With --json the document says it (terms_on_this_peer false)
and the line goes to stderr, beside the JSON, as the CLI's other warnings beside --json do.

Over the recording Contract double, as the other ``finance get`` tests."""

from __future__ import annotations

import json

from client.gateway.errors import ErrorDetail, EvaluateError

from ..receivables_client import fakes, test_cli
from ..receivables_client.test_cli import invoke

ledger = test_cli.ledger  # the recording double behind the CLI's sessions, a fixture

NOT_HELD = "chaincode response 500, RULE not-found: terms of O-1 not found"


def _financing_whose_offer_terms_this_peer_lacks(ledger) -> None:
    ledger.responses["GetFinancing"] = {**fakes.financing(status="REQUESTED"),
                                        "offers": [fakes.offer(id="O-1", expires_on=None)]}
    ledger.errors["GetOfferTerms"] = EvaluateError("evaluate call to endorser returned error: " + NOT_HELD,
                                                   transaction_id="q",
                                                   details=[ErrorDetail("peer0", "SupplierMSP", NOT_HELD)])


def test_the_table_says_under_the_offers_that_their_terms_are_not_on_this_peer(ledger):
    _financing_whose_offer_terms_this_peer_lacks(ledger)
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1")
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    offer_row = next(i for i, line in enumerate(lines) if line.startswith("O-1 "))
    said = [line for line in lines[offer_row + 1:] if "O-1" in line]
    assert said and said[0].startswith("note: offer O-1's expiry is in its private terms, which this peer does not "
                                       "hold yet"), shown.stdout
    assert "`recfin finance terms O-1`" in said[0]
    assert "O-1" not in shown.stderr   # said once, where the table is


def test_with_json_the_document_says_it_and_the_note_is_on_stderr(ledger):
    _financing_whose_offer_terms_this_peer_lacks(ledger)
    shown = invoke("finance", "get", "F-1", "--as", "supplier/supplier1", "--json")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["offers"][0]["terms_on_this_peer"] is False
    assert "note: offer O-1's expiry is in its private terms, which this peer does not hold yet" in shown.stderr
