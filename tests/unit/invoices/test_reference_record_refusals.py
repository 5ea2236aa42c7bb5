"""A reference provider's record lacking a field, holding one no such record has, or a value of the wrong kind was
refused in the validator's own words ("Field required", "Extra inputs are not permitted", "Input should be a valid
integer"), which say neither what the record needs nor what to write. Each refusal says what to do."""

import json

import pytest

from client.invoices import MalformedInput, ReferenceBusinessRegistry, ReferenceCreditBureau, ReferenceTaxInvoiceVerifier
from client.invoices.sources import REFERENCE_DATA

RECORD = json.loads((REFERENCE_DATA / "tax_invoices.json").read_text(encoding="utf-8"))["records"][0]


def refusal(tmp_path, changes: dict, drop: str | None = None) -> tuple[str | None, str]:
    record = {**RECORD, **changes}
    if drop:
        del record[drop]
    path = tmp_path / "tax.json"
    path.write_text(json.dumps({"records": [record]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        ReferenceTaxInvoiceVerifier(path)
    return refused.value.field, refused.value.problem


def test_a_record_lacking_a_field_says_to_add_it(tmp_path):
    assert refusal(tmp_path, {}, drop="issue_date") == (
        "records[0].issue_date", "missing: every record gives its issue_date; add it as the source gives it")


def test_a_record_with_a_field_no_record_has_names_the_fields_there_are(tmp_path):
    field, problem = refusal(tmp_path, {"buyer_nmae": "x"})
    assert field == "records[0].buyer_nmae"
    assert problem == ("not a field of such a record: correct its name, or delete it (the fields are number, code, "
                       "seller_tax_id, seller_name, buyer_tax_id, buyer_name, issue_date, total_with_tax_fen, status, "
                       "remaining_with_tax_fen)")


def test_a_total_of_the_wrong_kind_says_what_the_field_holds(tmp_path):
    assert refusal(tmp_path, {"total_with_tax_fen": "230300"}) == (
        "records[0].total_with_tax_fen",
        "Input should be a valid integer: 价税合计 in fen: a JSON integer above 0, no decimal point")


def test_an_identifier_written_as_a_number_says_to_write_it_as_a_string(tmp_path):
    assert refusal(tmp_path, {"number": 26442000000012345678}) == (
        "records[0].number", "Input should be a valid string: write it as a JSON string, in quotes, as the source "
                             "gives it")


@pytest.mark.parametrize("column", ["credit_code", "name", "status"])
def test_a_registry_row_with_a_blank_cell_says_to_fill_it_in(tmp_path, column):
    # a CSV holds no JSON: a blank cell was told to be written "as a JSON string, in quotes", or not told anything
    path = tmp_path / "registry.csv"
    rows = (REFERENCE_DATA / "business_registry.csv").read_text(encoding="utf-8").splitlines()
    header, first = rows[0], rows[1].split(",")
    first[header.split(",").index(column)] = ""
    path.write_text(header + "\n" + ",".join(first) + "\n", encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        ReferenceBusinessRegistry(path)
    assert (refused.value.field, refused.value.problem) == (
        f"row 2: {column}", f"empty: every record gives its {column}; fill it in as the source gives it")


def test_a_record_with_a_null_says_to_fill_it_in(tmp_path):
    assert refusal(tmp_path, {"seller_name": None}) == (
        "records[0].seller_name", "empty: every record gives its seller_name; fill it in as the source gives it")


def test_a_credit_record_with_a_negative_overdue_count_says_what_the_field_holds(tmp_path):
    records = json.loads((REFERENCE_DATA / "credit_bureau.json").read_text(encoding="utf-8"))["records"]
    path = tmp_path / "credit.json"
    path.write_text(json.dumps({"records": [{**records[0], "overdue_count": -1}]}), encoding="utf-8")
    with pytest.raises(MalformedInput) as refused:
        ReferenceCreditBureau(path)
    assert refused.value.problem == ("Input should be greater than or equal to 0: how many payments are overdue: "
                                     "0 or more")


@pytest.mark.parametrize("total, shown", [
    (2**53, "9007199254740992"),
    (10**30, "1000000000000000000000000000000"),
    (10**400, "1000000000000000000000000000000000000000...000000000000 (401 characters)"),
])
def test_a_total_beyond_the_ledgers_cap_is_refused_in_the_caps_wording(tmp_path, total, shown):
    # no invoice is read with a total above the cap, so such a record disagreed with every invoice it named, showing
    # a total of hundreds of digits as the source's answer
    assert refusal(tmp_path, {"total_with_tax_fen": total}) == (
        "records[0].total_with_tax_fen",
        f"amount {shown} fen is above the cap of 90,071,992,547,409.91 yuan (9,007,199,254,740,991 fen) that the "
        "ledger accepts: check the amount")


def test_a_total_at_the_ledgers_cap_is_taken(tmp_path):
    path = tmp_path / "tax.json"
    path.write_text(json.dumps({"records": [{**RECORD, "total_with_tax_fen": 2**53 - 1}]}), encoding="utf-8")
    verifier = ReferenceTaxInvoiceVerifier(path)
    assert verifier.lookup_invoice(RECORD["number"], RECORD["seller_tax_id"], "").total_with_tax_fen == 2**53 - 1
