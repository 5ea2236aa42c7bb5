"""An e-invoice saved as UTF-32 (with the byte order mark Windows tools write) was read as UTF-16, whose mark its
first two bytes are, into text of NUL characters, and refused as "neither XML nor JSON": its reader was sent
looking for the wrong mistake. It is refused as UTF-32, saying to save it as UTF-8."""

import json

import pytest

from client.invoices import MalformedInput, invoice_to_json, parse_invoice

from ._samples import einvoice_xml, invoice


@pytest.mark.parametrize("encoding", ["utf-32", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("form", ["xml", "json"])
def test_a_utf32_file_with_its_byte_order_mark_is_refused_as_utf32_saying_to_save_it_as_utf8(encoding, form):
    text = (einvoice_xml(invoice()).replace('encoding="UTF-8"', 'encoding="UTF-32"') if form == "xml"
            else json.dumps(invoice_to_json(invoice()), ensure_ascii=False))
    # the utf-32 codec writes the mark of the machine's byte order; -le and -be write none, so it is put before
    mark = {"utf-32": b"", "utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff"}[encoding]
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(mark + text.encode(encoding), source=f"a.{form}")
    assert str(refused.value).startswith(f"a.{form}: UTF-32 text (its byte order mark says so), which e-invoices "
                                         "are not written in: save the file as UTF-8")


def test_a_utf16_file_is_still_read():
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    assert parse_invoice(xml.encode("utf-16"), source="a.xml").number == invoice().number
