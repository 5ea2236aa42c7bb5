"""An order's or a receipt's export is read only up to MAX_EXPORT_BYTES (8 MiB): read, a CSV's rows take some
40 times the file's size in memory, and the 1 GiB any file a person hands the tools may be would fill it. The
SDK refuses a larger file having read no more than that; the CLI names --po or --receipt before reading it."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, read_goods_receipt, read_purchase_order
from client.invoices.matching import MAX_EXPORT_BYTES

from ._samples import einvoice_xml, invoice
from .test_matching import write

RECEIPT = {"receipt_number": "GR-1", "po_number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": "200"}]}
ORDER_CSV = "po_number,item_name,quantity,unit_price\nPO-1,贴片电容,200,1.50\n"


def _padded(tmp_path, name: str, size: int):
    """A goods receipt's JSON export, padded to ``size`` bytes with trailing spaces, which JSON reads past."""
    text = json.dumps(RECEIPT, ensure_ascii=False)
    path = write(tmp_path, name, text)
    with open(path, "ab") as f:
        f.write(b" " * (size - len(text.encode())))
    return path


def test_an_export_of_the_bound_is_read_and_one_byte_more_is_refused(tmp_path):
    assert read_goods_receipt(_padded(tmp_path, "gr.json", MAX_EXPORT_BYTES)).number == "GR-1"
    with pytest.raises(MalformedInput) as err:
        read_goods_receipt(_padded(tmp_path, "big.json", MAX_EXPORT_BYTES + 1))
    assert err.value.problem.startswith("over 8 MiB, far larger than such a file could be")


@pytest.mark.parametrize("option", ["--po", "--receipt"])
@pytest.mark.parametrize("command", [["match"],
                                     ["register", "--due", "2026-11-30", "--as", "supplier/supplier1"]])
def test_the_cli_refuses_an_export_over_the_bound_naming_the_option(tmp_path, command, option):
    inv = write(tmp_path, "inv.xml", einvoice_xml(invoice()))
    po = write(tmp_path, "po.csv", ORDER_CSV)
    gr = write(tmp_path, "gr.json", json.dumps(RECEIPT, ensure_ascii=False))
    big = tmp_path / "big.csv"
    with open(big, "wb") as sparse:
        sparse.truncate(MAX_EXPORT_BYTES + 1)
    files = {"--po": po, "--receipt": gr, option: big}
    r = CliRunner().invoke(invoice_group, [*command, str(inv), "--po", str(files["--po"]),
                                           "--receipt", str(files["--receipt"])])
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '{option}'" in r.output and "over 8 MiB" in r.output


def test_an_order_within_the_bound_is_read(tmp_path):
    assert read_purchase_order(write(tmp_path, "po.csv", ORDER_CSV)).number == "PO-1"
