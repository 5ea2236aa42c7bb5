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


@pytest.mark.parametrize("msp_id", [" Org1MSP", "Org1MSP\n", "\tOrg1MSP ", "R-1\n"])
def test_an_org_with_white_space_around_it_is_refused_before_the_peer_is_asked(msp_id):
    """No org's MSP ID has white space around it (a line read from a file keeps its newline): sent as given, the
    Gateway found no org of that name and refused the query in words about its endorsing organizations."""
    transport = FakeTransport()
    with pytest.raises(ValueError) as refused:
        _client(transport).check_checkpoint(Checkpoint(6, TX), msp_id=msp_id)
    assert str(refused.value) == (f"msp_id {msp_id!r} has white space around it, which no org's MSP ID holds: give "
                                  f"{msp_id.strip()!r}, as the connection profile names the org; nothing was sent")

    async def awaited():
        async with _async_client(transport) as waiting_client:
            with pytest.raises(ValueError, match="has white space around it"):
                await waiting_client.check_checkpoint(Checkpoint(6, TX), msp_id=msp_id)

    asyncio.run(awaited())
    assert _asked(transport) == []
