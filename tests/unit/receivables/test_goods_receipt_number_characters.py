"""A purchase order or goods receipt number holds printable ASCII and CJK ideographs only.

The registry keys a receipt by its numbers as sent, so an invisible character (U+200B) or a look-alike (a Cyrillic
Р, a U+2011 hyphen, a full-width Ｇ) would key the same delivery again, and on the record the debtor confirms it
would read as the first: such a number is refused. Every number taken before keeps its key, and a claim an earlier
contract registered with such a character still reads and ends as it was written.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from chaincode.receivables import fingerprint, keys, model

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}


def with_receipt(net, receipt: dict) -> dict:
    return net.registration(net.actors["tier1"], net.actors["core"], 1000, goods_receipts=[receipt])


# (the twin of RECEIPT, the field refused, the character as a refusal names it, its place)
TWINS = [
    pytest.param({**RECEIPT, "receipt_number": "GR-2026-0107\u200b"}, "receipt_number", "U+200B", 13, id="U+200B"),
    pytest.param({**RECEIPT, "receipt_number": "GR-2026-0107\u2060"}, "receipt_number", "U+2060", 13, id="U+2060"),
    pytest.param({**RECEIPT, "receipt_number": "\ufeffGR-2026-0107"}, "receipt_number", "U+FEFF", 1, id="U+FEFF"),
    pytest.param({**RECEIPT, "receipt_number": "GR-2026\u00ad-0107"}, "receipt_number", "U+00AD", 8, id="soft hyphen"),
    pytest.param({**RECEIPT, "po_number": "\u0420\u041e-2026-0042"}, "po_number", "U+0420", 1, id="Cyrillic"),
    pytest.param({**RECEIPT, "po_number": "PO\u20112026\u20110042"}, "po_number", "U+2011", 3, id="U+2011"),
    pytest.param({**RECEIPT, "receipt_number": "GR\u20102026-0107"}, "receipt_number", "U+2010", 3, id="U+2010"),
    pytest.param({**RECEIPT, "receipt_number": "\uff27\uff32-2026-0107"}, "receipt_number", "U+FF27", 1,
                 id="full-width"),
    pytest.param({**RECEIPT, "receipt_number": "GR-2026-\uff10107"}, "receipt_number", "U+FF10", 9,
                 id="full-width digit"),
    pytest.param({**RECEIPT, "receipt_number": "入库-\U0002f800-0107"}, "receipt_number", "U+2F800", 4,
                 id="compatibility ideograph"),
]


@pytest.mark.parametrize("twin, field, code, place", TWINS)
async def test_a_number_with_an_invisible_or_look_alike_character_is_refused_and_nothing_is_written(
        twin, field, code, place):
    net = await standard_net()
    first = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipt(net, RECEIPT))
    await net.ok(net.actors["core"], "ConfirmReceivable", first["id"])
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(net, twin),
                                rule="goods-receipt-invalid")   # refused asserts nothing was written
    assert message.startswith(f"RULE goods-receipt-invalid: goods_receipts[0]: {field} ")
    assert f"holds {code} (" in message and f"at character {place}:" in message
    assert "ASCII letters, digits and punctuation or Chinese characters" in message
    assert "full-width letters and digits as half-width" in message


async def test_the_refusal_says_what_to_send_in_place_of_a_full_width_letter_or_a_dash():
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(
        net, {**RECEIPT, "receipt_number": "\uff27R-2026-0107"}), rule="goods-receipt-invalid")
    assert "('G' in place of U+FF27)" in message
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(
        net, {**RECEIPT, "po_number": "PO\u20112026-0042"}), rule="goods-receipt-invalid")
    assert "('-' in place of U+2011)" in message


async def test_a_part_of_a_fully_invoiced_receipt_is_not_taken_again_under_a_twin_number():
    net = await standard_net()
    part = {"po_number": "PO-9", "receipt_number": "GR-9", "part": {"received": 1000}}
    await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipt(net, part))
    await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(net, part),
                      rule="goods-receipt-over-invoiced")
    twin = {**part, "receipt_number": "GR-9\u200b"}
    await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(net, twin), rule="goods-receipt-invalid")


def key_as_written_before(debtor: str, po_number: str, receipt_number: str) -> str:
    """The registry's key as the contract computed it before numbers were held to these characters, spelled out:
    the SHA-256 of the UTF-8 JSON array, no spaces, non-ASCII as it is."""
    form = '["recfin-goods-receipt-v1","' + debtor + '","' + po_number + '","' + receipt_number + '"]'
    return hashlib.sha256(form.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("po_number, receipt_number", [
    ("PO-2026-0042", "GR-2026-0107"),
    ("PO 2026/0042 (A)", "GR#0107_b.1"),           # spaces inside and ASCII punctuation
    ("采购-2026-0042", "入库-0107"),                   # a Chinese ERP's prefix
    ("PO-1", "入库\U00020000-1"),                     # an ideograph of extension B
])
async def test_ascii_and_chinese_numbers_are_taken_under_the_key_they_had(po_number, receipt_number):
    net = await standard_net()
    core = net.actors["core"]
    r = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipt(
        net, {"po_number": po_number, "receipt_number": receipt_number}))
    key = key_as_written_before(core.uscc, po_number, receipt_number)
    assert r["goods_receipts"] == [{"po_number": po_number, "receipt_number": receipt_number, "receipt_key": key}]
    assert json.loads(net.ledger.state[net._key(keys.GOODS_RECEIPT, key)])["receivable_id"] == r["id"]


async def test_a_claim_registered_before_the_rule_with_such_a_character_reads_and_ends_as_written(monkeypatch):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    twin = {**RECEIPT, "receipt_number": "GR-2026-0107\u200b"}
    with monkeypatch.context() as earlier:   # a contract before numbers were held to these characters
        earlier.setattr(model, "buyer_number_character_problem", lambda value, field: None, raising=False)
        old = await net.ok(tier1, "RegisterReceivable", with_receipt(net, twin))
    key = fingerprint.goods_receipt_key(core.uscc, twin["po_number"], twin["receipt_number"])
    assert (await net.ok(core, "GetReceivable", old["id"], evaluate=True))["goods_receipts"] == [
        {**twin, "receipt_key": key}]
    await net.ok(core, "RejectReceivable", old["id"], "not our receipt number")
    assert net._key(keys.GOODS_RECEIPT, key) not in net.ledger.state    # released under the key it was written at
