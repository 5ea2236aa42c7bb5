"""Where a PDF's images lie, for telling a scanner's text layer from invoicing software's: placed by ``cm`` within
``q`` ... ``Q``, by the form XObjects they are drawn in (the ``cm`` before the form's ``Do``, the form's own
``/Matrix``), forms inside forms too. The PDFs are written here, object by object, so every placement is known."""

import math
import random

import pytest

pypdf = pytest.importorskip("pypdf")

from client.invoices._pdf_text import PageContents, scanned_layer  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402

WIDTH, HEIGHT = 600, 800
TEXT = "BT /F1 12 Tf 72 700 Td (Invoice) Tj ET\n"
WHOLE_PAGE = f"{WIDTH} 0 0 {HEIGHT} 0 0"
HIDDEN = "text on page 1 drawn under an image of the whole page, which hides it"
NEEDS_MORE_WORK = "the file needs more work to check than the check allows: "
# object numbers: 1 catalog, 2 pages, 3 page, 4 the page's resources, 5 its content, 6 a font, 7 an opaque image
# (one grey pixel, drawn over the unit square its matrix places), 8 a stencil (paints its set pixels only), 9 a
# graphics state with a fill opacity of 0.2; forms from 10 on; 15 an opaque image that says it is no stencil
# (/ImageMask false); more pages, sharing the first's resources and content, from 100 on
OPAQUE, STENCIL, SEE_THROUGH_STATE, NO_STENCIL = 7, 8, 9, 15


def _stream(entries: str, data: bytes) -> bytes:
    return f"<< {entries} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _names(kind: str, names: dict[str, int]) -> str:
    return f"/{kind} << " + " ".join(f"/{name} {number} 0 R" for name, number in names.items()) + " >>"


def scanned(tmp_path, content: str, xobjects: dict[str, int], forms=None, more_states=None, states=None,
            pages: int = 1, mediabox: str = f"0 0 {WIDTH} {HEIGHT}") -> str | None:
    """What :func:`scanned_layer` says of a PDF drawing ``content``, whose resources name ``xobjects`` and the
    graphics states ``states``. ``forms``: object number -> (content, its /Matrix or None, the XObjects its own
    resources name, or None for none of its own, the graphics states they name, and optionally its /BBox: the
    whole page when not given). ``more_states``: graphics
    states, object number -> its entries (``/ca 1``). ``pages``: how many pages, all sharing one content stream
    and one resources dictionary. ``mediabox``: the pages' /MediaBox, its four numbers as written."""
    page = f"<< /Type /Page /Parent 2 0 R /MediaBox [{mediabox}] /Resources 4 0 R /Contents 5 0 R >>"
    more_pages = range(100, 100 + pages - 1)
    kids = " ".join(f"{number} 0 R" for number in (3, *more_pages))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        3: page.encode(),
        4: (f"<< /Font << /F1 6 0 R >> {_names('XObject', xobjects)} "
            + (_names("ExtGState", states) if states else "") + " >>").encode(),
        5: _stream("", content.encode()),
        6: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        OPAQUE: _stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
                        "/BitsPerComponent 8", b"\x80"),
        STENCIL: _stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ImageMask true /BitsPerComponent 1",
                         b"\x80"),
        SEE_THROUGH_STATE: b"<< /Type /ExtGState /ca 0.2 >>",
        NO_STENCIL: _stream("/Type /XObject /Subtype /Image /Width 1 /Height 1 /ImageMask false /ColorSpace "
                            "/DeviceGray /BitsPerComponent 8", b"\x80"),
        **{number: page.encode() for number in more_pages},
    }
    for number, (form_content, matrix, own, states, *box) in (forms or {}).items():
        resources = ""
        if own is not None or states:
            resources = ("/Resources << /Font << /F1 6 0 R >> " + (_names("XObject", own) if own else "")
                         + (" " + _names("ExtGState", states) if states else "") + " >>")
        entries = (f"/Type /XObject /Subtype /Form /BBox [{box[0] if box else f'0 0 {WIDTH} {HEIGHT}'}] {resources}"
                   + (f" /Matrix [{matrix}]" if matrix else ""))
        objects[number] = _stream(entries, form_content.encode())
    for number, entries in (more_states or {}).items():
        objects[number] = f"<< /Type /ExtGState {entries} >>".encode()
    out = bytearray(b"%PDF-1.7\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {max(objects) + 1}\n0000000000 65535 f \n".encode()
    for number in range(1, max(objects) + 1):
        out += f"{offsets.get(number, 0):010d} 00000 {'n' if number in offsets else 'f'} \n".encode()
    out += f"trailer\n<< /Size {max(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path = tmp_path / "page.pdf"
    path.write_bytes(bytes(out))
    return scanned_layer(pypdf.PdfReader(path).pages)


def followed(tmp_path) -> _Painting:
    """The scan check's following of every page of the PDF :func:`scanned` wrote last, to tell the work it counted
    (``spent``) and allowed (``allowed``)."""
    painting = _Painting(PageContents())
    for page in pypdf.PdfReader(tmp_path / "page.pdf").pages:
        painting.follow(page)
    return painting


@pytest.mark.parametrize("content, forms", [
    # the cm before the form's Do places what the form draws
    (TEXT + f"q {WHOLE_PAGE} cm /Fm Do Q", {10: ("/Im Do", None, {"Im": OPAQUE}, None)}),
    # the form's own /Matrix places it
    (TEXT + "/Fm Do", {10: ("/Im Do", WHOLE_PAGE, {"Im": OPAQUE}, None)}),
    # a form inside a form: the page's cm, both matrices and the inner form's own cm, composed
    (TEXT + "q 2 0 0 2 0 0 cm /Fm Do Q", {10: ("/Inner Do", "1 0 0 2 0 0", {"Inner": 11}, None),
                                          11: ("300 0 0 200 0 0 cm /Im Do", None, {"Im": OPAQUE}, None)}),
    # a form with no resources of its own draws by the names of the content that draws it
    (TEXT + f"q {WHOLE_PAGE} cm /Fm Do Q", {10: ("/Im Do", None, None, None)}),
], ids=["cm before Do", "the form's Matrix", "a form in a form", "inherited names"])
def test_an_image_a_form_places_over_the_whole_page_hides_the_text_drawn_before_it(tmp_path, content, forms):
    assert scanned(tmp_path, content, {"Fm": 10, "Im": OPAQUE}, forms) == HIDDEN


@pytest.mark.parametrize("content, forms", [
    # the form shrinks what it draws to a tenth: a seal, not a page
    (TEXT + "/Fm Do", {10: (f"{WHOLE_PAGE} cm /Im Do", "0.1 0 0 0.1 0 0", {"Im": OPAQUE}, None)}),
    # a cm ends at its Q, and one inside a form at the form's end
    (TEXT + f"q {WHOLE_PAGE} cm Q /Im Do", {}),
    (TEXT + "/Fm Do /Im Do", {10: (WHOLE_PAGE + " cm", None, {"Im": OPAQUE}, None)}),
    # the form's own /Im is a stencil, whatever the page's /Im is
    (TEXT + f"q {WHOLE_PAGE} cm /Fm Do Q", {10: ("/Im Do", None, {"Im": STENCIL}, None)}),
    # the form's own graphics state lets what lies under its image show
    (TEXT + f"q {WHOLE_PAGE} cm /Fm Do Q", {10: ("/Faint gs /Im Do", None, {"Im": OPAQUE},
                                                  {"Faint": SEE_THROUGH_STATE})}),
], ids=["shrunk by the Matrix", "cm ended by Q", "cm ended by the form's end", "the form's stencil",
        "the form's see-through state"])
def test_an_image_a_form_places_elsewhere_or_lets_the_text_show_hides_nothing(tmp_path, content, forms):
    assert scanned(tmp_path, content, {"Fm": 10, "Im": OPAQUE}, forms) is None


# ------------------------------------------------------------------ a form's /BBox clips what it draws

IMAGE_OVER_THE_PAGE = f"q {WHOLE_PAGE} cm /Im Do Q"


@pytest.mark.parametrize("content, forms, hides", [
    # the form shows only a seal-sized corner of the image it places over the whole page
    (TEXT + "/Fm Do", {10: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None, "0 0 60 80")}, False),
    # a box given by its other two corners is the same box
    (TEXT + "/Fm Do", {10: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None, "60 80 0 0")}, False),
    # a box over the whole page clips nothing
    (TEXT + "/Fm Do", {10: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None, f"0 0 {WIDTH} {HEIGHT}")}, True),
    # the box is in the form's space: its /Matrix maps it, and the image, ten times larger, over the whole page
    (TEXT + "/Fm Do", {10: ("60 0 0 80 0 0 cm /Im Do", "10 0 0 10 0 0", {"Im": OPAQUE}, None, "0 0 60 80")}, True),
    (TEXT + "/Fm Do", {10: ("60 0 0 80 0 0 cm /Im Do", "10 0 0 10 0 0", {"Im": OPAQUE}, None, "0 0 6 8")}, False),
    # and so does the matrix current at the Do
    (TEXT + "q 10 0 0 10 0 0 cm /Fm Do Q", {10: ("60 0 0 80 0 0 cm /Im Do", None, {"Im": OPAQUE}, None,
                                                 "0 0 60 80")}, True),
    (TEXT + "q 10 0 0 10 0 0 cm /Fm Do Q", {10: ("60 0 0 80 0 0 cm /Im Do", None, {"Im": OPAQUE}, None,
                                                 "0 0 6 8")}, False),
    # turned a quarter: the box 800 wide and 600 high in form space stands over the page 600 wide and 800 high
    (TEXT + "/Fm Do", {10: ("800 0 0 600 0 0 cm /Im Do", f"0 1 -1 0 {WIDTH} 0", {"Im": OPAQUE}, None,
                            "0 0 800 600")}, True),
    (TEXT + "/Fm Do", {10: ("800 0 0 600 0 0 cm /Im Do", f"0 1 -1 0 {WIDTH} 0", {"Im": OPAQUE}, None,
                            "0 0 800 60")}, False),
    # a form inside a form: the outer box clips what the inner form draws, however large the inner box
    (TEXT + "/Fm Do", {10: ("/Inner Do", None, {"Inner": 11}, None, "0 0 60 80"),
                       11: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None)}, False),
    # two boxes, each over half the page, leave the quarter where they overlap
    (TEXT + "/Fm Do", {10: ("/Inner Do", None, {"Inner": 11}, None, f"0 0 {WIDTH} {HEIGHT // 2}"),
                       11: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None, f"0 0 {WIDTH // 2} {HEIGHT}")}, False),
    # an inline image alike
    (TEXT + "/Fm Do", {10: (f"q {WHOLE_PAGE} cm {{INLINE}} Q", None, None, None, "0 0 60 80")}, False),
    # the box clips what the form draws, not what the page draws after it
    (TEXT + "/Fm Do " + IMAGE_OVER_THE_PAGE, {10: ("0 0 m 1 1 l S", None, None, None, "0 0 60 80")}, True),
    # a box that is no rectangle clips nothing: the image is taken at what its matrix places it over
    (TEXT + "/Fm Do", {10: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None, "0 0 60")}, True),
], ids=["a corner", "corners in the other order", "the whole page", "box mapped by the Matrix", "small box, Matrix",
        "box mapped by the cm", "small box, cm", "turned box over the page", "turned box, a strip",
        "outer box clips the inner form", "two boxes overlap in a quarter", "inline image", "clip ends with the form",
        "no rectangle"])
def test_a_forms_bbox_clips_the_images_it_draws(tmp_path, content, forms, hides):
    forms = {number: (form[0].replace("{INLINE}", INLINE), *form[1:]) for number, form in forms.items()}
    assert scanned(tmp_path, content, {"Fm": 10, "Im": OPAQUE}, forms) == (HIDDEN if hides else None)


ENORMOUS = "1" + "0" * 40  # 1e40, near as long a number as pypdf reads: eight multiplied are more than a float holds
OVERFLOWING = f"{ENORMOUS} 0 0 {ENORMOUS} 0 0 cm " * 8


@pytest.mark.parametrize("content, forms", [
    # an image whose corners lie beyond any page: where it lies cannot be told, so it is taken to cover the page
    (TEXT + f"q {OVERFLOWING} /Im Do Q", {}),
    (TEXT + f"q {OVERFLOWING} 0 0 0 0 0 0 cm /Im Do Q", {}),  # infinity times 0: no number at all
    (TEXT + "q 1000000000000000 0 0 1000000000000000 -500000000000000 -500000000000000 cm /Im Do Q", {}),
    # a box beyond any page clips nothing
    (TEXT + "/Fm Do", {10: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None, f"0 0 {ENORMOUS} {ENORMOUS}")}),
], ids=["corners overflow", "corners no number", "corners beyond any page", "a box beyond any page"])
def test_places_beyond_any_page_are_doubted_not_computed_wrong(tmp_path, content, forms):
    assert scanned(tmp_path, content, {"Fm": 10, "Im": OPAQUE}, forms) == HIDDEN


@pytest.mark.parametrize("mediabox, image_at", [
    ("600 0 0 800", "0 0"), ("0 800 600 0", "0 0"), ("600 800 0 0", "0 0"), ("100 100 700 900", "100 100"),
], ids=["x corners swapped", "y corners swapped", "both swapped", "page not at the origin"])
def test_a_page_box_written_in_any_corner_order_is_the_same_page(tmp_path, mediabox, image_at):
    # a box written from its right or top corner measures as much page: an image over it hides the text (placed on
    # the page as the image is: text beyond the page shows nothing, and is doubted for that)
    text = f"q 1 0 0 1 {image_at} cm {TEXT}Q "
    content = text + f"q {WIDTH} 0 0 {HEIGHT} {image_at} cm /Im Do Q"
    assert scanned(tmp_path, content, {"Im": OPAQUE}, mediabox=mediabox) == HIDDEN
    # and one over a corner of it does not
    content = text + f"q {WIDTH / 4} 0 0 {HEIGHT / 4} {image_at} cm /Im Do Q"
    assert scanned(tmp_path, content, {"Im": OPAQUE}, mediabox=mediabox) is None


def test_an_opaque_image_in_a_form_hides_text_though_the_page_names_a_stencil_alike(tmp_path):
    forms = {10: ("/Im Do", None, {"Im": OPAQUE}, None)}
    assert scanned(tmp_path, TEXT + f"q {WHOLE_PAGE} cm /Fm Do Q", {"Fm": 10, "Im": STENCIL}, forms) == HIDDEN
    # and the page's own stencil, placed over the page, hides nothing
    assert scanned(tmp_path, TEXT + f"q {WHOLE_PAGE} cm /Im Do Q", {"Fm": 10, "Im": STENCIL}, forms) is None


def test_text_drawn_in_a_form_is_text_an_image_drawn_after_it_hides(tmp_path):
    forms = {10: (TEXT, None, None, None)}
    assert scanned(tmp_path, f"/Fm Do q {WHOLE_PAGE} cm /Im Do Q", {"Fm": 10, "Im": OPAQUE}, forms) == HIDDEN
    assert scanned(tmp_path, f"q {WHOLE_PAGE} cm /Im Do Q /Fm Do", {"Fm": 10, "Im": OPAQUE}, forms) is None


def test_a_form_that_draws_itself_ends_and_its_page_is_not_taken_for_the_invoices_text(tmp_path):
    said = scanned(tmp_path, TEXT + "/Fm Do", {"Fm": 10}, {10: ("/Fm Do", None, {"Fm": 10}, None)})
    assert said is not None and "forms drawn inside forms more than 8 deep" in said and "page 1" in said
    # two forms drawing each other, each twice: bounded by the depth, and by the forms drawn in all
    said = scanned(tmp_path, TEXT + "/A Do", {"A": 10},
                   {10: ("/B Do /B Do", None, {"B": 11}, None), 11: ("/A Do /A Do", None, {"A": 10}, None)})
    assert said is not None and "forms drawn inside forms" in said


# ------------------------------------------------------------------ work: a form drawn many times

LINE = "0 0 m 1 1 l S\n"  # three operators: a stroke, as a checkbox or a rule is drawn


def test_a_small_form_drawn_many_times_is_an_honest_page(tmp_path):
    # a checkbox or a logo drawn a thousand times and more: no scan, and an image drawn after still hides the text
    drawn = TEXT + "/Fm Do " * 1001
    forms = {10: (LINE, None, None, None)}
    assert scanned(tmp_path, drawn, {"Fm": 10}, forms) is None
    assert scanned(tmp_path, drawn + f"q {WHOLE_PAGE} cm /Im Do Q", {"Fm": 10, "Im": OPAQUE}, forms) == HIDDEN


def test_a_large_form_drawn_many_times_is_parsed_once_and_its_work_bounded(tmp_path, monkeypatch):
    # a form of 6,000 operators drawn 1,000 times (a file of a few hundred bytes more): 6 million to follow, where a
    # page allows 200,000 steps
    parsed = []
    real = pypdf.generic.ContentStream

    def counting(stream, pdf, *args, **kwargs):
        parsed.append(stream.get("/Subtype"))
        return real(stream, pdf, *args, **kwargs)

    monkeypatch.setattr(pypdf.generic, "ContentStream", counting)
    said = scanned(tmp_path, TEXT + "/Fm Do " * 1000, {"Fm": 10}, {10: (LINE * 2000, None, None, None)})
    assert said is not None and said.startswith(NEEDS_MORE_WORK + "page 1 needed more than 200,000 steps")
    assert said.endswith("what its pages show is not known, so their text is taken as doubtful")
    assert parsed.count("/Form") == 1
    # under the bound, every draw is followed: the 400th of 400 draws of a form of 300 operators, 120,000 in all,
    # still places its image
    forms = {10: (LINE * 100, None, None, None), 11: (f"q {WHOLE_PAGE} cm /Im Do Q", None, {"Im": OPAQUE}, None)}
    assert scanned(tmp_path, TEXT + "/Fm Do " * 399 + "/Last Do", {"Fm": 10, "Last": 11}, forms) == HIDDEN
    assert 120_000 < followed(tmp_path).spent < 200_000


def test_pages_sharing_one_content_stream_and_form_share_one_budget_and_one_parse(tmp_path, monkeypatch):
    # a form of 300 operators drawn 500 times: 150,000 per page, under the 200,000 a page allows
    parsed = []
    real_stream = pypdf.generic.ContentStream

    def counting_stream(stream, pdf, *args, **kwargs):
        parsed.append(stream.get("/Subtype", "a page's content"))
        return real_stream(stream, pdf, *args, **kwargs)

    monkeypatch.setattr(pypdf.generic, "ContentStream", counting_stream)
    drawn, forms = TEXT + "/Fm Do " * 500, {10: (LINE * 100, None, None, None)}
    assert scanned(tmp_path, drawn, {"Fm": 10}, forms, pages=3) is None
    assert parsed.count("/Form") == 1 and parsed.count("a page's content") == 1
    # the pages' work adds up, each form's draws counted on every page, and so do their allowances
    painting = followed(tmp_path)
    assert 3 * 150_000 < painting.spent < painting.allowed == 3 * 200_000
    # drawn 700 times, the form takes a page past its allowance: the first
    said = scanned(tmp_path, TEXT + "/Fm Do " * 700, {"Fm": 10}, forms, pages=3)
    assert said is not None and said.startswith(NEEDS_MORE_WORK + "page 1 needed more than 200,000 steps")


# ------------------------------------------------------------------ inline images, graphics states set back

INLINE = "BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI"
INLINE_STENCIL = "BI /W 1 /H 1 /IM true /BPC 1 ID \x80 EI"


@pytest.mark.parametrize("content, hides", [
    (TEXT + f"q {WHOLE_PAGE} cm {INLINE} Q", True),
    (f"q {WHOLE_PAGE} cm {INLINE} Q " + TEXT, False),  # a background: the text is drawn over it
    (TEXT + f"q 60 0 0 80 0 0 cm {INLINE} Q", False),  # a seal's size
    (TEXT + f"q {WHOLE_PAGE} cm {INLINE_STENCIL} Q", False),  # a stencil paints its set pixels only
    ("/Fm Do", True),  # in a form, placed by its matrix
], ids=["over the text", "under the text", "small", "stencil", "in a form"])
def test_an_inline_image_hides_text_as_an_image_xobject_does(tmp_path, content, hides):
    # the form's text placed back on the page from the form's unit square, where its matrix puts the image
    forms = {10: (f"q {1 / WIDTH} 0 0 {1 / HEIGHT} 0 0 cm {TEXT}Q {INLINE}", WHOLE_PAGE, None, None)}
    assert scanned(tmp_path, content, {"Fm": 10}, forms) == (HIDDEN if hides else None)


@pytest.mark.parametrize("image, hides", [
    ("BI /W 1 /H 1 /IM false /CS /G /BPC 8 ID \x80 EI", True),
    ("BI /W 1 /H 1 /ImageMask false /CS /G /BPC 8 ID \x80 EI", True),
    ("BI /W 1 /H 1 /ImageMask true /BPC 1 ID \x80 EI", False),
    ("/NoStencil Do", True),
], ids=["inline /IM false", "inline /ImageMask false", "inline /ImageMask true", "XObject /ImageMask false"])
def test_an_image_that_says_it_is_no_stencil_is_opaque(tmp_path, image, hides):
    said = scanned(tmp_path, TEXT + f"q {WHOLE_PAGE} cm {image} Q", {"NoStencil": NO_STENCIL})
    assert said == (HIDDEN if hides else None)


SOLID, SOFT_MASKED, STROKE_ONLY = 12, 13, 14
STATES = {SOLID: "/ca 1 /CA 1", SOFT_MASKED: "/SMask << /S /Luminosity /G 10 0 R >>", STROKE_ONLY: "/CA 1"}


@pytest.mark.parametrize("set_in_turn, hides", [
    ("/Faint gs /Solid gs", True),  # the second state sets the fill opacity back to 1
    ("/Faint gs /Stroke gs", False),  # a stroke's opacity says nothing of the fill's
    ("/Masked gs /Solid gs", False),  # an opacity of 1 ends no soft mask
    ("/Faint gs q /Solid gs Q", False),  # the solid state ends at its Q
], ids=["faint then solid", "faint then stroke only", "soft mask then opacity 1", "solid within q Q"])
def test_a_later_graphics_state_sets_only_what_it_names(tmp_path, set_in_turn, hides):
    forms = {10: (TEXT + f"{set_in_turn} q {WHOLE_PAGE} cm /Im Do Q", None, {"Im": OPAQUE},
                  {"Faint": SEE_THROUGH_STATE, "Solid": SOLID, "Masked": SOFT_MASKED, "Stroke": STROKE_ONLY})}
    assert scanned(tmp_path, "/Fm Do", {"Fm": 10}, forms, STATES) == (HIDDEN if hides else None)


# ------------------------------------------------------------------ text painted with opacity 0

CLEAR, NO_STROKE = 16, 17
OPACITIES = {CLEAR: "/ca 0", NO_STROKE: "/CA 0", SOLID: "/ca 1 /CA 1"}
UNDER_CLEAR_FILL = ("text drawn invisible on page 1, in text render mode 0 under a graphics state whose fill "
                    "opacity /ca is 0")


@pytest.mark.parametrize("content, invisible", [
    ("/Clear gs " + TEXT, UNDER_CLEAR_FILL),
    ("/Clear gs /Fm Do", UNDER_CLEAR_FILL),  # the state holds in the forms drawn under it
    ("/Faint gs " + TEXT, None),  # faint, but painted
    ("/Clear gs /Solid gs " + TEXT, None),  # a later fill opacity above 0 paints it again
    ("q /Clear gs Q " + TEXT, None),  # the state ends at its Q
    ("/Clear gs 1 Tr " + TEXT, None),  # stroked, not filled: the fill's opacity says nothing of it
    ("/Clear gs 2 Tr " + TEXT, None),  # filled and stroked: the stroke shows
    ("/Clear gs /NoStroke gs 2 Tr " + TEXT, "text drawn invisible on page 1, in text render mode 2 under a graphics "
                                            "state whose fill opacity /ca and stroke opacity /CA are 0"),
    ("/Clear gs 3 Tr /Fm Do", "text drawn invisible on page 1, in text render mode 3 or 7"),
    ("q 3 Tr Q " + TEXT, None),  # the render mode is kept per q ... Q as well
    ("3 Tr", None),  # a render mode no text is drawn in hides nothing
], ids=["/ca 0", "/ca 0 over a form", "/ca 0.2", "/ca 0 then /ca 1", "/ca 0 within q Q", "stroke only",
        "fill and stroke", "fill and stroke, both 0", "mode 3 over a form", "mode 3 within q Q", "mode 3, no text"])
def test_text_painted_with_opacity_0_is_drawn_invisible(tmp_path, content, invisible):
    forms = {10: (TEXT, None, None, None)}
    states = {"Clear": CLEAR, "NoStroke": NO_STROKE, "Solid": SOLID, "Faint": SEE_THROUGH_STATE}
    assert scanned(tmp_path, content, {"Fm": 10}, forms, OPACITIES, states) == invisible


# ------------------------------------------------------------------ clipping paths the content sets (W, W*)

FRAME = f"0 0 {WIDTH} {HEIGHT} re 50 50 500 700 re "  # the inner rectangle drawn the same way round as the page's
INNER_TURNED = f"0 0 {WIDTH} {HEIGHT} re 550 50 -500 700 re "  # the inner rectangle drawn the other way round
QUARTER_CLIP = f"0 0 {WIDTH // 2} {HEIGHT // 2} re W n "
THIN_STRIPS = "".join(f"{18 * i} 0 1 {HEIGHT} re " for i in range(33))  # 33 strips a unit wide: 66 upright edges


def under(clip: str) -> str:
    """A page's content: text, then within q ... Q a clip (or what the string holds), then an image over the page."""
    return TEXT + f"q {clip} {IMAGE_OVER_THE_PAGE} Q"


@pytest.mark.parametrize("clip, hides", [
    # an image over the whole page shows only a quarter of itself: a quarter of the page
    (QUARTER_CLIP, False),
    # half the page is enough, a unit less is not: what is measured is the clip's area
    (f"0 0 {WIDTH} {HEIGHT // 2} re W n", True),
    (f"0 0 {WIDTH} {HEIGHT // 2 - 1} re W n", False),
    # a polygon of straight lines, closed by h or not: half the page
    (f"0 0 m {WIDTH} 0 l {WIDTH} {HEIGHT // 2} l 0 {HEIGHT // 2} l h W n", True),
    (f"0 0 m {WIDTH} 0 l 0 {HEIGHT} l W n", True),
    # a bow tie whose sides cross: its two triangles, a quarter each, make half
    (f"0 0 m {WIDTH} {HEIGHT} l {WIDTH} 0 l 0 {HEIGHT} l h W n", True),
    # the clip's path is placed by the matrix in force where it is given: halved, then the image doubled back
    (f"0.5 0 0 0.5 0 0 cm 0 0 {WIDTH} {HEIGHT} re W n 2 0 0 2 0 0 cm", False),
    # turned a quarter: 800 by 300 of the turned space is the right half of the page, 800 by 299 a strip less
    (f"0 1 -1 0 {WIDTH} 0 cm 0 0 800 300 re W n 0 -1 1 0 0 {WIDTH} cm", True),
    (f"0 1 -1 0 {WIDTH} 0 cm 0 0 800 299 re W n 0 -1 1 0 0 {WIDTH} cm", False),
    # the nonzero rule: a rectangle inside another drawn the same way round fills; drawn the other way, a hole
    (FRAME + "W n", True),
    (INNER_TURNED + "W n", False),
    # the even-odd rule: the inner rectangle is a hole whichever way round, leaving a frame of 130,000
    (FRAME + "W* n", False),
    (INNER_TURNED + "W* n", False),
    # and a single rectangle is the same under either rule
    (f"0 0 {WIDTH} {HEIGHT // 2} re W* n", True),
    # the clip is set by whichever operator paints the path, not only n
    (f"0 0 {WIDTH // 2} {HEIGHT // 2} re W f", False),
    # a path that encloses nothing (a line) clips everything out
    (f"0 0 m {WIDTH} {HEIGHT} l W n", False),
], ids=["a quarter", "a half", "a unit less than half", "polygon, half", "triangle, half", "a bow tie",
        "path placed by the cm", "turned, half", "turned, less than half", "nonzero, inner filled",
        "nonzero, inner a hole", "even-odd, a frame", "even-odd, the other way round", "even-odd, one rectangle",
        "set by f", "a line"])
def test_a_clipping_path_clips_the_images_drawn_after_it(tmp_path, clip, hides):
    assert scanned(tmp_path, under(clip), {"Im": OPAQUE}) == (HIDDEN if hides else None)


# Text where neither clip below lets the image show, though within the L's hull: an image over text hides it,
# so these measure the clip by the page's half alone.
TEXT_OUTSIDE_THE_CLIP = "BT /F1 12 Tf 300 400 Td (Invoice) Tj ET\n"


@pytest.mark.parametrize("clip", [
    # an L along two edges, 130,000 of 480,000: a polygon that is not convex, measured as it is, not as its hull
    "0 0 m 600 0 l 600 100 l 100 100 l 100 800 l 0 800 l h W n",
    # two strips each a third of the page wide, the same strip twice: a third, counted once
    f"0 0 200 {HEIGHT} re 0 0 200 {HEIGHT} re W n",
], ids=["an L", "one strip twice"])
def test_a_clip_is_measured_as_it_is_not_by_its_hull_nor_twice(tmp_path, clip):
    assert scanned(tmp_path, TEXT_OUTSIDE_THE_CLIP + f"q {clip} {IMAGE_OVER_THE_PAGE} Q", {"Im": OPAQUE}) is None


@pytest.mark.parametrize("content, hides", [
    # the clip ends at its Q: the image after it shows whole
    (TEXT + f"q {QUARTER_CLIP}Q {IMAGE_OVER_THE_PAGE}", True),
    # a clip inside a clip is what both leave: a later, larger path never widens it
    (under(f"{QUARTER_CLIP}0 0 {WIDTH} {HEIGHT} re W n"), False),
    (under(f"0 0 {WIDTH} {HEIGHT} re W n q {QUARTER_CLIP}Q"), True),
    # two half pages, the left and the bottom, leave the quarter where they overlap
    (under(f"0 0 {WIDTH // 2} {HEIGHT} re W n 0 0 {WIDTH} {HEIGHT // 2} re W n"), False),
], ids=["ended by Q", "never widened", "inner clip ended by its Q", "two clips intersect"])
def test_a_clip_is_kept_per_q_and_only_narrows(tmp_path, content, hides):
    assert scanned(tmp_path, content, {"Im": OPAQUE}) == (HIDDEN if hides else None)


@pytest.mark.parametrize("content, forms, hides", [
    # a clip the form sets clips what the form draws after it
    (TEXT + "/Fm Do", {10: (QUARTER_CLIP + IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None)}, False),
    # and ends with the form: the page's image drawn after the form shows whole
    (TEXT + "/Fm Do " + IMAGE_OVER_THE_PAGE, {10: (QUARTER_CLIP, None, None, None)}, True),
    # a clip the page sets clips what a form drawn under it draws
    (TEXT + f"q {QUARTER_CLIP}/Fm Do Q", {10: (IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None)}, False),
    # the form's clip is in the form's space, placed by its /Matrix: a quarter of the form is all of the page
    (TEXT + "/Fm Do", {10: (f"{QUARTER_CLIP}300 0 0 400 0 0 cm /Im Do", "2 0 0 2 0 0", {"Im": OPAQUE}, None)},
     True),
    (TEXT + "/Fm Do", {10: ("0 0 150 200 re W n 300 0 0 400 0 0 cm /Im Do", "2 0 0 2 0 0", {"Im": OPAQUE}, None)},
     False),
    # within the form's box as well: a box over the left half and a clip over the bottom half leave a quarter
    (TEXT + "/Fm Do", {10: (f"0 0 {WIDTH} {HEIGHT // 2} re W n " + IMAGE_OVER_THE_PAGE, None, {"Im": OPAQUE}, None,
                            f"0 0 {WIDTH // 2} {HEIGHT}")}, False),
], ids=["set in the form", "ends with the form", "set by the page around the form", "form's Matrix, all the page",
        "form's Matrix, a quarter", "with the form's box"])
def test_a_clip_set_in_a_form_or_around_it(tmp_path, content, forms, hides):
    assert scanned(tmp_path, content, {"Fm": 10, "Im": OPAQUE}, forms) == (HIDDEN if hides else None)


@pytest.mark.parametrize("clip, hides", [
    # W with no operator painting its path after it: the clip is never set, and the image is taken at all it covers
    (f"0 0 {WIDTH // 2} {HEIGHT // 2} re W", True),
    (f"q 0 0 {WIDTH // 2} {HEIGHT // 2} re W Q", True),
    # something else between W and the operator that paints the path: the W waits for that operator, and sets the
    # clip there; an image drawn in between is drawn before the clip is set
    (f"0 0 {WIDTH // 2} {HEIGHT // 2} re W 1 w n", False),
    (f"0 0 {WIDTH // 2} {HEIGHT // 2} re W {IMAGE_OVER_THE_PAGE} n", True),
    # a W with no path clips nothing
    ("W n", True),
    # a path point that is no number, or beyond any page: where the path lies cannot be told, so it clips nothing
    ("0 0 /Name 400 re W n", True),
    (f"0 0 m {ENORMOUS} 0 l 0 {ENORMOUS} l W n", True),
    # a W ends with its path: the next path, painted without one, clips nothing
    (f"0 0 {WIDTH} {HEIGHT} re W n 0 0 {WIDTH // 2} {HEIGHT // 2} re n", True),
], ids=["never painted", "ended by Q unpainted", "an operator before n", "an image before n", "no path",
        "no number", "beyond any page", "a later path without W"])
def test_a_malformed_clip_is_taken_at_the_larger_of_what_it_may_show(tmp_path, clip, hides):
    assert scanned(tmp_path, under(clip), {"Im": OPAQUE}) == (HIDDEN if hides else None)


@pytest.mark.parametrize("path, hides", [
    # a curve's region is taken as the box of the path's points, control points too: this one runs out along the
    # page's diagonal and back, enclosing nothing, but its box is the whole page
    (f"0 0 m {WIDTH} {HEIGHT} {WIDTH} {HEIGHT} 0 0 c h", True),
    (f"0 0 m {WIDTH} {HEIGHT} 0 0 v h", True),
    (f"0 0 m {WIDTH} {HEIGHT} 0 0 y h", True),
    # a circle of radius 200 (as four curves), whose box is a third of the page
    ("500 400 m 500 510 410 600 300 600 c 190 600 100 510 100 400 c 100 290 190 200 300 200 c "
     "410 200 500 290 500 400 c h", False),
    # more edges than are cut exactly: 33 strips a unit wide, 3% of the page, taken as their box, 99%
    (THIN_STRIPS, True),
    (THIN_STRIPS.rsplit(" re ", 2)[0] + " re ", False),  # 32 strips, 64 edges: cut exactly
], ids=["c", "v", "y", "a circle", "33 strips", "32 strips"])
def test_a_clip_that_is_not_cut_exactly_is_taken_as_its_box(tmp_path, path, hides):
    assert scanned(tmp_path, under(path + " W n"), {"Im": OPAQUE}) == (HIDDEN if hides else None)


def test_the_work_of_cutting_clips_counts_against_the_operators_followed(tmp_path):
    # 32 squares, each above and to the right of the one before: 64 edges at 64 heights, compared in pairs and cut
    # into pieces with the work of some 6,000 steps; set 300 times, that is more than a page allows, in 11,000
    # operators
    stairs = "".join(f"{10 * i} {10 * i} 5 5 re " for i in range(32))
    forms = {10: (f"q {stairs}W n Q", None, None, None)}
    said = scanned(tmp_path, TEXT + "/Fm Do " * 300, {"Fm": 10}, forms)
    assert said is not None and said.startswith(NEEDS_MORE_WORK + "page 1 needed more than 200,000 steps")
    assert scanned(tmp_path, TEXT + "/Fm Do " * 20, {"Fm": 10}, forms) is None
    assert followed(tmp_path).spent > 20 * 6_000


# ------------------------------------------------------------------ clips measured past rounding, matrices, work

def test_a_clipping_triangle_holding_the_whole_page_clips_nothing_of_it(tmp_path):
    # the triangle is cut into one piece whose two top corners, both the apex, rounding can put a hair apart and the
    # wrong way round: the side between them, 1e-13 long, is not taken as one of the clip's (it would leave only what
    # lies above the apex)
    apexes = [(557.8, 2878.3), (16.6, 1236.0)]
    rng = random.Random(7)
    # apexes this high over the page, on a base wider than the page below it, hold all of it
    apexes += [(round(rng.uniform(0, WIDTH), 1), round(rng.uniform(2000, 3000), 1)) for _ in range(30)]
    for x, y in apexes:
        clip = f"-2000 -10 m 2600 -10 l {x} {y} l h W n"
        assert scanned(tmp_path, under(clip), {"Im": OPAQUE}) == HIDDEN, clip


@pytest.mark.parametrize("clip, hides", [
    # a path built under one matrix and painted under another: MuPDF and poppler place it all by the matrix at the
    # operator that paints it, a renderer that places each point as it is given elsewhere; it clips nothing
    (f"q 0.001 0 0 0.001 0 0 cm 0 0 {WIDTH} {HEIGHT} re Q W n", True),
    ("0 0 10 10 re 60 0 0 80 0 0 cm W n 0.0166667 0 0 0.0125 0 0 cm", True),
    (f"q 2 0 0 2 0 0 cm 0 0 {WIDTH // 4} {HEIGHT // 4} re Q W n", True),
    ("0 0 300 400 re 0.5 0 0 0.5 0 0 cm 0 0 10 10 re W n 2 0 0 2 0 0 cm", True),  # a cm between two subpaths
    # a Q or a cm that leaves the matrix as it was changes nothing: the path clips
    (f"q 0 0 {WIDTH // 2} {HEIGHT // 2} re Q W n", False),
    (f"0 0 {WIDTH // 2} {HEIGHT // 2} re 1 0 0 1 0 0 cm W n", False),
], ids=["Q before W n", "cm before W n", "Q before W n, renderers' quarter", "cm between subpaths",
        "Q, the same matrix", "identity cm"])
def test_a_clipping_path_built_while_the_matrix_changes_clips_nothing(tmp_path, clip, hides):
    assert scanned(tmp_path, under(clip), {"Im": OPAQUE}) == (HIDDEN if hides else None)


def tangent_cuts(radius: float, degrees) -> str:
    """Clips each keeping the side, holding the page's centre, of the tangent to a circle about it at each angle: a
    quadrilateral with a level top and bottom beyond the page, cut into one piece, so the clip stays one piece and
    each clip adds a corner to it."""
    cx, cy, out = WIDTH / 2, HEIGHT / 2, []
    for degree in degrees:
        sin, cos = math.sin(math.radians(degree)), math.cos(math.radians(degree))
        x, y = cx + radius * cos, cy + radius * sin
        bottom, top, far = x + (1000 + y) / cos * sin, x - (2000 - y) / cos * sin, -5000 if cos > 0 else 5000
        out.append(f"{far} -1000 m {bottom:.3f} -1000 l {top:.3f} 2000 l {far} 2000 l h W n ")
    return "".join(out)


SIXTEEN_CUTS = [*range(-42, 43, 12), *range(138, 223, 12)]  # eight each side: a piece of 16 corners
EIGHTEEN_CUTS = [*range(-48, 49, 12), *range(132, 229, 12)]  # nine each side: 18 corners


@pytest.mark.parametrize("cuts, hides", [
    # 16 corners are measured as they are: 44% of the page
    (SIXTEEN_CUTS, False),
    # more are taken as the piece's box, larger: 42% of the page shows, and the box less what later cuts trim from it
    # holds over half
    (EIGHTEEN_CUTS, True),
], ids=["16 corners", "18 corners"])
def test_a_piece_of_the_clip_of_many_corners_is_taken_as_its_box(tmp_path, cuts, hides):
    assert scanned(tmp_path, under(tangent_cuts(240, cuts)), {"Im": OPAQUE}) == (HIDDEN if hides else None)


def test_the_corners_of_the_clip_an_image_is_measured_against_count_against_the_operators_followed(tmp_path):
    # 5,000 small images drawn (a form drawing one 50 times, drawn 100 times): under the page alone, 8 steps each;
    # under a clip of 16 corners, measuring each takes ten times the work, 80, and the page too much
    forms = {10: ("/Im Do " * 50, "10 0 0 10 295 395", {"Im": OPAQUE}, None, "-100 -100 100 100")}
    drawn = "/Fm Do " * 100
    assert scanned(tmp_path, TEXT + f"q {drawn}Q", {"Fm": 10}, forms) is None
    assert 5_000 * 8 < followed(tmp_path).spent < 5_000 * 8 + 5_000
    said = scanned(tmp_path, TEXT + f"q {tangent_cuts(200, SIXTEEN_CUTS)}{drawn}Q", {"Fm": 10}, forms)
    assert said is not None and said.startswith(NEEDS_MORE_WORK + "page 1 needed more than 200,000 steps")
