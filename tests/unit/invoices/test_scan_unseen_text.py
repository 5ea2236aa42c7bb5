"""Text a person does not see is no exact text layer: text drawn beyond the page's MediaBox or outside its CropBox,
inside a clipping path that leaves it out, under an annotation whose appearance a viewer paints over the page, or
white on the bare page. Each is doubted as a scanner's hidden layer is (:func:`scanned_layer`), so that the file
is read from its page images and compared with the text, its fields flagged, not taken at confidence 1.0."""

import pytest

pypdf = pytest.importorskip("pypdf")

from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,  # noqa: E402
                           NumberObject)

from client.invoices import read_scan  # noqa: E402
from client.invoices._pdf_text import scanned_layer  # noqa: E402

from . import _render  # noqa: E402
from ._samples import invoice  # noqa: E402
from .test_scan import needs_font  # noqa: E402

WIDTH, HEIGHT = 600, 800
TEXT = "BT /Helvetica 12 Tf 72 700 Td (Invoice 26442000000012345678) Tj ET "
BEYOND = ("text drawn invisible on page 1, beyond the page's visible box (its MediaBox and CropBox), half of it or "
          "more: a viewer shows none of that")
CLIPPED = ("text drawn invisible on page 1, outside the clipping path set around it, half of it or more: a viewer "
           "shows none of that")
UNDER_ANNOTATION = ("text on page 1 drawn under an annotation's appearance (/Annots) that covers half of it or more, "
                    "which a viewer paints over it")


def _names(entries: dict) -> DictionaryObject:
    return DictionaryObject({NameObject(key): value for key, value in entries.items()})


def _numbers(*numbers: float) -> ArrayObject:
    return ArrayObject([FloatObject(n) for n in numbers])


def _verdict(tmp_path, content: str, *, cropbox=None, annotations=()):
    """What :func:`scanned_layer` says of one page drawing ``content`` in Helvetica; ``cropbox``: its /CropBox;
    ``annotations``: each one's extra entries (its /Rect, /AP, /F)."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(WIDTH, HEIGHT)
    font = writer._add_object(_names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/Type1"),
                                      "/BaseFont": NameObject("/Helvetica")}))
    page[NameObject("/Resources")] = _names({"/Font": _names({"/Helvetica": font})})
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    if cropbox is not None:
        page[NameObject("/CropBox")] = _numbers(*cropbox)
    if annotations:
        page[NameObject("/Annots")] = ArrayObject(
            [writer._add_object(_names({"/Type": NameObject("/Annot"), "/Subtype": NameObject("/Stamp"), **entries}))
             for entries in annotations])
    path = tmp_path / "unseen.pdf"
    writer.write(path)
    return scanned_layer(pypdf.PdfReader(path).pages), writer


@pytest.mark.parametrize("content, said", [
    (TEXT, None),
    ("BT /Helvetica 12 Tf 700 700 Td (Invoice 26442000000012345678) Tj ET ", BEYOND),  # right of the page
    ("BT /Helvetica 12 Tf 72 -300 Td (Invoice 26442000000012345678) Tj ET ", BEYOND),  # below it
    ("BT /Helvetica 12 Tf 500 700 Td (Invoice 26442000000012345678) Tj ET ", BEYOND),  # most of it beyond the edge
    ("q 1 0 0 1 5000 0 cm " + TEXT + "Q ", BEYOND),  # placed there by the matrix
], ids=["on the page", "right of it", "below it", "most of it over the edge", "by the matrix"])
def test_text_beyond_the_mediabox_is_doubted(tmp_path, content, said):
    assert _verdict(tmp_path, content)[0] == said


def test_text_outside_the_cropbox_is_doubted_inside_it_is_not(tmp_path):
    # the viewer shows the top half of the page alone: text in the bottom half is not seen
    low = "BT /Helvetica 12 Tf 72 100 Td (Invoice 26442000000012345678) Tj ET "
    assert _verdict(tmp_path, low, cropbox=(0, 400, WIDTH, HEIGHT))[0] == BEYOND
    assert _verdict(tmp_path, TEXT, cropbox=(0, 400, WIDTH, HEIGHT))[0] is None
    assert _verdict(tmp_path, TEXT, cropbox=(WIDTH, HEIGHT, 0, 400))[0] is None  # its corners in either order


@pytest.mark.parametrize("content, said", [
    ("q 0 0 0.01 0.01 re W n " + TEXT + "Q ", CLIPPED),  # a clip a hundredth of a point wide
    ("q 300 0 300 800 re W n " + TEXT + "Q ", CLIPPED),  # the right half of the page: the text is on the left
    ("q 0 0 0.01 0.01 re W n Q " + TEXT, None),  # the clip ends at its Q
    ("q 60 690 400 30 re W n " + TEXT + "Q ", None),  # a cell round the text
    ("q 0 0 m 1200 0 l 0 1600 l h W n " + TEXT + "Q ", None),  # a triangle that holds the text
    ("q 72 690 50 30 re W n " + TEXT + "Q ", CLIPPED),  # a cell that shows its first word alone
], ids=["tiny clip", "other half", "ended by Q", "cell round it", "triangle round it", "cell cuts most of it"])
def test_text_a_clip_leaves_out_is_doubted(tmp_path, content, said):
    assert _verdict(tmp_path, content)[0] == said


def _appearance(writer):
    form = DecodedStreamObject()
    form.set_data(b"0 g 0 0 600 800 re f")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): _numbers(0, 0, WIDTH, HEIGHT)})
    return writer._add_object(form)


@pytest.mark.parametrize("rect, flags, with_appearance, said", [
    ((0, 0, WIDTH, HEIGHT), 4, True, UNDER_ANNOTATION),  # a stamp over the whole page, printed and shown
    ((WIDTH, HEIGHT, 0, 0), None, True, UNDER_ANNOTATION),  # its corners in the other order
    ((0, 0, WIDTH, HEIGHT), 2, True, None),  # Hidden: a viewer shows nothing of it
    ((0, 0, WIDTH, HEIGHT), 32, True, None),  # NoView
    ((0, 0, WIDTH, HEIGHT), 4, False, None),  # no appearance: a viewer draws nothing of its own for a stamp here
    ((400, 50, 520, 170), 4, True, None),  # a seal's size, beside the text
], ids=["over the page", "corners swapped", "hidden", "no view", "no appearance", "a seal beside the text"])
def test_text_under_an_annotation_shown_over_it_is_doubted(tmp_path, rect, flags, with_appearance, said):
    writer = pypdf.PdfWriter()
    entries = {"/Rect": _numbers(*rect)}
    if flags is not None:
        entries["/F"] = NumberObject(flags)
    if with_appearance:
        entries["/AP"] = _names({"/N": _appearance(writer)})
    assert _verdict(tmp_path, TEXT, annotations=[entries])[0] == said


def test_an_annotation_over_a_digit_of_the_number_is_doubted(tmp_path):
    # the text says 26442000000012345678; a form field's appearance over its last digits shows what it shows there
    said, _ = _verdict(tmp_path, TEXT, annotations=[{"/Rect": _numbers(230, 695, 300, 715),
                                                     "/AP": _names({"/N": _appearance(pypdf.PdfWriter())})}])
    assert said is not None and "annotation's appearance" in said


@needs_font
@pytest.mark.parametrize("how", ["beyond the page", "clipped away"])
def test_an_invoice_a_person_cannot_see_is_flagged_not_trusted(tmp_path, how):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="pt", format=(800, 1560))
    pdf.add_font("cjk", fname=str(_render.cjk_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=14)

    def text():
        for y, cells in _render.placed_rows(invoice()):
            for x, cell in cells:
                pdf.text(x + (3000 if how == "beyond the page" else 0), 20 + y / 2, cell)

    if how == "clipped away":
        with pdf.rect_clip(x=0, y=0, w=0.01, h=0.01):
            text()
    else:
        text()
    path = tmp_path / "unseen.pdf"
    path.write_bytes(bytes(pdf.output()))
    result = read_scan(path)
    # no page image to compare it with: every field the text layer reads is flagged, none at confidence 1.0
    assert result.method == "ocr-text-layer" and not result.ok
    assert all(field.flagged and field.confidence == 0.0 for field in result.fields.values())
    assert "drawn invisible" in result.fields["number"].reason
