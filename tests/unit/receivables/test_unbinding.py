"""Taking an identity away from a party (`UnbindPartyIdentity`): who may, what is refused, and what it stops.

An employee leaves or a key is lost: an admin of the party's own org removes the identity's binding, and
from then on the identity acts for no party. Every refusal names its rule and writes nothing
(``net.refused`` asserts both); the party's last identity stays until another is bound.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.shim import KeyEndorsementPolicy

from .support import BANK, CORE, REGULATOR, SUPPLIER, Actor, client_identity, credit_code, standard_net


async def _with_second_identity(net, key: str = "tier1") -> Actor:
    """A second identity acting for party ``key``, bound by its org's admin."""
    party = net.actors[key]
    second = Actor(f"{key}-second", party.msp, client_identity(party.msp, f"{key}-second-user"), party.uscc, party.role)
    await net.ok(net.admins[party.msp], "BindPartyIdentity", party.uscc, second.identity.id)
    return second


def _policy_orgs(net, *key: str) -> list[str] | None:
    raw = net.ledger.validation_parameters.get(net._key(*key))
    return None if raw is None else KeyEndorsementPolicy(raw).list_orgs()


async def test_an_unbound_identity_acts_for_the_party_no_more_and_the_others_still_do():
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    second = await _with_second_identity(net)
    claim = await net.confirmed(second, core, 1000)                   # the second identity acted for tier1

    result = await net.call(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, f" {second.identity.id} ")
    assert result.status == 200, result.message
    party = json.loads(result.payload)
    assert party["uscc"] == tier1.uscc and party["client_ids"] == [tier1.identity.id]
    name, payload = result.event
    assert name == "PartyIdentityUnbound"
    assert json.loads(payload) == {"event": "PartyIdentityUnbound", "receivable_id": None, "tx_id": result.tx_id,
                                   "party": tier1.uscc, "client_id": second.identity.id}
    assert (await net.ok(core, "GetParty", tier1.uscc, evaluate=True))["client_ids"] == [tier1.identity.id]
    assert net._key(keys.CLIENT, SUPPLIER, second.identity.id) not in net.ledger.state

    await net.refused(second, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    await net.refused(second, "GetReceivable", claim["id"], evaluate=True, rule="caller-not-a-party")
    await net.refused(second, "RegisterReceivable", net.registration(tier1, core, 1000), rule="caller-not-a-party")
    await net.refused(second, "TransferReceivable", claim["id"], tier2.uscc, "100", rule="caller-not-a-party")
    await net.refused(second, "RequestFinancing", claim["id"], rule="caller-not-a-party")
    # the party's remaining identity acts as before
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc
    await net.ok(tier1, "TransferReceivable", claim["id"], tier2.uscc, "100")

    # the binding is gone, not hidden: the org admin may bind the identity again
    await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, second.identity.id)
    assert (await net.ok(second, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc


async def test_each_unbinding_rule_refuses_and_changes_nothing():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    second = await _with_second_identity(net)
    unbind = "UnbindPartyIdentity"

    message = await net.refused(tier1, unbind, tier1.uscc, second.identity.id, rule="not-an-org-admin")
    assert "only org admins unbind identities" in message
    for other_org in (CORE, BANK, REGULATOR):                          # the regulator changes only freeze state
        await net.refused(net.admins[other_org], unbind, tier1.uscc, second.identity.id, rule="admin-of-own-org-only")
    await net.refused(net.admins[SUPPLIER], unbind, credit_code(777), second.identity.id, rule="party-not-registered")
    await net.refused(net.admins[SUPPLIER], unbind, tier1.uscc, "  ", rule="argument-invalid")
    await net.refused(net.admins[SUPPLIER], unbind, tier1.uscc, "x509::CN=a\x00b::CN=ca", rule="argument-invalid")
    never_bound = client_identity(SUPPLIER, "never-bound").id
    message = await net.refused(net.admins[SUPPLIER], unbind, tier1.uscc, never_bound, rule="identity-not-bound")
    assert never_bound in message and tier1.uscc in message
    # bound, but to another party of the same org: tier1's admin call cannot take it from tier2 through tier1
    await net.refused(net.admins[SUPPLIER], unbind, tier1.uscc, tier2.identity.id, rule="identity-not-bound")
    message = await net.refused(net.admins[SUPPLIER], unbind, tier2.uscc, tier2.identity.id,
                                rule="last-identity-of-party")
    assert "bind another first" in message

    # one of two goes; then the other is the last one and stays
    await net.ok(net.admins[SUPPLIER], unbind, tier1.uscc, tier1.identity.id)
    assert (await net.ok(second, "WhoAmI", evaluate=True))["client_ids"] == [second.identity.id]
    await net.refused(net.admins[SUPPLIER], unbind, tier1.uscc, second.identity.id, rule="last-identity-of-party")
    await net.refused(net.admins[SUPPLIER], unbind, tier1.uscc, tier1.identity.id, rule="identity-not-bound")


async def test_an_admin_may_unbind_its_own_certificate_and_stays_an_admin():
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, admin.identity.id)
    assert (await net.ok(admin, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc

    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, admin.identity.id)
    await net.refused(admin, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    second = client_identity(SUPPLIER, "tier1-second-user").id
    assert tier1.uscc == (await net.ok(admin, "BindPartyIdentity", tier1.uscc, second))["uscc"]


async def test_a_binding_needs_its_partys_org_to_endorse_its_change_and_leaves_no_policy_when_removed():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    second = await _with_second_identity(net)
    for client_id in (tier1.identity.id, second.identity.id):        # registered, and bound later
        assert _policy_orgs(net, keys.CLIENT, SUPPLIER, client_id) == [SUPPLIER]

    await net.ok(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, second.identity.id)
    assert _policy_orgs(net, keys.CLIENT, SUPPLIER, second.identity.id) is None
    assert _policy_orgs(net, keys.CLIENT, SUPPLIER, tier1.identity.id) == [SUPPLIER]
    assert _policy_orgs(net, keys.PARTY, tier1.uscc) == [SUPPLIER]


async def test_a_binding_the_party_record_does_not_list_acts_for_no_one():
    """Two other orgs can commit a new binding key under the chaincode policy alone; the party record,
    under its own org's policy, is what decides who acts for the party."""
    net = await standard_net()
    tier1, tier2, core = net.actors["tier1"], net.actors["tier2"], net.actors["core"]
    claim = await net.confirmed(tier1, core, 1000)
    mallory = Actor("mallory", BANK, client_identity(BANK, "mallory"))
    net.ledger.state[net._key(keys.CLIENT, BANK, mallory.identity.id)] = tier1.uscc.encode()     # forged
    message = await net.refused(mallory, "WhoAmI", rule="caller-not-a-party", evaluate=True)
    assert f"is bound to {tier1.uscc}, whose record does not list it" in message
    await net.refused(mallory, "TransferReceivable", claim["id"], tier2.uscc, "100", rule="caller-not-a-party")

    # the same within the party's own org: an identity bound without the record listing it
    stray = Actor("stray", SUPPLIER, client_identity(SUPPLIER, "stray"))
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, stray.identity.id)] = tier1.uscc.encode()
    await net.refused(stray, "TransferReceivable", claim["id"], tier2.uscc, "100", rule="caller-not-a-party")
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc


# -- which party an identity acts for (FindIdentityParty), and bindings older versions left without a policy

async def test_an_admin_finds_the_party_an_identity_of_its_org_acts_for_until_it_is_unbound():
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    second = await _with_second_identity(net)

    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, f" {second.identity.id} ", evaluate=True)
    assert (found["msp_id"], found["client_id"]) == (SUPPLIER, second.identity.id)
    assert found["party"]["uscc"] == tier1.uscc and second.identity.id in found["party"]["client_ids"]
    # the regulator reads it too, and the identity may ask about itself
    assert (await net.ok(net.actors["regulator"], "FindIdentityParty", SUPPLIER, second.identity.id,
                         evaluate=True))["party"]["uscc"] == tier1.uscc
    assert (await net.ok(second, "FindIdentityParty", SUPPLIER, second.identity.id,
                         evaluate=True))["party"]["uscc"] == tier1.uscc

    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, second.identity.id)
    gone = await net.ok(admin, "FindIdentityParty", SUPPLIER, second.identity.id, evaluate=True)
    assert gone == {"msp_id": SUPPLIER, "client_id": second.identity.id, "party": None}
    # an identity acting for no party may still ask about itself, and learns it acts for none
    assert (await net.ok(second, "FindIdentityParty", SUPPLIER, second.identity.id, evaluate=True))["party"] is None
    never = client_identity(SUPPLIER, "never-bound").id
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, never, evaluate=True))["party"] is None


async def test_a_binding_the_party_record_does_not_list_is_found_acting_for_no_one():
    """The query trusts what every transaction trusts: a binding alone, forged under the chaincode policy
    or left stray, names a party that the identity does not act for."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    stray = client_identity(SUPPLIER, "stray").id
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, stray)] = tier1.uscc.encode()
    mallory = client_identity(BANK, "mallory").id
    net.ledger.state[net._key(keys.CLIENT, BANK, mallory)] = tier1.uscc.encode()

    assert (await net.ok(net.admins[SUPPLIER], "FindIdentityParty", SUPPLIER, stray, evaluate=True))["party"] is None
    assert (await net.ok(net.admins[BANK], "FindIdentityParty", BANK, mallory, evaluate=True))["party"] is None
    # the record listing an identity whose binding is gone does not make it act either
    del net.ledger.state[net._key(keys.CLIENT, SUPPLIER, tier1.identity.id)]
    assert (await net.ok(net.admins[SUPPLIER], "FindIdentityParty", SUPPLIER, tier1.identity.id,
                         evaluate=True))["party"] is None


async def test_who_an_identity_acts_for_is_refused_to_other_orgs_other_parties_and_bad_arguments():
    net = await standard_net()
    tier1, tier2 = net.actors["tier1"], net.actors["tier2"]
    find = "FindIdentityParty"
    for other_org in (CORE, BANK, REGULATOR):                          # an admin is no party, the regulator's too
        message = await net.refused(net.admins[other_org], find, SUPPLIER, tier1.identity.id, evaluate=True,
                                    rule="not-permitted-to-read")
        assert f"is for {SUPPLIER}'s admins, the identity itself and the regulator" in message
    for caller in (tier2, net.actors["bank"], Actor("stranger", SUPPLIER, client_identity(SUPPLIER, "stranger"))):
        await net.refused(caller, find, SUPPLIER, tier1.identity.id, evaluate=True, rule="not-permitted-to-read")
    # an identity of one org asking about the same subject in another org's MSP is not asking about itself
    await net.refused(tier1, find, BANK, tier1.identity.id, evaluate=True, rule="not-permitted-to-read")
    admin = net.admins[SUPPLIER]
    await net.refused(admin, find, SUPPLIER, "  ", evaluate=True, rule="argument-invalid")
    await net.refused(admin, find, "", tier1.identity.id, evaluate=True, rule="argument-invalid")
    message = await net.refused(admin, find, SUPPLIER, "x509::CN=a\x00b::CN=ca", evaluate=True,
                                rule="argument-invalid")
    assert "U+0000" in message


def _drop_policy(net, *key: str) -> None:
    """As a binding written by a contract version that set no key-level policy left it."""
    del net.ledger.validation_parameters[net._key(*key)]


@pytest.mark.parametrize("change", ["BindPartyIdentity", "UnbindPartyIdentity"])
async def test_the_next_bind_or_unbind_gives_every_live_binding_its_partys_policy(change):
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    second, third = (client_identity(SUPPLIER, name).id for name in ("tier1-second", "tier1-third"))
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, second)
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, third)
    for client_id in (tier1.identity.id, second):
        _drop_policy(net, keys.CLIENT, SUPPLIER, client_id)
    # an old binding without a policy that two other orgs re-pointed: the record decides, and it is restored
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, second)] = net.actors["tier2"].uscc.encode()

    if change == "BindPartyIdentity":
        await net.ok(admin, change, tier1.uscc, client_identity(SUPPLIER, "tier1-fourth").id)
    else:
        await net.ok(admin, change, tier1.uscc, third)
    listed = (await net.ok(tier1, "WhoAmI", evaluate=True))["client_ids"]
    assert (third in listed) == (change == "BindPartyIdentity")
    for client_id in listed:
        assert _policy_orgs(net, keys.CLIENT, SUPPLIER, client_id) == [SUPPLIER], client_id
        assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, client_id)] == tier1.uscc.encode()
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, second, evaluate=True))["party"]["uscc"] == tier1.uscc
