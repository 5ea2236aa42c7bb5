"""`recfin host status` exits 1 when the org's node cannot run the channel's chaincode, naming on stderr what is
wrong and what to do: an operator's monitoring reads the exit status, as of `recfin network status`."""
from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner

from cli.main import main
from network.bundle_host import BundleHost
from network.errors import ToolError
from network.fabric_bin import FabricInstall
from network.lifecycle import Lifecycle
from network.topology import load as load_topology

from .scripted_peer import ScriptedPeer


@pytest.fixture
def cli_peer(monkeypatch, fake_fabric, hosts, docker):
    """The CLI on the placeholder Fabric install, its `peer` runner replaced by the scripted channel; `docker` is the
    scripted one, which says nothing of the chaincode server's container (its health unknown) unless a test
    scripts it (_server_container)."""
    peer = ScriptedPeer(hosts, fabric=FabricInstall.locate())
    monkeypatch.setattr("cli.host_commands.Tools", lambda fabric, timeout: peer)
    return peer


# the supplier's chaincode server's container, as its bundle's compose file names it
SERVER_CONTAINER = load_topology().on_hosts().chaincode_server_host(load_topology().org("supplier"))


def _server_container(docker, state: str | None = None, stderr: str | None = None) -> None:
    """`docker container inspect` of the supplier's chaincode server says state ("state health restarts"), or fails
    with stderr."""
    if stderr is not None:
        docker.fail("inspect", SERVER_CONTAINER, stderr=stderr)
    else:
        docker.answer("inspect", SERVER_CONTAINER, stdout=f"{state}\n")


def _running_the_bundles_version(unpacked, peer: ScriptedPeer, hosts) -> BundleHost:
    """The supplier joined, the bundle's version committed and approved, its package installed."""
    host = BundleHost.open(unpacked)
    _joined(peer, hosts)
    _committed(peer, host.chaincode_version)
    peer.installed["SupplierMSP"].add(host.package_id)
    return host


def _joined(peer: ScriptedPeer, hosts) -> None:
    supplier = hosts.peers("supplier")[0]
    peer.joined.add(f"{supplier.hostname}:{supplier.ports['port']}")


def _committed(peer: ScriptedPeer, version: str, approved: bool = True) -> None:
    peer.committed = {"sequence": 1, "version": version, "approvals": {"SupplierMSP": approved}}


def _status(unpacked, *options):
    return CliRunner().invoke(main, ["host", "status", "--bundle", str(unpacked), *options])


def test_a_joined_peer_running_the_bundles_committed_version_exits_0(unpacked, cli_peer, hosts):
    host = BundleHost.open(unpacked)
    _joined(cli_peer, hosts)
    _committed(cli_peer, host.chaincode_version)
    cli_peer.installed["SupplierMSP"].add(host.package_id)
    result = _status(unpacked, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []


def test_nothing_committed_yet_is_no_failure(unpacked, cli_peer, hosts):
    """Before the network's first commit the org has nothing to run and nothing it alone can do."""
    _joined(cli_peer, hosts)
    result = _status(unpacked)
    assert result.exit_code == 0, result.output


def test_a_peer_that_does_not_answer_exits_1_naming_it(unpacked, cli_peer, monkeypatch):
    def refuse(*args, **kwargs):
        raise ToolError("peer channel list failed: connection refused")

    monkeypatch.setattr(cli_peer, "run", refuse)
    result = _status(unpacked)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("peer0.supplier (") and "did not answer: peer channel list failed" in result.stderr
    assert "`docker compose up -d` in the bundle" in result.stderr


def test_a_peer_not_joined_exits_1_with_host_join(unpacked, cli_peer):
    result = _status(unpacked)
    assert result.exit_code == 1, result.output
    assert "peer0.supplier has not joined receivables: `recfin host join`" in result.stderr


def test_another_version_committed_exits_1(unpacked, cli_peer, hosts):
    host = BundleHost.open(unpacked)
    _joined(cli_peer, hosts)
    _committed(cli_peer, "0.9-0000")
    cli_peer.installed["SupplierMSP"].add(host.package_id)
    result = _status(unpacked, "--json")
    assert result.exit_code == 1, result.output
    problems = json.loads(result.stdout)["problems"]
    assert len(problems) == 1 and "version 0.9-0000" in problems[0] and host.chaincode_version in problems[0]
    assert problems[0] in result.stderr


def test_the_committed_version_not_installed_or_not_approved_exits_1_with_host_approve(unpacked, cli_peer, hosts):
    host = BundleHost.open(unpacked)
    _joined(cli_peer, hosts)
    _committed(cli_peer, host.chaincode_version, approved=False)
    result = _status(unpacked)
    assert result.exit_code == 1, result.output
    assert f"package {host.package_id} is not installed" in result.stderr
    assert "SupplierMSP has not approved" in result.stderr
    assert result.stderr.count("`recfin host approve`") == 2


def test_a_second_peer_without_the_package_exits_1_naming_it(unpacked, cli_peer, hosts, monkeypatch):
    """A peer endorses with what it has installed itself: an org's second peer (added since its last `host approve`)
    without the package fails every transaction sent to it, though its first peer has it."""
    host = BundleHost.open(unpacked)
    first = hosts.peers("supplier")[0]
    second = dataclasses.replace(first, name="peer1.supplier", hostname="peer1.supplier.recfin.local",
                                 host="peer1.supplier.recfin.local")
    monkeypatch.setattr(BundleHost, "peers", lambda bundle: [first, second])
    monkeypatch.setattr(Lifecycle, "installed",
                        lambda lifecycle, org, peer=None: {host.package_id} if peer in (None, first) else set())
    cli_peer.joined |= {first.address, second.address}
    _committed(cli_peer, host.chaincode_version)
    result = _status(unpacked, "--json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [row["installed"] for row in report["peers"]] == [True, False] and report["installed"] is True
    assert report["problems"] == [f"package {host.package_id} is not installed on peer1.supplier, so it endorses no "
                                  f"transaction of the chaincode: `recfin host approve`"]


def test_the_org_s_chaincode_server_found_healthy_is_reported(unpacked, cli_peer, hosts, docker):
    _running_the_bundles_version(unpacked, cli_peer, hosts)
    _server_container(docker, "running healthy 0")
    result = _status(unpacked, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["chaincode_server"] == {
        "name": "receivables.supplier", "container": SERVER_CONTAINER, "healthy": True, "problem": None}
    assert any(call["args"][:2] == ["container", "inspect"] and SERVER_CONTAINER in call["args"]
               for call in docker.calls)
    assert f"container_name: {SERVER_CONTAINER}\n" in (unpacked / "docker-compose.yaml").read_text()


def test_a_hung_chaincode_server_exits_1_naming_it(unpacked, cli_peer, hosts, docker):
    """Its container runs but its healthcheck (its /healthz) fails: every transaction the org's peer endorses fails,
    while the peer itself answers, has joined and has the package."""
    _running_the_bundles_version(unpacked, cli_peer, hosts)
    _server_container(docker, "running unhealthy 0")
    result = _status(unpacked)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("chaincode server receivables.supplier is not healthy, so every transaction of "
                                    "the chaincode its org's peers endorse fails: container running, health "
                                    "unhealthy, restart count 0")
    assert f"`docker logs {SERVER_CONTAINER}`" in result.stderr
    assert f"`docker compose restart {SERVER_CONTAINER}` in the bundle" in result.stderr


def test_a_dead_chaincode_server_exits_1_with_compose_up(unpacked, cli_peer, hosts, docker):
    _running_the_bundles_version(unpacked, cli_peer, hosts)
    _server_container(docker, stderr=f"Error response from daemon: No such container: {SERVER_CONTAINER}\n")
    result = _status(unpacked, "--json")
    assert result.exit_code == 1, result.output
    server = json.loads(result.stdout)["chaincode_server"]
    assert server["healthy"] is False
    assert "`docker compose up -d` in the bundle starts it" in server["problem"]
    assert server["problem"] in result.stderr


def test_a_chaincode_server_whose_health_docker_cannot_say_is_no_failure(unpacked, cli_peer, hosts, docker):
    """As compose-status: a daemon that does not answer leaves the health unknown, said on the report's line."""
    _running_the_bundles_version(unpacked, cli_peer, hosts)
    _server_container(docker, stderr="Cannot connect to the Docker daemon at unix:///var/run/docker.sock.\n")
    result = _status(unpacked)
    assert result.exit_code == 0, result.output
    assert (f"chaincode server receivables.supplier (container {SERVER_CONTAINER}): health unknown (container "
            f"health unknown: docker container inspect {SERVER_CONTAINER} failed: Cannot connect") in result.stdout


def test_a_dead_chaincode_server_before_any_commit_is_no_failure(unpacked, cli_peer, hosts, docker):
    """No transaction of the chaincode runs before the network's first commit, as `network status` counts no
    server before it."""
    _joined(cli_peer, hosts)
    _server_container(docker, "exited unhealthy 0")
    result = _status(unpacked, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["chaincode_server"]["healthy"] is False
