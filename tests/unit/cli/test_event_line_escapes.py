"""An event line is one line whatever the event holds: a value with a character that does not print (a reason
an earlier contract took with a line break in it) is quoted with escapes, so it cannot forge an event line of its
own; text that prints is shown as it is."""
from __future__ import annotations

import json

from cli.event_commands import _line
from cli.output import emit, table
from client.receivables import ReceivablesEvent

FORGED_LINE = "block 42  ReceivableConfirmed  R-1  tx t10  debtor=D, holder=S, face_amount=CNY 1,000,000.00"


def rejected(reason: str, **more) -> ReceivablesEvent:
    return ReceivablesEvent(name="ReceivableRejected", receivable_id="R-1", tx_id="t9", block_number=41,
                            details={"reason": reason, **more})


def test_a_reason_holding_a_line_break_prints_on_the_events_line_escaped():
    line = _line(rejected(f"not owed\n{FORGED_LINE}"), as_json=False)
    assert line.splitlines() == [line]
    assert line == f"block 41  ReceivableRejected  R-1  tx t9  reason={'not owed' + chr(10) + FORGED_LINE!r}"


def test_every_value_and_key_of_the_line_is_escaped_nested_ones_too():
    event = ReceivablesEvent(name="Odd\u2028Event", receivable_id="R-1\r", tx_id="t\x1b9", block_number=41,
                             details={"allocations": [{"payee": "A\u2029B", "amount": 100}], "k\ney": "v"})
    line = _line(event, as_json=False)
    assert line.splitlines() == [line]
    assert line == ("block 41  'Odd\\u2028Event'  'R-1\\r'  tx 't\\x1b9'  "
                    "allocations=[{payee='A\\u2029B', amount=1.00}], 'k\\ney'=v")


def test_printable_text_of_any_script_is_shown_as_it_is():
    assert _line(rejected("发票金额不符 — amounts differ"), as_json=False) == \
        "block 41  ReceivableRejected  R-1  tx t9  reason=发票金额不符 — amounts differ"


def test_spaces_that_break_no_line_are_shown_as_they_are(capsys):
    # a full-width space (common in Chinese names) and a no-break space are not "printable" to Python, yet
    # break no line: quoting them would change every table and line holding such a name
    name = "深圳市\u3000前海科技有限公司 ACME\u00a0Ltd"
    assert _line(rejected(name), as_json=False) == f"block 41  ReceivableRejected  R-1  tx t9  reason={name}"
    emit({"name": name}, as_json=False)
    assert capsys.readouterr().out == f"name: {name}\n"
    assert table([{"name": name}], ["name"]).splitlines()[1] == name


def test_format_characters_that_reorder_or_hide_text_are_escaped():
    # a right-to-left override would show the rest of the line reversed; a zero-width space makes two names alike
    for odd in ("Acme\u202eTNUOMA", "Ac\u200bme", "a\u2066b", "a\ufeffb"):
        assert _line(rejected(odd), as_json=False).endswith(f"reason={odd!r}"), odd


def test_a_json_line_escapes_the_separators_json_leaves_raw_and_reads_back_as_sent():
    reason = "a\u2028b\u2029c\x85d\ne"
    line = _line(rejected(reason), as_json=True)
    assert line.splitlines() == [line]       # str.splitlines splits at U+2028, U+2029 and U+0085 too
    assert json.loads(line)["reason"] == reason


def test_tables_and_records_show_a_value_that_does_not_print_on_its_line(capsys):
    row = {"id": "R-1", "rejection_reason": "not owed\nstatus: SETTLED"}
    assert table([row], ["id", "rejection_reason"]).splitlines() == [
        "ID   REJECTION_REASON", "R-1  'not owed\\nstatus: SETTLED'"]
    emit(row, as_json=False)
    assert capsys.readouterr().out.splitlines() == ["id: R-1", "rejection_reason: 'not owed\\nstatus: SETTLED'"]
