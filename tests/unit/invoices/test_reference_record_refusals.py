"""A reference provider's record lacking a field, holding one no such record has, or a value of the wrong kind was
refused in the validator's own words ("Field required", "Extra inputs are not permitted", "Input should be a valid
integer"), which say neither what the record needs nor what to write. Each refusal says what to do."""

import json
from pathlib import Path

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
        "Input should be a valid integer: 价税合计 in fen: a JSON integer, no decimal point; below 0 for a red-letter "
        "invoice (红字发票), never 0")


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
                                     "a JSON integer from 0 to 10,000, no decimal point")


def credit_file(tmp_path, overdue_count: str) -> Path:
    """The reference credit bureau's file with its first record's overdue count written as ``overdue_count``, JSON
    text (a number of 400 digits, which json.dumps would write, is written so too)."""
    records = json.loads((REFERENCE_DATA / "credit_bureau.json").read_text(encoding="utf-8"))["records"]
    path = tmp_path / "credit.json"
    path.write_text(json.dumps({"records": [{**records[0], "overdue_count": 0}, records[1]]})
                    .replace('"overdue_count": 0', f'"overdue_count": {overdue_count}', 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("count, shown", [
    ("10001", "10001"),
    ("150000", "150000"),   # an amount in fen in the count's place
    ("1" + "0" * 400, "1000000000000000000000000000000000000000...000000000000 (401 characters)"),
])
def test_an_overdue_count_beyond_any_credit_record_is_refused_naming_file_record_and_field(tmp_path, count, shown):
    # it was taken, and shown (and attested on the ledger) as the debtor's record: "rating AA, 1000...000 overdue"
    path = credit_file(tmp_path, count)
    with pytest.raises(MalformedInput) as refused:
        ReferenceCreditBureau(path)
    assert str(refused.value) == (
        f"{path}: records[0].overdue_count: {shown} is more overdue payments than any credit record counts (at most "
        "10,000, five years of monthly reports on a hundred accounts): check the count against the bureau's report; "
        "an amount or another figure may be in its place")


def test_an_overdue_count_at_the_bound_is_taken(tmp_path):
    bureau = ReferenceCreditBureau(credit_file(tmp_path, "10000"))
    records = json.loads((REFERENCE_DATA / "credit_bureau.json").read_text(encoding="utf-8"))["records"]
    assert bureau.lookup_credit(records[0]["credit_code"]).overdue_count == 10_000


@pytest.mark.parametrize("count", ["3.0", "3e0", "true", '"3"'])
def test_an_overdue_count_that_is_no_json_integer_is_refused_saying_what_to_write(tmp_path, count):
    with pytest.raises(MalformedInput) as refused:
        ReferenceCreditBureau(credit_file(tmp_path, count))
    assert refused.value.field == "records[0].overdue_count"
    assert refused.value.problem.endswith("how many payments are overdue: a JSON integer from 0 to 10,000, no decimal "
                                          "point")


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
