"""ReceivablesClient: the receivables contract's business operations, typed, each call blocking until done."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

from client.gateway._twins import blocking

from ._models import DiscountOffer, ListedOffer, PaymentRecord, Receivable
from ._operations import _Operations
from ._queries import next_bookmark


class ReceivablesClient(_Operations):
    """The receivables contract as Python methods (blocking).

    Build it on a ``client.gateway`` Contract of the ``receivables`` chaincode
    (``network.get_contract("receivables", "receivables")``), and the Network for
    events and cross-org waits (``catch_up``). Changes are submitted (endorsed, ordered, committed before the method
    returns); queries are evaluated on one peer. Every method returns the document
    the contract returned, as a model (one not of the model's shape raises
    :class:`~client.receivables.errors.UnreadableAnswer`, which for a submit says that it committed). A refusal
    raises :class:`~client.receivables.errors.RuleViolation` with the rule's code.

    The identity of the gateway connection is the caller: the contract decides
    from it what the caller may do (see the authorization matrix in
    docs/receivables.md). Submits leave the choice of endorsers to the Gateway, which
    plans it from the key-level policies of the keys the transaction writes; ``register_party``
    and ``confirm`` (the orgs an audit looks for), ``make_offer`` and ``record_disbursement``
    (terms as transient data), ``demand_recourse``, ``exercise_recourse``, ``cancel_financing`` and
    ``reseal_receivable`` (the orgs the claim's key names) name their orgs: see
    "Who endorses" in docs/sdk-receivables.md.
    """

    _awaits = False
    _run_steps = staticmethod(blocking)

    def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """Return once this client's gateway peer has committed ``block_number`` (see :meth:`catch_up`).

        Returns the block the peer delivered (its newest, if it had ``block_number`` already). Raises
        ``client.gateway.BlockWaitTimeoutError`` after ``timeout`` seconds (default: the gateway's
        ``Timeouts.wait_for_block``), and ``ArgumentRefused`` (a ValueError, ``sent`` False) for a client built without
        its Network.
        """
        return self._network_to_wait_on().wait_for_block(block_number, timeout=timeout)

    def catch_up(self, *others: "ReceivablesClient", timeout: float | None = None) -> int | None:
        """Wait until this client's peer has every change the ``others`` submitted; the block waited for, or None.

        Use it when the next step is another org's: the supplier registers through its own peer, then
        ``core.catch_up(supplier)`` before ``core.confirm(...)`` makes sure the core enterprise's peer has
        the claim (each peer commits blocks on its own; without the wait the confirmation may be refused
        ``not-found``). Nothing is waited for when the others committed nothing through a Network.
        """
        block = self._latest_block_of(others, timeout)
        if block is not None:
            self.wait_for_block(block, timeout=timeout)
        return block

    @staticmethod
    def _walk(fetch: Callable[[str], Any]) -> Iterator[Any]:
        """The records of every page ``fetch(bookmark)`` returns, following bookmarks to the end."""
        bookmark, sent = "", {""}
        while True:
            page = fetch(bookmark)
            yield from page.records
            if not (bookmark := next_bookmark(page, sent)):
                return

    def iter_receivables(self, by: str, value: str, *, page_size: int = 50) -> Iterator[Receivable]:
        """Every receivable of a listing (``by`` = ``holder``, ``debtor``, ``status`` or ``financier``: every
        debtor's), page after page."""
        return self._walk(self._receivable_pages(by, value, page_size))

    def iter_offers_by_financier(self, financier: str, debtor: str | None = None, *,
                                 page_size: int = 50) -> Iterator[ListedOffer]:
        """Every offer of a bank's list of open offers (see :meth:`list_offers_by_financier`), page after page."""
        return self._walk(self._offer_pages(financier, debtor, page_size))

    def iter_payment_record(self, debtor: str, *, as_of: date | None = None,
                            page_size: int = 100) -> Iterator[PaymentRecord]:
        """Every claim of the debtor's payment record, page after page, all as of the first page's date."""
        return self._walk(self._payment_record_pages(debtor, as_of, page_size))

    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> Iterator[DiscountOffer]:
        """Every discount offer of a listing (see :meth:`list_discount_offers`), page after page."""
        return self._walk(self._discount_offer_pages(debtor, receivable_id, scope, page_size))
