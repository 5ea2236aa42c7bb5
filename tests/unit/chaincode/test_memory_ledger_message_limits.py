"""MemoryLedger holds a transaction to the message limit as the runtime's stream does.

A request over the limit is refused before it is sent (``ValueError: PUT_STATE request too large``), and an
answer over it (a payload or an event too large) is replaced by status 500 ``response too large``, without the
event. MemoryLedger answered both with status 200 and committed the write: a contract tested on it passed
where every peer's endorsement of it fails.
"""

from __future__ import annotations

import pytest

from chaincode.contract import Context, Contract, transaction
from chaincode.shim import PeerOptions, _handler
from chaincode.testing import MemoryLedger, make_identity

# Small enough for tests to exceed it quickly, large enough for every other message they send.
SMALL_LIMIT = 64 * 1024
CALLER = make_identity("SupplierMSP", "alice")


class Sized(Contract):
    name = "sized"

    @transaction
    async def Payload(self, ctx: Context, size: int) -> bytes:
        await ctx.stub.put_state("marker", b"written")
        return b"x" * size

    @transaction
    async def Event(self, ctx: Context, size: int) -> None:
        await ctx.stub.put_state("marker", b"written")
        ctx.stub.set_event("sized", b"x" * size)

    @transaction
    async def Store(self, ctx: Context, size: int) -> None:
        await ctx.stub.put_state("marker", b"written")
        await ctx.stub.put_private_data("coll", "k", b"x" * size)


@pytest.fixture
def small_message_limit(monkeypatch) -> int:
    """The runtime's message limit at SMALL_LIMIT, as it is at 100 MiB."""
    monkeypatch.setattr(_handler, "MAX_MESSAGE_BYTES", SMALL_LIMIT)
    return SMALL_LIMIT


@pytest.mark.parametrize("batched", [False, True], ids=["one-message-per-write", "write-batch"])
@pytest.mark.parametrize(("function", "refusal"), [
    ("Payload", "response too large: "),
    ("Event", "response too large: "),
    ("Store", "request too large: "),
])
async def test_over_the_message_limit_is_status_500_and_commits_nothing(small_message_limit, function,
                                                                         refusal, batched):
    ledger = MemoryLedger(contracts=[Sized()], peer_options=PeerOptions(use_write_batch=batched))
    result = await ledger.submit(CALLER, f"sized:{function}", str(small_message_limit))
    assert result.status == 500 and refusal in result.message, result.message
    assert f"the limit is {small_message_limit}" in result.message
    assert result.event is None and result.payload == b""
    assert ledger.state == {} and ledger.private_state == {} and ledger.events == []


@pytest.mark.parametrize("function", ["Payload", "Event", "Store"])
async def test_within_the_message_limit_is_answered_and_committed(small_message_limit, function):
    ledger = MemoryLedger(contracts=[Sized()])
    result = await ledger.submit(CALLER, f"sized:{function}", str(small_message_limit // 2))
    assert result.status == 200, result.message
    assert ledger.state == {"marker": b"written"}
