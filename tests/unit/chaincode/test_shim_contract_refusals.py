"""A contract's refusal reaches the peer as the rule it names, however the contract ran the check that raised it."""

import asyncio
import json

import pytest

from chaincode.contract import Contract, ContractError, Context, transaction
from chaincode.shim import PeerError

from .peer_double import Msg, PeerSide, running_server
from .test_stream_protocol import Wire, response_of


class Checks(Contract):
    """Runs its checks at once in an asyncio.TaskGroup, which raises what they raise wrapped in an ExceptionGroup."""

    name = "checks"

    @transaction
    async def Run(self, ctx: Context, failures: list[str]) -> None:
        async def check(failure: str) -> None:
            await asyncio.sleep(0)
            if failure == "bug":
                raise KeyError("internal-key-name")
            if failure.startswith("peer: "):
                raise PeerError(failure.removeprefix("peer: "))
            if failure:
                raise ContractError(failure)

        async with asyncio.TaskGroup() as group:
            for failure in failures:
                group.create_task(check(failure))

    @transaction(evaluate=True)
    async def ReadAll(self, ctx: Context, keys: list[str]) -> list[str]:
        async with asyncio.TaskGroup() as group:
            reads = [group.create_task(ctx.stub.get_state(key)) for key in keys]
        return [(read.result() or b"").decode() for read in reads]


@pytest.mark.parametrize("failures, message", [
    (["", "receivable r1 is frozen: unfreeze it first"], "receivable r1 is frozen: unfreeze it first"),
    (["receivable r1 is frozen: unfreeze it first", "amount -1 is negative"],
     "receivable r1 is frozen: unfreeze it first"),
    (["receivable r1 is frozen: unfreeze it first", "bug"], "internal error (ExceptionGroup) in tx tx1: see the "
                                                            "chaincode server's log"),
    (["receivable r1 is frozen: unfreeze it first", "peer: GET_STATE failed: no ledger context"],
     "receivable r1 is frozen: unfreeze it first"),
    (["peer: GET_STATE failed: no ledger context"], "PeerError: GET_STATE failed: no ledger context"),
    (["peer: GET_STATE failed: no ledger context", "bug"], "internal error (ExceptionGroup) in tx tx1: see the "
                                                          "chaincode server's log"),
], ids=["one-refusal", "two-refusals", "refusal-and-bug", "refusal-and-peer-refusal", "peer-refusal",
        "peer-refusal-and-bug"])
async def test_a_refusal_raised_in_a_task_group_is_answered_as_the_rule_not_an_internal_exception_group(
        failures, message):
    """Answered "internal error (ExceptionGroup) in tx ...", the caller could not tell which rule the call broke. A
    group that holds a bug as well stays an internal error, its text (a KeyError's key) kept from the caller."""
    async with running_server([Checks(), Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "checks:Run", json.dumps(failures))
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (500, message)
        await peer.still_serves_a_read("wire:Read")


async def test_a_read_the_peer_refuses_in_a_task_group_is_answered_as_the_peer_s_refusal():
    """Answered "internal error (ExceptionGroup) in tx ...", the caller was sent to the chaincode's log for what the
    peer said: a collection it may not read, say."""
    refusal = ("GET_STATE failed: transaction ID: tx1: tx creator does not have read access permission on "
               "privatedata in chaincodeName:recfin collectionName: terms")
    async with running_server([Checks(), Wire()]) as port, PeerSide.connect(port) as peer:
        await peer.start("tx1", "checks:ReadAll", json.dumps(["a"]))
        await peer.expect("tx1", Msg.GET_STATE)
        await peer.reply("tx1", refusal.encode(), error=True)
        response = response_of(await peer.expect("tx1", Msg.COMPLETED))
        assert (response.status, response.message) == (500, f"PeerError: {refusal}")
        await peer.still_serves_a_read("wire:Read")
