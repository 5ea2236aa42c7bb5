"""A PDF page whose content is more than pypdf parses in one stream (over 2,000,000 tokens: a 42 MB content
stream took 14 s to reach that) is refused naming the page and saying its content is too large to read, not
that the page images could not be taken out. The limit is lowered here, so that a page of a few thousand tokens
trips it at once."""
import pytest
from click.testing import CliRunner

from cli.main import main
from client.invoices import MalformedInput, read_scan

pypdf = pytest.importorskip("pypdf", reason="pypdf reads PDFs")
FPDF = pytest.importorskip("fpdf", reason="fpdf2 writes the test's PDF").FPDF

TOKENS_PYPDF_PARSES = 2_000       # a stream of more tokens than this is refused (LimitReachedError)


def _pdf_whose_second_page_has_too_much_content(path):
    """Page 1 draws one word, page 2 the same word 1,000 times: some 7,000 tokens, page 1 a few dozen."""
    pdf = FPDF(unit="pt", format=(600, 800))
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.text(72, 72, "Invoice")
    pdf.add_page()
    for n in range(1_000):
        pdf.text(72 + n % 40 * 12, 72 + n // 40 * 24, "a")
    path.write_bytes(bytes(pdf.output()))
    return path


def test_a_page_of_more_content_than_pypdf_parses_is_refused_naming_the_page(tmp_path):
    path = _pdf_whose_second_page_has_too_much_content(tmp_path / "big.pdf")
    with pypdf.apply_configuration(stream_parsing_work_maximum_count=TOKENS_PYPDF_PARSES):
        with pytest.raises(MalformedInput) as refused:
            read_scan(path)
        result = CliRunner().invoke(main, ["invoice", "read", str(path)])
    message = str(refused.value)
    assert message.startswith(f"{path}: the content of page 2 is too large to read (Reached maximum number of "
                              "tokens per stream: ")
    assert "export the invoice again as a PDF" in message and "read a scan of the printed invoice" in message
    assert "page images" not in message
    assert result.exit_code == 2, result.output
    assert "the content of page 2 is too large to read" in result.output


def test_the_same_pages_within_the_limit_are_read(tmp_path):
    path = _pdf_whose_second_page_has_too_much_content(tmp_path / "big.pdf")
    with pytest.raises(MalformedInput) as refused:
        read_scan(path)
    assert "neither an invoice text layer nor page images" in str(refused.value)
