"""Hostile calls of the receivables contract through the real gRPC chaincode server, one stream for them all.

``test_contract_fuzz`` runs each call through the router and the production stub in process; here the same
calls go through ``ChaincodeServer`` as a peer sends them (a TRANSACTION with the client's signed proposal),
each of the contract's requests answered from the seeded ledger as a peer answers it
(``MemoryPeerSession``, whose refusals travel back as ERROR messages). Properties: every call is answered
with COMPLETED and status 200 or 500, a refusal's message is clean, and the stream, never ended by a call,
serves a good call after them.
"""

from __future__ import annotations

import asyncio

from fabric_protos.peer import chaincode_pb2, proposal_response_pb2
from hypothesis import given
from hypothesis import strategies as st

from chaincode.receivables import ReceivablesContract
from chaincode.shim import PeerError
from chaincode.testing._memory_peer import MemoryPeerSession
from chaincode.testing._proposals import make_signed_proposal

from ..chaincode.peer_double import CHANNEL, Msg, PeerSide, running_server
from .test_contract_fuzz import (CONTRACT, PARAMETERS, SETTINGS, TRANSACTIONS, arguments, clean, parameter_values,
                                 transients, world)

ANSWERS = (Msg.COMPLETED, Msg.ERROR)


async def _call(peer: PeerSide, tx_id: str, caller, function: str, args: list[bytes], transient) -> tuple:
    """Send one transaction as a peer does and answer its requests from the seeded ledger; its (status,
    message, payload)."""
    w = world()
    raw = [f"{CONTRACT}:{function}".encode(), *args]
    proposal, _ = make_signed_proposal(channel_id=CHANNEL, chaincode_name=w.net.ledger.chaincode_name, args=raw,
                                       creator=bytes(caller.identity), transient=transient, timestamp=w.net.now,
                                       signing_key=getattr(caller.identity, "private_key", None))
    message = Msg(type=Msg.TRANSACTION, txid=tx_id, channel_id=CHANNEL,
                  payload=chaincode_pb2.ChaincodeInput(args=raw).SerializeToString())
    message.proposal.CopyFrom(proposal)
    await peer.send(message)
    session = MemoryPeerSession(w.net.ledger, tx_id=tx_id, creator_msp=caller.msp)
    while True:
        request = await peer.next_message(tx_id)
        if request.type in ANSWERS:
            assert request.type == Msg.COMPLETED, f"{function}: answered {Msg.Type.Name(request.type)}"
            response = proposal_response_pb2.Response.FromString(request.payload)
            return response.status, response.message, response.payload
        try:
            answer = await session.request(request.type, request.payload)
        except PeerError as refusal:
            await peer.reply(tx_id, str(refusal).encode(), error=True)
        else:
            await peer.reply(tx_id, answer)


@SETTINGS
@given(data=st.data())
def test_hostile_calls_over_one_stream_are_each_answered_and_the_stream_serves_on(data):
    w = world()
    calls = []
    for n in range(data.draw(st.integers(1, 4), label="calls")):
        fn = data.draw(st.sampled_from(TRANSACTIONS), label=f"transaction {n}")
        caller, good_args, good_transient = w.good_calls[fn]
        args, transient = list(good_args), good_transient
        if data.draw(st.booleans(), label=f"random {n}"):  # a random caller and argument list
            caller = data.draw(st.sampled_from(w.callers), label=f"caller {n}")
            count = data.draw(st.integers(0, len(good_args) + 2), label=f"count {n}")
            args = [data.draw(arguments(w), label=f"arg {n}.{i}") for i in range(count)]
            transient = data.draw(transients(), label=f"transient {n}")
        elif args:  # the good call, one argument spoilt
            spoil = data.draw(st.integers(0, len(args) - 1), label=f"spoilt {n}")
            name, named = PARAMETERS[fn][spoil], parameter_values(w)
            args[spoil] = data.draw(named[name] | arguments(w) if name in named else arguments(w),
                                    label=f"{name} {n}")
        calls.append((fn, caller, args, transient))

    async def run() -> None:
        w.restore()
        async with running_server([ReceivablesContract()]) as port, PeerSide.connect(port) as peer:
            for n, (fn, caller, args, transient) in enumerate(calls):
                status, message, _ = await _call(peer, f"hostile-{n}", caller, fn, args, transient)
                shown = f"{fn} by {caller.name} with {[a[:60] for a in args]!r}"
                assert status in (200, 500), shown
                if status == 500:
                    assert message and not clean(message), f"{shown}: unclean message {message!r}"
            tier1 = w.net.actors["tier1"]
            status, message, payload = await _call(peer, "after", tier1, "WhoAmI", [], None)
            assert status == 200, message
            assert tier1.uscc in payload.decode()

    asyncio.run(run())
