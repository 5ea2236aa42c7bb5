"""An image read as a person sees it: a 16-bit grey scan scaled to 8 bits, not clipped (clipped, its grey ink read as
paper and the page as blank), and an image with transparency laid on white paper, as a viewer shows it (its alpha
dropped, black text on a transparent page read as a black page)."""

import io

import pytest

from client.invoices import _ocr, read_scan

from . import _render
from ._samples import invoice
from ._tesseract import needs_tesseract

Image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
ImageDraw = pytest.importorskip("PIL.ImageDraw", reason="Pillow decodes scans")

INK, PAPER = 30, 255   # a scanner's dark grey ink on white, in 8 bits


def _sixteen_bit(grey) -> bytes:
    """``grey`` (8 bits) as a 16-bit grey PNG, each level times 257: 255 is 65535, 30 is 7710."""
    out = io.BytesIO()
    grey.convert("I").point(lambda value: value * 257).convert("I;16").save(out, "PNG")
    return out.getvalue()


def _page_of_bars():
    """Bars of ink on paper, 8-bit grey."""
    page = Image.new("L", (300, 200), PAPER)
    draw = ImageDraw.Draw(page)
    for y in range(20, 180, 30):
        draw.rectangle((20, y, 280, y + 10), fill=INK)
    return page


def _black_on_transparent(grey) -> bytes:
    """``grey`` as a PNG whose every pixel is black, the ink told by its alpha alone (a page exported with no
    background)."""
    page = Image.new("RGBA", grey.size, (0, 0, 0, 0))
    page.putalpha(grey.point(lambda value: 255 - value))
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


def test_a_16_bit_grey_scan_keeps_its_grey_ink():
    page = _page_of_bars()
    (read,) = _ocr.load_pages(_sixteen_bit(page), "scan16.png")
    assert read.mode == "L"
    assert read.tobytes() == page.tobytes()   # the ink at 30, not clipped to 255 (blank paper)


def test_black_text_on_a_transparent_page_is_read_on_white_paper():
    page = _page_of_bars()
    (read,) = _ocr.load_pages(_black_on_transparent(page), "export.png")
    assert read.mode == "L"
    assert read.getextrema() == (INK, PAPER)   # not (0, 0): a black page
    assert read.tobytes() == page.tobytes()


def test_a_transparent_colour_of_a_palette_image_is_paper():
    page = Image.new("P", (40, 20), 1)
    page.putpalette([0, 0, 0] * 2)   # both entries black; entry 1, the background, transparent
    page.paste(0, (10, 5, 30, 15))
    out = io.BytesIO()
    page.save(out, "PNG", transparency=1)
    (read,) = _ocr.load_pages(out.getvalue(), "palette.png")
    assert read.getpixel((0, 0)) == 255 and read.getpixel((20, 10)) == 0


@needs_tesseract
@pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
@pytest.mark.parametrize("kind", ["16-bit grey", "black on transparent"])
def test_such_an_invoice_reads_as_the_invoice_not_a_blank_page(tmp_path, kind):
    inv = invoice()
    grey = _render.render_image(inv).point(lambda value: INK + value * (PAPER - INK) // 255)
    path = tmp_path / "scan.png"
    path.write_bytes(_sixteen_bit(grey) if kind == "16-bit grey" else _black_on_transparent(grey))
    result = read_scan(path)
    assert result.no_invoice_text is None
    assert result.invoice is not None and result.invoice.total_with_tax_fen == inv.total_with_tax_fen
