"""A walk of a listing (the SDK's ``iter_*``, ``recfin receivable list --all --bookmark``) raises where the
peer answers a page with a bookmark the walk already asked with: followed, a cycle of pages would be read again
without end, and taken for the end, a repeat would cut the listing short without a word. The contract's
bookmark is the key the next page starts at, past every key before, so a walk never sends one twice."""

from __future__ import annotations

import asyncio
import itertools
import re

import click
import pytest

from cli.connection import reports_ledger_errors
from cli.regulator_commands import _pages_from
from client.receivables import AsyncReceivablesClient, ReceivablesClient, ReceivablesError

from . import fakes
from .fakes import TIER1, FakeContract
from .test_async_client import FakeAsyncContract
from .test_client_calls import listed_offer

B1, B2 = fakes.bookmark("recfin.by-holder", TIER1, "R-2"), fakes.bookmark("recfin.by-holder", TIER1, "R-3")
# a peer answering B2's page with B1's bookmark: B1, B2, B1, B2, ...
CYCLE = {"": fakes.page([fakes.receivable(id="R-1")], B1),
         B1: fakes.page([fakes.receivable(id="R-2")], B2),
         B2: fakes.page([fakes.receivable(id="R-3")], B1)}
# a peer answering B1's page with B1 again
REPEAT = {"": fakes.page([fakes.receivable(id="R-1")], B1),
          B1: fakes.page([fakes.receivable(id="R-2")], B1)}
ASKED_AGAIN = re.escape(f"{B1!r}, which this listing already asked with")


@pytest.mark.parametrize("pages", [CYCLE, REPEAT], ids=["cycle", "repeat"])
def test_the_sdk_walk_raises_at_a_bookmark_it_sent_before(pages):
    contract = FakeContract(responses={"ListReceivablesByHolder": lambda args: pages[args[2]]})
    walk = ReceivablesClient(contract).iter_receivables("holder", TIER1, page_size=1)
    read = []
    with pytest.raises(ReceivablesError, match=ASKED_AGAIN):
        read += [r.id for r in itertools.islice(walk, 10)]
    assert len(contract.calls) == len(pages)   # each page asked for once


def test_the_async_walk_raises_at_a_bookmark_it_sent_before():
    contract = FakeAsyncContract(responses={"ListReceivablesByHolder": lambda args: CYCLE[args[2]]})

    async def walk():
        read = []
        async for r in AsyncReceivablesClient(contract).iter_receivables("holder", TIER1, page_size=1):
            if len(read) == 10:   # a walk that goes round would never end: 10 records are 3 pages' past it
                break
            read.append(r.id)
        return read

    with pytest.raises(ReceivablesError, match="already asked with"):
        asyncio.run(walk())
    assert len(contract.calls) == 3


def test_the_cli_walk_from_a_bookmark_raises_one_line_at_a_bookmark_it_sent_before():
    contract = FakeContract(responses={"ListReceivablesByHolder": lambda args: CYCLE[args[2]]})
    client = ReceivablesClient(contract)

    @reports_ledger_errors
    def every_record_from_b1():
        return [r.id for r in itertools.islice(
            _pages_from(lambda **kw: client.list_by_holder(TIER1, **kw), 1, B1), 10)]

    with pytest.raises(click.ClickException, match=ASKED_AGAIN):
        every_record_from_b1()


def test_a_walk_to_the_last_page_reads_every_page_once():
    pages = {"": fakes.page([fakes.receivable(id="R-1")], B1), B1: fakes.page([], B2),
             B2: fakes.page([fakes.receivable(id="R-3")], "")}
    contract = FakeContract(responses={"ListReceivablesByHolder": lambda args: pages[args[2]]})
    walk = ReceivablesClient(contract).iter_receivables("holder", TIER1, page_size=1)
    assert [r.id for r in walk] == ["R-1", "R-3"]
    assert [c.arguments[2] for c in contract.calls] == ["", B1, B2]


# every walk of the SDK: its transaction, the argument its bookmark is, a page of it, and the walk of a client
WALKS = {
    "receivables by holder": ("ListReceivablesByHolder", 2, lambda b: fakes.page([fakes.receivable()], b),
                              lambda c: c.iter_receivables("holder", TIER1, page_size=1)),
    "receivables by financier": ("ListReceivablesByFinancier", 3, lambda b: fakes.page([fakes.receivable()], b),
                                 lambda c: c.iter_receivables("financier", fakes.BANK, page_size=1)),
    "offers by financier": ("ListOffersByFinancier", 3, lambda b: fakes.page([listed_offer()], b),
                            lambda c: c.iter_offers_by_financier(fakes.BANK, page_size=1)),
    "payment record": ("GetDebtorPaymentRecord", 2, lambda b: fakes.payment_record_page([fakes.payment_record()], b),
                       lambda c: c.iter_payment_record(fakes.CORE, page_size=1)),
    "discount offers": ("ListDiscountOffers", 3, lambda b: fakes.page([fakes.discount_offer()], b),
                        lambda c: c.iter_discount_offers(fakes.CORE, page_size=1)),
}
# a bookmark each of those lists takes (the SDK sends none of another list)
BOOKMARK_OF = {"ListReceivablesByHolder": B1,
               "ListReceivablesByFinancier": fakes.bookmark("recfin.by-financier", fakes.BANK, fakes.CORE, "R-2"),
               "ListOffersByFinancier": fakes.bookmark("recfin.open-offer", fakes.BANK, fakes.CORE, "O-2"),
               "GetDebtorPaymentRecord": fakes.bookmark("recfin.by-debtor", fakes.CORE, "R-2"),
               "ListDiscountOffers": fakes.bookmark("recfin.discount-by-debtor", fakes.CORE, "2026-03-02", "D-2")}


def the_walk(walk, family: str) -> list:
    """The records of ``walk``, of the blocking client or (``family`` "async") the async one, at most 10."""
    if family == "sync":
        return list(itertools.islice(walk, 10))

    async def records():
        read = []
        async for record in walk:
            if len(read) == 10:
                break
            read.append(record)
        return read
    return asyncio.run(records())


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("walk", WALKS, ids=list(WALKS))
def test_every_walk_stops_at_a_bookmark_it_sent_before(walk, family):
    transaction, at, page, iterate = WALKS[walk]
    again = BOOKMARK_OF[transaction]
    answer = lambda args: page(again)   # every page names the same next page   # noqa: E731
    contract = (FakeContract if family == "sync" else FakeAsyncContract)(responses={transaction: answer})
    client = (ReceivablesClient if family == "sync" else AsyncReceivablesClient)(contract)
    with pytest.raises(ReceivablesError, match="already asked with"):
        the_walk(iterate(client), family)
    assert [c.arguments[at] for c in contract.calls] == ["", again]


@pytest.mark.parametrize("family", ["sync", "async"])
@pytest.mark.parametrize("walk", WALKS, ids=list(WALKS))
def test_every_walk_ends_at_a_page_without_a_bookmark_having_read_it(walk, family):
    transaction, at, page, iterate = WALKS[walk]
    contract = (FakeContract if family == "sync" else FakeAsyncContract)(responses={transaction: lambda args: page("")})
    client = (ReceivablesClient if family == "sync" else AsyncReceivablesClient)(contract)
    assert len(the_walk(iterate(client), family)) == 1 and len(contract.calls) == 1
