"""Networks: one channel, as seen through the Gateway."""

from __future__ import annotations

from ._checkpointer import Checkpoint
from ._context import Context
from ._contract import Contract
from ._event_iterators import EventIterator
from ._events import (
    BlockEventsRequest,
    ChaincodeEvent,
    ChaincodeEventsRequest,
    build_block_events_request,
    build_chaincode_events_request,
)
from ._retry import RetryPolicy


class Network:
    """A channel: get contracts on it, and listen to its events."""

    def __init__(self, context: Context, channel: str, retry: RetryPolicy | None) -> None:
        self._context = context
        self.name = channel
        self._retry = retry

    def get_contract(self, chaincode: str, contract_name: str | None = None) -> Contract:
        """The contract ``contract_name`` of chaincode ``chaincode`` (the default contract if None).

        From an AsyncGateway this is an AsyncContract, and the event methods
        below return async iterators.
        """
        if not chaincode:
            raise ValueError("a contract needs a chaincode name")
        return self._context.models.contract(self._context, self.name, chaincode, contract_name, self._retry)

    def new_chaincode_events_request(
        self, chaincode: str, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> ChaincodeEventsRequest:
        """The request behind ``chaincode_events``, for signing elsewhere."""
        return build_chaincode_events_request(self._context, self.name, chaincode, start_block, checkpoint)

    def chaincode_events(
        self, chaincode: str, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> EventIterator[ChaincodeEvent]:
        """Events of valid transactions of one chaincode, in ledger order, without end.

        Starts at the next block committed, at ``start_block``, or where
        ``checkpoint`` says (which wins over start_block). Events of the
        checkpointed block up to and including its checkpointed transaction
        are not delivered again. Close the iterator to stop.
        """
        return self.new_chaincode_events_request(chaincode, start_block=start_block, checkpoint=checkpoint).events()

    def new_block_events_request(
        self,
        *,
        start_block: int | None = None,
        checkpoint: Checkpoint | None = None,
        kind: str = "block",
    ) -> BlockEventsRequest:
        """The request behind ``block_events``, for signing elsewhere."""
        return build_block_events_request(self._context, self.name, kind, start_block, checkpoint)

    def block_events(self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None) -> EventIterator:
        """Full ``common.Block`` messages from the peer's Deliver service, without end.

        For auditing and indexing every transaction; use ``chaincode_events``
        when only a contract's events matter. A checkpoint resumes at its block.
        """
        return self.new_block_events_request(start_block=start_block, checkpoint=checkpoint).events()

    def filtered_block_events(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> EventIterator:
        """``peer.FilteredBlock`` messages: transaction IDs and validation codes, no payloads."""
        return self.new_block_events_request(start_block=start_block, checkpoint=checkpoint, kind="filtered").events()

    def block_and_private_data_events(
        self, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> EventIterator:
        """``peer.BlockAndPrivateData`` messages: blocks with the private data this client may read."""
        return self.new_block_events_request(start_block=start_block, checkpoint=checkpoint, kind="private").events()
