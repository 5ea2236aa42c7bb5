"""The OCR tests' skip marker: a tesseract without the language data the reader needs is a reason to skip, as a
missing binary is, not a failure (client/invoices/_ocr.py raises MissingDependency for it)."""

from pathlib import Path

import pytest

from ._tesseract import ocr_unavailable


def a_tesseract_listing(folder: Path, languages: list[str]) -> str:
    """A PATH holding only a tesseract whose --list-langs names ``languages``, as tesseract 5 prints them."""
    folder.mkdir()
    exe = folder / "tesseract"
    exe.write_text("#!/bin/sh\n"
                   f'echo \'List of available languages in "/usr/share/tesseract-ocr/5/tessdata/" ({len(languages)}):\'\n'
                   + "".join(f"echo {language}\n" for language in languages))
    exe.chmod(0o755)
    return str(folder)


def probe(monkeypatch, path: str) -> str | None:
    monkeypatch.setenv("PATH", path)
    return ocr_unavailable.__wrapped__()     # the probe itself: the marker's answer is cached for the session


def test_a_tesseract_without_chinese_data_is_a_reason_to_skip_naming_it(tmp_path, monkeypatch):
    reason = probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", ["eng", "osd"]))
    assert reason is not None and "no chi_sim language data" in reason and "tesseract-ocr-chi-sim" in reason


def test_each_missing_language_is_named(tmp_path, monkeypatch):
    assert "no chi_sim or eng language data" in probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", ["osd"]))


def test_no_tesseract_on_path_is_a_reason_to_skip(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    assert "tesseract is not on PATH" in probe(monkeypatch, str(tmp_path / "empty"))


def test_a_tesseract_without_orientation_data_is_a_reason_to_skip_naming_it(tmp_path, monkeypatch):
    # a page that reads as no invoice is asked which way up it is: without osd the reader raises MissingDependency
    reason = probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", ["eng", "chi_sim"]))
    assert reason is not None and "no osd language data" in reason and "tesseract-ocr-osd" in reason


@pytest.mark.parametrize("languages", [["chi_sim", "eng", "osd"], ["osd", "eng", "chi_sim"]])
def test_a_tesseract_with_every_language_runs_the_tests(tmp_path, monkeypatch, languages):
    assert probe(monkeypatch, a_tesseract_listing(tmp_path / "bin", languages)) is None
