"""A pass, then the invoice red-flushed and a new verification failing: the newest word about the invoice counts.

An invoice a bank verified and attested as passing is later cancelled by a red-letter invoice (红冲), and a new
verification against the tax source fails. However recent the pass (well within max_attestation_age_days), a
registration on the invoice is refused from then on, whoever recorded the failure: the pass's own attester,
another party of its org, or another org's. A failure recorded once the claim exists undoes nothing, but its
event names the claim the invoice backs, so the claim's holder and its banks following the events see it.
"""

from __future__ import annotations

import json

import pytest

from .support import BANK, BANK2, TWO_BANK_ORGS, Net, attestation_request, credit_code

NUMBER = "26442000000000000042"
TAX, REGISTRY = "reference-tax", "reference-registry"


async def _net() -> Net:
    """Core, tier1, two financier parties of BankMSP (bank, bank-desk) and one of Bank2MSP (other-bank)."""
    net = Net(TWO_BANK_ORGS)
    await net.party("core", "CoreEnterpriseMSP", "core_enterprise", "Core Manufacturing")
    await net.party("tier1", "SupplierMSP", "supplier", "Tier-1 Parts")
    await net.party("bank", BANK, "financier", "First Bank")
    await net.party("bank-desk", BANK, "financier", "First Bank Trade Desk")
    await net.party("other-bank", BANK2, "financier", "Other Bank")
    return net


def _verified(net: Net, registration: dict, *, outcome: str = "pass", sources=(TAX, REGISTRY)) -> dict:
    invoice = registration["invoices"][0]
    return attestation_request(net.actors["tier1"].uscc, invoice["number"], invoice=invoice, outcome=outcome,
                               sources=sources)


@pytest.mark.parametrize("who_fails", ["bank", "bank-desk", "other-bank"],
                         ids=["the same attester", "another attester of its org", "another org's attester"])
async def test_a_failure_after_a_recent_pass_refuses_the_registration(who_fails):
    net = await _net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    net.advance(days=2)   # the invoice is red-flushed; verified again, the tax source says it is cancelled
    failed = await net.ok(net.actors[who_fails], "AttestInvoiceVerification",
                          _verified(net, reg, outcome="fail", sources=(TAX,)))
    net.advance(hours=1)  # the pass is a day and a bit old, far inside the 30 days it may back a registration
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    assert f"failing verification against {TAX} by {net.actors[who_fails].uscc} in transaction " \
           f"{failed['attested']['tx_id']}" in message


async def test_a_party_of_the_same_org_passing_later_clears_nothing_of_its_colleagues_failure():
    # each party of a bank's org attests in its own name (parties sharing an org's peer are enterprises of their
    # own): one's later pass is not the other's word, and the failure stands until its own attester passes again
    net = await _net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(net.actors["bank-desk"], "AttestInvoiceVerification", _verified(net, reg, outcome="fail"))
    net.advance(hours=1)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    message = await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")
    assert net.actors["bank-desk"].uscc in message
    net.advance(hours=1)
    await net.ok(net.actors["bank-desk"], "AttestInvoiceVerification", _verified(net, reg))
    await net.ok(tier1, "RegisterReceivable", reg)


async def test_a_pass_and_a_failure_of_two_attesters_stamped_at_one_time_refuse_the_registration_in_either_order():
    for passing, failing in (("bank", "other-bank"), ("other-bank", "bank")):
        net = await _net()
        tier1, core = net.actors["tier1"], net.actors["core"]
        reg = net.registration(tier1, core, invoice_no=NUMBER)
        first = await net.ok(net.actors[passing], "AttestInvoiceVerification", _verified(net, reg))
        second = await net.ok(net.actors[failing], "AttestInvoiceVerification", _verified(net, reg, outcome="fail"))
        assert first["attested"]["at"] == second["attested"]["at"]   # one time: no order between them to lean on
        await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")


async def test_one_attesters_pass_and_failure_at_one_time_are_not_both_recorded():
    net = await _net()
    reg = net.registration(net.actors["tier1"], net.actors["core"], invoice_no=NUMBER)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    await net.refused(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg, outcome="fail"),
                      rule="attestation-out-of-order")
    net.advance(seconds=1)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg, outcome="fail"))
    await net.refused(net.actors["tier1"], "RegisterReceivable", reg, rule="invoice-verification-failed")


def _event(result) -> dict:
    name, payload = result.event
    assert name == "InvoiceVerificationAttested"
    return json.loads(payload)


@pytest.mark.parametrize("who_fails", ["bank", "other-bank"])
async def test_a_failure_recorded_after_the_registration_names_the_claim_and_undoes_nothing(who_fails):
    net = await _net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    before = await net.call(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    assert _event(before)["receivable_id"] is None   # no claim yet
    claim = await net.ok(tier1, "RegisterReceivable", reg)
    await net.ok(core, "ConfirmReceivable", claim["id"])
    net.advance(days=5)
    failed = await net.call(net.actors[who_fails], "AttestInvoiceVerification",
                            _verified(net, reg, outcome="fail", sources=(TAX,)))
    assert failed.status == 200, failed.message
    event = _event(failed)
    assert (event["receivable_id"], event["outcome"], event["fingerprint"]) == \
        (claim["id"], "fail", claim["invoices"][0]["fingerprint"])
    # nothing is undone: the claim stands as confirmed, and the failure is listed to its holder
    assert (await net.ok(tier1, "GetReceivable", claim["id"], evaluate=True))["status"] == "CONFIRMED"
    listed = await net.ok(tier1, "GetInvoiceAttestations", event["fingerprint"], evaluate=True)
    assert [a["outcome"] for a in listed] == ["pass", "fail"]


async def test_a_failure_of_the_invoice_under_its_other_spelling_names_the_claim_too():
    net = await _net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    # a 20-digit number that reads as a 12-digit code and an 8-digit number too: the registry holds its claim
    # under the spelling registered, and a bank may verify it under the other
    code, number = "261010012345", "12345678"
    reg = net.registration(tier1, core, invoice_no=code + number)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    claim = await net.ok(tier1, "RegisterReceivable", reg)
    net.advance(days=1)
    as_coded = {**reg["invoices"][0], "number": number, "code": code}
    failed = await net.call(net.actors["other-bank"], "AttestInvoiceVerification",
                            attestation_request(tier1.uscc, number, code=code, outcome="fail", invoice=as_coded))
    assert failed.status == 200, failed.message
    assert _event(failed)["receivable_id"] == claim["id"]


async def test_an_attestation_of_an_invoice_backing_no_claim_names_none():
    net = await _net()
    other = attestation_request(credit_code(77), NUMBER, outcome="fail")
    assert _event(await net.call(net.actors["bank"], "AttestInvoiceVerification", other))["receivable_id"] is None


async def test_a_failure_and_a_registration_endorsed_at_once_never_leave_the_claim_unnamed():
    # the attestation reads the invoice's registry entry, which the registration writes; the registration reads the
    # invoice's attestations, a range the attestation writes into: whichever commits first, the other fails
    # validation, and sent again, the registration is refused or the failure's event names the claim
    for first in ("registration", "failure"):
        net = await _net()
        tier1, core, bank = net.actors["tier1"], net.actors["core"], net.actors["bank"]
        reg = net.registration(tier1, core, invoice_no=NUMBER)
        await net.ok(bank, "AttestInvoiceVerification", _verified(net, reg))
        net.advance(days=1)
        failure = _verified(net, reg, outcome="fail", sources=(TAX,))
        endorsed = {"registration": await net.endorsed(tier1, "RegisterReceivable", reg),
                    "failure": await net.endorsed(net.actors["other-bank"], "AttestInvoiceVerification", failure)}
        second = "failure" if first == "registration" else "registration"
        assert net.ledger.commit(endorsed[first]) == "VALID"
        # the attestation read the entry as absent; the registration read the range the failure wrote into
        assert net.ledger.commit(endorsed[second]) == {"failure": "MVCC_READ_CONFLICT",
                                                       "registration": "PHANTOM_READ_CONFLICT"}[second]
        net.advance(seconds=1)   # sent again
        if second == "failure":
            claim = json.loads(endorsed["registration"].result.payload)
            sent_again = await net.call(net.actors["other-bank"], "AttestInvoiceVerification", failure)
            assert _event(sent_again)["receivable_id"] == claim["id"]
        else:
            await net.refused(tier1, "RegisterReceivable", reg, rule="invoice-verification-failed")


async def test_a_registry_entry_no_registration_wrote_names_no_claim_and_stops_no_attestation():
    from chaincode.receivables import keys

    net = await _net()
    request = attestation_request(net.actors["tier1"].uscc, NUMBER, outcome="fail")
    net.ledger.state[net._key(keys.FINGERPRINT, request["fingerprint"])] = b"not a registry entry"
    failed = await net.call(net.actors["bank"], "AttestInvoiceVerification", request)
    assert failed.status == 200, failed.message
    assert _event(failed)["receivable_id"] is None


async def test_the_claim_an_attestation_names_is_what_find_invoice_tells_its_attester_already():
    # another org's bank, no party to the claim and refused its record, learns nothing from the event that its own
    # FindInvoice of the invoice does not tell it: the event is no way around GetReceivable's rules
    net = await _net()
    tier1, core, other_bank = net.actors["tier1"], net.actors["core"], net.actors["other-bank"]
    reg = net.registration(tier1, core, invoice_no=NUMBER)
    await net.ok(net.actors["bank"], "AttestInvoiceVerification", _verified(net, reg))
    claim = await net.ok(tier1, "RegisterReceivable", reg)
    net.advance(days=1)
    event = _event(await net.call(other_bank, "AttestInvoiceVerification",
                                  _verified(net, reg, outcome="fail", sources=(TAX,))))
    found = await net.ok(other_bank, "FindInvoice", event["fingerprint"], evaluate=True)
    assert (event["receivable_id"], found["receivable_id"]) == (claim["id"], claim["id"])
    await net.refused(other_bank, "GetReceivable", claim["id"], evaluate=True, rule="not-permitted-to-read")
