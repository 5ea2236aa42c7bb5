"""deploy_chaincode's sequence of lifecycle calls, with the peer CLI's answers scripted.

The real calls are exercised by the integration tests against real peers; here the
seam is the Tools object (which runs the binaries) and the Supervisor (which starts
processes), so the order, the per-org identities and the sequence arithmetic are checked.
"""
import json
import socket
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from chaincode.receivables import config as contract
from network import ccservers, contract_config
from network.control import Network
from network.errors import ChaincodeError, PortInUseError
from network.fabric_bin import REPO_ROOT, FabricInstall

from .scripted_peer import ScriptedPeer


class RecordingSupervisor:
    def __init__(self, running=()):
        self.running = set(running)
        self.started, self.stopped = [], []
        self.now = 0.0          # time passes only when the code under test sleeps

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds

    def running_pid(self, pid_file):
        return 4242 if pid_file in self.running else None

    def start(self, spec):
        self.started.append(spec)
        self.running.add(spec.pid_file)
        return 4243, True

    def stop(self, pid_file):
        self.stopped.append(pid_file)
        self.running.discard(pid_file)
        return True

    def take_stopped_alongside(self):
        return []           # its stops and starts signal no process, so stop none besides

    def left_behind(self, pid_file):
        return ()           # no process it started outlives it

    def exited(self, pid_file):
        return False        # none of its processes dies unstopped

    def wait_until(self, check, **kwargs):
        return None


def scripted_network(topology, data_root) -> Network:
    """A Network of the topology whose peer CLI answers are scripted and whose processes are only recorded."""
    n = Network(topology, data_root=data_root, fabric=FabricInstall.locate(), supervisor_=RecordingSupervisor(),
                say=lambda _: None)
    n.tools = ScriptedPeer(topology)
    return n


@pytest.fixture
def net(topology, data_root, fake_fabric):
    return scripted_network(topology, data_root)


def verbs(peer, verb):
    return [c[:3] for c in peer.calls if c[0] == verb]


def test_first_deploy_installs_approves_each_org_and_commits_sequence_one(net, topology, data_root):
    result = net.deploy_chaincode(version="1.0")
    assert (result.sequence, result.changed) == (1, True)
    peer = net.tools
    assert {c[1] for c in verbs(peer, "install")} == set(peer.orgs)
    approvals = verbs(peer, "approveformyorg")
    assert [c[1] for c in approvals] == peer.orgs
    for verb, msp, args in approvals:
        assert args[args.index("--package-id") + 1] == result.package_ids[msp]
        assert args[args.index("--signature-policy") + 1] == contract_config.endorsement_policy(topology)
    assert len(set(result.package_ids.values())) == 4           # each org's package names its own server
    assert [c[1] for c in verbs(peer, "commit")] == ["CoreEnterpriseMSP"]
    started = net.supervisor.started
    assert [s.env["CHAINCODE_ID"] for s in started] == [result.package_ids[m] for m in peer.orgs]
    assert ccservers.load_deployment(data_root, "receivables").sequence == 1


@contextmanager
def holding(host: str, port: int):
    """host:port held (listening) for the block, as another program would hold it; skipped when already taken."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        pytest.skip(f"port {port} is taken by something else on this machine")
    sock.listen(1)
    try:
        yield
    finally:
        sock.close()


def test_a_busy_operations_port_stops_the_deploy_before_its_server_starts(net, topology):
    org = topology.orgs[0]
    operations_port = org.chaincode_server_port + ccservers.OPERATIONS_PORT_SHIFT
    with holding(topology.listen_host, operations_port):
        with pytest.raises(PortInUseError, match=rf"chaincode operations endpoint \(the org's chaincode_server_port "
                                                 rf"\+ 1000\) {topology.listen_host}:{operations_port}"):
            net.deploy_chaincode()
    assert net.supervisor.started == []


def test_servers_start_before_the_commit(net):
    order = []
    real_commit = net.tools.run

    def run(tool, args, env=None, **kw):
        if args[2] == "commit":
            order.append(("commit", len(net.supervisor.started)))
        return real_commit(tool, args, env, **kw)

    net.tools.run = run
    net.deploy_chaincode()
    assert order == [("commit", 4)]


def test_deploying_the_same_again_changes_nothing(net):
    net.deploy_chaincode()
    before = len(net.tools.calls)
    again = net.deploy_chaincode()
    assert again.changed is False and again.sequence == 1
    assert [c[0] for c in net.tools.calls[before:]] == ["querycommitted"]


def test_deploying_the_same_again_says_the_running_servers_keep_the_code_they_started_with(net):
    """A ccaas package names the servers, not the contract's code: deployed again after that code changed (the
    checkout pulled), the definition is the same, and the servers running go on with the code they started with."""
    said = []
    net.say = said.append
    net.deploy_chaincode()
    start = net.supervisor.start            # as Supervisor.start: a server already running is kept
    net.supervisor.start = lambda spec: (4242, False) if spec.pid_file in net.supervisor.running else start(spec)
    net.supervisor.running.discard(net._server_spec(ccservers.load_deployment(net.data_root, "receivables"),
                                                    "bank").pid_file)
    del said[:]
    assert net.deploy_chaincode().changed is False
    assert said[-1] == ("  receivables.coreenterprise, receivables.supplier, receivables.regulator already ran and "
                        "go on with the contract code they started with: after a change to that code, `recfin "
                        "chaincode restart --name receivables` runs it, or a deploy with a new --version makes it a "
                        "new definition, which every org approves")


def test_a_new_version_upgrades_with_the_next_sequence_and_replaces_servers(net, data_root, topology):
    first = net.deploy_chaincode(version="1.0")
    net.supervisor.started.clear()
    second = net.deploy_chaincode(version="1.1")
    tagged = f"1.1+cfg.{contract_config.digest(topology)[:12]}"       # the version names the configuration
    assert (second.sequence, second.changed, second.version) == (2, True, tagged)
    assert set(first.package_ids.values()).isdisjoint(second.package_ids.values())
    assert len(net.supervisor.stopped) == 4                    # old servers replaced
    assert [s.env["CHAINCODE_ID"].split(":")[0] for s in net.supervisor.started] == [f"receivables_{tagged}"] * 4
    assert (net.tools.committed["sequence"], net.tools.committed["version"]) == (2, tagged)
    assert ccservers.load_deployment(data_root, "receivables").version == tagged


def tagged(version: str, topology) -> str:
    return f"{version}+cfg.{contract_config.digest(topology)[:12]}"


def test_a_deploy_given_no_version_after_an_upgrade_keeps_its_version_and_changes_nothing(net, data_root):
    net.deploy_chaincode()
    upgraded = net.deploy_chaincode(version="1.1")
    before = len(net.tools.calls)
    again = net.deploy_chaincode()
    assert (again.version, again.sequence, again.changed) == (upgraded.version, 2, False)
    assert [c[0] for c in net.tools.calls[before:]] == ["querycommitted"]     # no approval round, no commit
    assert ccservers.load_deployment(data_root, "receivables").version == tagged("1.1", net.topology)
    # and `recfin chaincode config` names the version such a deploy gives, so it reads as deployed
    assert contract_config.report(net.topology, data_root)["version"] == upgraded.version


def test_a_changed_setting_deployed_given_no_version_keeps_the_deployed_version_s_number(net):
    net.deploy_chaincode(version="1.1")
    settings = net.topology.contract.model_copy(update={"max_payment_term_days": 90})
    net.topology = net.topology.model_copy(update={"contract": settings})
    changed = net.deploy_chaincode()
    assert (changed.version, changed.sequence, changed.changed) == (tagged("1.1", net.topology), 2, True)
    assert net.tools.committed["version"] == tagged("1.1", net.topology)


def test_a_version_given_still_sets_it_and_the_topology_s_new_one_is_taken(net, data_root):
    net.deploy_chaincode(version="1.1")
    assert net.deploy_chaincode(version="1.0").version == tagged("1.0", net.topology)
    net.deploy_chaincode(version="1.1")
    chaincode = net.topology.chaincode.model_copy(update={"version": "2.0"})    # topology.yaml edited since
    net.topology = net.topology.model_copy(update={"chaincode": chaincode})
    result = net.deploy_chaincode()
    assert (result.version, result.sequence, result.changed) == (tagged("2.0", net.topology), 4, True)


def test_a_record_older_than_the_topology_s_version_in_it_keeps_its_version_and_gets_it(net, data_root):
    net.deploy_chaincode(version="1.1")
    recorded = ccservers.load_deployment(data_root, "receivables")
    ccservers.save_deployment(data_root, replace(recorded, topology_version=None))
    assert net.deploy_chaincode().changed is False
    assert ccservers.load_deployment(data_root, "receivables") == recorded     # its topology_version kept


def test_channel_policy_leaves_out_the_signature_policy(net):
    net.deploy_chaincode(signature_policy=None)
    assert all("--signature-policy" not in args for _, _, args in verbs(net.tools, "approveformyorg"))


def test_missing_approvals_stop_before_commit(net):
    net.tools.refuse = {"RegulatorMSP"}
    with pytest.raises(ChaincodeError, match="lacks approvals from RegulatorMSP after 60s on every peer"):
        net.deploy_chaincode()
    assert not verbs(net.tools, "commit")
    assert net.supervisor.now >= 60


def test_the_commit_waits_until_every_peer_sees_every_approval(net, monkeypatch):
    # each approval waits for its own org's peer only: another peer a block behind answers without it
    answer = net.tools._checkcommitreadiness
    behind = {"BankMSP": 3}

    def readiness(msp, args, env):
        result = answer(msp, args, env)
        if behind.get(msp) and len(verbs(net.tools, "approveformyorg")) == 4:
            behind[msp] -= 1
            approvals = json.loads(result.stdout)["approvals"]
            return type(result)(json.dumps({"approvals": {**approvals, "RegulatorMSP": False}}), "", 0)
        return result
    monkeypatch.setattr(net.tools, "_checkcommitreadiness", readiness)
    net.deploy_chaincode()
    asked = [call[1] for call in verbs(net.tools, "checkcommitreadiness")]
    assert asked.count("BankMSP") == 4 and behind == {"BankMSP": 0}   # three answers a block behind, then caught up
    assert [c[1] for c in verbs(net.tools, "commit")] == ["CoreEnterpriseMSP"]
    assert net.supervisor.now == 1.5


def test_collections_config_must_exist(net, tmp_path):
    with pytest.raises(ChaincodeError, match="not found"):
        net.deploy_chaincode(collections_config=tmp_path / "absent.json")
    cfg = tmp_path / "collections.json"
    cfg.write_text("[]")
    net.deploy_chaincode(collections_config=cfg)
    args = verbs(net.tools, "approveformyorg")[0][2]
    assert args[args.index("--collections-config") + 1] == str(cfg.resolve())


def test_the_topologys_chaincode_is_approved_with_the_collections_derived_from_its_orgs(net, topology, data_root):
    net.deploy_chaincode()
    args = verbs(net.tools, "approveformyorg")[0][2]
    written = data_root / "chaincode" / "receivables" / "collections_config.json"
    assert args[args.index("--collections-config") + 1] == str(written.resolve())
    shipped = REPO_ROOT / "chaincode" / "receivables" / "collections_config.json"
    assert json.loads(written.read_text()) == json.loads(shipped.read_text())


def test_a_topology_naming_a_collections_file_is_approved_with_that_file(net, topology, tmp_path):
    fixed = tmp_path / "fixed.json"
    fixed.write_text("[]")
    net.topology = topology.model_copy(update={"chaincode": topology.chaincode.model_copy(
        update={"collections_config": fixed})})
    net.deploy_chaincode()
    args = verbs(net.tools, "approveformyorg")[0][2]
    assert args[args.index("--collections-config") + 1] == str(fixed)


def test_every_server_runs_the_written_configuration_the_version_names(net, data_root):
    result = net.deploy_chaincode()
    cfg = contract.read_config(data_root / "chaincode" / "receivables" / "network_config.json")
    assert cfg == contract.DEFAULT_CONFIG
    config_file = data_root / "chaincode" / "receivables" / f"network_config.{contract.digest(cfg)[:12]}.json"
    assert contract.read_config(config_file) == cfg
    assert result.version == contract.tagged_version("1.0", cfg)
    for spec in net.supervisor.started:
        assert spec.env[contract.CONFIG_ENV] == str(config_file)
        assert contract.load_config(spec.env) == cfg          # the server's own check passes
    assert ccservers.load_deployment(data_root, "receivables").network_config_sha256 == contract.digest(cfg)


def test_changing_a_contract_setting_is_a_new_sequence_with_restarted_servers(net, topology, data_root):
    first = net.deploy_chaincode()
    net.supervisor.started.clear()
    net.topology = topology.model_copy(update={"contract": topology.contract.model_copy(
        update={"require_attestation": True, "attestation_sources": ("reference-tax",)})})
    second = net.deploy_chaincode()
    assert (second.sequence, second.changed) == (2, True)
    assert second.version != first.version and second.version.startswith("1.0+cfg.")
    written = contract.read_config(data_root / "chaincode" / "receivables" / "network_config.json")
    assert written.require_attestation and written.attestation_sources == ("reference-tax",)
    assert len(net.supervisor.started) == 4 and len(net.supervisor.stopped) == 4
    assert all(contract.load_config(s.env) == written for s in net.supervisor.started)


def test_a_server_given_another_file_than_its_package_names_refuses_to_start(net, data_root):
    net.deploy_chaincode()
    env = dict(net.supervisor.started[0].env)
    config_file = Path(env[contract.CONFIG_ENV])
    config_file.write_text(contract.to_json(contract.DEFAULT_CONFIG.model_copy(update={"max_payment_term_days": 30})))
    with pytest.raises(contract.NetworkConfigError, match="is not cfg\\."):
        contract.load_config(env)


@pytest.mark.parametrize("stop", [ChaincodeError("peer lifecycle chaincode commit failed: timeout"),
                                  KeyboardInterrupt()], ids=["commit fails", "interrupted"])
def test_an_upgrade_whose_commit_does_not_happen_leaves_the_servers_the_configuration_in_force(
        net, topology, data_root, stop):
    net.deploy_chaincode()
    old = ccservers.load_deployment(data_root, "receivables")
    net.topology = topology.model_copy(update={"contract": topology.contract.model_copy(
        update={"require_attestation": True})})
    run = net.tools.run

    def commit_stops(tool, args, env=None, **kw):
        if args[:3] == ["lifecycle", "chaincode", "commit"]:
            raise stop
        return run(tool, args, env, **kw)
    net.tools.run = commit_stops
    with pytest.raises(type(stop)):
        net.deploy_chaincode()
    assert ccservers.load_deployment(data_root, "receivables") == old          # the channel's definition is the old
    net.tools.run = run
    net.topology = topology
    net.supervisor.started.clear()
    net.start_chaincode_servers(restart=True)
    for spec in net.supervisor.started:
        assert spec.env["CHAINCODE_ID"] == old.package_ids[topology.org(spec.name.split(".")[1]).msp_id]
        assert contract.load_config(spec.env) == contract.DEFAULT_CONFIG        # the approved one: its check passes
    assert not contract.read_config(data_root / "chaincode" / "receivables" / "network_config.json").require_attestation


def test_a_deployment_recorded_before_the_configuration_files_runs_with_network_config_json(net, data_root):
    net.deploy_chaincode()
    folder = data_root / "chaincode" / "receivables"
    for served in folder.glob("network_config.*.json"):
        served.unlink()             # as the version before them left the folder
    net.supervisor.started.clear()
    net.start_chaincode_servers(restart=True)
    assert {s.env[contract.CONFIG_ENV] for s in net.supervisor.started} == {str(folder / "network_config.json")}
    assert all(contract.load_config(s.env) == contract.DEFAULT_CONFIG for s in net.supervisor.started)


def test_another_chaincode_gets_no_collections_unless_given(net):
    net.deploy_chaincode(name="features", contract="chaincode.feature_contract:FeatureContract")
    assert all("--collections-config" not in args for _, _, args in verbs(net.tools, "approveformyorg"))


def test_another_chaincode_keeps_its_version_and_runs_without_the_contract_configuration(net):
    result = net.deploy_chaincode(name="features", contract="chaincode.feature_contract:FeatureContract",
                                  version="2.0")
    assert result.version == "2.0"
    assert all(contract.CONFIG_ENV not in s.env for s in net.supervisor.started)


def test_a_commit_whose_record_was_lost_is_recorded_not_committed_again(net, data_root):
    """The CLI's wait timed out after the commit landed (or the run was killed): the same deploy again
    commits nothing; it records the definition in force and ensures its servers."""
    first = net.deploy_chaincode(version="1.0")
    ccservers.state_file(data_root, "receivables").unlink()
    before = len(net.tools.calls)
    again = net.deploy_chaincode(version="1.0")
    assert (again.sequence, again.changed) == (1, False)
    assert net.tools.committed["sequence"] == 1 and not verbs(net.tools, "commit")[1:]
    assert [c[0] for c in net.tools.calls[before:]] == ["querycommitted", "queryapproved", "approveformyorg"]
    recorded = ccservers.load_deployment(data_root, "receivables")
    assert (recorded.sequence, recorded.package_ids) == (1, first.package_ids)
    assert net.deploy_chaincode(version="1.0").changed is False            # and from the record from now on


def test_a_lost_record_of_another_definition_is_a_new_sequence(net, data_root):
    net.deploy_chaincode(version="1.0")
    ccservers.state_file(data_root, "receivables").unlink()
    other = net.deploy_chaincode(version="1.0", signature_policy="AND('BankMSP.peer', 'SupplierMSP.peer')")
    assert (other.sequence, other.changed) == (2, True)         # the channel refused the policy as different
    assert net.tools.committed["sequence"] == 2


def test_a_lost_record_whose_package_differs_is_a_new_sequence_without_touching_the_approval(net, data_root):
    net.deploy_chaincode(version="1.0")
    ccservers.state_file(data_root, "receivables").unlink()
    first_org = net.topology.orgs[0].msp_id
    net.tools.approved_packages[(first_org, 1)] = "receivables_1.0:another-package"
    before = len(net.tools.calls)
    again = net.deploy_chaincode(version="1.0")
    assert (again.sequence, again.changed) == (2, True)
    assert not [c for c in net.tools.calls[before:] if c[0] == "approveformyorg" and "1" ==
                c[2][c[2].index("--sequence") + 1]]


def test_a_peer_that_never_sees_an_approval_is_named(net, monkeypatch):
    answer = net.tools._checkcommitreadiness

    def readiness(msp, args, env):
        result = answer(msp, args, env)
        if msp != "BankMSP":
            return result
        approvals = json.loads(result.stdout)["approvals"]
        return type(result)(json.dumps({"approvals": {**approvals, "SupplierMSP": False}}), "", 0)
    monkeypatch.setattr(net.tools, "_checkcommitreadiness", readiness)
    with pytest.raises(ChaincodeError, match=r"lacks approvals from SupplierMSP after 60s on peer0\.bank, a block "
                                             r"behind the others: see `recfin network logs` of those peers"):
        net.deploy_chaincode()
    assert not verbs(net.tools, "commit")


def _stopped_after_every_approval(net) -> None:
    """A deploy that stopped after every org approved, its first server's port taken; the port then freed."""
    start = net._start_server

    def port_taken(spec):
        raise ChaincodeError("port taken")
    net._start_server = port_taken
    with pytest.raises(ChaincodeError, match="port taken"):
        net.deploy_chaincode()
    net._start_server = start


def test_a_rerun_whose_packages_changed_approves_them_again_for_the_same_sequence(net, topology, data_root):
    """A deploy stopped after every org approved (a server's port was taken); the operator moves the servers'
    ports, which changes every org's package but not the definition. The rerun approves sequence 1 again with the
    new packages, as their servers register, not the packages the stopped run approved."""
    _stopped_after_every_approval(net)
    stale = dict(net.tools.approved_packages)
    net.topology = topology.model_copy(update={"orgs": [
        org.model_copy(update={"chaincode_server_port": org.chaincode_server_port + 500}) for org in topology.orgs]})
    result = net.deploy_chaincode()
    assert result.sequence == 1 and net.tools.committed["sequence"] == 1
    for org in topology.orgs:
        assert stale[(org.msp_id, 1)] != result.package_ids[org.msp_id]
        assert net.tools.approved_packages[(org.msp_id, 1)] == result.package_ids[org.msp_id]
    assert {s.env["CHAINCODE_ID"] for s in net.supervisor.started} == set(result.package_ids.values())


def test_a_rerun_after_every_approval_approves_nothing_again(net):
    _stopped_after_every_approval(net)
    approvals = len(verbs(net.tools, "approveformyorg"))
    assert net.deploy_chaincode().sequence == 1
    assert len(verbs(net.tools, "approveformyorg")) == approvals


def test_a_restart_passes_over_an_org_the_deployment_has_no_package_for_saying_how_to_finish(net, data_root):
    """An org joined after the deploy, and its `org add` stopped before its chaincode step: the record has no
    package for it. Its server is not started with an empty CHAINCODE_ID (it would exit at once, and the
    servers after it would not start); the others are, and the way to finish is named."""
    lines = []
    net.say = lines.append
    net.deploy_chaincode(name="features", contract="chaincode.feature_contract:FeatureContract")
    dep = ccservers.load_deployment(data_root, "features")
    del dep.package_ids["BankMSP"]
    ccservers.save_deployment(data_root, dep)
    net.supervisor.started.clear()
    restarted = net.start_chaincode_servers("features", restart=True)
    assert restarted == ["features.coreenterprise", "features.supplier", "features.regulator"]
    assert all(spec.env["CHAINCODE_ID"] for spec in net.supervisor.started)
    assert any("features.bank: not started, features has no package for BankMSP" in line
               and "`recfin org add bank ...` again" in line for line in lines)


def test_another_contract_under_the_same_version_replaces_the_running_servers(net, data_root):
    """A ccaas package names the servers, not the contract they run: deployed again with another --contract and
    the same --version, the packages are the same, so the servers running the old contract were kept while the
    definition committed as a new sequence and the record named the new contract."""
    first = net.deploy_chaincode(name="features", contract="chaincode.feature_contract:FeatureContract",
                                 version="1.0")
    net.supervisor.started.clear()
    start = net.supervisor.start            # as Supervisor.start: a server already running is kept
    net.supervisor.start = lambda spec: (4242, False) if spec.pid_file in net.supervisor.running else start(spec)
    second = net.deploy_chaincode(name="features", contract="chaincode.receivables:ReceivablesContract",
                                  version="1.0")
    assert (second.sequence, second.changed, second.package_ids) == (2, True, first.package_ids)
    assert len(net.supervisor.stopped) == 4
    assert [s.argv[-1] for s in net.supervisor.started] == ["chaincode.receivables:ReceivablesContract"] * 4
