"""A red-letter (负数) invoice read off a text layer or a scan: each figure's minus sign, however it is printed or
misread, is read, or its loss is flagged; and the bounds OCR is held to (a page's pixels, a tesseract run's time)."""

import io
import struct
import subprocess
import zlib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr
from client.invoices._lines import TextLine
from client.invoices._ocr import Reading
from client.invoices._scan_fields import KINDS, Found, reconcile
from client.invoices._scan_layout import header_readings
from client.invoices.model import InvoiceLine
from client.invoices.scan import extract_fields, field_accuracy

from . import _render
from ._samples import in_words, invoice, line
from ._tesseract import needs_tesseract
from .test_scan import WRAPPED_CORPUS

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

TOTALS = ("total_amount", "total_tax", "total_with_tax")
# A red-letter invoice reversing a service (no quantity, no price), and one reversing goods: 200 returned
RED_SERVICE = invoice(lines=(InvoiceLine(name="*信息技术服务*软件维护服务费", spec=None, unit=None, quantity=None,
                                         unit_price=None, amount_fen=-30000, tax_rate=Decimal("0.06"),
                                         tax_fen=-1800),))
RED_GOODS = invoice(lines=(line("*电子元件*贴片电容", "-200", "1.50", "0.13", unit="个", spec="0805"),))
RED_WORDS = {RED_SERVICE: "（负数）叁佰壹拾捌圆整", RED_GOODS: "（负数）叁佰叁拾玖圆整"}
WRAPPED = WRAPPED_CORPUS[0]


def red_rows(inv, minus: str, words: bool):
    """The invoice's rows as printed, each minus sign printed as ``minus``, blank cells left out; with its amount
    in words or without (nothing then checks the total's sign but the total itself)."""
    rows = _render.placed_rows(inv, words=RED_WORDS[inv] if words else "")
    return [(y, [(x, text.replace("-", minus)) for x, text in cells if text not in ("", "None")]) for y, cells in rows]


def layer_lines(inv, printed):
    """The invoice's rows as a text layer's lines with no places (cells split by the row pattern), a cell's text
    replaced where ``printed`` says."""
    out = []
    for cells in _render.rows(inv):
        ln = TextLine()
        for i, (_, text) in enumerate(cells):
            ln.add(printed.get(text, text), 1.0, gap=i > 0)
        out.append(ln)
    return out


# --- a text layer ---------------------------------------------------------------------------

@needs_font
@pytest.mark.parametrize("minus", ["-", "－", "–", "—"], ids=["ascii", "full-width", "en dash", "em dash"])
@pytest.mark.parametrize("inv", [RED_SERVICE, RED_GOODS], ids=["service", "goods"])
def test_a_red_letter_text_layer_reads_negative_however_its_minus_is_printed(tmp_path, inv, minus):
    pytest.importorskip("fpdf", reason="fpdf2 (test dependency) renders the text-layer PDF")
    # without the amount in words, which would say 负: nothing else checks the totals' sign
    result = read_scan(_render.save_pages_pdf([red_rows(inv, minus, words=False)], tmp_path / "red.pdf"))
    assert result.method == "text-layer" and result.ok, {n: result.fields[n].reason for n in result.flagged}
    assert all(field_accuracy(inv, result).values())
    read = result.invoice
    assert (read.total_amount_fen, read.total_tax_fen, read.total_with_tax_fen) \
        == (inv.total_amount_fen, inv.total_tax_fen, inv.total_with_tax_fen) and read.total_with_tax_fen < 0
    # a returned line's quantity is negative: read as printed, and quantity x price = amount holds with its sign
    assert [(got.quantity, got.amount_fen, got.tax_fen) for got in read.lines] \
        == [(want.quantity, want.amount_fen, want.tax_fen) for want in inv.lines]


def test_every_minus_sign_is_read_as_one_and_the_currency_sign_as_nothing():
    for minus in "-－−–—":
        for sign in ("", "¥", "￥"):
            found = reconcile(Found(f"{sign}{minus}300.00", 1.0), None, KINDS["money"])
            assert (found.value, found.doubt) == ("-300.00", None), (sign, minus)
        assert reconcile(Found(f"{minus}200", 1.0), None, KINDS["quantity"]).value == "-200"
    assert KINDS["quantity"].well_formed("-200") and KINDS["unit_price"].well_formed("-1.50")


def test_a_character_taken_off_a_total_that_no_currency_sign_is_read_as_flags_it():
    inv = invoice()
    for printed, taken in (("#2100.00", "#"), ("€2100.00", "€")):
        fields, _, _ = extract_fields(layer_lines(inv, {"¥2100.00": printed}), 0.8)
        total = fields["total_amount"]
        assert total.value == "2100.00" and total.flagged, printed
        assert f"{taken!r} taken off before the figure '2100.00'" in total.reason
        assert "may have been a minus sign" in total.reason
    # the currency sign as printed, or as OCR reads it, is taken off with no doubt
    for printed in ("￥2100.00", "Y2100.00", "半2100.00"):
        fields, _, _ = extract_fields(layer_lines(inv, {"¥2100.00": printed}), 0.8)
        assert not [n for n, f in fields.items() if f.flagged], printed


# --- a scan: two readings, the words, the rows -----------------------------------------------

def test_readings_that_agree_only_once_a_sign_reading_is_taken_off_one_keep_the_lower_confidence_in_doubt():
    # the page pass read ¥- as one character, 半; the second pass read the figures alone
    found = reconcile(Found("半300.00", 0.0), Reading("300.00", 0.97), KINDS["money"])
    assert (found.value, found.confidence) == ("300.00", 0.0)
    assert "'半' is taken off the first" in found.doubt and "a minus sign" in found.doubt
    # either way round: an item cell's reading in chi_sim+eng may read the sign too
    found = reconcile(Found("300.00", 0.95), Reading("Y300.00", 0.9), KINDS["amount"])
    assert found.confidence == 0.9 and "'Y' is taken off the second" in found.doubt
    # ¥ itself hides no minus: the second pass reads it where the page pass saw nothing, or where it saw 半
    for first in ("300.00", "半300.00"):
        found = reconcile(Found(first, 0.10), Reading("¥300.00", 0.93), KINDS["money"])
        assert (found.value, found.confidence, found.doubt) == ("300.00", 0.93, None), first


def test_a_character_the_other_reading_has_as_the_printed_currency_sign_hides_no_minus():
    # the page pass (chi_sim, which lacks ¥) read ¥ as 羊 or f; the second pass, whose whitelist has '-' and '¥',
    # read '¥' there and no minus: the character was the sign
    for taken in ("羊", "f", "斗"):
        found = reconcile(Found(f"{taken}11140.00", 0.0), Reading("¥11140.00", 0.91), KINDS["money"])
        assert (found.value, found.confidence, found.doubt) == ("11140.00", 0.91, None), taken
    # either way round, and ￥ as well; a doubt the reading came with stays
    found = reconcile(Found("￥11140.00", 0.9, doubt="low contrast"), Reading("羊11140.00", 0.8), KINDS["amount"])
    assert (found.value, found.doubt) == ("11140.00", "low contrast")
    # no printed sign in the other reading settles nothing: the character may still be ¥ and a minus read as one
    taken_off = "'羊' taken off before the figure '11140.00'"
    for second in (None, Reading("11140.00", 0.91), Reading("1114O.OO", 0.91)):
        found = reconcile(Found("羊11140.00", 0.9), second, KINDS["money"])
        assert found.value == "11140.00" and taken_off in found.doubt, second
    found = reconcile(Found("羊11140.00", 0.9), Reading("11140.00", 0.91), KINDS["money"])
    assert "agree only once '羊' is taken off the first" in found.doubt
    # nor does the currency sign as chi_sim reads it (Y may be ¥- read as one too), nor a reading with a minus
    found = reconcile(Found("羊11140.00", 0.9), Reading("Y11140.00", 0.91), KINDS["amount"])
    assert taken_off in found.doubt
    found = reconcile(Found("羊11140.00", 0.9), Reading("¥-11140.00", 0.91), KINDS["money"])
    assert taken_off in found.doubt and "read as '-11140.00' (0.91) and as '11140.00' (0.90)" in found.doubt


@needs_tesseract
@needs_font
def test_a_scan_whose_page_pass_misreads_the_currency_sign_reads_its_total_unflagged(tmp_path):
    # the page pass reads this total's ¥ as 羊 (tesseract 5.3.0, chi_sim 4.1.0), the second pass as ¥
    result = read_scan(_render.save_png(WRAPPED, tmp_path / "wrapped.png"))
    accuracy = field_accuracy(WRAPPED, result)
    for name in TOTALS:
        assert accuracy[name] and not result.fields[name].flagged, (name, result.fields[name])


def _with_tax_printed(inv, printed: str):
    """The invoice's lines with what follows its amount in words, ``（小写）¥2303.00``, printed as ``printed``; where
    that does not start with a bracket, it runs on from the words."""
    cell, words = f"（小写）¥{inv.total_with_tax_fen / 100:.2f}", in_words(inv.total_with_tax_fen)
    if printed.startswith("（"):
        return layer_lines(inv, {cell: printed})
    return layer_lines(inv, {words: words + printed, cell: ""})


def test_a_figure_is_never_read_from_inside_it():
    inv = invoice()
    # a dash a blank before the figure may be its minus: the figure is not taken, nor a part of it (303.00 or
    # ,303.00, a misleading sign doubt with it); the total is derived from the other two, and flagged as derived
    for printed in ("（小写）---- 2303.00", "（小写）---- ¥2,303.00", "- 2303.00"):
        lines = _with_tax_printed(inv, printed)
        assert header_readings(lines)["total_with_tax"] is None, printed
        total = extract_fields(lines, 0.8)[0]["total_with_tax"]
        assert total.value == "2303.00" and total.flagged, printed
        assert total.reason.startswith("derived, not read") and "taken off" not in total.reason, printed
    # a figure with its sign, or a currency sign as chi_sim reads it, is read whole
    for printed, value in (("（小写）¥2303.00", "2303.00"), ("（小写）¥－2303.00", "-2303.00"),
                           ("（小写）- 2303.00", "-2303.00"), ("（小写）半2,303.00", "2,303.00")):
        found = header_readings(_with_tax_printed(inv, printed))["total_with_tax"]
        assert found is not None and printed.endswith(found.value), printed
        assert reconcile(found, None, KINDS["money"]) == replace(found, value=value), printed


def _scanned(lines):
    lines[-1].page = object()  # the words as if on a scanned page, with no box to read again
    return lines


def test_words_that_say_negative_flag_a_total_that_is_not_though_they_cannot_be_read():
    inv = invoice()
    # the page pass's reading of a red-letter invoice's words: 负数 read, the digits not
    fields, _, _ = extract_fields(_scanned(layer_lines(inv, {"贰仟叁佰零叁圆整": "(负数)贰什会佰零侠圆整"})), 0.8)
    words, total = fields["total_in_words"], fields["total_with_tax"]
    assert words.flagged and total.flagged and total.value == "2303.00"
    assert total.reason in words.reason and "says 负" in total.reason and "not negative" in total.reason
    assert "could not read the amount in words" in words.reason
    # the same words beside a negative total: the sign agrees, and what cannot be read is reported, not flagged
    negative = {"¥2100.00": "¥-2100.00", "¥203.00": "¥-203.00", "（小写）¥2303.00": "（小写）¥-2303.00",
                "贰仟叁佰零叁圆整": "(负数)贰什会佰零侠圆整"}
    fields, _, _ = extract_fields(_scanned(layer_lines(inv, negative)), 0.8)
    assert fields["total_with_tax"].value == "-2303.00" and not fields["total_with_tax"].flagged
    assert not fields["total_in_words"].flagged and fields["total_in_words"].reason.startswith("not compared")


def test_rows_that_do_not_add_up_to_the_totals_flag_the_totals_too():
    # the totals agree with each other (-2100.00 + -203.00 = -2303.00) and not with the rows: either side may be
    # the one misread, so both are flagged, for the same reason
    inv = invoice()
    printed = {"¥2100.00": "¥-2100.00", "¥203.00": "¥-203.00", "（小写）¥2303.00": "（小写）¥-2303.00",
               "贰仟叁佰零叁圆整": "（负数）贰仟叁佰零叁圆整"}
    fields, _, _ = extract_fields(layer_lines(inv, printed), 0.8)
    for total, column in (("total_amount", "amount"), ("total_tax", "tax")):
        assert fields[total].flagged, total
        assert fields[total].reason == fields[f"lines[0].{column}"].reason
    assert fields["total_amount"].reason == "the rows' amount column adds up to 2100.00, not 合计金额 -2100.00"
    assert not fields["total_with_tax"].flagged


@needs_tesseract
@needs_font
def test_a_red_letter_scan_never_reads_a_total_positive_unflagged(tmp_path):
    # rendered with ¥-300.00: the page pass reads 半300.00, ¥- as one character
    result = read_scan(_render.save_png(RED_SERVICE, tmp_path / "red.png", words=RED_WORDS[RED_SERVICE]))
    accuracy = field_accuracy(RED_SERVICE, result)
    for name in TOTALS:
        field = result.fields[name]
        assert accuracy[name] or field.flagged, (name, field)
        assert field.value.startswith("-") or field.flagged, (name, field)
    assert not result.ok


# --- the bounds OCR is held to -----------------------------------------------------------------

def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` x ``height`` grey pixels and holds almost none of them."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 100))
            + chunk(b"IEND", b""))


def _no_tesseract_run(monkeypatch):
    monkeypatch.setattr(_ocr, "tesseract_path", lambda: "/usr/bin/tesseract")

    def run(args, **kw):
        raise AssertionError(f"tesseract ran: {args}")

    monkeypatch.setattr(_ocr.subprocess, "run", run)


def test_a_photo_of_more_pixels_than_a_page_is_read_at_is_scaled_down_to_them_and_read(tmp_path, monkeypatch):
    image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
    from PIL import ImageDraw

    width, height = 8064, 6048  # a 48 MP phone camera's photo: 48.8 million pixels
    assert width * height > _ocr.MAX_PAGE_PIXELS
    photo = image.new("1", (width, height), 1)  # one bit a pixel: quick to write and to decode
    ImageDraw.Draw(photo).rectangle((2016, 1512, 4031, 3023), fill=0)  # ink over the second quarter each way
    photo.save(tmp_path / "photo.png")
    read = []  # each page tesseract was given: its size and where its ink is

    def run(args, **kw):
        with image.open(args[1]) as page:
            read.append((page.size, page.point(lambda v: 255 if v < 128 else 0).getbbox()))
        header = b"level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
        if args[2] != "stdout":  # the page pass writes its TSV and hOCR beside the page
            Path(f"{args[2]}.tsv").write_bytes(header)
            Path(f"{args[2]}.hocr").write_bytes(b"")
            return subprocess.CompletedProcess(args, 0, b"", b"")
        return subprocess.CompletedProcess(args, 0, header, b"")

    monkeypatch.setattr(_ocr, "tesseract_path", lambda: "/usr/bin/tesseract")
    monkeypatch.setattr(_ocr.subprocess, "run", run)
    assert read_scan(tmp_path / "photo.png").method == "ocr"  # nothing on it to read, but read
    (page_width, page_height), ink = read[0]   # the page pass (a page with no invoice text is then asked its
    assert all(size == read[0][0] for size, _ in read), read    # orientation: of the same page, scaled the same)
    assert page_width * page_height <= _ocr.MAX_PAGE_PIXELS
    assert page_width * page_height > 0.999 * _ocr.MAX_PAGE_PIXELS  # as little detail lost as may be
    assert abs(page_width / page_height - width / height) < 1 / page_height  # its aspect kept
    quarter = (page_width / 4, page_height / 4, page_width / 2, page_height / 2)
    assert all(abs(edge - want) <= 1 for edge, want in zip(ink, quarter)), (ink, quarter)


def test_a_colour_jpeg_over_the_pixels_a_page_is_read_at_is_decoded_straight_to_grey(tmp_path, monkeypatch):
    image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
    from PIL import ImageDraw

    monkeypatch.setattr(_ocr, "MAX_PAGE_PIXELS", 100_000)
    photo = image.new("RGB", (400, 600), "white")  # 240,000 pixels: over the (lowered) limit
    ImageDraw.Draw(photo).rectangle((100, 150, 199, 299), fill=(0, 0, 128))  # ink over the second quarter each way
    photo.save(tmp_path / "photo.jpg", quality=95)
    converted = []   # the mode and size of each image converted to grey: what the decoder gave
    convert = image.Image.convert

    def recording(self, mode=None, *args, **kw):
        converted.append((self.mode, self.size))
        return convert(self, mode, *args, **kw)

    monkeypatch.setattr(image.Image, "convert", recording)
    (page,) = _ocr.load_pages(tmp_path / "photo.jpg", "photo.jpg")
    # decoded grey (one byte a pixel), not in colour first, at a scale no smaller than the page is read at
    assert converted and all(mode == "L" for mode, _ in converted), converted
    assert page.mode == "L" and page.size == _ocr.within_page_pixels((400, 600))
    assert all(w >= page.width and h >= page.height for _, (w, h) in converted), converted
    ink = page.point(lambda v: 255 if v < 128 else 0).getbbox()
    quarter = (page.width / 4, page.height / 4, page.width / 2, page.height / 2)
    assert all(abs(edge - want) <= 2 for edge, want in zip(ink, quarter)), (ink, quarter)


def test_a_jpeg_with_a_second_picture_over_the_pixels_a_page_is_read_at_is_read(monkeypatch):
    # an MPO (a phone's photo with an HDR gain map): a draft set for the first picture would outlive it, and the
    # second would be decoded at its scale into a tile of its full size, refused as truncated
    image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
    from PIL import ImageDraw

    monkeypatch.setattr(_ocr, "MAX_PAGE_PIXELS", 100_000)

    def page(size):
        drawn = image.new("RGB", size, "white")
        for y in range(10, size[1] - 10, 25):
            ImageDraw.Draw(drawn).rectangle((10, y, size[0] - 10, y + 6), fill="black")
        return drawn

    photo = io.BytesIO()
    page((2000, 3000)).save(photo, "MPO", save_all=True, append_images=[page((500, 750))], quality=95)
    assert image.open(io.BytesIO(photo.getvalue())).format == "MPO"
    pages = _ocr.load_pages(photo.getvalue(), "photo.jpg")
    assert [p.size for p in pages] == [_ocr.within_page_pixels((2000, 3000)), _ocr.within_page_pixels((500, 750))]


def test_an_image_pillow_refuses_as_a_decompression_bomb_is_refused_before_ocr(tmp_path, monkeypatch):
    pytest.importorskip("PIL", reason="Pillow decodes scans")
    _no_tesseract_run(monkeypatch)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(20_000, 10_000))  # 200 million pixels, claimed by its header
    with pytest.raises(MalformedInput) as caught:
        read_scan(bomb)
    message = str(caught.value)
    assert message.startswith(f"{bomb}: cannot decode the image: ") and "200000000 pixels" in message
    assert "No scanned invoice page is that large: scan the invoice at 300 dpi or scale the image down" in message


def test_a_tesseract_run_that_does_not_end_is_a_clear_error(monkeypatch):
    image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
    monkeypatch.setattr(_ocr, "tesseract_path", lambda: "/usr/bin/tesseract")

    def stuck(args, **kw):
        raise subprocess.TimeoutExpired(args, kw["timeout"])

    monkeypatch.setattr(_ocr.subprocess, "run", stuck)
    with pytest.raises(MalformedInput) as caught:
        _ocr.read_words(image.new("L", (40, 20), 255), "scan.png")
    message = str(caught.value)
    assert message.startswith("scan.png: tesseract reading the page")
    assert f"did not finish within {_ocr.TESSERACT_TIMEOUT_SECONDS} s" in message and "300 dpi" in message
