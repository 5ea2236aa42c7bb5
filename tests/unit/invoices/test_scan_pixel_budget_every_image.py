"""The pixels OCR takes on of a file count every image it reads, against one budget for the file
(``_ocr.MAX_OCR_PIXELS``): an image's frames (a multi-frame TIFF, each frame within Pillow's own limit of one
image), and a PDF's images drawn inline (``BI`` ... ``ID`` ... ``EI``), which listing a page's images decodes,
besides its image objects; each refused before any of them is decoded. An image whose PDF says it is smaller
than it is counts as its own header says, before it is decoded."""
import io
import zlib
from types import SimpleNamespace

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr, scan

from .test_scan_large_images import _converted_to_grey
from .test_scan_page_limits import _images_decoded, _no_page_read
from .test_scan_pixel_budget import PIXELS_A_FILE_MAY_HAVE

Image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
pytest.importorskip("pypdf", reason="pypdf reads PDFs")

TO_DO = ("a page scanned at 300 dpi has some 9 million; split the file into one file per invoice, scan it "
         "at 300 dpi, or ask the sender for the invoice's XML or a PDF of its text")


def _tiff(sizes: list[tuple[int, int]]) -> bytes:
    """A TIFF of blank 1-bit group 4 frames of these sizes (width, height): a few KB whatever their size."""
    frames = [Image.new("1", size, 1) for size in sizes]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return out.getvalue()


def _pdf_of_inline_images(sizes: list[list[tuple[int, int]]]) -> bytes:
    """A PDF whose pages draw white 1-bit images of these sizes (width, height) inline, a list a page,
    compressed and written in hex (no binary in the content): a few KB whatever their size."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    writer = PdfWriter()
    for page_sizes in sizes:
        page = writer.add_blank_page(595, 842)
        drawing = []
        for number, (width, height) in enumerate(page_sizes):
            data = zlib.compress(b"\xff" * ((width + 7) // 8) * height, 9).hex().encode() + b">"
            drawing.append(b"q 2 0 0 2 %d %d cm BI /W %d /H %d /CS /G /BPC 1 /F [/AHx /Fl] ID %s EI Q"
                           % (2 * (number % 290), 2 * (number // 290), width, height, data))
        contents = DecodedStreamObject()
        contents.set_data(b"\n".join(drawing))
        page[NameObject("/Contents")] = ArrayObject([writer._add_object(contents)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_image_of_more_pixels_in_its_frames_than_a_file_may_have_is_refused_before_any_is_decoded(
        tmp_path, monkeypatch):
    # seven frames of 6300 x 6300 (a page at 900 dpi), each well within Pillow's limit of one image
    sizes = [(6300, 6300)] * 7
    path = tmp_path / "scan.tif"
    path.write_bytes(_tiff(sizes))
    _no_page_read(monkeypatch)
    decoded = _converted_to_grey(monkeypatch)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: the image's 7 frames have {7 * 6300 * 6300:,} pixels to read by OCR in all, more than the "
        f"{PIXELS_A_FILE_MAY_HAVE:,} a file may have: {TO_DO}")
    assert decoded == []


def test_frames_of_as_many_pixels_as_a_file_may_have_are_taken_on(monkeypatch):
    # a budget of 14,400 pixels here, as three 60 x 80 frames have: counted, and one pixel more refused
    monkeypatch.setattr(_ocr, "MAX_OCR_PIXELS", 3 * 60 * 80)
    assert _ocr.load_pages(_tiff([(60, 80)] * 3), "scan.tif").pixels == 14_400
    with pytest.raises(MalformedInput, match="the image's 4 frames have 14,401 pixels"):
        _ocr.load_pages(_tiff([(60, 80)] * 3 + [(1, 1)]), "scan.tif")


@pytest.mark.parametrize("sizes", [[[(8000, 8000)] * 4], [[(8000, 8000)] * 2, [(8000, 8000)] * 2]],
                         ids=["four on a page", "two pages of two"])
def test_a_pdf_of_more_pixels_drawn_inline_than_a_file_may_have_is_refused_before_any_is_decoded(
        tmp_path, monkeypatch, sizes):
    path = tmp_path / "inline-images.pdf"
    path.write_bytes(_pdf_of_inline_images(sizes))
    _no_page_read(monkeypatch)
    decoded = _images_decoded(monkeypatch)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: the PDF's images have {4 * 8000 * 8000:,} pixels to read by OCR in all, more than the "
        f"{PIXELS_A_FILE_MAY_HAVE:,} a file may have: {TO_DO}")
    assert decoded == []


def test_images_drawn_inline_count_with_the_image_objects(monkeypatch):
    from pypdf import PdfReader
    monkeypatch.setattr(scan, "MAX_OCR_PIXELS", 15_000)
    decoded = _images_decoded(monkeypatch)
    within = _pdf_of_inline_images([[(100, 100)], [(50, 100)]])
    images = scan._pdf_images(PdfReader(io.BytesIO(within)), "a.pdf")
    assert [page for page, _ in images] == [0, 1] and len(decoded) == 2
    one_pixel_more = _pdf_of_inline_images([[(100, 100)], [(50, 100), (1, 1)]])
    with pytest.raises(MalformedInput, match="15,001 pixels"):
        scan._pdf_images(PdfReader(io.BytesIO(one_pixel_more)), "a.pdf")


def test_a_pdf_of_more_images_drawn_inline_than_a_file_may_have_is_refused_before_any_is_decoded(tmp_path,
                                                                                                monkeypatch):
    path = tmp_path / "tiny-inline-images.pdf"
    path.write_bytes(_pdf_of_inline_images([[(2, 2)] * (_ocr.MAX_OCR_IMAGES + 1)]))
    _no_page_read(monkeypatch)
    decoded = _images_decoded(monkeypatch)
    with pytest.raises(MalformedInput, match=f"the PDF has {_ocr.MAX_OCR_IMAGES + 1} images to read by OCR"):
        read_scan(path)
    assert decoded == []


def _pdf_of_jpegs_said_to_be_one_pixel(count: int, size: tuple[int, int]) -> bytes:
    """A PDF of one page drawing ``count`` JPEG images of ``size``, each object saying it is 1 x 1 (/Width,
    /Height): pypdf hands a JPEG on as it is, and it is decoded at the size its own header gives."""
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject, \
        StreamObject

    jpeg = io.BytesIO()
    Image.new("L", size, 255).save(jpeg, "JPEG")
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    images = DictionaryObject()
    for number in range(count):
        image = StreamObject()
        image._data = jpeg.getvalue()
        image.update({NameObject("/Type"): NameObject("/XObject"),
                      NameObject("/Subtype"): NameObject("/Image"),
                      NameObject("/Width"): NumberObject(1), NameObject("/Height"): NumberObject(1),
                      NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                      NameObject("/BitsPerComponent"): NumberObject(8),
                      NameObject("/Filter"): NameObject("/DCTDecode")})
        images[NameObject(f"/Im{number}")] = writer._add_object(image)
    contents = DecodedStreamObject()
    contents.set_data("\n".join(f"q 100 0 0 100 {110 * n} 0 cm /Im{n} Do Q" for n in range(count)).encode())
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): images})
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(contents)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_images_larger_than_their_pdf_says_are_counted_as_decoded_and_refused_before_the_one_past_the_budget(
        tmp_path, monkeypatch):
    for module in (scan, _ocr):
        monkeypatch.setattr(module, "MAX_OCR_PIXELS", 15_000)
    path = tmp_path / "said-small.pdf"
    path.write_bytes(_pdf_of_jpegs_said_to_be_one_pixel(2, (100, 100)))
    monkeypatch.setattr(scan, "require_tesseract", lambda: "tesseract")
    read = []
    monkeypatch.setattr(scan, "_upright_page", lambda frame, source: (read.append(frame.size),
                                                                      (SimpleNamespace(lines=[]), None))[1])
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: the PDF's images have 20,000 pixels to read by OCR in all, more than the 15,000 a file may "
        f"have: {TO_DO}")
    assert read == [(100, 100)]   # the first read, the second refused before it was decoded
