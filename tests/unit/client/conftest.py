import pytest

from client.gateway import Identity, connect, private_key_signer
from .gateway_fakes import FakeTransport, make_key_and_cert


@pytest.fixture
def credentials():
    key, cert_pem = make_key_and_cert("user1@org1")
    return key, Identity("Org1MSP", cert_pem)


@pytest.fixture
def transport():
    return FakeTransport()


@pytest.fixture
def gateway(credentials, transport):
    key, identity = credentials
    with connect(identity=identity, signer=private_key_signer(key), transport=transport) as gw:
        yield gw


@pytest.fixture
def contract(gateway):
    return gateway.get_network("receivables-channel").get_contract("receivables", "Receivable")
