"""A field given, but holding something other than a value (text or a number), is refused naming the field and what
it holds, in every form the readers take: read as none, a quantity or unit price would pass for one left out, the
``line.amount`` check (quantity x unit price = amount) would be skipped, and `recfin invoice verify` would pass an
invoice whose 999 x 1.50 is not its 300.00. Empty fields stay missing, as before."""

import json

import pytest

from cli.invoice_commands import invoice as invoice_group
from client.invoices import MalformedInput, invoice_to_json, parse_invoice

from ..cli_errors import error_line, invoke
from ._samples import einvoice_xml, invoice
from .test_einvoice_forms import twin

# what stands where the first line's quantity (999, not the 200 its amount 300.00 is of) or unit price is, and the
# words the refusal describes it with
SHAPES = [
    ({"@unit": "PCS", "#text": "999"}, 'an object ({"@unit": "PCS", "#text": "999"}), as an XML-to-JSON converter'),
    ({"v": "1.50"}, 'an object ({"v": "1.50"})'),
    (True, "a boolean (true)"),
    (False, "a boolean (false)"),
    ([[999]], "a list ([999])"),
    ([{"v": "999"}], 'an object ({"v": "999"})'),
]
RECFIN_KEYS = {"quantity": "quantity", "unit_price": "unit_price"}
TWIN_KEYS = {"quantity": "Quantity", "unit_price": "UnPrice"}


def recfin_with(field: str, value) -> bytes:
    doc = invoice_to_json(invoice())
    doc["lines"][0][RECFIN_KEYS[field]] = value
    return json.dumps(doc, ensure_ascii=False).encode()


def twin_with(field: str | None = None, value=None) -> bytes:
    """The invoice's EInvoice JSON twin with quantities and unit prices, the first line's ``field`` set to
    ``value``."""
    inv = invoice()
    doc = twin(inv)
    items = doc["EInvoice"]["EInvoiceData"]["IssuItemInformation"]
    for item, line in zip(items, inv.lines):
        item.update(Quantity=str(line.quantity), UnPrice=str(line.unit_price))
    if field is not None:
        items[0][TWIN_KEYS[field]] = value
    return json.dumps(doc, ensure_ascii=False).encode()


def xml_with(element: str, content: str) -> bytes:
    inv = invoice()
    first = inv.lines[0]
    value = {"Quantity": first.quantity, "UnPrice": first.unit_price}[element]
    return einvoice_xml(inv, replace={f"<{element}>{value}</{element}>": f"<{element}>{content}</{element}>"}).encode()


def refusal(data: bytes) -> MalformedInput:
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(data, source="inv")
    return refused.value


def twin_field(field: str) -> str:
    return f"EInvoice/EInvoiceData/IssuItemInformation[1]/{TWIN_KEYS[field]}"


# each JSON form: the file with a line's field set, and the path the refusal names
JSON_FORMS = {"recfin": (recfin_with, lambda field: f"lines[0]/{field}"), "twin": (twin_with, twin_field)}


@pytest.mark.parametrize("value, described", SHAPES)
@pytest.mark.parametrize("field", ["quantity", "unit_price"])
@pytest.mark.parametrize("form", JSON_FORMS)
def test_a_quantity_or_unit_price_that_is_no_value_is_refused_in_json(form, field, value, described):
    written, path = JSON_FORMS[form]
    refused = refusal(written(field, value))
    assert refused.field == path(field)
    assert refused.problem.startswith(described) and "not a value (text or a number)" in refused.problem


@pytest.mark.parametrize("element, content, described", [
    ("Quantity", "200<b/>", "mixed content (text beside the element(s) b inside it)"),
    ("Quantity", "<b/>200", "mixed content (text beside the element(s) b inside it)"),
    ("Quantity", "<v>999</v>", "element(s) v inside it"),
    ("UnPrice", "1.50<b/>", "mixed content (text beside the element(s) b inside it)"),
    ("UnPrice", "<v>1.50</v>", "element(s) v inside it"),
])
def test_a_quantity_or_unit_price_element_holding_elements_is_refused_in_xml(element, content, described):
    refused = refusal(xml_with(element, content))
    assert refused.field == f"EInvoice/EInvoiceData/IssuItemInformation[1]/{element}"
    assert refused.problem.startswith(described + ", not a value")


def test_a_required_field_that_is_no_value_is_named_for_what_it_holds_not_as_missing():
    doc = invoice_to_json(invoice())
    doc["lines"][0]["amount"] = {"yuan": "300.00"}
    refused = refusal(json.dumps(doc).encode())
    assert refused.field == "lines[0]/amount" and refused.problem.startswith('an object ({"yuan": "300.00"})')


def test_a_list_of_copies_of_one_value_is_that_value_and_checked():
    # a repeated element as a converter writes it (read when the copies agree, refused when they differ): the
    # quantity is 999, and 999 x 1.50 is checked against the amount 300.00, not skipped
    assert parse_invoice(recfin_with("quantity", [999])).lines[0].quantity == 999
    assert parse_invoice(twin_with("quantity", ["999", "999"])).lines[0].quantity == 999


@pytest.mark.parametrize("empty", [None, "", "  ", {}, []])
@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_an_empty_quantity_or_unit_price_is_still_read_as_none(field, empty):
    assert getattr(parse_invoice(recfin_with(field, empty)).lines[0], field) is None
    assert getattr(parse_invoice(twin_with(field, empty)).lines[0], field) is None


def test_an_empty_xml_element_is_still_read_as_none():
    assert parse_invoice(xml_with("Quantity", "")).lines[0].quantity is None


# ---------------------------------------------------------------- on the command line

def verify(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return invoke(invoice_group, "verify", path, "--today", "2026-09-10")


@pytest.mark.parametrize("value, described", SHAPES)
@pytest.mark.parametrize("field", ["quantity", "unit_price"])
def test_verify_refuses_a_field_that_is_no_value_with_exit_2(tmp_path, field, value, described):
    for form, (written, path) in JSON_FORMS.items():
        result = verify(tmp_path, f"{form}.json", written(field, value))
        assert result.exit_code == 2, result.output
        assert f"{path(field)}: {described}" in error_line(result)


@pytest.mark.parametrize("element, content", [("Quantity", "999<b/>"), ("UnPrice", "<v>1.50</v>")])
def test_verify_refuses_an_xml_field_holding_elements_with_exit_2(tmp_path, element, content):
    result = verify(tmp_path, "inv.xml", xml_with(element, content))
    assert result.exit_code == 2 and f"IssuItemInformation[1]/{element}: " in error_line(result)


def test_verify_fails_a_quantity_given_as_a_list_of_one_copy_on_the_line_amount(tmp_path):
    result = verify(tmp_path, "inv.json", recfin_with("quantity", [999]))
    assert result.exit_code == 1 and "FAIL  line.amount" in result.output


def test_the_same_invoice_with_plain_values_passes(tmp_path):
    # the refusals above are of the shapes, not of the files otherwise
    for name, data in (("inv.json", recfin_with("quantity", "200")), ("twin.json", twin_with()),
                       ("inv.xml", xml_with("Quantity", "200"))):
        assert verify(tmp_path, name, data).exit_code == 0
