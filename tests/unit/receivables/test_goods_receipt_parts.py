"""A delivery invoiced in parts: each claim lists the goods receipt with its part, ``{"received": fen}``, the
receipt's whole value; the contract counts the part's share itself, the sum of the claim's invoices' ``amount``
(合计金额, without tax), and records on the claim what the receipt's earlier live parts invoiced.

The registry entry of such a receipt records the value received, which every part must repeat, and each live part
with what the contract counted for it; the parts add up to at most what was received (10 fen of rounding allowed in
all), come from one creditor, and a receipt registered whole takes no part (nor the reverse). A part is allowed
only in a registration listing that one receipt. Rejecting or withdrawing a claim releases what it holds alone.
"""

from __future__ import annotations

import json
import re

import pytest

from chaincode.receivables import fingerprint, keys

from .support import standard_net

RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0107"}
OTHER_RECEIPT = {"po_number": "PO-2026-0042", "receipt_number": "GR-2026-0108"}


def part(received: int) -> dict:
    return {**RECEIPT, "part": {"received": received}}


def registering(net, receipt: dict, creditor: str = "tier1", invoiced: int = 1000, **over) -> dict:
    """A registration of a fresh invoice of ``creditor`` on core, for ``invoiced`` fen without tax (its face too),
    listing ``receipt``."""
    return net.registration(net.actors[creditor], net.actors["core"], invoiced, goods_receipts=[receipt], **over)


def receipt_key(net) -> str:
    return fingerprint.goods_receipt_key(net.actors["core"].uscc, RECEIPT["po_number"], RECEIPT["receipt_number"])


def entry_key(net) -> str:
    return net._key(keys.GOODS_RECEIPT, receipt_key(net))


def entry(net) -> dict | None:
    """The registry's entry of the receipt, as the ledger holds it."""
    raw = net.ledger.state.get(entry_key(net))
    return None if raw is None else json.loads(raw)


def recorded(received: int, invoiced: int, invoiced_before: int) -> dict:
    return {"received": received, "invoiced": invoiced, "invoiced_before": invoiced_before}


async def test_two_parts_that_add_up_to_the_receipt_are_each_registered_with_the_running_total():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=12_000))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=8_000))
    # the claim shows its part as the contract counted it, and what was invoiced before it, for the debtor to check
    # against its own receipt before it confirms
    assert first["goods_receipts"] == [{**RECEIPT, "part": recorded(20_000, 12_000, 0), "receipt_key": receipt_key(net)}]
    assert net.doc(second["id"])["goods_receipts"] == [
        {**RECEIPT, "part": recorded(20_000, 8_000, 12_000), "receipt_key": receipt_key(net)}]
    assert entry(net) == {"receipt_key": receipt_key(net), "received": 20_000, "parts": [
        {"receivable_id": first["id"], "invoiced": 12_000}, {"receivable_id": second["id"], "invoiced": 8_000}]}


async def test_the_share_is_the_invoices_amount_not_the_suppliers_word():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    # three claims of 50,000.00 on a receipt said to be worth 200.00: the first is refused, whatever was said
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=50_000_00),
                                rule="goods-receipt-over-invoiced")
    assert "this claim's invoices amount to 50000.00 CNY without tax" in message
    assert "its received value of 200.00 CNY and 0.10 CNY of rounding" in message
    assert "at most 200.10 CNY can be invoiced" in message
    # a share stated by the supplier is no field of the request
    said = registering(net, {**RECEIPT, "part": {"received": 20_000, "invoiced": 1}}, invoiced=50_000_00)
    message = await net.refused(tier1, "RegisterReceivable", said, rule="argument-invalid")
    assert "goods_receipts.0.part.invoiced: Extra inputs are not permitted" in message
    # of two invoices, both amounts count
    two = registering(net, part(20_000), invoiced=6_000)
    two["invoices"].append({**two["invoices"][0], "number": "26442000000099999999", "amount": 4_000, "tax": 520})
    r = await net.ok(tier1, "RegisterReceivable", two)
    assert r["goods_receipts"][0]["part"] == recorded(20_000, 10_000, 0)
    assert entry(net)["parts"] == [{"receivable_id": r["id"], "invoiced": 10_000}]


async def test_a_part_past_what_was_received_is_refused_saying_what_is_left_and_writing_nothing():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=12_000))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=7_000))
    # refused asserts that nothing was written; 20000 received and 10 fen of rounding: 1010 left
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=1_011),
                                rule="goods-receipt-over-invoiced")
    assert "invoice 190.00 CNY of it already" in message and "at most 10.10 CNY can be invoiced on it now" in message
    assert first["id"] in message and second["id"] in message
    third = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=1_000))
    assert third["goods_receipts"][0]["part"] == recorded(20_000, 1_000, 19_000)
    await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=11),
                      rule="goods-receipt-over-invoiced")


async def test_a_part_in_another_currency_than_the_first_parts_is_refused_writing_nothing():
    # the entry's fen are in the first part's currency: 150.00 CNY of 200.00 received, then 50.00 USD (far more
    # than the 50.00 CNY left) would be taken were the fen added up across currencies
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=15_000))
    message = await net.refused(tier1, "RegisterReceivable",
                                registering(net, part(20_000), invoiced=5_000, currency="USD"),
                                rule="goods-receipt-already-financed")
    assert f"invoiced in parts already (receivable {first['id']}) in CNY" in message
    assert "its received value 200.00 CNY" in message and "register this part in CNY" in message
    assert entry(net)["parts"] == [{"receivable_id": first["id"], "invoiced": 15_000}]
    # in the first part's currency the rest is taken
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=5_000))
    assert second["goods_receipts"][0]["part"] == recorded(20_000, 5_000, 15_000)


async def test_parts_whose_lines_round_up_may_pass_the_received_value_by_ten_fen_in_all():
    # 3 received at 0.335: 1.005 yuan, 101 fen rounded once; invoiced one at a time, each 0.335 is 34 fen
    net = await standard_net()
    tier1 = net.actors["tier1"]
    for n in range(3):
        r = await net.ok(tier1, "RegisterReceivable", registering(net, part(101), invoiced=34))
        assert r["goods_receipts"][0]["part"] == recorded(101, 34, 34 * n)
    assert sum(p["invoiced"] for p in entry(net)["parts"]) == 102
    # no more than ten fen in all, whatever the parts: a first part of 112 on 101 received is past it; a part
    # splitting several receipt lines rounds up by half a fen a line, which a fen a part would refuse
    net = await standard_net()
    await net.refused(net.actors["tier1"], "RegisterReceivable", registering(net, part(101), invoiced=112),
                      rule="goods-receipt-over-invoiced")
    await net.ok(net.actors["tier1"], "RegisterReceivable", registering(net, part(101), invoiced=111))
    # 2 each of 0.335, 1.015 and 2.675 received (805 fen, line by line); two invoices of one each, 404 fen apiece
    net = await standard_net()
    for _ in range(2):
        await net.ok(net.actors["tier1"], "RegisterReceivable", registering(net, part(805), invoiced=404))


async def test_a_parts_face_is_at_most_its_share_with_vat_at_the_highest_rate():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=19_000))
    # a 1-fen share whose invoice carries 1,000,000.00 of tax: the face it would back is refused, writing nothing
    inflated = registering(net, part(20_000), invoiced=1)
    inflated["invoices"][0]["tax"] = 100_000_000
    inflated["face_amount"] = 100_000_001
    message = await net.refused(tier1, "RegisterReceivable", inflated, rule="goods-receipt-part-face-exceeds")
    assert "face amount 1000000.01 CNY" in message and "0.01 CNY without tax" in message
    assert "highest rate of 13%" in message and "register a face of at most 0.02 CNY" in message
    # the bound is the share with 13% on it rounded up to the fen, and a fen a whole yuan of the share for the
    # rounding of each line's tax: 99 fen of share backs at most 112 (111.87 up, and no whole yuan)
    most = registering(net, part(20_000), invoiced=99)
    most["invoices"][0]["tax"], most["face_amount"] = 14, 112     # the invoice would back 113 with its tax
    await net.refused(tier1, "RegisterReceivable", {**most, "face_amount": 113}, rule="goods-receipt-part-face-exceeds")
    assert (await net.ok(tier1, "RegisterReceivable", most))["face_amount"] == 112


async def test_an_honest_invoices_tax_rounded_line_by_line_fits_a_parts_face():
    # two lines of 0.50 without tax: 0.065 of tax each, rounded half up to 0.07, 0.14 in all, a fen past 13% of
    # 1.00; the fen a yuan takes it, and no more
    net = await standard_net()
    tier1 = net.actors["tier1"]
    two_lines = registering(net, part(20_000), invoiced=100)
    two_lines["invoices"][0]["tax"], two_lines["face_amount"] = 14, 114
    assert (await net.ok(tier1, "RegisterReceivable", two_lines))["face_amount"] == 114
    more = registering(net, part(20_000), invoiced=100)
    more["invoices"][0]["tax"], more["face_amount"] = 15, 115
    await net.refused(tier1, "RegisterReceivable", more, rule="goods-receipt-part-face-exceeds")
    # a fen a yuan however large the share (an invoice of 30 lines of 3.50 rounds each line's tax up half a fen)
    large = registering(net, part(20_000), invoiced=10_500)
    large["invoices"][0]["tax"], large["face_amount"] = 1_470, 11_970
    over = {**large, "invoices": [{**large["invoices"][0], "tax": 1_471}], "face_amount": 11_971}
    await net.refused(tier1, "RegisterReceivable", over, rule="goods-receipt-part-face-exceeds")
    assert (await net.ok(tier1, "RegisterReceivable", large))["face_amount"] == 11_970     # 10500 + 1365 + 105


async def test_a_whole_claims_face_is_bounded_by_its_invoices_not_as_a_part():
    # the same VAT bound, on its invoices: a whole receipt has no share to name
    net = await standard_net()
    whole = registering(net, RECEIPT, invoiced=1)
    whole["invoices"][0]["tax"], whole["face_amount"] = 100, 101
    message = await net.refused(net.actors["tier1"], "RegisterReceivable", whole, rule="face-exceeds-invoices")
    assert "share" not in message


async def test_a_fully_invoiced_receipt_takes_no_further_part_and_rounding_stops_at_ten_fen():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(100), invoiced=100))
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(100), invoiced=1),
                                rule="goods-receipt-over-invoiced")
    assert "is fully invoiced" in message and "invoice 1.00 CNY of its received 1.00 CNY" in message
    assert first["id"] in message
    # the fen a part stops at ten: eleven parts of 10 fen and 1 fen on 100 received take 110, and no more
    net = await standard_net()
    for _ in range(9):
        await net.ok(tier1, "RegisterReceivable", registering(net, part(100), invoiced=10))
    await net.ok(tier1, "RegisterReceivable", registering(net, part(100), invoiced=19))   # 109 of 100 + 10
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(100), invoiced=1),
                                rule="goods-receipt-over-invoiced")
    assert "is fully invoiced" in message
    assert sum(p["invoiced"] for p in entry(net)["parts"]) == 109


async def test_the_rounding_allowance_is_ten_fen_at_most_however_many_parts():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    for _ in range(11):
        await net.ok(tier1, "RegisterReceivable", registering(net, part(1_000), invoiced=90))   # 990
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(1_000), invoiced=21),
                                rule="goods-receipt-over-invoiced")
    assert "and 0.10 CNY of rounding" in message and "at most 0.20 CNY can be invoiced on it now" in message
    await net.ok(tier1, "RegisterReceivable", registering(net, part(1_000), invoiced=20))


async def test_honest_parts_splitting_whole_receipt_lines_register():
    # 6 items at 1.015 received: each line 102 fen, 612 in all; two invoices of 3 lines each, 306 and 306
    net = await standard_net()
    tier1 = net.actors["tier1"]
    await net.ok(tier1, "RegisterReceivable", registering(net, part(612), invoiced=306))
    await net.ok(tier1, "RegisterReceivable", registering(net, part(612), invoiced=306))


async def test_a_part_is_allowed_only_in_a_registration_listing_its_one_receipt():
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                registering(net, part(20_000)) | {"goods_receipts": [OTHER_RECEIPT, part(20_000)]},
                                rule="goods-receipt-part-needs-one-receipt")
    assert message.startswith("RULE goods-receipt-part-needs-one-receipt: goods_receipts[1] (PO PO-2026-0042, receipt "
                              "GR-2026-0107) is given as a part of its delivery, in a registration listing 2 goods "
                              "receipts")
    # two receipts registered whole, as before
    await net.ok(net.actors["tier1"], "RegisterReceivable",
                 registering(net, RECEIPT) | {"goods_receipts": [RECEIPT, OTHER_RECEIPT]})


async def test_a_part_giving_another_received_value_is_refused_naming_the_first_parts_value():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000)))
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(25_000)),
                                rule="goods-receipt-already-financed")
    assert "received value 200.00 CNY" in message and "not the 250.00 CNY this part gives" in message
    assert first["id"] in message and "send received 20000 (fen)" in message


async def test_a_wrong_received_value_once_the_first_part_is_withdrawn_names_no_ended_claim_as_setting_it():
    # the entry keeps the first part's value while a later part is live; the refusal named the live part's
    # claim as having set it, sending the supplier to look for the mistake on a claim that only repeated it
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=8_000))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=5_000))
    await net.ok(tier1, "WithdrawReceivable", first["id"], "received value was wrong")
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(18_000)),
                                rule="goods-receipt-already-financed")
    assert f"is invoiced in parts already (receivable {second['id']}), its received value 200.00 CNY " \
           "as its first part set it and each live part gives it, not the 180.00 CNY this part " \
           "gives" in message
    assert first["id"] not in message and f"part on receivable {second['id']} set it" not in message
    assert "send received 20000 (fen)" in message and "have the claims of its live parts ended" in message


async def test_a_parts_refusals_show_its_amounts_in_the_claims_currency():
    # as every refusal shows a claim's amounts: in major units of its currency, only the received value to send
    # given in fen, as the field takes it
    net = await standard_net()
    tier1 = net.actors["tier1"]

    async def refused(receipt: dict, invoiced: int, rule: str, **over) -> str:
        message = await net.refused(tier1, "RegisterReceivable",
                                    registering(net, receipt, invoiced=invoiced, currency="USD", **over), rule=rule)
        assert "CNY" not in message and not re.search(r"[0-9] fen", message), message
        return message

    inflated = registering(net, part(20_000), currency="USD")
    inflated["invoices"][0]["tax"] = inflated["face_amount"] = 5_000
    message = await net.refused(tier1, "RegisterReceivable", inflated, rule="goods-receipt-part-face-exceeds")
    assert "face amount 50.00 USD is more than this part's share of the receipt, 10.00 USD without tax" in message
    assert "0.01 USD per whole USD for its lines' rounding: 11.40 USD" in message
    assert "register a face of at most 11.40 USD" in message and "CNY" not in message and " fen" not in message
    message = await refused(part(20_000), 50_000, "goods-receipt-over-invoiced")
    assert "this claim's invoices amount to 500.00 USD without tax" in message
    assert "its received value of 200.00 USD and 0.10 USD of rounding: at most 200.10 USD can be invoiced" in message
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=12_000, currency="USD"))
    message = await refused(part(25_000), 1_000, "goods-receipt-already-financed")
    assert f"in parts already (receivable {first['id']}), its received value 200.00 USD as its first part " \
        "set it" in message and "not the 250.00 USD this part gives" in message
    assert "send received 20000 (fen)" in message
    message = await refused(RECEIPT, 1_000, "goods-receipt-already-financed")
    assert 'as a part of its received value 200.00 USD: {"received": 20000} (fen)' in message
    message = await refused(part(20_000), 8_011, "goods-receipt-over-invoiced")
    assert "invoice 120.00 USD of it already" in message and "at most 80.10 USD can be invoiced on it now" in message
    await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=8_000, currency="USD"))
    message = await refused(part(20_000), 1, "goods-receipt-over-invoiced")
    assert "is fully invoiced" in message and "invoice 200.00 USD of its received 200.00 USD" in message


@pytest.mark.parametrize("registered, then", [(RECEIPT, part(20_000)), (part(20_000), RECEIPT)],
                         ids=["whole then part", "part then whole"])
async def test_a_receipt_registered_whole_takes_no_part_nor_one_in_parts_a_whole_claim(registered, then):
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, registered))
    message = await net.refused(tier1, "RegisterReceivable", registering(net, then),
                                rule="goods-receipt-already-financed")
    assert first["id"] in message
    assert ("whole" in message) if "part" not in registered else ("invoiced in parts already" in message)


@pytest.mark.parametrize("registered", [RECEIPT, part(20_000)], ids=["whole", "in parts"])
async def test_another_creditors_part_is_refused_naming_nothing_of_the_claim(registered):
    net = await standard_net()
    a = net.actors
    first = await net.ok(a["tier1"], "RegisterReceivable", registering(net, registered))
    message = await net.refused(a["tier2"], "RegisterReceivable", registering(net, part(20_000), "tier2"),
                                rule="goods-receipt-already-financed")
    assert first["id"] not in message and a["tier1"].uscc not in message
    assert "20000" not in message and "200.00" not in message
    assert "another creditor" in message and f"ask the debtor {a['core'].uscc}" in message
    # the same answer whether the receipt was registered whole or in parts: the refusal tells neither
    whole = await net.refused(a["tier2"], "RegisterReceivable", registering(net, RECEIPT, "tier2"),
                              rule="goods-receipt-already-financed")
    assert whole == message


@pytest.mark.parametrize("ended_by", ["RejectReceivable", "WithdrawReceivable"])
async def test_ending_a_claim_releases_its_part_only_and_the_last_part_the_entry(ended_by):
    net = await standard_net()
    core, tier1 = net.actors["core"], net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=12_000))
    second = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=8_000))
    await net.ok(core if ended_by == "RejectReceivable" else tier1, ended_by, first["id"], "wrong invoice")
    assert entry(net)["parts"] == [{"receivable_id": second["id"], "invoiced": 8_000}]
    # what the ended claim held is free again, and no more; the running total counts live parts only
    again = await net.ok(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=12_000))
    assert again["goods_receipts"][0]["part"] == recorded(20_000, 12_000, 8_000)
    await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000), invoiced=4),
                      rule="goods-receipt-over-invoiced")
    for claim in (second, again):
        await net.ok(core if ended_by == "RejectReceivable" else tier1, ended_by, claim["id"], "wrong invoice")
    assert entry(net) is None
    # released entirely, the receipt may be registered whole, or at another received value
    await net.ok(tier1, "RegisterReceivable", registering(net, RECEIPT))


async def test_ending_a_claim_leaves_a_whole_entry_that_names_another_claim():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, RECEIPT))
    # the entry as another claim would hold it: the claim ending is not the one the registry names
    held = json.dumps({"receipt_key": receipt_key(net), "receivable_id": "R-0000000000000001"}, sort_keys=True)
    net.ledger.state[entry_key(net)] = held.encode()
    await net.ok(tier1, "WithdrawReceivable", first["id"], "registered by mistake")
    assert entry(net) == json.loads(held)


async def test_an_entry_an_earlier_version_wrote_reads_as_a_whole_registration():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    first = await net.ok(tier1, "RegisterReceivable", registering(net, RECEIPT))
    # the bytes an earlier version wrote, which this one writes alike for a receipt registered whole
    assert net.ledger.state[entry_key(net)] == json.dumps({"receipt_key": receipt_key(net),
                                                           "receivable_id": first["id"]}, sort_keys=True).encode()
    message = await net.refused(tier1, "RegisterReceivable", registering(net, part(20_000)),
                                rule="goods-receipt-already-financed")
    assert f"already backs receivable {first['id']} whole" in message
    await net.ok(tier1, "WithdrawReceivable", first["id"], "invoiced in parts instead")
    assert entry(net) is None


async def test_a_retried_part_registration_registers_it_once():
    net = await standard_net()
    tier1 = net.actors["tier1"]
    sent = registering(net, part(20_000), invoiced=5_000)
    first = await net.ok(tier1, "RegisterReceivable", sent, "REQ-1")
    again = await net.ok(tier1, "RegisterReceivable", sent, "REQ-1")
    assert again == first and entry(net)["parts"] == [{"receivable_id": first["id"], "invoiced": 5_000}]
    await net.refused(tier1, "RegisterReceivable", {**sent, "goods_receipts": [part(30_000)]}, "REQ-1",
                      rule="request-id-reused")


async def test_splitting_a_parts_claim_leaves_the_registry_as_it_was():
    net = await standard_net()
    a = net.actors
    r = await net.ok(a["tier1"], "RegisterReceivable", registering(net, part(20_000), invoiced=12_000))
    await net.ok(a["core"], "ConfirmReceivable", r["id"])
    before = entry(net)
    await net.ok(a["tier1"], "TransferReceivable", r["id"], a["tier2"].uscc, "4000")
    assert net.doc(r["id"])["children"] == [f"{r['id']}.1", f"{r['id']}.2"]
    # the parts of a split claim are the root's: the receipt's part is still the root's, as counted
    assert entry(net) == before == {"receipt_key": receipt_key(net), "received": 20_000, "parts": [
        {"receivable_id": r["id"], "invoiced": 12_000}]}
    await net.refused(a["tier1"], "RegisterReceivable", registering(net, part(20_000), invoiced=8_011),
                      rule="goods-receipt-over-invoiced")
    await net.ok(a["tier1"], "RegisterReceivable", registering(net, part(20_000), invoiced=8_000))


async def test_who_may_register_reject_and_withdraw_is_as_before():
    net = await standard_net()
    a = net.actors
    # a core enterprise registers no claim, with a part or without
    await net.refused(a["core"], "RegisterReceivable", registering(net, part(20_000)), rule="role-not-permitted")
    r = await net.ok(a["tier1"], "RegisterReceivable", registering(net, part(20_000), invoiced=5_000))
    # only its debtor rejects it and only its creditor withdraws it: a refused call releases nothing
    await net.refused(a["tier2"], "WithdrawReceivable", r["id"], "not mine", rule="not-the-holder")
    await net.refused(a["core2"], "RejectReceivable", r["id"], "not ours", rule="not-the-debtor")
    assert entry(net)["parts"] == [{"receivable_id": r["id"], "invoiced": 5_000}]


@pytest.mark.parametrize("sent, said", [
    ({"received": 0}, "received is 0"),
    ({"received": -1}, "received is -1"),
    ({"received": 100.0}, "received is 100.0"),
    ({"received": True}, "received is true"),
])
async def test_a_received_value_that_is_no_positive_fen_is_refused_as_the_receipts_shape(sent, said):
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                registering(net, {**RECEIPT, "part": sent}), rule="goods-receipt-invalid")
    assert message.startswith("RULE goods-receipt-invalid: goods_receipts[0]: part: ") and said in message


@pytest.mark.parametrize("sent, said", [({}, "received"), ({"received": 100, "x": 1}, "x")])
async def test_a_part_missing_a_field_or_with_one_more_is_refused_naming_it(sent, said):
    net = await standard_net()
    message = await net.refused(net.actors["tier1"], "RegisterReceivable",
                                registering(net, {**RECEIPT, "part": sent}), rule="argument-invalid")
    assert f"goods_receipts.0.part.{said}" in message
