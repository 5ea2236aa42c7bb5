"""Orgs in their own Linux network namespaces: the layout (pure), the topology that runs in it, and the
real thing: namespaces, a bridge and veth pairs made and removed here, the project's chaincode server
in one org's namespace dialled over mutual TLS from another's, with that org's link cut and restored.

The real tests need root (CAP_NET_ADMIN); elsewhere they skip with the reason `ip netns add` gave.
Their prefix and subnet are this process's own (netns_fixtures), so two runs on one machine
do not remove or shadow each other's namespaces, and everything made is removed on teardown.
"""
import dataclasses
import ipaddress
import json
import shutil
import subprocess
import sys

import pytest
from cryptography import x509

from network import ccservers, crypto, namespaces, nodeconfig, probes
from network.errors import NamespaceError, TopologyError
from network.fabric_bin import REPO_ROOT
from network.topology import DEFAULT_TOPOLOGY, load
from network.supervisor import ProcessSpec, Supervisor

from .netns_fixtures import free_subnet, remove_leftovers_of_dead_runs, unique_prefix

# Not the default prefix or subnet, and not another run's: a namespaced network someone runs here is left alone.
PREFIX = unique_prefix("rfu")
CLI_PREFIX = unique_prefix("rfc")
PACKAGE_ID = "receivables_1.0:" + "cd" * 32
CONTRACT = "chaincode.receivables:ReceivablesContract"


@pytest.fixture(scope="module")
def subnet():
    try:
        return free_subnet()
    except NamespaceError:          # no iproute2: only the tests that make nothing run
        return "10.214.0.0/24"


@pytest.fixture(scope="module")
def layout(topology, subnet):
    return namespaces.plan(topology, PREFIX, subnet)


@pytest.fixture(scope="module")
def placed(topology, layout):
    return topology.in_namespaces(layout.namespaces())


# ---- the layout and the namespaced topology (no namespaces made) ----------------------------
def test_every_org_gets_its_own_namespace_address_and_short_link_names(layout, topology):
    orgs = [topology.orderer_org.name, *(o.name for o in topology.orgs)]
    assert [o.org for o in layout.orgs] == orgs
    assert len({o.address for o in layout.orgs}) == len(orgs)
    assert all(ipaddress.ip_address(o.address) in layout.subnet for o in layout.orgs)
    assert layout.gateway not in {o.address for o in layout.orgs}
    names = [layout.bridge] + [n for o in layout.orgs for n in (o.host_link, o.ns_link, o.netns)]
    assert all(n.startswith(PREFIX + "-") for n in names)             # so that a cleanup finds them
    assert all(len(n) <= 15 for n in [layout.bridge] + [n for o in layout.orgs for n in (o.host_link, o.ns_link)])


def test_bad_prefixes_and_subnets_are_refused(topology):
    with pytest.raises(NamespaceError, match="1-8 lower-case"):
        namespaces.plan(topology, "much-too-long")
    with pytest.raises(NamespaceError, match="too small"):
        namespaces.plan(topology, PREFIX, "10.0.0.0/29")
    with pytest.raises(NamespaceError, match="not an IPv4 network"):
        namespaces.plan(topology, PREFIX, "10.0.0.300/24")


def test_a_large_subnet_is_planned_by_number_not_by_listing_its_addresses(topology):
    # a /8 has 16 million host addresses: listed, as they were, planning on one took minutes and some 4 GB
    # before any check; in a process allowed 1 GB of address space it ran out of memory
    script = (
        "import json, resource\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from network import namespaces\n"
        "from network.topology import load, OrgNamespace\n"
        "placed = {'supplier': OrgNamespace(netns='rfu-supplier', address='10.0.0.40')}\n"
        "layout = namespaces.plan(load(), 'rfu', '10.0.0.0/8', placed)\n"
        "print(json.dumps([layout.gateway, *[(o.org, o.address, o.host_link) for o in layout.orgs]]))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    gateway, *orgs = json.loads(done.stdout)
    # the same layout as on a small subnet: the lowest free addresses in file order, a placed org its host number
    assert gateway == "10.0.0.1"
    assert [tuple(o) for o in orgs] == [("orderer", "10.0.0.10", "rfu-h0"), ("coreenterprise", "10.0.0.11", "rfu-h1"),
                                        ("supplier", "10.0.0.40", "rfu-h30"),
                                        ("bank", "10.0.0.12", "rfu-h2"), ("regulator", "10.0.0.13", "rfu-h3")]


def test_the_namespaced_topology_runs_each_org_at_its_address_in_its_namespace(placed, layout, tmp_path):
    for node in placed.nodes():
        link = layout.org(node.org_name)
        assert (node.host, node.netns) == (link.address, link.netns)
        env = nodeconfig.node_env(placed, tmp_path, node)
        if node.kind == "peer":
            assert env["CORE_PEER_ADDRESS"] == env["CORE_PEER_GOSSIP_EXTERNALENDPOINT"] == node.address
            assert env["CORE_PEER_LISTENADDRESS"].startswith(link.address + ":")
        else:
            assert env["ORDERER_GENERAL_LISTENADDRESS"] == link.address
    for org in placed.orgs:
        spec = ccservers.server_spec(placed, tmp_path, "receivables", org, CONTRACT, PACKAGE_ID)
        assert spec.netns == layout.org(org.name).netns
        assert spec.command()[-len(spec.argv):] == spec.argv and spec.command()[1:4] == ["netns", "exec", spec.netns]
        assert spec.env["CHAINCODE_SERVER_ADDRESS"] == placed.chaincode_server_address(org) == \
            f"{layout.org(org.name).address}:{org.chaincode_server_port}"


def test_connection_profiles_point_sdk_clients_at_the_namespace_addresses(placed, layout, tmp_path):
    from network import profiles

    profile = profiles.build(placed, tmp_path, "bank")
    peer = placed.peers("bank")[0]
    assert profile.gateway.address == f"{layout.org('bank').address}:{peer.ports['port']}"
    assert profile.gateway.host_name_override == peer.hostname
    assert {o.address.rsplit(":", 1)[0] for o in profile.orderers} == {layout.org("orderer").address}


def test_a_namespace_map_must_name_every_org_once(topology, layout):
    partial = dict(list(layout.namespaces().items())[:-1])
    with pytest.raises(TopologyError, match="missing"):
        topology.in_namespaces(partial)
    shared = layout.namespaces()
    shared["bank"] = shared["supplier"]
    with pytest.raises(TopologyError, match="share one"):
        topology.in_namespaces(shared)


def test_the_written_topology_loads_back_with_its_own_data_folder(topology, layout, tmp_path):
    path = namespaces.write_topology(topology, layout, tmp_path / "netns")
    again = load(path)
    assert again.namespaces == topology.in_namespaces(layout.namespaces()).namespaces
    assert again.resolved_data_root() == (tmp_path / "netns" / "network").resolve()
    assert [n.address for n in again.nodes()] == [n.address for n in topology.in_namespaces(layout.namespaces()).nodes()]


def test_certificates_name_the_namespace_addresses_nodes_are_dialled_at(placed, tmp_path):
    crypto.generate(placed, tmp_path)
    for node in placed.nodes():
        org = placed.orderer_org if node.kind == "orderer" else placed.org(node.org_name)
        cert = crypto.load_cert(crypto.org_crypto(tmp_path, org.name, org.domain).node_dir(node.hostname) /
                                "tls" / "server.crt")
        ips = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.IPAddress)
        assert ipaddress.ip_address(node.host) in ips


# ---- the real namespaces ------------------------------------------------------------------
@pytest.fixture(scope="module")
def made(layout):
    """The namespaces, bridge and links, made for this module and removed after it, even on failure."""
    reason = namespaces.unavailable_reason(PREFIX)
    if reason:
        pytest.skip(f"network namespaces cannot be made here: {reason}")
    remove_leftovers_of_dead_runs()
    try:
        yield namespaces.up(layout)
    finally:
        namespaces.down(PREFIX, kill=True)
        assert namespaces.existing_namespaces(PREFIX) == [] and namespaces.existing_links(PREFIX) == []


@pytest.fixture(scope="module")
def supplier_server(made, placed, tmp_path_factory):
    """The supplier's chaincode server, started as the network starts it, inside the supplier's namespace."""
    root = tmp_path_factory.mktemp("netns") / "network"
    crypto.generate(placed, root)
    org = placed.org("supplier")
    spec = ccservers.server_spec(placed, root, "receivables", org, CONTRACT, PACKAGE_ID)
    conn = root / "supplier-connection.json"
    conn.write_text(json.dumps(ccservers.connection(placed, root, org)))
    supervisor = Supervisor()
    supervisor.start(spec)
    try:
        address = spec.env["CHAINCODE_SERVER_ADDRESS"]
        # from the root namespace, through the bridge, as the network's own readiness check does
        supervisor.wait_until(lambda: probes.accepting(address), what="the chaincode server listening",
                              name=spec.name, log=spec.log, timeout=60, pid_file=spec.pid_file)
        yield conn, spec
    finally:
        supervisor.stop(spec.pid_file)


def dial_from(netns: str, connection, *extra: str):
    """Run the chaincode probe inside netns, as a peer there would dial: (exit code, output)."""
    done = namespaces.run_in(netns, [sys.executable, "-m", "network.ccprobe", str(connection),
                                     "--timeout", "5", *extra],
                             cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    return done.returncode, (done.stdout + done.stderr).strip()


def test_the_server_runs_inside_the_suppliers_namespace(supplier_server, made):
    _, spec = supplier_server
    pid = Supervisor().running_pid(spec.pid_file)
    assert pid is not None and pid in namespaces.pids_in(made.org("supplier").netns)
    assert pid not in namespaces.pids_in(made.org("bank").netns)


def test_a_client_in_another_orgs_namespace_reaches_it_across_the_boundary_then_not_when_cut(supplier_server, made):
    conn, _ = supplier_server
    bank = made.org("bank").netns
    code, out = dial_from(bank, conn)
    assert (code, out) == (0, PACKAGE_ID)

    namespaces.cut(made, "supplier")
    try:
        assert [s.connected for s in namespaces.status(made) if s.org == "supplier"] == [False]
        code, out = dial_from(bank, conn)
        assert code == 1 and ("UNAVAILABLE" in out or "DEADLINE_EXCEEDED" in out), out
    finally:
        namespaces.restore(made, "supplier")

    code, out = dial_from(bank, conn)
    assert (code, out) == (0, PACKAGE_ID)


def test_only_the_namespace_address_reaches_the_server(supplier_server, made, tmp_path):
    conn, _ = supplier_server
    loopback = json.loads(conn.read_text())
    loopback["address"] = "127.0.0.1:" + loopback["address"].rsplit(":", 1)[1]
    path = tmp_path / "loopback.json"
    path.write_text(json.dumps(loopback))
    code, out = dial_from(made.org("bank").netns, path, "--server-name", "127.0.0.1")
    assert code == 1 and "UNAVAILABLE" in out, out     # the bank's loopback is its own, with nothing on it


def test_a_plaintext_client_across_the_boundary_is_refused(supplier_server, made, tmp_path):
    conn, _ = supplier_server
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"address": json.loads(conn.read_text())["address"], "tls_required": False}))
    code, out = dial_from(made.org("bank").netns, plain)
    assert code == 1 and "UNAVAILABLE" in out, out


def test_down_refuses_while_processes_run_inside_and_finds_leftovers_by_prefix(made, tmp_path):
    netns = made.org("regulator").netns
    sleeper = Supervisor()
    spec = ProcessSpec("sleeper", [shutil.which("sleep"), "120"], {}, tmp_path / "s.log", tmp_path / "s.pid",
                       netns=netns)
    pid, _ = sleeper.start(spec)
    try:
        sleeper.wait_until(lambda: pid in namespaces.pids_in(netns), what="the process inside", name="sleeper",
                           log=spec.log, timeout=10, pid_file=spec.pid_file)
        with pytest.raises(NamespaceError, match=f"{netns}: pids {pid}"):
            namespaces.down(PREFIX)
        assert netns in namespaces.existing_namespaces(PREFIX)        # refused: nothing removed
    finally:
        sleeper.stop(spec.pid_file)
    status = {s.org: s for s in namespaces.status(made)}
    assert all(s.exists and s.connected for s in status.values())


def test_cut_and_restore_of_an_org_whose_link_is_not_made_are_refused_naming_the_command(made):
    """An org the layout names but whose namespace was not made (added after `netns up`, say): refused with
    what to run, not `ip`'s own error, and the orgs that are on the bridge stay there."""
    extra = namespaces.OrgLink(org="bank9", netns=f"{PREFIX}-bank9", address=str(made.subnet.network_address + 99),
                               host_link=f"{PREFIX}-h89", ns_link=f"{PREFIX}-n89")
    grown = dataclasses.replace(made, orgs=(*made.orgs, extra))
    for step in (namespaces.cut, namespaces.restore):
        with pytest.raises(NamespaceError) as refused:
            step(grown, "bank9")
        assert str(refused.value) == (f"bank9's namespace {PREFIX}-bank9 has no link {PREFIX}-h89 on the bridge "
                                      f"{PREFIX}-br: run `recfin network netns up --prefix {PREFIX}` first, which "
                                      f"makes every org's namespace and link")
    assert all(s.exists and s.connected for s in namespaces.status(made))


def test_cut_and_restore_before_netns_up_are_refused_naming_the_command(tmp_path, subnet):
    from click.testing import CliRunner

    from cli.network_commands import network

    try:
        namespaces._ip_binary()
    except NamespaceError as exc:
        pytest.skip(str(exc))
    prefix = unique_prefix("rfc")           # made by no test before this one, nor left by it
    assert not namespaces.existing_links(prefix)
    where = ["--prefix", prefix, "--subnet", subnet, "--folder", str(tmp_path)]
    for step in ("cut", "restore"):
        result = CliRunner().invoke(network, ["netns", step, "supplier", *where])
        assert result.exit_code == 1, result.output
        assert result.output == (f"Error: no namespaces made under prefix {prefix} (no bridge {prefix}-br): "
                                 f"run `recfin network netns up --folder {tmp_path} --prefix {prefix} --subnet "
                                 f"{subnet}` first\n")
    assert not namespaces.existing_links(prefix) and not namespaces.existing_namespaces(prefix)


def test_the_netns_up_a_refused_cut_names_carries_every_option_given(tmp_path, monkeypatch):
    # the command it names makes this topology's namespaces, in this folder, on this subnet
    import shlex

    from click.testing import CliRunner

    from cli.network_commands import network

    monkeypatch.setattr(namespaces, "_link_exists", lambda name, netns=None: False)
    topology = tmp_path / "my topology.yaml"
    topology.write_text(DEFAULT_TOPOLOGY.read_text())
    where = ["--topology", str(topology), "--folder", str(tmp_path / "ns"), "--subnet", "10.213.9.0/24"]
    for step in ("cut", "restore"):
        result = CliRunner().invoke(network, ["netns", step, "supplier", *where])
        assert result.exit_code == 1, result.output
        assert result.output == (f"Error: no namespaces made under prefix recfin (no bridge recfin-br): run "
                                 f"`recfin network netns up {shlex.join(where)}` first\n")


def test_the_netns_commands_make_cut_restore_and_remove(tmp_path, subnet):
    from click.testing import CliRunner

    from cli.network_commands import network

    prefix = CLI_PREFIX
    reason = namespaces.unavailable_reason(prefix)
    if reason:
        pytest.skip(f"network namespaces cannot be made here: {reason}")
    cli_subnet = free_subnet(avoid=(subnet,))
    where = ["--prefix", prefix, "--subnet", cli_subnet, "--folder", str(tmp_path)]
    runner = CliRunner()

    def run(*args):
        result = runner.invoke(network, ["netns", *args])
        assert result.exit_code == 0, result.output
        return result.stdout            # step lines go to stderr under --json

    try:
        made = json.loads(run("up", *where, "--json"))
        assert made["topology"] == str(tmp_path / "topology.yaml")
        bank = str(list(ipaddress.IPv4Network(cli_subnet).hosts())[12])      # .13: orderer, core, supplier, bank
        assert {o["org"]: o["address"] for o in made["orgs"]}["bank"] == bank
        assert all(o["exists"] and o["connected"] for o in made["orgs"])
        cut = json.loads(run("cut", "bank", *where, "--json"))
        assert (cut["org"], cut["connected"]) == ("bank", False)
        status = json.loads(run("status", *where, "--json"))
        assert [o["org"] for o in status if not o["connected"]] == ["bank"]
        restored = json.loads(run("restore", "bank", *where, "--json"))
        assert restored["connected"] is True
    finally:
        removed = json.loads(run("down", "--prefix", prefix, "--kill", "--json"))["removed"]
    assert f"{prefix}-bank" in removed and f"{prefix}-br" in removed
    assert namespaces.existing_namespaces(prefix) == [] and namespaces.existing_links(prefix) == []
    assert json.loads(run("down", "--prefix", prefix, "--json")) == {"removed": []}


def test_only_links_named_as_the_layout_names_them_are_ours(monkeypatch):
    # Docker names its bridges br-<id>: with the prefix "br", `netns down` must still leave them alone.
    monkeypatch.setattr(namespaces, "_links", lambda netns=None: [
        "lo", "docker0", "br-0a1b2c3d4e5f", "br-br", "br-h0", "br-n12", "br-hx", "br-h1x", "brx-h0"])
    assert namespaces.existing_links("br") == ["br-br", "br-h0", "br-n12"]
