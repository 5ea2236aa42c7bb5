"""Networks: one channel, as seen through the Gateway."""

from __future__ import annotations

from ._checkpointer import Checkpoint
from ._commit import Commit, commit_for
from ._context import Context
from ._contract import Contract
from ._event_iterators import EventIterator
from ._events import (
    BlockEventsRequest,
    ChaincodeEvent,
    ChaincodeEventsRequest,
    build_block_events_request,
    build_chaincode_events_request,
    check_block_number,
    newest_position,
    start_position,
)
from ._proposal import CHAINCODE_NAME, check_name
from ._retry import RetryPolicy
from ._twins import Steps, awaiting, blocking
from .errors import BlockWaitTimeoutError, EventStreamError, GatewayError


class _NetworkBase:
    """What Network and AsyncNetwork share; ``_wait_for_block`` is the body of both ``wait_for_block``."""

    def __init__(self, context: Context, channel: str, retry: RetryPolicy | None) -> None:
        self._context = context
        self.name = channel
        self._retry = retry

    def get_contract(self, chaincode: str, contract_name: str | None = None) -> Contract:
        """The contract ``contract_name`` of chaincode ``chaincode`` (the default contract if None).

        From an AsyncGateway this is an AsyncContract, and the event methods
        below return async iterators.
        """
        check_name(chaincode, "chaincode", CHAINCODE_NAME)
        if contract_name == "":
            contract_name = None    # as the official clients read it: the chaincode's default contract
        if contract_name is not None:
            check_name(contract_name, "contract_name", "the name of a contract of the chaincode, a str such as "
                                                        "'Receivable', or None for its default contract")
        return self._context.models.contract(self._context, self.name, chaincode, contract_name, self._retry)

    def new_commit(self, transaction_id: str) -> Commit:
        """A Commit for the transaction ``transaction_id`` of this channel: ``status()`` waits for its block.

        For a transaction whose submit failed with ``SubmitError.may_have_been_ordered`` True, or
        whose Commit was lost (a restart): ask whether it committed before submitting it anew,
        which would make a new transaction. ``status()`` raises CommitStatusError when the peer
        cannot tell within the timeout (a transaction the orderer never took never shows up).
        As every Commit, it is signed by this Gateway's signer when sent; to sign elsewhere, sign
        its ``digest`` and use ``gateway.new_signed_commit(bytes, signature)``. From an
        AsyncNetwork it is an AsyncCommit.

            except SubmitError as error:
                if error.may_have_been_ordered:
                    status = network.new_commit(error.transaction_id).status()
        """
        return commit_for(self._context, self.name, transaction_id)

    @property
    def last_committed_block(self) -> int | None:
        """The highest block of this channel in which a transaction submitted through this Gateway committed.

        Read from the commit statuses this Gateway obtained (``submit``, ``Commit.status()``), valid
        transactions or not; None before the first. Every Network of the Gateway on this channel shares
        it. Hand it to another org's client as ``wait_for_block(n)`` before it reads or builds on what
        was committed here: each peer commits blocks on its own.
        """
        return self._context.committed_blocks.highest(self.name)

    def _wait_for_block(self, block_number: int, *, timeout: float | None = None) -> Steps[int]:
        """Return once the Gateway's peer has committed block ``block_number`` of this channel.

        For read-your-writes across orgs: a submit returns once the submitter's own peer committed
        the transaction, and another org's peer may commit that block a little later. Before that
        org evaluates or endorses on what was written, wait for ``last_committed_block`` of the
        writer's Network here. A block the peer has already returns at once.

        Returns the number of the block the peer delivered: its newest when it had ``block_number``
        already (``wait_for_block(0)`` reads a peer's newest block), else ``block_number``.

        Raises BlockWaitTimeoutError after ``timeout`` seconds, GatewayError if the peer refuses the
        stream or it breaks (no EventStreamError: wait again), or (code DEADLINE_EXCEEDED) if the signer
        gives no signature of the request within them. ``timeout=None``, the default, means
        ``Timeouts.wait_for_block``, not no limit; only
        None in the Gateway's Timeouts means no limit.
        """
        check_block_number("block_number", block_number)
        deadline = self._context.deadline("wait_for_block", timeout)
        # From the peer's newest block rather than from block_number: Deliver waits for a block only
        # up to the next one to be committed, and answers NOT_FOUND for any later start.
        request = build_block_events_request(self._context, self.name, "filtered", newest_position())
        # a signer that hangs ends the wait at its limit too, and one that is slow shortens the wait for the block
        yield request._stamping("wait_for_block", deadline)
        blocks = request.events()
        try:
            block = yield blocks.first(lambda block: block.number >= block_number, timeout=deadline.remaining())
        except TimeoutError:
            raise BlockWaitTimeoutError(
                channel=self.name, block_number=block_number, address=self._context.peer_address,
                timeout=deadline.seconds
            ) from None
        except EventStreamError as broken:
            # its advice, to resume the stream from a checkpointer, is not the caller's: it waits, with none
            raise GatewayError(broken.message, code=broken.code, details=broken.details, sent=broken.sent) from broken
        return block.number

    def new_chaincode_events_request(
        self, chaincode: str, *, start_block: int | None = None, checkpoint: Checkpoint | None = None
    ) -> ChaincodeEventsRequest:
        """The request behind ``chaincode_events``, for signing elsewhere."""
        # checked as get_contract checks it: an empty name matches no event, so the stream would stay silent, and
        # recorded in a checkpointer None made it a block events one, "" a file no restart reads
        check_name(chaincode, "chaincode", CHAINCODE_NAME)
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
        position, _ = start_position(start_block, checkpoint, channel=self.name)
        return build_block_events_request(self._context, self.name, kind, position, checkpoint)

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


class Network(_NetworkBase):
    """A channel: get contracts on it, listen to its events, and wait for its blocks.

    ``last_committed_block`` and ``wait_for_block`` give read-your-writes across
    orgs: what one org's client committed, another org's client waits for on its
    own peer before building on it.
    """

    wait_for_block = blocking(_NetworkBase._wait_for_block)


class AsyncNetwork(_NetworkBase):
    """The async twin of :class:`Network`: ``wait_for_block`` is awaited, event methods give async iterators."""

    wait_for_block = awaiting(_NetworkBase._wait_for_block)
