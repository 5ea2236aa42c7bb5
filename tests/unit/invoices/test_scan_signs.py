"""A red-letter (负数) invoice read off a text layer or a scan: each figure's minus sign, however it is printed or
misread, is read, or its loss is flagged; and the bounds OCR is held to (a page's pixels, a tesseract run's time)."""

import struct
import subprocess
import zlib
from decimal import Decimal

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr
from client.invoices._lines import TextLine
from client.invoices._ocr import Reading
from client.invoices._scan_fields import KINDS, Found, reconcile
from client.invoices.model import InvoiceLine
from client.invoices.scan import extract_fields, field_accuracy

from . import _render
from ._samples import invoice, line
from ._tesseract import needs_tesseract

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

TOTALS = ("total_amount", "total_tax", "total_with_tax")
# A red-letter invoice reversing a service (no quantity, no price), and one reversing goods: 200 returned
RED_SERVICE = invoice(lines=(InvoiceLine(name="*信息技术服务*软件维护服务费", spec=None, unit=None, quantity=None,
                                         unit_price=None, amount_fen=-30000, tax_rate=Decimal("0.06"),
                                         tax_fen=-1800),))
RED_GOODS = invoice(lines=(line("*电子元件*贴片电容", "-200", "1.50", "0.13", unit="个", spec="0805"),))
RED_WORDS = {RED_SERVICE: "（负数）叁佰壹拾捌圆整", RED_GOODS: "（负数）叁佰叁拾玖圆整"}


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
    # a character that is no reading of ¥ is a doubt whatever the other reading says
    found = reconcile(Found("斗18.00", 0.9), Reading("¥18.00", 0.95), KINDS["money"])
    assert found.value == "18.00" and "'斗' taken off before the figure '18.00'" in found.doubt


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


def test_an_image_of_more_pixels_than_a_page_is_read_at_is_refused_before_ocr(tmp_path, monkeypatch):
    pytest.importorskip("PIL", reason="Pillow decodes scans")
    _no_tesseract_run(monkeypatch)
    width, height = 8000, 6000  # 48 million pixels: an A4 page scanned at 600 dpi has 34.8 million
    assert width * height > _ocr.MAX_PAGE_PIXELS
    big = tmp_path / "big.png"
    big.write_bytes(_png_header(width, height))
    with pytest.raises(MalformedInput, match=r"8000 x 6000 pixels \(48\.0 million\), more than a page may have to be read \(40 million"):
        read_scan(big)


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
