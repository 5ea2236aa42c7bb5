"""`identity-already-bound` says what the org's admin does next: unbind the identity from the party it acts
for first, or issue the person a new certificate under a new user name, and bind (or register with) that
one."""

from __future__ import annotations

from .support import SUPPLIER, credit_code, standard_net


async def test_binding_an_identity_of_another_party_names_the_unbind_and_the_new_certificate():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    message = await net.refused(net.admins[SUPPLIER], "BindPartyIdentity", tier2.uscc, tier1.identity.id,
                                rule="identity-already-bound")
    assert f"already acts for {tier1.uscc}: one identity acts for one party" in message
    assert (f"unbinds it from {tier1.uscc} first (UnbindPartyIdentity with this id: `recfin party unbind "
            f"{tier1.uscc} --client-id ID`) and then binds it to {tier2.uscc}") in message
    assert ("issues the person a new certificate under a new user name (`recfin org user add ORG NAME`: "
            "a name is issued once) and binds that user "
            f"(`recfin party bind {tier2.uscc} --client NAME`)") in message


async def test_registering_with_an_identity_of_another_party_names_the_unbind_and_the_new_certificate():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    registration = {"uscc": credit_code(901), "name": "Tier-9", "role": "supplier", "msp_id": SUPPLIER,
                    "client_ids": [tier1.identity.id]}
    message = await net.refused(net.admins[SUPPLIER], "RegisterParty", registration,
                                rule="identity-already-bound")
    assert (f"unbinds it from {tier1.uscc} first (UnbindPartyIdentity with this id: `recfin party unbind "
            f"{tier1.uscc} --client-id ID`) and then registers {credit_code(901)} with it") in message
    assert ("(`recfin org user add ORG NAME`: a name is issued once) and registers the party with that user "
            "(`recfin party register --client NAME`)") in message
