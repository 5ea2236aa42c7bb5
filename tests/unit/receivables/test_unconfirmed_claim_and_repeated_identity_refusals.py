"""A claim its debtor has not confirmed is refused a transfer or financing naming the confirmation that lets
it on, and a party registration listing an identity twice names the identity and both places, where the
refusals said only "only when CONFIRMED" and "client_ids lists an identity twice"."""

from __future__ import annotations

from .support import SUPPLIER, credit_code, standard_net


async def test_an_unconfirmed_claim_names_its_debtor_confirming_it():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    registered = await net.registered(tier1, core)
    claim = registered["id"]
    for fn, args in (("TransferReceivable", (claim, tier2.uscc, "100")), ("RequestFinancing", (claim,))):
        message = await net.refused(tier1, fn, *args, rule="invalid-state")
        assert message.endswith(f"while it is REGISTERED: only when CONFIRMED; its debtor {core.uscc} "
                                "confirms it first (ConfirmReceivable), before its due date "
                                f"{registered['due_date']}"), message
    await net.ok(core, "ConfirmReceivable", claim)
    await net.ok(tier1, "RequestFinancing", claim)


async def test_an_identity_listed_twice_is_named_with_both_places():
    net = await standard_net()
    twice = "x509::CN=clerk::CN=ca"
    party = {"uscc": credit_code(900), "name": "New Supplier", "role": "supplier", "msp_id": SUPPLIER,
             "client_ids": ["x509::CN=other::CN=ca", twice, twice]}
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty", party, rule="argument-invalid")
    assert message.endswith(f"client_ids lists '{twice}' twice, as client_ids[1] and client_ids[2]: "
                            "list each identity once"), message
    await net.ok(net.admins[SUPPLIER], "RegisterParty", dict(party, client_ids=party["client_ids"][:2]))
