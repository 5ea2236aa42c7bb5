"""A damaged PDF read through the SDK had pypdf log what it repaired through Python logging, raw bytes and all
("Got invalid hex string: Non-hexadecimal digit found (b'6jE5')"), into the integrator's own logs (stderr, with no
handler set up). The CLI kept them out; the SDK did not. While a PDF is read, pypdf's loggers log nothing now, and
what the reading found still says the file is not sound; the caller's loggers, and pypdf's once the reading ends,
log as before."""

import io
import logging
import re
import zlib

import pytest

from client.invoices import MalformedInput, read_scan

from ._review import SAMPLES

pypdf = pytest.importorskip("pypdf")

PDF = (SAMPLES / "einvoice.pdf").read_bytes()


def with_a_digit_mapped_to_bad_hex() -> bytes:
    """The sample PDF with its font's ToUnicode map giving the glyph of a digit its page draws a destination that is
    no hex string (<6jE5>), which pypdf warns of, reading that glyph as nothing."""
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(PDF))
    font = writer.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    cmap = font["/ToUnicode"].get_object().get_data()
    digit_four = re.search(rb"(<[0-9A-F]{4}>) <0034>\n", cmap).group(0)   # U+0034: the digit 4
    stream = DecodedStreamObject()
    stream.set_data(cmap.replace(digit_four, digit_four[:7] + b"<6jE5>\n"))
    font[NameObject("/ToUnicode")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pypdf_records(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.split(".")[0] == "pypdf"]


def test_pypdfs_warnings_on_a_damaged_pdf_do_not_reach_the_callers_logs(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "scan.pdf"
    path.write_bytes(with_a_digit_mapped_to_bad_hex())
    result = read_scan(path, image_check=False)
    assert pypdf_records(caplog) == []
    # the reading still says the file is not what was issued: its number, missing a digit, is flagged
    assert not result.ok and "number" in result.flagged


def test_nor_do_they_on_a_pdf_refused_as_damaged(tmp_path, caplog):
    """Its page content grown past its cross-reference table: pypdf logs "incorrect startxref pointer" as it
    searches the file for its objects, and then cannot read the page."""
    start = PDF.index(b"4 0 obj")
    data_from = PDF.index(b"stream\n", start) + len(b"stream\n")
    data_to = PDF.index(b"endstream", data_from)
    content = zlib.decompress(PDF[data_from:data_to]).replace(b" Td", b" <6jE5> Td", 1)
    path = tmp_path / "scan.pdf"
    path.write_bytes(PDF[:start] + b"4 0 obj\n<<\n/Length %d\n>>\nstream\n" % len(content) + content
                     + b"\nendstream" + PDF[data_to + len(b"endstream"):])
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MalformedInput, match="cannot read the PDF's pages: the file is damaged or cut short"):
        read_scan(path, image_check=False)
    assert pypdf_records(caplog) == []


def test_pypdfs_logging_and_the_callers_are_as_before_once_the_pdf_is_read(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.setLevel(logging.INFO)
    try:
        path = tmp_path / "scan.pdf"
        path.write_bytes(with_a_digit_mapped_to_bad_hex())
        read_scan(path, image_check=False)
        assert pypdf_logger.level == logging.INFO
        logging.getLogger("pypdf._cmap").warning("pypdf's own, outside a reading")
        logging.getLogger("integrator").warning("the caller's own")
    finally:
        pypdf_logger.setLevel(logging.NOTSET)
    assert [(r.name, r.getMessage()) for r in caplog.records] == [
        ("pypdf._cmap", "pypdf's own, outside a reading"), ("integrator", "the caller's own")]


def test_readings_at_once_share_the_hold_and_the_last_to_end_restores_the_level():
    """Two readings in two threads overlap: the first to end leaves pypdf's logging held for the other."""
    from client.invoices.scan import _pypdf_logging_held

    pypdf_logger = logging.getLogger("pypdf")
    before = pypdf_logger.level
    first, second = _pypdf_logging_held(), _pypdf_logging_held()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert not pypdf_logger.isEnabledFor(logging.CRITICAL)
    second.__exit__(None, None, None)
    assert pypdf_logger.level == before
