"""The namespaces follow the channel's orgs: an org `recfin org add` brings gets a namespace and the
next free address, one `recfin org remove` takes away loses its namespace, and no other org is
ever renumbered.

The planning is pure and tested as such; the hooks of `org add|remove` make and remove real
namespaces (root only; elsewhere they skip with the reason `ip netns add` gave).
"""
from __future__ import annotations

import ipaddress
import json
import shutil

import pytest

from network import Network, crypto, membership, namespaces, nodeconfig
from network.errors import NamespaceError
from network.org_membership import OrgMembership
from network.supervisor import ProcessSpec, Supervisor
from network.topology import OrgNamespace, load

from .netns_fixtures import free_subnet, remove_leftovers_of_dead_runs, unique_prefix

SUBNET = "10.214.250.0/24"      # the pure tests make nothing: any subnet does
CODE = "91110000MA1K00007E"


def host(subnet: str, n: int) -> str:
    """The address .n of the subnet."""
    return str(ipaddress.IPv4Network(subnet).network_address + n)


def with_bank2(topology):
    return membership.with_orgs(topology, [*topology.orgs, membership.new_org_spec(topology, "bank2", "bank", CODE)])


def without(topology, org):
    return membership.with_orgs(topology, [o for o in topology.orgs if o.name != org])


# ---- planning (pure) ------------------------------------------------------------------------
def test_an_added_org_takes_the_next_address_and_renumbers_no_one(topology):
    before = namespaces.plan(topology, "rfx", SUBNET)
    after = namespaces.plan(with_bank2(topology), "rfx", SUBNET, before.namespaces())
    assert after.orgs[:-1] == before.orgs                     # names, addresses and links all kept
    assert after.org("bank2") == namespaces.OrgLink("bank2", "rfx-bank2", host(SUBNET, 15), "rfx-h5", "rfx-n5")


def test_a_removed_org_renumbers_no_one_and_its_address_is_taken_by_the_next_new_org(topology):
    before = namespaces.plan(topology, "rfx", SUBNET)
    shrunk = without(topology, "supplier")
    assert namespaces.plan(shrunk, "rfx", SUBNET).org("bank") != before.org("bank")     # why addresses are recorded
    kept = namespaces.plan(shrunk, "rfx", SUBNET, before.namespaces())
    assert all(link == before.org(link.org) for link in kept.orgs)
    grown = namespaces.plan(with_bank2(shrunk), "rfx", SUBNET, kept.namespaces())
    assert (grown.org("bank2").address, grown.org("bank2").host_link) == (before.org("supplier").address, "rfx-h2")


def test_a_new_subnet_keeps_every_orgs_slot_and_links_after_orgs_came_and_went(topology):
    other = "10.214.251.0/24"
    first = namespaces.plan(topology, "rfx", SUBNET)
    shrunk = without(topology, "supplier")
    bank2_in = namespaces.plan(with_bank2(shrunk), "rfx", SUBNET,                 # bank2 takes supplier's slot
                               namespaces.plan(shrunk, "rfx", SUBNET, first.namespaces()).namespaces())
    assert bank2_in.org("bank2").host_link == "rfx-h2" and bank2_in.org("bank").host_link == "rfx-h3"
    moved = namespaces.plan(with_bank2(shrunk), "rfx", other, bank2_in.namespaces())
    for link in bank2_in.orgs:
        same_host = host(other, int(link.address.rsplit(".", 1)[1]))
        assert moved.org(link.org) == namespaces.OrgLink(link.org, link.netns, same_host, link.host_link,
                                                          link.ns_link)


def test_a_move_whose_kept_host_numbers_give_link_names_linux_refuses_is_refused_naming_the_limit(topology):
    # On 10.0.0.0/8 an org from 10.213.7.0/24 keeps host number 213.7.x: slot 13960960 and more, a link name
    # of 16 characters, which `ip link add` refuses once the bridge and the orgs before it are made.
    first = namespaces.plan(topology, "recfin", "10.213.7.0/24")
    with pytest.raises(NamespaceError) as refused:
        namespaces.plan(topology, "recfin", "10.0.0.0/8", first.namespaces())
    message = str(refused.value)
    assert "recfin-h13960960" in message and "15 characters" in message
    assert "--prefix of at most 5 characters" in message and "--subnet" in message
    # the prefix it names fits every org's links on that subnet, host numbers kept
    shorter = namespaces.plan(topology, "rfx12", "10.0.0.0/8", first.namespaces())
    assert [o.address for o in shorter.orgs] == [f"10.213.7.{o.address.rsplit('.', 1)[1]}" for o in first.orgs]
    assert max(len(name) for o in shorter.orgs for name in (o.host_link, o.ns_link)) == 15


def test_a_recorded_address_of_an_org_outside_the_topology_is_not_handed_out(topology):
    held = {"bank2": OrgNamespace(netns="rfx-bank2", address=host(SUBNET, 10))}
    layout = namespaces.plan(topology, "rfx", SUBNET, held)
    assert host(SUBNET, 10) not in {o.address for o in layout.orgs}
    assert layout.org("orderer").address == host(SUBNET, 11)


def test_recorded_addresses_outside_the_subnet_or_taken_twice_are_given_anew(topology):
    fresh = namespaces.plan(topology, "rfx", SUBNET)
    elsewhere = namespaces.plan(topology, "rfx", "10.214.251.0/24")
    assert namespaces.plan(topology, "rfx", SUBNET, elsewhere.namespaces()) == fresh
    twice = {"orderer": OrgNamespace(netns="a", address=host(SUBNET, 12)),
             "bank": OrgNamespace(netns="b", address=host(SUBNET, 12))}
    layout = namespaces.plan(topology, "rfx", SUBNET, twice)
    assert layout.org("orderer").address == host(SUBNET, 12) and layout.org("bank").address != host(SUBNET, 12)
    assert len({o.address for o in layout.orgs}) == len(layout.orgs)


def test_a_new_org_on_a_namespaced_topology_is_placed_like_the_others(topology):
    placed = topology.in_namespaces(namespaces.plan(topology, "rfx", SUBNET).namespaces())
    assert namespaces.prefix_of(placed) == "rfx"
    assert namespaces.place_new_org(placed, "bank2", SUBNET) == OrgNamespace(netns="rfx-bank2",
                                                                             address=host(SUBNET, 15))
    with pytest.raises(NamespaceError, match="not named <prefix>-orderer"):
        namespaces.prefix_of(topology)


# ---- the layout follows the namespaced data folder's membership.yaml -------------------------
def test_the_layout_follows_the_recorded_membership_and_keeps_addresses_across_runs(topology, tmp_path):
    folder = tmp_path / "netns"
    root = namespaces.data_root_in(folder)
    first = namespaces.channel_layout(topology, "rfx", SUBNET, folder)
    assert first == namespaces.plan(topology, "rfx", SUBNET)                   # nothing recorded: the file's orgs
    namespaces.write_topology(topology, first, folder)

    # `org add` on the namespaced network records the new org with its placement; `org remove` an org of the file
    placed = load(folder / "topology.yaml")
    bank2 = membership.new_org_spec(placed, "bank2", "bank", CODE)
    membership.record_added(root, bank2, namespaces.place_new_org(placed, "bank2", SUBNET))
    membership.record_removed(root, "supplier")

    second = namespaces.channel_layout(topology, "rfx", SUBNET, folder)
    assert [o.org for o in second.orgs] == ["orderer", "coreenterprise", "bank", "regulator", "bank2"]
    assert all(link == first.org(link.org) for link in second.orgs if link.org != "bank2")
    assert second.org("bank2").address == host(SUBNET, 15)

    path = namespaces.write_topology(topology, second, folder)          # what `netns up` writes then
    channel = membership.effective(load(path), root)
    assert channel.namespaces == second.namespaces()
    assert {n.netns for n in channel.nodes() if n.org_name == "bank2"} == {"rfx-bank2"}
    assert namespaces.channel_layout(topology, "rfx", SUBNET, folder) == second    # stable from run to run


def test_netns_up_with_another_subnet_moves_the_added_orgs_record_too(topology, tmp_path):
    folder = tmp_path / "netns"
    root = namespaces.data_root_in(folder)
    namespaces.write_topology(topology, namespaces.plan(topology, "rfx", SUBNET), folder)
    membership.record_added(root, membership.new_org_spec(topology, "bank2", "bank", CODE),
                            OrgNamespace(netns="rfx-bank2", address=host(SUBNET, 15)))
    moved = namespaces.channel_layout(topology, "rfy", "10.214.251.0/24", folder)
    namespaces.write_topology(topology, moved, folder)
    assert membership.recorded_namespaces(root)["bank2"] == OrgNamespace(netns="rfy-bank2",
                                                                         address=host("10.214.251.0/24", 15))
    assert membership.effective(load(folder / "topology.yaml"), root).namespaces == moved.namespaces()


def test_removing_an_added_org_frees_its_recorded_address(topology, tmp_path):
    spec = membership.new_org_spec(topology, "bank2", "bank", CODE)
    membership.record_added(tmp_path, spec, OrgNamespace(netns="rfx-bank2", address=host(SUBNET, 15)))
    membership.record_removed(tmp_path, "bank2")
    assert membership.load_state(tmp_path) == {"added": [], "removed": ["bank2"]}


# ---- org add | remove on real namespaces ---------------------------------------------------
@pytest.fixture
def namespaced(topology, tmp_path, fake_fabric):
    """A Network whose topology is in real namespaces (made here, removed after), no Fabric process running."""
    prefix = unique_prefix("rfm")
    reason = namespaces.unavailable_reason(prefix)
    if reason:
        pytest.skip(f"network namespaces cannot be made here: {reason}")
    remove_leftovers_of_dead_runs()
    subnet = free_subnet()
    layout = namespaces.up(namespaces.plan(topology, prefix, subnet))
    try:
        placed = topology.in_namespaces(layout.namespaces())
        root = tmp_path / "network"
        crypto.generate(placed, root)
        yield Network(placed, data_root=root), layout
    finally:
        namespaces.down(prefix, kill=True)
        assert namespaces.existing_namespaces(prefix) == [] and namespaces.existing_links(prefix) == []


def test_org_add_gives_the_new_org_a_namespace_its_peer_runs_in_and_remove_takes_it_away(namespaced, topology,
                                                                                          monkeypatch):
    net, layout = namespaced
    members = OrgMembership(net)
    spec = membership.new_org_spec(net.topology, "bank2", "bank", CODE)
    grown = members.grown(spec)
    expected = OrgNamespace(netns=f"{layout.prefix}-bank2", address=host(str(layout.subnet), 15))
    assert grown.namespaces["bank2"] == expected and grown.namespaces["bank"] == net.topology.namespaces["bank"]
    crypto.generate(grown, net.data_root)

    namespaces.cut(layout, "supplier")          # adding an org must leave a cut org cut
    sleeper = Supervisor()
    peer_pid_file = nodeconfig.node_dirs(net.data_root, "peer0.bank2").pid

    def start_peers(added):
        """Where the peer would start: its namespace must exist and be on the bridge by now."""
        node = net.topology.peers(added.name)[0]
        assert node.netns == expected.netns and node.host == str(expected.address)
        assert {s.org: s.connected for s in namespaces.status(namespaces.layout_of(net.topology))}["bank2"]
        spec_ = ProcessSpec(node.name, [shutil.which("sleep"), "120"], {}, peer_pid_file.with_suffix(".log"),
                            peer_pid_file, netns=node.netns)
        sleeper.start(spec_)

    monkeypatch.setattr(members, "_start_peers", start_peers)
    try:
        members._after_add(spec, grown)
        assert membership.recorded_namespaces(net.data_root) == {"bank2": expected}
        states = {s.org: s for s in namespaces.status(namespaces.layout_of(net.topology))}
        assert states["bank2"].exists and states["bank2"].connected and states["bank2"].processes == 1
        assert states["supplier"].connected is False
        pid = sleeper.running_pid(peer_pid_file)
        assert pid in namespaces.pids_in(expected.netns)
        with pytest.raises(NamespaceError, match=f"pids {pid}"):
            namespaces.remove_org(expected.netns)          # not while its processes run

        # a fresh Network on the same data folder sees bank2 in its namespace (membership.yaml)
        again = Network(topology.in_namespaces(layout.namespaces()), data_root=net.data_root)
        assert again.topology.namespaces == grown.namespaces

        members._after_remove(net.topology.org("bank2"))
        assert sleeper.running_pid(peer_pid_file) is None
        assert expected.netns not in namespaces.existing_namespaces(layout.prefix)
        assert f"{layout.prefix}-h5" not in namespaces.existing_links(layout.prefix)
        assert "bank2" not in membership.recorded_namespaces(net.data_root)
        assert "bank2" not in net.topology.namespaces
    finally:
        sleeper.stop(peer_pid_file)
        namespaces.restore(layout, "supplier")


def test_netns_status_shows_an_added_org_from_the_data_folder(topology, tmp_path):
    from click.testing import CliRunner

    from cli.network_commands import network

    prefix = unique_prefix("rfm")
    reason = namespaces.unavailable_reason(prefix)
    if reason:
        pytest.skip(f"network namespaces cannot be made here: {reason}")
    subnet = free_subnet()
    where = ["--prefix", prefix, "--subnet", subnet, "--folder", str(tmp_path)]
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(network, ["netns", *args])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    try:
        run("up", *where, "--json")
        membership.record_added(namespaces.data_root_in(tmp_path), membership.new_org_spec(topology, "bank2", "bank",
                                                                                           CODE),
                                OrgNamespace(netns=f"{prefix}-bank2", address=host(subnet, 15)))
        shown = {o["org"]: o for o in run("status", *where, "--json")}
        assert shown["bank2"]["address"] == host(subnet, 15) and shown["bank2"]["exists"] is False
        made = {o["org"]: o for o in run("up", *where, "--json")["orgs"]}     # e.g. after a reboot
        assert made["bank2"]["exists"] and made["bank2"]["connected"]
        assert {o: s["address"] for o, s in made.items() if o != "bank2"} == \
            {o.org: o.address for o in namespaces.plan(topology, prefix, subnet).orgs}
    finally:
        runner.invoke(network, ["netns", "down", "--prefix", prefix, "--kill"])
    assert namespaces.existing_namespaces(prefix) == [] and namespaces.existing_links(prefix) == []
