"""A quote names the claim's due date, the day its ``priced.days`` run to: on a Saturday, a Sunday or a public holiday
the days run to it all the same (no 顺延, as the contract counts the days of a disbursement), though the debtor is
on time paying the next working day. Before, the quote said the disbursement date and a count of days, and which
day they ran to was left for the reader to work out, a weekend's days included or not."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

from cli.finance_commands import finance
from client.pricing import ReceivableTerms, bank_config_path, load_bank_config, quote

from .test_quote_table_names import table_lines

SATURDAY = "2027-02-06"
OFFLINE = ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--grade", "B", "--on", "2026-12-01",
           "--due", SATURDAY]


def test_the_quote_names_the_due_date_in_its_table_and_its_json():
    shown = CliRunner().invoke(finance, OFFLINE)
    as_json = CliRunner().invoke(finance, [*OFFLINE, "--json"])
    assert shown.exit_code == as_json.exit_code == 0, (shown.output, as_json.output)
    lines, data = table_lines(shown.stdout), json.loads(as_json.stdout)
    assert lines["due_date"] == data["due_date"] == SATURDAY
    # 67 calendar days: to the Saturday itself, not to the Monday after it
    assert lines["priced.days"] == "67" and data["priced"]["days"] == 67


def test_a_declined_quote_names_the_due_date_too():
    terms = ReceivableTerms(receivable_id="R", face_amount=100_000_00, due_date=date(2026, 12, 1))
    declined = quote(load_bank_config(bank_config_path("bank")), terms, grade="B", on=date(2026, 12, 1))
    assert declined.offer is None and declined.due_date == date(2026, 12, 1)
    assert json.loads(declined.model_dump_json())["due_date"] == "2026-12-01"
