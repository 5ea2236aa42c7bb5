"""A TIFF's frames are counted no further than _ocr.MOST_FRAMES_COUNTED: Pillow's n_frames read every frame's
header, each looked up among those read before it, so that counting a 10 MB TIFF of 100,000 one-pixel frames
took 40 s (and a file of the 1 GiB a scan may be, far longer) before it was refused for having more than 50
pages."""

from __future__ import annotations

import io
import struct

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr, scan

Image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
TiffImagePlugin = pytest.importorskip("PIL.TiffImagePlugin", reason="Pillow decodes scans")
FRAMES_COUNTED = 1000   # as docs/invoices.md says
PAGES_A_FILE_MAY_HAVE = 50


def _tiff_of_one_pixel_frames(frames: int) -> bytes:
    """A little-endian TIFF whose ``frames`` frames are one white pixel each, all drawing the one byte at
    offset 8: some 100 bytes a frame, as a crafted file has them."""
    # width, height, bits, no compression, grey, the strip at offset 8, one row a strip, one byte
    entries = ((256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1), (273, 4, 1, 8),
               (278, 3, 1, 1), (279, 4, 1, 1))
    size = 2 + 12 * len(entries) + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 9) + b"\xff")
    for number in range(frames):
        following = 9 + (number + 1) * size if number + 1 < frames else 0
        out += struct.pack("<H", len(entries)) + b"".join(struct.pack("<HHII", *entry) for entry in entries)
        out += struct.pack("<I", following)
    return bytes(out)


@pytest.fixture
def headers_read(monkeypatch) -> list[int]:
    """Each frame header Pillow reads from a TIFF, as it reads it."""
    read: list[int] = []
    load = TiffImagePlugin.ImageFileDirectory_v2.load

    def counted(self, fp):
        read.append(fp.tell())
        return load(self, fp)

    monkeypatch.setattr(TiffImagePlugin.ImageFileDirectory_v2, "load", counted)
    return read


def test_a_tiff_of_more_frames_than_are_counted_is_refused_reading_no_header_past_them(tmp_path, monkeypatch,
                                                                                       headers_read):
    monkeypatch.setattr(scan, "require_tesseract", lambda: "tesseract")   # refused before any page is read
    path = tmp_path / "scan.tif"
    path.write_bytes(_tiff_of_one_pixel_frames(3 * FRAMES_COUNTED))
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert f"the image has more than {FRAMES_COUNTED} frames to read by OCR, more than the " \
           f"{PAGES_A_FILE_MAY_HAVE} a file may have" in str(refused.value)
    # each frame up to the one past those counted is read (some twice: found, then loaded as the frame)
    assert len(set(headers_read)) == FRAMES_COUNTED + 1


def test_frames_are_counted_as_far_as_the_docs_say():
    assert (_ocr.MOST_FRAMES_COUNTED, _ocr.MAX_OCR_PAGES) == (FRAMES_COUNTED, PAGES_A_FILE_MAY_HAVE)


@pytest.mark.parametrize("frames", [1, 2, PAGES_A_FILE_MAY_HAVE + 1, FRAMES_COUNTED])
def test_a_tiff_of_up_to_as_many_frames_as_are_counted_is_counted_exactly(frames):
    with Image.open(io.BytesIO(_tiff_of_one_pixel_frames(frames))) as opened:
        assert _ocr._frames_counted(opened) == frames
        assert opened.tell() == 0
