"""A claim's, financing's, offer's or notice's id with spaces around it, as a table's column pasted gives, names no
record: no id the contract makes holds a space (``keys.new_id``, ``keys.child_id``). The SDK refuses it with a
ValueError naming the argument and the id and saying to remove the spaces, before anything is read or sent, in the
blocking and the async client alike, as the CLI does; sent as given, it came back not-found, as though the record
were not there."""

from __future__ import annotations

import asyncio
import re

import pytest

from client.receivables import AsyncReceivablesClient, ReceivablesClient

from . import fakes
from .record_id_calls import D, IDS, RECORD_ID_CALLS
from .test_async_client import FakeAsyncContract

# an id given as an optional filter: left out when empty, but refused padded as any other
CALLS = RECORD_ID_CALLS + [
    ("receivable_id", lambda c, x: c.get_discount_offer(D, receivable_id=x)),
    ("receivable_id", lambda c, x: c.list_discount_offers(receivable_id=x)),
]

PADDINGS = [" {} ", "{}\t", "\n{}", "{}.1 "]


@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("argument, call", CALLS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(CALLS)])
def test_an_id_with_spaces_around_it_is_refused_naming_it_before_anything_is_sent(argument, call, padding):
    padded = padding.format(IDS[argument])
    said = "^" + re.escape(f"{argument} {padded!r} has spaces around it, which no {argument.replace('_', ' ')} "
                           f"holds: remove them: {padded.strip()!r}; nothing was sent") + "$"
    refused_before_sending(call, padded, said)


def refused_before_sending(call, given: str, said: str) -> None:
    """``call`` of ``given`` refused with a ValueError matching ``said`` by the blocking and the async client alike,
    neither sending anything."""
    contract = fakes.FakeContract()
    with pytest.raises(ValueError, match=said):
        call(ReceivablesClient(contract), given)
    assert contract.calls == []
    async_contract = FakeAsyncContract()
    with pytest.raises(ValueError, match=said):
        asyncio.run(call(AsyncReceivablesClient(async_contract), given))
    assert async_contract.calls == []

