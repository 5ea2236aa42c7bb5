"""A PDF whose font maps a glyph to half of a UTF-16 surrogate pair (a ToUnicode CMap giving ``<D800>``), which is
no character: the text layer reads it as U+FFFD with no confidence, so the field holding it is flagged for a person
and printed, where the surrogate itself could be printed by no terminal and ended `recfin invoice read` in a
traceback."""

import io
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from cli.invoice_commands import invoice as invoice_group  # noqa: E402
from client.invoices import read_scan  # noqa: E402

from ..cli_errors import invoke  # noqa: E402
from ._review import SAMPLES  # noqa: E402


def with_one_mapped_to_a_surrogate(path: Path) -> Path:
    """The sample PDF, its font's glyph for the digit 1 mapped to U+D800 in its ToUnicode CMap."""
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = pypdf.PdfWriter(clone_from=SAMPLES / "einvoice.pdf")
    font = writer.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    cmap = font["/ToUnicode"].get_object().get_data()
    assert b"<0013> <0031>" in cmap   # the glyph the sample's digit 1 is drawn with
    stream = DecodedStreamObject()
    stream.set_data(cmap.replace(b"<0013> <0031>", b"<0013> <D800>"))
    font[NameObject("/ToUnicode")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    path.write_bytes(out.getvalue())
    return path


def test_a_glyph_mapped_to_half_a_surrogate_pair_is_flagged_not_a_crash(tmp_path):
    path = with_one_mapped_to_a_surrogate(tmp_path / "surrogate.pdf")
    result = read_scan(path)
    unnamed = {name: field for name, field in result.fields.items() if "\ufffd" in str(field.value or "")}
    assert "total_with_tax" in unnamed or "number" in unnamed, result.fields
    assert all(field.flagged for field in unnamed.values()), unnamed
    assert not any("\ud800" in str(field.value or "") for field in result.fields.values())
    printed = invoke(invoice_group, "read", path)
    assert printed.exit_code == 1 and "\ufffd" in printed.output, printed.output
