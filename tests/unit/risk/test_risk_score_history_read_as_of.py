"""`recfin risk score --history FILE` of a history read from the ledger (one with read_as_of): scored as of the date
it was read as of, not its last event's. A claim confirmed long before the read and due before it, still unpaid
when read, is overdue as of the read; as of its last event it would not even be due yet."""
import json
from datetime import date

import pytest

from cli.risk_commands import risk
from client.risk import ReceivableHistory

from ..cli_errors import error_line, invoke
from .risk_helpers import DEBTOR, ev

DUE, READ = date(2026, 2, 1), date(2026, 2, 14)
# last event 2026-01-05; read from the ledger on 2026-02-14, the claim due 2026-02-01 still open
READ_LATE = ReceivableHistory(debtor=DEBTOR, read_as_of=READ,
                              events=[ev("R1", "registered", date(2026, 1, 4), DUE),
                                      ev("R1", "confirmed", date(2026, 1, 5), DUE)])


@pytest.fixture
def history_file(tmp_path):
    path = tmp_path / "read.json"
    path.write_text(READ_LATE.model_dump_json())
    return path


def test_a_history_read_from_the_ledger_is_scored_as_of_the_date_it_was_read(history_file):
    result = invoke(risk, "score", DEBTOR, "--history", history_file, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2026-02-14"
    assert (data["features"]["overdue_count"], data["features"]["overdue_amount"]) == (1, 100_000)
    assert (f"note: scored as of 2026-02-14, the date {history_file} was read from the ledger as of (its read_as_of; "
            "pass --as-of for an earlier date)") in result.stderr
    table = invoke(risk, "score", DEBTOR, "--history", history_file)
    assert table.exit_code == 0, table.output
    assert "as_of: 2026-02-14" in table.stdout and "overdue_now: 1 (1,000.00)" in table.stdout


def test_an_earlier_as_of_is_scored_as_of_itself(history_file):
    result = invoke(risk, "score", DEBTOR, "--history", history_file, "--as-of", "2026-01-20", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["as_of"], data["features"]["overdue_count"], data["features"]["confirmed_count"]) == \
        ("2026-01-20", 0, 1)
    assert "note: scored as of" not in result.stderr


def test_a_later_as_of_is_refused_in_the_sdks_words_with_what_to_type(history_file):
    result = invoke(risk, "score", DEBTOR, "--history", history_file, "--as-of", "2026-03-01", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    sdk = f"as_of 2026-03-01 is after 2026-02-14, the date {DEBTOR}'s history was read from the ledger as of"
    with pytest.raises(ValueError, match=sdk) as refused:
        READ_LATE.checked_for(date(2026, 3, 1))
    # the SDK's advice is a Python call; on the command line it is the options that score the debtor
    said, python_advice = str(refused.value).split("; ")
    assert python_advice.startswith("read the history again as of 2026-03-01 (history_from_ledger(")
    assert error_line(result) == (f"Error: Invalid value for '--as-of': {said}; drop --history to read the ledger as "
                                  "of 2026-03-01, or give --as-of 2026-02-14 or an earlier date")
    assert "history_from_ledger" not in result.output


def test_a_history_read_with_no_claims_is_scored_as_of_the_date_it_was_read(tmp_path):
    path = tmp_path / "none.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, read_as_of=READ).model_dump_json())
    result = invoke(risk, "score", DEBTOR, "--history", path, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["as_of"] == "2026-02-14"


def test_a_read_as_of_off_the_calendar_is_refused_unless_an_as_of_is_given(tmp_path):
    path = tmp_path / "far.json"
    path.write_text(READ_LATE.model_copy(update={"read_as_of": date(3000, 1, 1)}).model_dump_json())
    result = invoke(risk, "score", DEBTOR, "--history", path)
    assert result.exit_code == 2
    assert error_line(result) == (f"Error: Invalid value for '--history': {path}: its read_as_of is 3000-01-01, "
                                  "outside 1900-01-01 .. 2999-12-31: pass --as-of with the date to score as of")
    given = invoke(risk, "score", DEBTOR, "--history", path, "--as-of", "2026-02-14", "--json")
    assert given.exit_code == 0, given.output
    assert json.loads(given.stdout)["features"]["overdue_count"] == 1
