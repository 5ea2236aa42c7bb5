import socket

import pytest

from network.errors import NetworkError, PortInUseError
from network.ports import ensure_free, port_in_use


@pytest.fixture
def held_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1)
    yield sock.getsockname()[1]
    sock.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_listening_port_is_in_use(held_port):
    assert port_in_use("127.0.0.1", held_port)


def test_a_free_port_is_not_in_use():
    assert not port_in_use("127.0.0.1", free_port())


def test_ensure_free_names_the_node_and_port(held_port):
    owned = [("peer0.bank", "operations_port", held_port), ("peer0.bank", "port", free_port())]
    with pytest.raises(PortInUseError) as err:
        ensure_free("127.0.0.1", owned)
    assert f"peer0.bank operations_port 127.0.0.1:{held_port}" in str(err.value)
    assert "port " in str(err.value) and str(owned[1][2]) not in str(err.value)


def test_ensure_free_passes_when_all_are_free():
    ensure_free("127.0.0.1", [("orderer0.orderer", "port", free_port())])


@pytest.mark.parametrize("host, why", [
    ("192.0.2.10", r"192\.0\.2\.10 is not an address of this machine"),        # TEST-NET-1: no interface holds it
    ("recfin-host.invalid", r"the name recfin-host\.invalid does not resolve"),  # .invalid never resolves
])
def test_a_listen_host_this_machine_cannot_bind_is_named_with_what_to_change(host, why):
    with pytest.raises(NetworkError, match=rf"^cannot listen on listen_host {host.replace('.', '[.]')}, port 7050: "
                                           rf"{why}.*set listen_host in topology\.yaml to an address of this machine"):
        ensure_free(host, [("orderer0.orderer", "port", 7050)])


def test_up_on_a_listen_host_of_another_machine_stops_before_anything(topology, tmp_path, fake_fabric):
    from network.control import Network
    from network.fabric_bin import FabricInstall
    far = topology.model_copy(update={"listen_host": "192.0.2.10"})
    with pytest.raises(NetworkError, match=r"cannot listen on listen_host 192\.0\.2\.10, port \d+"):
        Network(far, data_root=tmp_path / "net", fabric=FabricInstall.locate()).up()
    assert not (tmp_path / "net").exists()
