"""The benchmark of reading a many-page PDF (``python -m bench.invoice_read``): the file it makes and its report.
What it measures is not asserted: times depend on the machine."""

import json
import re

import pytest

pypdf = pytest.importorskip("pypdf")

from click.testing import CliRunner  # noqa: E402

from bench.invoice_read import SAMPLE, main, sample_pages_pdf  # noqa: E402


def test_the_sample_printed_many_times_gives_each_page_content_of_its_own(tmp_path):
    # pages sharing one content stream would have it parsed once, and read faster than a file of many invoices
    pages = pypdf.PdfReader(sample_pages_pdf(3, tmp_path / "three.pdf")).pages
    assert len(pages) == 3
    assert len({page.raw_get("/Contents").idnum for page in pages}) == 3
    assert {page.extract_text() for page in pages} == {pypdf.PdfReader(SAMPLE).pages[0].extract_text()}


def test_the_report_gives_the_reading_each_stage_and_a_profile():
    result = CliRunner().invoke(main, ["--pages", "3", "--runs", "2", "--profile", "5", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # the sample printed three times: read as one invoice and two copies of it
    assert (report["file"], report["pages"], report["invoices"], report["copies"], report["runs"]) == (
        "the sample's page 3 times", 3, 1, 2, 2)
    assert list(report["stages"]) == ["open", "text_layer", "scanned_layer", "fields"]
    for row in [report["read_scans"], *report["stages"].values()]:
        for clock in ("wall", "cpu"):
            assert 0 <= row[clock]["best_s"] <= row[clock]["median_s"]
    assert len(report["profile"]) == 5 and "read_scans" in report["profile"][0]["function"]


def test_a_pdf_of_ones_own_is_read_and_reported_as_text(tmp_path):
    path = sample_pages_pdf(2, tmp_path / "mine.pdf")
    result = CliRunner().invoke(main, [str(path), "--runs", "1"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.fullmatch(r"machine: \d+ CPUs \(.*\), .*Python [\d.]+.*", lines[0])     # as the other benchmarks
    assert lines[1] == f"{path}: 2 pages, 1 invoice read (and 1 further copy); best and median of 1 run"
    assert [line.split()[0] for line in lines[3:]] == ["read_scans", "open", "text_layer", "scanned_layer", "fields"]


@pytest.mark.parametrize("name, content, why", [
    ("not.pdf", b"an invoice, typed\n", "not a PDF"),
    ("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "not a PDF"),
    ("damaged.pdf", b"%PDF-1.4\nthe rest is missing\n", "not a readable PDF"),
])
def test_a_file_that_is_no_pdf_with_a_text_layer_is_refused_in_one_line_before_a_traceback(tmp_path, name, content,
                                                                                            why):
    path = tmp_path / name
    path.write_bytes(content)
    result = CliRunner().invoke(main, [str(path), "--runs", "1"])
    assert result.exit_code == 2 and result.exception.__class__ is SystemExit, result.output
    error = result.output.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for PDF: {path}: {why}")
    assert error.endswith("so give a PDF with a text layer (as invoicing software or the tax platform exports it)")
