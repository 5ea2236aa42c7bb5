"""``check_checkpoint``'s ``msp_id`` names the org whose peer is asked: an empty or blank one names none, and one
that is no str is no MSP ID, so either is refused before anything is asked (ValueError, TypeError), by the blocking
and the async client alike. Asked, ``""`` went to the Gateway as the org to endorse the query, which refused it in
words about finding no peers."""

from __future__ import annotations

import asyncio

import pytest

from .test_events_checkpoint_of_another_ledger import TX, Checkpoint, FakeTransport, _async_client, _asked, _client


@pytest.mark.parametrize("msp_id, kind", [("", ValueError), ("  ", ValueError), (None, TypeError), (7, TypeError)])
def test_an_org_of_no_name_is_refused_before_the_peer_is_asked(msp_id, kind):
    transport = FakeTransport()
    client = _client(transport)
    with pytest.raises(kind, match="msp_id"):
        client.check_checkpoint(Checkpoint(6, TX), msp_id=msp_id)

    async def awaited():
        async with _async_client(transport) as waiting_client:
            waiting = waiting_client.check_checkpoint(Checkpoint(6, TX), msp_id=msp_id)
            with pytest.raises(kind, match="msp_id"):
                await waiting

    asyncio.run(awaited())
    assert _asked(transport) == []
