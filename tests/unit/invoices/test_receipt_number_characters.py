"""A PO or receipt number holding a character other than printable ASCII and CJK ideographs goes to the contract as
the ERP's export gives it: ``recfin invoice match`` reads it, ``registration_from_match`` and the SDK send it, and
the contract decides, as only it sees the registry. It takes such a number for a receipt it holds under that very
spelling (registered by an earlier contract, before the rule), counting a further part against that receipt's entry,
and refuses any other (``goods-receipt-invalid``). ``recfin receivable get`` prints such a character escaped, and
any character that does not print.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date

import pytest
from click.testing import CliRunner

from chaincode.receivables import model, tx_registration
from cli.invoice_commands import invoice as invoice_group
from client.invoices import invoice_to_json, match_invoice, registration_from_match
from client.invoices import matching, register
from client.invoices.matching import GoodsReceipt, PurchaseOrder, read_goods_receipt, read_purchase_order
from client.receivables.errors import RuleViolation

from ._ledger import Ledger
from ._samples import SELLER, invoice
from .test_delivery_in_parts import GR_CSV as GR_ONE_ITEM
from .test_delivery_in_parts import PO_CSV as PO_ONE_ITEM
from .test_delivery_in_parts import capacitors
from .test_matching import GR_CSV, PO_CSV, write

FULL_WIDTH = "\uff27\uff32\uff10\uff11\uff10\uff17"     # ＧＲ０１０７, as a Chinese ERP may export it

# (the number in the exports, its spelling here, the field the contract refuses, the character it names)
TWINS = [
    pytest.param("GR-1,", "GR-1\u200b,", "receipt_number", "U+200B", id="zero width space"),
    pytest.param("GR-1,", "GR\u20111,", "receipt_number", "U+2011", id="non-breaking hyphen"),
    pytest.param("PO-1,", "\u0420\u041e-1,", "po_number", "U+0420", id="Cyrillic PO number"),
    pytest.param("PO-1,", "PO-1\ufeff,", "po_number", "U+FEFF", id="BOM in the PO number"),
    pytest.param("PO-1,", "\uff30O-1,", "po_number", "U+FF30", id="full-width letter"),
]


@contextmanager
def before_the_rule(monkeypatch):
    """The contract, and a client, before numbers were held to these characters: each module that checked them, by
    this name."""
    with monkeypatch.context() as earlier:
        from client.receivables import _models

        for module in (model, tx_registration, _models, matching, register):
            earlier.setattr(module, "buyer_number_character_problem", lambda value, field: None, raising=False)
        yield


def invoice_file(tmp_path, inv=None) -> str:
    inv = inv or invoice()
    return str(write(tmp_path, f"{inv.number}.json", json.dumps(invoice_to_json(inv), ensure_ascii=False)))


def run(*args: str):
    result = CliRunner().invoke(invoice_group, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("old, new, field, code", TWINS)
def test_match_reads_such_a_number_and_register_sends_it_for_the_contract_to_refuse(
        tmp_path, monkeypatch, old, new, field, code):
    ledger = Ledger().serve(monkeypatch)
    documents = ["--po", str(write(tmp_path, "po.csv", PO_CSV.replace(old, new))),
                 "--receipt", str(write(tmp_path, "gr.csv", GR_CSV.replace(old, new)))]
    matched = run("match", invoice_file(tmp_path), *documents, "--part-of-delivery")
    assert matched.exit_code == 0, matched.output
    refused = run("register", invoice_file(tmp_path), *documents, "--due", "2026-11-30", "--as", "supplier/supplier1")
    assert refused.exit_code == 1, refused.output
    [said] = refused.output.strip().splitlines()
    number = new.rstrip(",")
    assert (f"RULE goods-receipt-invalid: goods_receipts[0]: {field} {ascii(number)} holds {code} at character "
            in said)
    assert "ASCII letters, digits and punctuation or Chinese characters" in said
    assert ledger.client("supplier").list_by_holder(SELLER.tax_id).records == []


def test_the_reader_takes_ascii_and_chinese_numbers_as_before(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV.replace("PO-1,", "采购 PO/1,")))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV.replace("GR-1,PO-1", "入库〇一,采购 PO/1")))
    assert (po.number, gr.number, gr.po_number) == ("采购 PO/1", "入库〇一", "采购 PO/1")


def test_registration_from_match_sends_such_numbers_as_the_documents_give_them(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    inv = invoice()
    twin = GoodsReceipt(number="GR-1\u2060", po_number="\u0420O-1", lines=gr.lines)
    cyrillic = PurchaseOrder(number="\u0420O-1", lines=po.lines)
    sent = json.loads(registration_from_match(inv, cyrillic, twin, match_invoice(inv, cyrillic, twin),
                                              date(2026, 12, 1)).wire())
    assert sent["goods_receipts"] == [{"po_number": "\u0420O-1", "receipt_number": "GR-1\u2060"}]


def test_the_sdk_sends_such_a_number_for_the_contract_to_decide_and_reads_it_on_a_stored_claim(tmp_path):
    from client import receivables as sdk
    from client.receivables import GoodsReceipt as StoredReceipt
    from client.receivables import GoodsReceiptReference

    assert GoodsReceiptReference(po_number="PO-1", receipt_number="GR-1\u00ad").receipt_number == "GR-1\u00ad"
    stored = StoredReceipt(po_number="PO-1", receipt_number="GR-1\u00ad", receipt_key="k" * 64)
    assert stored.receipt_number == "GR-1\u00ad"
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    inv = invoice()
    sent = json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1)).wire())
    supplier = Ledger().client("supplier")
    # the contract's refusal, one text on every client: a new number with such a character
    sent["goods_receipts"] = [{"po_number": "PO-1", "receipt_number": "GR-1\u00ad"}]
    with pytest.raises(sdk.RuleViolation) as refused:
        supplier.register_receivable(sdk.ReceivableRegistration.model_validate(sent))
    assert refused.value.rule == "goods-receipt-invalid"
    assert "receipt_number 'GR-1\\xad' holds U+00AD at character 5: " in refused.value.detail
    # a tab, which the contract refuses whatever its registry holds (one line): in its words, before it is sent
    sent["goods_receipts"] = [{"po_number": "PO-1", "receipt_number": "GR\t1"}]
    with pytest.raises(ValueError, match=r"^RegisterReceivable would be refused: RULE argument-invalid: "
                                         r"goods_receipts\[0\]: receipt_number holds '\\t' \(U\+0009"):
        supplier.register_receivable(sdk.ReceivableRegistration.model_validate(sent))
    assert supplier.list_by_holder(SELLER.tax_id).records == []


def test_a_further_part_of_a_delivery_registered_before_the_rule_registers_against_its_entry(tmp_path, monkeypatch):
    ledger = Ledger().serve(monkeypatch)
    # the supplier's ERP exports the receipt number full-width, as the receipt registered in parts before the rule
    documents = ["--po", str(write(tmp_path, "po.csv", PO_ONE_ITEM)),
                 "--receipt", str(write(tmp_path, "gr.csv", GR_ONE_ITEM.replace("GR-1,", FULL_WIDTH + ",")))]
    due = ["--due", "2026-11-30", "--as", "supplier/supplier1", "--part-of-delivery", "--json"]
    with before_the_rule(monkeypatch):
        first = run("register", invoice_file(tmp_path, capacitors("120", "26442000000012345671")), *documents, *due)
    assert first.exit_code == 0, first.output
    second = run("register", invoice_file(tmp_path, capacitors("60", "26442000000012345672")), *documents, *due)
    assert second.exit_code == 0, second.output
    [before, after] = [json.loads(r.stdout)["goods_receipts"][0] for r in (first, second)]
    assert after["receipt_number"] == FULL_WIDTH and after["receipt_key"] == before["receipt_key"]
    assert after["part"] == {"received": 30_000, "invoiced": 9_000, "invoiced_before": 18_000}
    # 180 of 200 received invoiced: 40 more would be past the receipt, under its one key
    past = run("register", invoice_file(tmp_path, capacitors("40", "26442000000012345673")), *documents, *due)
    assert past.exit_code == 1 and "RULE goods-receipt-over-invoiced" in past.output
    assert len(ledger.client("supplier").list_by_holder(SELLER.tax_id).records) == 2


@pytest.fixture
def receivable_get(monkeypatch):
    """``recfin receivable get`` on a ledger, as the debtor: the lines it prints."""
    from cli.main import main

    ledger = Ledger().serve(monkeypatch)

    def shown(receivable_id: str) -> list[str]:
        r = CliRunner().invoke(main, ["receivable", "get", receivable_id, "--as", "coreenterprise/user1"])
        assert r.exit_code == 0, r.output
        return r.output.splitlines()

    return ledger, shown


def registration_with(tmp_path, po_number: str, receipt_number: str):
    from client import receivables as sdk

    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    gr = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    inv = invoice()
    sent = json.loads(registration_from_match(inv, po, gr, match_invoice(inv, po, gr), date(2026, 12, 1)).wire())
    sent["goods_receipts"] = [{"po_number": po_number, "receipt_number": receipt_number}]
    return sdk.ReceivableRegistration.model_validate(sent)


def test_receivable_get_prints_such_a_character_of_a_claim_registered_before_the_rule_escaped(
        tmp_path, monkeypatch, receivable_get):
    ledger, shown = receivable_get
    with before_the_rule(monkeypatch):
        registered = ledger.client("supplier").register_receivable(registration_with(tmp_path, "\u0420O-1",
                                                                                     "GR-1\u200b"))
    assert "goods_receipt: PO \\u0420O-1, receipt GR-1\\u200b (whole)" in shown(registered.id)


def test_a_code_point_unassigned_in_a_cjk_block_is_refused_and_shown_escaped(tmp_path, receivable_get):
    # U+2EE5E lies in Extension I's block but is assigned to no character: Python prints it as nothing, so a
    # number holding it would read as one without it; the contract refuses it, and a display escapes it
    assert not "\U0002ee5e".isprintable()
    assert model.buyer_number_as_shown("入库\U0002ee5e-1") == "入库\\U0002ee5e-1"
    ledger, _ = receivable_get
    with pytest.raises(RuleViolation, match="holds U[+]2EE5E at character 3"):
        ledger.client("supplier").register_receivable(registration_with(tmp_path, "PO-1", "入库\U0002ee5e-1"))