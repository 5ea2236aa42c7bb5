"""A pass backs a registration only where a write of its attester's ``recfin.attestation-last`` entry of the
invoice, in the peer's history, names it.

Each attestation writes that entry naming itself, in its own transaction, under its attester's org. Before, a
record was held to the entry only where the attester had one and the peer's history held its writes: two orgs
writing a new key could forge a pass on ``reference-tax`` in the name of a bank that had never attested the invoice
(no entry at all), and it registered the invoice under a network requiring a tax check nobody made; and on a peer
joined from a snapshot (the entry's writes not in its history) a pass forged in a bank's name counted as the bank's
own. Such a pass now counts against a registration (its values may contradict another attester's) but backs none,
and the refusal says what to do: have the invoice verified again, or, on a peer joined from a snapshot, endorse on
peers that hold the whole history."""

from __future__ import annotations

from chaincode.receivables.config import DEFAULT_CONFIG

from ..receivables.support import attestation_request, standard_net
from ..receivables.test_registry_and_attestation_policies import NUMBER, dated_later, forged_in_the_name_of

TAX_REQUIRED = DEFAULT_CONFIG.model_copy(update={"require_attestation": True,
                                                 "attestation_sources": ("reference-tax",)})


async def a_credit_check_by_one_bank(net):
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    net.advance(hours=2)
    credit = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0],
                                              sources=("reference-credit",)))
    return req, credit


async def a_tax_pass_forged_for_a_bank_that_never_attested_it():
    """bank's credit check of the invoice, and a pass on reference-tax in bank2's name (bank2 has attested
    nothing, so it has no entry), written as a new key by two other orgs."""
    net = await standard_net(TAX_REQUIRED)
    req, credit = await a_credit_check_by_one_bank(net)
    forged_in_the_name_of(net, credit, attester=net.actors["bank2"].uscc, sources=["reference-tax"],
                          attested=dated_later(credit, minutes=10))
    net.advance(hours=1)
    return net, req, credit


async def test_a_pass_forged_for_an_attester_without_an_entry_backs_no_registration():
    net, req, _ = await a_tax_pass_forged_for_a_bank_that_never_attested_it()
    refusal = await net.refused(net.actors["tier1"], "RegisterReceivable", req, rule="invoice-not-attested")
    assert "A-forged" in refusal and "of an attester with no recfin.attestation-last entry" in refusal, refusal
    assert "have the invoice verified again" in refusal


async def test_that_banks_own_tax_check_backs_it():
    net, req, _ = await a_tax_pass_forged_for_a_bank_that_never_attested_it()
    tier1, bank2 = net.actors["tier1"], net.actors["bank2"]
    await net.ok(bank2, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], sources=("reference-tax",)))
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"


async def test_the_forged_pass_is_listed_as_backing_no_registration():
    net, _, credit = await a_tax_pass_forged_for_a_bank_that_never_attested_it()
    answer = await net.ok(net.actors["tier1"], "GetInvoiceAttestations", credit["fingerprint"], "object",
                          evaluate=True)
    why = {a["id"]: a["not_counted_reason"] for a in answer["attestations"]}
    assert why[credit["id"]] is None
    assert "of an attester with no recfin.attestation-last entry" in why["A-forged"]
    assert "backs no registration" in why["A-forged"]


def as_a_peer_joined_from_a_snapshot(net) -> None:
    """The peer's history as that of a peer that joined the channel from a snapshot taken now: it holds no write
    made before."""
    net.ledger.history.clear()


async def test_on_a_peer_joined_from_a_snapshot_a_pass_forged_in_a_banks_name_backs_no_registration():
    net = await standard_net(TAX_REQUIRED)
    req, credit = await a_credit_check_by_one_bank(net)
    forged_in_the_name_of(net, credit, sources=["reference-tax"], attested=dated_later(credit, minutes=-30))
    as_a_peer_joined_from_a_snapshot(net)
    net.advance(hours=1)
    refusal = await net.refused(net.actors["tier1"], "RegisterReceivable", req, rule="invoice-not-attested")
    assert "A-forged" in refusal and "joined the channel from a snapshot" in refusal, refusal


async def test_on_a_peer_joined_from_a_snapshot_the_banks_own_pass_backs_a_registration_once_attested_again():
    net = await standard_net(TAX_REQUIRED)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    tax = attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], sources=("reference-tax",))
    await net.ok(bank, "AttestInvoiceVerification", tax)
    as_a_peer_joined_from_a_snapshot(net)
    net.advance(hours=1)
    # nothing this peer holds tells the bank's pass from one two other orgs wrote in its name
    refusal = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-not-attested")
    assert "have the invoice verified again" in refusal and "genesis block" in refusal, refusal
    # attested again, its write is in this peer's history
    await net.ok(bank, "AttestInvoiceVerification", tax)
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"
