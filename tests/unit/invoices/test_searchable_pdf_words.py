"""A scanner's searchable PDF whose amount in words (大写) says another amount than its total
with tax: where OCR cannot read the page image's words as an amount (tesseract misreads 仟 and 叁),
the text layer's words are compared with the total, and what that finds is flagged; it was
dropped for the image's unflagged "not compared" reading, and the total with tax passed
unflagged beside words that say another amount."""

import pytest

from client.invoices import read_scan
from client.invoices._scan_fields import amount_in_words

from . import _render
from ._samples import invoice
from ._tesseract import needs_tesseract

pytest.importorskip("PIL.Image", reason="Pillow renders the page image")
needs_font = pytest.mark.skipif(_render.cjk_font() is None, reason="no CJK font (OS package fonts-wqy-zenhei)")
pytestmark = [needs_tesseract, needs_font]

WIDTH = 1560  # the page's width in points, as _render.save_searchable_pdf lays the picture


def _searchable(path, words: str):
    """The invoice (total with tax 2303.00) scanned with ``words`` printed as its amount in words, and the
    scanner's text layer reading the page right, words included, drawn invisible over the picture."""
    inv = invoice()
    image = _render.render_image(inv, words=words)
    box = (0, 0, WIDTH, round(image.height * WIDTH / image.width))
    return _render.save_pages_pdf([_render.placed_rows(inv, words)], path, image=image, image_box=box,
                                  invisible=True)


def test_words_of_another_amount_read_on_the_text_layer_alone_flag_the_words_and_the_total(tmp_path):
    result = read_scan(_searchable(tmp_path / "scan.pdf", "叁仟叁佰零叁圆整"))   # 3303.00
    assert result.method == "ocr-text-layer"
    words, total = result.fields["total_in_words"], result.fields["total_with_tax"]
    if amount_in_words(words.value) is not None:
        pytest.skip(f"OCR read the words as an amount ({words.value}): they were compared on the image")
    assert total.value == "2303.00"
    assert words.flagged and total.flagged
    for reading in (words, total):
        assert "叁仟叁佰零叁圆整" in reading.reason and "3303.00" in reading.reason and "2303.00" in reading.reason
    assert not result.ok


def test_words_of_the_total_read_on_the_text_layer_alone_flag_nothing(tmp_path):
    result = read_scan(_searchable(tmp_path / "scan.pdf", "贰仟叁佰零叁圆整"))   # 2303.00, the total
    words, total = result.fields["total_in_words"], result.fields["total_with_tax"]
    assert amount_in_words(words.value) is None   # as OCR reads these words here: not as an amount
    assert not words.flagged and not total.flagged, (words, total)
