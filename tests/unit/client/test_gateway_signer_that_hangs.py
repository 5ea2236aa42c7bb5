"""A signer that hangs (an HSM, a signing service that never answers) is bounded by the timeout of the call its
signature is for (docs/sdk-gateway.md, "A signer that hangs"): past it, the call fails with its own error, code
DEADLINE_EXCEEDED and ``sent`` False, nothing sent, and a signature the signer gives later is dropped, where the
call waited for it for ever. A signer that answers within the deadline is waited for, in either family."""

from __future__ import annotations

import asyncio
import threading
from fractions import Fraction
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from client.gateway import (BlockWaitTimeoutError, CommitStatusError, EndorseError, EvaluateError, GatewayError,
                            SubmitError, Timeouts, connect, connect_async, private_key_signer)

from .gateway_fakes import AsyncFakeTransport, FakeTransport, filtered_block

CHANNEL = "receivables-channel"
HANGS_AT_MOST = 60
"""Seconds a hanging signer waits to be released at most: a client that waits for it fails its test, not hangs."""


def _signer_hanging_on_the_transaction(key, hanging: threading.Event, released: threading.Event,
                                       signature: int = 2, returned: threading.Event | None = None):
    """Signs with ``key``; its ``signature``-th signature (2: the endorsed transaction's) waits until
    ``released``, and sets ``returned`` once made."""
    sign, calls = private_key_signer(key), []

    # no signing_public_key: a signer whose key is not known, as an HSM's
    def signer(digest: bytes) -> bytes:
        calls.append(digest)
        if len(calls) == signature:
            hanging.set()
            released.wait(HANGS_AT_MOST)
            made = sign(digest)
            if returned is not None:
                returned.set()
            return made
        return sign(digest)
    return signer


class HangingSigner:
    """A signer as an application gives one: an object, named in errors by its repr."""

    def __init__(self, key, released: threading.Event, returned: threading.Event) -> None:
        self._sign, self._released, self._returned = private_key_signer(key), released, returned

    def __call__(self, digest: bytes) -> bytes:
        self._released.wait(HANGS_AT_MOST)
        made = self._sign(digest)
        self._returned.set()
        return made

    def __repr__(self) -> str:
        return "HangingSigner(token 'recfin')"


def _names_the_signer_and_what_to_do(error, call_kind: str) -> None:
    assert (error.code, error.sent) == (grpc.StatusCode.DEADLINE_EXCEEDED, False)
    assert "gave no signature" in error.message and f"Timeouts.{call_kind}" in error.message
    assert "pkcs11-tool --list-slots" in error.message and "restarted" in error.message


def test_a_blocking_submit_whose_signer_hangs_on_the_transaction_fails_at_the_submit_timeout(credentials):
    key, identity = credentials
    hanging, released, returned, fake = threading.Event(), threading.Event(), threading.Event(), FakeTransport()
    signer = _signer_hanging_on_the_transaction(key, hanging, released, returned=returned)
    gateway = connect(identity=identity, signer=signer, transport=fake, timeouts=Timeouts(submit=0.05))
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    try:
        with pytest.raises(SubmitError) as failed:
            contract.submit("Confirm", arguments=["R-1"])
    finally:
        released.set()
    _names_the_signer_and_what_to_do(failed.value, "submit")
    assert "The transaction was not sent" in failed.value.message
    assert failed.value.may_have_been_ordered is False and failed.value.result == b"result"
    assert returned.wait(30)   # the signature made after the call gave up on it is sent nowhere
    assert [name for name, *_ in fake.calls] == ["endorse"]


def test_a_proposal_whose_signer_hangs_fails_at_its_calls_timeout_and_keeps_no_late_signature(credentials):
    key, identity = credentials
    released, returned, fake = threading.Event(), threading.Event(), FakeTransport()
    gateway = connect(identity=identity, signer=HangingSigner(key, released, returned), transport=fake)
    proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    try:
        with pytest.raises(EndorseError) as failed:
            proposal.endorse(timeout=0.05)
        with pytest.raises(EvaluateError) as evaluated:
            proposal.evaluate(timeout=0.05)
    finally:
        released.set()
    _names_the_signer_and_what_to_do(failed.value, "endorse")
    _names_the_signer_and_what_to_do(evaluated.value, "evaluate")
    assert "HangingSigner(token 'recfin')" in failed.value.message
    assert failed.value.transaction_id == proposal.transaction_id
    assert returned.wait(30) and fake.calls == []
    assert proposal.signature == b""   # the late signature did not land on the proposal behind the caller's back
    assert proposal.evaluate() == b"result"   # signed anew, now that the signer answers


def test_a_commit_status_request_whose_signer_hangs_says_the_transaction_may_still_commit(credentials):
    key, identity = credentials
    hanging, released, fake = threading.Event(), threading.Event(), FakeTransport()
    signer = _signer_hanging_on_the_transaction(key, hanging, released, signature=3)
    gateway = connect(identity=identity, signer=signer, transport=fake, timeouts=Timeouts(commit_status=0.05))
    try:
        with pytest.raises(CommitStatusError) as failed:
            gateway.get_network(CHANNEL).get_contract("receivables").submit("Confirm", arguments=["R-1"])
    finally:
        released.set()
    _names_the_signer_and_what_to_do(failed.value, "commit_status")
    assert "may still commit" in failed.value.message and failed.value.result == b"result"
    assert [name for name, *_ in fake.calls] == ["endorse", "submit"]


def test_a_signers_own_timeout_within_the_deadline_is_raised_as_it_is(credentials):
    key, identity = credentials

    def signing_service(digest: bytes) -> bytes:
        raise TimeoutError("signing service: no answer in 2s")

    gateway = connect(identity=identity, signer=signing_service, transport=FakeTransport())
    with pytest.raises(TimeoutError, match="signing service"):
        gateway.get_network(CHANNEL).get_contract("receivables").evaluate("Read", arguments=["R-1"])


def test_an_async_submit_whose_signer_hangs_fails_at_the_submit_timeout_and_asyncio_run_returns(credentials):
    key, identity = credentials
    hanging, released, returned, fake = threading.Event(), threading.Event(), threading.Event(), FakeTransport()

    async def run():
        gateway = connect_async(identity=identity,
                                signer=_signer_hanging_on_the_transaction(key, hanging, released, returned=returned),
                                transport=AsyncFakeTransport(fake), timeouts=Timeouts(submit=0.05))
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        with pytest.raises(SubmitError) as failed:
            await contract.submit("Confirm", arguments=["R-1"])
        return failed.value

    try:
        error = asyncio.run(run())   # returns with the signer still hanging: its thread holds nothing up
        assert not returned.is_set()
    finally:
        released.set()
    _names_the_signer_and_what_to_do(error, "submit")
    assert error.may_have_been_ordered is False
    assert returned.wait(30) and [name for name, *_ in fake.calls] == ["endorse"]


def test_a_blocking_submit_given_up_on_in_another_thread_is_sent_once_its_signer_returns(credentials):
    key, identity = credentials
    hanging, released, fake = threading.Event(), threading.Event(), FakeTransport()
    gateway = connect(identity=identity, signer=_signer_hanging_on_the_transaction(key, hanging, released),
                      transport=fake)
    contract = gateway.get_network(CHANNEL).get_contract("receivables")
    with ThreadPoolExecutor(1) as worker:
        submitted = worker.submit(contract.submit, "Confirm", arguments=["R-1"])
        try:
            hanging.wait()
            assert not submitted.done() and [name for name, *_ in fake.calls] == ["endorse"]
        finally:
            released.set()   # the application gave up on the wait; the call did not give up
        assert submitted.result() == b"result"
    assert [name for name, *_ in fake.calls] == ["endorse", "submit", "commit_status"]


def test_an_async_submit_cancelled_while_its_signer_hangs_sends_nothing_when_the_signer_returns(credentials):
    key, identity = credentials
    hanging, released, fake = threading.Event(), threading.Event(), FakeTransport()

    async def run():
        gateway = connect_async(identity=identity,
                                signer=_signer_hanging_on_the_transaction(key, hanging, released),
                                transport=AsyncFakeTransport(fake))
        contract = gateway.get_network(CHANNEL).get_contract("receivables")
        task = asyncio.create_task(contract.submit("Confirm", arguments=["R-1"]))
        await asyncio.to_thread(hanging.wait)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError as cancelled:
            return cancelled
        finally:
            released.set()

    cancelled = asyncio.run(run())   # asyncio.run waits for the worker thread the signer ran in
    assert cancelled.may_have_been_ordered is False
    assert [name for name, *_ in fake.calls] == ["endorse"]


def test_a_wait_for_block_whose_signer_hangs_ends_at_its_limit_and_opens_no_stream(credentials):
    key, identity = credentials
    released, returned, fake = threading.Event(), threading.Event(), FakeTransport()
    fake.deliver_responses = [filtered_block(7)]
    gateway = connect(identity=identity, signer=HangingSigner(key, released, returned), transport=fake,
                      timeouts=Timeouts(wait_for_block=0.05))
    try:
        with pytest.raises(GatewayError) as failed:
            gateway.get_network(CHANNEL).wait_for_block(7)
    finally:
        released.set()
    _names_the_signer_and_what_to_do(failed.value, "wait_for_block")
    assert not isinstance(failed.value, BlockWaitTimeoutError)   # the peer is not behind: the signer is
    assert "HangingSigner(token 'recfin')" in failed.value.message
    assert returned.wait(30) and fake.calls == []
    assert gateway.get_network(CHANNEL).wait_for_block(7, timeout=5) == 7   # the signer answers again


def test_an_async_wait_for_block_whose_signer_hangs_ends_at_its_limit_and_holds_no_other_task(credentials):
    key, identity = credentials
    released, returned, fake = threading.Event(), threading.Event(), FakeTransport()

    async def run():
        gateway = connect_async(identity=identity, signer=HangingSigner(key, released, returned),
                                transport=AsyncFakeTransport(fake))
        ticks = []

        async def ticking():
            while True:
                ticks.append(None)
                await asyncio.sleep(0)

        other_task = asyncio.create_task(ticking())
        try:
            with pytest.raises(GatewayError) as failed:
                await gateway.get_network(CHANNEL).wait_for_block(7, timeout=0.05)
        finally:
            other_task.cancel()
        return failed.value, ticks

    try:
        error, ticks = asyncio.run(run())
    finally:
        released.set()
    _names_the_signer_and_what_to_do(error, "wait_for_block")
    assert ticks   # the event loop ran its other tasks while the signer hung
    assert returned.wait(30) and fake.calls == []


def test_a_signers_deadline_given_as_a_fraction_fails_the_call_as_any_other(credentials):
    key, identity = credentials
    released, returned = threading.Event(), threading.Event()
    gateway = connect(identity=identity, signer=HangingSigner(key, released, returned), transport=FakeTransport())
    proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Confirm", arguments=["R-1"])
    try:
        with pytest.raises(EndorseError, match=r"within 0\.05s"):
            proposal.endorse(timeout=Fraction(1, 20))
    finally:
        released.set()
