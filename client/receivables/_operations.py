"""The contract's operations, shared by the blocking and the async client: each business area's, and the waits and
events across orgs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from client.gateway import RetryPolicy

from ._choosing_endorsers import _EndorserChoice
from ._claims import _ClaimOperations
from ._contract_calls import _ContractCalls
from ._events import ReceivablesEvents
from ._financing import _FinancingOperations
from ._offers import _OfferOperations
from ._parties import _PartyOperations
from ._queries import _QueryOperations
from ._settlement import _SettlementOperations


class _Operations(_PartyOperations, _ClaimOperations, _FinancingOperations, _OfferOperations, _SettlementOperations,
                  _QueryOperations, _EndorserChoice, _ContractCalls):
    """The contract's operations as calls; :class:`ReceivablesClient` runs them blocking,
    :class:`AsyncReceivablesClient` awaits them. Same arguments, same models."""

    def __init__(self, contract: Any, network: Any | None = None, *, retry: RetryPolicy | None = None) -> None:
        """contract: a ``client.gateway`` Contract of the ``receivables`` chaincode; network: its Network (for
        events and cross-org waits; without it ``last_committed_block`` is None, ``catch_up`` of clients that
        committed nothing returns at once and any real wait raises ValueError); retry: the RetryPolicy every
        submit of this client carries (default: the Gateway's)."""
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise TypeError(f"retry must be a client.gateway.RetryPolicy, not {type(retry).__name__}")
        self.contract = contract
        self.network = network
        self.retry = retry
        # the salt of each offer this client sent, and its financing: one salt in two holders' offers would let
        # either find the other's terms from the public terms_hash (``_offer`` refuses it); the most recent
        # OFFER_SALTS_KEPT only, so that a long-lived client does not grow without bound
        self._offer_salts: OrderedDict[str, str] = OrderedDict()

    # ------------------------------------------------------------ read-your-writes across orgs

    @property
    def last_committed_block(self) -> int | None:
        """The highest block in which a change submitted through this client's gateway committed; None before
        the first, and always None without a Network (nothing then tells which block a change went into)."""
        return None if self.network is None else self.network.last_committed_block

    def _network_to_wait_on(self) -> Any:
        if self.network is None:
            raise ValueError("waiting for a block needs the gateway Network: ReceivablesClient(contract, network)")
        return self.network

    @staticmethod
    def _latest_block_of(others: Sequence["_Operations"]) -> int | None:
        blocks = [other.last_committed_block for other in others if other.last_committed_block is not None]
        return max(blocks, default=None)

    # ------------------------------------------------------------ events

    def events(self, *, start_block: int | None = None, checkpoint: Any = None, network: Any | None = None):
        """The contract's chaincode events, typed, without end (close to stop).

        Needs the ``client.gateway`` Network (given here or to the constructor).
        Starts at the next block, at ``start_block``, or at the checkpoint.
        """
        network = network or self.network
        if network is None:
            raise ValueError("events need the gateway Network: ReceivablesClient(contract, network) or events(network=...)")
        raw = network.chaincode_events(self.contract.chaincode_name, start_block=start_block, checkpoint=checkpoint)
        return self._events_class(raw)

    _events_class: type = ReceivablesEvents
