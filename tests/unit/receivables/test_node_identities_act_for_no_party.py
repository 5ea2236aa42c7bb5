"""A node's identity (a certificate carrying the NodeOU ``peer`` or ``orderer``) acts for no party.

Its key sits on a peer or orderer host, in its operators' hands, not an enterprise's; this network's channel admits
only an org's admins and clients as Writers, so such an identity could never submit what its party must do. Bound to
a party it would be counted as one left to act for it, and an admin could unbind the party's last real user. So the
contract binds none (``identity-of-a-node``), and refuses one as a caller even where a binding names it (one an
earlier contract version wrote): the binding and the record are not enough, the certificate decides.
"""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import keys
from chaincode.receivables.identity import NODE_OUS as NODE_OUS_ROLES
from chaincode.receivables.identity import node_role_of
from chaincode.testing import make_identity

from .support import SUPPLIER, Actor, credit_code, standard_net
from .test_admin_ou import identity_with_ous

def list_as_an_earlier_version_could(net, uscc: str, client_id: str) -> None:
    """Add ``client_id`` to the supplier party ``uscc``'s record and bind it there, as a contract version that
    bound any certificate's id could: the record lists it and the binding names the party."""
    key = net._key(keys.PARTY, uscc)
    record = json.loads(net.ledger.state[key])
    record["client_ids"].append(client_id)
    net.ledger.state[key] = json.dumps(record).encode()
    net.ledger.state[net._key(keys.CLIENT, SUPPLIER, client_id)] = uscc.encode()


# an orderer's certificate carries the affiliations Fabric CA gives it as OUs too (here ``supplier``)
NODE_OUS = [["peer"], ["orderer"], ["client", "peer"], ["orderer", "supplier"], ["peer", "orderer"]]


@pytest.mark.parametrize("ous", NODE_OUS, ids=["+".join(ous) for ous in NODE_OUS])
async def test_registering_or_binding_a_node_identity_is_refused(ous):
    net = await standard_net()
    node = identity_with_ous(SUPPLIER, "peer0.supplier", ous)
    admin = net.admins[SUPPLIER]
    message = await net.refused(admin, "RegisterParty", {
        "uscc": credit_code(777), "name": "Node Co", "role": "supplier", "msp_id": SUPPLIER,
        "client_ids": [node.id]}, rule="identity-of-a-node")
    assert node.id in message and "client" in message
    await net.refused(admin, "BindPartyIdentity", net.actors["tier1"].uscc, node.id, rule="identity-of-a-node")


async def test_a_client_of_an_affiliation_named_like_a_node_role_in_other_case_is_bound():
    """NodeOU identifiers match exactly, as Fabric matches them: ``Peer`` is an affiliation, not the peer role."""
    net = await standard_net()
    clerk = identity_with_ous(SUPPLIER, "clerk", ["client", "Peer"])
    await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", net.actors["tier1"].uscc, clerk.id)


async def test_a_client_of_affiliation_orderer_is_bound_and_acts():
    """An org's MSP may leave the orderer role out (its orderers are the orderer org's): there ``OU=orderer`` is the
    affiliation Fabric CA adds to a client of affiliation ``orderer``, and Fabric takes the identity for a client.
    Where the MSP names the role, an identity with the client's OU too has two roles and Fabric admits it nowhere;
    either way it is no orderer's."""
    net = await standard_net()
    tier1 = net.actors["tier1"]
    clerk = identity_with_ous(SUPPLIER, "clerk", ["client", "orderer"])
    assert node_role_of(clerk.id) is None
    await net.ok(net.admins[SUPPLIER], "BindPartyIdentity", tier1.uscc, clerk.id)
    assert (await net.ok(Actor("clerk", SUPPLIER, clerk, tier1.uscc), "WhoAmI", evaluate=True))["uscc"] == tier1.uscc


async def test_an_admin_of_affiliation_orderer_is_an_admin():
    net = await standard_net()
    officer = Actor("officer", SUPPLIER, identity_with_ous(SUPPLIER, "officer", ["admin", "orderer"]))
    registered = await net.ok(officer, "RegisterParty", {
        "uscc": credit_code(777), "name": "Orderer Street Co", "role": "supplier", "msp_id": SUPPLIER,
        "client_ids": [identity_with_ous(SUPPLIER, "new", ["client"]).id]})
    assert registered["msp_id"] == SUPPLIER


# a node's certificate whose id reads, cut at the first ``::`` that leaves a DN on each side, as a subject carrying
# the client's OU too (``OU=orderer+OU=client::OU=x::CN=ca...`` is also the id of a subject with OUs ``orderer`` and
# ``client`` whose issuer's OU is ``x::CN=ca...``), or one without the node's OU at all
NODE_OUS_READ_AS_A_CLIENTS = [["orderer", "client::OU=x"], ["client::OU=x", "peer"]]


@pytest.mark.parametrize("ous", NODE_OUS_READ_AS_A_CLIENTS, ids=["+".join(ous) for ous in NODE_OUS_READ_AS_A_CLIENTS])
async def test_a_node_identity_whose_id_reads_as_a_clients_too_is_never_bound(ous):
    """Its certificate is refused as a caller; its id, which the certificate of a client could present too, was
    bound all the same, counted as one left to act for the party, and found acting for it (FindIdentityParty)."""
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    node = identity_with_ous(SUPPLIER, "node", ous, country_and_org=False)
    assert node_role_of(node.id) in NODE_OUS_ROLES
    await net.refused(admin, "BindPartyIdentity", tier1.uscc, node.id, rule="identity-of-a-node")
    list_as_an_earlier_version_could(net, tier1.uscc, node.id)
    await net.refused(Actor("node", SUPPLIER, node), "WhoAmI", evaluate=True, rule="identity-of-a-node")
    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, node.id, evaluate=True)
    assert (found["party"], found["bound_to"]) == (None, tier1.uscc)
    await net.refused(admin, "UnbindPartyIdentity", tier1.uscc, tier1.identity.id, rule="last-identity-of-party")


async def test_a_client_whose_id_reads_as_a_nodes_too_is_refused_as_caller_as_its_id_is_refused_binding():
    """The id of a client with the OUs ``orderer::OU=y`` and ``client`` reads first as a subject with ``OU=orderer``
    alone: it is never bound, and FindIdentityParty finds it acting for no party; one an earlier version bound
    acted for its party all the same."""
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    clerk = identity_with_ous(SUPPLIER, "clerk", ["orderer::OU=y", "client"], country_and_org=False)
    await net.refused(admin, "BindPartyIdentity", tier1.uscc, clerk.id, rule="identity-of-a-node")
    list_as_an_earlier_version_could(net, tier1.uscc, clerk.id)
    message = await net.refused(Actor("clerk", SUPPLIER, clerk), "WhoAmI", evaluate=True, rule="identity-of-a-node")
    assert "its id is also that of a certificate carrying OU=orderer" in message, message
    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, clerk.id, evaluate=True)
    assert (found["party"], found["bound_to"]) == (None, tier1.uscc)


async def test_a_node_identity_a_binding_names_is_refused_as_caller():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    node = identity_with_ous(SUPPLIER, "peer0.supplier", ["peer"])
    # as an earlier contract version could bind it: the binding and the record both name the identity
    list_as_an_earlier_version_could(net, tier1.uscc, node.id)
    message = await net.refused(Actor("node", SUPPLIER, node), "WhoAmI", evaluate=True, rule="identity-of-a-node")
    assert "OU=peer" in message
    await net.refused(Actor("node", SUPPLIER, node), "GetParty", tier1.uscc, evaluate=True,
                      rule="identity-of-a-node")


async def test_a_node_identity_listed_is_not_counted_as_one_left_to_act():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    node = identity_with_ous(SUPPLIER, "peer0.supplier", ["peer"])
    list_as_an_earlier_version_could(net, tier1.uscc, node.id)
    await net.refused(net.admins[SUPPLIER], "UnbindPartyIdentity", tier1.uscc, tier1.identity.id,
                      rule="last-identity-of-party")


def test_node_role_of_reads_the_subjects_ous_only():
    peer = identity_with_ous(SUPPLIER, "peer0", ["peer"])
    assert node_role_of(peer.id) == "peer"
    assert node_role_of(make_identity(SUPPLIER, "alice").id) is None
    assert node_role_of(make_identity(SUPPLIER, "root", ou="admin").id) is None
    # an issuer (a CA) whose DN carries OU=peer makes no node of its clients
    assert node_role_of("x509::CN=alice,OU=client,O=Org::CN=ca,OU=peer,O=Org") is None
    # an escaped value is read unescaped: OU=peer\, ltd is no node role
    assert node_role_of("x509::CN=alice,OU=peer\\, ltd,O=Org::CN=ca,O=Org") is None
    assert node_role_of("not an id") is None


async def test_a_node_identity_an_earlier_version_bound_is_found_acting_for_no_party_and_can_be_unbound():
    """FindIdentityParty decides as every transaction does: refused as a caller, the node's id acts for no party,
    its binding shown in ``bound_to`` so that the admin sees what to unbind; unbinding it deletes the binding."""
    net = await standard_net()
    tier1, admin = net.actors["tier1"], net.admins[SUPPLIER]
    node = identity_with_ous(SUPPLIER, "peer0.supplier", ["peer"])
    list_as_an_earlier_version_could(net, tier1.uscc, node.id)
    found = await net.ok(admin, "FindIdentityParty", SUPPLIER, node.id, evaluate=True)
    assert (found["party"], found["bound_to"]) == (None, tier1.uscc)
    party = await net.ok(admin, "UnbindPartyIdentity", tier1.uscc, node.id)
    assert node.id not in party["client_ids"]
    assert net._key(keys.CLIENT, SUPPLIER, node.id) not in net.ledger.state


async def test_a_node_identity_running_upgrade_ledger_is_told_who_runs_it():
    """Not to send it as a client bound to a party, which would be refused as well: an admin of the regulator's org
    runs UpgradeLedger."""
    net = await standard_net()
    node = identity_with_ous(SUPPLIER, "peer0.supplier", ["peer"])
    message = await net.refused(Actor("node", SUPPLIER, node), "UpgradeLedger", "10", "", rule="role-not-permitted")
    assert "admin of the regulator's org" in message
