"""Hostile peers against the real gRPC chaincode server (``chaincode.shim.ChaincodeServer``).

A peer double (tests/unit/chaincode/peer_double.py) sends what no good peer
sends: garbage payloads, unknown message types, TRANSACTION before READY,
truncated or garbage proposals, duplicate tx ids, a READY that does not parse.
The server must stay up, keep serving the stream, and answer every TRANSACTION
with COMPLETED or ERROR.
"""

from __future__ import annotations

import asyncio
import os

import grpc
from fabric_protos.peer import chaincode_pb2, chaincode_shim_pb2_grpc, proposal_pb2
from fabric_protos.peer import proposal_response_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chaincode.contract import Context, Contract, transaction
from chaincode.testing._proposals import make_signed_proposal

from ..chaincode.peer_double import CALLER, CHANNEL, TIMEOUT, Msg, PeerSide, running_server

EXAMPLES = int(os.environ.get("HOSTILE_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
ANSWERS = (Msg.COMPLETED, Msg.ERROR)


class Echo(Contract):
    name = "echo"

    @transaction(evaluate=True)
    async def Say(self, ctx: Context, text: str) -> str:
        return text

    @transaction(evaluate=True)
    async def Who(self, ctx: Context) -> str:
        return ctx.client_identity.msp_id


def signed(*args: bytes) -> proposal_pb2.SignedProposal:
    proposal, _ = make_signed_proposal(channel_id=CHANNEL, chaincode_name="recfin", args=list(args),
                                       creator=bytes(CALLER))
    return proposal


def transaction_message(tx_id: str, *args: bytes, proposal=None, payload: bytes | None = None) -> Msg:
    message = Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL,
                  payload=payload if payload is not None else chaincode_pb2.ChaincodeInput(args=list(args))
                  .SerializeToString())
    message.proposal.CopyFrom(proposal if proposal is not None else signed(*args))
    return message


async def still_serves(peer: PeerSide, tx_id: str = "after") -> None:
    await peer.send(transaction_message(tx_id, b"echo:Say", b"still here"))
    completed = await peer.expect(tx_id, Msg.COMPLETED)
    response = proposal_response_pb2.Response.FromString(completed.payload)
    assert (response.status, response.payload) == (200, b"still here")


def answered(message) -> int:
    assert message.type in ANSWERS, Msg.Type.Name(message.type)
    if message.type == Msg.COMPLETED:
        status = proposal_response_pb2.Response.FromString(message.payload).status
        assert status in (200, 500)
    return message.type


# ---------------------------------------------------------------- the peer's messages, hostile

message_types = st.one_of(st.sampled_from(sorted(Msg.Type.values())), st.integers(0, 2**31 - 1))


@st.composite
def hostile_message(draw, n: int):
    kind = draw(st.sampled_from(["garbage-tx", "truncated-proposal", "garbage-proposal", "no-proposal",
                                 "any-type", "garbage-init", "good"]))
    tx_id = f"h{n}"
    args = draw(st.lists(st.binary(max_size=20) | st.sampled_from([b"echo:Say", b"echo:Who", b"nosuch:X"]),
                         max_size=4))
    if kind == "garbage-tx":
        return transaction_message(tx_id, proposal=signed(*args), payload=draw(st.binary(max_size=60)))
    if kind == "truncated-proposal":
        good = signed(*args)
        # a share of the length, not a length: signatures vary in size, and draws must not depend on them
        cut = len(good.proposal_bytes) * draw(st.integers(0, 99)) // 100
        return transaction_message(tx_id, *args, proposal=proposal_pb2.SignedProposal(
            proposal_bytes=good.proposal_bytes[:cut], signature=good.signature))
    if kind == "garbage-proposal":
        return transaction_message(tx_id, *args, proposal=proposal_pb2.SignedProposal(
            proposal_bytes=draw(st.binary(min_size=1, max_size=80)), signature=draw(st.binary(max_size=10))))
    if kind == "no-proposal":
        return Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL,
                   payload=chaincode_pb2.ChaincodeInput(args=args).SerializeToString())
    if kind == "garbage-init":
        return Msg(type=Msg.INIT, txid=tx_id, channel_id=draw(st.sampled_from([CHANNEL, "", "other"])),
                   payload=draw(st.binary(max_size=60)))
    if kind == "good":
        return transaction_message(tx_id, b"echo:Say", b"ok")
    # any type at all, with garbage; REGISTERED and READY are left to their own tests
    kind_value = draw(message_types.filter(lambda t: t not in (Msg.REGISTERED, Msg.READY)))
    return Msg(type=kind_value, txid=draw(st.sampled_from([tx_id, "", "h0"])), channel_id=CHANNEL,
               payload=draw(st.binary(max_size=60)))


async def _run_hostile(messages: list) -> None:
    async with running_server([Echo()]) as port:
        async with PeerSide.connect(port) as peer:
            for message in messages:
                await peer.send(message)
            for message in messages:
                if message.type in (Msg.TRANSACTION, Msg.INIT):
                    answered(await _next(peer, message.txid, message.channel_id))
            await still_serves(peer)
        # the server outlives the stream: a new peer connects and is served
        async with PeerSide.connect(port) as again:
            await still_serves(again, "second-stream")


async def _next(peer: PeerSide, tx_id: str, channel_id: str):
    return await asyncio.wait_for(peer._queues[(channel_id, tx_id)].get(), TIMEOUT)


@SETTINGS
@given(st.data())
def test_every_transaction_is_answered_whatever_the_peer_sends(data):
    count = data.draw(st.integers(1, 8), label="count")
    messages = [data.draw(hostile_message(n), label=f"message {n}") for n in range(count)]
    asyncio.run(_run_hostile(messages))


async def _raw_connect(port: int):
    channel = grpc.aio.insecure_channel(f"127.0.0.1:{port}")
    call = chaincode_shim_pb2_grpc.ChaincodeStub(channel).Connect()
    register = await asyncio.wait_for(call.read(), TIMEOUT)
    assert register.type == Msg.REGISTER
    return channel, call


async def test_a_transaction_before_ready_is_answered_with_error_then_served_after_ready():
    async with running_server([Echo()]) as port:
        channel, call = await _raw_connect(port)
        try:
            await call.write(transaction_message("early", b"echo:Say", b"x"))  # before REGISTERED
            reply = await asyncio.wait_for(call.read(), TIMEOUT)
            assert (reply.type, reply.txid) == (Msg.ERROR, "early") and b"not ready" in reply.payload
            await call.write(Msg(type=Msg.REGISTERED))
            await call.write(transaction_message("between", b"echo:Say", b"x"))  # registered, not ready
            reply = await asyncio.wait_for(call.read(), TIMEOUT)
            assert (reply.type, reply.txid) == (Msg.ERROR, "between")
            await call.write(Msg(type=Msg.READY))
            await call.write(transaction_message("ready", b"echo:Say", b"x"))
            reply = await asyncio.wait_for(call.read(), TIMEOUT)
            assert (reply.type, reply.txid) == (Msg.COMPLETED, "ready")
            assert proposal_response_pb2.Response.FromString(reply.payload).payload == b"x"
        finally:
            await call.done_writing()
            await channel.close()


async def test_a_ready_whose_payload_does_not_parse_keeps_the_stream_with_default_options():
    async with running_server([Echo()]) as port:
        async with PeerSide.connect(port, ready_payload=b"\xff\xff\xff\x07garbage") as peer:
            await still_serves(peer)


async def test_a_duplicate_tx_id_while_running_is_answered_and_the_first_completes():
    async with running_server([Echo()]) as port, PeerSide.connect(port) as peer:
        first = transaction_message("dup", b"echo:Say", b"one")
        await peer.send(first)
        await peer.send(first)
        replies = [await _next(peer, "dup", CHANNEL), await _next(peer, "dup", CHANNEL)]
        assert sorted(answered(r) for r in replies) in ([Msg.COMPLETED, Msg.ERROR], [Msg.COMPLETED, Msg.COMPLETED])
        await still_serves(peer)
