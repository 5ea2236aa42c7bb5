"""A peer that never accepts the chaincode's REGISTER: the server says so in the log, naming the package ID.

A Fabric peer refuses a registration under a package ID it is not launching (a stale CHAINCODE_ID after a new
package was installed, say) without a word to the chaincode: it logs "peer will not accept external chaincode
connection <id>" and leaves the stream open in its created state. The server's log said only that the peer had
connected, and each invocation waited out the peer's launch timeout.
"""

import asyncio
import contextlib
import logging

from chaincode.contract import ContractRouter
from chaincode.feature_contract import FeatureContract
from chaincode.shim import PeerOptions, StreamHandler

from .peer_double import PACKAGE_ID, Msg
from .test_stream_protocol import ScriptedPeer

# Far below the default: what the tests wait for is the deadline passing, whatever it is.
DEADLINE = 0.01
IN_TIME_DEADLINE = 1.0


def errors_of(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]


async def _handler_waiting(peer: ScriptedPeer, deadline: float = DEADLINE) -> tuple[StreamHandler, asyncio.Task]:
    handler = StreamHandler(ContractRouter([FeatureContract()]).invoke, PACKAGE_ID, peer.incoming.get, peer.write,
                            registration_timeout=deadline, peer="ipv4:10.0.0.7:51234")
    running = asyncio.create_task(handler.run())
    await peer.received(Msg.REGISTER)
    return handler, running


@contextlib.asynccontextmanager
async def _stream_closed_after(peer: ScriptedPeer, running: asyncio.Task):
    """Whatever the block does, the peer then closes the stream and the handler is seen to end."""
    try:
        yield
    finally:
        peer.incoming.put_nowait(None)
        await asyncio.wait_for(running, 5)


async def _until_an_error(caplog) -> list[str]:
    for _ in range(500):
        if errors_of(caplog):
            break
        await asyncio.sleep(DEADLINE)
    return errors_of(caplog)


async def test_a_registration_the_peer_never_answers_is_an_error_naming_the_package_id_and_what_to_check(caplog):
    peer = ScriptedPeer()
    _, running = await _handler_waiting(peer)
    async with _stream_closed_after(peer, running):
        errors = await _until_an_error(caplog)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"peer ipv4:10.0.0.7:51234 has not accepted this chaincode's registration as "
                                f"{PACKAGE_ID!r} (no REGISTERED within {DEADLINE:g} s)"), errors[0]
    assert f"peer will not accept external chaincode connection {PACKAGE_ID}" in errors[0]
    assert "CHAINCODE_ID" in errors[0] and "queryinstalled" in errors[0]


async def test_a_peer_that_registers_the_chaincode_but_sends_no_ready_is_named_too(caplog):
    peer = ScriptedPeer()
    _, running = await _handler_waiting(peer)
    peer.send(Msg(type=Msg.REGISTERED))
    async with _stream_closed_after(peer, running):
        errors = await _until_an_error(caplog)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"peer ipv4:10.0.0.7:51234 registered this chaincode as {PACKAGE_ID!r} but sent "
                                f"no READY within {DEADLINE:g} s"), errors[0]


async def test_a_peer_that_registers_and_readies_the_chaincode_in_time_leaves_no_error(caplog):
    # A peer answering at once must beat the deadline on a loaded machine too: 10 ms did not always, so this one
    # has a deadline a loop step cannot miss, and waits it out.
    peer = ScriptedPeer()
    _, running = await _handler_waiting(peer, deadline=IN_TIME_DEADLINE)
    peer.send(Msg(type=Msg.REGISTERED))
    peer.send(Msg(type=Msg.READY, payload=PeerOptions().to_ready_payload()))
    async with _stream_closed_after(peer, running):
        await asyncio.sleep(IN_TIME_DEADLINE * 1.5)   # past the deadline
    assert errors_of(caplog) == []


async def test_a_stream_the_peer_closes_before_registering_leaves_no_error(caplog):
    peer = ScriptedPeer()
    _, running = await _handler_waiting(peer)
    peer.incoming.put_nowait(None)
    await asyncio.wait_for(running, 5)
    await asyncio.sleep(DEADLINE * 10)
    assert errors_of(caplog) == []
