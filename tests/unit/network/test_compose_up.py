"""`recfin network compose-up`: the compose network's joins and chaincode, driven from the Docker machine.

The Fabric CLIs are scripted (scripted_peer.py, scripted_osnadmin.py; the seam is the Tools object)
and each node's operations endpoint is a local HTTP stand-in answering /healthz and /metrics. What
is checked is what an operator on the Docker machine would run, call by call: the nodes at
localhost on the ports docker-compose.yaml publishes, as which admin, in which order; that a second
run changes nothing; and that a failure names the node and what to look at.
"""
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from network import ccservers, compose, contract_config
from network.compose_status import compose_status
from network.compose_up import ComposeUp, start_containers
from network.errors import NetworkError, NodeTimeoutError, ToolError
from network.fabric_bin import REPO_ROOT, FabricInstall
from network.topology import load, parse

from .operations_stand_in import CHANNEL, with_operations_ports
from .scripted_docker import NO_DAEMON, ScriptedDocker
from .scripted_heights import OsnadminAt, PeerAt
from .scripted_osnadmin import ScriptedFabric, ScriptedOsnadmin
from .scripted_peer import ScriptedPeer


@pytest.fixture
def topology(operations):
    """topology.yaml with each node's operations port moved to its stand-in; every other port as published. The
    leader is orderer1, not the first orderer, so that a report naming it shows it was asked, not assumed."""
    operations.leader = "orderer1.orderer"
    return parse(with_operations_ports(load().model_dump(mode="json", exclude_none=True), operations))


@pytest.fixture
def data_root(hosts_data) -> Path:
    """Here the data folder is the compose network's."""
    return hosts_data


@pytest.fixture
def fabric(fake_fabric) -> ScriptedFabric:
    return ScriptedFabric(ScriptedPeer(load(), fabric=FabricInstall.locate()), ScriptedOsnadmin(CHANNEL))


class FakeClock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def compose_up(topology, data_root, fabric, lines=None, **kwargs) -> ComposeUp:
    clock = FakeClock()
    return ComposeUp(topology, data_root, fabric, say=(lines.append if lines is not None else lambda _: None),
                     timeout=kwargs.pop("timeout", 5), poll_interval=0.5, clock=clock, sleep=clock.sleep, **kwargs)


def steps(fabric: ScriptedFabric) -> list[tuple]:
    """Each call as (tool, verb, who): the admin endpoint for osnadmin, MSP ID and peer for `peer`."""
    out = []
    for tool, args, env in fabric.calls:
        if tool == "osnadmin":
            out.append(("osnadmin", f"{args[0]} {args[1]}", args[args.index("-o") + 1]))
        else:
            verb = args[2] if args[0] == "lifecycle" else f"{args[0]} {args[1]}"
            out.append(("peer", verb, env["CORE_PEER_LOCALMSPID"], env["CORE_PEER_ADDRESS"]))
    return out


ORDERERS = ["localhost:7053", "localhost:7153", "localhost:7253"]
PEERS = [("CoreEnterpriseMSP", "localhost:7051"), ("SupplierMSP", "localhost:8051"), ("BankMSP", "localhost:9051"),
         ("RegulatorMSP", "localhost:10051")]


# ---- the whole run -----------------------------------------------------------------------------

def test_a_fresh_compose_network_is_joined_and_deployed_call_by_call(topology, data_root, fabric, hosts):
    lines = []
    report = compose_up(topology, data_root, fabric, lines).run()
    approve = ["queryinstalled", "install", "querycommitted", "checkcommitreadiness", "approveformyorg",
               "checkcommitreadiness"]
    first = PEERS[0]
    assert steps(fabric) == [
        *[("osnadmin", verb, a) for a in ORDERERS for verb in ("channel list", "channel join")],
        *[("peer", verb, msp, a) for msp, a in PEERS for verb in ("channel list", "channel join")],
        *[("peer", verb, msp, a) for msp, a in PEERS for verb in approve],
        *[("peer", verb, *first) for verb in ("querycommitted", "querycommitted", "checkcommitreadiness", "commit",
                                               "querycommitted")],
    ]
    version = contract_config.definition_version(hosts)
    assert report.summary() == {
        "channel": CHANNEL, "chaincode": "receivables", "version": version, "sequence": 1,
        "raft_leader": "orderer1.orderer", "changed": True,
        "orderers_joined_now": ["orderer0.orderer", "orderer1.orderer", "orderer2.orderer"],
        "peers_joined_now": ["peer0.bank", "peer0.coreenterprise", "peer0.regulator", "peer0.supplier"],
        "installed_now": sorted(m for m, _ in PEERS), "approved_now": sorted(m for m, _ in PEERS),
        "committed_now": True}
    assert fabric.peer.committed["version"] == version
    assert "  orderer0.orderer (localhost:7053): joined receivables" in lines
    assert "  Raft leader: orderer1.orderer" in lines


def test_the_orderer_join_is_deployment_md_s_osnadmin_line(topology, data_root, fabric):
    compose_up(topology, data_root, fabric).run()
    join = next(args for tool, args, _ in fabric.calls if tool == "osnadmin" and args[1] == "join")
    admin_tls = data_root / "crypto/orderer/users/admin@orderer.recfin.local/tls"
    assert join == ["channel", "join", "--channelID", CHANNEL, "--config-block", str(data_root / "channel/receivables.block"),
                    "-o", "localhost:7053", "--ca-file", str(data_root / "crypto/orderer/tlsca/tlsca.pem"),
                    "--client-cert", str(admin_tls / "client.crt"), "--client-key", str(admin_tls / "client.key")]


def test_each_peer_joins_as_its_orgs_admin_with_the_folders_block(topology, data_root, fabric, fake_fabric):
    compose_up(topology, data_root, fabric).run()
    joins = [(args, env) for tool, args, env in fabric.calls if tool == "peer" and args[:2] == ["channel", "join"]]
    args, env = joins[1]
    assert args == ["channel", "join", "-b", str(data_root / "channel/receivables.block")]
    assert {k: env[k] for k in ("CORE_PEER_LOCALMSPID", "CORE_PEER_ADDRESS", "CORE_PEER_TLS_ENABLED",
                                "CORE_PEER_TLS_ROOTCERT_FILE", "CORE_PEER_MSPCONFIGPATH")} == {
        "CORE_PEER_LOCALMSPID": "SupplierMSP", "CORE_PEER_ADDRESS": "localhost:8051", "CORE_PEER_TLS_ENABLED": "true",
        "CORE_PEER_TLS_ROOTCERT_FILE": str(data_root / "crypto/supplier/tlsca/tlsca.pem"),
        "CORE_PEER_MSPCONFIGPATH": str(data_root / "crypto/supplier/users/admin@supplier.recfin.local/msp")}
    # The CLI's client settings are the Fabric install's base core.yaml.
    assert (Path(env["FABRIC_CFG_PATH"]) / "core.yaml").read_text() == (fake_fabric / "config/core.yaml").read_text()


def test_approve_and_commit_use_the_prepared_packages_and_the_derived_definition(topology, data_root, fabric, hosts):
    compose_up(topology, data_root, fabric).run()
    calls = [(args, env) for tool, args, env in fabric.calls if tool == "peer" and args[0] == "lifecycle"]
    approvals = [(args, env) for args, env in calls if args[2] == "approveformyorg"]
    args, env = approvals[1]
    flag = {args[i]: args[i + 1] for i in range(3, len(args) - 1) if args[i].startswith("-")}
    env_file = data_root / "chaincode/receivables/supplier/chaincode.env"
    assert env["CORE_PEER_LOCALMSPID"] == "SupplierMSP"
    assert flag["--package-id"] == env_file.read_text().strip().removeprefix("CHAINCODE_ID=")
    assert flag["--version"] == contract_config.definition_version(hosts) and flag["--sequence"] == "1"
    assert flag["--signature-policy"] == contract_config.endorsement_policy(hosts)
    assert flag["--collections-config"] == str(data_root / "chaincode/receivables/collections_config.json")
    assert (flag["-o"], flag["--ordererTLSHostnameOverride"]) == ("localhost:7050", "orderer0.orderer.recfin.local")
    assert flag["--cafile"] == str(data_root / "crypto/orderer/tlsca/tlsca.pem")
    commit = next(args for args, _ in calls if args[2] == "commit")
    pairs = [(commit[i + 1], commit[i + 3]) for i, a in enumerate(commit) if a == "--peerAddresses"]
    assert pairs == [(address, str(data_root / "crypto" / org / "tlsca/tlsca.pem"))
                     for org, (_, address) in zip(("coreenterprise", "supplier", "bank", "regulator"), PEERS)]


def test_a_second_run_changes_nothing_and_says_so(topology, data_root, fabric):
    compose_up(topology, data_root, fabric).run()
    fabric.calls.clear()
    lines = []
    report = compose_up(topology, data_root, fabric, lines).run()
    assert not report.changed and report.sequence == 1
    changing = {"channel join", "install", "approveformyorg", "commit"}
    assert [s for s in steps(fabric) if s[1] in changing] == []
    assert "  orderer2.orderer (localhost:7253): already joined receivables" in lines
    assert "  peer0.bank (localhost:9051): already joined receivables" in lines
    assert "  already committed at sequence 1" in lines
    assert any(line.endswith(": already installed") and "BankMSP" in line for line in lines)


def test_a_run_resumes_where_an_earlier_one_stopped(topology, data_root, fabric):
    fabric.osnadmin.joined = {"localhost:7053"}
    fabric.peer.approved = {"CoreEnterpriseMSP", "SupplierMSP"}
    registers_as = {msp: (data_root / f"chaincode/receivables/{org}/chaincode.env").read_text().strip()
                    .removeprefix("CHAINCODE_ID=")
                    for msp, org in (("CoreEnterpriseMSP", "coreenterprise"), ("SupplierMSP", "supplier"))}
    fabric.peer.approved_packages = {(msp, 1): package for msp, package in registers_as.items()}
    report = compose_up(topology, data_root, fabric).run()
    assert report.orderers_joined == {"orderer0.orderer": False, "orderer1.orderer": True, "orderer2.orderer": True}
    assert report.approved == {"CoreEnterpriseMSP": False, "SupplierMSP": False, "BankMSP": True, "RegulatorMSP": True}
    assert report.committed_now


# ---- failures: one line naming what failed -------------------------------------------------------

def test_a_node_not_healthy_in_time_is_named_with_where_to_look(topology, data_root, fabric, operations):
    operations.unhealthy.add("peer0.bank")
    with pytest.raises(NodeTimeoutError) as failure:
        compose_up(topology, data_root, fabric, timeout=2).run()
    message = str(failure.value)
    assert message == (f"peer0.bank did not answer /healthz at localhost:{operations.port('peer0.bank')} with OK "
                       f"within 2s: see `docker ps -a` and `docker logs peer0.bank.recfin.local`")
    assert fabric.calls == []         # nothing joined before every node is healthy


def test_no_raft_leader_in_time_is_reported_after_the_joins(topology, data_root, fabric, operations):
    operations.leader = None
    with pytest.raises(NodeTimeoutError, match=r"^no Raft leader on receivables within 2s after the orderers joined: "
                                               r"see `docker logs orderer0.orderer.recfin.local`$"):
        compose_up(topology, data_root, fabric, timeout=2).run()
    assert {s[0] for s in steps(fabric)} == {"osnadmin"}


def test_a_refused_orderer_join_names_the_orderer_and_its_answer(topology, data_root, fabric):
    fabric.osnadmin.refuse["localhost:7153"] = (405, "cannot join: channel already exists in the system channel")
    with pytest.raises(ToolError) as failure:
        compose_up(topology, data_root, fabric).run()
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("orderer1.orderer (localhost:7153) did not join receivables: osnadmin channel join "
                              "on orderer1.orderer answered 405:")
    assert "orderer2" not in {s[2] for s in steps(fabric)}


def test_a_refused_peer_join_names_the_peer(topology, data_root, fabric):
    class Refusing(ScriptedPeer):
        def _channel_join(self, msp, args, env):
            if msp == "BankMSP":
                return self.refused("Error: proposal failed (err: bad proposal response 500: access denied)")
            return super()._channel_join(msp, args, env)

        def refused(self, line):
            from network.tools import Result
            return Result("", line, 1)

    scripted = ScriptedFabric(Refusing(load(), fabric=fabric.fabric), ScriptedOsnadmin(CHANNEL))
    with pytest.raises(ToolError, match=r"^peer0.bank \(localhost:9051\) did not join receivables: peer channel join "
                                        r"-b failed: Error: proposal failed .*access denied\)$"):
        compose_up(topology, data_root, scripted).run()


def test_a_folder_without_the_genesis_block_is_refused_before_any_call(topology, data_root, fabric):
    (data_root / "channel/receivables.block").unlink()
    with pytest.raises(NetworkError, match=r"receivables.block is missing: run `recfin network prepare --hostnames`"):
        compose_up(topology, data_root, fabric).run()
    assert fabric.calls == []


def test_a_folder_without_the_packages_is_refused_before_any_call(topology, prepared_hosts, tmp_path, fabric):
    root = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, root)
    with pytest.raises(NetworkError, match=r"is missing from .*coreenterprise .*run `recfin network prepare --hostnames`"):
        compose_up(topology, root, fabric).run()
    assert fabric.calls == []


def test_a_chaincode_env_that_names_another_package_is_refused(topology, data_root, fabric):
    (data_root / "chaincode/receivables/bank/chaincode.env").write_text("CHAINCODE_ID=receivables_0.9:abc\n")
    with pytest.raises(NetworkError, match=r"bank/chaincode.env does not name the ID of receivables_"):
        compose_up(topology, data_root, fabric).run()


# ---- what it dials agrees with docker-compose.yaml ----------------------------------------------

def test_every_address_it_dials_is_a_port_the_committed_compose_file_publishes(hosts):
    services = yaml.safe_load(compose.COMPOSE_FILE.read_text())["services"]
    view = compose.from_docker_host(hosts)
    for node, on_hosts in zip(view.nodes(), hosts.nodes()):
        service = services[on_hosts.hostname]             # the service and container are named by hostname
        assert service["hostname"] == on_hosts.hostname == node.hostname
        published = {int(p.rsplit(":", 2)[-2]): int(p.rsplit(":", 2)[-1]) for p in service["ports"]}
        dialled = [node.address, node.operations_address] + ([node.admin_address] if node.kind == "orderer" else [])
        for address in dialled:
            host, port = address.rsplit(":", 1)
            assert host == "localhost" and published.get(int(port)) == int(port), (node.name, address)
    orderer = view.orderers()[0]
    assert orderer.hostname in services       # what --ordererTLSHostnameOverride names


def test_certificates_name_localhost_so_tls_to_the_published_ports_verifies(prepared_hosts, hosts):
    from cryptography import x509

    for node in hosts.nodes():
        org = hosts.orderer_org.name if node.kind == "orderer" else node.org_name
        cert = x509.load_pem_x509_certificate(
            (prepared_hosts / "crypto" / org / "nodes" / node.hostname / "tls/server.crt").read_bytes())
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert "localhost" in names.get_values_for_type(x509.DNSName), node.name


# ---- docker compose up -d, only when asked -------------------------------------------------------

def test_start_runs_docker_compose_with_the_data_folder(tmp_path):
    calls = []

    def run(argv, **kwargs):
        calls.append((argv, kwargs["env"][compose.DATA_VARIABLE]))
        return subprocess.CompletedProcess(argv, 0, "", "")

    start_containers(compose.COMPOSE_FILE, tmp_path, lambda _: None, run)
    # fresh anonymous volumes: the images' /etc/hyperledger/fabric is the new image's, not the one it replaces;
    # and the containers of services the file no longer names (a removed org's) stopped and removed
    assert calls == [(["docker", "compose", "-f", str(compose.COMPOSE_FILE), "up", "-d", "--renew-anon-volumes",
                       "--remove-orphans"], str(tmp_path))]


# Where each node keeps what it must not lose across a restart, as Fabric's settings name it.
STATE_SETTINGS = {"peer": ("CORE_PEER_FILESYSTEMPATH", "CORE_LEDGER_SNAPSHOTS_ROOTDIR"),
                  "orderer": ("ORDERER_FILELEDGER_LOCATION", "ORDERER_CONSENSUS_WALDIR", "ORDERER_CONSENSUS_SNAPDIR")}


def test_renewing_the_anonymous_volumes_keeps_every_ledger_in_its_named_volume(hosts):
    """Without these settings Fabric writes under /var/hyperledger, an anonymous volume of the official images that
    `up -d --renew-anon-volumes` replaces by an empty one."""
    document = yaml.safe_load(compose.COMPOSE_FILE.read_text())
    for node in hosts.nodes():
        service = document["services"][node.hostname]
        [named] = [v.split(":") for v in service["volumes"] if v.split(":")[0] in document["volumes"]]
        assert named[0] == compose.data_volume(node)
        for setting in STATE_SETTINGS[node.kind]:
            path = service["environment"][setting]
            assert path == named[1] or path.startswith(named[1] + "/"), (node.name, setting, path)
    # and the chaincode servers' image keeps nothing it could lose
    assert not [line for line in (REPO_ROOT / "Dockerfile").read_text().splitlines()
                if line.startswith("VOLUME")]


def test_a_failed_docker_compose_up_gives_its_error_line(tmp_path):
    def run(argv, **kwargs):
        return subprocess.CompletedProcess(argv, 1, "", "pulling...\nError response from daemon: pull access denied\n")

    with pytest.raises(NetworkError, match=r"^docker compose up -d --renew-anon-volumes --remove-orphans failed: "
                                           r"Error response from "
                                           r"daemon: pull access denied$"):
        start_containers(compose.COMPOSE_FILE, tmp_path, lambda _: None, run)


# ---- compose-status: the same nodes, asked how they are ----------------------------------------

def containers(docker: ScriptedDocker, **states: str) -> None:
    """`docker container inspect` says "state health restarts" of the named chaincode server's container (by its
    row's name) and that every other one runs healthy, never restarted."""
    for name, state in states.items():
        docker.answer("inspect", server_containers()[name.replace("_", ".")], stdout=f"{state}\n")
    docker.answer("container", "inspect", stdout="running healthy 0\n")


def server_containers() -> dict[str, str]:
    """Each chaincode server's row name -> its container, named by the server's hostname as compose names it."""
    hosts = load().on_hosts()
    return {ccservers.server_name(hosts.chaincode.name, org.name): hosts.chaincode_server_host(org) for org in hosts.orgs}


SERVER_ROWS = ("receivables.coreenterprise", "receivables.supplier", "receivables.bank", "receivables.regulator")


def running(*, heights=None, orderers=ORDERERS) -> ScriptedFabric:
    """The CLIs of a channel every peer and the given orderers have joined."""
    peer = PeerAt(load(), fabric=FabricInstall.locate(), joined=[a for _, a in PEERS], heights=heights)
    return ScriptedFabric(peer, OsnadminAt(CHANNEL, joined=orderers))


def rows(topology, data_root, fabric) -> dict[str, tuple]:
    """name -> (healthy, height, member, raft_leader, problem)."""
    return {r.name: (r.healthy, r.height, r.member, r.raft_leader, r.problem)
            for r in compose_status(compose_up(topology, data_root, fabric))}


def test_a_running_compose_network_reports_every_node_healthy_at_one_height(topology, data_root, fake_fabric,
                                                                              docker):
    containers(docker)
    fabric = running()
    assert rows(topology, data_root, fabric) == {
        "orderer0.orderer": (True, 7, True, False, None), "orderer1.orderer": (True, 7, True, True, None),
        "orderer2.orderer": (True, 7, True, False, None),
        **{name: (True, 7, None, None, None)
           for name in ("peer0.coreenterprise", "peer0.supplier", "peer0.bank", "peer0.regulator")},
        **{name: (True, None, None, None, None) for name in SERVER_ROWS}}
    # Orderers through their admin endpoints; peers as their org's admin, at the published ports.
    assert steps(fabric) == [*[("osnadmin", "channel list", a) for a in ORDERERS for _ in (1, 2)],
                             *[("peer", "channel getinfo", msp, a) for msp, a in PEERS]]
    # chaincode servers publish no port: Docker is asked about their containers, one by one
    assert [call["args"] for call in docker.calls] == [
        ["container", "inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}"
         "{{else}}none{{end}} {{.RestartCount}}", server_containers()[name]] for name in SERVER_ROWS]


def test_status_needs_no_chaincode_package(topology, prepared_hosts, tmp_path, fake_fabric, docker):
    # a folder `prepare --hostnames` left before any package was written: the nodes can still be asked
    containers(docker)
    root = tmp_path / "hosts"
    shutil.copytree(prepared_hosts, root)
    fabric = running()
    assert {r.name: (r.healthy, r.height) for r in compose_status(compose_up(topology, root, fabric))} == {
        **{name: (True, 7) for name in ("orderer0.orderer", "orderer1.orderer", "orderer2.orderer",
                                        "peer0.coreenterprise", "peer0.supplier", "peer0.bank", "peer0.regulator")},
        **{name: (True, None) for name in SERVER_ROWS}}


def test_a_node_not_answering_is_a_row_saying_where_to_look(topology, data_root, fake_fabric, operations, docker):
    operations.unhealthy.add("peer0.bank")
    operations.servers["orderer2.orderer"].shutdown()       # no listener at all: the container is gone
    operations.servers["orderer2.orderer"].server_close()
    fabric = running()
    got = rows(topology, data_root, fabric)
    assert got["peer0.bank"] == (False, None, None, None,
                                 f"no OK from /healthz at localhost:{operations.port('peer0.bank')}: see "
                                 f"`docker ps -a` and `docker logs peer0.bank.recfin.local`")
    assert got["orderer2.orderer"][:4] == (False, None, None, None)
    assert "docker logs orderer2.orderer.recfin.local" in got["orderer2.orderer"][4]
    assert got["peer0.supplier"] == (True, 7, None, None, None)
    asked = {call[-1] for call in steps(fabric)}
    assert "localhost:9051" not in asked and "localhost:7253" not in asked      # nothing more asked of them


def test_a_peer_behind_the_others_is_named_with_both_heights(topology, data_root, fake_fabric, docker):
    got = rows(topology, data_root, running(heights={"localhost:9051": 5}))
    assert got["peer0.bank"] == (True, 5, None, None, "behind: height 5, highest 7")
    assert got["peer0.supplier"] == (True, 7, None, None, None)


def test_an_orderer_outside_the_channel_and_a_leaderless_cluster_are_told(topology, data_root, fake_fabric,
                                                                          operations, docker):
    operations.leader = None
    got = rows(topology, data_root, running(orderers=ORDERERS[:2]))
    assert got["orderer2.orderer"] == (True, None, False, None,
                                       "not a member of receivables: `recfin network compose-up` joins it")
    assert [got[f"orderer{i}.orderer"][3] for i in range(3)] == [None, None, None]    # no orderer says it leads
    # the members that answer say what that means; the non-member keeps its own, first, problem
    for name in ("orderer0.orderer", "orderer1.orderer"):
        assert got[name][4] == ("no orderer leads the Raft cluster of receivables, so no transaction can be ordered: a "
                                "majority of its consenters must run and reach each other; see "
                                f"`docker logs {name}.recfin.local`")


def test_a_peer_not_joined_has_no_height_and_says_what_joins_it(topology, data_root, fake_fabric, docker):
    fabric = running()
    fabric.peer.joined.discard("localhost:8051")
    assert rows(topology, data_root, fabric)["peer0.supplier"] == (
        True, None, None, None, "no block height for receivables (not joined yet?): `recfin network compose-up` joins it")


# ---- compose-status: the chaincode servers, as Docker sees their containers -----------------------

def test_a_chaincode_server_restarting_in_a_loop_is_not_healthy(topology, data_root, fake_fabric, docker, hosts):
    # Its entry point fails at once (a mounted file it cannot read): Docker restarts it, and every start resets its
    # health to "starting", so it is never "unhealthy", while every invoke on the bank's peer fails.
    containers(docker, receivables_bank="restarting starting 12")
    statuses = {r.name: r for r in compose_status(compose_up(topology, data_root, running()))}
    bank = statuses["receivables.bank"]
    assert (bank.org, bank.kind, bank.address) == ("BankMSP", "chaincode",
                                                   hosts.chaincode_server_address(hosts.org("bank")))
    assert (bank.healthy, bank.problem) == (False, "container restarting, health starting, restart count 12: see "
                                                   "`docker logs receivables.bank.recfin.local`")
    assert statuses["peer0.bank"].healthy is True              # its peer answers /healthz all the same
    assert [statuses[name].healthy for name in SERVER_ROWS] == [True, True, False, True]


def test_an_unhealthy_and_a_missing_chaincode_container_are_named(topology, data_root, fake_fabric, docker):
    supplier, regulator = server_containers()["receivables.supplier"], server_containers()["receivables.regulator"]
    docker.fail("inspect", regulator, stderr=f"Error response from daemon: No such container: {regulator}\n")
    containers(docker, receivables_supplier="running unhealthy 0")
    got = rows(topology, data_root, running())
    assert got["receivables.supplier"] == (False, None, None, None, (
        f"container running, health unhealthy, restart count 0: see `docker logs {supplier}`"))
    assert got["receivables.regulator"] == (False, None, None, None, (
        f"no container {regulator}: see `docker ps -a`; `recfin network compose-up --start --compose-file "
        f"FILE`, FILE the compose file the network runs from, starts it"))
    assert got["receivables.bank"] == (True, None, None, None, None)


def test_chaincode_health_is_unknown_where_docker_is_not_installed(topology, data_root, fake_fabric, tmp_path,
                                                                   monkeypatch):
    (tmp_path / "no-docker").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-docker"))
    got = rows(topology, data_root, running())
    assert {got[name] for name in SERVER_ROWS} == {(None, None, None, None, (
        "container health unknown: docker is not installed here; run compose-status on the Docker machine"))}
    assert got["peer0.bank"] == (True, 7, None, None, None)


def test_chaincode_health_is_unknown_when_docker_cannot_say(topology, data_root, fake_fabric, docker):
    bank, supplier = server_containers()["receivables.bank"], server_containers()["receivables.supplier"]
    docker.fail("inspect", bank, stderr=NO_DAEMON)
    containers(docker, receivables_supplier="running none 0")        # a container with no healthcheck
    got = rows(topology, data_root, running())
    assert got["receivables.bank"] == (None, None, None, None, (
        f"container health unknown: docker container inspect {bank} failed: Cannot connect to the Docker daemon at "
        f"unix:///var/run/docker.sock. Is the docker daemon running?"))
    assert got["receivables.supplier"] == (None, None, None, None, (
        f"container health unknown: {supplier} has no healthcheck; recreate it from the compose file "
        f"`recfin network compose` writes"))
