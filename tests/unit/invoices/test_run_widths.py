"""How wide the scan check takes a run of text: as far as its glyphs advance the text, each code's width read from
its font (a simple font's /Widths, a CIDFont's /W and /DW), times the font size, with the character and word spacing
and a TJ's numbers, all times the horizontal scaling (ISO 32000-1 9.4.4). A font that gives no widths is estimated
at 0.6 em a byte."""

import pytest

pypdf = pytest.importorskip("pypdf")

from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject,  # noqa: E402
                           NumberObject)

from client.invoices._pdf_text import PageContents, scanned_layer  # noqa: E402
from client.invoices._pdf_text._painting import _Painting  # noqa: E402

WIDTH, HEIGHT = 600, 800
DIGIT_CIDS = 16  # the CIDs of 0 to 9 in the CIDFont below, each 500 wide (half an em), as a CJK font's digits are
WIDE_DIGITS = "BT /CID 10 Tf 100 700 Td <0011001200130014> Tj ET "  # 1234: 2 ems, where 0.6 em a byte makes 4.8


def _names(entries: dict) -> DictionaryObject:
    return DictionaryObject({NameObject(key): value for key, value in entries.items()})


def _numbers(values) -> ArrayObject:
    return ArrayObject([NumberObject(v) if isinstance(v, int) else FloatObject(v) for v in values])


def _fonts(writer: pypdf.PdfWriter) -> DictionaryObject:
    """/CID: a Type0 font encoded Identity-H whose CIDFont gives the digits half an em (/W) and others /DW 1000;
    /NoDW: the same without /DW; /Simple: a TrueType font whose /Widths give 0 to 9 (codes 48 to 57) 556, and a
    space 278, its /MissingWidth 400; /Type3: a Type3 font of glyphs 1000 units of its glyph space wide, which its
    /FontMatrix makes a hundredth of an em each; /Helvetica, which gives no widths; /UCS2, a Type0 font whose CMap
    is not Identity-H; /Broken, whose /Widths start at a /FirstChar below 0, which pypdf does not read."""
    def cid_font(**more):
        descendant = _names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/CIDFontType2"),
                             "/BaseFont": NameObject("/Cjk"),
                             "/W": ArrayObject([NumberObject(DIGIT_CIDS), NumberObject(DIGIT_CIDS + 9),
                                                NumberObject(500)]), **more})
        return writer._add_object(_names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/Type0"),
                                          "/BaseFont": NameObject("/Cjk"), "/Encoding": NameObject("/Identity-H"),
                                          "/DescendantFonts": ArrayObject([writer._add_object(descendant)])}))

    descriptor = writer._add_object(_names({"/Type": NameObject("/FontDescriptor"), "/FontName": NameObject("/Sans"),
                                            "/MissingWidth": NumberObject(400), "/Flags": NumberObject(32)}))
    simple = _names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/TrueType"),
                     "/BaseFont": NameObject("/Sans"), "/FirstChar": NumberObject(32), "/LastChar": NumberObject(57),
                     "/Widths": _numbers([278] + [0] * 15 + [556] * 10), "/FontDescriptor": descriptor})
    type3 = _names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/Type3"),
                    "/FontMatrix": _numbers([0.00001, 0, 0, 0.00001, 0, 0]), "/FirstChar": NumberObject(48),
                    "/LastChar": NumberObject(57), "/Widths": _numbers([1000] * 10),
                    "/FontBBox": _numbers([0, 0, 1000, 1000]), "/CharProcs": DictionaryObject(),
                    "/Resources": DictionaryObject()})
    helvetica = _names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/Type1"),
                        "/BaseFont": NameObject("/Helvetica")})
    broken = _names({"/Type": NameObject("/Font"), "/Subtype": NameObject("/TrueType"),
                     "/BaseFont": NameObject("/Sans"), "/FirstChar": NumberObject(-1),
                     "/Widths": _numbers([556] * 60)})
    ucs2 = writer.get_object(cid_font())
    ucs2[NameObject("/Encoding")] = NameObject("/UniGB-UCS2-H")
    return _names({"/CID": cid_font(**{"/DW": NumberObject(1000)}), "/NoDW": cid_font(),
                   "/UCS2": ucs2.indirect_reference, "/Simple": writer._add_object(simple),
                   "/Type3": writer._add_object(type3), "/Helvetica": writer._add_object(helvetica),
                   "/Broken": writer._add_object(broken)})


def _page(tmp_path, content: str):
    """A page of this content, its resources the fonts of :func:`_fonts` and /Im, an opaque image of one pixel."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(WIDTH, HEIGHT)
    image = DecodedStreamObject()
    image.set_data(b"\x80")
    image.update(_names({"/Type": NameObject("/XObject"), "/Subtype": NameObject("/Image"), "/Width": NumberObject(1),
                         "/Height": NumberObject(1), "/ColorSpace": NameObject("/DeviceGray"),
                         "/BitsPerComponent": NumberObject(8)}))
    page[NameObject("/Resources")] = _names({"/Font": _fonts(writer),
                                             "/XObject": _names({"/Im": writer._add_object(image)})})
    stream = DecodedStreamObject()
    stream.set_data(content.encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    path = tmp_path / "runs.pdf"
    writer.write(path)
    return pypdf.PdfReader(path).pages[0]


def run_spans(tmp_path, content: str) -> list[tuple[float, float]]:
    """Where each run of text the page's content shows lies across the page, left to right, as the scan check takes
    it."""
    painting = _Painting(PageContents())
    painting.follow(_page(tmp_path, content))
    return [(round(run.extent[0], 3), round(run.extent[2], 3)) for run in painting._runs]


@pytest.mark.parametrize("content, spans", [
    (WIDE_DIGITS, [(100, 120)]),  # four digits of half an em at 10 points
    ("BT /CID 10 Tf 100 700 Td <00110400> Tj ET ", [(100, 115)]),  # a CID /W leaves out is /DW wide
    ("BT /NoDW 10 Tf 100 700 Td <00110400> Tj ET ", [(100, 115)]),  # without /DW, 1000
    # the next run starts where the digits end
    ("BT /CID 10 Tf 100 700 Td <0011001200130014> Tj <0011> Tj ET ", [(100, 120), (120, 125)]),
    ("BT /CID 10 Tf 100 700 Td <001100> Tj ET ", [(100, 115)]),  # a byte left over counts as a code, /DW wide
], ids=["digits", "DW", "no DW", "next run", "a byte left over"])
def test_a_run_of_two_byte_codes_is_as_wide_as_its_cidfont_says(tmp_path, content, spans):
    assert run_spans(tmp_path, content) == spans


@pytest.mark.parametrize("content, spans", [
    ("BT /Simple 10 Tf 100 700 Td (1234) Tj ET ", [(100, 122.24)]),  # four codes of 556 thousandths
    ("BT /Simple 10 Tf 100 700 Td (12AB) Tj ET ", [(100, 119.12)]),  # A and B, past /LastChar: /MissingWidth
    ("BT /Type3 10 Tf 100 700 Td (12) Tj ET ", [(100, 100.2)]),  # glyph space by the /FontMatrix: 1000 is 0.01 em
    ("BT /Helvetica 10 Tf 100 700 Td (1234) Tj ET ", [(100, 124)]),  # no widths given: 0.6 em a byte
    ("BT /UCS2 10 Tf 100 700 Td <00310032> Tj ET ", [(100, 124)]),  # CIDs by a CMap not read: 0.6 em a byte
    ("BT /Broken 10 Tf 100 700 Td (1234) Tj ET ", [(100, 124)]),  # widths not read: 0.6 em a byte, not none
], ids=["Widths", "MissingWidth", "Type3", "no widths", "another CMap", "widths not read"])
def test_a_run_of_a_simple_font_is_as_wide_as_its_widths_say(tmp_path, content, spans):
    assert run_spans(tmp_path, content) == spans


@pytest.mark.parametrize("content, spans", [
    ("BT /Simple 10 Tf 50 Tz 100 700 Td (1234) Tj ET ", [(100, 111.12)]),  # half as wide
    ("BT /CID 10 Tf 200 Tz 100 700 Td <00110012> Tj ET ", [(100, 120)]),  # twice as wide
    ("BT /Simple 10 Tf 2 Tc 50 Tz 100 700 Td (1234) Tj ET ", [(100, 115.12)]),  # each code 2 more, all halved
    ("BT /Simple 10 Tf 3 Tw 100 700 Td (12 34) Tj ET ", [(100, 128.02)]),  # the space 3 more
    ("BT /CID 10 Tf 3 Tw 100 700 Td <00110020> Tj ET ", [(100, 115)]),  # a code of two bytes takes no word spacing
    ("BT /Simple 10 Tf 100 700 Td 3 2 (12 34) \" ET ", [(100, 138.02)]),  # " sets both: 5 codes + 2, the space + 3
    ("BT /Simple 10 Tf 100 700 Td [(12) -1000 (34)] TJ ET ", [(100, 132.24)]),  # a TJ number moves on an em
    ("BT /Simple 10 Tf 100 700 Td [(12) 556 (34)] TJ ET ", [(100, 116.68)]),  # or back by its thousandths
], ids=["Tz 50", "Tz 200", "Tc and Tz", "Tw", "Tw on two bytes", "quote", "TJ apart", "TJ back"])
def test_spacing_and_horizontal_scaling_take_the_run_as_the_spec_does(tmp_path, content, spans):
    assert run_spans(tmp_path, content) == spans


def test_an_image_beside_a_number_of_two_byte_digits_does_not_cover_it(tmp_path):
    # a seal drawn right after the digits' 20 points, where 0.6 em a byte would have put 28 more of them
    page = _page(tmp_path, WIDE_DIGITS + "q 30 0 0 14 121 698 cm /Im Do Q")
    assert scanned_layer([page]) is None
    # over them it hides them, as before
    page = _page(tmp_path, WIDE_DIGITS + "q 20 0 0 14 100 698 cm /Im Do Q")
    assert scanned_layer([page]) == ("text on page 1 drawn under an image that covers half of it or more, which "
                                     "hides it")
