"""Which reading of a page that reads as no invoice as scanned is kept: the page turned upright where tesseract's
orientation detection names a turn (however unsure of it), the opposite turn tried once where the turn named finds
nothing, and a turned reading only where it reads more than the page as scanned. Without osd data the turn is
skipped, page by page, and the file fails only where no page of it reads as an invoice; the note saying so comes
first among the fields, as the note of a turned page does."""

import subprocess

import pytest

from client.invoices import _ocr, read_scan, read_scans, scan
from client.invoices._deskew import Skew
from client.invoices.errors import MissingDependency

from . import _render
from ._samples import invoice
from ._tesseract import needs_osd, needs_tesseract, without_orientation_data
from .test_cli import run
from .test_difference_mark import text_line

# read as scanned, no label line: the amount in words alone, its figure misread
WORDS_ONLY = "价税合计（大写）壹佰壹拾叁圆整 （小写）¥1l3.OO"


class FakePages:
    """ScannedPage as the reader builds it, its lines given by how far the page was turned; each turn read noted."""

    def __init__(self, lines_by_turn: dict[int, list[str]]):
        self.lines_by_turn = lines_by_turn
        self.read: list[int] = []

    def __call__(self, image, source, turned=0, askew=0.0):
        self.read.append(turned)
        page = type("Page", (), {})()
        page.turned, page.lines = turned, [text_line(text) for text in self.lines_by_turn.get(turned, [])]
        return page


def upright_page(monkeypatch, lines_by_turn: dict[int, list[str]], osd_turn: int):
    pages = FakePages(lines_by_turn)
    monkeypatch.setattr(scan, "ScannedPage", pages)
    monkeypatch.setattr(scan, "upright_turn", lambda frame, source: osd_turn)
    monkeypatch.setattr(scan, "turned", lambda frame, degrees: frame)
    monkeypatch.setattr(scan, "skew_of", lambda frame: Skew(0.0, 0.0))  # the page scanned level: read as it is
    page, unturned = scan._upright_page(object(), "page.png")
    assert unturned is None
    return page, pages.read


def test_a_turned_reading_is_kept_only_where_it_reads_more_than_the_page_as_scanned(monkeypatch):
    # as scanned, the amount in words is read (no label line: it was asked which way up it is); turned, one label
    # line and nothing more. Before: the turned reading was kept, for its label line
    page, _ = upright_page(monkeypatch, {0: [WORDS_ONLY], 90: ["名称：深圳市云帆供应链管理有限公司"]}, 90)
    assert page.turned == 0 and page.lines[0].text == WORDS_ONLY


def test_a_turned_reading_that_reads_more_is_kept(monkeypatch):
    page, _ = upright_page(monkeypatch, {0: [WORDS_ONLY], 90: ["名称：深圳市云帆供应链管理有限公司",
                                                               "发票号码：25442000000123456789"]}, 90)
    assert page.turned == 90


@pytest.mark.parametrize("named, opposite", [(90, 270), (270, 90)])
def test_where_the_turn_named_finds_nothing_the_opposite_turn_is_tried_once(monkeypatch, named, opposite):
    # before: only the turn named was read, and the page read as no invoice
    page, read = upright_page(monkeypatch, {opposite: ["发票号码：25442000000123456789"]}, named)
    assert page.turned == opposite and read == [0, named, opposite]


def test_a_page_named_upside_down_is_not_read_again_as_scanned(monkeypatch):
    # 180 turned the opposite way is the page as scanned, read already
    page, read = upright_page(monkeypatch, {}, 180)
    assert page.turned == 0 and read == [0, 180]


def test_a_page_osd_finds_upright_is_not_read_again(monkeypatch):
    # 0 (upright, or too little text to tell): turned 0 + 180 was read again for nothing (5 s on a letter)
    page, read = upright_page(monkeypatch, {180: ["发票号码：25442000000123456789"]}, 0)
    assert page.turned == 0 and read == [0]


def said_by_osd(monkeypatch, rotate: int, confidence: str):
    said = (f"Page number: 0\nOrientation in degrees: {(360 - rotate) % 360}\nRotate: {rotate}\n"
            f"Orientation confidence: {confidence}\nScript: Han\nScript confidence: 1.20\n")
    monkeypatch.setattr(_ocr, "_tesseract", lambda *args: subprocess.CompletedProcess([], 0, said.encode(), b""))


@pytest.mark.parametrize("confidence", ["0.09", "1.38", "7.50", "15.45"])
def test_the_turn_named_is_taken_however_unsure_orientation_detection_is(monkeypatch, confidence):
    # measured: a readable scan, small and degraded, named right at 0.09 to 1.38 (and read so); a wrong turn costs
    # a page pass and replaces nothing. Before: no turn below a confidence of 2, and such a page read as no invoice
    pytest.importorskip("PIL.Image", reason="Pillow holds the page")
    from PIL import Image

    said_by_osd(monkeypatch, 180, confidence)
    assert _ocr.upright_turn(Image.new("L", (10, 10), 255), "page.png") == 180


def test_a_page_with_too_few_characters_to_tell_is_not_turned(monkeypatch):
    pytest.importorskip("PIL.Image", reason="Pillow holds the page")
    from PIL import Image

    monkeypatch.setattr(_ocr, "_tesseract", lambda *args: subprocess.CompletedProcess(
        [], 1, b"", b"Too few characters. Skipping this page\nError during processing.\n"))
    assert _ocr.upright_turn(Image.new("L", (10, 10), 255), "page.png") == 0


needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")


@needs_tesseract
@needs_osd  # to read the file with it as well, and compare
@needs_font
def test_without_orientation_data_a_blank_back_page_is_read_as_scanned_with_a_note(tmp_path, monkeypatch):
    # a duplex scan: the invoice upright, its back blank. Before: MissingDependency, and no reading at all
    pytest.importorskip("PIL.Image", reason="Pillow renders the test scans")
    from PIL import Image

    upright = _render.render_image(invoice()).convert("RGB")
    path = tmp_path / "duplex.pdf"
    upright.save(path, format="PDF", save_all=True, append_images=[Image.new("RGB", upright.size, "white")])
    with_osd = read_scan(path)
    without_orientation_data(tmp_path / "tessdata", monkeypatch)
    [result] = read_scans(path)
    assert result.invoice is not None and result.invoice == with_osd.invoice
    note = result.fields["not_turned"]
    assert note.value == "2" and not note.flagged and "not_turned" not in result.flagged
    assert note.reason.startswith("page 2 read as scanned alone: it reads as no invoice, and which way up it is "
                                  "could not be told (")
    assert "tesseract-ocr-osd" in note.reason
    assert {name: field for name, field in result.fields.items() if name != "not_turned"} == with_osd.fields


@needs_tesseract
@needs_font
def test_without_orientation_data_a_file_no_page_of_which_reads_as_an_invoice_names_the_package(tmp_path,
                                                                                                monkeypatch):
    # the invoice may be on a page scanned turned: which cannot be told without osd
    upright = _render.render_image(invoice()).convert("RGB")
    path = tmp_path / "turned.png"
    upright.rotate(90, expand=True).save(path)
    without_orientation_data(tmp_path / "tessdata", monkeypatch)
    with pytest.raises(MissingDependency, match="tesseract-ocr-osd"):
        read_scan(path)


def test_the_not_turned_note_comes_first_among_the_fields_as_the_turned_one_does():
    # before: appended after every field, where the turned note is the first a person reads
    reading = scan._OcrReading()
    reading.unturned[1] = MissingDependency("tesseract's osd data", "install the OS package tesseract-ocr-osd")
    number = scan.FieldReading(value="25442000000123456789", confidence=0.95, flagged=False)
    result = scan.ScanResult(source="duplex.pdf", method="ocr", fields={"number": number}, invoice=None, pages=(1, 2))
    [noted] = scan._with_unturned_note([result], reading)
    assert list(noted.fields) == ["not_turned", "number"] and noted.fields["not_turned"].value == "2"
    turned_note = scan.FieldReading(value="page 1: 90", confidence=1.0, flagged=False)
    [noted] = scan._with_unturned_note([result.model_copy(update={"fields": {"turned": turned_note,
                                                                              "number": number}})], reading)
    assert list(noted.fields) == ["turned", "not_turned", "number"]


def test_read_help_names_both_notes_on_how_the_pages_were_turned():
    # before: only the turned note
    help_text = " ".join(run("read", "--help").output.split())
    assert '"turned" note' in help_text and '"not_turned" note' in help_text
