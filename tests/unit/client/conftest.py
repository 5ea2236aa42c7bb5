import asyncio
import threading
from contextlib import contextmanager

import pytest

from client.gateway import Identity, _event_iterators, connect, private_key_signer
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


@pytest.fixture
def armed(monkeypatch):
    """The deadlines the waits arm, in order: the interval of the sync wait's timer, the async wait's timeout."""
    intervals = []

    class RecordingTimer(threading.Timer):
        def __init__(self, interval, *args, **kwargs):
            intervals.append(interval)
            super().__init__(interval, *args, **kwargs)

    real_wait_for = asyncio.wait_for

    async def recording_wait_for(awaitable, timeout):
        intervals.append(timeout)
        return await real_wait_for(awaitable, timeout)

    monkeypatch.setattr(_event_iterators.threading, "Timer", RecordingTimer)
    monkeypatch.setattr(_event_iterators.asyncio, "wait_for", recording_wait_for)
    return intervals
