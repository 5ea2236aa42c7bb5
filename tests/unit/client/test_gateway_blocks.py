"""Read-your-writes across orgs: the block each channel's commits reached, and waiting for a block.

``Network.last_committed_block`` comes from the commit statuses the Gateway obtained;
``Network.wait_for_block`` reads the peer's filtered blocks from its newest one until the
block waited for, and gives up at its deadline with a BlockWaitTimeoutError.
"""

import asyncio
from fractions import Fraction

import grpc
import pytest
from fabric_protos.common import common_pb2
from fabric_protos.orderer import ab_pb2
from fabric_protos.peer import events_pb2, transaction_pb2

from client.gateway import (
    AsyncNetwork,
    BlockWaitTimeoutError,
    CommitError,
    GatewayError,
    Network,
    Timeouts,
    connect,
    connect_async,
    private_key_signer,
)
from .gateway_fakes import (
    HANG,
    AsyncFakeTransport,
    FakeTransport,
    Servicer,
    filtered_block,
    start_server,
    verify,
)

CHANNEL = "receivables-channel"
PEER = FakeTransport.address


def seek_of(envelope) -> tuple[common_pb2.ChannelHeader, ab_pb2.SeekInfo]:
    payload = common_pb2.Payload.FromString(envelope.payload)
    return common_pb2.ChannelHeader.FromString(payload.header.channel_header), ab_pb2.SeekInfo.FromString(payload.data)


def async_gateway(credentials, fake, **options):
    key, identity = credentials
    return connect_async(identity=identity, signer=private_key_signer(key), transport=AsyncFakeTransport(fake),
                         **options)


# ------------------------------------------------------------------ the watermark


def test_no_block_is_known_before_a_commit_and_a_submit_makes_its_block_known(gateway, transport):
    network = gateway.get_network(CHANNEL)
    assert network.last_committed_block is None
    transport.block_number = 12
    network.get_contract("receivables").submit_transaction("Confirm", "R-1")
    assert network.last_committed_block == 12
    # every Network of the Gateway on the channel shares it
    assert gateway.get_network(CHANNEL).last_committed_block == 12


def test_it_is_the_highest_block_and_only_a_commit_status_moves_it(gateway, transport):
    network = gateway.get_network(CHANNEL)
    contract = network.get_contract("receivables")
    transport.block_number = 12
    contract.submit_transaction("Confirm", "R-1")
    transport.block_number = 9  # a commit status obtained late, for an older block
    contract.submit_transaction("Confirm", "R-2")
    assert network.last_committed_block == 12
    transport.block_number = 15
    submitted = contract.submit_async("Confirm", arguments=["R-3"])
    assert network.last_committed_block == 12  # sent, not yet known to be in a block
    assert submitted.status().block_number == 15
    assert network.last_committed_block == 15


def test_an_invalid_transaction_still_makes_its_block_known(gateway, transport):
    network = gateway.get_network(CHANNEL)
    transport.commit_codes = [transaction_pb2.MVCC_READ_CONFLICT]
    transport.block_number = 21
    with pytest.raises(CommitError):
        network.get_contract("receivables").submit_transaction("Transfer", "R-1")
    assert network.last_committed_block == 21  # the peer committed block 21 all the same


def test_each_channel_has_its_own(gateway, transport):
    first, second = gateway.get_network(CHANNEL), gateway.get_network("audit-channel")
    transport.block_number = 30
    first.get_contract("receivables").submit_transaction("Confirm", "R-1")
    transport.block_number = 4
    second.get_contract("audit").submit_transaction("Record", "R-1")
    assert (first.last_committed_block, second.last_committed_block) == (30, 4)


def test_the_async_twin_keeps_the_same_watermark(credentials):
    fake = FakeTransport()

    async def main():
        async with async_gateway(credentials, fake) as gateway:
            network = gateway.get_network(CHANNEL)
            assert isinstance(network, AsyncNetwork) and network.last_committed_block is None
            fake.block_number = 8
            await network.get_contract("receivables").submit_transaction("Confirm", "R-1")
            fake.commit_codes = [transaction_pb2.ENDORSEMENT_POLICY_FAILURE]
            fake.block_number = 11
            with pytest.raises(CommitError):
                await network.get_contract("receivables").submit_transaction("Confirm", "R-2")
            other = gateway.get_network("audit-channel")
            return network.last_committed_block, other.last_committed_block

    assert asyncio.run(main()) == (11, None)


# ------------------------------------------------------------------ waiting for a block


def test_a_sync_gateway_gives_networks_whose_wait_blocks(gateway):
    network = gateway.get_network(CHANNEL)
    assert isinstance(network, Network) and not isinstance(network, AsyncNetwork)


def test_waiting_reads_filtered_blocks_from_the_newest_until_the_block(gateway, transport, credentials):
    key, identity = credentials
    transport.deliver_responses = [filtered_block(5), filtered_block(6), filtered_block(7), filtered_block(8)]
    assert gateway.get_network(CHANNEL).wait_for_block(7) == 7
    ((envelope, kind),) = transport.requests("deliver")
    header, seek = seek_of(envelope)
    assert kind == "filtered" and header.channel_id == CHANNEL
    # From the newest block: the peer's Deliver answers NOT_FOUND to a start beyond its next block.
    assert seek.start.WhichOneof("Type") == "newest" and seek.behavior == ab_pb2.SeekInfo.BLOCK_UNTIL_READY
    verify(key.public_key(), envelope.signature, envelope.payload)
    (stream,) = transport.streams
    assert stream.reads == 3 and stream.cancelled  # closed after block 7, block 8 never read


def test_a_block_the_peer_already_has_returns_with_its_newest_block(gateway, transport):
    transport.deliver_responses = [filtered_block(40), HANG]
    assert gateway.get_network(CHANNEL).wait_for_block(3, timeout=5) == 40  # the peer's newest
    assert transport.streams[0].reads == 1 and transport.streams[0].cancelled


def test_a_block_that_does_not_come_raises_naming_the_channel_the_block_and_the_peer(gateway, transport, armed):
    transport.deliver_responses = [filtered_block(5), HANG]
    with pytest.raises(BlockWaitTimeoutError) as caught:
        gateway.get_network(CHANNEL).wait_for_block(9, timeout=0.05)
    assert armed == [0.05]  # the deadline given is the one that cancels the stream
    error = caught.value
    assert isinstance(error, GatewayError) and error.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert (error.channel, error.block_number, error.address, error.timeout) == (CHANNEL, 9, PEER, 0.05)
    assert str(error) == (
        f"DEADLINE_EXCEEDED: peer {PEER} did not commit block 9 of channel {CHANNEL} within 0.05s: the peer is "
        "behind or cannot reach the orderers, or no such block was cut yet; check the peer's block height, "
        "then wait again"
    )
    assert transport.streams[0].cancelled


def test_the_default_deadline_is_the_gateways(credentials, armed):
    assert Timeouts().wait_for_block == 30.0
    key, identity = credentials
    transport = FakeTransport()
    transport.address = ""  # a transport that does not say where it connects
    transport.deliver_responses = [HANG]
    gateway = connect(identity=identity, signer=private_key_signer(key), transport=transport,
                      timeouts=Timeouts(wait_for_block=0.05))
    with pytest.raises(BlockWaitTimeoutError, match=r"the Gateway peer did not commit block 2 of channel .* 0.05s"):
        gateway.get_network(CHANNEL).wait_for_block(2)
    assert armed == [0.05]


def test_a_refused_stream_is_a_gateway_error_not_a_timeout(gateway, transport):
    transport.deliver_responses = [events_pb2.DeliverResponse(status=common_pb2.FORBIDDEN)]
    with pytest.raises(GatewayError, match="FORBIDDEN") as caught:
        gateway.get_network(CHANNEL).wait_for_block(1, timeout=5)
    assert not isinstance(caught.value, BlockWaitTimeoutError)


def test_a_stream_that_ends_before_the_block_is_a_gateway_error(gateway, transport):
    transport.deliver_responses = [filtered_block(3)]
    with pytest.raises(GatewayError, match="ended before the event waited for"):
        gateway.get_network(CHANNEL).wait_for_block(4, timeout=5)


@pytest.mark.parametrize("bad", [-1, True, 2.0, "7", 2**64])
def test_a_block_number_must_be_a_whole_number(gateway, transport, bad):
    with pytest.raises(ValueError, match="give a block number"):
        gateway.get_network(CHANNEL).wait_for_block(bad)
    assert transport.requests("deliver") == []


def test_the_async_twin_waits_and_times_out_the_same_way(credentials, armed):
    fake = FakeTransport()

    async def main():
        async with async_gateway(credentials, fake) as gateway:
            network = gateway.get_network(CHANNEL)
            fake.deliver_responses = [filtered_block(5), filtered_block(6)]
            assert await network.wait_for_block(6) == 6
            fake.deliver_responses = [filtered_block(6), HANG]
            with pytest.raises(BlockWaitTimeoutError) as caught:
                await network.wait_for_block(9, timeout=0.05)
            return caught.value

    error = asyncio.run(main())
    assert (error.channel, error.block_number, error.address) == (CHANNEL, 9, PEER)
    assert [kind for _, kind in fake.requests("deliver")] == ["filtered", "filtered"]
    assert all(stream.cancelled for stream in fake.streams)
    assert fake.streams[0].reads == 2
    assert armed == [Timeouts().wait_for_block, 0.05]  # the gateway's default, then the deadline given


# ------------------------------------------------------------------ over real gRPC


@pytest.fixture
def served(credentials):
    servicer = Servicer()
    server, port = start_server(servicer)
    yield servicer, f"127.0.0.1:{port}"
    servicer.release.set()
    server.stop(None)


def test_the_deadline_cancels_a_real_grpc_stream_from_another_thread(served, credentials, armed):
    servicer, address = served
    key, identity = credentials
    with connect(address, identity=identity, signer=private_key_signer(key), insecure=True) as gateway:
        network = gateway.get_network(CHANNEL)
        assert network.wait_for_block(5, timeout=5) == 5
        with pytest.raises(BlockWaitTimeoutError) as caught:
            network.wait_for_block(6, timeout=0.3)
    assert armed == [5, 0.3]
    assert caught.value.address == address
    assert [name for name, *_ in servicer.seen] == ["deliver_filtered", "deliver_filtered"]


def test_the_deadline_cancels_a_real_grpc_aio_stream(served, credentials, armed):
    servicer, address = served
    key, identity = credentials

    async def main():
        async with connect_async(address, identity=identity, signer=private_key_signer(key), insecure=True) as gw:
            network = gw.get_network(CHANNEL)
            assert await network.wait_for_block(4, timeout=5) == 5
            with pytest.raises(BlockWaitTimeoutError) as caught:
                await network.wait_for_block(6, timeout=0.3)
            return caught.value

    error = asyncio.run(main())
    assert armed == [5, 0.3]
    assert (error.block_number, error.address) == (6, address)


def test_a_deadline_given_as_a_fraction_times_out_as_any_other(gateway, transport):
    """A Fraction is a number of seconds Timeouts and timeout= take (docs/sdk-gateway.md, "Timeouts"); the
    wait's timer thread died on it ("'Fraction' object cannot be interpreted as an integer"), leaving the wait
    without a limit."""
    transport.deliver_responses = [filtered_block(5), HANG]
    with pytest.raises(BlockWaitTimeoutError, match=r"within 0\.05s"):
        gateway.get_network(CHANNEL).wait_for_block(9, timeout=Fraction(1, 20))
