"""Synthetic invoices, purchase orders and receipts that the tests build themselves.

Every company, credit code and amount here is made up. Credit codes get their
check digit from GB 32100 arithmetic done here, so they are valid by construction.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from client.invoices.credit_code import credit_code_check_digit
from client.invoices.model import Invoice, InvoiceLine, Party
from client.invoices.parse import invoice_to_json


def code(first17: str) -> str:
    return first17 + credit_code_check_digit(first17)


BUYER = Party(name="华南精密制造股份有限公司", tax_id=code("91440300MA5F7KQ3X"))
SELLER = Party(name="深圳市云帆供应链管理有限公司", tax_id=code("91440300MA5G2HT8L"))
SELLER_2 = Party(name="上海星河电子科技有限公司", tax_id=code("91310115MA1K4A2B7"))
BUYER_2 = Party(name="北京恒远商贸有限公司", tax_id=code("91110108MA01C3D5E"))


def line(name: str, qty: str, price: str, rate: str, unit: str | None = None, spec: str | None = None) -> InvoiceLine:
    amount = int((Decimal(qty) * Decimal(price) * 100).quantize(Decimal(1)))
    tax = int((Decimal(amount) * Decimal(rate)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return InvoiceLine(name=name, spec=spec, unit=unit, quantity=Decimal(qty), unit_price=Decimal(price),
                       amount_fen=amount, tax_rate=Decimal(rate), tax_fen=tax)


def invoice(number: str = "26442000000012345678", issued: date = date(2026, 9, 1),
            seller: Party = SELLER, buyer: Party = BUYER, lines: tuple[InvoiceLine, ...] | None = None) -> Invoice:
    lines = lines or (
        line("*电子元件*贴片电容", "200", "1.50", "0.13", unit="个", spec="0805"),
        line("*金属制品*不锈钢螺栓", "1000", "0.80", "0.13", unit="个", spec="M6"),
        line("*信息技术服务*软件维护服务费", "1", "1000.00", "0.06", unit="项"),
    )
    amount = sum(l.amount_fen for l in lines)
    tax = sum(l.tax_fen for l in lines)
    return Invoice(number=number, issue_date=issued, seller=seller, buyer=buyer, lines=lines,
                   total_amount_fen=amount, total_tax_fen=tax, total_with_tax_fen=amount + tax,
                   kind="增值税专用发票")


def match_files(folder: Path, inv: Invoice) -> list[str]:
    """The invoice as JSON with a PO-1 of 200 C0805 capacitors at 1.50 and their receipt GR-1, written to
    ``folder``: the file arguments of ``invoice match``."""
    path = folder / "inv.json"
    path.write_text(json.dumps(invoice_to_json(inv), ensure_ascii=False), encoding="utf-8")
    po = folder / "po.csv"
    po.write_text("po_number,line,item_code,item_name,quantity,unit_price\nPO-1,1,C0805,贴片电容,200,1.50\n",
                  encoding="utf-8")
    gr = folder / "gr.csv"
    gr.write_text("receipt_number,po_number,line,item_code,item_name,quantity\nGR-1,PO-1,1,C0805,贴片电容,200\n",
                  encoding="utf-8")
    return [str(path), "--po", str(po), "--receipt", str(gr)]


def money(fen: int) -> str:
    """Fen as yuan with two decimals, as an invoice prints them: -390 is -3.90."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


_NUMERALS = "零壹贰叁肆伍陆柒捌玖"


def in_words(fen: int) -> str:
    """The amount as invoicing software prints it in words (大写), written digit by digit from the left, so it
    is worked out otherwise than the reader works it out: one 零 for each run of zeros before a digit, 万 and
    亿 after a group of four digits that holds one, 整 after 圆 when there are no 角 and 分."""
    assert 0 <= fen < 10**14, "up to 亿 groups only"
    yuan, jiao, fen_digit = fen // 100, fen // 10 % 10, fen % 10
    digits = str(yuan) if yuan else ""
    out, zeros = "", False
    for i, char in enumerate(digits):
        place = len(digits) - 1 - i
        if char == "0":
            zeros = True
        else:
            out += ("零" if zeros else "") + _NUMERALS[int(char)] + ("", "拾", "佰", "仟")[place % 4]
            zeros = False
        if place in (4, 8) and any(d != "0" for d in digits[max(0, i - 3):i + 1]):
            out += "万" if place == 4 else "亿"
    if not jiao and not fen_digit:
        return (out or "零") + "圆整"
    out += "圆" if yuan else ""
    if jiao:
        out += _NUMERALS[jiao] + "角"
    elif yuan:
        out += "零"
    return out + (_NUMERALS[fen_digit] + "分" if fen_digit else "")


def einvoice_xml(inv: Invoice, *, drop: str | None = None, replace: dict[str, str] | None = None,
                 words: str | None = None) -> str:
    """The invoice as fully digitalised e-invoice XML; ``drop`` removes an element, ``replace`` edits text,
    ``words`` is the total in words (``TotalTax-includedAmountInChinese``), left out where not given."""
    items = "".join(
        "<IssuItemInformation>"
        f"<ItemName>{l.name}</ItemName>"
        + (f"<SpecMod>{l.spec}</SpecMod>" if l.spec else "")
        + (f"<MeaUnits>{l.unit}</MeaUnits>" if l.unit else "")
        + f"<Quantity>{l.quantity}</Quantity><UnPrice>{l.unit_price}</UnPrice>"
        f"<Amount>{money(l.amount_fen)}</Amount><TaxRate>{l.tax_rate}</TaxRate><ComTaxAm>{money(l.tax_fen)}</ComTaxAm>"
        "</IssuItemInformation>"
        for l in inv.lines
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        "<EInvoice><Header><EIid>{number}</EIid><EInvoiceTag>SWEI3200</EInvoiceTag><Version>0.1</Version>"
        "<InherentLabel><GeneralOrSpecialVAT><LabelCode>01</LabelCode><LabelName>增值税专用发票</LabelName>"
        "</GeneralOrSpecialVAT></InherentLabel></Header>"
        "<EInvoiceData>"
        "<SellerInformation><SellerIdNum>{sid}</SellerIdNum><SellerName>{sname}</SellerName></SellerInformation>"
        "<BuyerInformation><BuyerIdNum>{bid}</BuyerIdNum><BuyerName>{bname}</BuyerName></BuyerInformation>"
        "<BasicInformation><TotalAmWithoutTax>{amount}</TotalAmWithoutTax><TotalTaxAm>{tax}</TotalTaxAm>"
        "<TotalTax-includedAmount>{total}</TotalTax-includedAmount>{words}<Drawer>张三</Drawer>"
        "<RequestTime>{date} 10:11:12</RequestTime></BasicInformation>"
        "{items}"
        "</EInvoiceData>"
        "<TaxSupervisionInfo><InvoiceNumber>{number}</InvoiceNumber><IssueTime>{date}</IssueTime>"
        "<TaxBureauCode>14403000000</TaxBureauCode></TaxSupervisionInfo>"
        "</EInvoice>"
    ).format(number=inv.number, sid=inv.seller.tax_id, sname=inv.seller.name, bid=inv.buyer.tax_id,
             bname=inv.buyer.name, amount=money(inv.total_amount_fen), tax=money(inv.total_tax_fen),
             total=money(inv.total_with_tax_fen), date=inv.issue_date.isoformat(), items=items,
             words="" if words is None else
             f"<TotalTax-includedAmountInChinese>{words}</TotalTax-includedAmountInChinese>")
    if drop:
        import re
        xml = re.sub(rf"<{drop}>.*?</{drop}>", "", xml, count=1)
    for old, new in (replace or {}).items():
        assert old in xml, old
        xml = xml.replace(old, new, 1)
    return xml


def einvoice_json_twin(xml: str | bytes) -> dict:
    """The e-invoice XML as an XML-to-JSON converter writes its tree: each element with children an object of them
    (a name given more than once, a list of its values), each other the text it holds."""
    import xml.etree.ElementTree as ET

    def as_json(element: ET.Element):
        children = list(element)
        if not children:
            return element.text or ""
        out: dict = {}
        for child in children:
            value = as_json(child)
            if child.tag in out:
                out[child.tag] = (out[child.tag] if isinstance(out[child.tag], list) else [out[child.tag]]) + [value]
            else:
                out[child.tag] = value
        return out

    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = ET.fromstring(data)
    return {root.tag: as_json(root)}
