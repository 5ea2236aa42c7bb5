"""The field-by-field accuracy report (``python -m tests.unit.invoices.ocr_accuracy``): what it counts. The scans are
read here from a text layer, not by OCR, so that what is right and what is wrong is known: times are not asserted."""

import pytest

from client.invoices import read_scan

from . import _render, ocr_accuracy
from .test_scan import NEW_CORPUS, needs_font

pytest.importorskip("fpdf", reason="fpdf2 writes the text-layer PDF")


@needs_font
def test_each_field_is_counted_right_wrong_and_wrong_without_a_flag(tmp_path, monkeypatch):
    [truth] = NEW_CORPUS
    misprinted = truth.model_copy(update={"number": "26512000000000905318"})   # read with confidence, unflagged

    def read_misprinted(path):
        return read_scan(_render.save_text_pdf(misprinted, tmp_path / "misprinted.pdf"))

    monkeypatch.setattr(ocr_accuracy, "read_scan", read_misprinted)
    report = ocr_accuracy.measure(["new"], ["png", "image-pdf"], tmp_path)
    fields = report["fields"]
    assert fields["number"] == {"right": 0, "read": 2, "wrong_not_flagged": 2}
    assert fields["seller.tax_id"] == {"right": 2, "read": 2, "wrong_not_flagged": 0}
    # three item lines in each of the two scans, each line whole and each of its cells
    assert fields["lines[]"] == fields["lines[].unit"] == {"right": 6, "read": 6, "wrong_not_flagged": 0}
    assert [page["scan"] for page in report["pages"]] == ["new0-png", "new0-image-pdf"]
    lines = ocr_accuracy.report_lines(report)
    assert lines[1].split() == ["number", "0/2", "0.0%", "2"]
    assert lines[-1].startswith("2 pages: wall ")
