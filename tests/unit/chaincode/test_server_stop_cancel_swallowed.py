"""A transaction whose contract code swallows its cancellation (catches asyncio.CancelledError and carries on) does
not hold the server: the stream's end, and with it stop(), gives up on it after a bound and names it, and the process
exits, where it waited for it for good and only SIGKILL ended it."""

import asyncio
import logging

import grpc
import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import ChaincodeServer, _handler as handler_module, server as server_module
from chaincode.shim._execution import is_transaction_failure

from .handler_stream import new_transaction_message, ready_handler, until
from .peer_double import PACKAGE_ID, TIMEOUT, Msg, PeerSide, running_server
from .test_stream_protocol import response_of


class Stubborn(Contract):
    """A transaction that catches every cancellation and waits on until the test lets it go."""

    name = "stubborn"

    def __init__(self) -> None:
        super().__init__()
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.cancels = 0

    @transaction
    async def Hold(self, ctx: Context, key: str) -> str:
        self.holding.set()
        while not self.release.is_set():
            try:
                await self.release.wait()
            except asyncio.CancelledError:   # what contract code must not do, and some does
                self.cancels += 1
        return "released"


async def test_stop_gives_up_on_a_transaction_that_swallows_each_cancel_and_names_it(caplog, monkeypatch):
    monkeypatch.setattr(handler_module, "CANCELLED_TRANSACTION_WAIT_SECONDS", 0.05, raising=False)
    caplog.set_level(logging.INFO, "chaincode.shim.server")   # "peer ... disconnected": the Connect call ended
    contract = Stubborn()
    server = ChaincodeServer([contract], "127.0.0.1:0", PACKAGE_ID)
    port = await server.start()
    try:
        with pytest.raises(grpc.aio.AioRpcError):   # the stream is cancelled under it, the transaction unanswered
            async with PeerSide.connect(port) as peer:
                await peer.start("stubborn-tx", "stubborn:Hold", "k")
                await asyncio.wait_for(contract.holding.wait(), TIMEOUT)
                await asyncio.wait_for(server.stop(0.1), TIMEOUT)

        def given_up() -> list[logging.LogRecord]:
            return [record for record in caplog.records if "did not end when cancelled" in record.getMessage()]

        await until(given_up)   # the Connect call waited for it for good, and said nothing
        assert [record.levelno for record in given_up()] == [logging.ERROR]
        assert "tx stubborn-tx on channel 'recfin'" in given_up()[0].getMessage()
        assert "asyncio.CancelledError" in given_up()[0].getMessage()
        await until(lambda: any("disconnected" in record.getMessage() for record in caplog.records))
        assert contract.cancels >= 2   # at the end of the grace, and as gRPC ended the stream
    finally:
        contract.release.set()
        await server.stop(0)


async def test_a_closed_stream_ends_without_waiting_for_a_transaction_that_swallows_its_cancel(caplog, monkeypatch):
    """The peer gone (or gRPC ending the call): the stream's run returns, where it waited for the transaction."""
    monkeypatch.setattr(handler_module, "CANCELLED_TRANSACTION_WAIT_SECONDS", 0.05, raising=False)
    contract = Stubborn()
    try:
        async with ready_handler(contract) as stream:
            await stream.read.deliver(new_transaction_message(Msg.TRANSACTION, "t1", "stubborn:Hold"))
            await asyncio.wait_for(contract.holding.wait(), TIMEOUT)
            await stream.read.deliver(None)   # the peer closed the stream
            ended, _ = await asyncio.wait({stream.running}, timeout=TIMEOUT)
            contract.release.set()
            assert ended, "the stream's run waited for the transaction"
        assert contract.cancels == 1
        assert any("did not end when cancelled" in record.getMessage() and "tx t1 on channel 'recfin'"
                   in record.getMessage() for record in caplog.records)
    finally:
        contract.release.set()


def test_a_coroutine_closed_unfinished_is_no_transaction_failure_to_answer():
    """A task the loop left pending is closed as the process exits (GeneratorExit): answered as a failure, the
    transaction logged a traceback of it at each layer, and awaited again inside a closing coroutine."""
    assert not is_transaction_failure(GeneratorExit())


class RaisesGeneratorExit(Contract):
    name = "closer"

    @transaction
    async def Raise(self, ctx: Context) -> str:
        raise GeneratorExit("raised by the contract, its coroutine not being closed")


async def test_a_generator_exit_the_contract_raises_as_it_runs_is_answered_as_its_failure():
    """Only one thrown into a coroutine being closed goes unanswered: this one, let out, left the transaction's task
    ending with it unanswered, the peer waiting out its execute timeout."""
    async with running_server([RaisesGeneratorExit()]) as port, PeerSide.connect(port) as peer:
        await peer.start("closer-tx", "closer:Raise")
        answer = response_of(await peer.expect("closer-tx", Msg.COMPLETED))
        assert (answer.status, answer.message) == (500, "internal error (GeneratorExit) in tx closer-tx: see the "
                                                         "chaincode server's log")


def test_the_process_runner_exits_leaving_behind_a_task_that_swallows_its_cancel(caplog):
    """asyncio.run cancelled the tasks left once the server had stopped and waited for them to end: for good."""
    release = None

    async def swallowing() -> None:
        while not release.is_set():
            try:
                await release.wait()
            except asyncio.CancelledError:
                pass

    async def serve_then_return() -> None:
        nonlocal release
        release = asyncio.Event()
        asyncio.create_task(swallowing(), name="tx t1 on channel 'recfin'")

    server_module.run_until_stopped(serve_then_return(), left_task_seconds=0.05)
    said = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert len(said) == 1 and "tx t1 on channel 'recfin'" in said[0] and "did not end when cancelled" in said[0]
