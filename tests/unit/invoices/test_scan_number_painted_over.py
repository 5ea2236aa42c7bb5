"""An opaque image drawn over a number the text layer says (the invoice's number, a tax id, an amount) makes the
text layer doubtful, however little of the page's text it covers: the page shows what the image paints there, and
the text layer, which the invoice is read from, a number the page does not. A seal (an image with a soft mask), an
image beside the number, and a background drawn before the text do not."""

from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from pypdf.generic import DecodedStreamObject, NameObject, NumberObject  # noqa: E402

from client.invoices import read_scan  # noqa: E402
from client.invoices._pdf_text import scanned_layer  # noqa: E402

# a page of content, its fonts /Helvetica ..., /Im an opaque image; a dictionary of names
from .test_run_widths import _names, _numbers, _page  # noqa: E402

SAMPLE = Path(__file__).parents[3] / "client" / "invoices" / "reference_data" / "samples" / "einvoice.pdf"
# On the sample's page, "发票号码：26442000000012345678" is one run at 14 points from (40, 732): five CJK glyphs of an
# em, then the twenty digits, each 0.6 em (8.4 points) wide by the font's /W, from x 110 to 278.
NUMBER_LEFT, DIGIT, BASELINE, SIZE = 110.0, 8.4, 732.0, 14.0
PAINTED_OVER = ("a number in the text on page 1 drawn under an image that covers it, which paints over it: the page "
                "shows what the image paints there, not the number the text says")


def _patch(writer, soft_mask: bool = False):
    """An image of one grey pixel, opaque, or with a soft mask as a seal's transparent background has."""
    image = DecodedStreamObject()
    image.set_data(b"\x80")
    entries = {"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"), "/Width": NumberObject(1),
               "/Height": NumberObject(1), "/ColorSpace": NameObject("/DeviceGray"),
               "/BitsPerComponent": NumberObject(8)}
    if soft_mask:
        mask = DecodedStreamObject()
        mask.set_data(b"\x00")
        mask.update(_names(entries))
        entries["/SMask"] = writer._add_object(mask)
    image.update(_names(entries))
    return writer._add_object(image)


def _sample_with_image(tmp_path, box: tuple[float, float, float, float], soft_mask: bool = False,
                       before_text: bool = False) -> Path:
    """The shipped e-invoice with an image drawn over ``box`` (left, bottom, width, height), after its text (over
    it) unless ``before_text``."""
    writer = pypdf.PdfWriter(clone_from=SAMPLE)
    page = writer.pages[0]
    resources = page["/Resources"].get_object()
    resources[NameObject("/XObject")] = _names({"/Patch": _patch(writer, soft_mask)})
    left, bottom, width, height = box
    drawing = f"q {width} 0 0 {height} {left} {bottom} cm /Patch Do Q\n".encode()
    content = page.get_contents().get_data()
    stream = DecodedStreamObject()
    stream.set_data(drawing + content if before_text else content + b"\n" + drawing)
    page[NameObject("/Contents")] = writer._add_object(stream)
    path = tmp_path / "patched.pdf"
    writer.write(path)
    return path


def _digits(first: int, count: int) -> tuple[float, float, float, float]:
    """The box of ``count`` digits of the invoice number from its ``first`` (from 0), as high as the run."""
    return NUMBER_LEFT + first * DIGIT, BASELINE - 0.2 * SIZE, count * DIGIT, 1.2 * SIZE


def _scanned(path: Path) -> str | None:
    return scanned_layer(pypdf.PdfReader(path).pages)


def test_the_shipped_sample_is_no_scan():
    assert _scanned(SAMPLE) is None


@pytest.mark.parametrize("box", [_digits(0, 20), _digits(16, 4), _digits(19, 1)],
                         ids=["the whole number", "its last four digits", "its last digit"])
def test_an_opaque_patch_over_the_invoice_number_makes_the_text_layer_doubtful(tmp_path, box):
    # the patch covers a sliver of the page's text, far below the half the other rules ask
    assert _scanned(_sample_with_image(tmp_path, box)) == PAINTED_OVER


def test_the_number_painted_over_is_compared_with_the_page_image_not_trusted(tmp_path):
    # the page image, here the patch alone, is the reading (with tesseract; without it, the text layer's, every
    # field flagged): either way the number is flagged, and why names the number painted over
    result = read_scan(_sample_with_image(tmp_path, _digits(16, 4)))
    assert result.method == "ocr-text-layer" and result.flagged
    assert result.fields["number"].flagged and PAINTED_OVER in result.fields["number"].reason


@pytest.mark.parametrize("box, soft_mask, before_text", [
    (_digits(0, 20), True, False),  # a seal over the number: its soft mask lets the digits show
    ((NUMBER_LEFT + 20 * DIGIT + 4, 700, 80, 80), False, False),  # a QR code right beside the number
    ((40, 700, 60, 60), False, False),  # over the label 发票号码, not over a digit of the number
    (_digits(19, 1)[:2] + (DIGIT * 0.4, 1.2 * SIZE), False, False),  # over less than half of one digit
    (_digits(0, 20), False, True),  # a background drawn before the text: the text is drawn over it
], ids=["seal", "beside", "over the label", "a sliver of a digit", "background"])
def test_a_seal_an_image_beside_the_number_or_a_background_is_no_doubt(tmp_path, box, soft_mask, before_text):
    path = _sample_with_image(tmp_path, box, soft_mask=soft_mask, before_text=before_text)
    assert _scanned(path) is None
    assert read_scan(path).method == "text-layer"


# many runs of words, so that one image over one run is far from half of the text
WORDS = "".join(f"BT /Helvetica 10 Tf 100 {700 - 14 * row} Td (line of words {chr(65 + row)}) Tj ET "
                for row in range(20))


@pytest.mark.parametrize("shown, painted_over", [
    ("(Total 1,234.56) Tj", True),  # an amount with its fen
    ("[(Total ) -200 (12.50)] TJ", True),  # two digits and fen, in a TJ
    ("(No 20260901) Tj", True),  # eight digits in a row
    ("(Row 12) Tj", False),  # two digits are no number the invoice is read by
    ("(Page 3 of 5) Tj", False),
], ids=["amount", "amount in a TJ", "digits", "two digits", "page numbers"])
def test_which_numbers_count(tmp_path, shown, painted_over):
    # Helvetica, drawn without /Widths, is taken at 0.6 em (6 points) a byte and read as the standard encoding:
    # the image covers the run from its fourth byte on, where its figures are
    page = _page(tmp_path, WORDS + f"BT /Helvetica 10 Tf 100 400 Td {shown} ET q 60 0 0 12 118 398 cm /Im Do Q")
    assert scanned_layer([page]) == (PAINTED_OVER if painted_over else None)


def _sample_with_images(tmp_path, boxes: list[tuple[float, float, float, float]]) -> Path:
    """The shipped e-invoice with an opaque image drawn over each of ``boxes`` (left, bottom, width, height), after
    its text."""
    writer = pypdf.PdfWriter(clone_from=SAMPLE)
    page = writer.pages[0]
    page["/Resources"].get_object()[NameObject("/XObject")] = _names({"/Patch": _patch(writer)})
    drawing = b"".join(f"q {width} 0 0 {height} {left} {bottom} cm /Patch Do Q\n".encode()
                       for left, bottom, width, height in boxes)
    stream = DecodedStreamObject()
    stream.set_data(page.get_contents().get_data() + b"\n" + drawing)
    page[NameObject("/Contents")] = writer._add_object(stream)
    path = tmp_path / "patched.pdf"
    writer.write(path)
    return path


def _halves(first: int, share: float) -> list[tuple[float, float, float, float]]:
    """Two images over the digit ``first``, one over ``share`` of it from its left, one from its right."""
    left, bottom, _, height = _digits(first, 1)
    return [(left, bottom, share * DIGIT, height), (left + (1 - share) * DIGIT, bottom, share * DIGIT, height)]


@pytest.mark.parametrize("boxes", [
    _halves(19, 0.45),
    [box for first in range(16, 20) for box in _halves(first, 0.49)],
    [(_digits(16, 4)[0], _digits(16, 4)[1] + row * _digits(16, 4)[3] / 3, 4 * DIGIT, _digits(16, 4)[3] / 3)
     for row in range(3)],
], ids=["45% and 45% of the last digit", "49% and 49% of each of the last four", "three strips across four"])
def test_images_covering_half_a_digit_together_make_the_text_layer_doubtful(tmp_path, boxes):
    # none of them covers half of any digit alone; what they cover of each is added up
    assert _scanned(_sample_with_images(tmp_path, boxes)) == PAINTED_OVER


def test_two_slivers_of_different_digits_are_no_doubt(tmp_path):
    # 40% of the last digit and 40% of the one before: each digit's share is its own
    left, bottom, _, height = _digits(18, 2)
    boxes = [(left, bottom, 0.4 * DIGIT, height), (left + DIGIT, bottom, 0.4 * DIGIT, height)]
    assert _scanned(_sample_with_images(tmp_path, boxes)) is None


@pytest.mark.parametrize("spacing", [5.56, 0], ids=["laid out by Tc", "stacked where the first is drawn"])
def test_a_digit_the_font_gives_no_width_is_measured_where_it_is_drawn(tmp_path, spacing):
    # a font whose /Widths give its digits no width, the character spacing laying them out instead (or none): each
    # digit still reaches half an em from where it is drawn, and an image over the number hides it
    content = (WORDS + f"BT /Helvetica 10 Tf 100 400 Td (Total ) Tj /Zero 10 Tf {spacing} Tc (1234.56) Tj 0 Tc ET "
               "q 60 0 0 12 118 398 cm /Im Do Q")
    _page(tmp_path, content)
    writer = pypdf.PdfWriter(clone_from=tmp_path / "runs.pdf")
    zero = _names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/Type1"),
                   "/BaseFont": NameObject("/Helvetica"), "/FirstChar": NumberObject(48),
                   "/LastChar": NumberObject(57), "/Widths": _numbers([0] * 10)})
    writer.pages[0]["/Resources"]["/Font"][NameObject("/Zero")] = writer._add_object(zero)
    writer.write(tmp_path / "zero.pdf")
    assert scanned_layer(pypdf.PdfReader(tmp_path / "zero.pdf").pages) == PAINTED_OVER


def test_a_letter_spaced_digit_is_measured_by_its_glyph_not_the_gap_after_it(tmp_path):
    # Tc 20 leaves 20 points bare after each 6-point digit: an image over one digit's glyph alone still hides it
    content = WORDS + "BT /Helvetica 10 Tf 100 400 Td 20 Tc (12345678) Tj 0 Tc ET q 6 0 0 12 100 398 cm /Im Do Q"
    assert scanned_layer([_page(tmp_path, content)]) == PAINTED_OVER
