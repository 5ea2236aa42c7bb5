"""A purchase order or goods receipt number holds printable ASCII and CJK ideographs only.

The registry keys a receipt by its numbers as sent, so an invisible character (U+200B) or a look-alike (a Cyrillic
Р, a U+2011 hyphen, a full-width Ｇ) would key the same delivery again, and on the record the debtor confirms it
would read as the first: such a number is refused, with a text every Python writes alike. Every number taken before
keeps its key, and a claim an earlier contract registered with such a character still reads and ends as it was
written; its receipt, held in the registry under that very spelling, takes further claims so spelt under the
registry's rules (its parts up to what was received), not under a new key.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from contextlib import contextmanager

import pytest

from chaincode.receivables import fingerprint, keys, model, tx_registration

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}
FULL_WIDTH = "\uff27\uff32\uff10\uff11\uff10\uff17"     # ＧＲ０１０７, as a Chinese ERP may export it


def with_receipt(net, receipt: dict, invoiced: int = 1000) -> dict:
    return net.registration(net.actors["tier1"], net.actors["core"], invoiced, goods_receipts=[receipt])


@contextmanager
def before_the_rule(monkeypatch):
    """A contract before numbers were held to these characters (the check in the model's validator, or in
    RegisterReceivable, each by this name)."""
    with monkeypatch.context() as earlier:
        for module in (model, tx_registration):
            earlier.setattr(module, "buyer_number_character_problem", lambda value, field: None, raising=False)
        yield


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
    pytest.param({**RECEIPT, "receipt_number": "GR-2026-0107\U0002b81e"}, "receipt_number", "U+2B81E", 13,
                 id="unassigned in a CJK block"),
]


@pytest.mark.parametrize("twin, field, code, place", TWINS)
async def test_a_number_with_an_invisible_or_look_alike_character_is_refused_and_nothing_is_written(
        twin, field, code, place):
    net = await standard_net()
    first = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipt(net, RECEIPT))
    await net.ok(net.actors["core"], "ConfirmReceivable", first["id"])
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(net, twin),
                                rule="goods-receipt-invalid")   # refused asserts nothing was written
    # the number quoted in ASCII and the character by its code point only: the same text on every Python, whose
    # unicodedata names and repr() of what prints follow its own Unicode version
    assert message.startswith(f"RULE goods-receipt-invalid: goods_receipts[0]: {field} {ascii(twin[field])} holds "
                              f"{code} at character {place}: ")
    assert unicodedata.name(twin[field][place - 1], "(unassigned)") not in message
    assert "ASCII letters, digits and punctuation or Chinese characters" in message
    assert "full-width letters and digits as half-width" in message


@pytest.mark.parametrize("number, instead", [
    ("\uff27R-2026-0107", "('G' in place of U+FF27)"),
    ("GR\u20112026-0107", "('-' in place of U+2011)"),
    ("GR-2026\u30000107", "(' ' in place of U+3000)"),
    ("GR-2026\u00a00107", "(' ' in place of U+00A0)"),        # no-break space
    ("GR-2026\u20000107", "(' ' in place of U+2000)"),        # en quad ...
    ("GR-2026\u20030107", "(' ' in place of U+2003)"),        # em space
    ("GR-2026\u200a0107", "(' ' in place of U+200A)"),        # ... hair space
    ("GR-2026\u202f0107", "(' ' in place of U+202F)"),        # narrow no-break space
    ("GR\u21160107", "('No.' in place of U+2116)"),            # №
])
async def test_the_refusal_says_what_to_send_in_place_of_a_look_alike(number, instead):
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(
        net, {**RECEIPT, "receipt_number": number}), rule="goods-receipt-invalid")
    assert instead in message


async def test_a_zero_width_space_has_no_such_hint():
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(
        net, {**RECEIPT, "receipt_number": "GR-2026\u200b0107"}), rule="goods-receipt-invalid")
    assert "in place of" not in message


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
    ("PO 2026/0042 (A)", "GR#0107_B.1"),           # spaces inside and ASCII punctuation (lower case: its own test)
    ("采购-2026-0042", "入库-0107"),                   # a Chinese ERP's prefix
    ("采购二〇二六-〇四二", "入库-0107"),               # 〇 (U+3007), the numeral zero of a Chinese number
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
    with before_the_rule(monkeypatch):
        old = await net.ok(tier1, "RegisterReceivable", with_receipt(net, twin))
    key = fingerprint.goods_receipt_key(core.uscc, twin["po_number"], twin["receipt_number"])
    assert (await net.ok(core, "GetReceivable", old["id"], evaluate=True))["goods_receipts"] == [
        {**twin, "receipt_key": key}]
    await net.ok(core, "RejectReceivable", old["id"], "not our receipt number")
    assert net._key(keys.GOODS_RECEIPT, key) not in net.ledger.state    # released under the key it was written at


async def test_further_parts_of_a_receipt_registered_before_the_rule_count_against_its_entry(monkeypatch):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    legacy = {"po_number": "PO-9", "receipt_number": FULL_WIDTH, "part": {"received": 1000}}
    with before_the_rule(monkeypatch):
        first = await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=600))
    key = fingerprint.goods_receipt_key(core.uscc, "PO-9", FULL_WIDTH)
    assert first["goods_receipts"][0]["receipt_key"] == key
    # the next part, spelt as the supplier's ERP gives it and the registry holds it: the same delivery, its entry
    second = await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=300))
    assert second["goods_receipts"] == [{"po_number": "PO-9", "receipt_number": FULL_WIDTH, "receipt_key": key,
                                         "part": {"received": 1000, "invoiced": 300, "invoiced_before": 600}}]
    held = json.loads(net.ledger.state[net._key(keys.GOODS_RECEIPT, key)])
    assert [p["receivable_id"] for p in held["parts"]] == [first["id"], second["id"]]
    # past what was received: refused by the registry's rule, nothing written
    message = await net.refused(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=300),
                                rule="goods-receipt-over-invoiced")
    assert "invoice 9.00 CNY of it already" in message
    await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=100))


async def test_a_receipt_registered_whole_before_the_rule_is_held_by_its_claim_not_refused_as_a_spelling(
        monkeypatch):
    net = await standard_net()
    legacy = {"po_number": "PO-9", "receipt_number": FULL_WIDTH}
    with before_the_rule(monkeypatch):
        first = await net.ok(net.actors["tier1"], "RegisterReceivable", with_receipt(net, legacy))
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", with_receipt(net, legacy),
                                rule="goods-receipt-already-financed")
    assert f"already backs receivable {first['id']}" in message
    # another creditor learns nothing more than of any number the registry holds
    other = net.registration(net.actors["tier2"], net.actors["core"], 1000, goods_receipts=[legacy])
    await net.refused(net.actors["tier2"], "RegisterReceivable", other, rule="goods-receipt-already-financed")


async def test_only_the_spelling_the_registry_holds_is_taken(monkeypatch):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    legacy = {"po_number": "PO-9", "receipt_number": FULL_WIDTH, "part": {"received": 1000}}
    with before_the_rule(monkeypatch):
        await net.ok(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=600))
    # another spelling with such a character, the same numbers on another debtor's record, or the entry gone once
    # its claims ended: no entry under that key, so a new key, refused
    await net.refused(tier1, "RegisterReceivable", with_receipt(
        net, {**legacy, "receipt_number": FULL_WIDTH + "\u200b"}, invoiced=300), rule="goods-receipt-invalid")
    await net.refused(tier1, "RegisterReceivable", net.registration(tier1, net.actors["core2"], 300, goods_receipts=[
        legacy]), rule="goods-receipt-invalid")
    [held] = [k for k in net.ledger.state if k.startswith(net._key(keys.GOODS_RECEIPT))]
    receivable_id = json.loads(net.ledger.state[held])["parts"][0]["receivable_id"]
    await net.ok(core, "RejectReceivable", receivable_id, "not our receipt number")
    message = await net.refused(tier1, "RegisterReceivable", with_receipt(net, legacy, invoiced=300),
                                rule="goods-receipt-invalid")
    assert "holds U+FF27 at character 1" in message and "('G' in place of U+FF27)" in message


def test_a_number_is_shown_with_a_typed_backslash_doubled_so_it_never_reads_as_an_escaped_character():
    typed, held = "GR-1\\u200b", "GR-1\u200b"     # the six characters \u200b typed, and U+200B held
    assert model.buyer_number_as_shown(held) == "GR-1\\u200b"
    assert model.buyer_number_as_shown(typed) == "GR-1\\\\u200b"
    assert model.buyer_number_as_shown("入库-〇1") == "入库-〇1"
