"""An org admin's refusals on parties say what there is to do, and what is not: binding an identity to the
very party it acts for already, unbinding one from a party it does not act for, acting on another org's party,
and registering a credit code already registered."""

from __future__ import annotations

from .support import BANK, SUPPLIER, credit_code, standard_net


async def test_binding_an_identity_to_the_party_it_acts_for_says_nothing_is_to_be_done():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    message = await net.refused(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, tier1.identity.id,
                                rule="identity-already-bound")
    assert f"already acts for {tier1.uscc}: it is bound to it, and nothing is changed" in message
    # not the way on for an identity of another party: unbinding it from this very party to bind it back
    assert "unbinds it from" not in message and "UnbindPartyIdentity" not in message


async def test_unbinding_an_identity_from_a_party_it_does_not_act_for_names_the_party_it_acts_for():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    message = await net.refused(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, tier2.identity.id,
                                rule="identity-not-bound")
    assert (f"does not act for {tier1.uscc}: its record does not list it; it acts for {tier2.uscc}: "
            f"unbind it from that party (`recfin party unbind {tier2.uscc} --client-id ID`)") in message
    # an identity acting for no party keeps the general way on
    nobody = "x509::CN=nobody::CN=ca"
    message = await net.refused(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, nobody,
                                rule="identity-not-bound")
    assert message.endswith("unbind one of the identities its party record lists")


async def test_an_admin_of_another_org_is_told_whose_admin_changes_the_party():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    for fn, does in (("BindPartyIdentity", "binds"), ("UnbindPartyIdentity", "unbinds")):
        message = await net.refused(net.admins[BANK], fn, tier1.uscc, tier1.identity.id,
                                    rule="admin-of-own-org-only")
        assert f"an admin of {SUPPLIER} does ({does} its identities)" in message


async def test_registering_a_registered_credit_code_names_the_party_and_the_way_on():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    own = {"uscc": tier1.uscc, "name": "Tier-1 again", "role": "supplier", "msp_id": SUPPLIER,
           "client_ids": ["x509::CN=another::CN=ca"]}
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty", own, rule="party-already-registered")
    assert (f"credit code {tier1.uscc} is already registered, as 'Tier-1 Parts', a supplier of {SUPPLIER} "
            f"(GetParty {tier1.uscc} shows it): its admin lets more identities act for it with "
            f"BindPartyIdentity (`recfin party bind {tier1.uscc} --client NAME`)") in message
    # another org's admin: the code is an enterprise's of another org, a matter for the network's operators
    elsewhere = dict(own, role="financier", msp_id=BANK)
    message = await net.refused(net.admins[BANK], "RegisterParty", elsewhere, rule="party-already-registered")
    assert f"a supplier of {SUPPLIER}" in message
    assert f"GetPartyHistory {tier1.uscc} names the transaction that registered it" in message
    # a new code is registered as before
    await net.ok(net.admins[SUPPLIER], "RegisterParty", dict(own, uscc=credit_code(905)))
