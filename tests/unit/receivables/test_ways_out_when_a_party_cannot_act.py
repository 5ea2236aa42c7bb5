"""A claim is not taken into a state no party can end when an org loses its role: a discount offer of a debtor
whose org lost its role is taken by no holder (the debtor could neither pay nor withdraw it), nor is a bank's
offer on such a debtor's claim accepted (the debtor could never pay the bank); and an offer of a bank that lost
its role tells the holder what it can do instead; a payment held back by an accepted financing whose holder
and bank both lost their roles names the chaincode definition it waits on, not a cancellation neither may
send."""

from __future__ import annotations

from chaincode.receivables.config import DEFAULT_CONFIG

from .support import standard_net


def _without(msp: str):
    """The configuration after a new chaincode definition took every role from ``msp``."""
    return DEFAULT_CONFIG.model_copy(update={"org_roles": {
        org: roles for org, roles in DEFAULT_CONFIG.org_roles.items() if org != msp}})


REPAIR = "until a new chaincode definition gives the org that role again"


async def test_a_discount_offer_of_a_debtor_whose_org_lost_its_role_is_taken_by_no_holder():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    d = await net.ok(core, "PublishDiscountOffer", {"apr": "0.05", "expires_on": net.day(30)})
    net.contract.config = _without("CoreEnterpriseMSP")
    # the debtor can no longer withdraw it ...
    await net.refused(core, "WithdrawDiscountOffer", d["id"], rule="role-not-allowed-for-org")
    # ... so no holder settles a claim on its word
    message = await net.refused(tier1, "AcceptDiscountOffer", d["id"], r["id"],
                                rule="role-not-allowed-for-org")
    assert core.uscc in message and REPAIR in message
    assert f"its offer {d['id']} is taken by no holder until then" in message
    assert net.doc(r["id"])["status"] == "CONFIRMED"
    # the role given back, the offer binds again
    net.contract.config = DEFAULT_CONFIG
    assert (await net.ok(tier1, "AcceptDiscountOffer", d["id"], r["id"]))["status"] == "SETTLED"


async def test_an_offer_on_a_claim_whose_debtor_lost_its_role_is_not_accepted():
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f, o = await net.offered(tier1, r["id"])
    net.contract.config = _without("CoreEnterpriseMSP")
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="role-not-allowed-for-org")
    assert core.uscc in message and REPAIR in message
    assert "its debtor could not pay the bank" in message and "WithdrawFinancing" in message
    # the way the refusal names is open
    assert (await net.ok(tier1, "WithdrawFinancing", f["id"]))["status"] == "WITHDRAWN"


async def test_an_offer_of_a_bank_that_lost_its_role_names_the_holders_way_on():
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f, o = await net.offered(tier1, r["id"])
    net.contract.config = _without("BankMSP")
    message = await net.refused(tier1, "AcceptFinancingOffer", o["id"], rule="role-not-allowed-for-org")
    assert bank.uscc in message and REPAIR in message
    assert ("accept another bank's open offer on the request, or withdraw the request (WithdrawFinancing)"
            in message)


async def test_a_payment_held_by_an_accepted_financing_neither_party_may_cancel_names_the_definition():
    # it sent the debtor to wait for a cancellation (CancelFinancing) that both the holder and the bank are
    # refused, each acting in no role
    net = await standard_net()
    core, tier1, bank = net.actors["core"], net.actors["tier1"], net.actors["bank"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=60)
    f = await net.financed(tier1, r["id"], disburse=False)
    net.contract.config = DEFAULT_CONFIG.model_copy(update={"org_roles": {
        org: roles for org, roles in DEFAULT_CONFIG.org_roles.items()
        if org not in ("SupplierMSP", "BankMSP")}})
    for party in (tier1, bank):
        await net.refused(party, "CancelFinancing", f["id"], "x", rule="role-not-allowed-for-org")
    message = await net.refused(core, "RecordPayment", r["id"], "100000", rule="financing-in-progress")
    assert (f"neither its holder {tier1.uscc} nor {bank.uscc} may cancel it now" in message
            and "waits on a new chaincode definition giving one of them its role again" in message), message
    assert "pay the bank once it disburses it" in message, message
    assert message.endswith(f"or pay from its due date {r['due_date']} on, when the bank can no longer disburse it "
                            "and the payment ends it"), message
    # one of them acting again, the refusal names the cancellation as before
    net.contract.config = _without("SupplierMSP")
    message = await net.refused(core, "RecordPayment", r["id"], "100000", rule="financing-in-progress")
    assert "once the holder or the bank cancels it (CancelFinancing)" in message, message
    # from the due date on the bank could not disburse even with its role back: the payment ends the financing,
    # which neither party may cancel
    net.contract.config = DEFAULT_CONFIG.model_copy(update={"org_roles": {
        org: roles for org, roles in DEFAULT_CONFIG.org_roles.items()
        if org not in ("SupplierMSP", "BankMSP")}})
    net.advance(days=60)
    paid = await net.ok(core, "RecordPayment", r["id"], "100000")
    assert (paid["status"], paid["financier"]) == ("SETTLED", None)
