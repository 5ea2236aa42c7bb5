"""An XML file whose declaration names an encoding its bytes are not in: a UTF-8 file still declaring GBK (converted
with iconv, or written by a tool that copies the declaration) is read as GBK into other characters, 深圳 as 娣卞湷,
without a word; one still declaring UTF-16 was said to be neither XML nor JSON. Each is refused, saying what the
file is in and which declaration to write."""

import pytest

from client.invoices import MalformedInput, parse_invoice

from ._samples import BUYER_2, SELLER_2, einvoice_xml, invoice, line

UTF8_ADVICE = 'change the declaration to encoding="UTF-8"'


@pytest.mark.parametrize("declared", ["GBK", "gb2312", "GB18030", "CP936"])
def test_a_utf8_file_declaring_a_gb_encoding_is_refused_not_read_as_other_characters(declared):
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', f'encoding="{declared}"')
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.encode("utf-8"), source="a.xml")
    assert str(refused.value) == (
        f'a.xml: the XML declaration says encoding="{declared}", but the file is UTF-8 (read as {declared}, '
        f"its Chinese would be other characters): {UTF8_ADVICE}, or save the file as {declared}")


def test_a_utf8_file_declaring_gbk_whose_bytes_gbk_reads_too_is_refused_not_read_as_other_names():
    inv = invoice(seller=SELLER_2, buyer=BUYER_2, lines=(line("*电子元件*贴片电容", "200", "1.50", "0.13"),))
    xml = einvoice_xml(inv, replace={"增值税专用发票": "专用发票"}).replace('encoding="UTF-8"', 'encoding="GBK"')
    data = xml.encode("utf-8")
    assert "上海星河" not in data.decode("gb18030")   # GBK reads these bytes too, as other characters
    with pytest.raises(MalformedInput, match='^a.xml: the XML declaration says encoding="GBK", but the file is UTF-8'):
        parse_invoice(data, source="a.xml")


@pytest.mark.parametrize("declared", ["UTF-16", "utf-16le", "UTF-16BE"])
def test_a_utf8_file_declaring_utf16_is_refused_naming_what_it_is_in(declared):
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', f'encoding="{declared}"')
    for data in (xml.encode("utf-8"), xml.encode("utf-8") + b" "):   # an even and an odd number of bytes
        with pytest.raises(MalformedInput) as refused:
            parse_invoice(data, source="a.xml")
        assert str(refused.value) == (
            f'a.xml: the XML declaration says encoding="{declared}", but the file is UTF-8 (UTF-16 writes the '
            f"declaration two bytes to a character): {UTF8_ADVICE}")


def test_a_gbk_file_declaring_utf16_is_refused_saying_to_save_it_as_utf8():
    xml = einvoice_xml(invoice()).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.encode("gbk"), source="a.xml")
    assert str(refused.value) == (
        'a.xml: the XML declaration says encoding="UTF-16", but the file is not in UTF-16 (UTF-16 writes the '
        'declaration two bytes to a character): save the file as UTF-8 and declare encoding="UTF-8"')


@pytest.mark.parametrize("declared", ["GBK", "GB18030"])
def test_a_gbk_file_and_an_ascii_one_declaring_gbk_still_read(declared):
    inv = invoice()
    xml = einvoice_xml(inv).replace('encoding="UTF-8"', f'encoding="{declared}"')
    assert parse_invoice(xml.encode("gbk")).seller.name == inv.seller.name
    ascii_only = xml
    for text in (inv.seller.name, inv.buyer.name, *(line.name for line in inv.lines), "增值税专用发票", "个", "项", "张三"):
        ascii_only = ascii_only.replace(text, "Name")
    assert ascii_only.isascii()
    assert parse_invoice(ascii_only.encode("ascii")).seller.name == "Name"
