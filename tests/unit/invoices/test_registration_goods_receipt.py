"""A registration from a match lists the goods receipt it matched, so one delivery backs one live claim.

Two invoices differing only in their numbers both match one purchase order and goods receipt in full; the
contract refuses the second claim because the first lists the receipt.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from chaincode.receivables import model
from chaincode.receivables.fingerprint import goods_receipt_key
from client.invoices import match_invoice, read_goods_receipt, read_purchase_order, registration_from_match
from client.invoices.model import Party
from client.invoices.register import GoodsReceiptReference, predates_goods_receipts

from ._ledger import Ledger
from ._samples import SELLER, invoice
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
    from client.receivables import GoodsReceipt, ReceivableRegistration

    po, gr = documents(tmp_path)
    inv = invoice()
    reg = registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1))
    request = ReceivableRegistration.model_validate(json.loads(reg.wire()))   # as recfin invoice register does
    assert [g.receipt_number for g in request.goods_receipts] == ["GR-1"]
    assert request.to_json()["goods_receipts"] == [{"po_number": "PO-1", "receipt_number": "GR-1"}]
    # none listed goes out without the field, as before registrations could list receipts
    assert "goods_receipts" not in request.model_copy(update={"goods_receipts": []}).to_json()
    # the contract's record, as the SDK reads it: the answer to the registration, and the claim read again
    supplier = Ledger().client("supplier")
    registered = supplier.register_receivable(request)
    listed = [GoodsReceipt(po_number="PO-1", receipt_number="GR-1",
                           receipt_key=goods_receipt_key(inv.buyer.tax_id, "PO-1", "GR-1"))]
    assert registered.goods_receipts == listed
    assert supplier.get_receivable(registered.id).goods_receipts == listed


def test_the_sdk_reads_a_claim_of_a_contract_from_before_receipts_as_listing_none():
    from client.receivables import ReceivablesClient

    from ..receivables_client import fakes

    older = fakes.receivable_before_goods_receipts()
    read = ReceivablesClient(fakes.FakeContract(responses={"GetReceivable": older})).get_receivable(older["id"])
    assert read.goods_receipts == [] and read.to_json() == {**older, "goods_receipts": []}


@pytest.mark.parametrize("options", [{"include": {"debtor", "goods_receipts"}}, {"include": {"debtor"}},
                                     {"exclude": {"goods_receipts"}}, {"exclude_unset": True},
                                     {"exclude_defaults": True}])
def test_a_registration_dumps_with_any_field_selection(tmp_path, options):
    from client.receivables import ReceivableRegistration

    po, gr = documents(tmp_path)
    inv = invoice()
    listed = json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1)).wire())
    for sent in (listed, {**listed, "goods_receipts": []}, {k: v for k, v in listed.items() if k != "goods_receipts"}):
        request = ReceivableRegistration.model_validate(sent)
        dumped = request.model_dump(mode="json", **options)
        assert "debtor" in dumped and set(dumped) <= set(request.model_dump(mode="json"))
        # the receipts go out wherever the selection keeps them and there are any
        keeps = "goods_receipts" in options.get("include", {"goods_receipts"}) and not options.get("exclude") \
            and sent.get("goods_receipts")
        assert dumped.get("goods_receipts") == (sent["goods_receipts"] if keeps else None)


def test_register_on_a_chaincode_from_before_the_registry_says_to_upgrade_it_and_registers_nothing(monkeypatch):
    from click.testing import CliRunner
    from pydantic import create_model

    from chaincode.receivables import tx_registration
    from cli.invoice_commands import invoice as invoice_group

    # the contract's registration as it was before it took goods receipts: a field it does not know is refused
    before = create_model("ReceivableRegistration", __base__=model.Doc, **{
        name: (f.annotation, f) for name, f in model.ReceivableRegistration.model_fields.items()
        if name != "goods_receipts"})
    monkeypatch.setattr(tx_registration, "ReceivableRegistration", before)
    ledger = Ledger().serve(monkeypatch)
    samples = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples"
    r = CliRunner().invoke(invoice_group, [
        "register", str(samples / "einvoice.xml"), "--po", str(samples / "purchase_order.csv"),
        "--receipt", str(samples / "goods_receipt.csv"), "--due", "2026-11-30", "--as", "supplier/supplier1"])
    assert r.exit_code == 1, r.output
    [line] = r.output.strip().splitlines()
    assert "RULE argument-invalid: receivable: goods_receipts: Extra inputs are not permitted" in line
    assert "predates the goods receipt registry" in line and "`recfin chaincode deploy`" in line
    assert ledger.client("supplier").list_by_holder(SELLER.tax_id).records == []


@pytest.mark.parametrize("rule, detail, predates", [
    ("argument-invalid", "receivable: goods_receipts: Extra inputs are not permitted", True),
    ("argument-invalid", "receivable: face_amount: Field required; goods_receipts: Extra inputs are not permitted",
     True),
    # this version's refusal of a malformed entry, and other refusals, are not an older contract's
    ("argument-invalid", "receivable: goods_receipts.0.line: Extra inputs are not permitted", False),
    ("argument-invalid", "receivable: extra_goods_receipts: Extra inputs are not permitted", False),
    ("goods-receipt-invalid", "goods_receipts[0]: po_number is empty: send the buyer's purchase order number", False),
])
def test_only_an_older_contracts_refusal_of_the_field_is_told_to_upgrade(rule, detail, predates):
    assert predates_goods_receipts(rule, detail) is predates


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
