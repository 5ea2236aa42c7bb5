"""The skip markers for tests that run tesseract: the binary on PATH and the language data the reader asks for.

A tesseract without chi_sim (or eng) data makes the reader raise MissingDependency: that is a machine missing an OS
package, which the tests that need it skip, naming it, as they do for a missing binary. The osd data is asked for
only of a page that reads as no invoice as scanned (to turn it upright), so only the tests that read such a page
need it (``needs_osd``): an upright invoice reads without it.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

import pytest

from client.invoices._ocr import tesseract_path

# The page is read in chi_sim, regions again in eng or chi_sim+eng (client/invoices/_ocr.py, _scan_fields.py)
LANGUAGES = ("chi_sim", "eng")
PACKAGES = "tesseract-ocr, tesseract-ocr-chi-sim and tesseract-ocr-eng"
# a page that reads as no invoice is asked which way up it is (osd, which Debian's tesseract-ocr depends on)
ORIENTATION = "osd"
ORIENTATION_PACKAGE = "tesseract-ocr-osd"


def _languages() -> set[str] | None:
    """The language data tesseract lists, or ``None`` where it is not on PATH. TESSDATA_PREFIX is honoured."""
    exe = tesseract_path()
    if exe is None:
        return None
    # one language a line after a heading; tesseract 5 lists on stdout, 3.x on stderr
    listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60)
    return {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}


@functools.cache
def ocr_unavailable() -> str | None:
    """Why tesseract cannot read invoices here, or None when it can. Asked once per test session."""
    have = _languages()
    if have is None:
        return f"tesseract is not on PATH (Debian packages {PACKAGES})"
    lacking = [language for language in LANGUAGES if language not in have]
    if lacking:
        return f"tesseract has no {' or '.join(lacking)} language data (Debian packages {PACKAGES})"
    return None


@functools.cache
def orientation_unavailable() -> str | None:
    """Why tesseract cannot tell which way up a page is here (no osd data), or None when it can."""
    if ocr_unavailable() is not None:
        return ocr_unavailable()
    if ORIENTATION not in (_languages() or set()):
        return f"tesseract has no {ORIENTATION} language data (Debian package {ORIENTATION_PACKAGE})"
    return None


needs_tesseract = pytest.mark.skipif(ocr_unavailable() is not None, reason=ocr_unavailable() or "")
# for tests reading a page that reads as no invoice as scanned: blank, askew, too small to read
needs_osd = pytest.mark.skipif(orientation_unavailable() is not None, reason=orientation_unavailable() or "")


def without_orientation_data(folder: Path, monkeypatch) -> None:
    """Have tesseract read with the installed chi_sim and eng data alone, from ``folder``, as a custom tessdata
    folder without osd (tessdata_best or tessdata_fast) has it, with the installed configs (the ``tsv`` and
    ``hocr`` outputs the reader asks for among them); skips where that data is not found to link to."""
    folder.mkdir()
    for name in (*(f"{language}.traineddata" for language in LANGUAGES), "configs"):
        installed = next(Path("/usr/share/tesseract-ocr").glob(f"*/tessdata/{name}"), None)
        if installed is None:
            pytest.skip(f"no {name} under /usr/share/tesseract-ocr to link to")
        (folder / installed.name).symlink_to(installed)
    monkeypatch.setenv("TESSDATA_PREFIX", str(folder))
