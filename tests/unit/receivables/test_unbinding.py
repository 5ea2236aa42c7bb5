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
    assert found["bound_to"] == tier1.uscc
    # the regulator reads it too, and the identity may ask about itself
    assert (await net.ok(net.actors["regulator"], "FindIdentityParty", SUPPLIER, second.identity.id,
                         evaluate=True))["party"]["uscc"] == tier1.uscc
    assert (await net.ok(second, "FindIdentityParty", SUPPLIER, second.identity.id,
                         evaluate=True))["party"]["uscc"] == tier1.uscc

    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, second.identity.id)
    gone = await net.ok(admin, "FindIdentityParty", SUPPLIER, second.identity.id, evaluate=True)
    assert gone == {"msp_id": SUPPLIER, "client_id": second.identity.id, "party": None, "bound_to": None, "held_by": None}
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

    # acting for no one, and saying what the binding names all the same: binding and record disagree
    for admin, msp, client_id in ((net.admins[SUPPLIER], SUPPLIER, stray), (net.admins[BANK], BANK, mallory)):
        found = await net.ok(admin, "FindIdentityParty", msp, client_id, evaluate=True)
        assert (found["party"], found["bound_to"]) == (None, tier1.uscc)
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
        assert f"an identity of {SUPPLIER!r} acts for is for that org's admins, the identity itself and the " \
               "regulator" in message
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


# -- bindings and records that disagree: decided by the record, never taken from another party's record

async def test_a_binding_the_record_does_not_list_neither_blocks_binding_nor_registering_and_is_overwritten():
    """Two other orgs can write a binding for an identity they can predict (a new employee's subject) under the
    chaincode policy: it acts for no one, so it must not keep the identity's own org from binding it."""
    net = await standard_net()
    tier1, tier2, admin = net.actors["tier1"], net.actors["tier2"], net.admins[SUPPLIER]
    newbie, another = (client_identity(SUPPLIER, name).id for name in ("new-employee", "another-employee"))
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, newbie)] = b"junk"
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, another)] = tier2.uscc.encode()   # tier2 does not list it

    party = await net.ok(admin, "BindPartyIdentity", tier1.uscc, newbie)
    assert party["client_ids"] == [tier1.identity.id, newbie]
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, newbie)] == tier1.uscc.encode()
    assert _policy_orgs(net, keys.CLIENT, SUPPLIER, newbie) == [SUPPLIER]
    assert (await net.ok(Actor("newbie", SUPPLIER, client_identity(SUPPLIER, "new-employee")), "WhoAmI",
                         evaluate=True))["uscc"] == tier1.uscc

    registration = {"uscc": credit_code(900), "name": "Tier-3", "role": "supplier", "msp_id": SUPPLIER,
                    "client_ids": [another]}
    await net.ok(admin, "RegisterParty", registration)
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, another)] == credit_code(900).encode()
    assert _policy_orgs(net, keys.CLIENT, SUPPLIER, another) == [SUPPLIER]
    # an identity that does act for a party is still refused, by both
    message = await net.refused(admin, "BindPartyIdentity", tier2.uscc, newbie, rule="identity-already-bound")
    assert f"already acts for {tier1.uscc}" in message
    await net.refused(admin, "RegisterParty", dict(registration, uscc=credit_code(901)), rule="identity-already-bound")


async def test_an_identity_the_record_lists_is_unbound_whatever_its_binding_says_and_not_restored_later():
    """A binding written before bindings had a policy of their own, deleted or re-pointed by two other orgs: the
    record still lists the identity. Unbinding takes it off the record; only a binding naming the party goes."""
    net = await standard_net()
    tier1, tier2, admin = net.actors["tier1"], net.actors["tier2"], net.admins[SUPPLIER]
    gone, repointed = (client_identity(SUPPLIER, name).id for name in ("leaver", "mover"))
    for client_id in (gone, repointed):
        await net.ok(admin, "BindPartyIdentity", tier1.uscc, client_id)
        _drop_policy(net, keys.CLIENT, SUPPLIER, client_id)
    del net.ledger.state[net._key(keys.CLIENT, SUPPLIER, gone)]
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, repointed)] = tier2.uscc.encode()   # tier2 does not list it

    assert await net.ok(admin, "FindIdentityParty", SUPPLIER, gone, evaluate=True) == {
        "msp_id": SUPPLIER, "client_id": gone, "party": None, "bound_to": None, "held_by": None}
    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, repointed, evaluate=True)
    assert (found["party"], found["bound_to"]) == (None, tier2.uscc)

    party = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, repointed)
    assert party["client_ids"] == [tier1.identity.id, gone]
    # the binding naming tier2 is not tier1's to delete: it stays, and acts for no one
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, repointed)] == tier2.uscc.encode()
    party = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, gone)
    assert party["client_ids"] == [tier1.identity.id]
    # the next bind writes the record's bindings again: the unbound identities are not among them
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, client_identity(SUPPLIER, "someone").id)
    for client_id in (gone, repointed):
        assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, client_id, evaluate=True))["party"] is None
    assert net._key(keys.CLIENT, SUPPLIER, gone) not in net.ledger.state
    # and an identity the record does not list is still refused, its message saying why
    message = await net.refused(admin, "UnbindPartyIdentity", tier2.uscc, repointed, rule="identity-not-bound")
    assert f"its binding names {tier2.uscc}, but a binding the record does not list acts for no one" in message


async def test_binding_an_identity_the_record_lists_whose_binding_is_gone_restores_it_once():
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    del net.ledger.state[net._key(keys.CLIENT, SUPPLIER, tier1.identity.id)]

    party = await net.ok(admin, "BindPartyIdentity", tier1.uscc, tier1.identity.id)
    assert party["client_ids"] == [tier1.identity.id]                     # listed once, not twice
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc


async def test_writing_a_records_bindings_again_never_takes_an_identity_from_another_party_that_lists_it():
    """alice's binding to tier1 (no policy yet) is deleted by two other orgs; the admin then binds alice to tier2.
    tier1's record still lists alice: a later bind on tier1 would write alice's binding back to tier1."""
    net = await standard_net()
    tier1, tier2, admin = net.actors["tier1"], net.actors["tier2"], net.admins[SUPPLIER]
    alice = client_identity(SUPPLIER, "alice").id
    second = await _with_second_identity(net, "tier1")
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, alice)
    _drop_policy(net, keys.CLIENT, SUPPLIER, alice)
    del net.ledger.state[net._key(keys.CLIENT, SUPPLIER, alice)]
    await net.ok(admin, "BindPartyIdentity", tier2.uscc, alice)           # nothing shows tier1 still lists alice

    # binding on tier1 writes tier1's other bindings again, but leaves alice's to tier2
    bob = client_identity(SUPPLIER, "bob").id
    party = await net.ok(admin, "BindPartyIdentity", tier1.uscc, bob)
    assert party["client_ids"] == [tier1.identity.id, second.identity.id, alice, bob]
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, alice)] == tier2.uscc.encode()
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, bob)] == tier1.uscc.encode()
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, alice, evaluate=True))["party"]["uscc"] == tier2.uscc
    # so does unbinding another identity of tier1
    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, second.identity.id)
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, alice)] == tier2.uscc.encode()

    # taking alice off tier1's record changes only the record
    party = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, alice)
    assert alice not in party["client_ids"]
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, alice)] == tier2.uscc.encode()
    assert _policy_orgs(net, keys.CLIENT, SUPPLIER, alice) == [SUPPLIER]
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, alice, evaluate=True))["party"]["uscc"] == tier2.uscc


async def test_an_identity_acting_for_another_party_does_not_count_as_one_left_to_act():
    """tier1's record lists its own identity and alice, who acts for tier2 (see above): unbinding tier1's own
    identity would leave tier1 with nobody acting for it, so it is the last one and stays."""
    net = await standard_net()
    tier1, tier2, admin = net.actors["tier1"], net.actors["tier2"], net.admins[SUPPLIER]
    alice = client_identity(SUPPLIER, "alice").id
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, alice)
    _drop_policy(net, keys.CLIENT, SUPPLIER, alice)
    del net.ledger.state[net._key(keys.CLIENT, SUPPLIER, alice)]
    await net.ok(admin, "BindPartyIdentity", tier2.uscc, alice)

    message = await net.refused(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id,
                                rule="last-identity-of-party")
    assert f"no identity would act for {tier1.uscc} once {tier1.identity.id!r} goes (the others its record lists, " \
           f"{alice!r}, act for another party or have a binding other orgs hold): bind another first" in message
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc
    # alice may go from tier1's record, tier1's own identity staying; then a new identity lets it go too
    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, alice)
    bob = Actor("bob", SUPPLIER, client_identity(SUPPLIER, "bob"))
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, bob.identity.id)
    assert (await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id))["client_ids"] == [
        bob.identity.id]
    assert (await net.ok(bob, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, alice, evaluate=True))["party"]["uscc"] == tier2.uscc


# -- binding values that are no credit code, and binding keys other orgs hold a key-level policy on

NOT_A_CREDIT_CODE = [b"\xff\xfe", b"a\x00b", b"\xf4\x8f\xbf\xbf", b"9131000000000003xq", b" 9131000000000003XQ"]


@pytest.mark.parametrize("value", NOT_A_CREDIT_CODE)
async def test_a_binding_whose_value_is_no_credit_code_acts_for_no_one_and_fails_nothing(value):
    """Two other orgs can write a new binding key with any bytes under the chaincode policy: not UTF-8, with a
    key delimiter, or a credit code spelt otherwise. It is a stray binding, read as none."""
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    newbie = Actor("newbie", SUPPLIER, client_identity(SUPPLIER, "new-employee"))
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, newbie.identity.id)] = value

    assert await net.ok(admin, "FindIdentityParty", SUPPLIER, newbie.identity.id, evaluate=True) == {
        "msp_id": SUPPLIER, "client_id": newbie.identity.id, "party": None, "bound_to": None, "held_by": None}
    message = await net.refused(newbie, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    assert "acts for no registered party" in message
    registration = {"uscc": credit_code(900), "name": "Tier-3", "role": "supplier", "msp_id": SUPPLIER,
                    "client_ids": [newbie.identity.id]}
    before = (dict(net.ledger.state), dict(net.ledger.validation_parameters))
    await net.ok(admin, "RegisterParty", registration)
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, newbie.identity.id)] == credit_code(900).encode()
    net.ledger.state, net.ledger.validation_parameters = before           # and binding it instead does too
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, newbie.identity.id)
    assert (await net.ok(newbie, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc

    # the same value on the binding of an identity tier1's record lists (a binding of an older version, without
    # a policy): binding and unbinding on tier1 go on, and restore it from the record
    second = client_identity(SUPPLIER, "second").id
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, second)
    _drop_policy(net, keys.CLIENT, SUPPLIER, second)
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, second)] = value
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, second, evaluate=True))["bound_to"] is None
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, client_identity(SUPPLIER, "third").id)
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, second)] == tier1.uscc.encode()
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, second)] = value
    assert second not in (await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, second))["client_ids"]
    assert net.ledger.state[net._key(keys.CLIENT, SUPPLIER, second)] == value      # names no party: not tier1's
    await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id)


def _held_by(net, client_id: str, *orgs: str) -> None:
    """Two other orgs write a new binding key under the chaincode policy, with a key-level policy of their own in
    the same transaction (``orgs`` must endorse every later change of the key)."""
    kep = KeyEndorsementPolicy()
    kep.add_orgs("MEMBER", *orgs)
    net.ledger.validation_parameters[net._key(keys.CLIENT, SUPPLIER, client_id)] = kep.policy()


@pytest.mark.parametrize("orgs", [(BANK, CORE), (BANK, SUPPLIER)])
async def test_an_identity_whose_binding_key_other_orgs_hold_is_refused_binding_and_registering(orgs):
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    newbie = client_identity(SUPPLIER, "new-employee").id
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, newbie)] = b"junk"
    _held_by(net, newbie, *orgs)

    message = await net.refused(admin, "BindPartyIdentity", tier1.uscc, newbie, rule="binding-held-by-other-orgs")
    assert f"the binding key of client identity {newbie!r} carries a key-level policy this contract did not set " \
           f"(it names {', '.join(sorted(orgs))}; the contract sets {SUPPLIER}'s members alone)" in message
    assert "Issue the user a certificate with another name (recfin org user add)" in message
    registration = {"uscc": credit_code(900), "name": "Tier-3", "role": "supplier", "msp_id": SUPPLIER,
                    "client_ids": [tier1.identity.id.replace("tier1-user", "fresh"), newbie]}
    await net.refused(admin, "RegisterParty", registration, rule="binding-held-by-other-orgs")
    # even when the forgers point it at the party: the party's org could never write it again
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, newbie)] = tier1.uscc.encode()
    await net.refused(admin, "BindPartyIdentity", tier1.uscc, newbie, rule="binding-held-by-other-orgs")
    # a user with another name has a new client id, whose binding key is new
    fresh = client_identity(SUPPLIER, "new-employee-2").id
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, fresh)
    assert net.writes_not_endorsed(SUPPLIER) == []


@pytest.mark.parametrize("change", ["bind another", "unbind it", "unbind another"])
async def test_a_listed_binding_other_orgs_hold_is_left_alone_and_the_party_still_binds_and_unbinds(change):
    """A binding of an older version (no policy) that the record lists, given a policy by two other orgs: every
    write of the record's bindings would write its key, which the party's org alone can no longer do."""
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    leaver = Actor("leaver", SUPPLIER, client_identity(SUPPLIER, "leaver"))
    second = await _with_second_identity(net)
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, leaver.identity.id)
    _held_by(net, leaver.identity.id, BANK, CORE)
    leaver_key = net._key(keys.CLIENT, SUPPLIER, leaver.identity.id)
    held = (net.ledger.state[leaver_key], net.ledger.validation_parameters[leaver_key])

    if change == "bind another":
        party = await net.ok(admin, "BindPartyIdentity", tier1.uscc, client_identity(SUPPLIER, "x").id)
        assert leaver.identity.id in party["client_ids"]
    elif change == "unbind it":
        party = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, leaver.identity.id)
        assert leaver.identity.id not in party["client_ids"]
        # only the record changed: the binding, left as the other orgs hold it, acts for no one
        await net.refused(leaver, "WhoAmI", evaluate=True, rule="caller-not-a-party")
    else:
        party = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, second.identity.id)
    assert net.writes_not_endorsed(SUPPLIER) == []          # Fabric would take it with SupplierMSP's endorsement
    assert (net.ledger.state[leaver_key], net.ledger.validation_parameters[leaver_key]) == held
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc


async def test_a_binding_other_orgs_hold_does_not_count_as_one_left_to_act():
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    leaver = client_identity(SUPPLIER, "leaver").id
    await net.ok(admin, "BindPartyIdentity", tier1.uscc, leaver)
    _held_by(net, leaver, BANK, CORE)

    message = await net.refused(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id,
                                rule="last-identity-of-party")
    assert f"(the others its record lists, {leaver!r}, act for another party or have a binding other orgs hold)" \
        in message
    # the org's admin learns it before trying: the contract answers which orgs hold that binding
    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, leaver, evaluate=True)
    assert (found["party"]["uscc"], found["held_by"]) == (tier1.uscc, sorted([BANK, CORE]))
    assert (await net.ok(admin, "FindIdentityParty", SUPPLIER, tier1.identity.id, evaluate=True))["held_by"] is None


async def test_a_padded_client_id_is_trimmed_at_registration_and_one_stored_so_is_no_one_left_to_act():
    """No certificate's client id has surrounding spaces. Registered, " id" is "id" (so listing both is listing
    one twice); on a record an older contract wrote as sent, the padded entry neither counts as an identity left to
    act nor stays beyond an unbind that names it as listed."""
    net = await standard_net()
    admin = net.admins[SUPPLIER]
    user = client_identity(SUPPLIER, "padded-user")
    party = {"uscc": credit_code(900), "name": "NewCo", "role": "supplier", "msp_id": SUPPLIER}
    message = await net.refused(admin, "RegisterParty", {**party, "client_ids": [user.id, f" {user.id}"]},
                                rule="argument-invalid")
    assert "twice" in message
    registered = await net.ok(admin, "RegisterParty", {**party, "client_ids": [f" {user.id} "]})
    assert registered["client_ids"] == [user.id]

    key = net._key(keys.PARTY, party["uscc"])
    record = json.loads(net.ledger.state[key])
    net.ledger.state[key] = json.dumps({**record, "client_ids": [user.id, f" {user.id}"]}).encode()
    message = await net.refused(admin, "UnbindPartyIdentity", party["uscc"], user.id, rule="last-identity-of-party")
    assert "is no id a certificate presents (x509::<subject DN>::<issuer DN> as the contract forms it): it acts " \
        "for no one; unbind it exactly as listed" in message
    assert "act for another party" not in message
    left = await net.ok(admin, "UnbindPartyIdentity", party["uscc"], f" {user.id}")
    assert left["client_ids"] == [user.id]


@pytest.mark.parametrize("stored", ["+5", "x509::CN=tier1-user,OU=client", "x509::CN=tier1\nuser::CN=ca"])
async def test_an_id_no_certificate_presents_stored_by_an_older_contract_is_no_one_left_to_act(stored):
    """A record an older contract wrote lists text no certificate's id can be (a typo it bound as sent): the
    party's one real identity is its last, and unbinding it is refused; the stored text is taken off as listed."""
    net = await standard_net()
    admin, tier1 = net.admins[SUPPLIER], net.actors["tier1"]
    key = net._key(keys.PARTY, tier1.uscc)
    record = json.loads(net.ledger.state[key])
    net.ledger.state[key] = json.dumps({**record, "client_ids": [tier1.identity.id, stored]}).encode()
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, stored)] = tier1.uscc.encode()

    message = await net.refused(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id,
                                rule="last-identity-of-party")
    assert f"{stored!r} is no id a certificate presents" in message
    assert (await net.ok(tier1, "WhoAmI", evaluate=True))["uscc"] == tier1.uscc
    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, stored, evaluate=True)
    assert found["party"]["uscc"] == tier1.uscc          # the old binding still reads
    left = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, stored)
    assert left["client_ids"] == [tier1.identity.id]
    assert net._key(keys.CLIENT, SUPPLIER, stored) not in net.ledger.state
