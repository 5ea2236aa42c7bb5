"""A transaction's JSON argument (a party's registration, a receivable's, an attestation request, a discount
offer) is the JSON object GetMetadata publishes its shape of. The runtime parses it, so a JSON string arrives as
text: read as JSON again, a document encoded twice was taken (a shape no client is told of, and a request id
bound to other text than the object's), and any other string was refused as "not JSON", which it was. Each is
refused ``argument-invalid``, naming the JSON kind sent and that the object itself is to be sent, changing
nothing."""

from __future__ import annotations

import json

import pytest

from .support import SUPPLIER, attestation_request, client_identity, credit_code, standard_net


def _calls(net):
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    return {
        "RegisterParty": (net.admins[SUPPLIER], "party",
                          {"uscc": credit_code(90), "name": "Tier-2 Parts", "role": "supplier", "msp_id": SUPPLIER,
                           "client_ids": [client_identity(SUPPLIER, "new-user").id]}),
        "RegisterReceivable": (tier1, "receivable", net.registration(tier1, core)),
        "AttestInvoiceVerification": (bank, "attestation_request", attestation_request(tier1.uscc, "26442" + "0" * 15)),
        "PublishDiscountOffer": (core, "offer", {"apr": "0.05", "expires_on": net.day(20)}),
    }


@pytest.mark.parametrize("transaction", ["RegisterParty", "RegisterReceivable", "AttestInvoiceVerification",
                                         "PublishDiscountOffer"])
@pytest.mark.parametrize("sent, kind", [("encoded twice", "a JSON string"), ("not JSON inside", "a JSON string"),
                                        ("a number", "a JSON number"), ("an array", "a JSON array")])
async def test_a_json_argument_that_is_no_object_is_refused_naming_what_was_sent(transaction, sent, kind):
    net = await standard_net()
    caller, parameter, document = _calls(net)[transaction]
    text = {"encoded twice": json.dumps(json.dumps(document)), "not JSON inside": '"Tier-2 Parts"',
            "a number": "7", "an array": json.dumps([document])}[sent]
    message = await net.refused(caller, transaction, text, rule="argument-invalid")
    assert f"{parameter} must be a JSON object, not {kind}" in message, message
    assert "send the object itself" in message, message
