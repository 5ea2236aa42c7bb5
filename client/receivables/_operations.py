"""The contract's operations, shared by the blocking and the async client: each business area's, and the waits and
events across orgs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from client.gateway import RetryPolicy
from client.gateway import check_checkpoint as check_events_checkpoint
from client.gateway._twins import Steps, mixed_families_given_and_advice, of_the_other_family
from client.ledger.event_checkpoints import check_chaincode_events_checkpoint_steps
from client.ledger.qscc import QSCC, NoSuchTransactionError
from client.timeouts import check_seconds

from ._arguments import _msp_id
from ._choosing_endorsers import _EndorserChoice
from ._claims import _ClaimOperations
from ._contract_calls import _ContractCalls
from ._events import ReceivablesEvents
from ._financing import _FinancingOperations
from ._offers import _OfferOperations
from ._parties import _PartyOperations
from ._queries import _QueryOperations
from ._settlement import _SettlementOperations
from .errors import ArgumentRefused, ArgumentTypeRefused, CheckpointOfAnotherLedger


class _Operations(_PartyOperations, _ClaimOperations, _FinancingOperations, _OfferOperations, _SettlementOperations,
                  _QueryOperations, _EndorserChoice, _ContractCalls):
    """The contract's operations as calls; :class:`ReceivablesClient` runs them blocking,
    :class:`AsyncReceivablesClient` awaits them. Same arguments, same models."""

    def __init__(self, contract: Any, network: Any | None = None, *, retry: RetryPolicy | None = None) -> None:
        """contract: a ``client.gateway`` Contract of the ``receivables`` chaincode; network: its Network (for
        events and cross-org waits; without it ``last_committed_block`` is None, ``catch_up`` of clients that
        committed nothing returns at once and any real wait raises ValueError); retry: the RetryPolicy every
        submit of this client carries (default: the Gateway's). ValueError for a contract or network of the other
        client's family (an AsyncContract given to ReceivablesClient, a Network to AsyncReceivablesClient)."""
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise ArgumentTypeRefused(f"retry must be a client.gateway.RetryPolicy, not {type(retry).__name__}")
        self._refuse_the_other_family({"contract": contract, "network": network})
        self.contract = contract
        self.network = network
        self.retry = retry
        # the salt of each offer this client sent, and its financing: one salt in two holders' offers would let
        # either find the other's terms from the public terms_hash (``_offer`` refuses it); the most recent
        # OFFER_SALTS_KEPT only, so that a long-lived client does not grow without bound
        self._offer_salts: OrderedDict[str, str] = OrderedDict()

    _awaits: bool
    """Whether this client awaits its calls (AsyncReceivablesClient), and so takes the gateway's async objects."""

    def _refuse_the_other_family(self, held: dict[str, Any]) -> None:
        """ValueError, before anything is sent, when the ``contract`` or ``network`` in ``held`` is of the gateway's
        other family than this client's. Found out at a call instead, it comes too late: the async client's call
        of a sync Contract has run to its end (a submit committed) when it is found not to be awaitable, and a
        Network's ``wait_for_block`` (which no shared body runs) gives the blocking client an unawaited coroutine
        and the async one a block number it cannot await. Objects of neither family (a wrapper, a stand-in) are
        taken as given: they show their family at their first call."""
        if of_the_other_family(held, asynchronous=self._awaits):
            given, advice = mixed_families_given_and_advice(type(self).__name__, held, asynchronous=self._awaits)
            raise ArgumentRefused(f"{given}; nothing was sent. {advice}")

    def __setattr__(self, name: str, value: Any) -> None:
        # a contract or network put in place of the one the constructor took is refused as the constructor refuses
        # it. What the client holds is read with a default: a subclass may keep its network before the constructor
        # runs, or hold it behind a property, and is checked as any client is
        if name in ("contract", "network"):
            self._refuse_the_other_family({"contract": getattr(self, "contract", None),
                                           "network": getattr(self, "network", None), name: value})
        super().__setattr__(name, value)

    def _own_network(self, network: Any | None, call: str, needs: str) -> Any | None:
        """The network ``call`` was given, else this client's; refused if of the other family, as the constructor
        refuses it, and, with a TypeError naming it, if it is no network at all (a channel's name, an org's): it
        lacks the method ``needs`` that ``call`` asks of it, which raised an AttributeError of Python's words only."""
        if network is None:
            return self.network
        self._refuse_the_other_family({"contract": self.contract, "network": network})
        if not callable(getattr(network, needs, None)):
            raise ArgumentTypeRefused(f"{call}(network=...) takes the gateway Network of the channel "
                                      f"(gateway.get_network(channel)), not {type(network).__name__} "
                                      f"{repr(network)[:80]}; or leave it out for the client's own; nothing was sent")
        return network

    # ------------------------------------------------------------ read-your-writes across orgs

    @property
    def last_committed_block(self) -> int | None:
        """The highest block in which a change submitted through this client's gateway committed; None before
        the first, and always None without a Network (nothing then tells which block a change went into)."""
        return None if self.network is None else self.network.last_committed_block

    def _network_to_wait_on(self) -> Any:
        """The Network a wait for a block (``wait_for_block``, ``catch_up``) reads; refused, before anything is sent
        or waited for, as any argument the client cannot use is (ArgumentRefused, ``sent`` False), for a client built
        without one: a caller counting what reached the peers tells it from an error after a send by its type."""
        if self.network is None:
            client = type(self).__name__
            raise ArgumentRefused(f"waiting for a block needs the gateway Network: {client}(contract, network); this "
                                  f"{client} was built without one, so nothing was sent or waited for")
        return self.network

    @staticmethod
    def _latest_block_of(others: Sequence["_Operations"], timeout: Any = None) -> int | None:
        """The newest block the ``others`` (``catch_up``'s) committed a change in, or None; a TypeError naming the
        first that is no client (an id, a name, a list of clients given whole), which raised an AttributeError
        of Python's words only. ``timeout``, catch_up's, is checked as the wait checks it, whether or not there is
        a block to wait for: refused only where the others had committed something, a bad one passed every test
        run in which they had not."""
        check_seconds("timeout", timeout, call_kind="wait_for_block", zero_allowed=False)
        for other in others:
            if not hasattr(other, "last_committed_block"):
                raise ArgumentTypeRefused(f"catch_up waits for the changes other orgs' clients submitted: "
                                          f"{repr(other)[:80]} is a {type(other).__name__}, not a ReceivablesClient or "
                                          "AsyncReceivablesClient; give each client itself (catch_up(supplier, bank), "
                                          "or catch_up(*clients) for a list); nothing was waited for")
        blocks = [other.last_committed_block for other in others if other.last_committed_block is not None]
        return max(blocks, default=None)

    # ------------------------------------------------------------ events

    def events(self, *, start_block: int | None = None, checkpoint: Any = None, network: Any | None = None):
        """The contract's chaincode events, typed, without end (close to stop).

        Needs the ``client.gateway`` Network (given here or to the constructor); one given here of the other
        client's family is refused as the constructor refuses it.
        Starts at the next block, at ``start_block``, or at the checkpoint.
        """
        network = self._own_network(network, "events", "chaincode_events")
        if network is None:
            raise ArgumentRefused("events need the gateway Network: ReceivablesClient(contract, network) or "
                                  "events(network=...)")
        raw = network.chaincode_events(self.contract.chaincode_name, start_block=start_block, checkpoint=checkpoint)
        return self._events_class(raw)

    def check_checkpoint(self, checkpoint: Any, *, msp_id: str, network: Any | None = None):
        """Raise an error when ``events`` resumed from ``checkpoint`` would give no event, ever, as the peer of
        ``msp_id``'s org holds the checkpoint's transaction; call it before ``events`` resumes from a checkpoint
        that may be another ledger's (a network set up anew) or was written by other means than
        ``checkpoint_chaincode_event``.

        The Gateway passes over every event until it meets the checkpoint transaction's, so resumed from a
        checkpoint naming a transaction it never meets ``events`` yields nothing, ever, and raises nothing.
        :class:`~client.receivables.errors.CheckpointOfAnotherLedger` where the peer answers that its ledger holds
        no such transaction; :class:`~client.ledger.event_checkpoints.CheckpointNotResumable` where it holds it as
        a transaction that emitted no chaincode event (one that committed as invalid, or whose chaincode set none)
        or in another block than the checkpoint says (its ``resume_block`` the block to start from instead). Asks
        qscc ``GetBlockByTxID`` (``check_chaincode_events_checkpoint``; the caller needs the channel's Readers
        policy, as for events); a checkpoint that holds no position (None, or block 0 with no transaction: a file
        before its first event) asks nothing. Any other failure of the read (a peer that does not answer, access
        refused) is raised as the gateway's error: it says nothing of the checkpoint. ValueError for a client built
        without its Network, given neither here nor to the constructor, for a ``network`` of the other client's
        family (as the constructor refuses it), and for an empty or blank ``msp_id`` or one with white space around
        it (TypeError for one that is no str), and TypeError for a ``checkpoint`` that is no checkpointer (a file's
        path, a block number: the gateway's check, as ``events`` makes it), before anything is asked.
        """
        # the gateway's own check of what events() would resume from (a path or a position given in place of the
        # checkpointer was an AttributeError of Python's words only)
        check_events_checkpoint(checkpoint)
        network = self._own_network(network, "check_checkpoint", "get_contract")
        if network is None:
            raise ArgumentRefused("checking a checkpoint needs the gateway Network: ReceivablesClient(contract, "
                                  "network) or check_checkpoint(..., network=...)")
        return self._run_steps(self._check_checkpoint_steps)(checkpoint, _msp_id(msp_id), network)

    def _check_checkpoint_steps(self, checkpoint: Any, msp_id: str, network: Any) -> Steps[None]:
        # a method, not a static one: the runner names the body's own object (this client, not the checkpoint) when
        # a step is of the other family's (a wrapped network's)
        # the ledger's own check of a checkpoint (a checkpoint that holds no position asks nothing): that its
        # transaction is in the block it says and emitted a chaincode event, which the Gateway meets. That the
        # ledger merely holds it is not enough: one that committed as invalid or whose chaincode set no event is
        # never met, and the stream resumed from it is as silent as from another ledger's
        try:
            yield from check_chaincode_events_checkpoint_steps(network.get_contract(QSCC), msp_id, network.name,
                                                               checkpoint)
        except NoSuchTransactionError as error:
            raise CheckpointOfAnotherLedger(channel=network.name, block_number=checkpoint.block_number,
                                            transaction_id=checkpoint.transaction_id) from error

    _events_class: type = ReceivablesEvents
