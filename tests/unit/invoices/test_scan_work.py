"""The scan check's measure of a clip reaching far beyond the page, and the work it counts and allows: an allowance
per page and a cap per file, the bytes of each content stream parsed, and the graphics states the content names. The
PDFs are written as in test_scan_forms.py; what is counted is read from the check's own figures (``spent``,
``allowed``), never from a clock."""

import io
import random
import zlib

import pytest

pypdf = pytest.importorskip("pypdf")

from client.invoices import _pdf_text, read_scans  # noqa: E402
from client.invoices._pdf_text import _geometry, _painting, _work  # noqa: E402
from client.invoices._pdf_text._geometry import _clipped  # noqa: E402

from .test_scan_forms import HIDDEN, NEEDS_MORE_WORK, OPAQUE, STENCIL, TEXT, WHOLE_PAGE, followed, scanned  # noqa: E402

SAMPLE = "client/invoices/reference_data/samples/einvoice.pdf"
SEE_STATE = 900  # a graphics state's object number


# ------------------------------------------------------------------ a clip reaching far beyond the page

def test_a_clip_reaching_a_hundred_billion_units_out_holds_the_page_it_covers(tmp_path):
    # a rectangle over the page running out to x = 1e11, and in the same path ten marks off the page's left that cut
    # it into bands 90 units high: each band's short upright sides are no rounding's, though short beside 1e11
    marks = "".join(f"-3000 {90 * i} 5 1 re " for i in range(10))
    clip = f"-10 -10 100000000000 820 re {marks}W n"
    assert scanned(tmp_path, TEXT + f"q {clip} {WHOLE_PAGE} cm /Im Do Q", {"Im": OPAQUE}) == HIDDEN


def star(edges: int, seed: int = 5) -> str:
    """A closed path of crossing edges off the page's left (x -3000 .. -1000): where they cross, the bands a path
    holding it is cut into are a unit or two high."""
    rng = random.Random(seed)
    points = [((-3000 if i % 2 else -1000) + rng.uniform(-5, 5), rng.uniform(-10, 810)) for i in range(edges)]
    return f"{points[0][0]:.2f} {points[0][1]:.2f} m " + " ".join(f"{x:.2f} {y:.2f} l" for x, y in points[1:]) + " h"


@pytest.mark.parametrize("clip, hides", [
    # a rectangle over the page out to x = 2e9 in one path with the star: MuPDF and poppler show all the image
    (f"-10 -10 2000000000 820 re {star(61)} W n", True),
    # the same rectangle over 40% of the page: what the check counts of it is 40%, however many specks the star
    # leaves off the page, none of them taken to hold the page
    (f"0 0 600 320 re {star(61)} W n", False),
], ids=["the whole page", "two fifths"])
def test_a_clip_cut_into_thin_bands_is_measured_as_what_it_holds(tmp_path, monkeypatch, clip, hides):
    # the star's crossings take more than a page's allowance to cut: allowed here, to measure the clip
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", 10_000_000, raising=False)
    said = scanned(tmp_path, TEXT + f"q {clip} {WHOLE_PAGE} cm /Im Do Q", {"Im": OPAQUE})
    assert said == (HIDDEN if hides else None)


def test_a_clip_whose_sides_are_all_rounding_holds_no_more_than_its_box():
    page = [(0.0, 0.0), (600.0, 0.0), (600.0, 800.0), (0.0, 800.0)]
    speck = [(-2000.0, 5.0), (-2000.0 + 1e-7, 5.0), (-2000.0, 5.0 + 1e-7)]  # off the page's left
    assert _clipped(page, speck, 1e-6) == []
    sliver = [(-10.0, 100.0), (2e9, 100.0), (2e9, 100.0 + 1e-7), (-10.0, 100.0 + 1e-7)]  # across the page
    assert 0 < abs(_geometry._signed_area(_clipped(page, sliver, 1e-6))) <= 600 * 1e-7 * 1.01


# ------------------------------------------------------------------ an allowance per page, a cap per file

# an invoice page as report generators write it: a template form of 150 thin rules (filled rectangles), 120 text
# cells each clipped to its cell, a QR code and a seal (a stencil) each placed by its own cm, the page clipped to
# its box
RULES = (" ".join(f"{20 + (i % 10) * 56} {40 + (i // 10) * 48} 0.5 40 re f" for i in range(75)) + " "
         + " ".join(f"20 {40 + i * 10.5} 560 0.5 re f" for i in range(75)))
CELLS = " ".join(f"q {20 + (i % 6) * 93} {100 + (i // 6) * 30} 90 14 re W n BT /F1 9 Tf {22 + (i % 6) * 93} "
                 f"{103 + (i // 6) * 30} Td (cell {i}) Tj ET Q" for i in range(120))
INVOICE_PAGE = (f"q 0 0 600 800 re W n /Tpl Do {CELLS} q 80 0 0 80 480 680 cm /QR Do Q "
                f"q 120 0 0 120 400 60 cm /Seal Do Q Q")
INVOICE_OBJECTS = {"Tpl": 10, "QR": OPAQUE, "Seal": STENCIL}
TEMPLATE = {10: (RULES, None, None, None)}


def test_an_invoice_page_takes_a_tenth_of_its_allowance_at_most(tmp_path):
    assert scanned(tmp_path, INVOICE_PAGE, INVOICE_OBJECTS, TEMPLATE) is None
    painting = followed(tmp_path)
    # its content's 11 KB parsed, two bytes a step, some 5,400, its operators and the work of its 120 clips, some
    # 3,100, its objects and resources
    assert 5_000 < painting.parsing < painting.spent < painting.allowed // 20
    assert painting.allowed == 200_000


def test_a_long_export_of_invoice_pages_is_followed_to_its_end(tmp_path):
    # 330 invoice pages (a tax platform's export of many invoices): each page adds its allowance
    assert scanned(tmp_path, INVOICE_PAGE, INVOICE_OBJECTS, TEMPLATE, pages=330) is None
    painting = followed(tmp_path)
    assert not painting.too_much and painting.allowed == 20_000_000  # 330 x 200,000, capped
    # and the image of the whole page drawn over the last page's text is still seen
    said = scanned(tmp_path, INVOICE_PAGE + f" q {WHOLE_PAGE} cm /QR Do Q", INVOICE_OBJECTS, TEMPLATE, pages=330)
    assert said == HIDDEN


def test_what_a_page_leaves_of_its_allowance_is_carried_to_the_pages_after_it_up_to_the_files_cap(tmp_path,
                                                                                                    monkeypatch):
    assert scanned(tmp_path, INVOICE_PAGE, INVOICE_OBJECTS, TEMPLATE, pages=3) is None
    painting = _painting._Painting(_pdf_text.PageContents())
    invoice_pages = pypdf.PdfReader(tmp_path / "page.pdf").pages
    spent = []
    for page in invoice_pages:
        painting.follow(page)
        spent.append(painting.spent)
    # pages sharing one content stream: its bytes are parsed, and counted, once, on the first page, as the form's
    parsing, one_page, later = painting.parsing, spent[0] - painting.parsing, spent[1] - spent[0]
    assert spent[2] - spent[1] == later and parsing > 5_000 and painting.allowed == 3 * 200_000
    # a page allowed a little less than the invoice page's operators take: alone, that page is more than its
    # allowance (its content's first parse draws on the file's cap, not on it) ...
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", one_page - 100)
    painting = _painting._Painting(_pdf_text.PageContents())
    painting.follow(invoice_pages[0])
    assert painting.too_much and painting.allowed == one_page - 100
    # ... after a page that takes less than its own, it is followed: what that page left is carried
    scanned(tmp_path, TEXT, {})
    painting = _painting._Painting(_pdf_text.PageContents())
    painting.follow(pypdf.PdfReader(tmp_path / "page.pdf").pages[0])
    painting.follow(invoice_pages[0])
    assert not painting.too_much and painting.allowed == 2 * (one_page - 100)
    # the cap: whatever the pages allow, no more than the file's cap is followed, parsing too; the reason names the
    # pages
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", one_page)
    monkeypatch.setattr(_work, "_WORK_PER_FILE", parsing + one_page + later)
    said = scanned(tmp_path, INVOICE_PAGE, INVOICE_OBJECTS, TEMPLATE, pages=3)
    assert said == (f"{NEEDS_MORE_WORK}pages 1 to 3 needed more than {one_page + later:,} steps besides {parsing:,} "
                    f"parsing content, where a page allows {one_page:,} and a file {parsing + one_page + later:,} at "
                    "most, parsing too (a step is about the work of following one drawing operator or of parsing 2 "
                    "bytes of content); what its pages show is not known, so their text is taken as doubtful")
    assert scanned(tmp_path, INVOICE_PAGE, INVOICE_OBJECTS, TEMPLATE, pages=2) is None


def sample_with_form(content: bytes) -> bytes:
    """The shipped sample e-invoice with a form XObject of this content (Flate-compressed) drawn on its page."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(SAMPLE))
    page = writer.pages[0]
    form = pypdf.generic.StreamObject()
    form._data = zlib.compress(content, 9)
    N = pypdf.generic.NameObject
    form.update({N("/Type"): N("/XObject"), N("/Subtype"): N("/Form"), N("/Filter"): N("/FlateDecode"),
                 N("/BBox"): pypdf.generic.ArrayObject([pypdf.generic.NumberObject(n) for n in (0, 0, 1, 1)])})
    page[N("/Resources")][N("/XObject")] = pypdf.generic.DictionaryObject({N("/Fm"): writer._add_object(form)})
    draw = pypdf.generic.DecodedStreamObject()
    draw.set_data(b"/Fm Do")
    page[N("/Contents")] = pypdf.generic.ArrayObject([page.raw_get("/Contents"), writer._add_object(draw)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_file_that_needs_more_work_than_allowed_is_doubted_for_that_reason_alone(tmp_path):
    # the sample e-invoice with a form of 210,000 operators (a few hundred bytes compressed) drawn on its page
    path = tmp_path / "heavy.pdf"
    path.write_bytes(sample_with_form(b"n " * 210_000))
    result = read_scans(path)[0]
    assert result.method == "ocr-text-layer" and not result.ok
    reason = result.fields["number"].reason
    assert reason.startswith(f"read from the PDF's text layer ({NEEDS_MORE_WORK}page 1 needed more than 200,000 "
                             "steps")
    assert "taken as doubtful)" in reason and "scanner" not in reason and "?" not in reason


# ------------------------------------------------------------------ content parsed: counted before it is parsed

def counting_parses(monkeypatch) -> list:
    """The content streams pypdf parses from here on, each as the first bytes of its content."""
    parsed = []
    real = pypdf.generic.ContentStream._parse_content_stream

    def counting(stream, data):
        parsed.append(data.getvalue()[:3])
        return real(stream, data)

    monkeypatch.setattr(pypdf.generic.ContentStream, "_parse_content_stream", counting)
    return parsed


LONG_ARRAYS = "[0 " + "0 " * 44999 + "] TJ "  # one operator, 90 KB to parse


def test_a_forms_content_is_counted_by_its_bytes_before_it_is_parsed(tmp_path, monkeypatch):
    parsed = counting_parses(monkeypatch)
    # one array, 90 KB: parsed once and counted once, two bytes a step, however often the form is drawn
    assert scanned(tmp_path, TEXT + "/Fm Do " * 50, {"Fm": 10}, {10: (LONG_ARRAYS, None, None, None)}) is None
    assert parsed.count(b"[0 ") == 1
    painting = followed(tmp_path)
    assert 45_000 < painting.parsing < painting.spent < 50_000
    # five such, 450 KB to parse (a few hundred bytes compressed), in a file whose cap is what a page allows: more
    # than the file allows, so never parsed
    monkeypatch.setattr(_work, "_WORK_PER_FILE", 200_000)
    parsed.clear()
    said = scanned(tmp_path, TEXT + "/Fm Do", {"Fm": 10}, {10: (LONG_ARRAYS * 5, None, None, None)})
    assert said is not None and said.startswith(NEEDS_MORE_WORK + "page 1 needed more than ")
    assert b"[0 " not in parsed


def test_a_forms_first_parse_draws_on_the_files_cap_not_on_the_pages_allowance(tmp_path, monkeypatch):
    # a letterhead form of 450 KB, 225,000 steps to parse, more than the page allows: parsed, and its operators
    # followed on the page's own allowance
    parsed = counting_parses(monkeypatch)
    assert scanned(tmp_path, TEXT + "/Fm Do", {"Fm": 10}, {10: (LONG_ARRAYS * 5, None, None, None)}) is None
    assert parsed.count(b"[0 ") == 1
    painting = followed(tmp_path)
    assert painting.allowed == 200_000 and 225_000 < painting.parsing < painting.spent < 226_000
    # drawn on three pages, it is parsed and counted once
    assert scanned(tmp_path, TEXT + "/Fm Do", {"Fm": 10}, {10: (LONG_ARRAYS * 5, None, None, None)}, pages=3) is None
    assert 225_000 < followed(tmp_path).spent < 226_000


def test_a_pages_content_is_counted_by_its_bytes_as_a_forms_is(tmp_path):
    assert scanned(tmp_path, TEXT + LONG_ARRAYS, {}) is None
    assert 45_000 < followed(tmp_path).spent < 46_000


def test_a_pages_content_the_text_layer_parsed_is_not_counted_again(tmp_path, monkeypatch):
    # the text layer parses the page's 90 KB of content; the scan check follows its operators, parsing none
    scanned(tmp_path, TEXT + LONG_ARRAYS, {})
    pages = pypdf.PdfReader(tmp_path / "page.pdf").pages
    contents = _pdf_text.PageContents()
    _pdf_text.text_layer(pages, contents)
    parsed = counting_parses(monkeypatch)
    painting = _painting._Painting(contents)
    painting.follow(pages[0])
    assert parsed == [] and 0 < painting.spent < 100 and painting.parsing == 0
    # a page whose content the text layer did not parse is counted by its bytes, besides its operators and the font
    # its Tf names
    painting = _painting._Painting(_pdf_text.PageContents())
    painting.follow(pages[0])
    assert parsed == [b"BT "] and 45_000 < painting.parsing < painting.spent < painting.parsing + 100


def test_the_sample_with_a_page_of_vector_art_over_what_a_page_allows_is_read(tmp_path):
    # 400 KB of filled paths (a logo, a chart) in the page's own content, before the invoice's
    rng = random.Random(1)
    paths = "".join(f"{rng.uniform(400, 560):.3f} {rng.uniform(700, 800):.3f} m "
                    + " ".join(f"{rng.uniform(400, 560):.3f} {rng.uniform(700, 800):.3f} l" for _ in range(6))
                    + " h f\n" for _ in range(3_000))
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(SAMPLE))
    page = writer.pages[0]
    art = pypdf.generic.DecodedStreamObject()
    art.set_data(f"q 0.2 0.3 0.6 rg {paths} Q\n".encode())
    page[pypdf.generic.NameObject("/Contents")] = pypdf.generic.ArrayObject([writer._add_object(art),
                                                                            page.raw_get("/Contents")])
    path = tmp_path / "art.pdf"
    writer.write(path)
    result = read_scans(path)[0]
    assert result.method == "text-layer" and not any(field.flagged for field in result.fields.values())


# ------------------------------------------------------------------ graphics states: only those the content names

def test_only_the_graphics_states_the_content_names_are_read(tmp_path, monkeypatch):
    # 20 forms, each with resources of its own naming the same 500 graphics states, each setting one of them
    states = {f"G{i}": 1000 + i for i in range(500)}
    forms = {10 + i: (f"/G{i} gs", None, None, states) for i in range(20)}
    more_states = {number: "/ca 1" for number in states.values()}
    resolved = []
    real = pypdf.PdfReader.get_object

    def recording(reader, reference):
        resolved.append(reference if isinstance(reference, int) else reference.idnum)
        return real(reader, reference)

    monkeypatch.setattr(pypdf.PdfReader, "get_object", recording)
    read = []
    real_change = getattr(_painting, "_paint_change", None)
    monkeypatch.setattr(_painting, "_paint_change", lambda state: read.append(state) or real_change(state),
                        raising=False)
    content = TEXT + " ".join(f"/F{i} Do /F0 Do" for i in range(20))
    assert scanned(tmp_path, content, {f"F{i}": 10 + i for i in range(20)}, forms, more_states) is None
    assert sorted({number for number in resolved if number >= 1000}) == [1000 + i for i in range(20)]
    assert len(read) == 20  # each state read once, though /G0 is set 21 times
    # each state read counts as an object read, 64 steps
    assert followed(tmp_path).spent > 40 * _work._STEPS_PER_OBJECT


def test_a_dictionary_of_resources_counts_its_entries_when_first_read(tmp_path):
    # the page's /ExtGState dictionary of 30,000 states, one of them named twice: pypdf parses all of it to give
    # the one, 4 steps an entry, counted once
    states = {f"G{i}": SEE_STATE for i in range(30_000)}
    assert scanned(tmp_path, TEXT + "/G7 gs /G7 gs", {}, states=states, more_states={SEE_STATE: "/ca 1"}) is None
    assert 120_000 < followed(tmp_path).spent < 121_000
    # two forms, each with a dictionary of its own as large: more than a page allows, so the page is doubted
    forms = {10 + k: ("q /G7 gs Q", None, None, states) for k in range(2)}
    said = scanned(tmp_path, TEXT + "/F0 Do /F1 Do", {"F0": 10, "F1": 11}, forms, {SEE_STATE: "/ca 1"})
    assert said is not None and said.startswith(NEEDS_MORE_WORK + "page 1 needed more than 200,000 steps")


def test_a_page_the_text_layer_skipped_is_still_counted_by_its_bytes(tmp_path):
    # pypdf's text extraction returns "" for a page without /Resources before it reads the content: nothing was
    # parsed, so nothing is spared
    from pypdf.generic import NameObject
    scanned(tmp_path, LONG_ARRAYS, {})
    page = pypdf.PdfReader(tmp_path / "page.pdf").pages[0]
    del page[NameObject("/Resources")]
    contents = _pdf_text.PageContents()
    length = contents.unparsed_length(page)
    assert length > 40_000
    _pdf_text.text_layer([page], contents)
    assert contents.unparsed_length(page) == length


def test_an_xobject_that_is_no_dictionary_draws_nothing(tmp_path):
    from pypdf.generic import NameObject, NumberObject
    scanned(tmp_path, TEXT + f"q {WHOLE_PAGE} cm /Im Do Q", {"Im": OPAQUE})
    page = pypdf.PdfReader(tmp_path / "page.pdf").pages[0]
    page["/Resources"].get_object()["/XObject"][NameObject("/Im")] = NumberObject(3)   # /Im 3, not an object
    painting = _painting._Painting(_pdf_text.PageContents())
    painting.follow(page)
    assert not painting.too_much


def test_parsing_goes_past_the_pages_allowance_by_a_bounded_amount_in_all(tmp_path):
    # ten forms of 450 KB on one page, 2,250,000 steps to parse: more than the page's 200,000 and the 2,000,000
    # parsing may go past it by, though far below the file's cap
    forms = {10 + n: (LONG_ARRAYS * 5, None, None, None) for n in range(10)}
    content = TEXT + " ".join(f"/Fm{n} Do" for n in range(10))
    assert scanned(tmp_path, content, {f"Fm{n}": 10 + n for n in range(10)}, forms).startswith(NEEDS_MORE_WORK)
    painting = followed(tmp_path)
    assert painting.too_much and 1_800_000 < painting.parsing <= 200_000 + 2_000_000


def test_a_form_of_more_tokens_than_pypdf_parses_is_more_work_than_allowed():
    from pypdf.errors import LimitReachedError

    class Refused:
        @property
        def operations(self):
            raise LimitReachedError("Reached maximum number of tokens per stream.")
    painting = _painting._Painting(_pdf_text.PageContents())
    painting._allow()
    assert painting._parsed_once(object(), lambda: 10, Refused) == []
    assert painting.too_much


def test_each_page_adds_to_what_parsing_may_take_past_the_pages_allowance():
    # an export whose first page draws a 2.5 MB letterhead form and whose later pages draw another: each first
    # parse 1,250,000 steps, together more than one page's 2,000,000 but within two pages'
    def parsed_on(pages: list[int]) -> bool:
        painting = _painting._Painting(_pdf_text.PageContents())
        for forms in pages:
            painting.pages += 1
            painting._allow()
            for _ in range(forms):
                painting._allow(1_250_000)
        return not painting.too_much
    assert parsed_on([1, 1, 0])
    assert not parsed_on([2])           # both on one page: more than a page may parse


def test_content_pypdf_refuses_to_decode_is_more_work_than_allowed():
    from pypdf.errors import LimitReachedError

    def refused():
        raise LimitReachedError("Limit reached while decompressing.")
    painting = _painting._Painting(_pdf_text.PageContents())
    painting.pages = 1
    painting._allow()
    assert painting._parsed_once(object(), refused, lambda: None) == []
    assert painting.too_much
