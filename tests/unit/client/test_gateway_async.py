"""The async twin: same requests and error handling as the sync client, awaited."""

import asyncio
import gc
import threading

import grpc
import pytest
from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2, transaction_pb2

from client.gateway import (
    AsyncContract,
    AsyncProposal,
    ChaincodeEvent,
    CommitError,
    EndorseError,
    ErrorDetail,
    GatewayError,
    InMemoryCheckpointer,
    RetryPolicy,
    TransportError,
    connect_async,
    private_key_signer,
)
from .gateway_fakes import (
    AsyncFakeTransport,
    FakeTransport,
    Servicer,
    events_response,
    filtered_block,
    start_server,
    verify,
)

CHANNEL = "receivables-channel"


def async_gateway(credentials, fake, signer=True):
    key, identity = credentials
    return connect_async(
        identity=identity, signer=private_key_signer(key) if signer else None, transport=AsyncFakeTransport(fake)
    )


def test_async_submit_sends_signed_requests(credentials):
    fake = FakeTransport()
    key, identity = credentials

    async def main():
        async with async_gateway(credentials, fake) as gateway:
            contract = gateway.get_network(CHANNEL).get_contract("receivables", "Receivable")
            assert isinstance(contract, AsyncContract)
            assert await contract.evaluate_transaction("Get", "R-1") == b"result"
            return await contract.submit_transaction("Confirm", "R-1")

    assert asyncio.run(main()) == b"result"
    assert [name for name, *_ in fake.calls] == ["evaluate", "endorse", "submit", "commit_status"]
    assert fake.closed
    submit = fake.requests("submit")[0]
    verify(key.public_key(), submit.prepared_transaction.signature, submit.prepared_transaction.payload)
    commit = gateway_pb2.CommitStatusRequest.FromString(fake.requests("commit_status")[0].request)
    assert commit.identity == identity.serialize() and commit.transaction_id == submit.transaction_id


def test_async_mvcc_retry_is_bounded(credentials):
    fake = FakeTransport()
    fake.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]

    async def main():
        contract = async_gateway(credentials, fake).get_network(CHANNEL).get_contract("receivables")
        await contract.submit_transaction("Confirm", retry=RetryPolicy(max_attempts=2))

    with pytest.raises(CommitError):
        asyncio.run(main())
    tx_ids = [r.transaction_id for r in fake.requests("endorse")]
    assert len(tx_ids) == 2 and len(set(tx_ids)) == 2


def test_async_errors_are_typed(credentials):
    fake = FakeTransport()
    fake.fail["endorse"] = TransportError(grpc.StatusCode.ABORTED, "no", [ErrorDetail("p", "Org1MSP", "bad")])

    async def main():
        contract = async_gateway(credentials, fake).get_network(CHANNEL).get_contract("receivables")
        await contract.submit_async("Confirm")

    with pytest.raises(EndorseError) as caught:
        asyncio.run(main())
    assert caught.value.details == (ErrorDetail("p", "Org1MSP", "bad"),)
    assert fake.requests("submit") == []


def test_async_offline_signing(credentials):
    fake = FakeTransport()
    key, _ = credentials

    async def main():
        gateway = async_gateway(credentials, fake, signer=False)
        proposal = gateway.get_network(CHANNEL).get_contract("receivables").new_proposal("Get")
        assert isinstance(proposal, AsyncProposal)
        signed = gateway.new_signed_proposal(proposal.bytes, private_key_signer(key)(proposal.digest))
        return await signed.evaluate()

    assert asyncio.run(main()) == b"result"
    request = fake.requests("evaluate")[0]
    verify(key.public_key(), request.proposed_transaction.signature, request.proposed_transaction.proposal_bytes)


def test_async_chaincode_events_with_checkpoint(credentials):
    fake = FakeTransport()
    fake.event_responses = [events_response(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3")]
    checkpointer = InMemoryCheckpointer()
    checkpointer.checkpoint_transaction(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")

    async def main():
        network = async_gateway(credentials, fake).get_network(CHANNEL)
        async with network.chaincode_events("receivables", checkpoint=checkpointer) as events:
            return [event async for event in events]

    assert asyncio.run(main()) == [
        ChaincodeEvent(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", "receivables", "Confirmed", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"),
        ChaincodeEvent(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", "receivables", "Confirmed", b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3"),
    ]
    request = gateway_pb2.ChaincodeEventsRequest.FromString(fake.requests("chaincode_events")[0].request)
    assert request.start_position.specified.number == 5 and request.after_transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"


def test_async_retry_sends_the_arguments_and_organisations_again_when_given_as_generators(credentials):
    fake = FakeTransport()
    fake.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT, transaction_pb2.VALID]

    async def main():
        contract = async_gateway(credentials, fake).get_network(CHANNEL).get_contract("receivables")
        await contract.submit(
            "Settle",
            arguments=(a for a in ["R-1", "1000"]),
            endorsing_organizations=(o for o in ["Org1MSP", "Org2MSP"]),
            retry=RetryPolicy(max_attempts=2),
        )

    asyncio.run(main())
    endorsed = fake.requests("endorse")
    assert [list(args_of(r)) for r in endorsed] == [[b"Settle", b"R-1", b"1000"]] * 2
    assert [list(r.endorsing_organizations) for r in endorsed] == [["Org1MSP", "Org2MSP"]] * 2


def args_of(endorse_request):
    proposal = proposal_pb2.Proposal.FromString(endorse_request.proposed_transaction.proposal_bytes)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    return chaincode_pb2.ChaincodeInvocationSpec.FromString(payload.input).chaincode_spec.input.args


async def read_until_closed(address, key, identity, *, cancel_reader: bool):
    """A task reads filtered blocks over real grpc.aio; another closes the iterator while the read waits.

    Returns how the reading task ended: its result, or the exception it raised.
    """
    async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        blocks = gateway.get_network(CHANNEL).filtered_block_events()
        first_block = asyncio.Event()
        seen = []

        async def consume():
            async for block in blocks:
                seen.append(block.number)
                first_block.set()
            return seen

        reader = asyncio.create_task(consume())
        await first_block.wait()  # the reader has gone on to await the next block, which never comes
        await blocks.aclose()
        if cancel_reader:
            reader.cancel()
        try:
            return await reader
        except BaseException as error:  # noqa: BLE001 - what the reader raised is the outcome
            return error


@pytest.mark.parametrize("cancel_reader", [False, True], ids=["closed", "closed and cancelled"])
def test_aclose_from_another_task_ends_the_readers_iteration(credentials, cancel_reader):
    servicer = Servicer()
    server, port = start_server(servicer)
    key, identity = credentials
    try:
        outcome = asyncio.run(read_until_closed(f"127.0.0.1:{port}", key, identity, cancel_reader=cancel_reader))
    finally:
        servicer.release.set()
        server.stop(None)
    if cancel_reader:  # a task cancelled itself still sees its cancellation
        assert isinstance(outcome, asyncio.CancelledError)
    else:
        assert outcome == [5]


def test_async_grpc_transport_against_real_server(credentials):
    servicer = Servicer()
    server, port = start_server(servicer)
    key, identity = credentials

    async def main():
        async with connect_async(
            f"127.0.0.1:{port}",
            identity=identity,
            signer=private_key_signer(key),
            insecure=True,
            metadata=[("x-recfin-caller", "async")],
        ) as gateway:
            network = gateway.get_network(CHANNEL)
            contract = network.get_contract("receivables")
            assert await contract.evaluate_transaction("Get") == b"42"
            with pytest.raises(EndorseError) as caught:
                await contract.submit_transaction("Confirm", "R-404")
            events = network.chaincode_events("receivables")
            received = [await events.__anext__(), await events.__anext__()]
            with pytest.raises(GatewayError) as stream_error:
                await events.__anext__()
            return caught.value, received, stream_error.value

    try:
        error, received, stream_error = asyncio.run(main())
    finally:
        servicer.release.set()
        server.stop(None)
    assert servicer.seen[0][2] == "async"
    assert error.code == grpc.StatusCode.ABORTED
    assert error.details == (ErrorDetail("peer0.org2:9051", "Org2MSP", "chaincode response 500, no such receivable"),)
    assert [e.transaction_id for e in received] == ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4"]
    assert stream_error.code == grpc.StatusCode.UNAVAILABLE


class BlocksAfterAPause(Servicer):
    """Filtered block 1, then blocks 2 and 3 only once the test lets them go (a slow chain)."""

    def __init__(self):
        super().__init__()
        self.send_more = threading.Event()

    def DeliverFiltered(self, request_iterator, context):
        next(request_iterator)
        yield filtered_block(1)
        self.send_more.wait(10)
        yield filtered_block(2)
        yield filtered_block(3)
        while context.is_active() and not self.release.wait(0.01):
            pass  # until the client cancels the stream


def run_against(servicer, main, credentials):
    server, port = start_server(servicer)
    key, identity = credentials
    try:
        return asyncio.run(main(f"127.0.0.1:{port}", key, identity))
    finally:
        servicer.release.set()
        server.stop(None)


async def give_up_one_read(events) -> None:
    """A consumer's heartbeat: wait a moment for the next event, then go on without it."""
    with pytest.raises(TimeoutError):
        async with asyncio.timeout(0.05):
            await events.__anext__()


def test_a_read_given_up_by_a_timeout_loses_no_event(credentials):
    servicer = BlocksAfterAPause()

    async def main(address, key, identity):
        async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            async with gateway.get_network(CHANNEL).filtered_block_events() as blocks:
                received = [(await blocks.__anext__()).number]
                await give_up_one_read(blocks)  # block 2 is not sent yet: this read is given up
                servicer.send_more.set()
                received += [(await blocks.__anext__()).number, (await blocks.__anext__()).number]
                return received

    assert run_against(servicer, main, credentials) == [1, 2, 3]


@pytest.mark.parametrize("closed", [True, False], ids=["aclose", "dropped"])
def test_a_read_left_pending_ends_when_its_iterator_is_closed_or_dropped(credentials, closed):
    servicer = BlocksAfterAPause()

    async def main(address, key, identity):
        async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            blocks = gateway.get_network(CHANNEL).filtered_block_events()
            await blocks.__anext__()
            tasks_before = asyncio.all_tasks()  # this test's and grpc's own
            await give_up_one_read(blocks)
            reads_left = asyncio.all_tasks() - tasks_before
            assert len(reads_left) == 1  # the read given up, kept for the next __anext__
            if closed:
                await blocks.aclose()
            else:
                del blocks
                gc.collect()
            done, pending = await asyncio.wait(reads_left, timeout=5)
            return [task.cancelled() for task in done], pending

    cancelled, pending = run_against(servicer, main, credentials)
    assert cancelled == [True] and not pending


def test_closing_the_gateway_under_a_read_raises_gateway_error_in_the_reader(credentials):
    async def main(address, key, identity):
        gateway = connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True)
        blocks = gateway.get_network(CHANNEL).filtered_block_events()
        first_block = asyncio.Event()

        async def consume():
            async for _ in blocks:
                first_block.set()

        reader = asyncio.create_task(consume())
        await first_block.wait()  # the reader has gone on to await the next block, which never comes
        await gateway.close()
        try:
            await reader
        except GatewayError as error:
            return error, reader.cancelled()

    error, reader_cancelled = run_against(Servicer(), main, credentials)
    assert error.code == grpc.StatusCode.CANCELLED
    assert "closed" in error.message
    assert not reader_cancelled  # nothing cancelled the reader: a TaskGroup around it must not see a cancellation


def test_tasks_reading_one_iterator_at_once_each_get_a_different_event(credentials):
    servicer = BlocksAfterAPause()

    async def main(address, key, identity):
        async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
            async with gateway.get_network(CHANNEL).filtered_block_events() as blocks:
                first = (await blocks.__anext__()).number

                async def read(reading: asyncio.Event):
                    # A task runs on until it awaits: once this test sees ``reading`` set, the reader has gone
                    # into __anext__ as far as it goes (waiting on block 2, or for its turn) in the same step.
                    reading.set()
                    return await blocks.__anext__()

                reading = [asyncio.Event(), asyncio.Event()]
                readers = [asyncio.create_task(read(started)) for started in reading]
                await asyncio.gather(*(started.wait() for started in reading))
                assert not any(reader.done() for reader in readers)  # both wait: block 2 is not sent yet
                servicer.send_more.set()
                return [first] + sorted([(await reader).number for reader in readers])

    assert run_against(servicer, main, credentials) == [1, 2, 3]
