"""A history file holds the claims of one currency, named once by its `currency`: amounts of two currencies do not
add up. A file written with a currency on each event (claims in CNY and USD side by side) was refused with pydantic's
bare "Extra inputs are not permitted", which says neither that a history is of one currency nor what to do: the
refusal says both, for `risk score` and `finance quote` alike."""
import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk

from .risk_helpers import DEBTOR

EVENT = {"debtor": DEBTOR, "holder": "S1", "face_amount": 100_000, "kind": "registered",
         "event_date": "2026-01-04", "due_date": "2026-03-01"}
ONE_CURRENCY = "a history holds the claims of one currency, named once by its `currency`"


def two_currencies(tmp_path, as_list: bool) -> str:
    events = [{**EVENT, "receivable_id": "R-CNY", "currency": "CNY"},
              {**EVENT, "receivable_id": "R-USD", "currency": "USD"}]
    path = tmp_path / "history.json"
    path.write_text(json.dumps(events if as_list else {"debtor": DEBTOR, "events": events}))
    return str(path)


@pytest.mark.parametrize("as_list", [False, True])
def test_risk_score_says_a_history_is_of_one_currency(tmp_path, as_list):
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", two_currencies(tmp_path, as_list),
                                       "--as-of", "2026-06-30"])
    assert result.exit_code == 2
    assert "events.0.currency: Extra inputs are not permitted" in result.output
    assert ONE_CURRENCY in result.output and "a file of their own" in result.output


def test_finance_quote_says_so_too(tmp_path):
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due",
                                          "2027-03-01", "--on", "2026-12-01", "--history",
                                          two_currencies(tmp_path, False), "--debtor", DEBTOR])
    assert result.exit_code == 2 and ONE_CURRENCY in result.output


def test_another_field_no_event_has_gets_no_word_of_currencies(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps({"debtor": DEBTOR, "events": [{**EVENT, "receivable_id": "R-1", "colour": "red"}]}))
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", "2026-06-30"])
    assert result.exit_code == 2 and "events.0.colour: Extra inputs are not permitted" in result.output
    assert "currency" not in result.output
