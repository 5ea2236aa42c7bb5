"""A stored entry that is no JSON object, or holds a field of another kind, is refused record-unreadable naming that
kind as JSON does (null, array, string), not by Python's type name (NoneType, list, str): the value is the
network's to find in the key's history, and JSON is what it is written in."""

from __future__ import annotations

import json

import pytest

from chaincode.receivables import fingerprint, keys

from .support import standard_net


@pytest.mark.parametrize("stored, why", [
    (None, "a JSON null, not an object"),
    ([1], "a JSON array, not an object"),
    ("R-1", "a JSON string, not an object"),
    (True, "a JSON boolean, not an object"),
    ({"fingerprint": "x", "receivable_id": 5}, "its receivable_id is not a JSON string"),
])
async def test_a_fingerprint_entry_of_another_kind_is_named_as_json_names_it(stored, why):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    fp = fingerprint.invoice_fingerprint(tier1.uscc, "", "26312000000000000778")
    net.ledger.state[net._key(keys.FINGERPRINT, fp)] = json.dumps(stored).encode()
    message = await net.refused(tier1, "FindInvoice", fp, rule="record-unreadable", evaluate=True)
    assert f"the stored recfin.fingerprint [{fp}] is no record this contract wrote ({why})" in message, message
