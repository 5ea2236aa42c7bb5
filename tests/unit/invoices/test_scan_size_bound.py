"""A scan file is read only up to MAX_SCAN_BYTES (256 MiB), far past any real scan (a page scanned at 300 dpi is a
few MB): the 1 GiB any other file may be was read whole into memory, and parsed and decoded into several times
that. The SDK refuses a larger file having read no more than the bound; the CLI names the scan before reading it;
both say what to do."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli.main import main
from client.invoices import MalformedInput, read_scan
from client.invoices.scan import MAX_SCAN_BYTES


def _sparse(path, size: int):
    with open(path, "wb") as f:
        f.truncate(size)
    return path


def test_the_bound_is_256_mib():
    assert MAX_SCAN_BYTES == 256 * 1024 * 1024


def test_a_scan_over_the_bound_is_refused_naming_the_bound_and_what_to_do(tmp_path):
    big = _sparse(tmp_path / "scan.pdf", MAX_SCAN_BYTES + 1)
    with pytest.raises(MalformedInput) as refused:
        read_scan(big)
    message = refused.value.problem
    assert message.startswith("over 256 MiB, far larger than such a file could be: is it the right file? ")
    assert "scan the invoice again" in message and "one file per invoice" in message


def test_the_cli_refuses_a_scan_over_the_bound_before_reading_it(tmp_path):
    big = _sparse(tmp_path / "scan.tif", MAX_SCAN_BYTES + 1)
    result = CliRunner().invoke(main, ["invoice", "read", str(big)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for 'SCAN'" in result.output
    assert "over 256 MiB" in result.output and "scan the invoice again" in result.output

