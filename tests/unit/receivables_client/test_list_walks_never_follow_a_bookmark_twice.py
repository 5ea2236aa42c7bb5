"""A walk of a listing (the SDK's ``iter_*``, ``recfin receivable list --all --bookmark``) raises where the
peer answers a page with a bookmark the walk already asked with: followed, a cycle of pages would be read again
without end, and taken for the end, a repeat would cut the listing short without a word. The contract's
bookmark is the key the next page starts at, past every key before, so a walk never sends one twice."""

from __future__ import annotations

import asyncio
import itertools

import click
import pytest

from cli.connection import reports_ledger_errors
from cli.regulator_commands import _pages_from
from client.receivables import AsyncReceivablesClient, ReceivablesClient, ReceivablesError

from . import fakes
from .fakes import TIER1, FakeContract
from .test_async_client import FakeAsyncContract

# a peer answering b2's page with b1's bookmark: b1, b2, b1, b2, ...
CYCLE = {"": fakes.page([fakes.receivable(id="R-1")], "b1"),
         "b1": fakes.page([fakes.receivable(id="R-2")], "b2"),
         "b2": fakes.page([fakes.receivable(id="R-3")], "b1")}
# a peer answering b1's page with b1 again
REPEAT = {"": fakes.page([fakes.receivable(id="R-1")], "b1"),
          "b1": fakes.page([fakes.receivable(id="R-2")], "b1")}


@pytest.mark.parametrize("pages", [CYCLE, REPEAT], ids=["cycle", "repeat"])
def test_the_sdk_walk_raises_at_a_bookmark_it_sent_before(pages):
    contract = FakeContract(responses={"ListReceivablesByHolder": lambda args: pages[args[2]]})
    walk = ReceivablesClient(contract).iter_receivables("holder", TIER1, page_size=1)
    read = []
    with pytest.raises(ReceivablesError, match="'b1', which this listing already asked with"):
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
            _pages_from(lambda **kw: client.list_by_holder(TIER1, **kw), 1, "b1"), 10)]

    with pytest.raises(click.ClickException, match="'b1', which this listing already asked with"):
        every_record_from_b1()


def test_a_walk_to_the_last_page_reads_every_page_once():
    pages = {"": fakes.page([fakes.receivable(id="R-1")], "b1"), "b1": fakes.page([], "b2"),
             "b2": fakes.page([fakes.receivable(id="R-3")], "")}
    contract = FakeContract(responses={"ListReceivablesByHolder": lambda args: pages[args[2]]})
    walk = ReceivablesClient(contract).iter_receivables("holder", TIER1, page_size=1)
    assert [r.id for r in walk] == ["R-1", "R-3"]
    assert [c.arguments[2] for c in contract.calls] == ["", "b1", "b2"]
