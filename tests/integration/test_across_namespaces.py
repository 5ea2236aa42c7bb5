"""The whole network across real network boundaries: each org's orderers or peer and chaincode server in
its own Linux network namespace at its own address, joined by one bridge (network.namespaces), the
operator's tools and the Gateway clients in the root namespace. Endorsement, ordering, gossip and the
Gateway all cross namespaces; one org's link is cut and restored, and its peer catches up. Last, an
org joins with `org add`: it gets a namespace of its own at the next free address, no other org is
renumbered, and `org remove` takes the namespace away again.

Skips without the Fabric binaries (the suite's own reason) or where namespaces cannot be made (not
root, no CAP_NET_ADMIN). The namespaces are made and removed here, even when a test fails.
"""
from __future__ import annotations

import uuid

import pytest

from chaincode.receivables.uscc import check_character
from client.gateway import connect, load_msp_folder
from network import Network, channel, namespaces, probes, profiles
from network.org_membership import OrgMembership
from network.topology import load as load_topology

from .conftest import FEATURE_CONTRACT, as_json, fabric_missing_reason, keep_logs

PREFIX = "rfnint"
SUBNET = "10.213.9.0/24"
CHAINCODE = "features"


@pytest.fixture(scope="module")
def across(tmp_path_factory, request):
    """(network, layout): the topology placed in namespaces, up, with the feature chaincode deployed."""
    reason = fabric_missing_reason()
    if reason:
        pytest.skip(reason)
    ns_reason = namespaces.unavailable_reason(PREFIX)
    if ns_reason:
        pytest.skip(f"network namespaces cannot be made here: {ns_reason}")
    from chaincode.feature_contract import feature_collections_json

    namespaces.down(PREFIX, kill=True)               # leftovers of a run that crashed
    topology = load_topology()
    layout = namespaces.plan(topology, PREFIX, SUBNET)
    namespaces.up(layout)
    try:
        placed = topology.in_namespaces(layout.namespaces())
        network = Network(placed, data_root=tmp_path_factory.mktemp("across") / "network", say=print, timeout=120)
        failed_before, clean = request.session.testsfailed, False
        try:
            try:
                network.up()    # inside: an `up` that fails half way still has its started nodes stopped
                collections = tmp_path_factory.mktemp("features") / "collections.json"
                collections.write_text(feature_collections_json())
                network.deploy_chaincode(name=CHAINCODE, contract=FEATURE_CONTRACT, version="1.0",
                                         collections_config=collections)
            except BaseException:
                keep_logs(request.config, network.data_root, "the namespaced network did not come up")
                raise
            yield network, layout
            clean = request.session.testsfailed == failed_before
            if not clean:
                keep_logs(request.config, network.data_root, "tests failed on the namespaced network")
        finally:
            network.down(purge=clean)     # after a failure the logs stay for the reader, as the suite's network's
    finally:
        namespaces.down(PREFIX, kill=True)


@pytest.fixture
def channel_of(across):
    """channel(org) -> the channel through a new Gateway to that org's peer (all closed at the end)."""
    network, _ = across
    opened = []

    def open_channel(org: str):
        profile = profiles.load(org, network.data_root)
        who = next(iter(profile.users.values()))
        identity, signer = load_msp_folder(who.msp_dir, profile.msp_id)
        gateway = connect(profile.gateway.address, identity=identity, signer=signer,
                          tls_root_certificates=profile.gateway.tls_root_cert,
                          server_name_override=profile.gateway.host_name_override)
        opened.append(gateway)
        return gateway.get_network(network.topology.channel)

    yield open_channel
    for gateway in opened:
        gateway.close()


@pytest.fixture
def contract_of(channel_of):
    """contract(org) -> the feature contract through a new Gateway to that org's peer."""
    return lambda org: channel_of(org).get_contract(CHAINCODE)


def test_every_process_runs_in_its_orgs_namespace_at_its_address(across):
    network, layout = across
    topology = network.topology
    org_of = {topology.orderer_org.msp_id: topology.orderer_org.name, **{o.msp_id: o.name for o in topology.orgs}}
    statuses = network.status()
    assert len(statuses) == len(topology.nodes()) + len(topology.orgs)      # nodes and one server per org
    for state in statuses:
        org = layout.org(org_of[state.org])
        assert state.pid is not None and state.healthy, state
        assert state.pid in namespaces.pids_in(org.netns), state
        assert state.address.startswith(org.address + ":"), state


def test_endorsement_ordering_and_the_gateway_cross_the_boundaries(channel_of):
    key = f"across-{uuid.uuid4().hex[:8]}"
    writer, reader = channel_of("supplier"), channel_of("regulator")
    writer.get_contract(CHAINCODE).submit_transaction("PutState", key, "over the bridge")   # two orgs endorse
    # the block reaches the regulator's peer over the bridge too, maybe after the supplier's submit returned
    reader.wait_for_block(writer.last_committed_block)
    assert as_json(reader.get_contract(CHAINCODE).evaluate_transaction("GetState", key))["value"] == "over the bridge"


def test_a_cut_org_misses_blocks_and_catches_up_when_restored(across, contract_of):
    network, layout = across
    supplier_peer = network.topology.peers("supplier")[0]
    key = f"while-cut-{uuid.uuid4().hex[:8]}"
    before = channel.node_height(network.tools, network.topology, network.data_root, supplier_peer)
    assert before is not None
    namespaces.cut(layout, "supplier")
    try:
        assert not probes.healthy(supplier_peer.operations_address)     # unreachable from here too
        writer = contract_of("bank")
        # named, not planned: the bank's Gateway would still pick the cut peer until gossip drops it (some
        # 25 s), past the client's endorse deadline; the two orgs named meet the "any two orgs" policy
        reachable = [network.topology.org("bank").msp_id, network.topology.org("coreenterprise").msp_id]
        for n in range(3):
            writer.submit("PutState", arguments=[key, f"written while the supplier was cut ({n})"],
                          endorsing_organizations=reachable)
    finally:
        namespaces.restore(layout, "supplier")
    target = network.wait_for_heights()           # every peer, the supplier's included, reaches the orderers' height
    height = channel.node_height(network.tools, network.topology, network.data_root, supplier_peer)
    assert height is not None and height >= target >= before + 3
    value = as_json(contract_of("supplier").evaluate_transaction("GetState", key))["value"]
    assert value == "written while the supplier was cut (2)"


def test_an_org_added_to_the_namespaced_network_gets_a_namespace_of_its_own_until_removed(across):
    network, layout = across
    members = OrgMembership(network)
    code = "91110000MA1K00009" + check_character("91110000MA1K00009")
    assert members.add("bank9", "bank", enterprise=code) is not None
    try:
        now = namespaces.layout_of(network.topology)
        link = now.org("bank9")
        assert all(now.org(o.org) == o for o in layout.orgs)                   # nobody renumbered
        assert link.address == str(layout.subnet.network_address + 10 + len(layout.orgs))
        peer = network.topology.peers("bank9")[0]
        assert (peer.netns, peer.host) == (link.netns, link.address)
        assert network._pid(peer) in namespaces.pids_in(link.netns)
        assert probes.healthy(peer.operations_address)                        # reached from here, over the bridge
        state = {s.org: s for s in namespaces.status(now)}["bank9"]
        assert state.exists and state.connected and state.processes >= 1
    finally:
        members.remove("bank9")
    assert link.netns not in namespaces.existing_namespaces(PREFIX)
    assert link.host_link not in namespaces.existing_links(PREFIX)
