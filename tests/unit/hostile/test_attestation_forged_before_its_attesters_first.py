"""A pass in an attester's name dated BEFORE the first record its ``recfin.attestation-last`` entry named, which no
write of that entry names, backs no registration.

Each attestation writes its attester's entry naming itself, in its own transaction, under the attester's org. A
record dated after the entry's first one that no write names is left out altogether; one dated before it is counted
against a registration as before (an earlier contract version's records were written without the entry, and look
the same), but nothing its attester wrote says it is its word, so it cannot be what lets a registration through.

Before, two orgs writing a new key could date a pass on ``reference-tax`` half an hour before a bank's only
attestation of the invoice, a pass on ``reference-credit``: the invoice registered on a tax check the bank never
made, under a network that requires one."""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG

from ..receivables.support import attestation_request, standard_net
from ..receivables.test_registry_and_attestation_policies import NUMBER, dated_later, forged_in_the_name_of

TAX_REQUIRED = DEFAULT_CONFIG.model_copy(update={"require_attestation": True,
                                                 "attestation_sources": ("reference-tax",)})


async def a_credit_check_and_a_tax_pass_forged_before_it():
    net = await standard_net(TAX_REQUIRED)
    tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
    req = net.registration(tier1, core, invoice_no=NUMBER)
    inv = req["invoices"][0]
    net.advance(hours=2)
    credit = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=inv, sources=("reference-credit",)))
    forged_in_the_name_of(net, credit, sources=["reference-tax"], attested=dated_later(credit, minutes=-30))
    net.advance(hours=1)
    return net, req, credit


async def test_a_pass_forged_before_an_attesters_first_record_backs_no_registration():
    net, req, _ = await a_credit_check_and_a_tax_pass_forged_before_it()
    tier1 = net.actors["tier1"]
    refusal = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-not-attested")
    assert "A-forged" in str(refusal) and "recfin.attestation-last" in str(refusal)


async def test_the_attesters_own_tax_check_still_backs_it():
    net, req, _ = await a_credit_check_and_a_tax_pass_forged_before_it()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=req["invoices"][0], sources=("reference-tax",)))
    assert (await net.ok(tier1, "RegisterReceivable", req))["status"] == "REGISTERED"


def as_an_earlier_version_recorded_them(net) -> None:
    """Remove every attester's ``recfin.attestation-last`` entry and the invoice's ``recfin.attestations-indexed``
    mark, with their history, as a ledger an earlier contract version wrote is without them."""
    for key in [k for k in net.ledger.state if k.startswith((net._key(keys.ATTESTATION_LAST),
                                                               net._key(keys.ATTESTATIONS_INDEXED)))]:
        del net.ledger.state[key]
        net.ledger.history.pop(key, None)


async def test_a_pass_forged_between_an_earlier_versions_failure_and_its_attesters_first_clears_no_failure():
    net = await standard_net(DEFAULT_CONFIG.model_copy(update={"require_attestation": True}))
    tier1, core, bank, bank2 = (net.actors[name] for name in ("tier1", "core", "bank", "bank2"))
    req = net.registration(tier1, core, invoice_no=NUMBER)
    inv = req["invoices"][0]
    net.advance(hours=2)
    failed = await net.ok(bank, "AttestInvoiceVerification",
                          attestation_request(tier1.uscc, NUMBER, invoice=inv, outcome="fail",
                                              sources=("reference-tax",)))
    net.advance(hours=2)
    await net.ok(bank, "AttestInvoiceVerification",
                 attestation_request(tier1.uscc, NUMBER, invoice=inv, sources=("reference-registry",)))
    as_an_earlier_version_recorded_them(net)
    net.advance(hours=1)
    # the invoice's first attestation since: the bank's entry names its newest, the pass on reference-registry
    await net.ok(bank2, "AttestInvoiceVerification", attestation_request(tier1.uscc, NUMBER, invoice=inv))
    forged_in_the_name_of(net, failed, outcome="pass", attested=dated_later(failed, hours=1))
    net.advance(hours=1)
    message = await net.refused(tier1, "RegisterReceivable", req, rule="invoice-verification-failed")
    assert failed["attested"]["tx_id"] in message


async def test_a_failure_no_write_of_its_attesters_entry_names_is_told_as_such():
    """A failure dated before an attester's first record its entry named still refuses a registration (an earlier
    version's failure looks the same), but the refusal says its attester's entry names it nowhere, so the bank told
    it failed an invoice it never failed learns where to look, rather than only to verify again."""
    net, req, credit = await a_credit_check_and_a_tax_pass_forged_before_it()
    forged_in_the_name_of(net, credit, id="A-forged-failure", outcome="fail", sources=["reference-registry"],
                          attested=dated_later(credit, minutes=-20))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", req, rule="invoice-verification-failed")
    assert "named by no write of its attester's recfin.attestation-last entry" in message
    assert "A-forged-failure" in message
