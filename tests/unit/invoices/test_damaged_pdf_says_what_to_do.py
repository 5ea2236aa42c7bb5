"""A PDF refused as damaged (cut short, or a page stream in a filter no reader knows) said only pypdf's words ("not a
readable PDF: Stream has ended unexpectedly"), leaving its reader to guess what to do. Each says what to do."""

import pytest

from client.invoices import MalformedInput, read_scan

from ._review import SAMPLES

PDF = (SAMPLES / "einvoice.pdf").read_bytes()
DOWNLOAD_AGAIN = "check the file, or download it again from where it was issued"


def refusal(tmp_path, data: bytes) -> str:
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    with pytest.raises(MalformedInput) as refused:
        read_scan(path, image_check=False)
    return str(refused.value).removeprefix(f"{path}: ")


def test_a_pdf_cut_short_is_refused_saying_to_download_it_again(tmp_path):
    message = refusal(tmp_path, b"%PDF-1.4\nthe rest is missing\n")
    assert message.startswith("not a readable PDF: ") and message.endswith(f"; {DOWNLOAD_AGAIN}")


def test_a_pdf_whose_page_cannot_be_read_is_refused_saying_to_download_it_again(tmp_path):
    # the first stream is the page's content
    message = refusal(tmp_path, PDF.replace(b"/FlateDecode", b"/NoSuchDecode", 1))
    assert message == f"cannot read the PDF's pages: Unsupported filter /NoSuchDecode; {DOWNLOAD_AGAIN}"
