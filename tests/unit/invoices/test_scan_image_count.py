"""How many images of a PDF OCR takes on: each is read on its own, however small, so a PDF with more than
MAX_OCR_IMAGES in all (a page drawing thousands of tiny pictures) is refused before any image is decoded."""
import io

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr, scan

from .test_scan_page_limits import PAGES_A_FILE_MAY_HAVE, _images_decoded, _no_page_read

pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
pytest.importorskip("pypdf", reason="pypdf reads PDFs")

IMAGES_A_FILE_MAY_HAVE = 4 * PAGES_A_FILE_MAY_HAVE   # as docs/invoices.md says


def _pdf_of_tiny_images(per_page: list[int]) -> bytes:
    """A PDF whose pages draw, side by side, as many white 2 x 2 grey images of their own as ``per_page`` says."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    for count in per_page:
        page = writer.add_blank_page(595, 842)
        images = DictionaryObject()
        drawing = []
        for number in range(count):
            image = DecodedStreamObject()
            image.set_data(bytes([255]) * 4)
            image.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Image"),
                          NameObject("/Width"): NumberObject(2), NameObject("/Height"): NumberObject(2),
                          NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                          NameObject("/BitsPerComponent"): NumberObject(8)})
            images[NameObject(f"/Im{number}")] = writer._add_object(image)
            drawing.append(f"q 2 0 0 2 {2 * (number % 290)} {2 * (number // 290)} cm /Im{number} Do Q")
        contents = DecodedStreamObject()
        contents.set_data("\n".join(drawing).encode())
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): images})
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(contents)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("per_page", [[IMAGES_A_FILE_MAY_HAVE + 1], [IMAGES_A_FILE_MAY_HAVE // 2 + 1,
                                                                      IMAGES_A_FILE_MAY_HAVE // 2]],
                         ids=["one page", "two pages"])
def test_a_pdf_of_more_images_than_a_file_may_have_is_refused_before_any_is_decoded(tmp_path, monkeypatch,
                                                                                     per_page):
    path = tmp_path / "tiny-images.pdf"
    path.write_bytes(_pdf_of_tiny_images(per_page))
    _no_page_read(monkeypatch)
    decoded = _images_decoded(monkeypatch)   # as read_scan decodes, not as the PDF above was made
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: the PDF has {IMAGES_A_FILE_MAY_HAVE + 1} images to read by OCR, more than the "
        f"{IMAGES_A_FILE_MAY_HAVE} a file may have: a scanned page is one image or a few, and each is read on its "
        "own; ask the sender for the invoice's XML or a PDF of its text, or print it and scan it to a PDF of one "
        "image a page")
    assert decoded == []


def test_a_pdf_of_as_many_images_as_a_file_may_have_is_taken_on(monkeypatch):
    from pypdf import PdfReader
    decoded = _images_decoded(monkeypatch)
    pdf = _pdf_of_tiny_images([IMAGES_A_FILE_MAY_HAVE - 1, 1])
    images = scan._pdf_images(PdfReader(io.BytesIO(pdf)), "tiny-images.pdf")
    assert [page for page, _ in images] == [0] * (IMAGES_A_FILE_MAY_HAVE - 1) + [1]
    assert len(decoded) == IMAGES_A_FILE_MAY_HAVE
    assert _ocr.MAX_OCR_IMAGES == IMAGES_A_FILE_MAY_HAVE
