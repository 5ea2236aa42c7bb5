"""A scan given where an XML or JSON e-invoice is read (verify, match, register, attest) is named as the image it
is and sent to `recfin invoice read`, as a PDF is: a PNG or JPEG was refused as text in no encoding, with the
advice to save it as UTF-8 or name its encoding in an XML declaration."""

import pytest
from click.testing import CliRunner

from cli.invoice_commands import invoice as invoice_group
from client.invoices import parse_invoice
from client.invoices.errors import UnsupportedFormat

IMAGES = {
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00",
    "TIFF": b"II*\x00\x08\x00\x00\x00",
}


@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_an_image_read_as_an_einvoice_is_named_and_sent_to_read(kind):
    with pytest.raises(UnsupportedFormat) as refused:
        parse_invoice(IMAGES[kind], f"scan.{kind.lower()}")
    said = str(refused.value)
    assert f"a {kind} image, not an XML or JSON e-invoice" in said and "recfin invoice read" in said
    assert "utf-8" not in said and "encoding" not in said


def test_verify_of_a_png_exits_2_naming_the_file_and_the_command_that_reads_it(tmp_path):
    scan = tmp_path / "invoice.png"
    scan.write_bytes(IMAGES["PNG"])
    result = CliRunner().invoke(invoice_group, ["verify", str(scan)])
    assert result.exit_code == 2, result.output
    assert str(scan) in result.output and "a PNG image" in result.output and "recfin invoice read" in result.output
