"""A page with no invoice text on it whichever way up it is read (blank, or too small to read) gives one reason, not
every field of an invoice "not found" for a person to review: there is no invoice on it to review. A page scanned on
its side or upside down is read turned upright (test_scan_turned.py)."""

import json

import pytest

from client.invoices import read_scan, read_scans
from client.invoices.errors import MissingDependency

from . import _render
from ._samples import invoice, money
from ._tesseract import needs_osd, needs_tesseract, without_orientation_data
from .test_cli import run

needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

pytestmark = [needs_tesseract, needs_osd]  # every page here but one reads as no invoice


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """A blank page, the rendered invoice shrunk to a tenth of its size (about 20 dpi, where OCR finds no text)
    upright and turned 90 degrees, and a two-page PDF of blank page images."""
    image = pytest.importorskip("PIL.Image", reason="Pillow renders the test scans")
    folder = tmp_path_factory.mktemp("no-text")
    blank = image.new("RGB", (800, 600), "white")
    blank.save(folder / "blank.png")
    blank.save(folder / "blank.pdf", save_all=True, append_images=[blank.copy()])
    out = {"blank.png": folder / "blank.png", "blank.pdf": folder / "blank.pdf"}
    if _render.cjk_font() is not None:
        upright = _render.render_image(invoice())
        tiny = upright.resize((upright.width // 10, upright.height // 10))
        out["tiny.png"] = folder / "tiny.png"
        tiny.save(out["tiny.png"])
        out["tiny-turned.png"] = folder / "tiny-turned.png"
        tiny.rotate(90, expand=True).save(out["tiny-turned.png"])
    return out


def _says_no_invoice_text(result, path, pages="page 1"):
    assert result.invoice is None and not result.ok
    assert result.flagged == ["invoice_text"]  # the one reason, not ten fields "not found"
    assert result.no_invoice_text == result.fields["invoice_text"].reason
    assert result.no_invoice_text.startswith(f"no invoice text found on {path} {pages}: ")
    assert ("blank, askew by more than 20 degrees, too small or blurred to read, or not an invoice"
            in result.no_invoice_text)
    assert "scan the invoice straight at 300 dpi" in result.no_invoice_text


def test_a_blank_page_says_it_has_no_invoice_text(pages):
    _says_no_invoice_text(read_scan(pages["blank.png"]), pages["blank.png"])


def test_an_image_pdf_of_blank_pages_names_its_pages(pages):
    [result] = read_scans(pages["blank.pdf"])
    _says_no_invoice_text(result, pages["blank.pdf"], pages="pages 1-2")
    assert result.pages == (1, 2)


@needs_font
@pytest.mark.parametrize("name", ["tiny.png", "tiny-turned.png"])
def test_an_invoice_too_small_to_read_either_way_up_is_told_so_and_the_resolution_to_scan_at(pages, name):
    path = pages[name]
    result = read_scan(path)
    _says_no_invoice_text(result, path)
    assert "turned" not in result.fields  # nothing was read turned: the page as scanned gives the reason


@needs_font
def test_an_upright_invoice_is_read_as_before(tmp_path):
    inv = invoice()
    result = read_scan(_render.save_png(inv, tmp_path / "upright.png"))
    assert result.no_invoice_text is None and "invoice_text" not in result.fields
    assert result.fields["number"].value == inv.number
    assert result.fields["total_with_tax"].value == money(inv.total_with_tax_fen)
    assert result.invoice is not None


def test_the_cli_gives_the_one_reason_and_exits_2(pages, tmp_path):
    path = pages["blank.png"]
    out = tmp_path / "invoice.json"
    r = run("read", path, "--invoice-out", out)
    assert r.exit_code == 2  # as a file that cannot be read: there is no invoice to review
    assert r.output.strip().splitlines() == [f"Error: no invoice text found on {path} page 1: blank, askew by "
                                             "more than 20 degrees, too small or blurred to read, or not an invoice; "
                                             "scan the invoice straight at 300 dpi and read it again"]
    assert "NEEDS REVIEW" not in r.output and not out.exists()


def test_the_cli_json_carries_the_reason_as_its_one_field(pages):
    path = pages["blank.png"]
    r = run("read", path, "--json")
    assert r.exit_code == 2
    doc = json.loads(r.stdout)
    assert doc["flagged"] == ["invoice_text"] and doc["invoice"] is None
    assert list(doc["fields"]) == ["invoice_text"]
    assert doc["fields"]["invoice_text"]["reason"].startswith(f"no invoice text found on {path} page 1: ")
    r = run("read", path, "--each", "--json")
    assert r.exit_code == 2 and [reading["flagged"] for reading in json.loads(r.stdout)] == [["invoice_text"]]


def test_a_page_of_no_invoice_text_without_orientation_data_names_the_package(pages, tmp_path, monkeypatch):
    """A page that reads as no invoice is asked which way up it is, with tesseract's osd data: without it the
    reader cannot tell a turned invoice from a blank page, and says what to install rather than that the page is
    blank."""
    without_orientation_data(tmp_path / "tessdata", monkeypatch)
    with pytest.raises(MissingDependency, match="tesseract-ocr-osd"):
        read_scan(pages["blank.png"])
