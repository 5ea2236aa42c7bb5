"""A PNG or TIFF (any image but a JPEG) of more pixels than a page is read at: scaled down to them in grey a strip
of rows at a time, as converting the frame to grey whole and scaling that down would have made it."""

import io

import pytest

from client.invoices import read_scan
from client.invoices import _ocr
from client.invoices.scan import field_accuracy

from . import _render
from ._samples import invoice
from ._tesseract import needs_tesseract

Image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
ImageChops = pytest.importorskip("PIL.ImageChops", reason="Pillow decodes scans")
ImageDraw = pytest.importorskip("PIL.ImageDraw", reason="Pillow decodes scans")
ImageStat = pytest.importorskip("PIL.ImageStat", reason="Pillow decodes scans")

LIMIT = 1_000_000  # MAX_PAGE_PIXELS lowered, so that a frame over it is quick to write and decode
# How far a page scaled a strip at a time may be from the frame converted whole and scaled: measured on these
# images and on colour, palette and 16-bit PNGs and LZW and deflate TIFFs of 6000 x 10200, at most 1 of 255 in a
# pixel, in some 24 of 40 million (the scale's floats, rounded in another order)
MOST_OFF = 1
MEAN_OFF = 0.01
# 2 where the whole is scaled down before across (a tall page), whose first pass's rounding the second scales up:
# measured on black-and-white text, on 3 pixels of 1 million (tall 1-bit TIFF here) and 26 of 40 million
MOST_OFF_SCALED_DOWN_FIRST = 2


def _page(mode: str, size: tuple[int, int]):
    """A page-like picture in ``mode``: off-white paper, dark bars of text, a red stamp."""
    drawn = Image.new("RGB", size, (236, 238, 230))
    draw = ImageDraw.Draw(drawn)
    for y in range(40, size[1] - 40, 37):
        for x in range(40, size[0] - 120, 150):
            draw.rectangle((x, y, x + 40 + (x * 7 + y) % 90, y + 14), fill=(30, 30, 40))
    draw.ellipse((size[0] // 2, size[1] // 2, size[0] // 2 + 300, size[1] // 2 + 300), outline=(200, 20, 20),
                 width=12)
    if mode == "RGBA":
        drawn.putalpha(255)
    elif mode == "I;16":
        return drawn.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")  # 16 bits a pixel
    elif mode == "P":
        return drawn.quantize(16)
    return drawn


def _text_in_black_and_white(size: tuple[int, int]):
    """A 1-bit page (a fax or a black-and-white scan): black strokes of text on white, nothing between. Scaled with
    LANCZOS, its edges overshoot 0-255 in the first of the two passes, which cuts them: the order of the passes
    shows on it by some 30 grey levels."""
    drawn = Image.new("1", size, 1)
    draw = ImageDraw.Draw(drawn)
    for y in range(60, size[1] - 60, 45):
        for x in range(60, size[0] - 200, 150):
            for stroke in range(0, 60, 7):
                draw.line((x + stroke, y, x + stroke, y + 20), fill=0, width=3)
    return drawn


def _encoded(kind: str) -> tuple[bytes, list]:
    """The image file of ``kind`` and the frames written to it."""
    big = (1500, 2100)  # 3.15 million pixels: over LIMIT, scaled by 0.56 each way
    # 3 million pixels as tall as a till receipt: scaled to 577 x 1732, losing more than twice as many rows as
    # columns, which Pillow scales down before across where a page of A4's aspect is scaled across first
    tall = (1000, 3000)
    out = io.BytesIO()
    if kind in ("1-bit TIFF", "tall 1-bit TIFF"):
        frame = _text_in_black_and_white(tall if kind.startswith("tall") else big)
        frame.save(out, "TIFF", compression="group4")
        return out.getvalue(), [frame]
    if kind == "multi-frame TIFF":
        frames = [_page("RGB", (500, 700)), _page("RGB", big), _page("RGB", (600, 800))]
        frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
        return out.getvalue(), frames
    mode, form, compression = {
        "colour PNG": ("RGB", "PNG", None), "colour PNG with alpha": ("RGBA", "PNG", None),
        "16-bit grey PNG": ("I;16", "PNG", None), "palette PNG": ("P", "PNG", None),
        "LZW TIFF": ("RGB", "TIFF", "tiff_lzw"), "deflate TIFF": ("RGB", "TIFF", "tiff_adobe_deflate"),
        "tall colour PNG": ("RGB", "PNG", None),
    }[kind]
    frame = _page(mode, tall if kind.startswith("tall") else big)
    frame.save(out, form, **({"compression": compression} if compression else {}))
    return out.getvalue(), [frame]


def _converted_to_grey(monkeypatch) -> list[tuple[int, int]]:
    """The size of each image load_pages converts to grey, recorded as it goes."""
    sizes = []
    convert = Image.Image.convert

    def recording(self, mode=None, *args, **kw):
        sizes.append(self.size)
        return convert(self, mode, *args, **kw)

    monkeypatch.setattr(Image.Image, "convert", recording)
    return sizes


@pytest.mark.parametrize("kind", ["colour PNG", "colour PNG with alpha", "16-bit grey PNG", "palette PNG",
                                  "LZW TIFF", "deflate TIFF", "multi-frame TIFF", "1-bit TIFF", "tall 1-bit TIFF",
                                  "tall colour PNG"])
def test_a_frame_over_the_limit_is_scaled_in_grey_a_strip_at_a_time_as_it_would_be_whole(monkeypatch, kind):
    monkeypatch.setattr(_ocr, "MAX_PAGE_PIXELS", LIMIT)
    data, written = _encoded(kind)
    with Image.open(io.BytesIO(data)) as opened:  # the frames as decoded, each made grey whole and scaled down
        wanted = []
        for number in range(len(written)):
            opened.seek(number)
            grey = _ocr._on_white(opened)  # as the page shows: 16-bit grey scaled to 8 bits, not clipped
            wanted.append(grey.resize(_ocr.within_page_pixels(grey.size), Image.Resampling.LANCZOS))
    converted = _converted_to_grey(monkeypatch)
    pages = _ocr.load_pages(data, f"scan of a {kind}")
    assert [page.size for page in pages] == [want.size for want in wanted]
    for frame, page, want in zip(written, pages, wanted):
        assert page.mode == "L"
        assert page.width * page.height <= LIMIT
        assert abs(page.width / page.height - frame.width / frame.height) < 1 / page.height  # its aspect kept
        difference = ImageChops.difference(page, want)
        most_off = MOST_OFF_SCALED_DOWN_FIRST if kind.startswith("tall") else MOST_OFF
        assert difference.getextrema()[1] <= most_off and ImageStat.Stat(difference).mean[0] <= MEAN_OFF, kind
    # the frame over the limit was never converted to grey whole: no grey copy of it beside its decoded pixels
    over = [frame.size for frame in written if frame.width * frame.height > LIMIT]
    assert over and not [size for size in converted if size in over], converted


@needs_tesseract
@pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
def test_an_invoice_scanned_past_the_limit_in_colour_reads_its_fields_right(tmp_path, monkeypatch):
    inv = invoice()
    page = _render.render_image(inv)  # text some 39 px high: as a page scanned at 300 dpi
    # scanned finer, in colour: 1.5 times each way, over the limit (lowered to the page's own pixels), which scales
    # it back to about the page's size
    monkeypatch.setattr(_ocr, "MAX_PAGE_PIXELS", page.width * page.height)
    scan = page.convert("RGB").resize((page.width * 3 // 2, page.height * 3 // 2), Image.Resampling.BICUBIC)
    path = tmp_path / "fine.png"
    scan.save(path)
    converted = _converted_to_grey(monkeypatch)
    result = read_scan(path)
    assert result.no_invoice_text is None and result.invoice is not None
    assert all(field_accuracy(inv, result).values()), field_accuracy(inv, result)
    assert scan.size not in converted, converted  # made grey a strip at a time, not whole
