"""Several ChaincodeServers on one event loop share its SystemExit guard (the exits_as_failure task factory): it stays
while any of them serves, and the loop gets back the factory it had once the last stops. An operations endpoint that
cannot be served is explained by its cause."""

import asyncio
import re
import socket

import pytest

from chaincode.feature_contract import FeatureContract
from chaincode.shim import ChaincodeServer
from chaincode.shim._execution import exits_as_failure

from .peer_double import PACKAGE_ID, Msg, PeerSide
from .test_stream_protocol import Awkward, response_of


def new_server(**kwargs) -> ChaincodeServer:
    return ChaincodeServer([Awkward()], "127.0.0.1:0", PACKAGE_ID, **kwargs)


async def test_stopping_one_of_two_servers_leaves_the_other_its_exit_guard():
    loop = asyncio.get_running_loop()
    assert loop.get_task_factory() is None
    a, b = new_server(), new_server()
    await a.start()
    port_b = await b.start()
    try:
        await a.stop(0)
        assert loop.get_task_factory() is exits_as_failure
        # a SystemExit in a task a transaction started fails that transaction alone, on the server still serving
        async with PeerSide.connect(port_b) as peer:
            await peer.start("tx1", "awkward:ExitInAChildTask")
            # without the guard asyncio re-raises the SystemExit from the loop and no answer ever comes
            response = response_of(await asyncio.wait_for(peer.expect("tx1", Msg.COMPLETED), 10))
            assert response.status == 500 and response.message.startswith("ExitInTask: SystemExit(2)"), response
    finally:
        await b.stop(0)
    assert loop.get_task_factory() is None, "the last server to stop gives the loop back its own (no) factory"


async def test_stopping_twice_or_in_either_order_gives_the_loop_back_its_factory_once_all_stopped():
    loop = asyncio.get_running_loop()
    a, b, c = new_server(), new_server(), new_server()
    for server in (a, b, c):
        await server.start()
    await b.stop(0)
    await b.stop(0)           # a second stop of one server is no second release
    assert loop.get_task_factory() is exits_as_failure
    await c.stop(0)
    assert loop.get_task_factory() is exits_as_failure
    await a.stop(0)
    assert loop.get_task_factory() is None
    await a.start()           # a server started again guards the loop again
    assert loop.get_task_factory() is exits_as_failure
    await a.stop(0)
    assert loop.get_task_factory() is None


async def test_a_task_factory_of_the_embedding_program_is_left_alone():
    loop = asyncio.get_running_loop()

    def own_factory(loop, coro, **kwargs):
        return asyncio.Task(coro, loop=loop, **kwargs)
    loop.set_task_factory(own_factory)
    try:
        a = new_server()
        await a.start()
        assert loop.get_task_factory() is own_factory
        await a.stop(0)
        assert loop.get_task_factory() is own_factory
    finally:
        loop.set_task_factory(None)


async def test_a_server_that_cannot_bind_gives_the_guard_back():
    loop = asyncio.get_running_loop()
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    try:
        busy = ChaincodeServer([FeatureContract()], f"127.0.0.1:{holder.getsockname()[1]}", PACKAGE_ID)
        with pytest.raises(OSError, match="cannot serve the chaincode on"):
            await busy.start()
        assert loop.get_task_factory() is None
    finally:
        holder.close()


@pytest.mark.parametrize("host, advice", [
    ("no-such-host.invalid", r"the host 'no-such-host\.invalid' does not resolve: give --operations-address \(or "
                             r"CHAINCODE_OPERATIONS_ADDRESS\) a host name or address of this machine"),
    ("192.0.2.1", r"'192\.0\.2\.1' is not an address of this machine: give --operations-address \(or "
                  r"CHAINCODE_OPERATIONS_ADDRESS\) one of its addresses, or 0\.0\.0\.0 for all of them"),
])
async def test_an_operations_host_that_is_not_this_machines_is_named_not_taken_for_a_busy_port(host, advice):
    server = ChaincodeServer([FeatureContract()], "127.0.0.1:0", PACKAGE_ID, operations_address=f"{host}:9443")
    with pytest.raises(OSError, match=rf"cannot serve the operations endpoint on {re.escape(host)}:9443: "
                                      rf".*; {advice}$") as raised:
        await server.start()
    assert "free port" not in str(raised.value)
    assert server.failed_checks(), "the gRPC server it started is stopped again"
    assert asyncio.get_running_loop().get_task_factory() is None


def test_a_server_started_again_on_a_new_loop_without_a_stop_guards_that_loop():
    # start() guards its loop first of all; the guard alone is driven here, on two loops in turn, since gRPC's aio
    # server keeps to the loop it first ran on within one process
    server = new_server()

    async def guarded():
        server._guard_exits()
        return asyncio.get_running_loop().get_task_factory()

    assert asyncio.run(guarded()) is exits_as_failure   # the first run ends without a stop
    try:
        assert asyncio.run(guarded()) is exits_as_failure
    finally:
        server._unguard_exits()


async def test_a_start_that_fails_otherwise_than_binding_leaves_no_count_behind():
    loop = asyncio.get_running_loop()
    broken = new_server(tls_cert="a certificate as str", tls_key="a key as str")   # gRPC wants bytes: TypeError
    with pytest.raises(TypeError):
        await broken.start()
    good = new_server()
    await good.start()
    await good.stop(0)
    assert loop.get_task_factory() is None


async def test_a_factory_cleared_between_two_starts_keeps_the_first_servers_count():
    loop = asyncio.get_running_loop()
    a, b = new_server(), new_server()
    await a.start()
    loop.set_task_factory(None)   # the embedding program clears it while a serves
    await b.start()
    await a.stop(0)
    try:
        assert loop.get_task_factory() is exits_as_failure, "b still serves and relies on it"
    finally:
        await b.stop(0)
    assert loop.get_task_factory() is None
