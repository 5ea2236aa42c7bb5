import socket

import pytest

from network.errors import PortInUseError
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
