"""The one skip marker for tests that run tesseract: the binary on PATH and the language data the reader asks for.

A tesseract without chi_sim (or eng, or osd) data makes the reader raise MissingDependency: that is a machine missing an
OS package, which the tests that need it skip, naming it, as they do for a missing binary.
"""

from __future__ import annotations

import functools
import subprocess

import pytest

from client.invoices._ocr import tesseract_path

# The page is read in chi_sim, regions again in eng or chi_sim+eng (client/invoices/_ocr.py, _scan_fields.py); a
# page that reads as no invoice is asked which way up it is (osd, which Debian's tesseract-ocr depends on).
LANGUAGES = ("chi_sim", "eng", "osd")
PACKAGES = "tesseract-ocr, tesseract-ocr-chi-sim, tesseract-ocr-eng and tesseract-ocr-osd"


@functools.cache
def ocr_unavailable() -> str | None:
    """Why tesseract cannot read invoices here, or None when it can. Asked once per test session."""
    exe = tesseract_path()
    if exe is None:
        return f"tesseract is not on PATH (Debian packages {PACKAGES})"
    # one language a line after a heading; tesseract 5 lists on stdout, 3.x on stderr. TESSDATA_PREFIX is honoured.
    listed = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60)
    have = {line.strip() for line in (listed.stdout + listed.stderr).splitlines()}
    lacking = [language for language in LANGUAGES if language not in have]
    if lacking:
        return f"tesseract has no {' or '.join(lacking)} language data (Debian packages {PACKAGES})"
    return None


needs_tesseract = pytest.mark.skipif(ocr_unavailable() is not None, reason=ocr_unavailable() or "")
