from contextlib import contextmanager

import pytest

from client.gateway import Identity, connect, private_key_signer
from .gateway_fakes import FakeTransport, make_key_and_cert

CHANNEL = "receivables-channel"


@contextmanager
def connected(credentials, transport):
    """A gateway signing as ``credentials`` (the fixture's key and identity) over ``transport``."""
    key, identity = credentials
    with connect(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
        yield gateway


def receivables_contract(gateway):
    """The receivables contract's Receivable namespace on the channel, as the tests call it."""
    return gateway.get_network(CHANNEL).get_contract("receivables", "Receivable")


@pytest.fixture
def credentials():
    key, cert_pem = make_key_and_cert("user1@org1")
    return key, Identity("Org1MSP", cert_pem)


@pytest.fixture
def transport():
    return FakeTransport()


@pytest.fixture
def gateway(credentials, transport):
    with connected(credentials, transport) as gw:
        yield gw


@pytest.fixture
def contract(gateway):
    return receivables_contract(gateway)
