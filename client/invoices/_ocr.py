"""Tesseract, run as the OS binary: a page read into words with boxes, and regions of it read again.

A page is read once (``--psm 6``, a uniform block of text) into words with their
boxes and confidences, and the characters tesseract weighed at each of their
characters. Any region of it can then be read again from its own crop, in a
:class:`ReadMode` suited to what the region holds (languages, page
segmentation mode, a character whitelist). Every crop read in one mode goes
through a single tesseract run, as a list of images, so a second pass over a page
costs a few process starts, not one per field. Which way up a page's text stands
(:func:`upright_turn`, ``--psm 0``) is asked only of a page whose reading found no
invoice on it, so that a page scanned on its side or upside down is read turned upright.

Images are decoded with Pillow and read as grayscale (16-bit grey scaled to 8 bits, transparency laid on
white: :func:`_on_white`), a page of more than MAX_PAGE_PIXELS scaled down to them, one
frame at a time; an image of more than MAX_OCR_PAGES frames, or of more than MAX_OCR_PIXELS pixels in all, is
refused before any is decoded.
"""

from __future__ import annotations

import csv
import functools
import html
import io
import math
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import MalformedInput, MissingDependency

# What to do with an image Pillow cannot decode (cut short, a header it does not know): its words alone ("Truncated
# File Read", "cannot identify image file") said what went wrong, not what to do
DAMAGED_IMAGE = "the file is damaged or cut short: check it, or scan or download the invoice again"

Box = tuple[int, int, int, int]  # left, top, right, bottom, in page pixels

_CROP_MARGIN = 12  # white border around a crop: tesseract misreads glyphs that touch the image edge
# The most pixels a page (an image, or a frame of one) is read at; a larger one is scaled down to within it first,
# its aspect kept. An A4 page scanned at 600 dpi has 34.8 million (4961 x 7016), twice the resolution OCR needs
# (text some 39 px high at 300 dpi reads best): a larger image is a photo (a 48 MP phone camera's has 48.8
# million) or a page scanned far finer than reading gains from, and tesseract's time and memory grow with its
# pixels (a page of 2 million takes it some 2 s). Only an image Pillow refuses to decode, as a likely
# decompression bomb (above 179 million pixels by default), is refused.
MAX_PAGE_PIXELS = 40_000_000
# How long one tesseract run may take: the page pass over a page within MAX_PAGE_PIXELS, or one mode's second
# reading of a page's fields, takes seconds; a run this long is stuck or reading something no invoice is
TESSERACT_TIMEOUT_SECONDS = 300
# The most pages a file is read by OCR for: an image's frames, or a PDF's pages with images. An invoice is a page or
# a few, and a month's invoices scanned into one file are better split; each page costs OCR seconds (a page pass, a
# second pass over its fields, and which way up it is where it reads as no invoice), and every page with text is
# kept, grey, for its second pass. A file of more is refused from its header before any page is decoded: a TIFF of
# 400 blank group 4 frames is 1.2 MB, and a PDF of 2000 pages drawing one shared image 330 KB.
MAX_OCR_PAGES = 50
# The most images a PDF is read by OCR for, over all its pages: each is read on its own, however small (none is
# skipped), a page pass of up to TESSERACT_TIMEOUT_SECONDS, so a page drawing thousands of tiny images would keep
# tesseract busy for hours. A scanner draws a page as one image, or a few strips. Counted from the pages' resources
# before any image is decoded; an image several pages draw counts once for each, as it is read on each.
MAX_OCR_IMAGES = 4 * MAX_OCR_PAGES
# The most pixels a file's images may have in all, read by OCR: a PDF's images (drawn as objects or inline) or
# an image's frames. Each is decoded whole before it is scaled down to MAX_PAGE_PIXELS, and four blank 8000 x
# 8000 images (256 million) took 42 s to decode and read; Pillow's own limit is per image (179 million), so a
# TIFF of 50 frames each within it would decode billions. Six pages at MAX_PAGE_PIXELS, some 27 A4 pages
# scanned at 300 dpi (8.7 million each), 6 at 600 dpi. Counted before any is decoded: a PDF's images by their
# /Width and /Height (an inline image's /W and /H), an image several pages draw once for each (it is read on
# each), and an image's frames by their headers; and again as each image is decoded, by its own header, for
# all the file's images together.
MAX_OCR_PIXELS = 6 * MAX_PAGE_PIXELS
# A TIFF's frames are counted up to this many, far past MAX_OCR_PAGES (a refusal still gives the count of a
# file of a few hundred pages), and no further: Pillow's n_frames reads every frame's header, each time
# looking it up among those read before it, work in the square of the count (a 10 MB TIFF of 100,000
# one-pixel frames took 40 s).
MOST_FRAMES_COUNTED = 20 * MAX_OCR_PAGES


@dataclass(frozen=True)
class ReadMode:
    """How a region is read: tesseract languages, page segmentation mode, the characters allowed, and
    whether the crop is fitted to its ink (see :func:`fitted`) instead of framed in a fixed white border."""

    languages: str
    psm: int
    whitelist: str = ""
    fit: bool = False

    def args(self) -> list[str]:
        args = ["-l", self.languages, "--psm", str(self.psm)]
        if self.whitelist:
            args += ["-c", f"tessedit_char_whitelist={self.whitelist}"]
        return args


# The page pass reads Chinese only: with English added, labels on a blurred scan come back as Latin
# garbage (名称 as "BAR"), and the page pass is there to find labels and boxes; values are read again.
PAGE_MODE = ReadMode("chi_sim", 6)


@dataclass(frozen=True)
class Word:
    """One word as tesseract read it: text, confidence 0-1, box, and the line it belongs to; and, where the page
    pass says so, the characters tesseract weighed at each of its characters (its choice first)."""

    text: str
    confidence: float
    box: Box
    line: tuple[str, ...]
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """A region read again: its text, the lowest confidence of its words (0 when nothing was read), and the
    confidence of each of its characters (its word's), where the reading gives them."""

    text: str
    confidence: float
    characters: tuple[float, ...] = ()


# The first bytes of each image format read by OCR, and its name
_IMAGE_MAGIC = {b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg", b"II*\x00": "tiff", b"MM\x00*": "tiff",
                b"BM": "bmp"}


def image_kind(data: bytes) -> str | None:
    """The format of an image file OCR reads (``png``, ``jpeg``, ``tiff``, ``bmp``), by its first bytes;
    ``None`` for anything else."""
    for magic, kind in _IMAGE_MAGIC.items():
        if data.startswith(magic):
            return kind
    return None


def tesseract_path() -> str | None:
    """The ``tesseract`` binary on PATH, or ``None``."""
    return shutil.which("tesseract")


def require_tesseract() -> str:
    exe = tesseract_path()
    if exe is None:
        raise MissingDependency("the tesseract OCR binary",
                                "install the OS packages tesseract-ocr and tesseract-ocr-chi-sim "
                                "(Debian: apt-get install tesseract-ocr tesseract-ocr-chi-sim)")
    return exe


def parse_tsv(tsv: str) -> list[Word]:
    """The words (level 5 rows with text) of tesseract's TSV output."""
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        words.append(Word(text, max(0.0, float(row["conf"])) / 100,
                          (left, top, left + int(row["width"]), top + int(row["height"])),
                          (row["page_num"], row["block_num"], row["par_num"], row["line_num"])))
    return words


# The page pass also writes tesseract's hOCR with each character's alternatives, as its LSTM's beam search weighed
# them (``lstm_choice_mode=2``): its best reading is the TSV's, the same with the option or without (the 18 test
# scans' TSV byte for byte), and it costs the page pass 0.09 to 0.37 s of CPU more (of 0.74 to 1.25 s).
_CHOICES = ("-c", "lstm_choice_mode=2")
_HOCR_WORD = re.compile(r"<span class='ocrx_word'[^>]*title='bbox (\d+) (\d+) (\d+) (\d+);[^']*'>(.*?)"
                        r"(?=<span class='ocrx_word'|</p>)", re.S)
_HOCR_GROUP = re.compile(r"id='lstm_choices[^']*'>(.*?</span>)</span>", re.S)
_HOCR_CHOICE = re.compile(r"x_confs [\d.]+'>([^<]*)</span>")


def hocr_choices(hocr: str) -> dict[Box, tuple[str, ...]]:
    """Each word of tesseract's hOCR (``lstm_choice_mode=2``) by its box: for each of its characters, the
    characters tesseract weighed there. Each group of choices begins with the one tesseract chose: a group that
    begins with a blank (a space weighed beside the word) stands for no character, and a character whose group
    begins with another character has none ("": on Chinese text tesseract often gives groups that are no
    character's, ``社会`` as ``全 守 玫`` and ``人 客 和``, each chosen at 0.97). A word whose groups, so counted,
    are not one for each of its characters, or two words with one box, give none."""
    found: dict[Box, tuple[str, ...]] = {}
    seen = set()
    for word in _HOCR_WORD.finditer(hocr):
        box = tuple(int(v) for v in word.group(1, 2, 3, 4))
        body = word.group(5)
        text = html.unescape(body.split("<", 1)[0]).strip()
        groups = [[html.unescape(c).strip() for c in _HOCR_CHOICE.findall(group)]
                  for group in _HOCR_GROUP.findall(body)]
        groups = [g for g in groups if g and g[0]]
        if box in seen:
            found.pop(box, None)
        elif text and len(groups) == len(text):
            found[box] = tuple("".join(g) if g[0] == char else "" for char, g in zip(text, groups))
        seen.add(box)
    return found


def _with_choices(words: list[Word], choices: dict[Box, tuple[str, ...]]) -> list[Word]:
    return [replace(w, choices=choices.get(w.box, ())) for w in words]


def _environment() -> dict[str, str]:
    # tesseract's OpenMP threads spin-wait on each other: on a 2-core machine a page took 4.1 s with them
    # and 1.6 s without. A caller who set the limit keeps it.
    env = dict(os.environ)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def _tesseract(target: Path, mode: ReadMode, source: str, what: str,
               outputs: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """tesseract run over ``target`` (an image, or a list of images) in ``mode``, what it read on stdout (TSV; in
    ``--psm 0`` the orientation it found), or, given ``outputs``, in a file of each of them beside ``target``
    (``page.tsv`` and ``page.hocr`` for ``page.png``), characters' alternatives in the hOCR; ``what`` it reads,
    for the error when it cannot start or does not finish. A run that fails otherwise is the caller's to judge."""
    written = [str(target.with_suffix("")), *mode.args(), *_CHOICES, *outputs] if outputs \
        else ["stdout", *mode.args(), "tsv"]
    try:
        proc = subprocess.run([require_tesseract(), str(target), *written],
                              capture_output=True, timeout=TESSERACT_TIMEOUT_SECONDS, env=_environment())
    except subprocess.TimeoutExpired:
        raise MalformedInput(source, None, (
            f"tesseract reading {what} ({' '.join(mode.args())}) did not finish within {TESSERACT_TIMEOUT_SECONDS} "
            "s and was stopped: the image is likely no scanned invoice page or is far larger than one; crop it to "
            "the invoice and scan at 300 dpi, or ask the sender for the invoice's XML or its PDF")) from None
    if proc.returncode != 0 and "Failed loading language" in proc.stderr.decode("utf-8", "replace"):
        packages = [_LANGUAGE_PACKAGES.get(language, f"tesseract-ocr-{language.replace('_', '-')}")
                    for language in mode.languages.split("+")]
        raise MissingDependency(f"tesseract language data {mode.languages}",
                                f"install the OS package{'s' if len(packages) > 1 else ''} {' and '.join(packages)}")
    return proc


# The Debian package of each language data file the reader asks for
_LANGUAGE_PACKAGES = {"chi_sim": "tesseract-ocr-chi-sim", "eng": "tesseract-ocr-eng", "osd": "tesseract-ocr-osd"}


def _failed(proc: subprocess.CompletedProcess, source: str) -> MalformedInput:
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    detail = lines[-1] if lines else f"exit status {proc.returncode}"
    return MalformedInput(source, None, f"tesseract could not read the image: {detail}")


def _run(target: Path, mode: ReadMode, source: str, what: str) -> str:
    """tesseract's TSV output for ``target`` (an image, or a list of images), read in ``mode``; ``what`` it reads,
    for the error when it cannot."""
    proc = _tesseract(target, mode, source, what)
    if proc.returncode != 0:
        raise _failed(proc, source)
    return proc.stdout.decode("utf-8", "replace")


def load_pages(image: bytes | Path, source: str) -> PageFrames:
    """The image's frames (a TIFF may hold several) as grayscale Pillow images, decoded one at a time as they are
    iterated (:class:`PageFrames`). Raises MalformedInput now where the image cannot be opened or has more than
    MAX_OCR_PAGES frames."""
    return PageFrames(image, source)


class PageFrames:
    """An image's frames, counted from their headers when made (:func:`_frames_counted`, not their pixels)
    and refused past MAX_OCR_PAGES, their pixels (``pixels``) counted from each frame's header
    and refused past MAX_OCR_PIXELS, each decoded to grey only as the iteration reaches it: a frame read is
    let go of before the next is decoded, where decoding them all first held every frame at once (400 blank
    6300 x 6300 frames, a 1.2 MB group 4 TIFF, ran out of memory so). Each iteration opens the image again."""

    def __init__(self, image: bytes | Path, source: str) -> None:
        self._image, self._source = image, source
        self.pixels = 0
        with self._opened() as opened, _size_warning_ignored():   # a seek reads the next frame's header
            counted = _frames_counted(opened)
            self._count = counted if counted is not None else MOST_FRAMES_COUNTED + 1
            if self._count <= MAX_OCR_PAGES:
                self.pixels = _pixels_of_frames(opened, self._count)
        if self._count > MAX_OCR_PAGES:
            raise too_many_pages(source, f"the image has {self._count} frames" if counted is not None
                                 else f"the image has more than {MOST_FRAMES_COUNTED} frames")
        if self.pixels > MAX_OCR_PIXELS:
            holder = f"the image's {self._count} frames have" if self._count > 1 else "the image has"
            raise too_many_pixels(source, self.pixels, holder)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator:
        from PIL import ImageSequence
        with self._opened() as opened:
            frames = ImageSequence.Iterator(opened)
            while True:
                # the warning ignored a frame at a time, not while the page is read: it is yielded outside
                with _size_warning_ignored():
                    frame = next(frames, None)
                    page = None if frame is None else _grey_page(frame, opened.format)
                if page is None:
                    return
                yield page

    @contextmanager
    def _opened(self):
        """The image opened with Pillow, what it cannot decode raised as MalformedInput naming the file."""
        try:
            from PIL import Image
        except ImportError:
            raise MissingDependency("the Python package Pillow (to decode scans for OCR)",
                                    "pip install 'pillow>=10,<14'") from None
        stream = self._image if isinstance(self._image, Path) else io.BytesIO(self._image)
        try:
            with _size_warning_ignored():
                opened = Image.open(stream)
            with opened:
                yield opened
        except Image.DecompressionBombError as exc:
            # Pillow refuses such an image from the size its header gives, before decoding it
            raise MalformedInput(self._source, None, (
                f"cannot decode the image: {exc} No scanned invoice page is that large: scan the invoice at 300 dpi "
                "or scale the image down, and crop it to the invoice")) from None
        except (OSError, ValueError, EOFError) as exc:
            # Pillow names what it read: for bytes, <_io.BytesIO object at 0x7f...>, which says nothing of the file
            problem = str(exc).replace(repr(stream), repr(self._source)).rstrip(".")
            raise MalformedInput(self._source, None, f"cannot decode the image: {problem}; {DAMAGED_IMAGE}") from None


@contextmanager
def _size_warning_ignored():
    """Pillow's DecompressionBombWarning ignored for the while. Pillow warns of an image over 89 million
    pixels as it reads its header (and a frame's), which printed its own line, naming a site-packages path,
    before the CLI's: such a page is scaled down to MAX_PAGE_PIXELS before it is read (:func:`_grey_page`),
    the file's pixels bounded by MAX_OCR_PIXELS, and one of twice as many refused (DecompressionBombError, in
    :meth:`PageFrames._opened`). Ignored where Pillow opens and decodes an image only, never during OCR."""
    from PIL import Image
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        yield


def too_many_pages(source: str, counted: str) -> MalformedInput:
    """The refusal of a file with more pages to OCR than MAX_OCR_PAGES, ``counted`` saying how many it has."""
    return MalformedInput(source, None, (
        f"{counted} to read by OCR, more than the {MAX_OCR_PAGES} a file may have: an invoice is a page or a few; "
        f"split the file into one file per invoice (at most {MAX_OCR_PAGES} pages each), or ask the sender for the "
        "invoices' XML"))


def too_many_images(source: str, counted: int) -> MalformedInput:
    """The refusal of a PDF with more images to OCR than MAX_OCR_IMAGES, ``counted`` saying how many it has."""
    return MalformedInput(source, None, (
        f"the PDF has {counted} images to read by OCR, more than the {MAX_OCR_IMAGES} a file may have: a scanned "
        "page is one image or a few, and each is read on its own; ask the sender for the invoice's XML or a PDF of "
        "its text, or print it and scan it to a PDF of one image a page"))


def too_many_pixels(source: str, counted: int, holder: str = "the PDF's images have") -> MalformedInput:
    """The refusal of a file whose images have more pixels to OCR in all than MAX_OCR_PIXELS, ``counted``
    saying how many they have, ``holder`` what has them (``the image's 7 frames have``)."""
    return MalformedInput(source, None, (
        f"{holder} {counted:,} pixels to read by OCR in all, more than the {MAX_OCR_PIXELS:,} a file may "
        "have: a page scanned at 300 dpi has some 9 million; split the file into one file per invoice, scan it at "
        "300 dpi, or ask the sender for the invoice's XML or a PDF of its text"))


def _frames_counted(opened) -> int | None:
    """How many frames an opened image has, from their headers; ``None`` for a TIFF of more than
    MOST_FRAMES_COUNTED. A TIFF's are counted a frame at a time, its headers read up to the one past those
    and none beyond (Pillow's n_frames after a seek past the last frame is the frame sought, not the count);
    another format gives its count from its header (a PNG's animation control, an MPO's index), where
    seeking would decode each frame on the way. The image is left at its first frame."""
    if opened.format != "TIFF":
        return getattr(opened, "n_frames", 1)
    count = 1
    try:
        while count <= MOST_FRAMES_COUNTED:
            opened.seek(count)
            count += 1
    except EOFError:
        return count
    finally:
        opened.seek(0)
    return None


def _pixels_of_frames(opened, count: int) -> int:
    """How many pixels an opened image's ``count`` frames have in all, from each frame's header (seeking to a
    frame reads its header, not its pixels); the image is left at its first frame."""
    if count == 1:
        return opened.size[0] * opened.size[1]
    pixels = 0
    for number in range(count):
        opened.seek(number)
        pixels += opened.size[0] * opened.size[1]
    opened.seek(0)
    return pixels


def _grey_page(frame, image_format: str | None):
    """A decoded frame in grey, scaled down to within MAX_PAGE_PIXELS."""
    from PIL import Image
    within = within_page_pixels(frame.size)  # from its header, before it is decoded
    if within != frame.size and image_format == "JPEG":
        # a JPEG over the limit is decoded straight to grey, not in full colour first: a colour photo of
        # 6000 x 10200 peaked at 418 MB loaded, 3 bytes a pixel, and at 242 MB so. The decoder also
        # halves one of 160 million pixels or more (up to the 179 million Pillow decodes at all) where
        # half is still as large as the page read. Not an MPO (a JPEG with a second picture, an HDR gain
        # map): its draft outlives the first picture, and the next one is decoded at that scale into a
        # tile of its full size, "truncated"
        frame.draft("L", within)
        grey = frame.convert("L")
        return grey if within == grey.size else grey.resize(within, Image.Resampling.LANCZOS)
    if within != frame.size:  # other formats have no draft: decoded whole, scaled a strip at a time
        return _scaled_grey(frame, within)
    return _on_white(frame)


def _on_white(image):
    """``image`` in 8-bit grey as it shows on white paper. A 16-bit grey image (``I;16``: a scanner's
    16-bit grey setting, PNG or TIFF) is scaled to 8 bits: Pillow's conversion clips it, so all but the
    blackest ink (a dark grey ink of 30 in 255 is 7710 in 65535) read as paper, and the page as blank. An
    image with transparency (an alpha band, or a PNG's transparent colour) is laid on white first:
    converting it drops the alpha, and black text on a transparent page (every pixel black, the text told
    by its alpha alone) read as a black page. Any other image is converted as it is."""
    from PIL import Image
    if image.mode.startswith("I;16"):
        return image.point(lambda value: value / 257).convert("L")
    if "A" in image.getbands() or "a" in image.getbands():
        alpha = image.getchannel("A" if "A" in image.getbands() else "a")
    elif "transparency" in image.info:
        alpha = image.convert("RGBA").getchannel("A")
    else:
        return image.convert("L")
    return Image.composite(image.convert("L"), Image.new("L", image.size, 255), alpha)


# Rows of the scaled page made at a time by _scaled_grey: a strip of a 6000-pixel-wide colour frame, with the rows
# around it that LANCZOS weighs, is some 8 MB to convert and scale, against the 40 MB of the page
_STRIP_ROWS = 256


def _scaled_grey(frame, within: tuple[int, int]):
    """``frame`` (a Pillow image of more than ``within``) in grey, scaled down to ``within`` with LANCZOS, as
    converting it to grey whole and scaling that down would, but a strip of rows at a time: only the decoded frame
    and the page are ever whole, not also a grey copy of the frame and the rows scaled across before they are
    scaled down (a colour PNG of 6000 x 10200 peaked at 416 MB so, 4 bytes a pixel decoded, and at 326 MB so).
    Each strip is made from the frame's rows it covers and those the filter reaches past them, so that it is what
    the whole would have been there, to within a rounding of the scale's floats: one grey level, and two where the
    whole is scaled down first and that rounding is then scaled across (measured on black-and-white text, the
    sharpest there is: 3 pixels of 1 million, 26 of 40 million). LANCZOS scales in two passes, across and down,
    and the first pass's values are cut to 0-255 before the second: on black text on white, the order changes a
    pixel by up to some 30 levels. Pillow chooses the order from the sizes of each resize, which a strip's are
    not, so each strip is scaled one pass at a time, in the order the whole takes."""
    from PIL import Image
    width, height = frame.size
    page = Image.new("L", within)
    scale = height / within[1]
    reach = math.ceil(3 * scale) + 1  # LANCZOS weighs the source rows within 3 of a row's centre, scaled
    lanczos = Image.Resampling.LANCZOS
    down_first = _scaled_down_first(frame.size, within)
    for top in range(0, within[1], _STRIP_ROWS):
        bottom = min(top + _STRIP_ROWS, within[1])
        start, end = top * scale, min(bottom * scale, height)
        first, last = max(0, math.floor(start) - reach), min(height, math.ceil(end) + reach)
        strip = _on_white(frame.crop((0, first, width, last)))
        # a resize keeping one side takes the one pass of the other: the two, in the order the whole frame's takes
        if down_first:
            strip = strip.resize((width, bottom - top), lanczos, box=(0, start - first, width, end - first))
            strip = strip.resize((within[0], bottom - top), lanczos)
        else:
            strip = strip.resize((within[0], strip.height), lanczos)
            strip = strip.resize((within[0], bottom - top), lanczos, box=(0, start - first, within[0], end - first))
        page.paste(strip, (0, top))
    return page


def _scaled_down_first(size: tuple[int, int], within: tuple[int, int]) -> bool:
    """Whether Pillow scales an image of ``size`` to ``within`` down (its vertical pass) before across: a Pillow
    with python-pillow/Pillow#9549 does where it loses more than twice as many rows as columns (measured on 3220
    sizes and 1500 boxes: the sizes of the image and the result decide it, not the box); an older one always scales
    across first. Which the installed one does is asked of it once, on a 60 x 60 image scaled to 55 x 10."""
    (width, height), (to_width, to_height) = size, within
    return height - to_height > 2 * (width - to_width) and _pillow_may_scale_down_first()


@functools.cache
def _pillow_may_scale_down_first() -> bool:
    from PIL import Image
    lanczos = Image.Resampling.LANCZOS
    # black and white dots, whose LANCZOS overshoot the first pass cuts to 0-255: the two orders differ on them
    dots = bytes(255 * ((x * 7 + y * 13) % 5 < 2) for y in range(60) for x in range(60))
    probe = Image.frombytes("L", (60, 60), dots)
    down_first = probe.resize((60, 10), lanczos).resize((55, 10), lanczos)
    return probe.resize((55, 10), lanczos).tobytes() == down_first.tobytes()


def within_page_pixels(size: tuple[int, int]) -> tuple[int, int]:
    """``size``, or where it has more than MAX_PAGE_PIXELS, the largest size of its aspect within them: tesseract
    would take minutes over a larger page, if it finished at all, and reads no better for it."""
    width, height = size
    if width * height <= MAX_PAGE_PIXELS:
        return size
    factor = math.sqrt(MAX_PAGE_PIXELS / (width * height))
    scaled_width = max(1, int(width * factor))
    return scaled_width, max(1, min(int(height * factor), MAX_PAGE_PIXELS // scaled_width))


@contextmanager
def _page_file(page) -> Iterator[Path]:
    """``page`` (a Pillow image) written to a PNG file for tesseract to read, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="recfin-ocr-") as tmp:
        path = Path(tmp) / "page.png"
        page.save(path, format="PNG")
        yield path


def read_words(page, source: str, mode: ReadMode = PAGE_MODE) -> list[Word]:
    """Read a whole page (a grayscale Pillow image) into words, each with the characters weighed at each of its
    characters (:func:`hocr_choices`)."""
    with _page_file(page) as path:
        proc = _tesseract(path, mode, source, "the page", outputs=("tsv", "hocr"))
        tsv, hocr = path.with_suffix(".tsv"), path.with_suffix(".hocr")
        if proc.returncode != 0 or not tsv.is_file():
            raise _failed(proc, source)
        words = parse_tsv(tsv.read_text(encoding="utf-8", errors="replace"))
        # the alternatives only spare a character the crop read: a page without them is read as before
        return _with_choices(words, hocr_choices(hocr.read_text(encoding="utf-8", errors="replace"))
                             if hocr.is_file() else {})


# Orientation and script detection: which way up the page's text stands, read off the shapes of its characters.
# It tells a turned invoice page right on Han text: measured on the test scans it named all 48 of six invoices (clean
# and degraded, each turned 0, 90, 180 and 270 degrees) right at a confidence of 7.5 to 15.5, and all 96 of two
# invoices (clean and degraded, PNG and JPEG at quality 25, at 1.4, 1.0, 0.8 and 0.6 of their size, each turned 90, 180
# and 270 degrees) right at 0.09 to 15.5, every one scanned degraded at 0.6 of its size below 1.4 and readable once
# turned. On what holds no readable text it still names a turn, at 0 to 1.5 (random noise 180 at 0.46). The two
# overlap, so no confidence tells a readable turned page from a guess, and the turn named is taken however sure:
# it is asked only of a page that reads as no invoice as scanned, and a turned reading is kept only where it reads
# more (scan._upright_page), so a wrong turn costs a page pass or two (it, then the opposite turn) and replaces
# nothing.
ORIENTATION_MODE = ReadMode("osd", 0)
_ORIENTATION = re.compile(r"^Rotate:\s*(\d+)\s*$", re.MULTILINE)
# what tesseract says of a page with too little text to tell which way up it is (a blank one)
_TOO_FEW_CHARACTERS = "Too few characters"


def upright_turn(page, source: str) -> int:
    """How many degrees clockwise (0, 90, 180 or 270) ``page`` (a grayscale Pillow image) is to be turned for its
    text to stand upright, as tesseract's orientation detection (``--psm 0``) finds it, however sure of it; 0 where
    the page holds too little text to tell. Raises MissingDependency where tesseract has no osd data: the caller
    judges whether a page it cannot turn matters."""
    with _page_file(page) as path:
        proc = _tesseract(path, ORIENTATION_MODE, source, "which way up the page is")
    if proc.returncode != 0:
        if _TOO_FEW_CHARACTERS in proc.stderr.decode("utf-8", "replace"):
            return 0
        raise _failed(proc, source)
    found = _ORIENTATION.search(proc.stdout.decode("utf-8", "replace"))
    return int(found.group(1)) % 360 if found is not None else 0


def turned(page, degrees: int):
    """``page`` turned ``degrees`` (a multiple of 90) clockwise: pixel for pixel, nothing resampled."""
    from PIL import Image

    steps = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
    return page.transpose(steps[degrees]) if degrees in steps else page


def read_crops(page, boxes: list[Box], mode: ReadMode, source: str,
               leads: list[Box | None] | None = None) -> list[Reading]:
    """Read each box of ``page`` on its own, all in one tesseract run; one reading per box, in order. Where
    ``leads`` gives a box for a crop, the last glyph of that box's ink is set before the crop (:func:`led`),
    and the reading begins with it."""
    if not boxes:
        return []
    with tempfile.TemporaryDirectory(prefix="recfin-ocr-") as tmp:
        paths = []
        for i, box in enumerate(boxes):
            crop = _page_crop(page, box)
            lead = leads[i] if leads else None
            if lead is not None:
                crop = led(_page_crop(page, lead), crop)
            crop = fitted(crop) if mode.fit else _framed(crop, _CROP_MARGIN)
            path = Path(tmp) / f"crop{i:04d}.png"
            crop.save(path, format="PNG")
            paths.append(str(path))
        listing = Path(tmp) / "crops.txt"
        listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
        words = parse_tsv(_run(listing, mode, source, f"{len(boxes)} field(s) of the page again"))
    by_crop: dict[int, list[Word]] = {}
    for word in words:
        by_crop.setdefault(int(word.line[0]) - 1, []).append(word)
    readings = []
    for i in range(len(boxes)):
        found = sorted(by_crop.get(i, []), key=lambda w: w.box[0])
        readings.append(Reading("".join(w.text for w in found), min((w.confidence for w in found), default=0.0),
                                tuple(w.confidence for w in found for _ in w.text)))
    return readings


def _page_crop(page, box: Box):
    """``box`` of ``page``, inside the page (Pillow fills what lies outside with black, which would read as ink),
    never empty."""
    left, top, right, bottom = box
    left, top = min(max(0, left), page.width - 1), min(max(0, top), page.height - 1)
    return page.crop((left, top, max(left + 1, min(page.width, right)), max(top + 1, min(page.height, bottom))))


def led(lead, crop):
    """``crop`` (cut to its ink) with the last glyph of ``lead`` (the ink right of its last blank column) set
    before it, 0.15 text heights apart, both standing on one baseline: a line that goes on from another, read
    with the character it follows. Read on its own, a wrapped line loses the word it continues: ``0V X7R``
    after ``100nF 5`` is read ``OV X7R``, a 0 before a letter taken for the letter; after the 5, ``50V``.
    ``crop`` as it is where either holds no ink, and cut to its ink where ``lead``'s is too faint to count a
    column."""
    from PIL import Image

    lead_ink, crop_ink = ink_mask(lead).getbbox(), ink_mask(crop).getbbox()
    if lead_ink is None or crop_ink is None:
        return crop
    lead, crop = lead.crop(lead_ink), crop.crop(crop_ink)
    glyphs = dark_spans(column_ink(lead, 0, lead.height))  # none where its ink is too faint to count a column
    if not glyphs:
        return crop
    glyph = lead.crop((glyphs[-1][0], 0, lead.width, lead.height))
    height = max(glyph.height, crop.height)
    gap = round(0.15 * height)
    joined = Image.new("L", (glyph.width + gap + crop.width, height), 255)
    joined.paste(glyph, (0, height - glyph.height))
    joined.paste(crop, (glyph.width + gap, height - crop.height))
    return joined


def _framed(crop, margin: int):
    from PIL import Image

    framed = Image.new("L", (crop.width + 2 * margin, crop.height + 2 * margin), 255)
    framed.paste(crop, (margin, margin))
    return framed


def ink_mask(image):
    """Dark pixels white, the rest black: what ``getbbox`` and column sums count as ink."""
    return image.point(lambda v: 255 if v < 128 else 0)


def fitted(crop):
    """A crop cut to its ink, framed by 0.3 text heights, with narrow raised marks (``*``) spaced apart.

    With ``--psm 13`` tesseract scales the whole image to its line height, so the frame decides how big the
    text is to it: a frame in proportion to the text reads alike at any scan resolution. An asterisk set
    close to a Chinese character is read as part of it (``*钢材`` as ``*人钢材``) or eats it (``*照明`` as
    ``*妥明``); white space around it keeps the two apart.
    """
    ink = ink_mask(crop).getbbox()
    if ink is None:
        return _framed(crop, _CROP_MARGIN)
    crop = crop.crop(ink)
    spaced = _space_raised_marks(crop)
    return _framed(spaced, max(2, round(0.3 * crop.height)))


def _space_raised_marks(crop):
    """``crop`` (cut to its ink) with white space of 0.35 text heights either side of each glyph that is narrow
    and sits in the upper part of the line, as an asterisk or a quote does; Chinese characters span the line."""
    from PIL import Image

    height = crop.height
    gap = round(0.35 * height)
    pieces, last = [], 0
    for left, right in dark_spans(column_ink(crop, 0, height)):
        if right - left >= 0.5 * height:
            continue
        box = ink_mask(crop.crop((left, 0, right, height))).getbbox()
        if box is not None and box[3] <= 0.6 * height:
            pieces += [(last, left, 0), (left, right, gap)]
            last = right
    if not pieces:
        return crop
    pieces.append((last, crop.width, 0))
    out = Image.new("L", (crop.width + sum(2 * g for _, _, g in pieces), height), 255)
    x = 0
    for left, right, g in pieces:
        out.paste(crop.crop((left, 0, right, height)), (x + g, 0))
        x += g + (right - left) + g
    return out


def column_ink(page, top: int, bottom: int) -> list[float]:
    """How many dark pixels each column of the page has between rows ``top`` and ``bottom``."""
    from PIL import Image

    band = page.crop((0, max(0, top), page.width, min(page.height, bottom)))
    if band.height == 0:
        return [0.0] * page.width
    averaged = ink_mask(band).resize((band.width, 1), resample=Image.Resampling.BOX)  # each column to one pixel
    return [v * band.height / 255 for v in averaged.tobytes()]


def dark_spans(ink: list[float]) -> list[tuple[int, int]]:
    """The columns with ink (a column counts as dark from half a pixel), as (left, right) spans left to right."""
    spans: list[tuple[int, int]] = []
    start = None
    for x, dark in enumerate(ink + [0.0]):
        if dark >= 0.5 and start is None:
            start = x
        elif dark < 0.5 and start is not None:
            spans.append((start, x))
            start = None
    return spans


def merge_spans(spans: list[tuple[int, int]], min_gap: int) -> list[tuple[int, int]]:
    """Spans (sorted by left edge; they may overlap) joined wherever the blank between them is at most
    ``min_gap``."""
    runs: list[list[int]] = []
    for left, right in spans:
        if runs and left - runs[-1][1] <= min_gap:
            runs[-1][1] = max(runs[-1][1], right)
        else:
            runs.append([left, right])
    return [(a, b) for a, b in runs]


def ink_runs(page, top: int, bottom: int, min_gap: int) -> list[tuple[int, int]]:
    """Horizontal extents of the ink between rows ``top`` and ``bottom``, split where the blank gap exceeds
    ``min_gap`` pixels. Specks (a few dark pixels) are not ink."""
    ink = column_ink(page, top, bottom)
    return solid_runs(ink, merge_spans(dark_spans(ink), min_gap), bottom - top)


def solid_runs(ink: list[float], runs: list[tuple[int, int]], band: int) -> list[tuple[int, int]]:
    """The runs that are more than specks: a run with fewer dark pixels than a third of the band's height is one."""
    min_ink = max(4.0, band / 3)
    return [(a, b) for a, b in runs if sum(ink[a:b]) >= min_ink]


def blanks_inside(page, box: Box) -> list[int]:
    """The widths of the blank column runs between the first and the last ink of ``box``: the gaps between the
    glyphs (and inside them) of what the box holds."""
    left, top, right, bottom = max(0, box[0]), box[1], min(page.width, box[2]), box[3]
    if right <= left or bottom <= top:
        return []
    spans = dark_spans(column_ink(page.crop((left, 0, right, page.height)), top, bottom))
    return [b[0] - a[1] for a, b in zip(spans, spans[1:])]


def blank_before(ink: list[float], x: int, reach: int) -> int:
    """The first blank column at or left of ``x`` within ``reach`` pixels (``x`` itself when there is none):
    where a glyph begins, so that a crop starting there does not cut it in two."""
    for candidate in range(x, max(-1, x - reach - 1), -1):
        if candidate < len(ink) and ink[candidate] < 0.5:
            return candidate
    return x
