"""A registration from a match lists the goods receipt it matched, so one delivery backs one live claim.

Two invoices differing only in their numbers both match one purchase order and goods receipt in full; the
contract refuses the second claim because the first lists the receipt.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from chaincode.receivables import model
from client.invoices import match_invoice, read_goods_receipt, read_purchase_order, registration_from_match
from client.invoices.model import Party
from client.invoices.register import GoodsReceiptReference

from ._samples import invoice
from .test_matching import GR_CSV, PO_CSV, write


def documents(tmp_path):
    return read_purchase_order(write(tmp_path, "po.csv", PO_CSV)), read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))


def test_the_registration_lists_the_order_and_receipt_it_matched(tmp_path):
    po, gr = documents(tmp_path)
    inv = invoice()
    reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    assert reg.goods_receipts == (GoodsReceiptReference(po_number="PO-1", receipt_number="GR-1"),)
    wire = json.loads(reg.wire())
    assert wire["goods_receipts"] == [{"po_number": "PO-1", "receipt_number": "GR-1"}]
    # the contract's own model takes it as sent
    parsed = model.ReceivableRegistration.model_validate_json(reg.wire())
    assert [(g.po_number, g.receipt_number) for g in parsed.goods_receipts] == [("PO-1", "GR-1")]


def test_the_typed_sdk_sends_the_receipts_and_reads_them_back(tmp_path):
    from client.receivables import Receivable, ReceivableRegistration

    po, gr = documents(tmp_path)
    inv = invoice()
    reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    request = ReceivableRegistration.model_validate(json.loads(reg.wire()))   # as recfin invoice register does
    assert [g.receipt_number for g in request.goods_receipts] == ["GR-1"]
    assert request.to_json()["goods_receipts"] == [{"po_number": "PO-1", "receipt_number": "GR-1"}]
    # none listed goes out without the field, as before registrations could list receipts
    assert "goods_receipts" not in request.model_copy(update={"goods_receipts": []}).to_json()
    assert Receivable.model_fields["goods_receipts"].default_factory() == []


async def test_a_second_invoice_for_the_same_delivery_is_refused_by_the_contract(tmp_path):
    from tests.unit.receivables.support import standard_net

    net = await standard_net()
    net.now = datetime(2026, 9, 2, 2, 0, tzinfo=timezone.utc)   # the day after the sample invoices' date
    tier1, core = net.actors["tier1"], net.actors["core"]
    seller, buyer = Party(name="Tier-1 Parts", tax_id=tier1.uscc), Party(name="Core Manufacturing", tax_id=core.uscc)
    po, gr = documents(tmp_path)
    registered = []
    for number in ("26442000000012345678", "26442000000012345679"):
        inv = invoice(number=number, seller=seller, buyer=buyer)
        registered.append(json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr),
                                                             date(2026, 12, 1)).wire()))
    first = await net.ok(tier1, "RegisterReceivable", registered[0])
    assert [(g["po_number"], g["receipt_number"]) for g in first["goods_receipts"]] == [("PO-1", "GR-1")]
    message = await net.refused(tier1, "RegisterReceivable", registered[1], rule="goods-receipt-already-financed")
    assert first["id"] in message
