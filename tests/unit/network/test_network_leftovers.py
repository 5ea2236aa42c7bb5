"""What a run stopped midway, or a topology edited since `up`, leaves behind, and how `up`, `down`, `status`,
`logs` and `chaincode deploy` deal with it: servers of a deploy stopped before its commit, a node of an org taken
out of topology.yaml, a `down --purge` stopped midway, a data folder that is not there."""
import dataclasses
import errno
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from network import ccservers, crypto, nodeconfig
from network.control import (DATA_ROOT_MARKER, Network, NodeStatus, data_root_removal_refused, mark_data_root,
                             purge_aside, remove_data_root)
from network.errors import NetworkError, NodeNotFoundError, PortInUseError
from network.fabric_bin import FabricInstall
from network.supervisor import ProcessSpec, Supervisor

from .scripted_peer import ScriptedPeer
from .test_deploy import RecordingSupervisor, holding

FEATURES = "chaincode.feature_contract:FeatureContract"
SLEEPER = [sys.executable, "-c", "import time\nwhile True: time.sleep(0.05)"]


class Stopped(Exception):
    """The run was stopped here (Ctrl-C, a kill, a lost connection)."""


@pytest.fixture
def net(topology, data_root, fake_fabric):
    n = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor())
    n.tools = ScriptedPeer(topology)
    return n


def deploy_stopped_before_its_commit(net, name):
    """Deploy chaincode `name` until its commit, which does not happen: its servers were started, nothing recorded."""
    run = net.tools.run

    def commit_stops(tool, args, env=None, **kw):
        if args[:3] == ["lifecycle", "chaincode", "commit"]:
            raise Stopped()
        return run(tool, args, env, **kw)
    net.tools.run = commit_stops
    try:
        with pytest.raises(Stopped):
            net.deploy_chaincode(name=name, contract=FEATURES)
    finally:
        net.tools.run = run


def ledger_steps(net, since=0):
    return [call[:2] for call in net.tools.calls[since:] if call[0] in ("install", "approveformyorg", "commit")]


# ---- a deploy stopped before its commit ----------------------------------------------------------------------

def test_a_new_chaincode_after_a_deploy_stopped_before_its_commit_takes_other_ports(net, data_root):
    net.deploy_chaincode()
    deploy_stopped_before_its_commit(net, "alpha")
    assert ccservers.load_deployment(data_root, "alpha") is None      # its servers run, unrecorded
    net.deploy_chaincode(name="beta", contract=FEATURES)
    address = {spec.name: spec.env["CHAINCODE_SERVER_ADDRESS"] for spec in net.supervisor.started}
    assert (address["alpha.bank"], address["beta.bank"]) == ("127.0.0.1:10003", "127.0.0.1:10013")
    assert ccservers.port_offset_for(data_root, "alpha", "receivables") == 10      # alpha again: its own ports


def test_servers_a_deploy_left_uncommitted_make_way_when_that_chaincode_is_deployed_again(net, data_root):
    """A deploy of an earlier version, stopped before its commit, recorded no port offset: once another chaincode
    took the next offset, deploying it again chooses other ports than its running servers hold. Those servers
    (never committed) are stopped and started on the new ports, not kept while the deploy waits on the new ones."""
    net.deploy_chaincode()
    deploy_stopped_before_its_commit(net, "alpha")
    (data_root / "chaincode" / "alpha" / ccservers.PORT_OFFSET_FILE).unlink()      # as an earlier version left it
    net.deploy_chaincode(name="beta", contract=FEATURES)
    start = net.supervisor.start                    # as Supervisor.start: a server already running is kept
    net.supervisor.start = lambda spec: (4242, False) if spec.pid_file in net.supervisor.running else start(spec)
    started = len(net.supervisor.started)

    net.deploy_chaincode(name="alpha", contract=FEATURES)

    offset = ccservers.load_deployment(data_root, "alpha").port_offset
    alpha = [spec for spec in net.supervisor.started[started:] if spec.name.startswith("alpha.")]
    assert offset != 10 and len(alpha) == len(net.topology.orgs)          # each started again, on the new ports
    assert {spec.pid_file for spec in alpha} <= set(net.supervisor.stopped)
    bank = net.topology.org("bank")
    assert {s.name: s.env["CHAINCODE_SERVER_ADDRESS"] for s in alpha}["alpha.bank"] == \
        f"127.0.0.1:{bank.chaincode_server_port + offset}"


@pytest.mark.parametrize("left", ["alpha_1.0.tar.gz", ccservers.SERVER_PID_FILE])
def test_a_chaincode_an_earlier_version_packaged_or_served_unrecorded_keeps_its_ports(tmp_path, left):
    """An earlier version kept no offset before its commit: the folder's package or pid file still counts."""
    ccservers.save_deployment(tmp_path, ccservers.Deployment("audit", "1", 1, "m:C", None, None, 10, {}))
    folder = tmp_path / "chaincode" / "alpha" / "bank"
    folder.mkdir(parents=True)
    (folder / left).write_text("left by a deploy stopped before its commit")
    (tmp_path / "chaincode" / "notes").mkdir()      # a folder with no package, server or record takes no ports
    assert ccservers.port_offset_for(tmp_path, "beta", "receivables") == 30
    ccservers.record_port_offset(tmp_path, "gamma", 40)
    assert ccservers.port_offset_for(tmp_path, "beta", "receivables") == 60


def test_a_busy_server_port_stops_a_new_chaincode_before_any_ledger_step(net, data_root, topology):
    port = topology.orgs[0].chaincode_server_port + 10      # alpha's server for the first org
    with holding(topology.listen_host, port):
        with pytest.raises(PortInUseError, match=rf"alpha\.coreenterprise chaincode server 127\.0\.0\.1:{port}"):
            net.deploy_chaincode(name="alpha", contract=FEATURES)
    assert ledger_steps(net) == [] and net.supervisor.started == []
    assert not (data_root / "chaincode" / "alpha").exists()


def test_status_and_logs_find_the_servers_a_deploy_stopped_before_its_commit_left_running(topology, tmp_path,
                                                                                           fake_fabric, supervisor):
    sup, start = supervisor
    folder = tmp_path / "chaincode" / "alpha" / "bank"
    ccservers.record_port_offset(tmp_path, "alpha", 10)
    pid, _ = start(ProcessSpec("alpha.bank", SLEEPER, {}, folder / "server.log", folder / "server.pid"))
    net = Network(topology, data_root=tmp_path, fabric=FabricInstall.locate(), supervisor_=sup)
    [row] = [row for row in net.status() if row.kind == "chaincode"]
    assert (row.name, row.org, row.address, row.pid, row.healthy) == ("alpha.bank", "BankMSP", "127.0.0.1:10003",
                                                                      pid, False)
    assert row.log == folder / "server.log" == net.log_path("alpha.bank")
    assert net.down() == ["alpha.bank"]
    assert [row.name for row in net.status() if row.kind == "chaincode"] == []
    assert net.log_path("alpha.bank") == folder / "server.log"       # its log stays readable once it is stopped


# ---- down: every node that runs --------------------------------------------------------------------------------

def test_down_stops_a_node_of_an_org_taken_out_of_the_topology(topology, tmp_path, fake_fabric, supervisor):
    sup, start = supervisor
    for name in ("peer0.bank", "peer0.regulator"):
        dirs = nodeconfig.node_dirs(tmp_path, name)
        start(ProcessSpec(name, SLEEPER, {}, dirs.log, dirs.pid))
    edited = topology.model_copy(update={"orgs": [o for o in topology.orgs if o.name != "regulator"]})
    lines = []
    stopped = Network(edited, data_root=tmp_path, fabric=FabricInstall.locate(), supervisor_=sup,
                      say=lines.append).down()
    assert stopped == ["peer0.regulator", "peer0.bank"]
    assert lines == ["stopped peer0.regulator (a node the topology no longer names)", "stopped peer0.bank"]
    assert sup.running_pid(nodeconfig.node_dirs(tmp_path, "peer0.regulator").pid) is None


def test_status_marks_each_node_the_topology_no_longer_names_with_what_is_known_of_it(topology, tmp_path, fake_fabric,
                                                                                      supervisor, monkeypatch):
    sup, start = supervisor
    # an orderer in no topology, named freely: its kind is told by the config write_node_config left it
    osn = dataclasses.replace(topology.node("orderer0.orderer"), name="osn3.orderer")
    nodeconfig.write_node_config(topology, tmp_path, osn, FabricInstall.locate().config_dir)
    pids = {}
    for name in ("peer0.bank", "peer0.regulator", "peer9.gone", "osn3.orderer"):
        dirs = nodeconfig.node_dirs(tmp_path, name)
        pids[name], _ = start(ProcessSpec(name, SLEEPER, {}, dirs.log, dirs.pid))
    edited = topology.model_copy(update={"orgs": [o for o in topology.orgs if o.name != "regulator"]})
    net = Network(edited, data_root=tmp_path, fabric=FabricInstall.locate(), supervisor_=sup)
    # the regulator's peer is still in the topology defined for the network, so its address is known; peer9.gone
    # and osn3.orderer are in no topology: only their name, kind, pid and log
    net.defined_topology = topology
    monkeypatch.setattr("network.probes.healthy", lambda address: True)
    rows = {row.name: row for row in net.status() if not row.in_topology}
    regulator = topology.node("peer0.regulator")
    assert {name: (r.org, r.kind, r.address, r.pid, r.healthy) for name, r in rows.items()} == {
        "peer0.regulator": (regulator.msp_id, "peer", regulator.address, pids["peer0.regulator"], True),
        "peer9.gone": ("", "peer", "", pids["peer9.gone"], False),
        "osn3.orderer": ("", "orderer", "", pids["osn3.orderer"], False)}
    assert rows["peer9.gone"].log == nodeconfig.node_dirs(tmp_path, "peer9.gone").log
    assert all(row.in_topology for row in net.status() if row.name == "peer0.bank")


def test_logs_finds_a_node_the_topology_no_longer_names_while_it_runs_and_once_stopped(topology, tmp_path,
                                                                                     fake_fabric, supervisor):
    sup, start = supervisor
    dirs = nodeconfig.node_dirs(tmp_path, "peer0.regulator")
    start(ProcessSpec("peer0.regulator", SLEEPER, {}, dirs.log, dirs.pid))
    edited = topology.model_copy(update={"orgs": [o for o in topology.orgs if o.name != "regulator"]})
    net = Network(edited, data_root=tmp_path, fabric=FabricInstall.locate(), supervisor_=sup)
    [row] = [row for row in net.status() if not row.in_topology]
    assert net.log_path("peer0.regulator") == row.log == dirs.log
    assert net.logs("peer0.regulator")[0].startswith("==== recfin: starting peer0.regulator at ")
    assert net.down() == ["peer0.regulator"] and not dirs.pid.exists()
    assert net.log_path("peer0.regulator") == dirs.log          # its log stays readable once it is stopped
    with pytest.raises(NodeNotFoundError):
        net.log_path("peer9.gone")                               # no folder of that name: none ran here


NAMED = NodeStatus("peer0.bank", "BankMSP", "peer", "127.0.0.1:9051", 11, True, 3, Path("a.log"))
UNNAMED = NodeStatus("peer9.gone", "", "peer", "", 12, False, None, Path("b.log"), in_topology=False)
OUTSIDE_LINE = ("running, but no longer in the topology: peer9.gone (`recfin network down` stops them with the whole "
                "network; to stop one alone: `kill -- -12` (peer9.gone))")


class NetworkWithANodeOutside:
    """What `up` and `status` get: a healthy node of the topology and an unhealthy one outside it."""

    data_root = Path("/srv/recfin")
    supervisor = Supervisor()      # its looks found no log past the limit it could not rotate

    def no_network_here(self):
        return None

    def status(self):
        return [NAMED, UNNAMED]

    up = status


def test_status_command_names_nodes_outside_the_topology_and_keeps_its_exit_status(monkeypatch):
    monkeypatch.setattr("cli.network_commands.open_network", lambda *args, **kwargs: NetworkWithANodeOutside())
    result = CliRunner().invoke(main, ["network", "status", "--json"])
    assert result.exit_code == 0, result.output
    assert [(row["name"], row["in_topology"]) for row in json.loads(result.stdout)] == [
        ("peer0.bank", True), ("peer9.gone", False)]
    assert result.stderr.splitlines() == [OUTSIDE_LINE]


def test_up_counts_only_the_topology_s_nodes_and_names_one_outside_it(monkeypatch, topology):
    monkeypatch.setattr(NetworkWithANodeOutside, "topology", topology, raising=False)
    monkeypatch.setattr("cli.network_commands.open_network", lambda *args, **kwargs: NetworkWithANodeOutside())
    result = CliRunner().invoke(main, ["network", "up"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "network up: 1/1 nodes healthy on channel receivables; data in /srv/recfin"
    assert "peer9.gone" in result.stdout and result.stderr.splitlines() == [OUTSIDE_LINE]


# ---- down --purge stopped midway -----------------------------------------------------------------------------

def a_data_folder(root: Path) -> Path:
    """A small data folder as `up` leaves it: marked, an org's CA, a node's log and ledger."""
    mark_data_root(root)
    org = crypto.OrgCrypto(root / "crypto" / "bank", domain="")
    org.ca_cert.parent.mkdir(parents=True)
    org.ca_cert.write_text("CA certificate")
    ledger = nodeconfig.node_dirs(root, "peer0.bank").data / "ledgersData" / "chains"
    ledger.mkdir(parents=True)
    (ledger / "blockfile_000000").write_bytes(b"blocks")
    nodeconfig.node_dirs(root, "peer0.bank").log.write_text("started\n")
    return root


@contextmanager
def stopped_at_deletion(monkeypatch, number: int):
    """Stop (raise Stopped) at the number-th file or folder deletion; yields a list that holds True once it did."""
    done, stopped = [0], []
    real = {"unlink": os.unlink, "rmdir": os.rmdir}

    def counted(name):
        def delete(*args, **kwargs):
            done[0] += 1
            if done[0] == number:
                stopped.append(True)
                raise Stopped()
            return real[name](*args, **kwargs)
        return delete
    with monkeypatch.context() as patched:
        for name in real:
            patched.setattr(os, name, counted(name))
        yield stopped


def purge_stopped_at_each_deletion(monkeypatch, root: Path, check) -> int:
    """Run remove_data_root stopped at its 1st, 2nd, ... deletion until it completes; check(root) after each stop,
    then the next purge must finish: the folder and what was set aside gone. Returns how many stops were made."""
    number = 0
    while True:
        number += 1
        a_data_folder(root)
        with stopped_at_deletion(monkeypatch, number) as stopped:
            try:
                remove_data_root(root, say=lambda _: None)
            except Stopped:
                pass
        if not stopped:
            assert not root.exists() and not purge_aside(root).exists()
            return number - 1
        check(root)
        assert data_root_removal_refused(root) is None          # `down --purge` takes what is left
        remove_data_root(root, say=lambda _: None)
        assert not root.exists() and not purge_aside(root).exists(), number


def test_a_purge_stopped_anywhere_leaves_no_folder_up_or_purge_refuses(tmp_path, monkeypatch):
    root = tmp_path / "net"

    def up_takes_it(root):
        if number_of_stops[0] == 0:
            assert not root.exists()            # moved aside before anything is deleted: `up` starts anew
        number_of_stops[0] += 1
        mark_data_root(root)                    # what `up` does first: refused (NetworkError) if not the network's
    number_of_stops = [0]
    assert purge_stopped_at_each_deletion(monkeypatch, root, up_takes_it) > 5


def test_a_purge_that_cannot_move_the_folder_aside_deletes_its_mark_last(tmp_path, monkeypatch):
    """A data folder that is a mount point cannot be renamed: it is emptied in place, and what a stop leaves in it
    still carries the mark."""
    root = tmp_path / "net"

    def mounted(*_args, **_kwargs):
        raise OSError(errno.EBUSY, "Device or resource busy")
    monkeypatch.setattr(os, "rename", mounted)

    def still_marked(root):
        assert not root.exists() or (root / DATA_ROOT_MARKER).is_file() or not any(root.iterdir())
        mark_data_root(root)
    assert purge_stopped_at_each_deletion(monkeypatch, root, still_marked) > 5


def test_a_folder_an_earlier_versions_purge_left_midway_is_refused_saying_so(tmp_path):
    """An earlier version deleted the mark among the first: what it left is not provably the network's, and the
    refusal says what it may be."""
    root = tmp_path / "net"
    (root / "crypto" / "bank" / "nodes" / "peer0.bank.recfin.local" / "msp").mkdir(parents=True)
    nodeconfig.node_dirs(root, "peer0.bank").root.mkdir(parents=True)
    nodeconfig.node_dirs(root, "peer0.bank").log.write_text("started\n")
    midway = r"an earlier version's `recfin network down --purge` stopped midway leaves a folder like this"
    with pytest.raises(NetworkError, match=midway):
        mark_data_root(root)
    assert data_root_removal_refused(root) is not None and midway.replace("\\", "") in str(
        data_root_removal_refused(root))
    (root / "plan.md").write_text("the operator's")         # not only what the network writes: no such guess
    with pytest.raises(NetworkError) as refused:
        mark_data_root(root)
    assert "stopped midway" not in str(refused.value)


# ---- status and down: their exit status, and a data folder that is not there ----------------------------------

@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("RECFIN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("RECFIN_FABRIC_HOME", str(tmp_path / "fabric"))
    for variable in ("RECFIN_FABRIC_BIN", "RECFIN_FABRIC_CFG", "RECFIN_TOPOLOGY"):
        monkeypatch.delenv(variable, raising=False)
    return tmp_path / "home"


NO_NETWORK = ("no network in {}: `recfin network up` starts one there; if one runs from another folder, check "
              "--topology / RECFIN_TOPOLOGY / RECFIN_HOME")


def test_status_of_a_data_folder_that_is_not_there_says_where_it_looked_how_to_start_one_and_fails(home):
    result = CliRunner().invoke(main, ["network", "status"])
    assert result.exit_code == 1 and result.output == f"Error: {NO_NETWORK.format(home / 'network')}\n"


def test_status_fails_while_a_node_is_not_healthy_and_still_shows_every_node(home, topology):
    (home / "network").mkdir(parents=True)
    result = CliRunner().invoke(main, ["network", "status", "--json"])
    assert result.exit_code == 1
    assert [row["name"] for row in json.loads(result.stdout)] == [node.name for node in topology.nodes()]
    assert result.stderr.startswith(f"{len(topology.nodes())} of {len(topology.nodes())} nodes not healthy: "
                                    "orderer0.orderer, ")


@pytest.mark.parametrize("counted, exit_code", [(False, 0), (True, 1)])
def test_status_fails_for_a_chaincode_server_down_only_where_it_counts(home, monkeypatch, counted, exit_code):
    """A server of a committed chaincode counts (its peer dials it for every transaction); one the network does not
    run (no package for its org, a deploy stopped before its commit) is shown only."""
    (home / "network").mkdir(parents=True)
    rows = [NodeStatus("orderer0.orderer", "OrdererMSP", "orderer", "127.0.0.1:7050", 1, True, 3, Path("a.log")),
            NodeStatus("receivables.bank", "BankMSP", "chaincode", "127.0.0.1:9993", None, False, None, Path("b"),
                       counted=counted)]
    monkeypatch.setattr(Network, "status", lambda _net: rows)
    result = CliRunner().invoke(main, ["network", "status"])
    assert result.exit_code == exit_code, result.output


def test_down_on_a_data_folder_that_is_not_there_says_so_not_that_ledgers_were_kept(home):
    for args in ([], ["--purge"]):
        result = CliRunner().invoke(main, ["network", "down", *args])
        assert result.exit_code == 0, result.output
        assert result.output == f"{NO_NETWORK.format(home / 'network')}; nothing stopped\n"


def test_down_purge_json_on_a_data_folder_that_is_not_there_says_nothing_was_purged(home):
    result = CliRunner().invoke(main, ["network", "down", "--purge", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["purged"] is False and result.stderr.endswith("; nothing stopped\n")
