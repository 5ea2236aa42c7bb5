"""An e-invoice giving both IssueTime and a RequestTime of another day was read by IssueTime, the other date passed
over without a word. A request dated after the issue, or more than a day before it, is refused naming both, as two
invoice numbers that differ are; a request of the same day, or of the day before (made just before midnight), is
read."""

import json

import pytest

from client.invoices import MalformedInput, parse_invoice

from ._samples import einvoice_xml, invoice
from .test_einvoice_forms import twin

REQUESTED = "<RequestTime>2026-09-01 10:11:12</RequestTime>"


def test_an_xml_request_time_of_another_day_is_refused_naming_both():
    xml = einvoice_xml(invoice())
    assert REQUESTED in xml and "<IssueTime>2026-09-01</IssueTime>" in xml
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.replace(REQUESTED, "<RequestTime>2026-08-03 10:11:12</RequestTime>").encode())
    assert refused.value.field == "EInvoice/TaxSupervisionInfo/IssueTime"
    assert refused.value.problem == (
        "'2026-09-01', but EInvoice/EInvoiceData/BasicInformation/RequestTime is '2026-08-03 10:11:12': two issue "
        "dates that differ (2026-09-01 and 2026-08-03; a request comes on the day of the issue or the day before), "
        "and which day the invoice was issued on cannot be told; check the file against the invoice, or download it "
        "again from where it was issued")


def test_a_json_twin_whose_request_time_is_another_day_is_refused():
    doc = twin(invoice())
    doc["EInvoice"]["EInvoiceData"]["BasicInformation"]["RequestTime"] = "20260902101112"
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(json.dumps(doc).encode())
    assert refused.value.field == "EInvoice/TaxSupervisionInfo/IssueTime"
    assert "(2026-09-01 and 2026-09-02; " in refused.value.problem


def test_a_request_just_before_midnight_for_an_invoice_issued_the_next_day_is_read_by_its_issue():
    xml = einvoice_xml(invoice())
    late = xml.replace(REQUESTED, "<RequestTime>2026-08-31 23:59:58</RequestTime>")
    assert str(parse_invoice(late.encode()).issue_date) == "2026-09-01"
    two_days = xml.replace(REQUESTED, "<RequestTime>2026-08-30 23:59:58</RequestTime>")
    with pytest.raises(MalformedInput, match=r"\(2026-09-01 and 2026-08-30; "):
        parse_invoice(two_days.encode())


def test_an_unreadable_request_time_beside_an_issue_time_is_refused_naming_it():
    xml = einvoice_xml(invoice()).replace(REQUESTED, "<RequestTime>2026-13-45 10:11:12</RequestTime>")
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.encode())
    assert refused.value.field == "EInvoice/EInvoiceData/BasicInformation/RequestTime"


@pytest.mark.parametrize("request_time", ["2026-09-01 23:59:59", "2026/9/1", "20260901"])
def test_times_of_the_same_day_or_either_alone_are_read(request_time):
    xml = einvoice_xml(invoice())
    same_day = xml.replace(REQUESTED, f"<RequestTime>{request_time}</RequestTime>")
    assert str(parse_invoice(same_day.encode()).issue_date) == "2026-09-01"
    request_alone = same_day.replace("<IssueTime>2026-09-01</IssueTime>", "")
    assert str(parse_invoice(request_alone.encode()).issue_date) == "2026-09-01"
    issue_alone = xml.replace(REQUESTED, "")
    assert str(parse_invoice(issue_alone.encode()).issue_date) == "2026-09-01"


def test_neither_given_is_refused_as_missing():
    xml = einvoice_xml(invoice()).replace(REQUESTED, "").replace("<IssueTime>2026-09-01</IssueTime>", "")
    with pytest.raises(MalformedInput) as refused:
        parse_invoice(xml.encode())
    assert refused.value.field == "EInvoice/EInvoiceData/BasicInformation/RequestTime"
