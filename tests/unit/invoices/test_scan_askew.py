"""A page scanned askew (a sheet laid a few degrees crooked on the glass) is straightened before it is read: how far
it is askew is estimated from the profile of its ink (``_deskew``), the page turned back by it, and its fields read
as off a page scanned straight. A page scanned straight is read as it is, nothing resampled."""

import pytest

from client.invoices import read_scan, scan
from client.invoices._deskew import MIN_SKEW, Skew, skew_of, straightened
from client.invoices.scan import field_accuracy

from . import _render
from ._samples import invoice
from ._tesseract import needs_osd, needs_tesseract

Image = pytest.importorskip("PIL.Image", reason="Pillow renders the test scans")
ImageChops = pytest.importorskip("PIL.ImageChops", reason="Pillow renders the test scans")
ImageDraw = pytest.importorskip("PIL.ImageDraw", reason="Pillow renders the test scans")
ImageStat = pytest.importorskip("PIL.ImageStat", reason="Pillow renders the test scans")

pytestmark = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")

# Degrees counter-clockwise, as Pillow turns: negative ones clockwise
ANGLES = (1, -1, 2.5, -3, 5, -5.5, 8, -8, 12.5, -19)
# How far off the estimate may be: measured on the tests' invoices (clean, degraded, at 0.6 and 1.0 of their size,
# upright and on their side) askew 0 to 19.5 degrees either way, it was never more than 0.2 degrees off
TOLERANCE = 0.25


def askew(image, degrees: float):
    """``image`` as scanned laid ``degrees`` counter-clockwise on the glass: its corners enlarged, white."""
    return image.rotate(degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)


@pytest.fixture(scope="module")
def page():
    return _render.render_image(invoice())


@pytest.mark.parametrize("degrees", ANGLES)
def test_the_skew_of_a_page_is_estimated_with_its_sign(page, degrees):
    skew = skew_of(askew(page, degrees))
    assert skew.clear
    assert skew.degrees == pytest.approx(degrees, abs=TOLERANCE)


@pytest.mark.parametrize("degrees", (3, -5))
def test_the_skew_of_a_small_degraded_page_on_its_side_is_estimated_as_upright(degrees):
    # its lines run down the page: their columns of ink give the skew, which a quarter turn leaves as it is
    small = _render.render_image(invoice(), degrade=True, seed=1, scale=0.6)  # itself 0.4 degrees askew
    skew = skew_of(askew(small, degrees).rotate(90, expand=True))
    assert skew.clear
    assert skew.degrees == pytest.approx(degrees + 0.4, abs=TOLERANCE)


@pytest.mark.parametrize("degrees", (0, 0.4, -0.4))
def test_a_page_scanned_straight_or_nearly_is_not_straightened(page, degrees):
    # tesseract reads a page 0.4 degrees askew (as the tests' degraded scans are) as well as a level one
    skew = skew_of(askew(page, degrees))
    assert abs(skew.degrees) < MIN_SKEW and not skew.clear


@pytest.mark.parametrize("degrees, width", [(3, 3), (8, 3), (8, 60)], ids=["stroke-3", "stroke-8", "shadow-8"])
def test_one_long_line_across_a_straight_page_does_not_turn_it(page, degrees, width):
    # a pen stroke or fold across the page, or the lid's shadow: one row of ink across it, askew, which uncapped
    # outweighed every line of text, and the page was turned by its angle
    line = Image.new("L", page.size, 255)
    ImageDraw.Draw(line).line([(0, line.height // 2), (line.width, line.height // 2)], fill=0, width=width)
    marked = ImageChops.darker(page, line.rotate(degrees, fillcolor=255))
    skew = skew_of(marked)
    assert abs(skew.degrees) < MIN_SKEW and not skew.clear


def test_a_page_askew_beyond_the_reach_is_read_as_scanned(page):
    # the profile at the reach's end is no sharper than at the other angles tried: no angle stands out
    assert not skew_of(askew(page, 25)).clear


def test_a_page_with_no_ink_has_no_skew():
    assert skew_of(Image.new("L", (800, 600), 255)) == Skew(0.0, 0.0)


def test_specks_with_no_lines_give_no_clear_skew():
    import random

    rng = random.Random(3)
    specks = Image.new("L", (1500, 1000), 255)
    specks.putdata([0 if rng.random() < 0.1 else 255 for _ in range(specks.width * specks.height)])
    assert not skew_of(specks).clear  # every angle is as sharp as another: nothing to straighten


def test_a_page_straightened_stays_within_the_pixels_a_page_is_read_at(monkeypatch):
    # turned with its corners kept, a page grows: one at the limit would go over it
    from client.invoices import _ocr

    monkeypatch.setattr(_ocr, "MAX_PAGE_PIXELS", 1_000_000)
    level = straightened(Image.new("L", (1000, 1000), 255), Skew(8.0, 5.0))
    assert 990_000 <= level.width * level.height <= 1_000_000 and abs(level.width - level.height) <= 1


def noting_sizes(method, made: list):
    """``method`` of Pillow's Image, noting in ``made`` the size of each image it returns."""
    def noted(self, *args, **kwargs):
        image = method(self, *args, **kwargs)
        made.append(image.size)
        return image
    return noted


@pytest.mark.parametrize("degrees", (0.7, 3, -8, 19.5))
def test_a_long_page_is_scaled_down_before_it_is_turned_so_no_copy_of_it_is_over_the_pixels_read_at(
        monkeypatch, degrees):
    # a till roll at the limit, turned whole, was copied at up to 4 times the limit before it was scaled down to it
    # (a page of 2000 x 20000 pixels 19.5 degrees askew: its straightening peaked at 354 MB); scaled down first, it
    # comes out as large, and as it did
    from client.invoices import _ocr

    monkeypatch.setattr(_ocr, "MAX_PAGE_PIXELS", 1_200_000)
    page = Image.new("L", (400, 3000), 255)
    draw = ImageDraw.Draw(page)
    for top in range(40, 2960, 40):
        draw.rectangle((30, top, 370, top + 12), fill=0)
    whole = page.rotate(-degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255)
    assert whole.width * whole.height > 1_200_000
    before = whole.resize(_ocr.within_page_pixels(whole.size), Image.Resampling.LANCZOS)
    made = []
    for method in ("resize", "rotate"):
        monkeypatch.setattr(Image.Image, method, noting_sizes(getattr(Image.Image, method), made))
    level = straightened(page, Skew(degrees, 5.0))
    assert made and max(width * height for width, height in made) <= 1_200_000
    assert level.size == before.size
    # the same page: a bar a pixel off would differ by some 11 on average
    assert ImageStat.Stat(ImageChops.difference(level, before)).mean[0] < 4


def pages_read(path, monkeypatch) -> list:
    """The pages the reader builds reading ``path`` (as scanned, and turned where it turns one)."""
    built = []
    real = scan.ScannedPage

    def noted(*args, **kwargs):
        built.append(real(*args, **kwargs))
        return built[-1]

    monkeypatch.setattr(scan, "ScannedPage", noted)
    return built


@needs_tesseract
@pytest.mark.parametrize("degrees", (3, -5))
def test_an_invoice_scanned_askew_reads_its_fields_right(page, tmp_path, monkeypatch, degrees):
    # before: the page pass read its long lines broken, 8 (at 3 degrees) and 7 (at -5) of its 12 fields right
    inv = invoice()
    path = tmp_path / "askew.png"
    askew(page, degrees).save(path)
    built = pages_read(path, monkeypatch)
    result = read_scan(path)
    assert result.no_invoice_text is None and result.invoice is not None
    assert all(field_accuracy(inv, result).values()), field_accuracy(inv, result)
    [read] = built  # straightened and read once: it reads as an invoice, and is asked nothing of its orientation
    assert read.askew == pytest.approx(degrees, abs=TOLERANCE) and read.turned == 0


@needs_tesseract
def test_a_coarse_degraded_scan_askew_reads_about_as_much_as_it_does_straight(tmp_path):
    # scanned at 0.6 of its size and degraded (text some 17 px high, itself 0.4 degrees askew), the invoice reads 9 of
    # its 12 fields right straight; 5 degrees askew it read 4 before, 9 straightened (turned at twice its size: once,
    # bilinear, blurs glyphs this small). A field either way is what other angles moved it by
    inv = invoice()
    small = _render.render_image(inv, degrade=True, seed=1, scale=0.6)
    straight, tilted = tmp_path / "straight.png", tmp_path / "askew.png"
    small.save(straight)
    askew(small, 5).save(tilted)
    read_straight = sum(field_accuracy(inv, read_scan(straight)).values())
    read_askew = sum(field_accuracy(inv, read_scan(tilted)).values())
    assert read_askew >= read_straight - 1, (read_askew, read_straight)


@needs_tesseract
def test_an_invoice_scanned_straight_is_read_as_scanned(page, tmp_path, monkeypatch):
    path = tmp_path / "straight.png"
    page.save(path)
    built = pages_read(path, monkeypatch)
    result = read_scan(path)
    assert all(field_accuracy(invoice(), result).values())
    [read] = built
    assert read.askew == 0 and read.image.tobytes() == page.tobytes()  # not turned, nothing resampled


@needs_tesseract
@needs_osd
def test_an_invoice_scanned_on_its_side_and_askew_is_straightened_and_turned_upright(page, tmp_path, monkeypatch):
    inv = invoice()
    path = tmp_path / "side-askew.png"
    askew(page, 3).rotate(90, expand=True).save(path)
    built = pages_read(path, monkeypatch)
    result = read_scan(path)
    assert result.fields["turned"].value == "page 1: 90"
    assert all(field_accuracy(inv, result).values()), field_accuracy(inv, result)
    assert [(read.turned, round(read.askew)) for read in built] == [(0, 3), (90, 3)]  # straightened before turned
