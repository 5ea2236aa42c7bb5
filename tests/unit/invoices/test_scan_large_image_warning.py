"""`recfin invoice read` of an image over Pillow's 89 million pixels (within what a file may have: the page is
scaled down before it is read) writes nothing but its own lines: Pillow's DecompressionBombWarning, naming a
site-packages path, was printed before them. Run as a real process, where a warning reaches stderr (pytest
records warnings in its own process)."""

import subprocess
import sys
import warnings
from pathlib import Path

from PIL import Image

from client.invoices._ocr import load_pages

from ._tesseract import needs_osd, needs_tesseract

# 90,250,000 pixels: above Pillow's warning at 89,478,485, below its refusal at twice that
SIDE = 9500


def _blank(path: Path, frames: int = 1) -> Path:
    page = Image.new("1", (SIDE, SIDE), 1)
    page.save(path, compression="group4", save_all=True, append_images=[page] * (frames - 1)) \
        if path.suffix == ".tif" else page.save(path)
    return path


def _read(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(sys.executable).parent / "recfin"), "invoice", "read", str(path)],
                          capture_output=True, text=True, timeout=300, cwd=path.parent)


def test_an_image_refused_before_it_is_read_writes_only_the_refusal(tmp_path):
    # three such frames are more pixels than a file may have: refused from their headers, before any OCR
    path = _blank(tmp_path / "pages.tif", frames=3)
    result = _read(path)
    assert result.returncode == 2 and result.stdout == ""
    [message] = result.stderr.splitlines()
    assert message.startswith(f"Error: {path}: the image's 3 frames have 270,750,000 pixels")


@needs_tesseract
@needs_osd
def test_a_large_page_read_writes_only_the_commands_own_lines(tmp_path):
    path = _blank(tmp_path / "page.png")
    result = _read(path)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        f"Error: no invoice text found on {path} page 1: blank, askew by more than 20 degrees, too small or "
        "blurred to read, or not an invoice; scan the invoice straight at 300 dpi and read it again"]


def test_opening_and_decoding_a_large_page_warns_of_nothing(tmp_path):
    path = _blank(tmp_path / "page.png")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pages = load_pages(path, str(path))
        [page] = list(pages)
    assert [str(w.message) for w in caught] == []
    assert page.mode == "L" and page.size[0] * page.size[1] <= 40_000_000
    # the filter is put back once the page is decoded: a warning of the caller's own is shown again
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn("the caller's own", Image.DecompressionBombWarning)
    assert len(caught) == 1
