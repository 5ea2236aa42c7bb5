"""A reference provider's record whose name holds a line break or a NUL was read, and printed across lines (or as
another name) wherever the source's answer is shown; such a value is refused when the file is read, naming the
record and the field."""

import json

import pytest

from client.invoices import MalformedInput, ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier
from client.invoices.sources import REFERENCE_DATA


def _json_refusal(tmp_path, name: str, provider, field: str, value: str) -> MalformedInput:
    doc = json.loads((REFERENCE_DATA / name).read_text(encoding="utf-8"))
    doc["records"] = [{**doc["records"][0], field: value}]
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        provider(path)
    return refused.value


@pytest.mark.parametrize("value", ["深圳市某某\n科技有限公司", "深圳市某某\0科技有限公司", "深圳市某某\r科技有限公司",
                                   "深圳市某某\u2028科技有限公司"])
@pytest.mark.parametrize("field", ["seller_name", "buyer_name"])
def test_a_tax_invoice_record_name_with_a_line_break_or_nul_is_refused(tmp_path, field, value):
    refused = _json_refusal(tmp_path, "tax_invoices.json", ReferenceTaxInvoiceVerifier, field, value)
    assert refused.field == f"records[0].{field}"
    assert refused.problem == (f"{value!r} does not show as itself (a line break, a NUL or another character that "
                               "does not print, or a space at either end): write the value on one line, as the "
                               "source gives it")


def test_a_registry_csv_name_with_a_line_break_in_its_quoted_cell_is_refused_naming_the_row(tmp_path):
    rows = (REFERENCE_DATA / "business_registry.csv").read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1].split(",")
    first[header.split(",").index("name")] = '"深圳市某某\n科技有限公司"'
    path = tmp_path / "registry.csv"
    path.write_text(header + "\n" + ",".join(first) + "\n", encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        ReferenceBusinessRegistry(path)
    assert refused.value.field == "row 2: name"
    assert "'深圳市某某\\n科技有限公司' does not show as itself" in refused.value.problem


def test_a_credit_rating_with_a_nul_is_refused(tmp_path):
    refused = _json_refusal(tmp_path, "credit_bureau.json", ReferenceCreditBureau, "rating", "A\0A")
    assert refused.field == "records[0].rating"
    assert refused.problem.startswith("'A\\x00A' does not show as itself")


def test_a_long_name_refused_is_shown_cut_short_with_its_length(tmp_path):
    """A name of a thousand characters is quoted by its start and end, as every refused value is, not whole."""
    value = "深圳市某某\n" + "科" * 1000
    refused = _json_refusal(tmp_path, "tax_invoices.json", ReferenceTaxInvoiceVerifier, "seller_name", value)
    assert refused.problem.startswith("'深圳市某某\\n" + "科" * 32 + "..." + "科" * 11 + "' (1006 characters) does "
                                      "not show as itself")


def test_the_shipped_reference_files_are_read_with_each_record_found_by_its_key():
    invoices = json.loads((REFERENCE_DATA / "tax_invoices.json").read_text(encoding="utf-8"))["records"]
    verifier = ReferenceTaxInvoiceVerifier()
    assert invoices and all(verifier.lookup_invoice(r["number"], r["seller_tax_id"], r.get("code", "")).seller_name
                            == r["seller_name"] for r in invoices)
    registry_rows = (REFERENCE_DATA / "business_registry.csv").read_text(encoding="utf-8").splitlines()[1:]
    registry = ReferenceBusinessRegistry()
    assert registry_rows and all(registry.lookup_enterprise(row.split(",")[0]).name == row.split(",")[1]
                                 for row in registry_rows)
    credit = json.loads((REFERENCE_DATA / "credit_bureau.json").read_text(encoding="utf-8"))["records"]
    bureau = ReferenceCreditBureau()
    assert credit and all(bureau.lookup_credit(r["credit_code"]).rating == r["rating"] for r in credit)
