"""`recfin finance quote --history FILE` of a history read from the ledger (one with read_as_of) scores the debtor as
of the date it was read as of (or the disbursement date, if earlier), not its last event's: a claim confirmed long
before the read and due before it, still unpaid when read, is overdue then, as `risk score` counts it."""
import json
from datetime import date

from click.testing import CliRunner

from cli.receivable_commands import finance
from cli.risk_commands import risk
from client.risk import ReceivableHistory

from ..risk.risk_helpers import DEBTOR, ev

DUE, READ = date(2026, 2, 1), date(2026, 2, 14)
READ_LATE = ReceivableHistory(debtor=DEBTOR, read_as_of=READ,
                              events=[ev("R1", "registered", date(2026, 1, 4), DUE),
                                      ev("R1", "confirmed", date(2026, 1, 5), DUE)])


def quote(path, on):
    return CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                        "2026-09-25", "--on", on, "--history", str(path), "--debtor", DEBTOR,
                                        "--json"])


def scored(path, *extra):
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_a_quote_scores_a_history_read_from_the_ledger_as_of_the_date_it_was_read(tmp_path):
    path = tmp_path / "read.json"
    path.write_text(READ_LATE.model_dump_json())
    as_read = scored(path)
    assert as_read["as_of"] == "2026-02-14" and as_read["features"]["overdue_count"] == 1
    later = quote(path, "2026-03-02")
    assert later.exit_code in (0, 1), later.output
    data = json.loads(later.stdout)
    assert data["probability_late"] == as_read["probability_late"]
    assert (f"note: the debtor is scored as of 2026-02-14, the date {path} was read from the ledger as of (its "
            "read_as_of); the offer is priced for disbursement on 2026-03-02") in later.stderr


def test_a_quote_disbursed_before_the_read_scores_as_of_its_own_date(tmp_path):
    path = tmp_path / "read.json"
    path.write_text(READ_LATE.model_dump_json())
    earlier = quote(path, "2026-01-20")
    assert earlier.exit_code in (0, 1), earlier.output
    assert json.loads(earlier.stdout)["probability_late"] == scored(path, "--as-of", "2026-01-20")["probability_late"]
    assert "note: the debtor is scored as of" not in earlier.stderr
