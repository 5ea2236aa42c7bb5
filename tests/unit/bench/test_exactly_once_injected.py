"""The exactly-once check end to end, through the hot-key workload, the real SDK and the real contract: a transfer
the peer lost and a transfer applied twice are each injected, and each is found and fails the check.

The duplicate is a client resending under a new request id (test_hotkey_workload's ResendsWithoutItsRequestId);
the loss is a peer that answers VALID for a transfer but commits none of its writes."""
from __future__ import annotations

from .test_hotkey_workload import BlockPeer, ResendsWithoutItsRequestId, World, _function, counts, run_all_at_once


class LosesTheFirstTransfer(BlockPeer):
    """A peer that answers VALID for the first TransferReceivable it validates and commits none of its writes."""

    def __init__(self, ledger) -> None:
        super().__init__(ledger)
        self.functions: dict[str, str] = {}
        self.lost: list[str] = []

    async def endorse(self, request, timeout):
        response = await super().endorse(request, timeout)
        self.functions[list(self._endorsed)[-1]] = _function(request.proposed_transaction)
        return response

    def _validate_and_commit(self, endorsed) -> int:
        if self.functions.get(endorsed.result.tx_id) == "TransferReceivable" and not self.lost:
            self.lost.append(endorsed.result.tx_id)
            return 0     # TxValidationCode VALID
        return super()._validate_and_commit(endorsed)


def test_a_transfer_acknowledged_but_not_on_the_ledger_is_counted_lost_and_fails_the_check():
    world = World()
    world.peer = LosesTheFirstTransfer(world.net.ledger)
    _, tx_ids, _, verdict = run_all_at_once(world, 3, duplicate_every=0)
    assert len(world.peer.lost) == 1 and world.peer.lost[0] in tx_ids     # the client was told it committed
    assert counts(verdict) == (3, 2, 0, 1)
    assert [p.split(":")[0] for p in verdict["problems"]] == ["lost"]
    assert not verdict["holds"]


def test_a_transfer_applied_twice_is_counted_duplicated_and_fails_the_check():
    world = World()
    _, _, _, verdict = run_all_at_once(world, 3, duplicate_every=2, workload_class=ResendsWithoutItsRequestId)
    assert counts(verdict) == (3, 2, 1, 0)     # the request resent under a new id moved two parts
    assert [p.split(":")[0] for p in verdict["problems"]] == ["duplicated"]
    assert not verdict["holds"]


def test_the_same_run_without_either_holds():
    _, _, _, verdict = run_all_at_once(World(), 3, duplicate_every=2)      # resent under its own request id
    assert counts(verdict) == (3, 3, 0, 0) and verdict["holds"] and not verdict["problems"]
