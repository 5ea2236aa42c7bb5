"""AsyncReceivablesClient: the receivables contract's business operations, typed, each call awaited."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from client.gateway._twins import awaiting
from client.gateway.errors import GatewayError

from ._arguments import _text
from ._claims import CONFIRM_DOC, RESEAL_DOC
from ._endorsers import _deal_orgs, _Endorsers
from ._events import AsyncReceivablesEvents
from ._financing import CANCEL_DOC, DEMAND_RECOURSE_DOC, DISBURSEMENT_DOC, RECOURSE_DOC, _accepted_offer
from ._models import (DiscountOffer, Financing, FinancingTerms, FinancingView, ListedOffer, Offer, Party, PaymentRecord,
                      PaymentRecordPage, PaymentResult, Receivable, Reseal, Role)
from ._offers import ACCEPT_OFFER_DOC, MAKE_OFFER_DOC, _check_terms, _uncounted_offers
from ._operations import _Operations
from ._parties import REGISTER_PARTY_DOC
from ._read_refusals import _unless_refused_the_async_read
from ._settlement import RECORD_PAYMENT_DOC
from ..money import LEDGER_MAX_FEN, Amount

T = TypeVar("T")


def _awaited(method: Callable[..., Awaitable[T]]) -> Callable[..., Coroutine[Any, Any, T]]:
    """``method`` as a coroutine function: the checks of its arguments that ``method`` makes before its call
    exists run when the coroutine is awaited, not when it is called. Same name, docstring and signature
    (``__wrapped__``)."""

    @functools.wraps(method)
    async def awaited(*args, **kwargs):
        return await method(*args, **kwargs)

    return awaited


def _every_call_awaited(*iterators: str) -> Callable[[type], type]:
    """A class decorator that makes every public method of the class, its own or inherited, a coroutine function
    whose every argument error comes when it is awaited (:func:`_awaited`), but the ``iterators`` (entered with
    ``async for``, not awaited). Methods written ``async def`` are wrapped too: Python binds a call's arguments to
    the signature before it makes the coroutine, so a wrong or missing keyword would raise at the call.

    The shared :class:`_Operations` methods check their arguments before they call the async ``_call``, so
    unwrapped they would raise a bad argument at the call, while the methods written ``async def`` raise it at the
    ``await``: a caller handling errors around the ``await`` (``asyncio.gather``, ``create_task``) would miss the
    first kind, and coroutines already made for the same ``gather`` would be left never awaited. Aliases
    (``split = transfer``) stay one function."""

    def decorate(cls: type) -> type:
        coroutine_of: dict[Callable, Callable] = {}
        for name in dir(cls):
            method = inspect.getattr_static(cls, name)
            if name.startswith("_") or name in iterators or not inspect.isfunction(method):
                continue
            if method not in coroutine_of:
                coroutine_of[method] = _awaited(method)
                # named as this class's (an alias by its own function's name), so that it pickles and a
                # never-awaited warning names the public class, not the private base; and of this class's module,
                # where pickle finds the class (the shared methods are written in their business area's modules)
                coroutine_of[method].__qualname__ = f"{cls.__qualname__}.{method.__name__}"
                coroutine_of[method].__module__ = cls.__module__
            setattr(cls, name, coroutine_of[method])
        return cls

    return decorate


@_every_call_awaited("iter_receivables", "iter_offers_by_financier", "iter_payment_record", "iter_discount_offers",
                     "events")
class AsyncReceivablesClient(_Operations):
    """The async twin of :class:`ReceivablesClient`, over a ``client.gateway`` AsyncContract:
    the same methods and models, awaited (the ``iter_*`` methods and ``events`` give async iterators). Every
    awaited method is a coroutine function: a bad argument raises when it is awaited, never at the call."""

    async def _call(self, kind, name, args, model, *, transient=None, endorsing_organizations=None):
        options = self._options(kind, name, args, transient, endorsing_organizations)
        try:
            if kind == "submit":
                payload = await self.contract.submit(name, **options)
            else:
                payload = await self.contract.evaluate(name, **options)
        except GatewayError as error:
            refusal = self._refusal(error, name)
            if refusal is error:
                raise
            raise refusal from error
        return self._answer(kind, name, model, payload)

    async def _readable_financing(self, financing_id: str) -> FinancingView | None:
        """The async twin of :meth:`ReceivablesClient._readable_financing`."""
        return await _unless_refused_the_async_read(lambda: self.get_financing(financing_id))

    async def _readable_claim(self, financing: FinancingView | None) -> Receivable | None:
        """The async twin of :meth:`ReceivablesClient._readable_claim`."""
        return None if financing is None else await _unless_refused_the_async_read(
            lambda: self.get_receivable(financing.receivable_id))

    async def register_party(self, uscc: str, name: str, role: Role, msp_id: str, client_ids: Iterable[str], *,
                             endorsing_organizations: Sequence[str] | None = None) -> Party:
        request = self._party_request(uscc, name, role, msp_id, client_ids)
        if endorsing_organizations is None:
            return await awaiting(self._register_party_steps)(request)
        return await self._party_registration(request, endorsing_organizations)

    register_party.__doc__ = REGISTER_PARTY_DOC

    async def confirm(self, receivable_id: str, *, endorsing_organizations: Sequence[str] | None = None) -> Receivable:
        if endorsing_organizations is None:
            claim = await _unless_refused_the_async_read(
                lambda: self.get_receivable(_text(receivable_id, "receivable_id")))
            return await awaiting(self._confirm_steps)(receivable_id, claim)
        return await self._confirmation(receivable_id, endorsing_organizations)

    confirm.__doc__ = CONFIRM_DOC

    async def record_payment(self, receivable_id: str, amount: Amount, *,
                             request_id: str | None = None) -> PaymentResult:
        return await awaiting(self._payment_steps)(receivable_id, amount, request_id)

    record_payment.__doc__ = RECORD_PAYMENT_DOC
    settle = record_payment

    async def make_offer(self, financing_id: str, terms: FinancingTerms,
                         endorsing_organizations: Sequence[str] | None = None, *,
                         exposure_version: int | None = None,
                         uncounted_offers: Sequence[str] | None = None) -> Offer:
        _check_terms(terms, "make_offer")
        _uncounted_offers(uncounted_offers)   # refused before any look-up, as the terms are
        if endorsing_organizations is None:
            financing = await self._readable_financing(financing_id)
            claim = await self._readable_claim(financing)
            endorsing_organizations = await awaiting(self._offer_orgs)(financing_id, claim,
                                                                      (await self.who_am_i()).msp_id)
        return await self._offer(financing_id, terms, endorsing_organizations, exposure_version, uncounted_offers)

    make_offer.__doc__ = MAKE_OFFER_DOC

    async def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """The async twin of :meth:`ReceivablesClient.wait_for_block`."""
        return await self._network_to_wait_on().wait_for_block(block_number, timeout=timeout)

    async def catch_up(self, *others: "_Operations", timeout: float | None = None) -> int | None:
        """The async twin of :meth:`ReceivablesClient.catch_up` (the others may be sync or async clients)."""
        block = self._latest_block_of(others)
        if block is not None:
            await self.wait_for_block(block, timeout=timeout)
        return block

    async def accept_offer(self, offer_id: str) -> Financing:
        terms = await _unless_refused_the_async_read(lambda: self.get_offer_terms(offer_id))
        return await self._acceptance(offer_id, terms)

    accept_offer.__doc__ = ACCEPT_OFFER_DOC

    async def _accepted_terms_and_orgs(self, financing_id: str, terms: FinancingTerms | None,
                                       endorsing_organizations: Sequence[str] | None, what: str, *,
                                       claim_changes: bool = True, writes_terms_collection: bool = False):
        """The async twin of :meth:`ReceivablesClient._accepted_terms_and_orgs`."""
        if terms is not None:
            _check_terms(terms, what, cap=LEDGER_MAX_FEN)
        financing = None
        if terms is None or endorsing_organizations is None:
            financing = await self._readable_financing(financing_id)
        if terms is None and (offer_id := _accepted_offer(financing)) is not None:
            terms = (await self.get_offer_terms(offer_id)).as_request()
        if endorsing_organizations is not None:
            return terms, _Endorsers(endorsing_organizations)
        deal = _deal_orgs(financing) if not claim_changes else []
        if len(deal) > 1:
            return terms, _Endorsers(deal)
        # the claim changes, or one org holds and finances: the three
        return terms, await self._orgs_of_financing(financing, caller_as_bank=True, what=what,
                                                    writes_terms=writes_terms_collection,
                                                    carries_terms=terms is not None)

    async def _orgs_of_financing(self, financing: FinancingView | None, *, caller_as_bank: bool, what: str,
                                 writes_terms: bool = False, carries_terms: bool = False) -> _Endorsers:
        """The async twin of :meth:`ReceivablesClient._orgs_of_financing`."""
        claim = await self._readable_claim(financing)
        if claim is None:
            return _Endorsers([(await self.who_am_i()).msp_id])
        caller = caller_as_bank and not financing.financier_msp
        return await awaiting(self._claim_orgs)(financing, claim, (await self.who_am_i()).msp_id if caller else None,
                                                what, writes_terms, carries_terms)

    async def record_disbursement(self, financing_id: str, terms: FinancingTerms | None = None,
                                  endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = await self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                               "record_disbursement", writes_terms_collection=True)
        return await awaiting(self._sent_to)(endorsers, lambda orgs: self._disbursement(financing_id, terms, orgs))

    record_disbursement.__doc__ = DISBURSEMENT_DOC

    async def exercise_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                                endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = await self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                               "exercise_recourse")
        return await awaiting(self._sent_to)(
            endorsers, lambda orgs: self._recourse("ExerciseRecourse", financing_id, reason, terms, orgs))

    exercise_recourse.__doc__ = RECOURSE_DOC

    async def demand_recourse(self, financing_id: str, reason: str, terms: FinancingTerms | None = None,
                              endorsing_organizations: Sequence[str] | None = None) -> Financing:
        terms, endorsers = await self._accepted_terms_and_orgs(financing_id, terms, endorsing_organizations,
                                                               "demand_recourse", claim_changes=False)
        return await awaiting(self._sent_to)(
            endorsers, lambda orgs: self._recourse("DemandRecourse", financing_id, reason, terms, orgs))

    demand_recourse.__doc__ = DEMAND_RECOURSE_DOC

    async def cancel_financing(self, financing_id: str, reason: str,
                               endorsing_organizations: Sequence[str] | None = None) -> Financing:
        endorsers = _Endorsers(endorsing_organizations)
        if endorsing_organizations is None:
            endorsers = await self._orgs_of_financing(await self._readable_financing(financing_id),
                                                      caller_as_bank=False, what="cancel_financing")
        return await awaiting(self._sent_to)(endorsers, lambda orgs: self._cancellation(financing_id, reason, orgs))

    cancel_financing.__doc__ = CANCEL_DOC

    async def reseal_receivable(self, receivable_id: str, *,
                                endorsing_organizations: Sequence[str] | None = None) -> Reseal:
        return await awaiting(self._reseal_steps)(receivable_id, endorsing_organizations)

    reseal_receivable.__doc__ = RESEAL_DOC

    @staticmethod
    async def _walk(fetch: Callable[[str], Awaitable[Any]]) -> AsyncIterator[Any]:
        """The records of every page ``await fetch(bookmark)`` returns, following bookmarks to the end."""
        bookmark = ""
        while True:
            page = await fetch(bookmark)
            for record in page.records:
                yield record
            if not page.bookmark or page.bookmark == bookmark:
                return
            bookmark = page.bookmark

    def iter_receivables(self, by: str, value: str, *, page_size: int = 50) -> AsyncIterator[Receivable]:
        """Every receivable of a listing (``by`` = ``holder``, ``debtor``, ``status`` or ``financier``: every
        debtor's), page after page (``async for``)."""
        lister = self._lister(by)
        return self._walk(lambda bookmark: lister(value, page_size=page_size, bookmark=bookmark))

    def iter_offers_by_financier(self, financier: str, debtor: str | None = None, *,
                                 page_size: int = 50) -> AsyncIterator[ListedOffer]:
        """Every offer of a bank's list of open offers (``async for``), page after page."""
        return self._walk(lambda bookmark: self.list_offers_by_financier(
            financier, debtor=debtor, page_size=page_size, bookmark=bookmark))

    def iter_payment_record(self, debtor: str, *, as_of: date | None = None,
                            page_size: int = 100) -> AsyncIterator[PaymentRecord]:
        """Every claim of the debtor's payment record (``async for``), all as of the first page's date."""
        async def fetch(bookmark: str) -> PaymentRecordPage:
            nonlocal as_of
            page = await self.debtor_payment_record(debtor, page_size=page_size, bookmark=bookmark, as_of=as_of)
            as_of = page.as_of
            return page
        return self._walk(fetch)

    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> AsyncIterator[DiscountOffer]:
        """Every discount offer of a listing (``async for``), page after page."""
        return self._walk(lambda bookmark: self.list_discount_offers(
            debtor, receivable_id, page_size=page_size, bookmark=bookmark, scope=scope))

    _events_class = AsyncReceivablesEvents
