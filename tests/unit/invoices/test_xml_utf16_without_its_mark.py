"""An e-invoice's XML saved as UTF-16 without a byte order mark (a tool saving "Unicode" without its preamble) was
refused as not UTF-8 and told to name its encoding in the XML declaration, which already named UTF-16. Its first
character, "<" or a space before it, written with a NUL beside it says the byte order (XML 1.0, Appendix F), as a
byte order mark would: it is read as UTF-16, as one with its mark is."""

import codecs

import pytest

from client.invoices import MalformedInput, parse_invoice

from ._samples import einvoice_xml, invoice

XML = einvoice_xml(invoice())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("declared", ["UTF-16", "UTF-16LE", "UTF-16BE"])
def test_xml_in_utf16_without_its_mark_reads_as_in_utf8(codec, declared):
    utf16 = XML.replace('encoding="UTF-8"', f'encoding="{declared}"').encode(codec)
    assert parse_invoice(utf16) == parse_invoice(XML.encode())


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_xml_in_utf16_beginning_with_a_line_break_or_without_a_declaration_reads_too(codec):
    undeclared = XML[XML.index("?>") + 2:]
    assert undeclared.startswith("\n")
    assert parse_invoice(undeclared.encode(codec)) == parse_invoice(XML.encode())


def test_utf16_text_that_is_no_xml_is_still_refused_as_xml():
    with pytest.raises(MalformedInput) as refused:
        parse_invoice("<EInvoice><unclosed></EInvoice>".encode("utf-16-le"))
    assert refused.value.problem.startswith("invalid XML: mismatched tag")


@pytest.mark.parametrize("mark, read_as", [(b"", "utf-16-le"), (codecs.BOM_UTF16_LE, "utf-16")],
                         ids=["without its mark", "with it"])
@pytest.mark.parametrize("damage", [lambda data: data[:-1],
                                    lambda data: data + "\ud800".encode("utf-16-le", "surrogatepass")],
                         ids=["cut short by a byte", "half a surrogate pair"])
def test_utf16_xml_cut_short_or_damaged_says_so_not_to_name_its_encoding(mark, read_as, damage):
    """Its mark or its first character shows it is UTF-16: the advice for text in no known encoding, to save it as
    UTF-8 or name its encoding in the declaration, sent its reader to the declaration that already named UTF-16."""
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(damage(mark + XML.encode("utf-16-le")))
    assert refused.value.problem == (f"not valid {read_as} text: check the file, or download it again from where it "
                                     "was issued")
