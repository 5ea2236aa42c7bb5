"""A JSON file's true, false and null, and its arrays and objects, are shown in a refusal as the file wrote them,
not as Python spells them (True, None, {'a': None}): the person reading the message looks for them in the file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from client.invoices import MalformedInput, parse_invoice, read_goods_receipt, read_purchase_order
from client.invoices.parse import invoice_to_json

from ._samples import invoice

PYTHON_SPELLING = re.compile(r"\b(True|False|None)\b|'a'")

ORDER = {"number": "PO-1", "lines": [{"line": "1", "item_name": "贴片电容", "quantity": "200", "unit_price": "1.50"}]}
RECEIPT = {"receipt_number": "GR-1", "po_number": "PO-1",
           "lines": [{"line": "1", "item_name": "贴片电容", "quantity_received": "200"}]}


def _refusal(read, doc: dict, tmp_path: Path) -> MalformedInput:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MalformedInput) as err:
        read(path)
    return err.value


@pytest.mark.parametrize("value, written", [(True, "true"), (False, "false"), ({"a": None}, '{"a": null}'),
                                            ([True, 1.5], "[true, 1.5]")])
@pytest.mark.parametrize("read, doc, key", [(read_purchase_order, ORDER, "quantity"),
                                            (read_purchase_order, ORDER, "unit_price"),
                                            (read_goods_receipt, RECEIPT, "quantity_received"),
                                            (read_purchase_order, ORDER, "currency"),
                                            (read_goods_receipt, RECEIPT, "currency")])
def test_an_export_line_value_is_shown_as_json_writes_it(read, doc, key, value, written, tmp_path):
    given = json.loads(json.dumps(doc))
    given["lines"][0][key] = value
    refusal = _refusal(read, given, tmp_path)
    assert refusal.field == f"lines[0]: {key}"
    assert written in refusal.problem and not PYTHON_SPELLING.search(refusal.problem), refusal.problem


@pytest.mark.parametrize("read, doc, key", [(read_purchase_order, ORDER, "receipt_number"),
                                            (read_goods_receipt, RECEIPT, "number"),
                                            (read_purchase_order, ORDER, "currency")])
def test_an_export_document_value_is_shown_as_json_writes_it(read, doc, key, tmp_path):
    given = {**doc, key: False}
    refusal = _refusal(read, given, tmp_path)
    assert "false" in refusal.problem and not PYTHON_SPELLING.search(refusal.problem), refusal.problem


@pytest.mark.parametrize("key, value, written", [("min_confidence", True, "true"),
                                                 ("min_confidence", {"a": None}, '{"a": null}'),
                                                 ("taxed_on_difference", None, None),
                                                 ("taxed_on_difference", {"a": None}, '{"a": null}'),
                                                 ("taxed_on_difference", 1.0, "1.0")])
def test_an_invoice_value_is_shown_as_json_writes_it(key, value, written):
    doc = {**invoice_to_json(invoice()), key: value}
    if written is None:   # null is no value given: read as absent
        parse_invoice(json.dumps(doc).encode())
        return
    with pytest.raises(MalformedInput) as err:
        parse_invoice(json.dumps(doc).encode())
    assert err.value.field == key
    assert err.value.problem.startswith(written) and not PYTHON_SPELLING.search(err.value.problem), err.value.problem


def test_a_number_inside_a_list_is_shown_as_the_file_wrote_it():
    """A number inside a value refused for its shape is written as the file wrote it, not as a string ("1.50")."""
    doc = invoice_to_json(invoice())
    doc["lines"][0]["quantity"] = {"value": 200, "price": 1.50}
    text = json.dumps(doc).replace('"price": 1.5', '"price": 1.50')
    with pytest.raises(MalformedInput) as err:
        parse_invoice(text.encode())
    assert '{"value": 200, "price": 1.50}' in err.value.problem, err.value.problem


def test_an_unreviewed_entry_names_its_values_as_the_file_wrote_them():
    doc = {**invoice_to_json(invoice()), "unreviewed": [{"field": None, "reason": True}, {"field": "number"}]}
    with pytest.raises(MalformedInput) as err:
        parse_invoice(json.dumps(doc).encode())
    assert "null (true); number (flagged)" in err.value.problem, err.value.problem


@pytest.mark.parametrize("inside", ["\u2028", "\u202e", "\x85"])
@pytest.mark.parametrize("given", [lambda c: {"a": f"x{c}y"}, lambda c: [f"x{c}y"]], ids=["object", "list"])
def test_a_value_refused_for_its_shape_escapes_what_does_not_print(inside, given, tmp_path):
    """An object or a list where a value goes is shown as the file wrote it, but a line separator, a right-to-left
    override or a NEL in a string inside it is escaped, as it is in a value refused on its own: raw, it would
    break the message's line or reorder what follows."""
    given = given(inside)
    doc = json.loads(json.dumps(ORDER))
    doc["lines"][0]["quantity"] = given
    refusal = _refusal(read_purchase_order, doc, tmp_path)
    assert inside not in refusal.problem and refusal.problem.isprintable(), refusal.problem
    assert f"({json.dumps(given)})" in refusal.problem, refusal.problem
