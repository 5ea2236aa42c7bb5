"""How much of a file OCR takes on: a file of more pages than MAX_OCR_PAGES is refused before any page is decoded,
an image's frames are decoded one at a time as they are read, an image that a PDF's pages share is decoded once,
and a stop by SIGTERM leaves no copy of the page behind. Also the lines that name a PDF no page of which can be read
(one locked by a password, one with an image of no pixels)."""
import io
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from client.invoices import MalformedInput, read_scan
from client.invoices import _ocr, scan

from .test_scan_large_images import _converted_to_grey

Image = pytest.importorskip("PIL.Image", reason="Pillow decodes scans")
pytest.importorskip("pypdf", reason="pypdf reads PDFs")

REPO = Path(__file__).parents[3]
PAGES_A_FILE_MAY_HAVE = 50   # as docs/invoices.md says


def _tiff(frames: int) -> bytes:
    """A TIFF of blank 1-bit group 4 frames of 60 x 80."""
    pages = [Image.new("1", (60, 80), 1) for _ in range(frames)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="group4")
    return out.getvalue()


def _no_page_read(monkeypatch) -> None:
    def read(frame, source):
        raise AssertionError("a page was read by OCR")

    monkeypatch.setattr(scan, "require_tesseract", lambda: "tesseract")
    monkeypatch.setattr(scan, "_upright_page", read)


def test_an_image_of_more_frames_than_a_file_may_have_is_refused_before_any_is_decoded(tmp_path, monkeypatch):
    _no_page_read(monkeypatch)
    path = tmp_path / "scan.tif"
    path.write_bytes(_tiff(PAGES_A_FILE_MAY_HAVE + 1))
    decoded = _converted_to_grey(monkeypatch)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: the image has {PAGES_A_FILE_MAY_HAVE + 1} frames to read by OCR, more than the "
        f"{PAGES_A_FILE_MAY_HAVE} a file may have: an invoice is a page or a few; split the file into one file per "
        f"invoice (at most {PAGES_A_FILE_MAY_HAVE} pages each), or ask the sender for the invoices' XML")
    assert decoded == []


def test_an_image_of_as_many_frames_as_a_file_may_have_is_counted_without_decoding_any(monkeypatch):
    decoded = _converted_to_grey(monkeypatch)
    assert len(_ocr.load_pages(_tiff(PAGES_A_FILE_MAY_HAVE), "scan.tif")) == PAGES_A_FILE_MAY_HAVE
    assert decoded == []
    assert _ocr.MAX_OCR_PAGES == PAGES_A_FILE_MAY_HAVE


def test_an_images_frames_are_decoded_one_at_a_time_as_they_are_read(monkeypatch):
    decoded = _converted_to_grey(monkeypatch)
    frames = iter(_ocr.load_pages(_tiff(3), "scan.tif"))
    first = next(frames)
    assert first.mode == "L" and first.size == (60, 80)
    assert len(decoded) == 1   # the second and third not yet
    assert [page.size for page in frames] == [(60, 80), (60, 80)]
    assert len(decoded) == 3


def _pdf(pages: int, images: list[tuple[int, int]], shared: bool = True) -> bytes:
    """A PDF of ``pages`` pages, each drawing a grey (Flate) image: the one image object every page shares, or
    (``shared`` false) an object of its own for each page; ``images`` the sizes of the images (the first where
    shared)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
               3: b"<< /Length 30 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream"}
    first_image, first_page = 4, 4 + len(images)
    for number, (width, height) in enumerate(images, start=first_image):
        pixels = zlib.compress(bytes([255]) * (width * height))
        objects[number] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                           b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n"
                           % (width, height, len(pixels)) + pixels + b"\nendstream")
    for page in range(pages):
        image = first_image if shared else first_image + page
        objects[first_page + page] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                                      b"<< /XObject << /Im0 %d 0 R >> >> /Contents 3 0 R >>" % image)
    kids = b" ".join(b"%d 0 R" % (first_page + page) for page in range(pages))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)
    out, offsets = bytearray(b"%PDF-1.7\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref, size = len(out), max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in range(1, size))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _images_decoded(monkeypatch) -> list[tuple[int, int]]:
    """The size of each image object pypdf decodes (as it makes each of a page's images), recorded as it goes."""
    from pypdf.generic import _image_xobject
    sizes = []
    decode = _image_xobject._xobj_to_image

    def recording(xobject, *args, **kw):
        sizes.append((xobject["/Width"], xobject["/Height"]))
        return decode(xobject, *args, **kw)

    monkeypatch.setattr(_image_xobject, "_xobj_to_image", recording)
    return sizes


def test_a_pdf_of_more_pages_of_images_than_a_file_may_have_is_refused_before_any_image_is_decoded(tmp_path,
                                                                                                    monkeypatch):
    _no_page_read(monkeypatch)
    path = tmp_path / "scans.pdf"
    path.write_bytes(_pdf(PAGES_A_FILE_MAY_HAVE + 1, [(40, 60)]))
    decoded = _images_decoded(monkeypatch)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value).startswith(
        f"{path}: the PDF has {PAGES_A_FILE_MAY_HAVE + 1} pages of images to read by OCR, more than the "
        f"{PAGES_A_FILE_MAY_HAVE} a file may have: ")
    assert decoded == []


def test_an_image_the_pages_of_a_pdf_share_is_decoded_once(monkeypatch):
    from pypdf import PdfReader
    decoded = _images_decoded(monkeypatch)
    images = scan._pdf_images(PdfReader(io.BytesIO(_pdf(3, [(40, 60)]))), "scans.pdf")
    assert [page for page, _ in images] == [0, 1, 2]
    assert decoded == [(40, 60)]
    assert images[0][1] is images[1][1] is images[2][1] and Image.open(io.BytesIO(images[0][1])).size == (40, 60)


def test_images_of_their_own_on_each_page_of_a_pdf_are_each_decoded(monkeypatch):
    from pypdf import PdfReader
    decoded = _images_decoded(monkeypatch)
    images = scan._pdf_images(PdfReader(io.BytesIO(_pdf(2, [(40, 60), (30, 20)], shared=False))), "scans.pdf")
    assert [(page, Image.open(io.BytesIO(data)).size) for page, data in images] == [(0, (40, 60)), (1, (30, 20))]
    assert decoded == [(40, 60), (30, 20)]


def test_a_pdf_image_of_no_pixels_is_named_as_such(tmp_path, monkeypatch):
    _no_page_read(monkeypatch)
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf(1, [(0, 0)]))
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: the image /Im0 on page 1 is 0 x 0 pixels (its /Width and /Height): an image with no pixels, the "
        "PDF is damaged; ask the sender for the invoice again, or for its XML")


def _encrypted_pdf(path: Path, password: str) -> Path:
    from pypdf import PdfWriter
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(password, "owner", algorithm="AES-128")
    with path.open("wb") as out:
        writer.write(out)
    return path


def test_a_pdf_locked_by_a_password_is_refused_saying_so(tmp_path):
    path = _encrypted_pdf(tmp_path / "invoice.pdf", "secret")
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert str(refused.value) == (
        f"{path}: encrypted with a password to open it, which recfin does not take: ask the sender for the invoice "
        "without a password (or as XML), or save a copy without the password in a PDF reader that has it, and read "
        "that")


def test_a_pdf_encrypted_with_an_empty_password_is_read(tmp_path):
    pytest.importorskip("cryptography", reason="pypdf decrypts AES with it")
    path = _encrypted_pdf(tmp_path / "invoice.pdf", "")
    with pytest.raises(MalformedInput, match="a PDF with neither an invoice text layer nor page images"):
        read_scan(path)


def test_a_scan_read_stopped_by_sigterm_leaves_no_page_image_behind(tmp_path):
    """tesseract, here one that never finishes, is reading the page from a temporary folder when the command is
    stopped: the folder goes, tesseract is stopped, and the exit status is the shell's for SIGTERM."""
    fake = tmp_path / "bin"
    fake.mkdir()
    started = tmp_path / "tesseract.pid"
    (fake / "tesseract").write_text(f'#!/bin/sh\necho $$ > "{started}"\nexec sleep 120\n')
    (fake / "tesseract").chmod(0o755)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    page = tmp_path / "invoice.png"
    Image.new("L", (200, 300), 255).save(page)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ.get('PATH', '')}", "TMPDIR": str(temporary)}
    command = subprocess.Popen([sys.executable, "-m", "cli.main", "invoice", "read", str(page)], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not (started.exists() and started.read_text().strip()) and time.monotonic() < deadline:
            assert command.poll() is None, command.communicate()
            time.sleep(0.1)
        assert list(temporary.glob("recfin-ocr-*/page.png")), "tesseract started with no page image to read"
        command.send_signal(signal.SIGTERM)
        _, stderr = command.communicate(timeout=60)
    finally:
        if command.poll() is None:
            command.kill()
            command.wait()
        # stopped and reaped by the command before it exited
        tesseract_left_running = started.exists() and _still_running(int(started.read_text()))
    assert command.returncode == 128 + signal.SIGTERM
    assert stderr.decode().strip().endswith("Error: terminated (SIGTERM) while reading the scan")
    assert list(temporary.iterdir()) == []
    assert not tesseract_left_running


def _still_running(pid: int) -> bool:
    """Whether the process ``pid`` runs on a second later; one that does is killed, not left to run."""
    time.sleep(1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True
