"""An e-invoice file is read only up to MAX_BYTES (5 MiB): one far larger is refused having read no more than
that, where it was read whole (a 200 MB file held some 460 MB) before its size was checked."""

from __future__ import annotations

import os

import pytest

from client.invoices import MalformedInput, read_invoice
from client.invoices.parse import MAX_BYTES

from ._samples import einvoice_xml, invoice


def test_an_invoice_far_over_the_bound_is_refused_having_read_no_more_than_it(tmp_path, monkeypatch):
    big = tmp_path / "big.xml"
    with open(big, "wb") as sparse:
        sparse.truncate(40 * MAX_BYTES)  # sparse: takes no disk
    read_bytes = []
    real_read = os.read

    def counted_read(fd, size):
        chunk = real_read(fd, size)
        read_bytes.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "read", counted_read)
    with pytest.raises(MalformedInput) as err:
        read_invoice(big)
    monkeypatch.undo()
    assert err.value.problem.startswith("over 5 MiB, far larger than such a file could be")
    assert sum(read_bytes) == MAX_BYTES + 1


def test_an_invoice_of_the_bound_is_read(tmp_path):
    text = einvoice_xml(invoice()).encode()
    path = tmp_path / "inv.xml"
    path.write_bytes(text + b" " * (MAX_BYTES - len(text)))  # XML reads past trailing white space
    assert read_invoice(path).number == invoice().number
