"""An async client's call runs the work that may wait (a signer over an HSM or a signing service) in a thread of its
own; the caller's context variables (a request id or a deadline its framework set, a tracing span) go with it, as
``asyncio.to_thread`` would carry them, so that a signer or the integrator's logging sees the call's own."""

from __future__ import annotations

import asyncio
import contextvars
import threading

from client.gateway import connect_async
from client.receivables import AsyncReceivablesClient

from ..client.gateway_fakes import AsyncFakeTransport
from .test_cross_org import CHANNEL, identity_of, peer

REQUEST = contextvars.ContextVar("integrators_request", default="none set")


def test_a_signer_that_may_wait_runs_in_another_thread_with_the_callers_context_variables():
    identity, in_process = identity_of("SupplierMSP")
    seen: list[tuple[str, bool]] = []

    def signing_service(digest: bytes) -> bytes:   # a plain callable: the gateway cannot tell it does not wait
        seen.append((REQUEST.get(), threading.current_thread() is not threading.main_thread()))
        return in_process(digest)

    async def confirm_as(request: str) -> None:
        REQUEST.set(request)
        gateway = connect_async(identity=identity, signer=signing_service, transport=AsyncFakeTransport(peer()))
        network = gateway.get_network(CHANNEL)
        client = AsyncReceivablesClient(network.get_contract(CHANNEL, "receivables"), network)
        await client.confirm("R-00000000000000a1")

    async def two_callers() -> None:
        await asyncio.gather(confirm_as("order-1"), confirm_as("order-2"))

    asyncio.run(two_callers())
    assert seen and all(off_the_loop for _, off_the_loop in seen)
    assert {request for request, _ in seen} == {"order-1", "order-2"}
