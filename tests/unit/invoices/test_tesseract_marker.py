"""The OCR tests' skip markers: a tesseract without the language data the reader needs is a reason to skip, as a
missing binary is, not a failure (client/invoices/_ocr.py raises MissingDependency for it). Without osd data only
the tests that read a page reading as no invoice as scanned skip (``needs_osd``)."""

from pathlib import Path

import pytest

from ._tesseract import ocr_unavailable, orientation_unavailable


def a_tesseract_listing(folder: Path, languages: list[str]) -> str:
    """A PATH holding only a tesseract whose --list-langs names ``languages``, as tesseract 5 prints them."""
    folder.mkdir()
    exe = folder / "tesseract"
    exe.write_text("#!/bin/sh\n"
                   f'echo \'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" ({len(languages)}):\'\n'
                   + "".join(f"echo {language}\n" for language in languages))
    exe.chmod(0o755)
    return str(folder)


def probe(monkeypatch, path: str, marker=ocr_unavailable) -> str | None:
    monkeypatch.setenv("PATH", path)
    ocr_unavailable.cache_clear()  # the marker's answer is cached for the session: asked afresh here
    try:
        return marker.__wrapped__()
    finally:
        ocr_unavailable.cache_clear()


def test_a_tesseract_without_chinese_data_is_a_reason_to_skip_naming_it(tmp_path, monkeypatch):
    reason = probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", ["eng", "osd"]))
    assert reason is not None and "no chi_sim language data" in reason and "tesseract-ocr-chi-sim" in reason


def test_each_missing_language_is_named(tmp_path, monkeypatch):
    assert "no chi_sim or eng language data" in probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", ["osd"]))


def test_no_tesseract_on_path_is_a_reason_to_skip(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    assert "tesseract is not on PATH" in probe(monkeypatch, str(tmp_path / "empty"))


def test_a_tesseract_without_orientation_data_runs_the_tests_that_turn_no_page(tmp_path, monkeypatch):
    # osd is asked for only of a page that reads as no invoice: an upright invoice reads without it
    path = a_tesseract_listing(tmp_path / "bin", ["eng", "chi_sim"])
    assert probe(monkeypatch, path) is None
    reason = probe(monkeypatch, path, orientation_unavailable)
    assert reason is not None and "no osd language data" in reason and "tesseract-ocr-osd" in reason


def test_the_orientation_marker_names_what_the_ocr_marker_names_first(tmp_path, monkeypatch):
    assert "no chi_sim language data" in probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", ["eng", "osd"]),
                                               orientation_unavailable)


@pytest.mark.parametrize("languages", [["chi_sim", "eng", "osd"], ["osd", "eng", "chi_sim"]])
def test_a_tesseract_with_every_language_runs_the_tests(tmp_path, monkeypatch, languages):
    path = a_tesseract_listing(tmp_path / "bin", languages)
    assert probe(monkeypatch, path) is None and probe(monkeypatch, path, orientation_unavailable) is None
