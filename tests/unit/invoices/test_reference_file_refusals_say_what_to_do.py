"""A reference provider's file that is not there, empty, not JSON, or JSON of another shape was refused naming the
file but not what to do ("cannot read file: No such file or directory", "invalid JSON at line 1 column 1: Expecting
value", "records: missing or not a list", and a record that is no JSON object in pydantic's words, "Input should be a
valid dictionary or instance of CreditRecord"). Each says what to do now: restore the shipped file, give the path of
one written as it is, correct the JSON, or write each record as an object of its fields."""

from __future__ import annotations

import pytest

from client.invoices import MalformedInput, ReferenceBusinessRegistry, ReferenceCreditBureau
from client.invoices import ReferenceTaxInvoiceVerifier
from client.invoices import sources as sources_module

YOUR_OWN = ("give the path of a reference file written as the shipped one is (client/invoices/reference_data/, whose "
            "README says what each file holds)")


def refusal(provider, path) -> str:
    with pytest.raises(MalformedInput) as refused:
        provider(path)
    assert str(refused.value).startswith(f"{path}: ")
    return str(refused.value)


@pytest.mark.parametrize("provider", [ReferenceTaxInvoiceVerifier, ReferenceBusinessRegistry, ReferenceCreditBureau])
def test_a_file_not_there_says_to_give_the_path_of_one_written_as_the_shipped_one(tmp_path, provider):
    path = tmp_path / "records.json"
    assert refusal(provider, path) == f"{path}: cannot read file: No such file or directory: {YOUR_OWN}"
    assert refusal(provider, tmp_path) == f"{tmp_path}: cannot read file: Is a directory: {YOUR_OWN}"


def test_a_shipped_file_missing_says_to_restore_it(tmp_path, monkeypatch):
    monkeypatch.setattr(sources_module, "REFERENCE_DATA", tmp_path)   # the shipped folder, without its files
    with pytest.raises(MalformedInput, match=r"credit_bureau\.json: cannot read file: No such file or directory: "
                                             r"restore the file shipped with recfin \(git checkout -- "
                                             r"client/invoices/reference_data/credit_bureau\.json, or install recfin "
                                             r"again\)$"):
        ReferenceCreditBureau()


@pytest.mark.parametrize("content", ["", "  \n"])
def test_an_empty_json_file_is_named_empty_not_invalid_json_at_column_1(tmp_path, content):
    path = tmp_path / "tax_invoices.json"
    path.write_text(content)
    assert refusal(ReferenceTaxInvoiceVerifier, path) == f"{path}: the file is empty: {YOUR_OWN}"


def test_invalid_json_says_to_correct_it_there(tmp_path):
    path = tmp_path / "credit_bureau.json"
    path.write_text('{"records": [{"credit_code": "x"}, ')
    assert refusal(ReferenceCreditBureau, path) == (f"{path}: invalid JSON at line 1 column 36: Expecting value: "
                                                    f"correct the JSON there, or {YOUR_OWN}")


@pytest.mark.parametrize("content", ["[]", "null", '{"record": []}', '{"records": {}}'])
def test_json_of_another_shape_says_what_shape_a_reference_file_has(tmp_path, content):
    path = tmp_path / "credit_bureau.json"
    path.write_text(content)
    assert refusal(ReferenceCreditBureau, path) == (
        f'{path}: records: missing or not a list: a reference file is a JSON object whose "records" lists the '
        f'records, {{"records": [{{...}}, ...]}}; {YOUR_OWN}')


@pytest.mark.parametrize(("record", "shown"), [("null", "null"), ("1", "1"), ('"AA"', "'AA'"), ("[]", "[]")])
def test_a_record_that_is_no_object_is_named_so_with_the_fields_it_has(tmp_path, record, shown):
    path = tmp_path / "credit_bureau.json"
    path.write_text(f'{{"records": [{record}]}}')
    assert refusal(ReferenceCreditBureau, path) == (
        f"{path}: records[0]: {shown}, not a record: each record is a JSON object of its fields (credit_code, "
        "rating, overdue_count, as_of)")


def test_a_path_through_a_symlink_loop_is_refused_as_a_file_not_readable(tmp_path):
    # a folder of the path links back to itself: Path.resolve raised RuntimeError in working out the advice
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    path = tmp_path / "a" / "credit_bureau.json"
    assert refusal(ReferenceCreditBureau, path) == (f"{path}: cannot read file: Too many levels of symbolic links: "
                                                    f"{YOUR_OWN}")
