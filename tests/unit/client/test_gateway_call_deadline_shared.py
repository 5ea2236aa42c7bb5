"""One call's timeout bounds the call as a whole: the time a signer that waits (an HSM, a signing service) takes
to sign the call's request comes out of the timeout the gRPC call is then given, where each step got the whole
of it and a call could last twice its timeout (docs/sdk-gateway.md, "Timeouts"); so does the limit of
``wait_for_block``, whose wait for the block gets what the signature of its request left, and that of opening
an event stream, whose ``async def`` stream call gets what the signature left of ``Timeouts.open_events``.

The clock is a fake one, moved on by the signer: no test here waits on real time."""

from __future__ import annotations

import asyncio

import pytest

from client.gateway import Timeouts, connect, connect_async, private_key_signer
from client.gateway import _context, _events

from .gateway_fakes import AsyncFakeTransport, FakeTransport, events_response, filtered_block
from .test_gateway_async_stream_calls import AwaitedStreamsTransport

CHANNEL = "receivables-channel"
SIGNING_TAKES = 4.0
"""Seconds of the fake clock each signature takes."""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(_context, "time", fake, raising=False)
    return fake


def _slow_signer(key, clock: FakeClock):
    """A signer whose key is not known to the client (as an HSM's), each signature taking SIGNING_TAKES."""
    sign = private_key_signer(key)

    def signer(digest: bytes) -> bytes:
        clock.now += SIGNING_TAKES
        return sign(digest)
    return signer


def _timeouts_sent(transport: FakeTransport) -> list[tuple[str, float | None]]:
    return [(name, timeout) for name, _, timeout in transport.calls]


def test_a_step_by_step_call_gives_the_peer_what_its_signature_left_of_its_timeout(credentials, clock):
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=_slow_signer(key, clock), transport=transport)
    proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    transaction = proposal.endorse(timeout=10)
    commit = transaction.submit(timeout=5)
    commit.status(timeout=30)
    assert _timeouts_sent(transport) == [("endorse", 6.0), ("submit", 1.0), ("commit_status", 26.0)]


def test_submit_gives_each_call_what_its_signature_left_of_its_timeout(credentials, clock):
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=_slow_signer(key, clock), transport=transport,
                      timeouts=Timeouts(evaluate=5, endorse=15, submit=5, commit_status=60))
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    contract.evaluate_transaction("Read", "R-1")
    assert contract.submit_transaction("Confirm", "R-1") == b"result"
    assert _timeouts_sent(transport) == [
        ("evaluate", 1.0), ("endorse", 11.0), ("submit", 1.0), ("commit_status", 56.0)]


def test_the_async_submit_gives_each_call_what_its_signature_left_of_its_timeout(credentials, clock):
    key, identity = credentials
    transport = FakeTransport()

    async def run():
        gateway = connect_async(identity=identity, signer=_slow_signer(key, clock),
                                transport=AsyncFakeTransport(transport),
                                timeouts=Timeouts(endorse=15, submit=5, commit_status=60))
        return await gateway.get_network(CHANNEL).get_contract("receivables").submit_transaction("Confirm", "R-1")

    assert asyncio.run(run()) == b"result"
    assert _timeouts_sent(transport) == [("endorse", 11.0), ("submit", 1.0), ("commit_status", 56.0)]


def test_a_signature_that_took_the_whole_timeout_leaves_the_call_none(credentials, clock):
    # The signer answered, so the call is made, with no time left: gRPC fails it at once as past its deadline.
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=_slow_signer(key, clock), transport=transport)
    gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Read").evaluate(timeout=3)
    assert _timeouts_sent(transport) == [("evaluate", 0.0)]


def test_without_a_deadline_a_slow_signature_leaves_the_call_without_one(credentials, clock):
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=_slow_signer(key, clock), transport=transport,
                      timeouts=Timeouts(endorse=None, submit=None, commit_status=None))
    gateway.get_network(CHANNEL).get_contract("receivables").submit_transaction("Confirm", "R-1")
    assert _timeouts_sent(transport) == [("endorse", None), ("submit", None), ("commit_status", None)]


def test_an_in_process_keys_signature_leaves_the_timeout_as_given(credentials, clock):
    key, identity = credentials
    transport = FakeTransport()
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport,
                      timeouts=Timeouts(endorse=15, submit=5, commit_status=60))
    clock.now += 100   # the clock plays no part: nothing waits before the call
    gateway.get_network(CHANNEL).get_contract("receivables").submit_transaction("Confirm", "R-1")
    assert _timeouts_sent(transport) == [("endorse", 15), ("submit", 5), ("commit_status", 60)]


def test_wait_for_block_waits_for_the_block_what_its_signature_left_of_its_limit(credentials, clock, armed):
    key, identity = credentials
    transport = FakeTransport()
    transport.deliver_responses = [filtered_block(7)]
    gateway = connect(identity=identity, signer=_slow_signer(key, clock), transport=transport,
                      timeouts=Timeouts(wait_for_block=30))
    assert gateway.get_network(CHANNEL).wait_for_block(7) == 7
    transport.deliver_responses = [filtered_block(8)]
    assert gateway.get_network(CHANNEL).wait_for_block(8, timeout=10) == 8
    assert armed == [26.0, 6.0]


def test_the_async_wait_for_block_waits_for_the_block_what_its_signature_left(credentials, clock, armed):
    key, identity = credentials
    transport = FakeTransport()
    transport.deliver_responses = [filtered_block(7)]

    async def run():
        gateway = connect_async(identity=identity, signer=_slow_signer(key, clock),
                                transport=AsyncFakeTransport(transport), timeouts=Timeouts(wait_for_block=30))
        return await gateway.get_network(CHANNEL).wait_for_block(7)

    assert asyncio.run(run()) == 7
    assert armed == [26.0]


def test_an_async_def_stream_call_gets_what_the_signature_left_of_open_events(credentials, clock, monkeypatch):
    key, identity = credentials
    fake = FakeTransport()
    fake.event_responses = [events_response(5, "tx-1", "Confirmed")]
    armed, real_timeout = [], asyncio.timeout

    def recording_timeout(delay):
        armed.append(delay)
        return real_timeout(delay)

    monkeypatch.setattr(_events.asyncio, "timeout", recording_timeout)

    async def run():
        gateway = connect_async(identity=identity, signer=_slow_signer(key, clock),
                                transport=AwaitedStreamsTransport(fake), timeouts=Timeouts(open_events=30))
        async with gateway.get_network(CHANNEL).chaincode_events("receivables") as events:
            return await anext(events)

    assert asyncio.run(run()).transaction_id == "tx-1"
    assert armed == [26.0]
