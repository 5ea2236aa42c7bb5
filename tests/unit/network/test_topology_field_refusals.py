"""What topology validation says of a field pydantic alone would refuse without a way forward: a list with
fewer items than the network needs (an org without a peer, with one user), a port out of range, a name that
breaks its pattern, a misspelt key. Each refusal names the field, the rule and what to give instead."""
from __future__ import annotations

import copy

import pytest
import yaml

from network.errors import TopologyError
from network.topology import DEFAULT_TOPOLOGY, parse

RAW = yaml.safe_load(DEFAULT_TOPOLOGY.read_text())


def refusal(change) -> str:
    data = copy.deepcopy(RAW)
    change(data)
    with pytest.raises(TopologyError) as refused:
        parse(data)
    return str(refused.value)


def test_an_org_without_a_peer_is_refused_saying_why_it_needs_one_and_what_to_add():
    assert refusal(lambda data: data["orgs"][1].update(peers=[])) == (
        "topology.yaml: orgs[1].peers: none given, at least 1 needed: an org's peer endorses its "
        "transactions and holds its copy of the ledger (the first is its anchor peer): add one, e.g. "
        "{name: peer0, port: 11051, chaincode_port: 11052, operations_port: 9644}, on ports no other node "
        "uses")


@pytest.mark.parametrize("kept", [0, 1])
def test_an_org_with_fewer_than_two_users_is_refused_saying_why_and_what_to_add(kept):
    said = refusal(lambda data: data["orgs"][2].update(users=data["orgs"][2]["users"][:kept]))
    assert said == (
        f"topology.yaml: orgs[2].users: {kept or 'none'} given, at least 2 needed: an org's parties act "
        f"through its users' identities: with two, one who leaves or loses a key can be revoked (`recfin org "
        f"user revoke`) while the other goes on acting for them, as the contract keeps a party's last "
        f"identity: add users of names of their own, each with the attrs the org's other users carry "
        f"(recfin.role, recfin.enterprise)")


def test_an_orderer_org_without_an_orderer_is_refused_saying_what_to_add():
    assert refusal(lambda data: data["orderer_org"].update(orderers=[])) == (
        "topology.yaml: orderer_org.orderers: none given, at least 1 needed: the orderers order the "
        "channel's transactions into blocks: add one, e.g. {name: orderer0, port: 7050, admin_port: 7053, "
        "operations_port: 9443} (three let Raft go on with one of them down)")


def test_a_topology_without_a_peer_org_is_refused_saying_what_to_add():
    assert refusal(lambda data: data.update(orgs=[])) == (
        "topology.yaml: orgs: none given, at least 1 needed: the peer orgs hold the ledger and their "
        "parties are the receivables contract's: add one org of each role the contract needs "
        "(core_enterprise, supplier, financier, regulator), as network/topology.yaml has them")


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_a_port_out_of_range_is_refused_with_the_range(port):
    assert refusal(lambda data: data["orgs"][0]["peers"][0].update(port=port)) == (
        f"topology.yaml: orgs[0].peers[0].port: {port} is not a port number: give a whole number from 1 to "
        f"65535")


def test_the_ports_at_the_ends_of_the_range_are_taken():
    data = copy.deepcopy(RAW)
    data["orgs"][0]["peers"][0].update(port=1, chaincode_port=65535)
    peer = parse(data).orgs[0].peers[0]
    assert (peer.port, peer.chaincode_port) == (1, 65535)


@pytest.mark.parametrize("field, value, rule", [
    (("orgs", 0, "name"), "Bank 2",
     "use lower-case letters, digits and '-', starting with a letter, e.g. bank2"),
    (("orgs", 0, "msp_id"), "bank",
     "use letters and digits, starting with a letter and ending in MSP, e.g. Bank2MSP"),
    (("orgs", 0, "domain"), "Core.recfin.local",
     "use lower-case letters, digits, '.' and '-', starting and ending with a letter or digit, "
     "e.g. supplier.recfin.local"),
    (("channel",), "Receivables",
     "use lower-case letters, digits, '.' and '-', starting with a letter (Fabric's rule for a channel "
     "name), e.g. receivables"),
    (("chaincode", "name"), "Receivables",
     "use lower-case letters and digits, in groups joined by single '-', e.g. receivables"),
    (("chaincode", "contract"), "receivables",
     "give the contract class as module:Class, e.g. chaincode.receivables:ReceivablesContract"),
    (("chaincode", "version"), "1 0", "use letters, digits, '.', '_' and '-', e.g. 1.0"),
], ids=["org name", "MSP ID", "domain", "channel", "chaincode name", "contract", "version"])
def test_a_value_breaking_its_pattern_is_refused_with_the_rule_in_words(field, value, rule):
    def change(data):
        *path, key = field
        for part in path:
            data = data[part]
        data[key] = value
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in field).lstrip(".")
    said = refusal(change)
    assert "\n" not in said
    assert said.startswith(f"topology.yaml: {where}: String should match pattern '")
    assert said.endswith(f"': {rule}")


@pytest.mark.parametrize("change, said", [
    (lambda data: data["orgs"][0].update(peer=data["orgs"][0].pop("peers")),
     "topology.yaml: orgs[0].peer: Extra inputs are not permitted: peer is no key of this block, which "
     "takes name, msp_id, domain, address, role, admin, chaincode_server_port, chaincode_server_host, peers, "
     "users"),
    (lambda data: data["orgs"][0]["peers"][0].update(prot=1),
     "topology.yaml: orgs[0].peers[0].prot: Extra inputs are not permitted: prot is no key of this block, "
     "which takes name, hostname, address, port, chaincode_port, operations_port"),
    (lambda data: data.update(namespaces={"orderer": {"netnz": "o", "netns": "o", "address": "10.0.0.1"}}),
     "topology.yaml: namespaces.orderer.netnz: Extra inputs are not permitted: netnz is no key of this "
     "block, which takes netns, address"),
    (lambda data: data["tuning"]["ordering"].update(batch_timeot="1s"),
     "topology.yaml: tuning.ordering.batch_timeot: Extra inputs are not permitted: batch_timeot is no key of "
     "this block, which takes batch_timeout, max_message_count, absolute_max_bytes, preferred_max_bytes"),
], ids=["org", "peer", "namespace", "tuning"])
def test_a_misspelt_key_is_refused_with_the_keys_its_block_takes(change, said):
    assert said in refusal(change).splitlines()
