"""Documents nested hundreds of levels deep, as deep as the XML and JSON readers take them: refused as malformed input
(exit 2) naming what is wrong, never a traceback taken for failed findings (exit 1)."""
import json
import re

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, parse_invoice
from client.invoices import parse as parse_module
from client.invoices._reading import ValueProblem, to_decimal, to_fen
from client.invoices.matching import read_purchase_order

from ..cli_errors import error_line, invoke
from ._samples import einvoice_xml, invoice

SELLER = re.compile(r"<SellerInformation>.*?</SellerInformation>")
SELLER_PATH = "EInvoice/EInvoiceData/SellerInformation"


def nested_xml(depth: int, text: str) -> str:
    return "<a>" * depth + text + "</a>" * depth


def nested_json(depth: int, text: str) -> str:
    return '{"a":' * depth + json.dumps(text) + "}" * depth


def xml_with_two_sellers(depth: int, first: str, second: str) -> str:
    """The sample invoice with its SellerInformation given twice, each copy holding an element ``depth`` levels
    deep with the text given."""
    xml = einvoice_xml(invoice())
    seller = SELLER.search(xml).group(0)
    copies = [seller.replace("</SellerInformation>", f"<X>{nested_xml(depth, text)}</X></SellerInformation>")
              for text in (first, second)]
    return xml.replace(seller, "".join(copies))


def json_with_two_sellers(depth: int, first: str, second: str) -> str:
    """The sample invoice as its JSON twin, SellerInformation a list of two copies nested ``depth`` deep."""
    tree = parse_module._xml_tree(einvoice_xml(invoice()), "sample").obj
    seller = tree["EInvoiceData"]["SellerInformation"]
    placeholder = "SELLER-COPIES"
    tree["EInvoiceData"]["SellerInformation"] = placeholder
    text = json.dumps({"EInvoice": tree}, ensure_ascii=False)
    copies = [json.dumps(seller, ensure_ascii=False)[:-1] + f', "X": {nested_json(depth, text)}}}'
              for text in (first, second)]
    return text.replace(json.dumps(placeholder), "[" + ", ".join(copies) + "]")


@pytest.mark.parametrize("document", [xml_with_two_sellers(600, "x", "y"), json_with_two_sellers(900, "x", "y")],
                         ids=["xml", "json"])
def test_copies_of_an_element_that_differ_deep_down_are_refused_naming_the_element(document):
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(document.encode(), source="inv")
    assert refused.value.field == SELLER_PATH
    assert refused.value.problem.startswith("given 2 times with different values: which one the invoice means")


@pytest.mark.parametrize("document", [xml_with_two_sellers(600, "x", "x"), json_with_two_sellers(900, "x", "x")],
                         ids=["xml", "json"])
def test_copies_of_an_element_alike_however_deep_are_read_as_one(document):
    assert parse_invoice(document.encode()).seller == invoice().seller


def test_a_json_key_given_twice_with_values_that_differ_deep_down_is_refused_naming_it():
    tree = parse_module._xml_tree(einvoice_xml(invoice()), "sample").obj
    text = json.dumps({"EInvoice": tree}, ensure_ascii=False)
    doubled = text.replace('"EInvoiceData": {', '"EInvoiceData": {' f'"X": {nested_json(900, "x")}, '
                                                f'"X": {nested_json(900, "y")}, ', 1)
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(doubled.encode())
    assert refused.value.field == "EInvoice/EInvoiceData/X"
    assert refused.value.problem.startswith("given 2 times with different values")


def test_a_reader_running_out_of_stack_is_malformed_input_naming_the_nesting(monkeypatch):
    # whatever step of reading the tree meets the end of Python's stack, the file is refused, not a traceback
    def too_deep(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(parse_module, "_line", too_deep)
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(einvoice_xml(invoice()).encode(), source="inv.xml")
    assert refused.value.source == "inv.xml"
    assert refused.value.problem.startswith("nested too deeply to be an e-invoice")


def test_deeply_nested_copies_exit_2_with_one_line_on_the_cli(tmp_path):
    path = tmp_path / "deep.xml"
    path.write_text(xml_with_two_sellers(600, "x", "y"), encoding="utf-8")
    result = invoke(invoice_group, "verify", path, "--today", "2026-09-10")
    assert result.exit_code == 2
    assert f"{SELLER_PATH}: given 2 times with different values" in error_line(result)


# --- a hostile value in a message ------------------------------------------------

LISTS_900_DEEP = json.loads("[" * 900 + "1" + "]" * 900)


@pytest.mark.parametrize("value", [LISTS_900_DEEP, "1" * 500 + "x", "NaN" + " " * 2000])
def test_a_value_that_is_no_number_is_shown_cut_short(value):
    with pytest.raises(ValueProblem) as refused:
        to_decimal(value)
    message = str(refused.value)
    # the value cut short, and what to do after it: far shorter than the value
    written = value if isinstance(value, str) else json.dumps(value, separators=(", ", ": "))
    assert len(message) < 240 and f"({len(written)} characters)" in message


def test_an_amount_with_a_fraction_of_a_fen_far_out_is_shown_cut_short():
    value = "1." + "0" * 5000 + "1"
    with pytest.raises(ValueProblem, match="more than two decimal places") as refused:
        to_fen(value)
    assert len(str(refused.value)) < 240 and "(5003 characters)" in str(refused.value)


def test_an_order_quantity_of_nested_lists_is_refused_in_one_short_line(tmp_path):
    path = tmp_path / "po.json"
    path.write_text('{"number": "PO-1", "lines": [{"item_name": "贴片电容", "quantity": ' + "[" * 900 + "1"
                    + "]" * 900 + ', "unit_price": "1.50"}]}', encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        read_purchase_order(path)
    assert refused.value.field == "lines[0]: quantity"
    assert refused.value.problem.startswith("a list, not a value") and len(refused.value.problem) < 240
