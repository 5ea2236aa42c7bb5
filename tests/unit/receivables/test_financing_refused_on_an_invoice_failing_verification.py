"""An invoice failing verification after its claim was registered holds back the claim's financing.

Under ``require_attestation`` a claim is registered only on invoices that pass verification, and a failure
attested later (the invoice red-flushed, say) refuses every registration of the invoice from then on. The same
failure, by the same rule (an attester's newest word per source; a stakeholder's org not counted), refuses the
holder's acceptance of a bank's offer on the claim, or on any part split from it (whose invoices are its root's),
naming the invoice, the failing attester and its transaction; nothing changes. The attester's later pass clears
it. The bank's own disbursement of an offer accepted before the failure is its own decision, and is recorded; a
network without ``require_attestation`` finances as before.
"""

from __future__ import annotations

from chaincode.receivables import keys
from chaincode.receivables.config import DEFAULT_CONFIG

from .support import BANK2, CORE, REGULATOR, SUPPLIER, TWO_BANK_ORGS, Net, transient_terms
from .test_attestation_failure_after_a_pass import TAX, _verified
from .test_attestation_of_a_newer_version import as_newer_version_wrote


async def _net(config=TWO_BANK_ORGS) -> Net:
    net = Net(config)
    await net.party("core", CORE, "core_enterprise", "Core Manufacturing")
    await net.party("tier1", SUPPLIER, "supplier", "Tier-1 Parts")
    await net.party("tier2", SUPPLIER, "supplier", "Tier-2 Castings")
    await net.party("bank", "BankMSP", "financier", "First Bank")
    await net.party("regulator", REGULATOR, "regulator", "Regulator")
    if BANK2 in config.org_roles:
        await net.party("other-bank", BANK2, "financier", "Other Bank")
    return net


async def _confirmed_on_a_verified_invoice(net: Net) -> tuple[dict, dict]:
    """tier1's claim on core, registered on an invoice the bank passed, and confirmed; with its registration."""
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    claim = await net.ok(tier1, "RegisterReceivable", reg)
    return await net.ok(core, "ConfirmReceivable", claim["id"]), reg


async def test_acceptance_refused_once_the_invoice_fails_and_taken_once_its_attester_passes_it_again():
    net = await _net()
    tier1, other_bank = net.actors["tier1"], net.actors["other-bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    f, o = await net.offered(tier1, claim["id"])
    net.advance(days=2)   # the invoice is red-flushed; verified again, the tax source says it is cancelled
    failed = await net.ok(other_bank, "AttestInvoiceVerification",
                          _verified(net, reg, outcome="fail", sources=(TAX,)))
    net.advance(hours=1)
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                                rule="invoice-verification-failed")
    number = reg["invoices"][0]["number"]
    assert f"invoice {number} (fingerprint {failed['fingerprint'][:12]}…) was attested as failing verification " \
           f"against {TAX} by {other_bank.uscc} in transaction {failed['attested']['tx_id']}, and {claim['id']} " \
           "stands on it" in message, message
    assert "WithdrawFinancing" in message
    # nothing changed: the request open, the offer open, the claim confirmed
    assert (await net.ok(tier1, "GetFinancing", f["id"], evaluate=True))["status"] == "REQUESTED"
    assert (await net.ok(tier1, "GetReceivable", claim["id"], evaluate=True))["status"] == "CONFIRMED"
    # the failing attester verifies the invoice again, and it passes: the failure no longer stands
    net.advance(hours=1)
    await net.ok(other_bank, "AttestInvoiceVerification", _verified(net, reg))
    accepted = await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    assert accepted["status"] == "ACCEPTED"


async def test_a_failure_after_the_offering_banks_own_pass_refuses_acceptance():
    # the pass's own attester: its failure on the tax source replaces its pass there
    net = await _net()
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    _, o = await net.offered(tier1, claim["id"])
    net.advance(days=1)
    failed = await net.ok(bank, "AttestInvoiceVerification", _verified(net, reg, outcome="fail", sources=(TAX,)))
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                                rule="invoice-verification-failed")
    assert f"by {bank.uscc} in transaction {failed['attested']['tx_id']}" in message


async def test_a_split_part_is_held_back_by_a_failure_of_its_roots_invoice():
    net = await _net()
    tier1, tier2, other_bank = net.actors["tier1"], net.actors["tier2"], net.actors["other-bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    split = await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "4000000")
    part = split["children"][0]
    _, o = await net.offered(tier2, part)
    net.advance(days=1)
    failed = await net.ok(other_bank, "AttestInvoiceVerification",
                          _verified(net, reg, outcome="fail", sources=(TAX,)))
    message = await net.refused(tier2, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                                rule="invoice-verification-failed")
    assert f"transaction {failed['attested']['tx_id']}, and {part} stands on it" in message, message


async def test_on_a_frozen_claim_the_failure_is_named_before_the_freeze():
    # no lifting cures the failure: told the freeze first, the holder would wait for the lifting only to be refused
    net = await _net()
    tier1, other_bank = net.actors["tier1"], net.actors["other-bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    _, o = await net.offered(tier1, claim["id"])
    await net.ok(net.actors["regulator"], "FreezeReceivable", claim["id"], "order-1")
    net.advance(days=1)
    await net.ok(other_bank, "AttestInvoiceVerification", _verified(net, reg, outcome="fail", sources=(TAX,)))
    await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                      rule="invoice-verification-failed")


async def test_an_accepted_offer_is_disbursed_by_its_bank_after_a_failure():
    # the bank, now bound to the deal, may cancel it (CancelFinancing) or pay: its own decision, recorded as made
    net = await _net()
    tier1, bank, other_bank = net.actors["tier1"], net.actors["bank"], net.actors["other-bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    accepted = await net.financed(tier1, claim["id"], disburse=False)
    net.advance(days=1)
    await net.ok(other_bank, "AttestInvoiceVerification", _verified(net, reg, outcome="fail", sources=(TAX,)))
    disbursed = await net.ok(bank, "RecordDisbursement", accepted["id"], transient=transient_terms())
    assert disbursed["status"] == "DISBURSED"


async def test_without_require_attestation_a_failure_holds_back_no_acceptance():
    net = await _net(DEFAULT_CONFIG)
    tier1, bank = net.actors["tier1"], net.actors["bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    _, o = await net.offered(tier1, claim["id"])
    net.advance(days=1)
    await net.ok(bank, "AttestInvoiceVerification", _verified(net, reg, outcome="fail", sources=(TAX,)))
    accepted = await net.ok(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms())
    assert accepted["status"] == "ACCEPTED"


async def test_an_attestation_a_newer_version_wrote_refuses_acceptance_naming_the_acceptance_not_a_registration():
    # this peer cannot tell whether the record fails: the acceptance is refused, and its message speaks of the
    # acceptance on the claim, not of registering the invoice, which the holder is not doing
    net = await _net()
    tier1, other_bank = net.actors["tier1"], net.actors["other-bank"]
    claim, reg = await _confirmed_on_a_verified_invoice(net)
    _, o = await net.offered(tier1, claim["id"])
    net.advance(days=1)
    later = await net.ok(other_bank, "AttestInvoiceVerification", _verified(net, reg))
    as_newer_version_wrote(net, net._key(keys.ATTESTATION, later["fingerprint"], later["id"]))
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], transient=transient_terms(),
                                rule="record-newer-version")
    number = reg["invoices"][0]["number"]
    assert f"invoice {number} (fingerprint {later['fingerprint'][:12]}…) of {claim['id']}: no offer on " \
           f"{claim['id']} is accepted here" in message, message
    assert "registered" not in message, message
