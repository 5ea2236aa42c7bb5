"""A file's "unreviewed" list is refused naming each flagged field and why as the reader wrote them, so a person finds
them in the file; an entry the reader did not write (a line break, a character that does not print, thousands of
characters, a list of thousands) is shown as any refused value is, quoted, escaped and cut, and the list named in
part, where it was copied into the message whole. A registration (or attestation) refusing an invoice whose flagged
fields no person reviewed names them alike."""

from __future__ import annotations

import pytest

from client.invoices import NotReviewed, UnreviewedField, invoice_to_json

from ._review import file_refused, registration
from ._samples import invoice

ADVICE = 'check them against the scan, correct the values in this file, then delete the "unreviewed" entry'


def _problem(unreviewed: list) -> str:
    return file_refused({**invoice_to_json(invoice()), "unreviewed": unreviewed}).problem


def test_the_readers_own_text_is_named_as_written():
    reason = ("not compared with the page images covering pages 1 and 2 (no OCR engine): they may print other "
              "figures than the text layer says; check it against the page; " + "科" * 150)
    problem = _problem([{"field": "total_with_tax", "reason": reason}])
    assert problem == f"1 field(s) flagged when the scan was read, not yet checked: total_with_tax ({reason}); {ADVICE}"


def test_a_character_that_does_not_print_is_escaped_in_quotes():
    problem = _problem([{"field": "lines[1].name\nError: forged", "reason": "low\u202e confidence"}])
    assert problem.isprintable()
    assert "'lines[1].name\\nError: forged' ('low\\u202e confidence')" in problem


def test_a_value_of_thousands_of_characters_is_cut_and_one_no_text_spelled_as_json():
    problem = _problem([{"field": "x" * 10_000, "reason": {"said": None}}, {"field": 7}])
    assert f"'{'x' * 39}...{'x' * 11}' (10000 characters) ({{\"said\": null}}); 7 (flagged)" in problem
    assert len(problem) < 400


def test_a_list_of_thousands_names_the_first_ten_and_how_many_more():
    problem = _problem([{"field": f"lines[{i}].name", "reason": "low confidence"} for i in range(1000)])
    assert problem.startswith("1000 field(s) flagged when the scan was read, not yet checked: lines[0].name (low "
                              "confidence); lines[1].name")
    assert "lines[9].name (low confidence); and 990 more; check them" in problem and "lines[10]" not in problem


def test_the_longest_reason_the_reader_writes_is_named_whole():
    # a key field's reason where tesseract timed out re-reading the fields behind a picture covering the page, joined
    # to the field's own reason: over 500 characters, each part written by the reader
    timed_out = ("tesseract reading 7 field(s) of the page again (-l eng --psm 7 -c tessedit_char_whitelist="
                 "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ) did not finish within 300 s and was stopped: the image is "
                 "likely no scanned invoice page or is far larger than one; crop it to the invoice and scan at 300 "
                 "dpi, or ask the sender for the invoice's XML or its PDF")
    reason = (f"not compared with the page images covering page 1 (they could not be read: {timed_out}): they may "
              "print other figures than the text layer says; check it against the page; derived, not read: 价税合计 - "
              "合计金额, which the item rows' taxes add up to")
    assert len(reason) > 550
    problem = _problem([{"field": "total_tax", "reason": reason}])
    assert problem == f"1 field(s) flagged when the scan was read, not yet checked: total_tax ({reason}); {ADVICE}"


def test_a_registration_names_the_flagged_fields_of_an_invoice_alike(sample_documents):
    reason = "low confidence 0.561 < 0.800; " + "科" * 600
    flags = [UnreviewedField(field="lines[1].name\nError: forged", reason="x" * 10_000),
             UnreviewedField(field="total_tax", reason=reason),
             *(UnreviewedField(field=f"lines[{i}].name", reason="low confidence") for i in range(2, 1000))]
    with pytest.raises(NotReviewed) as refused:
        registration(invoice().model_copy(update={"unreviewed": tuple(flags)}), sample_documents)
    said = str(refused.value)
    assert said.isprintable() and len(said) < 1500
    assert (f"1000 field(s) flagged and not yet reviewed: 'lines[1].name\\nError: forged' ('{'x' * 39}...{'x' * 11}' "
            f"(10000 characters)); total_tax ({reason}); lines[2].name (low confidence); ") in said
    assert "lines[9].name (low confidence); and 990 more; check them" in said and "lines[10]" not in said
