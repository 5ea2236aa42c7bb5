"""The client refuses, before sending, a PO or receipt number the contract refuses for a character it may not hold
(anything but printable ASCII and CJK ideographs), with the contract's own text: as ``recfin invoice match`` and
``invoice register`` read the ERP's exports, in ``registration_from_match`` and in the SDK's request. A claim an
earlier contract registered with such a character reads, and ``recfin receivable get`` prints the character escaped.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from chaincode.receivables import model
from client.invoices import InvoiceError, invoice_to_json, match_invoice, registration_from_match
from client.invoices.matching import GoodsReceipt, PurchaseOrder, read_goods_receipt, read_purchase_order

from ._ledger import Ledger
from ._samples import SELLER, invoice
from .test_matching import GR_CSV, PO_CSV, write

# (the export changed, the field refused, the character a refusal names)
TWINS = [
    pytest.param("gr", "GR-1,", "GR-1\u200b,", "receipt_number", "U+200B", id="zero width space"),
    pytest.param("gr", "GR-1,", "GR\u20111,", "receipt_number", "U+2011", id="non-breaking hyphen"),
    pytest.param("gr", "GR-1,PO-1", "GR-1,\u0420\u041e-1", "po_number", "U+0420", id="Cyrillic PO reference"),
    pytest.param("po", "PO-1,", "PO-1\ufeff,", "po_number", "U+FEFF", id="BOM in the PO number"),
    pytest.param("po", "PO-1,", "\uff30O-1,", "po_number", "U+FF30", id="full-width letter"),
]


def exports(tmp_path, which: str, old: str, new: str) -> list[str]:
    po = PO_CSV.replace(old, new) if which == "po" else PO_CSV
    gr = GR_CSV.replace(old, new) if which == "gr" else GR_CSV
    return ["--po", str(write(tmp_path, "po.csv", po)), "--receipt", str(write(tmp_path, "gr.csv", gr))]


def invoice_file(tmp_path) -> str:
    return str(write(tmp_path, "invoice.json", json.dumps(invoice_to_json(invoice()), ensure_ascii=False)))


@pytest.mark.parametrize("which, old, new, field, code", TWINS)
def test_match_and_register_refuse_such_a_number_as_they_read_it_saying_which_and_why(
        tmp_path, monkeypatch, which, old, new, field, code):
    from cli.invoice_commands import invoice as invoice_group

    ledger = Ledger().serve(monkeypatch)
    documents = exports(tmp_path, which, old, new)
    for args in (["match", invoice_file(tmp_path), *documents, "--part-of-delivery"],
                 ["register", invoice_file(tmp_path), *documents, "--due", "2026-11-30", "--as", "supplier/supplier1"]):
        r = CliRunner().invoke(invoice_group, args)
        assert r.exit_code == 2, r.output
        assert "Traceback" not in r.output
        [said] = r.output.strip().splitlines()
        assert f"{which}.csv: {field}: {field} " in said and f"holds {code} (" in said
        assert "ASCII letters, digits and punctuation or Chinese characters" in said
    assert ledger.opened == [] and ledger.client("supplier").list_by_holder(SELLER.tax_id).records == []


def test_the_reader_takes_ascii_and_chinese_numbers_as_before(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("PO-1,", "采购 PO/1,")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace("GR-1,PO-1", "入库-1,采购 PO/1")))
    assert (po.number, gr.number, gr.po_number) == ("采购 PO/1", "入库-1", "采购 PO/1")


def test_registration_from_match_refuses_documents_built_with_such_a_number(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    inv = invoice()
    twin = GoodsReceipt(number="GR-1\u2060", po_number=gr.po_number, lines=gr.lines)
    refused = r"receipt_number 'GR-1\\u2060' holds U\+2060 \(WORD JOINER\) at character 5:"
    with pytest.raises(InvoiceError, match=refused):
        registration_from_match(inv, po, twin, match_invoice(inv, po, twin), date(2026, 12, 1))
    cyrillic = PurchaseOrder(number="\u0420O-1", lines=po.lines)
    with pytest.raises(InvoiceError, match=r"po_number '\u0420O-1' holds U\+0420"):
        registration_from_match(inv, cyrillic, gr, match_invoice(inv, cyrillic, gr), date(2026, 12, 1))


def test_the_sdk_refuses_such_a_number_in_a_request_and_reads_it_on_a_stored_claim():
    from client.receivables import GoodsReceipt as StoredReceipt
    from client.receivables import GoodsReceiptReference

    with pytest.raises(ValidationError, match=r"receipt_number 'GR-1\\xad' holds U\+00AD \(SOFT HYPHEN\)"):
        GoodsReceiptReference(po_number="PO-1", receipt_number="GR-1\u00ad")
    assert GoodsReceiptReference(po_number="采购-1", receipt_number="GR 1/2").receipt_number == "GR 1/2"
    stored = StoredReceipt(po_number="PO-1", receipt_number="GR-1\u00ad", receipt_key="k" * 64)
    assert stored.receipt_number == "GR-1\u00ad"


def test_receivable_get_prints_such_a_character_of_a_claim_registered_before_the_rule_escaped(tmp_path, monkeypatch):
    from client import receivables as sdk
    from client.receivables import _models
    from cli import connection
    from cli.main import main

    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    inv = invoice()
    sent = json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1)).wire())
    sent["goods_receipts"] = [{"po_number": "\u0420O-1", "receipt_number": "GR-1\u200b"}]
    ledger = Ledger()
    with monkeypatch.context() as earlier:     # the contract and the SDK before numbers were held to these characters
        for module in (model, _models):
            earlier.setattr(module, "buyer_number_character_problem", lambda value, field: None, raising=False)
        registered = ledger.client("supplier").register_receivable(sdk.ReceivableRegistration.model_validate(sent))

    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        yield SimpleNamespace(client=ledger.client(org), profile=SimpleNamespace(org=org),
                              user=SimpleNamespace(name=user))

    monkeypatch.setattr(connection, "open_session", open_session)
    shown = CliRunner().invoke(main, ["receivable", "get", registered.id, "--as", "coreenterprise/user1"])
    assert shown.exit_code == 0, shown.output
    assert "goods_receipt: PO \\u0420O-1, receipt GR-1\\u200b (whole)" in shown.output.splitlines()
