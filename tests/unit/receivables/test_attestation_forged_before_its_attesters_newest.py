"""A record in an attester's name dated BEFORE its newest attestation, but written by none of its attestations, is
not its word. Each attestation writes its attester's ``recfin.attestation-last`` entry naming itself, in its own
transaction, under the attester's org, and the peer's history of that entry keeps every such write: a record dated
from the attester's first attestation of the invoice on that no write names was written as a new key by two other
orgs. It is left out of GetInvoiceAttestations (named in ``unreadable``) and counts for no registration.

Before, only a record dated after the newest was left out: a bank's failure on reference-tax, then its pass on
reference-credit alone, was outdone by a pass on reference-tax forged between the two, listed as the bank's and
counted, so the invoice registered on a failure its bank never withdrew."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG

from .support import attestation_request, standard_net
from .test_registry_and_attestation_policies import NUMBER, dated_later, forged_in_the_name_of


async def a_failure_then_a_pass_on_another_source_and_a_pass_forged_between():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    inv = req["invoices"][0]
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=inv, outcome="fail",
                                              sources=("reference-tax",)))
    net.advance(hours=1)
    passed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=inv, sources=("reference-credit",)))
    forged_in_the_name_of(net, failed, outcome="pass", attested=dated_later(failed, minutes=30))
    net.advance(hours=1)
    return net, req, failed, passed


async def test_a_pass_forged_between_an_attesters_records_is_not_listed_as_its_word():
    net, _, failed, passed = await a_failure_then_a_pass_on_another_source_and_a_pass_forged_between()
    fp = failed["fingerprint"]
    for reader in ("regulator", "bank", "tier1"):
        answer = await net.ok(net.actors[reader], "GetInvoiceAttestations", fp, "object", evaluate=True)
        assert [a["id"] for a in answer["attestations"]] == [failed["id"], passed["id"]], reader
        assert answer["unreadable"] == [net._key(keys.ATTESTATION, fp, "A-forged")], reader


async def test_a_pass_forged_between_an_attesters_records_does_not_outdo_its_failure():
    net, req, _, _ = await a_failure_then_a_pass_on_another_source_and_a_pass_forged_between()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    # the bank's own pass on that source counts, as ever
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], sources=("reference-tax",)))
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"
