"""The evidence hash (a registration's contract_hash) as docs/invoices.md says to reproduce it: figures are hashed as
written, so the same receipt with a quantity spelled 200 or 200.0 hashes apart. The ledger's claims carry these
hashes, and the hash carries no version, so the bytes hashed stay what they were."""
import json

import pytest

from client.invoices import evidence_hash, read_goods_receipt, read_purchase_order

from ._samples import invoice
from .test_matching import GR_CSV, PO_CSV, documented_hash, write


# (a quantity with a power of ten, 2E+2, is refused: test_export_powers_of_ten_and_nuls)
@pytest.mark.parametrize("written,hashed", [("200", "200"), ("200.0", "200.0")])
def test_a_quantity_is_hashed_as_written(tmp_path, written, hashed):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    receipt = {"receipt_number": "GR-1", "po_number": "PO-1", "lines": [
        {"line": "1", "item_code": "C0805", "item_name": "贴片电容", "quantity": "QUANTITY"},
        {"line": "2", "item_code": "B-M6", "item_name": "不锈钢螺栓", "quantity": "1000"},
        {"line": "3", "item_code": "SVC-01", "item_name": "软件维护服务费", "quantity": "1"}]}
    text = json.dumps(receipt, ensure_ascii=False).replace('"QUANTITY"', written)  # a JSON number, as written
    gr = read_goods_receipt(write(tmp_path, "gr.json", text))
    assert str(gr.lines[0].quantity) == hashed
    assert evidence_hash(invoice(), po, gr) == documented_hash(invoice(), po, gr)
    as_csv = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    assert (evidence_hash(invoice(), po, gr) == evidence_hash(invoice(), po, as_csv)) is (hashed == "200")


def test_a_thousands_separator_is_not_part_of_the_figure_hashed(tmp_path):
    po = read_purchase_order(write(tmp_path, "po.csv", PO_CSV))
    plain = read_goods_receipt(write(tmp_path, "gr.csv", GR_CSV))
    separated = read_goods_receipt(write(tmp_path, "gr2.csv", GR_CSV.replace(",1000\n", ',"1,000"\n')))
    assert evidence_hash(invoice(), po, separated) == evidence_hash(invoice(), po, plain)
