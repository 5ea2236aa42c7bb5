"""A deadline of 0 seconds is refused where it is given (a ``Timeouts`` field, a call's own ``timeout=``), naming
it and saying to use None for no deadline: it passes before the call is sent, so every call failed with a bare
DEADLINE_EXCEEDED, where 0 is most often meant as "no deadline". Nothing is sent. The command line's --timeout
refused 0 already; the SDK took it."""

import asyncio
from fractions import Fraction

import pytest

from client.gateway import RetryPolicy, Timeouts, connect_async, private_key_signer
from .gateway_fakes import AsyncFakeTransport, FakeTransport

CHANNEL = "receivables-channel"
ZEROS = [0, 0.0, -0.0, Fraction(0)]


@pytest.mark.parametrize("field", ["evaluate", "endorse", "submit", "commit_status", "wait_for_block", "open_events"])
@pytest.mark.parametrize("zero", ZEROS, ids=repr)
def test_a_timeouts_field_of_0_is_refused_naming_it(field, zero):
    with pytest.raises(ValueError, match=rf"^Timeouts\.{field} must be more than 0 seconds, not .*: a deadline of 0 "
                                         r"passes before the call is sent, so every call would fail with "
                                         r"DEADLINE_EXCEEDED: use None for no deadline$"):
        Timeouts(**{field: zero})


STEPS = {
    "evaluate": lambda contract: contract.new_proposal("Get").evaluate(timeout=0),
    "endorse": lambda contract: contract.new_proposal("Confirm").endorse(timeout=0),
    "submit": lambda contract: contract.new_proposal("Confirm").endorse().submit(timeout=0),
    "commit_status": lambda contract: contract.new_proposal("Confirm").endorse().submit().status(timeout=0),
}


@pytest.mark.parametrize("kind", STEPS)
def test_a_calls_own_timeout_of_0_is_refused_before_it_is_sent(kind, contract, transport):
    with pytest.raises(ValueError, match=rf"^timeout must be more than 0 seconds, not 0: .*: connect with "
                                         rf"Timeouts\({kind}=None\) for no deadline$"):
        STEPS[kind](contract)
    assert kind not in [name for name, *_ in transport.calls]


def test_a_wait_for_block_of_0_seconds_is_refused_before_a_stream_opens(gateway, transport):
    with pytest.raises(ValueError, match=r"^timeout must be more than 0 seconds, not 0\b.*Timeouts\(wait_for_block="):
        gateway.get_network(CHANNEL).wait_for_block(3, timeout=0)
    assert transport.calls == []


def test_the_async_twins_refuse_it_alike(credentials):
    key, identity = credentials
    fake = FakeTransport()
    transport = AsyncFakeTransport(fake)

    async def evaluate_in_no_time():
        async with connect_async(identity=identity, signer=private_key_signer(key), transport=transport) as gateway:
            await gateway.get_network(CHANNEL).get_contract("cc").new_proposal("Get").evaluate(timeout=0.0)

    with pytest.raises(ValueError, match=r"^timeout must be more than 0 seconds, not 0\.0"):
        asyncio.run(evaluate_in_no_time())
    assert fake.calls == []


def test_a_retry_backoff_of_0_still_means_no_pause():
    # a pause, not a deadline: 0 is meant as given
    assert RetryPolicy(max_attempts=2, backoff=0).delay(1) == 0
