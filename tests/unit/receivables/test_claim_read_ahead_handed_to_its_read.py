"""A claim read ahead, to name what a transaction reads next (``Store.receivable_to_read_ahead``), is handed to the
transaction's next read of its key rather than parsed again: that read alone, and only while the key holds the
value read ahead."""
from __future__ import annotations

import json

from chaincode.receivables import keys
from chaincode.receivables.store import Store

from .support import standard_net


class _Stub:
    """A transaction's reads: each key's value as ``state`` holds it when read (the same object each time)."""

    def __init__(self, net, state: dict[str, bytes]) -> None:
        self._net = net
        self.state = state

    async def get_state(self, key: str) -> bytes | None:
        return self.state.get(key)

    def create_composite_key(self, object_type, attributes):
        return self._net._key(object_type, *attributes)


async def _claim(net) -> tuple[str, str, dict[str, bytes]]:
    core, tier1 = net.actors["core"], net.actors["tier1"]
    r = await net.confirmed(tier1, core, 1000_00, due_in=30)
    key = net._key(keys.RECEIVABLE, r["id"])
    return r["id"], key, {key: net.ledger.state[key]}


async def test_the_claim_read_ahead_is_the_next_reads_and_a_later_read_parses_its_own():
    net = await standard_net()
    receivable_id, _, state = await _claim(net)
    store = Store(_Stub(net, state))
    ahead = await store.receivable_to_read_ahead(receivable_id)
    read = await store.receivable(receivable_id)
    assert read is ahead
    read.status = "SETTLED"          # the transaction changes the claim it read
    again = await store.receivable(receivable_id)
    assert again is not read and again.status == "CONFIRMED"


async def test_a_claim_read_ahead_is_not_taken_for_another_value_of_its_key():
    net = await standard_net()
    receivable_id, key, state = await _claim(net)
    store = Store(_Stub(net, state))
    ahead = await store.receivable_to_read_ahead(receivable_id)
    state[key] = json.dumps({**json.loads(state[key]), "outstanding": 400_00}).encode()
    read = await store.receivable(receivable_id)
    assert ahead.outstanding == 1000_00 and read.outstanding == 400_00
