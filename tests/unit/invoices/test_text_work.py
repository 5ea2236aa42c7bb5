"""The text layer's work, bounded as the scan check's is: pypdf's text extraction parses a form's content anew at
each ``Do`` that draws it, forms inside forms too, so what it would do is counted from the page's parsed operators
before it does it, against an allowance per page and a cap per file. What is counted is read from the count's own
figures and from which contents pypdf parses, never from a clock."""

import io

import pytest

pypdf = pytest.importorskip("pypdf")

from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject  # noqa: E402

from client.invoices import MalformedInput, read_scans  # noqa: E402
from client.invoices import _pdf_text  # noqa: E402
from client.invoices._pdf_text import _work  # noqa: E402

from .test_scan_work import SAMPLE, counting_parses  # noqa: E402

TOO_MUCH = "the file needs more work to read its text than reading allows: "
FORM_NUMBERS = b"0 " * 25_000 + b"n\n"  # 50 KB of one-digit numbers: 25,000 steps to parse each time it is drawn


def _form(writer: pypdf.PdfWriter, content: bytes, fonts, xobjects: dict | None = None):
    """A form XObject of this content, its resources the fonts given (and these XObjects), added to the file. Its
    box holds the text a stamp draws at 20 20: text outside it is clipped away, which a viewer does not show."""
    form = DecodedStreamObject()
    form.set_data(content)
    resources = DictionaryObject({NameObject("/Font"): fonts})
    if xobjects:
        resources[NameObject("/XObject")] = DictionaryObject({NameObject(k): v for k, v in xobjects.items()})
    form.update({NameObject("/Subtype"): NameObject("/Form"), NameObject("/Resources"): resources,
                 NameObject("/BBox"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 40)])})
    return writer._add_object(form)


def sample_drawing(drawn: bytes, form: bytes = FORM_NUMBERS, nested: int = 0, pages: int = 1,
                   heavy_pages: tuple[int, ...] = (1,)) -> bytes:
    """The shipped sample's page ``pages`` times; on each of ``heavy_pages`` (from 1) the page's content draws
    ``drawn`` (naming the form /F) after its own. /F is a form of this content, or, ``nested`` levels deep, a form
    drawing the one below it ten times."""
    writer = pypdf.PdfWriter()
    for number in range(1, pages + 1):
        writer.add_page(pypdf.PdfReader(SAMPLE).pages[0])
        if number not in heavy_pages:
            continue
        page = writer.pages[-1]
        resources = page["/Resources"].get_object()
        # the page's fonts, and Helvetica for text of a form's own
        fonts = DictionaryObject(resources["/Font"].get_object())
        fonts[NameObject("/FH")] = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                     NameObject("/Subtype"): NameObject("/Type1"),
                                                     NameObject("/BaseFont"): NameObject("/Helvetica")})
        drawn_form = _form(writer, form, fonts)
        for _ in range(nested):
            drawn_form = _form(writer, b"/G Do\n" * 10, fonts, {"/G": drawn_form})
        _draw_after(writer, page, drawn_form, drawn)
    return _written(writer)


def _draw_after(writer, page, form, drawn: bytes) -> None:
    """The page's resources name ``form`` /F, and its content draws ``drawn`` after its own."""
    resources = page["/Resources"].get_object()
    resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()[NameObject("/F")] = form
    extra = DecodedStreamObject()
    extra.set_data(drawn)
    page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), writer._add_object(extra)])


def _written(writer) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def text_of(data: bytes):
    contents = _pdf_text.PageContents()
    text, _ = _pdf_text.text_layer(pypdf.PdfReader(io.BytesIO(data)).pages, contents)
    return text, contents


def test_a_large_form_drawn_a_thousand_times_is_entered_only_as_often_as_the_page_allows(tmp_path, monkeypatch):
    data = sample_drawing(b"q /F Do Q\n" * 1000)
    parsed = counting_parses(monkeypatch)
    work = _work._TextWork(_pdf_text.PageContents())
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    entered = work.forms_within(page, 1)
    # each time drawn, 25,000 steps to parse, its operator and its font: 7 fit in the page's 200,000 with its own
    # content, an 8th does not
    assert entered == 7 and work.stopped == [1]
    counted = work.spent - work.parsing
    assert 7 * 25_000 < counted <= 200_000 < counted + 25_100
    # pypdf parses the form 7 times, as many as counted, besides the count's own one parse
    parsed.clear()
    text, contents = text_of(data)
    assert parsed.count(b"0 0") == 1 + 7
    # the page's own text is read all the same, and said to be not all there is
    assert "发票号码" in text
    assert contents.unread.startswith(TOO_MUCH + "page 1 needed more than 200,000 steps besides ")
    assert contents.unread.endswith("what page 1 draws past that is not read, so the text is taken as doubtful")


def test_a_page_stopped_short_is_read_with_every_field_flagged_and_why(tmp_path):
    path = tmp_path / "redrawn.pdf"
    path.write_bytes(sample_drawing(b"q /F Do Q\n" * 1000))
    result = read_scans(path)[0]
    assert result.method == "ocr-text-layer" and not result.ok
    assert all(field.flagged for field in result.fields.values())
    reason = result.fields["number"].reason
    assert reason.startswith(f"read from the PDF's text layer ({TOO_MUCH}page 1 needed more than 200,000 steps")
    assert "check it against the page image" in reason


def test_forms_nested_five_deep_ten_times_each_are_counted_through_the_nesting(monkeypatch):
    # 10^5 draws of a 10 KB form asked for: pypdf would enter 5,000 of them (its own limit), 25 MB parsed
    data = sample_drawing(b"/F Do\n", form=b"0 " * 5_000 + b"n\n", nested=5)
    parsed = counting_parses(monkeypatch)
    text, contents = text_of(data)
    assert "发票号码" in text and contents.unread.startswith(TOO_MUCH + "page 1 needed more than 200,000 steps")
    innermost = parsed.count(b"0 0")
    assert 2 <= innermost <= 1 + 200_000 // 2_500


def test_a_form_drawn_a_few_times_is_read_whole(tmp_path, monkeypatch):
    # a form with text of its own, drawn three times: all three read, nothing said
    form = b"BT /FH 9 Tf 1 0 0 1 20 20 Tm (STAMP) Tj ET\n"
    data = sample_drawing(b"q /F Do Q\n" * 3, form=form)
    text, contents = text_of(data)
    assert contents.unread is None and text.count("STAMP") == 3
    path = tmp_path / "stamped.pdf"
    path.write_bytes(data)
    result = read_scans(path)[0]
    assert result.method == "text-layer" and not any(field.flagged for field in result.fields.values())


def test_the_sample_reads_as_pypdf_extracts_it_unbounded():
    reader = pypdf.PdfReader(SAMPLE)
    text, contents = text_of(open(SAMPLE, "rb").read())
    assert contents.unread is None and text == reader.pages[0].extract_text()


def test_a_form_that_draws_itself_is_entered_once_as_pypdf_does(monkeypatch):
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(SAMPLE).pages[0])
    page = writer.pages[0]
    resources = page["/Resources"].get_object()
    form = _form(writer, b"/F Do\n", resources["/Font"])
    form.get_object()["/Resources"][NameObject("/XObject")] = DictionaryObject({NameObject("/F"): form})
    resources.setdefault(NameObject("/XObject"), DictionaryObject()).get_object()[NameObject("/F")] = form
    extra = DecodedStreamObject()
    extra.set_data(b"/F Do\n" * 3)
    page[NameObject("/Contents")] = ArrayObject([page.raw_get("/Contents"), writer._add_object(extra)])
    out = io.BytesIO()
    writer.write(out)
    work = _work._TextWork(_pdf_text.PageContents())
    assert work.forms_within(pypdf.PdfReader(io.BytesIO(out.getvalue())).pages[0], 1) is None
    assert work._entered == 3 and not work.stopped


def test_only_the_page_that_needs_more_is_stopped_short_and_the_pages_after_it_are_read(monkeypatch):
    data = sample_drawing(b"q /F Do Q\n" * 1000, pages=4, heavy_pages=(2, 3))
    text, contents = text_of(data)
    assert text.count("发票号码") == 4
    assert contents.unread.startswith(TOO_MUCH + "pages 1 to 2 needed more than ")
    assert contents.unread.endswith("what page 2 draws past that is not read (nor what page 3 draws past its), so "
                                    "the text is taken as doubtful")


def test_a_page_whose_own_content_is_more_than_allowed_is_not_read(tmp_path, monkeypatch):
    # the page's own content alone more than the page and the file allow: not parsed, nor extracted
    monkeypatch.setattr(_work, "_WORK_PER_PAGE", 1_000)
    monkeypatch.setattr(_work, "_WORK_PER_FILE", 1_000)
    monkeypatch.setattr(_work, "_PARSING_BEYOND_PAGES", 0)
    text, contents = text_of(open(SAMPLE, "rb").read())
    assert text == "" and contents.unread.startswith(TOO_MUCH + "page 1 needed more than ")
    # with no invoice in what was read and no page images, the error says why
    path = tmp_path / "sample.pdf"
    path.write_bytes(open(SAMPLE, "rb").read())
    with pytest.raises(MalformedInput, match=r"no invoice in what was read of the PDF's text layer \(the file needs "
                                             r"more work to read its text"):
        read_scans(path)


def _cmap(entries: int) -> bytes:
    """A /ToUnicode CMap mapping this many codes, one a line (14 bytes each)."""
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <0000> <FFFF> "
            b"endcodespacerange\n%d beginbfchar\n" % entries
            + b"".join(b"<%04X> <%04X>\n" % (i, i) for i in range(entries)) + b"endbfchar\nendcmap\nend end\n")


def _drawing_form(form_object, drawn: bytes) -> bytes:
    """The sample's page drawing ``drawn`` after its own content, /F being the form object given (made by a
    function of the writer)."""
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(SAMPLE).pages[0])
    _draw_after(writer, writer.pages[0], form_object(writer), drawn)
    return _written(writer)


def _heavy_font(writer, entries: int):
    cmap = DecodedStreamObject()
    cmap.set_data(_cmap(entries))
    return writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"), NameObject("/ToUnicode"): writer._add_object(cmap)}))


def test_a_font_is_counted_by_what_building_it_reads_at_each_form_that_builds_it():
    # a form of one operator whose font maps 30,000 codes (420 KB): pypdf builds the font at each of the 60 Dos
    data = _drawing_form(lambda writer: _form(writer, b"n\n", DictionaryObject({NameObject("/FX"): _heavy_font(
        writer, 30_000)})), b"q /F Do Q\n" * 60)
    work = _work._TextWork(_pdf_text.PageContents())
    entered = work.forms_within(pypdf.PdfReader(io.BytesIO(data)).pages[0], 1)
    # each build some 420,000 / 8 + 30,000 steps: 38 fit in the page's 200,000 and the 3,000,000 building fonts
    # may take past it, a 39th does not
    assert entered == 38 and work.stopped == [1]
    heaviest = max(steps for _, steps in work._fonts_read.values())
    assert 30_000 + 420_000 // 8 < heaviest < 30_000 + 440_000 // 8 + 100
    assert 38 * heaviest < work.fonts < 38 * heaviest + 5_000  # and the page's own fonts, once
    assert _work._too_much_said(work, "page 1", "", "").startswith(
        "the file needs more work : page 1 needed more than 200,000 steps besides ")
    assert "and 3,000,000 building fonts," in _work._too_much_said(work, "page 1", "", "")


def test_a_form_whose_content_cannot_be_read_is_counted_with_the_fonts_extraction_builds_for_it():
    # no stream: pypdf enters it, builds its fonts, then finds no content
    def form(writer):
        fonts = DictionaryObject({NameObject("/FX"): _heavy_font(writer, 30_000)})
        return writer._add_object(DictionaryObject({NameObject("/Subtype"): NameObject("/Form"),
                                                    NameObject("/Resources"): DictionaryObject({
                                                        NameObject("/Font"): fonts})}))
    work = _work._TextWork(_pdf_text.PageContents())
    entered = work.forms_within(pypdf.PdfReader(io.BytesIO(_drawing_form(form, b"/F Do\n" * 60))).pages[0], 1)
    assert entered == 38 and work.stopped == [1]


def test_a_letterhead_form_larger_than_a_page_allows_drawn_once_is_read_whole(tmp_path):
    # 500 KB of vector art drawn once: its parses draw on what parsing may take past the page's allowance
    art = b"123.45 678.9 m 234.56 789.01 l 345.67 890.12 l S\n" * 10_000
    data = sample_drawing(b"q 0.2 0 0 0.2 10 10 cm /F Do Q\n", form=art)
    text, contents = text_of(data)
    assert contents.unread is None and "发票号码" in text
    path = tmp_path / "letterhead.pdf"
    path.write_bytes(data)
    result = read_scans(path)[0]
    assert result.method == "text-layer" and not any(field.flagged for field in result.fields.values())
    # drawn twice, the second parse is the page's: 250,000 steps more than the page allows
    work = _work._TextWork(_pdf_text.PageContents())
    assert work.forms_within(pypdf.PdfReader(io.BytesIO(sample_drawing(b"/F Do\n" * 2, form=art))).pages[0], 1) == 1


@pytest.mark.parametrize(("content", "steps"), [
    (b"BT /FH 9 Tf [" + b"(a)" * 1_000 + b"] TJ ET\n", 8 * 1_000),
    (b"BT /FH 9 Tf [" + b"(a)-20" * 1_000 + b"] TJ ET\n", (8 + 2) * 1_000),
    (b"BT /FH 9 Tf " + b"(a) ' " * 1_000 + b"ET\n", 2 * 8 * 1_000),
    (b"BT /FH 9 Tf " + b'1 1 (a) " ' * 1_000 + b"ET\n", 4 * 8 * 1_000),
])
def test_text_shown_is_counted_by_what_extraction_does_for_it(content, steps):
    # a TJ by each element of its array, a ' and a " as the operators they stand for
    work = _work._TextWork(_pdf_text.PageContents())
    assert work.forms_within(pypdf.PdfReader(io.BytesIO(sample_drawing(b"/F Do\n", form=content))).pages[0], 1) is None
    form = next(iter(work._forms.values()))
    assert steps < form[4] - form[5] < steps + 40


def test_the_scan_check_has_what_the_text_layer_left_of_the_files_cap(monkeypatch):
    monkeypatch.setattr(_work, "_WORK_PER_FILE", 210_000)
    data = sample_drawing(b"q /F Do Q\n" * 7)  # 7 x 25,000 steps of the text layer's, and its parsing
    text, contents = text_of(data)
    assert contents.unread is None and 175_000 < contents.text_work <= 210_000
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    assert _pdf_text.scanned_layer(pages, contents).startswith(
        "the file needs more work to check than the check allows")
    assert _pdf_text.scanned_layer(pages, _pdf_text.PageContents()) is None


def _embedded_whole(writer, name: str, codes: int = 28_000):
    """A font embedded whole, as exports that do not subset write it: its /ToUnicode maps this many codes (some
    400 KB), built at some 106,000 steps."""
    font = _heavy_font(writer, codes)
    font.get_object()[NameObject("/BaseFont")] = NameObject(name)
    return font


@pytest.mark.parametrize(("whole", "stamps"), [(4, 1), (2, 10)])
def test_an_invoice_whose_fonts_are_embedded_whole_reads_as_before(tmp_path, whole, stamps):
    # such fonts on the page, and stamps (forms) whose resources name them too: each built again for each stamp,
    # more than the page's 200,000 steps, within what building fonts may take past them (four fonts built twice;
    # two built for the page and for each of ten stamps: header, footer, seals)
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(SAMPLE).pages[0])
    page = writer.pages[0]
    fonts = DictionaryObject(page["/Resources"]["/Font"].get_object())
    for number in range(1, whole + 1):
        fonts[NameObject(f"/W{number}")] = _embedded_whole(writer, f"/Whole{number}")
    page["/Resources"].get_object()[NameObject("/Font")] = fonts
    _draw_after(writer, page, _form(writer, b"BT /W1 9 Tf 1 0 0 1 20 20 Tm (STAMP) Tj ET\n", fonts), b"/F Do\n" * stamps)
    path = tmp_path / "whole_fonts.pdf"
    path.write_bytes(_written(writer))
    text, contents = text_of(path.read_bytes())
    assert contents.unread is None and "发票号码" in text and "STAMP" in text
    assert 8 * 28_000 < contents.text_work < 200_000 + _work._FONTS_BEYOND_PAGES
    result = read_scans(path)[0]
    assert result.method == "text-layer" and not any(field.flagged for field in result.fields.values())


def _plain_font(subtype: str, **entries):
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject(subtype),
                             NameObject("/BaseFont"): NameObject("/X")})
    font.update({NameObject(k): v for k, v in entries.items()})
    return font


def _stream(data: bytes, **entries):
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(k): v for k, v in entries.items()})
    return stream


def _repeated_range(writer):
    # one bfrange of 256 one-byte codes, 390 times over (6.8 KB): pypdf maps 99,840 codes into 256 keys
    cmap = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n1 begincodespacerange <00> <FF> "
            b"endcodespacerange\n100 beginbfrange\n" + b"<00> <FF> <0041>\n" * 390 + b"endbfrange\nendcmap\nend end\n")
    return writer._add_object(_plain_font("/Type1", **{"/ToUnicode": writer._add_object(_stream(cmap))}))


def _type1_font_file(writer):
    # no /ToUnicode, an embedded Type1 font file whose encoding has 20,000 dup lines (280 KB): pypdf hashes the file
    # and adds the 20,000 codes read from it again at each build
    data = b"%!PS-AdobeFont-1.0: X\n/Encoding 256 array\n" + b"dup 65 /A put\n" * 20_000 + b"readonly def\neexec\n"
    font_file = writer._add_object(_stream(data, **{"/Length1": NumberObject(len(data))}))
    descriptor = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/FontDescriptor"),
                                                      NameObject("/FontName"): NameObject("/X"),
                                                      NameObject("/Flags"): NumberObject(32),
                                                      NameObject("/FontFile"): font_file}))
    return writer._add_object(_plain_font("/Type1", **{"/FontDescriptor": descriptor}))


def _type3_char_procs(writer):
    # no /ToUnicode, a /CharProcs of 100,000 glyph names: pypdf looks each up at each build
    procs = writer._add_object(ArrayObject([NameObject("/A")] * 100_000))
    return writer._add_object(_plain_font("/Type3", **{"/CharProcs": procs, "/FontMatrix": ArrayObject(
        [NumberObject(n) for n in (1, 0, 0, 1, 0, 0)])}))


@pytest.mark.parametrize(("font", "steps"), [
    (_repeated_range, 99_840 + 6_800 // 8),
    (_type1_font_file, 20_000 + 280_000 // 8),
    (_type3_char_procs, 100_000),
])
def test_a_font_is_counted_by_each_code_pypdf_processes_building_it(font, steps):
    # a form of one operator drawn with the font 100 times: each build counts what pypdf goes through, so only as
    # many as fit in the page's allowance and what building fonts may take past it are entered
    data = _drawing_form(lambda writer: _form(writer, b"n\n", DictionaryObject({NameObject("/FX"): font(writer)})),
                         b"q /F Do Q\n" * 100)
    work = _work._TextWork(_pdf_text.PageContents())
    entered = work.forms_within(pypdf.PdfReader(io.BytesIO(data)).pages[0], 1)
    heaviest = max(counted for _, counted in work._fonts_read.values())
    assert steps < heaviest < steps + 1_000
    room = 200_000 + _work._FONTS_BEYOND_PAGES
    assert work.stopped == [1] and room // heaviest - 1 <= entered <= room // heaviest
