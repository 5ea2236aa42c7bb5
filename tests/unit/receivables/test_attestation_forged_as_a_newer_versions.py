"""A record under an invoice's attestations that reads as a newer contract version's, but that no attester's own
``recfin.attestation-last`` entry names, is no attestation any version recorded: every attestation writes its
attester's entry (under the attester's org), and the chaincode-level policy lets any two orgs, neither of them the
invoice's parties, write such a record under a new key. It refused every registration of the invoice for good,
``record-newer-version``, telling the creditor to install a version that does not exist. It is passed over now,
and named among the attestations not counted where the registration is refused for another reason; a newer
version's attestation its attester's entry names still refuses (``test_attestation_of_a_newer_version``)."""

from __future__ import annotations

import json

from chaincode.receivables import keys

from .support import attestation_request, standard_net
from .test_unreadable_records import forge, requiring

NUMBER = "26442000000000000042"


def _forged_newer(net, passed: dict, attestation_id: str) -> str:
    """A failure in the bank's name under a new key, with a field this version does not know, as two orgs running
    altered chaincode can write it."""
    key = net._key(keys.ATTESTATION, passed["fingerprint"], attestation_id)
    forged = {**passed, "id": attestation_id, "outcome": "fail", "field_of_a_newer_version": 1}
    forge(net, key, json.dumps(forged).encode())
    return key


async def test_a_record_no_attesters_entry_names_does_not_hold_back_an_attested_invoice():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    passed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    _forged_newer(net, passed, "A-forged")
    r = await net.ok(tier1, "RegisterReceivable", reg)
    assert r["status"] == "REGISTERED"


async def test_with_no_pass_standing_the_refusal_names_it_among_those_not_counted():
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    # a pass on other values than the registration gives: no pass matching it stands
    other = {**reg["invoices"][0], "date": net.day(-3)}
    passed = await net.ok(bank, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=other))
    _forged_newer(net, passed, "A-forged")
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-attested-values-differ")
    assert "unreadable, no attestation this contract recorded (A-forged)" in message, message


async def test_the_attestations_name_it_unreadable_not_a_newer_versions():
    """Named newer_version, it would tell the reader to install a version that does not exist."""
    net = await standard_net(requiring())
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    passed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=reg["invoices"][0]))
    key = _forged_newer(net, passed, "A-forged")
    answer = await net.ok(bank, "GetInvoiceAttestations", passed["fingerprint"], "object", evaluate=True)
    assert ([a["id"] for a in answer["attestations"]], answer["unreadable"], answer["newer_version"]) \
        == ([passed["id"]], [key], [])
