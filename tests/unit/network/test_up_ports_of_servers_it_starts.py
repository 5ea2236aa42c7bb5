"""`up` checks, before anything starts, the ports of the chaincode servers it will start: an org a deployment
has no package for (it joined after the deploy, its `org add` stopped before its chaincode step) gets no
server, so what holds that server's port is no reason to refuse the network's start."""
import socket

import pytest

from network import ccservers
from network.control import Network
from network.errors import PortInUseError
from network.fabric_bin import FabricInstall


def _held(port: int) -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError:
        sock.close()
        pytest.skip(f"port {port} is taken by something else on this machine")
    sock.listen(1)
    return sock


def _deployed_without(topology, data_root, org_name: str) -> None:
    packages = {org.msp_id: "receivables_1.0:aa" for org in topology.orgs if org.name != org_name}
    deployment = ccservers.Deployment("receivables", "1.0", 1, "m:C", None, None, 0, packages)
    ccservers.save_deployment(data_root, deployment)


def _up_to_its_first_step(topology, data_root, monkeypatch) -> str:
    monkeypatch.setattr(Network, "_up", lambda self: "past the port check")
    return Network(topology, data_root=data_root, fabric=FabricInstall.locate(), timeout=5).up()


def test_up_passes_over_the_port_of_a_server_its_org_has_no_package_for(topology, data_root, fake_fabric,
                                                                         monkeypatch):
    _deployed_without(topology, data_root, "regulator")
    sock = _held(topology.org("regulator").chaincode_server_port)
    try:
        assert _up_to_its_first_step(topology, data_root, monkeypatch) == "past the port check"
    finally:
        sock.close()


def test_up_still_refuses_the_port_of_a_server_it_starts(topology, data_root, fake_fabric, monkeypatch):
    _deployed_without(topology, data_root, "regulator")
    port = topology.org("bank").chaincode_server_port
    sock = _held(port)
    try:
        with pytest.raises(PortInUseError, match=rf"receivables\.bank chaincode server 127\.0\.0\.1:{port}"):
            _up_to_its_first_step(topology, data_root, monkeypatch)
    finally:
        sock.close()
