"""A gzip-compressed file (an e-invoice, an ERP export or a reference provider's file sent as .gz) is refused as
one, saying to decompress it: its bytes, valid text in no encoding, were refused as not UTF-8 with advice to save
the file as UTF-8 (iconv -f GBK), which does not help."""

import gzip
from pathlib import Path

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import (ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier,
                             UnsupportedFormat, parse_invoice, read_invoice)
from client.invoices.matching import read_goods_receipt, read_purchase_order

from ..cli_errors import invoke
from .test_bad_input import SAMPLES, one_error_line

GZIP_ADVICE = "a gzip-compressed file: decompress it first (gunzip)"


def compressed(tmp_path: Path, sample: str) -> Path:
    path = tmp_path / f"{sample}.gz"
    path.write_bytes(gzip.compress((SAMPLES / sample).read_bytes()))
    return path


@pytest.mark.parametrize("sample", ["einvoice.xml", "einvoice.json"])
def test_a_compressed_invoice_is_refused_saying_to_decompress_it(tmp_path, sample):
    path = compressed(tmp_path, sample)
    with pytest.raises(UnsupportedFormat) as refused:
        read_invoice(path)
    assert GZIP_ADVICE in str(refused.value) and "UTF-8" not in str(refused.value)
    with pytest.raises(UnsupportedFormat, match="gzip-compressed"):
        parse_invoice(path.read_bytes(), source="inv.xml.gz")


def test_invoice_verify_of_a_compressed_invoice_says_to_decompress_it(tmp_path):
    result = invoke(invoice_group, "verify", compressed(tmp_path, "einvoice.xml"))
    assert result.exit_code == 2
    line = one_error_line(result)
    assert GZIP_ADVICE in line and "iconv" not in line


@pytest.mark.parametrize("reader,sample", [(read_purchase_order, "purchase_order.csv"),
                                           (read_goods_receipt, "goods_receipt.csv"),
                                           (read_goods_receipt, "goods_receipt.json")])
def test_a_compressed_export_is_refused_saying_to_decompress_it(tmp_path, reader, sample):
    with pytest.raises(UnsupportedFormat) as refused:
        reader(compressed(tmp_path, sample))
    assert GZIP_ADVICE in str(refused.value) and "iconv" not in str(refused.value)


@pytest.mark.parametrize("option", ["--po", "--receipt"])
def test_invoice_match_of_a_compressed_order_or_receipt_says_to_decompress_it(tmp_path, option):
    given = {"--po": SAMPLES / "purchase_order.csv", "--receipt": SAMPLES / "goods_receipt.csv"}
    given[option] = compressed(tmp_path, given[option].name)
    result = invoke(invoice_group, "match", SAMPLES / "einvoice.xml", "--po", given["--po"],
                    "--receipt", given["--receipt"])
    assert result.exit_code == 2
    line = one_error_line(result)
    assert GZIP_ADVICE in line and str(given[option]) in line and "iconv" not in line


@pytest.mark.parametrize("provider,name", [(ReferenceTaxInvoiceVerifier, "tax_invoices.json"),
                                           (ReferenceBusinessRegistry, "business_registry.csv"),
                                           (ReferenceCreditBureau, "credit_bureau.json")])
def test_a_compressed_reference_file_is_refused_saying_to_decompress_it(tmp_path, provider, name):
    path = tmp_path / f"{name}.gz"
    path.write_bytes(gzip.compress((SAMPLES.parent / name).read_bytes()))
    with pytest.raises(UnsupportedFormat) as refused:
        provider(path)
    assert str(refused.value) == f"{path}: {GZIP_ADVICE}"
