"""AsyncReceivablesClient: the receivables contract's business operations, typed, each call awaited."""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import date
from typing import Any, TypeVar

from client.gateway._twins import awaiting

from ._events import AsyncReceivablesEvents
from ._models import DiscountOffer, ListedOffer, PaymentRecord, Receivable
from ._operations import _Operations
from ._queries import next_bookmark

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
    awaited method is a coroutine function: a bad argument raises when it is awaited, never at the call.

    A call with a business request id cancelled while it waits (``task.cancel()``, the deadline of
    ``asyncio.wait_for``, whose TimeoutError is raised from the CancelledError): its CancelledError, raised on
    as ever, carries the id as ``request_id``, the transaction's ``transaction_id`` and a note: cancelled
    while it was endorsed, the transaction cannot commit (nothing reached the orderer); cancelled after the
    orderer was handed it, it may have committed, and the note says how to retry it at most once ("Retries are
    exactly-once" in docs/sdk-receivables.md)."""

    _awaits = True
    _run_steps = staticmethod(awaiting)

    async def wait_for_block(self, block_number: int, *, timeout: float | None = None) -> int:
        """The async twin of :meth:`ReceivablesClient.wait_for_block`."""
        return await self._network_to_wait_on().wait_for_block(block_number, timeout=timeout)

    async def catch_up(self, *others: "_Operations", timeout: float | None = None) -> int | None:
        """The async twin of :meth:`ReceivablesClient.catch_up` (the others may be sync or async clients)."""
        block = self._latest_block_of(others, timeout)
        if block is not None:
            await self.wait_for_block(block, timeout=timeout)
        return block

    @staticmethod
    async def _walk(fetch: Callable[[str], Awaitable[Any]]) -> AsyncIterator[Any]:
        """The records of every page ``await fetch(bookmark)`` returns, following bookmarks to the end."""
        bookmark, sent = "", {""}
        while True:
            page = await fetch(bookmark)
            for record in page.records:
                yield record
            if not (bookmark := next_bookmark(page, sent)):
                return

    def iter_receivables(self, by: str, value: str, *, page_size: int = 50) -> AsyncIterator[Receivable]:
        """Every receivable of a listing (``by`` = ``holder``, ``debtor``, ``status`` or ``financier``: every
        debtor's), page after page (``async for``)."""
        return self._walk(self._receivable_pages(by, value, page_size))

    def iter_offers_by_financier(self, financier: str, debtor: str | None = None, *,
                                 page_size: int = 50) -> AsyncIterator[ListedOffer]:
        """Every offer of a bank's list of open offers (``async for``), page after page."""
        return self._walk(self._offer_pages(financier, debtor, page_size))

    def iter_payment_record(self, debtor: str, *, as_of: date | None = None,
                            page_size: int = 100) -> AsyncIterator[PaymentRecord]:
        """Every claim of the debtor's payment record (``async for``), all as of the first page's date."""
        return self._walk(self._payment_record_pages(debtor, as_of, page_size))

    def iter_discount_offers(self, debtor: str | None = None, receivable_id: str | None = None, *,
                             scope: str = "open", page_size: int = 50) -> AsyncIterator[DiscountOffer]:
        """Every discount offer of a listing (``async for``), page after page."""
        return self._walk(self._discount_offer_pages(debtor, receivable_id, scope, page_size))

    _events_class = AsyncReceivablesEvents
