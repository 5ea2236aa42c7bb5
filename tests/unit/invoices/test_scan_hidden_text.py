"""A text layer the page does not show is not the invoice: text painted white, which shows nothing on the paper (over
a picture of another invoice, say), and text that a picture drawn later in pieces paints over, each piece under half
the page. Both are taken as a scanner's reading of the page's picture: read by OCR and compared with the text."""

import io

import pytest

pypdf = pytest.importorskip("pypdf")

from client.invoices import read_scan  # noqa: E402
from client.invoices._pdf_text import scanned_layer  # noqa: E402

from . import _render  # noqa: E402
from ._samples import invoice  # noqa: E402
from ._tesseract import needs_tesseract  # noqa: E402
from .test_scan_forms import (HEIGHT, HIDDEN, OPAQUE, SEE_THROUGH_STATE, STENCIL, TEXT, WHOLE_PAGE,  # noqa: E402
                              WIDTH, scanned)

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
IN_WHITE = "text drawn invisible on page 1, in text render mode {mode} in white (its {paint} colour) over an image " \
           "drawn before it: a layer of text laid over a picture, not the text the page shows"
FILLED_WHITE = IN_WHITE.format(mode=0, paint="fill")
# white with nothing painted under it: it shows nothing on white paper
BARE_WHITE = ("text drawn invisible on page 1, in text render mode 0 in white on the bare page, nothing painted under "
              "it: it shows nothing on white paper")
BEYOND_PAGE = ("text drawn invisible on page 1, beyond the page's visible box (its MediaBox and CropBox), half of it "
               "or more: a viewer shows none of that")
PICTURE = f"q {WHOLE_PAGE} cm /Im Do Q "  # a picture of the page, drawn first: what white text would be laid over
INLINE_PICTURE = f"q {WHOLE_PAGE} cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q "


# ------------------------------------------------------------------ text painted white

@pytest.mark.parametrize("content, invisible", [
    ("1 1 1 rg " + TEXT, FILLED_WHITE),
    ("1 g " + TEXT, FILLED_WHITE),
    ("0 0 0 0 k " + TEXT, FILLED_WHITE),
    ("/DeviceRGB cs 1 1 1 sc " + TEXT, FILLED_WHITE),
    ("/DeviceGray cs 1 scn " + TEXT, FILLED_WHITE),
    ("0.98 0.97 0.99 rg " + TEXT, FILLED_WHITE),  # a white off by a hair is as invisible
    ("1 g /Fm Do", FILLED_WHITE),  # the colour holds in the forms drawn under it
    ("1 1 1 RG 1 Tr " + TEXT, IN_WHITE.format(mode=1, paint="stroke")),
    ("1 g 1 G 2 Tr " + TEXT, IN_WHITE.format(mode=2, paint="fill and stroke")),
    ("0 g " + TEXT, None),
    ("0.9 g " + TEXT, None),  # a pale grey shows
    ("1 g 0 g " + TEXT, None),  # a later colour paints it again
    ("q 1 g Q " + TEXT, None),  # the colour ends at its Q
    ("1 g /DeviceGray cs " + TEXT, None),  # cs sets the space's initial colour: black
    ("1 1 1 RG " + TEXT, None),  # the stroke's colour says nothing of a fill
    ("1 g 2 Tr " + TEXT, None),  # filled white, stroked black: the outline shows
    ("1 g 3 Tr " + TEXT, "text drawn invisible on page 1, in text render mode 3 or 7"),
], ids=["rg", "g", "k", "cs sc", "cs scn", "near white", "over a form", "stroked white", "filled and stroked white",
        "black", "pale grey", "white then black", "white within q Q", "cs after g", "stroke white, filled",
        "fill white, stroke black", "mode 3"])
def test_text_painted_white_over_a_picture_is_drawn_invisible(tmp_path, content, invisible):
    assert scanned(tmp_path, PICTURE + content, {"Fm": 10, "Im": OPAQUE}, {10: (TEXT, None, None, None)}) == invisible


BAND = "q 0 0 0.5 rg 0 740 600 40 re f Q "  # a dark header band drawn as a vector rectangle


@pytest.mark.parametrize("content, xobjects, invisible", [
    (BAND + "q 1 g BT /F1 14 Tf 72 752 Td (INVOICE) Tj ET Q " + TEXT, {}, None),  # a white title on the band
    ("1 g BT /F1 12 Tf 72 600 Td ( ) Tj ET 0 g " + TEXT, {}, None),  # a white space shows nothing to hide
    (PICTURE + "1 g BT /F1 12 Tf 72 600 Td ( ) Tj ET 0 g " + TEXT, {"Im": OPAQUE}, None),  # over a picture too
    ("1 g " + TEXT, {}, BARE_WHITE),  # white on the paper, over nothing
    ("q 200 0 0 100 300 100 cm /Im Do Q 1 g " + TEXT, {"Im": OPAQUE}, BARE_WHITE),  # a picture beside it, not under
    ("q 200 0 0 100 50 650 cm /Im Do Q 1 g " + TEXT, {"Im": OPAQUE}, FILLED_WHITE),  # a small one under it
    ("q 200 0 0 100 50 650 cm /Im Do Q 1 g /Fm Do", {"Im": OPAQUE, "Fm": 10}, FILLED_WHITE),  # in a form
], ids=["white title on a band", "white space", "white space over a picture", "over nothing", "picture beside",
        "small picture under", "in a form over a picture"])
def test_white_text_hides_only_what_an_image_drawn_before_shows_under_it(tmp_path, content, xobjects, invisible):
    assert scanned(tmp_path, content, xobjects, {10: (TEXT, None, None, None)}) == invisible


HEADER_ROW = "q 1 g BT /F1 14 Tf 72 752 Td (Item   Qty   Amount) Tj ET Q "  # white column titles, on BAND
BODY = "".join(f"BT /F1 10 Tf 72 {y} Td (Line item {y}) Tj ET " for y in range(100, 600, 20))


@pytest.mark.parametrize("content, xobjects, invisible", [
    (PICTURE + BAND + HEADER_ROW + BODY, {"Im": OPAQUE}, None),  # a letterhead picture, a band, a white header row
    ("q 300 0 0 300 150 500 cm /St Do Q " + BAND + HEADER_ROW + BODY, {"St": STENCIL}, None),  # a stamped mark
    ("q 300 0 0 300 50 500 cm /St Do Q 1 g " + TEXT, {"St": STENCIL}, None),  # a stencil shows the paper around
    (PICTURE + "q 0 0 0.5 rg 0 740 600 40 re W n 0 g 0 0 600 800 re f Q " + HEADER_ROW, {"Im": OPAQUE},
     None),  # a fill clipped to the band
    (PICTURE + "q 0 0 0.5 rg 0 740 m 600 740 l 600 780 l 0 780 l f Q " + HEADER_ROW, {"Im": OPAQUE},
     None),  # a band drawn as a path of lines
    (BAND + PICTURE + HEADER_ROW, {"Im": OPAQUE}, FILLED_WHITE),  # the picture drawn over the band
    (PICTURE + "q 0 0 0.5 rg 0 740 600 40 re W n 0 0 0 0 re f Q " + HEADER_ROW, {"Im": OPAQUE},
     FILLED_WHITE),  # the fill that would cover the picture lies nowhere
    (PICTURE + "q 0 0 0.5 rg 0 0 600 700 re f Q " + HEADER_ROW, {"Im": OPAQUE}, FILLED_WHITE),  # a band below it
    (PICTURE + "q 1 g 0 740 600 40 re f Q " + HEADER_ROW, {"Im": OPAQUE}, FILLED_WHITE),  # a white band shows none
    (PICTURE + "q /Faint gs 0 0 0.5 rg 0 740 600 40 re f Q " + HEADER_ROW, {"Im": OPAQUE},
     FILLED_WHITE),  # a see-through one shows the picture
    (PICTURE + "q 0 0 0.5 rg 0 740 m 600 740 l 600 780 l 300 800 0 780 0 780 c f Q " + HEADER_ROW, {"Im": OPAQUE},
     None),  # a band with a curved side, measured as straight pieces
    (PICTURE + "q 0 0 0.5 rg 0 740 m 600 740 l 600 780 l 0 780 c f Q " + HEADER_ROW, {"Im": OPAQUE},
     FILLED_WHITE),  # a curve of two numbers, not six: no path, nothing filled
    (PICTURE + "q /Pattern cs /P0 scn 0 740 600 40 re f Q " + HEADER_ROW, {"Im": OPAQUE},
     FILLED_WHITE),  # a pattern may leave gaps
    # a sliver of the text's box on the picture, the rest on the bare page
    ("q 10 0 0 10 165 745 cm /Im Do Q 1 g " + HEADER_ROW, {"Im": OPAQUE}, BARE_WHITE),
], ids=["letterhead, band, white header", "stencil mark, band, white header", "white over a stencil",
        "fill clipped to a band", "band of lines", "picture over the band", "fill clipped to nothing",
        "band elsewhere", "white band", "see-through band", "curved band", "curve of too few numbers", "pattern band",
        "icon under a sliver"])
def test_white_text_is_hidden_only_where_a_picture_is_the_last_thing_painted_under_it(tmp_path, content, xobjects,
                                                                                      invisible):
    assert scanned(tmp_path, content, xobjects, states={"Faint": SEE_THROUGH_STATE}) == invisible


@pytest.mark.parametrize("images", [
    "".join(f"q 20 0 0 20 560 {30 + 24 * k} cm /Im Do Q " for k in range(30)),  # thumbnails beside the text
    "".join(f"q 50 0 0 25 545 {100 + 25 * k} cm /Im Do Q " for k in range(24)),  # a picture in bands beside it
], ids=["thumbnails", "picture in bands"])
def test_images_beside_many_runs_of_text_cost_no_work_for_each_run(tmp_path, images):
    # one run a glyph, as some invoicing software writes text: 60 rows of 50
    glyphs = "".join(f"BT /F1 9 Tf {40 + 10 * i} {780 - 12 * row} Td (A) Tj ET "
                     for row in range(60) for i in range(50))
    assert scanned(tmp_path, glyphs + images, {"Im": OPAQUE}) is None


def _said_with_colour_spaces(tmp_path, content: str, spaces: dict) -> str | None:
    """What :func:`scanned_layer` says of a page drawing ``content`` with these named colour spaces, each made by a
    function of the writer (to add the streams a space refers to)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(WIDTH, HEIGHT)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
        NameObject("/ColorSpace"): DictionaryObject({NameObject(f"/{name}"): make(writer)
                                                     for name, make in spaces.items()})})
    content_stream = DecodedStreamObject()
    content_stream.set_data(content.encode())
    page[NameObject("/Contents")] = writer._add_object(content_stream)
    path = tmp_path / "spaces.pdf"
    with open(path, "wb") as out:
        writer.write(out)
    return scanned_layer(pypdf.PdfReader(path).pages)


def _icc(components: int):
    def make(writer):
        from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject, NumberObject

        profile = DecodedStreamObject()
        profile.set_data(b"\0" * 128)
        profile[NameObject("/N")] = NumberObject(components)
        return ArrayObject([NameObject("/ICCBased"), writer._add_object(profile)])
    return make


def _separation(colorant: str):
    def make(writer):
        from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

        tint = DictionaryObject({NameObject("/FunctionType"): NumberObject(2), NameObject("/N"): NumberObject(1),
                                 NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)])})
        return ArrayObject([NameObject("/Separation"), NameObject(colorant), NameObject("/DeviceGray"), tint])
    return make


def _indexed(writer):
    from pypdf.generic import ArrayObject, ByteStringObject, NameObject, NumberObject

    # entry 0 black, entry 1 white
    return ArrayObject([NameObject("/Indexed"), NameObject("/DeviceRGB"), NumberObject(1),
                        ByteStringObject(b"\x00\x00\x00\xff\xff\xff")])


def _lab(writer):
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    return ArrayObject([NameObject("/Lab"), DictionaryObject({NameObject("/WhitePoint"): ArrayObject(
        [NumberObject(1), NumberObject(1), NumberObject(1)])})])


SPACES = {"RGB": _icc(3), "CMYK": _icc(4), "Spot": _separation("/Gold"), "NoInk": _separation("/None"),
          "Palette": _indexed, "Lab": _lab}


@pytest.mark.parametrize("colour, white", [
    ("/RGB cs 1 1 1 scn", True), ("/RGB cs 0.5 0.5 0.5 scn", False), ("/RGB cs", False),
    ("/CMYK cs 0 0 0 0 sc", True), ("/CMYK cs 0 0 0 1 sc", False),
    ("/Spot cs 0 scn", True), ("/Spot cs", False),  # a tint of 0 lays no ink; cs sets a full tint
    ("/NoInk cs 1 scn", True),  # the colorant /None paints nothing
    ("/Palette cs 1 sc", True), ("/Palette cs 0 sc", False), ("/Palette cs 5 sc", False),  # beyond its table
    ("/Lab cs 100 0 0 sc", True), ("/Lab cs 50 0 0 sc", False),
    ("/Pattern cs /P0 scn", False), ("/Missing cs 1 scn", False),  # not understood: not taken as white
], ids=["ICC RGB white", "ICC RGB grey", "ICC RGB initial", "ICC CMYK no ink", "ICC CMYK black", "tint 0",
        "separation initial", "colorant None", "indexed white", "indexed black", "indexed beyond", "Lab white",
        "Lab grey", "pattern", "missing"])
def test_white_is_told_in_the_colour_spaces_a_page_names(tmp_path, colour, white):
    said = _said_with_colour_spaces(tmp_path, f"{INLINE_PICTURE}{colour} {TEXT}", SPACES)
    assert said == (FILLED_WHITE if white else None)


# ------------------------------------------------------------------ a picture drawn over the text in pieces

def _strips(count: int, share: float, *, apart: bool = True) -> str:
    """``count`` images each over ``share`` of the page's height, the whole width, one above another (``apart``)
    or all at the bottom."""
    height = HEIGHT * share
    return "".join(f"q {WIDTH} 0 0 {height:g} 0 {height * i * apart:g} cm /Im Do Q " for i in range(count))


# a line of text in each fifth of the page, from the bottom up
LINES = "".join(f"BT /F1 12 Tf 72 {y} Td (Invoice) Tj ET " for y in (100, 260, 420, 580, 740))
# product photos, each a tenth of the page, in a table on its lower 480 points (the first two, at the left, over
# three of the five lines)
PHOTOS = "".join(f"q 200 0 0 240 {x} {y} cm /Im Do Q " for x in (0, 200, 400) for y in (0, 240))


@pytest.mark.parametrize("content, said", [
    # the whole page in five strips: the third covers three of the five lines
    (LINES + _strips(5, 0.2), "text on page 1 drawn under 3 images that together cover half of it or more, "
                              "which hide it"),
    # text beyond the page shows nothing, and is doubted for that first
    (LINES + "BT /F1 500 Tf 700 0 Td (Padding) Tj ET " + _strips(5, 0.2), BEYOND_PAGE),
    (LINES + _strips(2, 0.3), "text on page 1 drawn under 2 images that together cover half of it or more, "
                              "which hide it"),
    (LINES + _strips(1, 0.3) + f"q {WHOLE_PAGE} cm /Im Do Q", HIDDEN),  # one of them the whole page: that one
    (TEXT + "q 300 0 0 100 0 650 cm /Im Do Q", "text on page 1 drawn under an image that covers half of it or "
                                                "more, which hides it"),  # small, but over all the text there is
    (LINES + _strips(2, 0.2), None),  # two of the five lines
    (LINES + _strips(3, 0.3, apart=False), None),  # one strip drawn thrice where it is: two lines, counted once
    (_strips(5, 0.2) + LINES, None),  # a background drawn in pieces: the text is drawn over it
    ("BT /F1 12 Tf 72 760 Td (Invoice) Tj ET " + PHOTOS, None),  # 60% of the page, none of it over the text
    (LINES + PHOTOS, "text on page 1 drawn under 2 images that together cover half of it or more, which hide it"),
], ids=["five fifths", "text beyond the page", "two of 30%", "a strip and the page", "one small image over all the text", "two of 20%",
        "one strip thrice", "under the text", "photos below the text", "photos over the text"])
def test_images_drawn_over_the_text_hide_it_by_what_they_cover_together(tmp_path, content, said):
    assert scanned(tmp_path, content, {"Im": OPAQUE}) == said


# ------------------------------------------------------------------ read from the picture, as a searchable PDF's

def _pdf_of_another_invoice_over_a_picture(path, *, white_text: bool):
    """A page showing the picture of one invoice, whose text layer says another: its number and buyer changed. The
    text is drawn white over the picture (``white_text``), or black under the picture drawn after it in three
    strips, each a third of it."""
    from fpdf import FPDF

    shown = invoice()
    said = shown.model_copy(update={"number": "26442000000099999999",
                                    "buyer": shown.buyer.model_copy(update={"name": "某某空壳贸易有限公司"})})
    picture = _render.render_image(shown).convert("RGB")
    width = 1560
    pdf = FPDF(orientation="L", unit="pt", format=(800, 1560))
    pdf.add_font("cjk", fname=str(_render.cjk_font()))
    pdf.add_page()
    pdf.set_font("cjk", size=14)

    def draw_picture(pieces: int) -> None:
        for i in range(pieces):
            top, bottom = picture.height * i // pieces, picture.height * (i + 1) // pieces
            png = io.BytesIO()
            picture.crop((0, top, picture.width, bottom)).save(png, format="PNG")
            pdf.image(png, x=0, y=top * width / picture.width, w=width, h=(bottom - top) * width / picture.width)

    if white_text:
        draw_picture(1)
        pdf.set_text_color(255, 255, 255)
    for y, cells in _render.placed_rows(said):
        for x, text in cells:
            pdf.text(x, 20 + y / 2, text)  # placed as the picture's text, as _render places a text layer
    if not white_text:
        draw_picture(3)
    path.write_bytes(bytes(pdf.output()))
    return shown, said


@needs_tesseract
@needs_font
@pytest.mark.parametrize("white_text", [True, False], ids=["white text over the picture", "picture in strips over"])
def test_a_text_layer_the_page_does_not_show_is_read_from_the_picture_and_flagged(tmp_path, white_text):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the PDF")
    shown, said = _pdf_of_another_invoice_over_a_picture(tmp_path / "other.pdf", white_text=white_text)
    result = read_scan(tmp_path / "other.pdf")
    assert result.method == "ocr-text-layer" and not result.ok
    number = result.fields["number"]
    assert number.value == shown.number and number.flagged and repr(said.number) in number.reason
    assert result.fields["buyer.name"].flagged
    assert all(field.confidence < 1.0 for field in result.fields.values())
