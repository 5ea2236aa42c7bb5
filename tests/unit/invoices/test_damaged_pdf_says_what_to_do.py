"""A PDF refused as damaged (cut short, or a page stream in a filter no reader knows) said only pypdf's words ("not a
readable PDF: Stream has ended unexpectedly"), leaving its reader to guess what to do. Each says what to do."""

import pytest

from client.invoices import MalformedInput, read_scan

from ._review import SAMPLES

PDF = (SAMPLES / "einvoice.pdf").read_bytes()
DOWNLOAD_AGAIN = "check the file, or download it again from where it was issued"


def refusal(tmp_path, data: bytes) -> str:
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path, image_check=False)
    return str(refused.value).removeprefix(f"{path}: ")


def test_a_pdf_cut_short_is_refused_saying_to_download_it_again(tmp_path):
    message = refusal(tmp_path, b"%PDF-1.4\nthe rest is missing\n")
    assert message.startswith("not a readable PDF: ") and message.endswith(f"; {DOWNLOAD_AGAIN}")


def test_a_pdf_whose_page_cannot_be_read_is_refused_saying_to_download_it_again(tmp_path):
    # the first stream is the page's content
    message = refusal(tmp_path, PDF.replace(b"/FlateDecode", b"/NoSuchDecode", 1))
    assert message == f"cannot read the PDF's pages: Unsupported filter /NoSuchDecode; {DOWNLOAD_AGAIN}"


def page_content_with(extra: bytes) -> bytes:
    """The sample PDF with its page content (object 4) written out uncompressed, ``extra`` put before its first
    text position: an operator no PDF has, which pypdf refuses quoting the raw bytes around it."""
    import zlib

    start = PDF.index(b"4 0 obj")
    data_from = PDF.index(b"stream\n", start) + len(b"stream\n")
    data_to = PDF.index(b"endstream", data_from)
    content = zlib.decompress(PDF[data_from:data_to]).replace(b" Td", b" " + extra + b" Td", 1)
    return (PDF[:start] + b"4 0 obj\n<<\n/Length %d\n>>\nstream\n" % len(content) + content + b"\nendstream"
            + PDF[data_to + len(b"endstream"):])


DAMAGED = f"the file is damaged or cut short; {DOWNLOAD_AGAIN}"


def test_a_page_holding_raw_bytes_is_refused_without_them(tmp_path):
    # said in pypdf's words: "Invalid Elementary Object starting with b'\x14' @375: b'.\x00/\x000\x001) T; ..."
    assert refusal(tmp_path, page_content_with(b"\x14")) == f"cannot read the PDF's pages: {DAMAGED}"


def test_an_object_in_a_loop_is_refused_without_its_repr(tmp_path):
    # a stream whose length is the stream itself: "Detected loop with self reference for IndirectObject(7, 0,
    # 140333773158352).", a memory address the next run does not repeat
    assert refusal(tmp_path, PDF.replace(b"/Length 2211", b"/Length 7 0 R", 1)) == (
        f"cannot read the PDF's pages: {DAMAGED}")


@pytest.mark.parametrize("words, kept", [
    ("Stream has ended unexpectedly", "Stream has ended unexpectedly"),
    ("Invalid object in /Pages.", "Invalid object in /Pages"),
    ("Invalid hexadecimal character b'=' in hex string", None),
    ("Invalid Elementary Object starting with b'\\x14' @375: b'.\\x00/'", None),
    ("Detected loop with self reference for IndirectObject(7, 0, 140333773158352).", None),
    ("two\nlines", None),
    ("x" * 200, None),
])
def test_pypdfs_words_are_kept_where_they_are_a_sentence(words, kept):
    from pypdf.errors import PdfReadError

    from client.invoices.scan import _pypdf_words

    assert _pypdf_words(PdfReadError(words)) == kept


def test_python_errors_from_inside_pypdf_are_not_shown_as_its_words():
    from client.invoices.scan import _pypdf_words

    assert _pypdf_words(AttributeError("'NoneType' object has no attribute 'get_object'")) is None


def pdf_drawing_one_image(image_dictionary: bytes, image_data: bytes) -> bytes:
    """A one-page PDF drawing one image over its page, and nothing else (no text layer)."""
    content = b"q 600 0 0 800 0 0 cm /Im0 Do Q"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources << /XObject << /Im0 5 0 R >> >> "
               b"/Contents 4 0 R >>",
               b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
               image_dictionary + b"\nstream\n" + image_data + b"\nendstream"]
    pdf, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return pdf + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def test_a_page_image_that_cannot_be_taken_out_says_what_to_do(tmp_path):
    # compressed data that is no zlib stream: said in pypdf's words alone, with nothing to do
    garbage = b"\x00garbage-not-zlib" * 10
    image = (b"<< /Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray /BitsPerComponent 8 "
             b"/Filter /FlateDecode /Length %d >>" % len(garbage))
    message = refusal(tmp_path, pdf_drawing_one_image(image, garbage))
    assert message.startswith("cannot take the page images out of the PDF: ") and message.endswith(f"; {DOWNLOAD_AGAIN}")
