"""How many pixels of a PDF's images OCR takes on in all: each image is decoded whole before it is scaled down to
a page's most, so a few huge images (four blank 8000 x 8000 ones took 42 s) are refused, by their /Width and
/Height, before any is decoded."""
import io
import zlib

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr, scan

from .test_scan_page_limits import _images_decoded, _no_page_read

pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
pytest.importorskip("pypdf", reason="pypdf reads PDFs")

PIXELS_A_FILE_MAY_HAVE = 240_000_000  # as docs/invoices.md says


def _pdf_of_blank_images(sizes: list[list[tuple[int, int]]]) -> bytes:
    """A PDF whose pages draw white one-bit images of these sizes (width, height), a list a page, compressed: a
    few KB whatever their size."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject

    writer = PdfWriter()
    for page_sizes in sizes:
        page = writer.add_blank_page(595, 842)
        images = DictionaryObject()
        drawing = []
        for number, (width, height) in enumerate(page_sizes):
            image = StreamObject()
            image._data = zlib.compress(b"\xff" * ((width + 7) // 8) * height, 9)
            image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                          NameObject("/Width"): NumberObject(width), NameObject("/Height"): NumberObject(height),
                          NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                          NameObject("/BitsPerComponent"): NumberObject(1),
                          NameObject("/Filter"): NameObject("/FlateDecode")})
            images[NameObject(f"/Im{number}")] = writer._add_object(image)
            drawing.append(f"q 100 0 0 100 {110 * number} 0 cm /Im{number} Do Q")
        contents = StreamObject()
        contents._data = "\n".join(drawing).encode()
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): images})
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(contents)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("sizes", [[[(8000, 8000)] * 4], [[(8000, 8000)] * 2, [(8000, 8000)] * 2],
                                   [[(15_000, 16_000)], [(100, 100)]]],
                         ids=["four on a page", "two pages of two", "one huge and one small"])
def test_a_pdf_of_more_pixels_than_a_file_may_have_is_refused_before_any_is_decoded(tmp_path, monkeypatch, sizes):
    path = tmp_path / "huge-images.pdf"
    path.write_bytes(_pdf_of_blank_images(sizes))
    _no_page_read(monkeypatch)
    decoded = _images_decoded(monkeypatch)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    pixels = sum(width * height for page in sizes for width, height in page)
    assert str(refused.value) == (
        f"{path}: the PDF's images have {pixels:,} pixels to read by OCR in all, more than the "
        f"{PIXELS_A_FILE_MAY_HAVE:,} a file may have: a page scanned at 300 dpi has some 9 million; split the file "
        "into one file per invoice, scan it at 300 dpi, or ask the sender for the invoice's XML or a PDF of its text")
    assert decoded == []
    assert _ocr.MAX_OCR_PIXELS == PIXELS_A_FILE_MAY_HAVE


def test_images_of_as_many_pixels_as_a_file_may_have_are_taken_on(monkeypatch):
    from pypdf import PdfReader
    # a budget of 30,000 pixels here, as three 100 x 100 images have: all three decoded
    monkeypatch.setattr(scan, "MAX_OCR_PIXELS", 30_000)
    decoded = _images_decoded(monkeypatch)
    pdf = _pdf_of_blank_images([[(100, 100), (100, 100)], [(100, 100)]])
    images = scan._pdf_images(PdfReader(io.BytesIO(pdf)), "small-images.pdf")
    assert [page for page, _ in images] == [0, 0, 1] and len(decoded) == 3
    # one pixel more is refused
    pdf = _pdf_of_blank_images([[(100, 100), (100, 100)], [(100, 100), (1, 1)]])
    with pytest.raises(MalformedInput, match="30,001 pixels"):
        scan._pdf_images(PdfReader(io.BytesIO(pdf)), "small-images.pdf")


def test_an_image_drawn_on_several_pages_counts_on_each(monkeypatch):
    from pypdf import PdfReader
    monkeypatch.setattr(scan, "MAX_OCR_PIXELS", 15_000)
    pdf = _pdf_of_blank_images([[(100, 100)]])
    reader = PdfReader(io.BytesIO(pdf))
    shared = reader.pages[0]
    # the same page object twice: its one image is read by OCR once for each page
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_page(shared)
    writer.add_page(shared)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(MalformedInput, match="20,000 pixels"):
        scan._pdf_images(PdfReader(io.BytesIO(out.getvalue())), "shared.pdf")
