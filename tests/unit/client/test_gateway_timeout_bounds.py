"""Deadlines longer than gRPC and threading can hold are refused, not sent to expire at once."""

import asyncio
import re
import sys
import threading
import time
from fractions import Fraction

import pytest

from client.gateway import GatewayError, Identity, RetryPolicy, Timeouts, connect, connect_async, private_key_signer
from client.timeouts import MAX_SECONDS
from .gateway_fakes import (AsyncFakeTransport, FakeTransport, Servicer, events_response, make_key_and_cert,
                            start_server)

KEY, CERT = make_key_and_cert()
IDENTITY = Identity("Org1MSP", CERT)
YEAR = 365 * 24 * 3600
TOO_LONG = [YEAR + 1, 300 * YEAR, threading.TIMEOUT_MAX, sys.maxsize, 1e300]


@pytest.fixture(scope="module")
def server_port():
    server, port = start_server(Servicer())
    yield port
    server.stop(0)


@pytest.mark.parametrize("seconds", TOO_LONG)
@pytest.mark.parametrize("kind", ["evaluate", "endorse", "submit", "commit_status", "wait_for_block"])
def test_a_deadline_over_a_year_is_refused_pointing_to_none(kind, seconds):
    with pytest.raises(ValueError, match=f"Timeouts.{kind} must be at most {YEAR} seconds.*use None for no deadline"):
        Timeouts(**{kind: seconds})


@pytest.mark.parametrize("seconds", TOO_LONG)
def test_a_call_timeout_over_a_year_is_refused_before_anything_is_sent(seconds):
    transport = FakeTransport()
    gateway = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport)
    network = gateway.get_network("ch")
    with pytest.raises(ValueError, match=r"timeout must be at most .*connect with Timeouts\(evaluate=None\)"):
        network.get_contract("cc").new_proposal("Get").evaluate(timeout=seconds)
    with pytest.raises(ValueError, match=r"timeout must be at most .*connect with Timeouts\(wait_for_block=None\)"):
        network.wait_for_block(3, timeout=seconds)   # its threading.Timer would die with OverflowError
    assert not transport.calls


@pytest.mark.parametrize("seconds", [YEAR + 1, -1, float("nan"), "5"])
def test_a_refused_call_timeout_does_not_offer_none_which_there_means_the_default(seconds):
    # A call's timeout=None takes the Gateway's Timeouts: the way to no deadline is through connect.
    gateway = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=FakeTransport())
    with pytest.raises((TypeError, ValueError)) as caught:
        gateway.get_network("ch").get_contract("cc").new_proposal("Get").endorse(timeout=seconds)
    assert "use None" not in str(caught.value)
    assert re.search(r"Timeouts\.endorse|connect with Timeouts\(endorse=None\) for no deadline", str(caught.value))


HUGE = [10**400, Fraction(10**400), Fraction(10**400, 3)]   # too large for a float: math.isfinite overflows


@pytest.mark.parametrize("seconds", HUGE, ids=["int", "Fraction", "a third"])
def test_a_number_too_large_for_a_float_is_refused_naming_the_field(seconds):
    with pytest.raises(ValueError, match=f"Timeouts.submit must be at most {YEAR} seconds"):
        Timeouts(submit=seconds)
    with pytest.raises(ValueError, match=f"RetryPolicy.backoff must be at most {YEAR} seconds"):
        RetryPolicy(backoff=seconds)
    transport = FakeTransport()
    transport.event_responses = [events_response(5, "tx1")]
    gateway = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport)
    with pytest.raises(ValueError, match="timeout must be at most"):
        gateway.get_network("ch").get_contract("cc").new_proposal("Get").evaluate(timeout=seconds)
    with gateway.get_network("ch").chaincode_events("receivables") as events:
        with pytest.raises(ValueError, match="timeout must be at most .*use None for no deadline"):
            events.first(timeout=seconds)


def test_the_async_evaluate_refuses_a_number_too_large_for_a_float():
    async def main():
        gateway = connect_async(identity=IDENTITY, signer=private_key_signer(KEY),
                                transport=AsyncFakeTransport(FakeTransport()))
        with pytest.raises(ValueError, match=r"timeout must be at most .*Timeouts\(evaluate=None\)"):
            await gateway.get_network("ch").get_contract("cc").new_proposal("Get").evaluate(timeout=10**400)

    asyncio.run(main())


def test_a_backoff_over_a_year_is_refused_without_the_no_deadline_hint():
    with pytest.raises(ValueError, match=r"RetryPolicy.backoff must be at most \d+ seconds \(a year\), not") as caught:
        RetryPolicy(backoff=YEAR + 1)
    assert "None" not in str(caught.value)


def test_the_longest_deadline_taken_works_over_grpc(server_port):
    assert MAX_SECONDS == YEAR
    with connect(f"127.0.0.1:{server_port}", identity=IDENTITY, signer=private_key_signer(KEY), insecure=True,
                 timeouts=Timeouts(evaluate=MAX_SECONDS)) as gateway:
        started = time.monotonic()
        try:
            gateway.get_network("ch").get_contract("cc").evaluate_transaction("Get")
        except GatewayError as error:
            pytest.fail(f"{error.code} after {time.monotonic() - started:.3f}s with a deadline of a year")


def test_first_refuses_a_timeout_its_timer_could_not_hold(monkeypatch):
    died = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    transport = FakeTransport()
    transport.event_responses = [events_response(5, "tx1")]
    gateway = connect(identity=IDENTITY, signer=private_key_signer(KEY), transport=transport)
    with gateway.get_network("ch").chaincode_events("receivables") as events:
        with pytest.raises(ValueError, match="timeout must be at most .*use None for no deadline"):
            events.first(timeout=sys.maxsize)
        assert events.first(timeout=MAX_SECONDS).transaction_id == "tx1"
    time.sleep(0.05)
    assert not died


def test_the_async_first_refuses_a_timeout_over_a_year():
    async def main():
        fake = FakeTransport()
        fake.event_responses = [events_response(5, "tx1")]
        gateway = connect_async(identity=IDENTITY, signer=private_key_signer(KEY), transport=AsyncFakeTransport(fake))
        async with gateway.get_network("ch").chaincode_events("receivables") as events:
            with pytest.raises(ValueError, match="timeout must be at most"):
                await events.first(timeout=300 * YEAR)
            return (await events.first(timeout=MAX_SECONDS)).transaction_id

    assert asyncio.run(main()) == "tx1"
