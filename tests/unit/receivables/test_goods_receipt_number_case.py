"""A purchase order or goods receipt number in another case is the same number: `GR-1` and `gr-1` are one delivery.

The registry keys a receipt by the debtor and both numbers, their ASCII letters in capitals
(``fingerprint.goods_receipt_key``), so one delivery cannot back two claims under case variants. A number without
ASCII lower-case letters keeps the key it had. An earlier contract keyed the numbers as sent: a registration also
reads the keys of the number as given and in lower case (``fingerprint.earlier_receipt_keys``), and a receipt held
under one of them is that delivery, its entry's rules applying (whole: refused; in parts: counted against it)."""

from __future__ import annotations

import json
from contextlib import contextmanager

from chaincode.receivables import fingerprint, keys

from .support import standard_net
from .test_goods_receipt_number_characters import key_as_written_before, with_receipt

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}


@contextmanager
def before_case_was_folded(monkeypatch):
    """A contract keying the numbers as sent, reading no other spelling's key."""
    with monkeypatch.context() as earlier:
        earlier.setattr(fingerprint, "goods_receipt_key", key_as_written_before)
        earlier.setattr(fingerprint, "earlier_receipt_keys", lambda debtor, po, receipt: [], raising=False)
        yield


async def test_a_receipt_in_another_case_is_the_same_delivery_and_nothing_is_written():
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    first = await net.ok(tier1, "RegisterReceivable", with_receipt(net, RECEIPT))
    await net.ok(core, "ConfirmReceivable", first["id"])
    for twin in ({**RECEIPT, "receipt_number": "gr-2026-0107"}, {**RECEIPT, "po_number": "po-2026-0042"},
                 {"po_number": "Po-2026-0042", "receipt_number": "gR-2026-0107"}):
        message = await net.refused(tier1, "RegisterReceivable", with_receipt(net, twin),
                                    rule="goods-receipt-already-financed")   # refused asserts nothing was written
        assert f"already backs receivable {first['id']}" in message


async def test_a_number_with_lower_case_letters_is_shown_as_sent_and_keyed_in_capitals():
    net = await standard_net()
    core = net.actors["core"]
    sent = {"po_number": "po 2026/0042 (a)", "receipt_number": "GR#0107_b.1"}
    r = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipt(net, sent))
    key = key_as_written_before(core.uscc, "PO 2026/0042 (A)", "GR#0107_B.1")
    assert r["goods_receipts"] == [{**sent, "receipt_key": key}]
    assert json.loads(net.ledger.state[net._key(keys.GOODS_RECEIPT, key)])["receivable_id"] == r["id"]


async def test_one_receipt_listed_in_two_cases_is_listed_twice():
    net = await standard_net()
    req = net.registration(net.actors["tier1"], net.actors["core"], 1000,
                           goods_receipts=[RECEIPT, {**RECEIPT, "receipt_number": "gr-2026-0107"}])
    await net.refused(net.actors["tier1"], "RegisterReceivable", req, rule="goods-receipt-listed-twice")


async def test_a_receipt_held_in_lower_case_by_an_earlier_contract_is_refused_in_any_case(monkeypatch):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    legacy = {"po_number": "po-2026-0042", "receipt_number": "gr-2026-0107"}
    with before_case_was_folded(monkeypatch):
        old = await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy))
    assert old["goods_receipts"][0]["receipt_key"] == key_as_written_before(core.uscc, *legacy.values())
    await net.ok(core, "ConfirmReceivable", old["id"])
    for spelt in (legacy, RECEIPT, {"po_number": "Po-2026-0042", "receipt_number": "Gr-2026-0107"}):
        message = await net.refused(tier1, "RegisterReceivable", with_receipt(net, spelt),
                                    rule="goods-receipt-already-financed")
        assert f"already backs receivable {old['id']}" in message


async def test_a_receipt_held_in_mixed_case_by_an_earlier_contract_is_refused_so_spelt(monkeypatch):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    legacy = {"po_number": "PO-2026-0042", "receipt_number": "Gr-2026-0107"}
    with before_case_was_folded(monkeypatch):
        old = await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy))
    message = await net.refused(tier1, "RegisterReceivable", with_receipt(net, legacy),
                                rule="goods-receipt-already-financed")
    assert f"already backs receivable {old['id']}" in message


async def test_further_parts_of_a_receipt_held_in_lower_case_count_against_its_entry_and_release_from_it(
        monkeypatch):
    net = await standard_net()
    tier1, core = net.actors["tier1"], net.actors["core"]
    legacy = {"po_number": "PO-9", "receipt_number": "gr-9", "part": {"received": 1000}}
    with before_case_was_folded(monkeypatch):
        first = await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=600))
    key = key_as_written_before(core.uscc, "PO-9", "gr-9")
    assert first["goods_receipts"][0]["receipt_key"] == key
    capitals = {**legacy, "receipt_number": "GR-9"}
    second = await net.ok(tier1, "RegisterReceivable", with_receipt(net, capitals, invoiced=300))
    assert second["goods_receipts"] == [{"po_number": "PO-9", "receipt_number": "GR-9", "receipt_key": key,
                                         "part": {"received": 1000, "invoiced": 300, "invoiced_before": 600}}]
    held = json.loads(net.ledger.state[net._key(keys.GOODS_RECEIPT, key)])
    assert [p["receivable_id"] for p in held["parts"]] == [first["id"], second["id"]]
    assert net._key(keys.GOODS_RECEIPT, fingerprint.goods_receipt_key(core.uscc, "PO-9", "GR-9")) \
        not in net.ledger.state
    await net.refused(tier1, "RegisterReceivable", with_receipt(net, capitals, invoiced=300),
                      rule="goods-receipt-over-invoiced")
    await net.ok(core, "RejectReceivable", second["id"], "not this part")
    held = json.loads(net.ledger.state[net._key(keys.GOODS_RECEIPT, key)])
    assert [p["receivable_id"] for p in held["parts"]] == [first["id"]]


async def test_a_receipt_an_earlier_contract_took_twice_in_two_cases_backs_no_further_claim(monkeypatch):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    part = {"part": {"received": 1000}}
    with before_case_was_folded(monkeypatch):
        await net.ok(tier1, "RegisterReceivable", with_receipt(net, {**RECEIPT, **part}, invoiced=300))
        await net.ok(tier1, "RegisterReceivable", with_receipt(
            net, {"po_number": "po-2026-0042", "receipt_number": "gr-2026-0107", **part}, invoiced=300))
    message = await net.refused(tier1, "RegisterReceivable", with_receipt(net, {**RECEIPT, **part}, invoiced=100),
                                rule="goods-receipt-already-financed")
    assert "two spellings of its numbers" in message


def test_numbers_without_ascii_letters_in_lower_case_keep_their_key_and_read_no_other():
    for po, receipt in (("4500001234", "5000000001"), ("PO-2026-0042", "GR-2026-0107"), ("采购-1", "入库-0107")):
        assert fingerprint.goods_receipt_key("D", po, receipt) == key_as_written_before("D", po, receipt)
    assert fingerprint.earlier_receipt_keys("D", "4500001234", "5000000001") == []
    assert set(fingerprint.earlier_receipt_keys("D", "PO-1", "GR-1")) == {
        key_as_written_before("D", po, receipt) for po, receipt in (("PO-1", "gr-1"), ("po-1", "GR-1"), ("po-1", "gr-1"))}
