"""A call whose own deadline passed says, in str(), which call it was, the timeout that applied and what to do,
beside gRPC's bare "Deadline Exceeded" (kept in ``message``), the gRPC status and the error's type; over real
HTTP/2 to an in-process server that does not answer in time. A peer that answers DEADLINE_EXCEEDED itself, from
a timeout of its own, is not said to have run out of this client's timeout."""

import asyncio
import pickle

import grpc
import pytest

from client.gateway import (CommitStatusError, EndorseError, EvaluateError, SubmitError, Timeouts, connect,
                            connect_async, private_key_signer)
from .gateway_fakes import Servicer, start_server

CHANNEL = "receivables-channel"
SHORT = 0.3


class SlowServicer(Servicer):
    """Answers the calls named in ``slow`` only once released: never within the client's deadline."""

    def __init__(self, *slow):
        super().__init__()
        self.slow = set(slow)

    def _wait_if_slow(self, name, context):
        if name in self.slow:
            self.release.wait(10)

    def Evaluate(self, request, context):
        self._wait_if_slow("evaluate", context)
        return super().Evaluate(request, context)

    def Endorse(self, request, context):
        self._wait_if_slow("endorse", context)
        return super().Endorse(request, context)

    def Submit(self, request, context):
        self._wait_if_slow("submit", context)
        return super().Submit(request, context)


@pytest.fixture
def serve(credentials):
    started = []

    def serving(servicer, **timeouts):
        server, port = start_server(servicer)
        key, identity = credentials
        gateway = connect(f"127.0.0.1:{port}", identity=identity, signer=private_key_signer(key), insecure=True,
                          timeouts=Timeouts(**timeouts))
        started.append((servicer, server, gateway))
        return gateway.get_network(CHANNEL).get_contract("receivables"), port

    yield serving
    for servicer, server, gateway in started:
        servicer.release.set()
        gateway.close()
        server.stop(None)


def _said(error, call_kind):
    """What str(error) must hold for a call of ``call_kind`` whose own timeout passed."""
    text = str(error)
    assert text.startswith(f"[tx {error.transaction_id}] DEADLINE_EXCEEDED: ")
    assert f"no answer within the {call_kind} call's timeout, {SHORT:g}s" in text
    assert f"Timeouts.{call_kind}" in error.advice
    # the fields a program reads stay gRPC's
    assert error.code == grpc.StatusCode.DEADLINE_EXCEEDED and error.message == "Deadline Exceeded"
    assert error.timeout == SHORT
    return text


def test_an_evaluate_past_its_timeout_says_so_and_that_it_changed_nothing(serve):
    contract, _ = serve(SlowServicer("evaluate"), evaluate=SHORT)
    with pytest.raises(EvaluateError) as caught:
        contract.evaluate_transaction("Get", "R-1")
    _said(caught.value, "evaluate")
    assert "changed nothing" in caught.value.advice


def test_an_endorse_past_its_timeout_says_so_and_that_nothing_reached_an_orderer(serve):
    contract, _ = serve(SlowServicer("endorse"), endorse=SHORT)
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Confirm", "R-1")
    _said(caught.value, "endorse")
    assert "reached no orderer" in caught.value.advice


def test_a_submit_past_its_timeout_says_so_and_that_it_may_still_commit(serve):
    contract, _ = serve(SlowServicer("submit"), submit=SHORT)
    with pytest.raises(SubmitError) as caught:
        contract.submit_async("Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])
    error = caught.value
    _said(error, "submit")
    assert error.may_have_been_ordered
    assert f"network.new_commit({error.transaction_id!r}).status()" in error.advice
    assert error.advice.index("may still commit") < error.advice.index("Timeouts.submit")


def test_a_commit_status_past_its_timeout_says_so_and_how_to_ask_again(serve):
    contract, _ = serve(Servicer(), commit_status=SHORT)   # its CommitStatus never answers in time
    submitted = contract.submit_async("Confirm", arguments=["R-1"], endorsing_organizations=["Org1MSP"])
    with pytest.raises(CommitStatusError) as caught:
        submitted.status()
    error = caught.value
    assert error.transaction_id == submitted.transaction_id
    _said(error, "commit_status")
    assert f"network.new_commit({error.transaction_id!r}).status()" in error.advice


def test_the_timeout_given_to_one_call_is_the_one_named(serve):
    contract, _ = serve(SlowServicer("evaluate"), evaluate=60)
    with pytest.raises(EvaluateError) as caught:
        contract.new_proposal("Get", arguments=["R-1"]).evaluate(timeout=SHORT)
    _said(caught.value, "evaluate")


def test_the_async_family_says_the_same(credentials):
    servicer = SlowServicer("evaluate")
    server, port = start_server(servicer)
    key, identity = credentials

    async def evaluate():
        async with connect_async(f"127.0.0.1:{port}", identity=identity, signer=private_key_signer(key),
                                 insecure=True, timeouts=Timeouts(evaluate=SHORT)) as gateway:
            await gateway.get_network(CHANNEL).get_contract("receivables").evaluate_transaction("Get")

    try:
        with pytest.raises(EvaluateError) as caught:
            asyncio.run(evaluate())
        _said(caught.value, "evaluate")
    finally:
        servicer.release.set()
        server.stop(None)


class PeerOwnDeadline(Servicer):
    """A Gateway peer whose own endorsement timeout (peer.gateway.endorsementTimeout) passed: it answers
    DEADLINE_EXCEEDED at once, well within the client's deadline."""

    def Endorse(self, request, context):
        context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "endorsement timeout expired while collecting endorsements")


def test_a_peer_answering_deadline_exceeded_itself_is_not_said_to_be_past_this_clients_timeout(serve):
    contract, _ = serve(PeerOwnDeadline(), endorse=30)
    with pytest.raises(EndorseError) as caught:
        contract.submit_transaction("Confirm", "R-1")
    error = caught.value
    assert error.code == grpc.StatusCode.DEADLINE_EXCEEDED and error.timeout is None
    assert error.message == "endorsement timeout expired while collecting endorsements"
    assert "call's timeout" not in str(error) and "Timeouts.endorse" not in str(error)


def test_the_timeout_survives_pickling(serve):
    contract, _ = serve(SlowServicer("evaluate"), evaluate=SHORT)
    with pytest.raises(EvaluateError) as caught:
        contract.evaluate_transaction("Get", "R-1")
    copied = pickle.loads(pickle.dumps(caught.value))
    assert copied.timeout == SHORT and str(copied) == str(caught.value)
