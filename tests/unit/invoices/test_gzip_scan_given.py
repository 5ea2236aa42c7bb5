"""A gzip-compressed scan (a PDF or an image sent as .gz) given to `recfin invoice read` is refused saying to
decompress it, as an e-invoice or an export is: it was refused as "neither a PDF nor a PNG/JPEG/TIFF/BMP image",
which names no way forward."""

import gzip
from pathlib import Path

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import UnsupportedFormat, read_scan, read_scans

from ..cli_errors import invoke
from .test_bad_input import one_error_line
from .test_gzip_given import GZIP_ADVICE

# the first bytes of each kind: compressed, none of them shows, and the file is refused before it is read
SCANS = {"invoice.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "invoice.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
         "invoice.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"}


def compressed(tmp_path: Path, name: str) -> Path:
    path = tmp_path / f"{name}.gz"
    path.write_bytes(gzip.compress(SCANS[name]))
    return path


@pytest.mark.parametrize("name", sorted(SCANS))
def test_a_compressed_scan_is_refused_saying_to_decompress_it(tmp_path, name):
    path = compressed(tmp_path, name)
    for reader in (read_scan, read_scans):
        with pytest.raises(UnsupportedFormat) as refused:
            reader(path)
        assert GZIP_ADVICE in str(refused.value) and "neither a PDF" not in str(refused.value)


def test_invoice_read_of_a_compressed_scan_says_to_decompress_it(tmp_path):
    path = compressed(tmp_path, "invoice.pdf")
    result = invoke(invoice_group, "read", path)
    assert result.exit_code == 2, result.output
    line = one_error_line(result)
    assert GZIP_ADVICE in line and str(path) in line and "neither a PDF" not in line
