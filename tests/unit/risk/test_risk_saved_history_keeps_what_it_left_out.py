"""A history read from the ledger and saved (``model_dump_json()``) keeps which of the debtor's claims the read
left out: the claims the contract could not count and how many claims of each other currency there were. Saved
without them, `recfin risk score --history FILE` and `recfin finance quote --history FILE` scored the file with
``null`` for both, as if the history were the debtor's whole record."""

from __future__ import annotations

import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk import ReceivableHistory, history_from_ledger

from ..receivables.test_payment_record_names_cut_claims import PLANTED
from .ledger_debtors import core_with_claims_left_out
from .risk_helpers import DEBTOR, ev


def _history_read_with_claims_left_out() -> ReceivableHistory:
    w = core_with_claims_left_out()
    return history_from_ledger(w.client("regulator"), w.uscc("core"), date.fromisoformat(w.net.today))


def test_a_history_read_from_the_ledger_names_what_it_left_out_and_keeps_it_saved():
    history = _history_read_with_claims_left_out()
    assert history.claims_not_counted == [PLANTED]
    assert history.claims_in_other_currencies == {"USD": 1}
    saved = ReceivableHistory.model_validate_json(history.model_dump_json())
    assert saved.claims_not_counted == [PLANTED] and saved.claims_in_other_currencies == {"USD": 1}
    # a view as of an earlier date is of the same read
    assert history.as_of(history.read_as_of).claims_not_counted == [PLANTED]


def test_score_of_a_saved_history_names_what_its_read_left_out(tmp_path):
    history = _history_read_with_claims_left_out()
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    result = CliRunner().invoke(risk, ["score", history.debtor, "--history", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["claims_not_counted"] == [PLANTED]
    assert data["claims_in_other_currencies"] == {"USD": 1}
    assert f"({PLANTED}) is not in this score" in result.stderr
    assert (f"note: {history.debtor} is scored on its claims in CNY only; its claims in other currencies (1 in "
            f"USD) are not in this score: run `recfin risk score {history.debtor}` with --currency USD to score "
            "those") in result.stderr.replace("\n", " ")


def test_a_file_without_them_reads_as_not_known(tmp_path):
    path = tmp_path / "history.json"
    confirmed = ev("R-1", "confirmed", "2026-01-02", "2026-03-01").model_dump(mode="json")
    path.write_text(json.dumps({"debtor": DEBTOR, "read_as_of": "2026-01-20", "events": [confirmed]}))
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["claims_not_counted"], data["claims_in_other_currencies"]) == (None, None)


def test_a_quote_priced_on_a_saved_history_names_what_its_read_left_out(tmp_path):
    history = _history_read_with_claims_left_out()
    path = tmp_path / "history.json"
    path.write_text(history.model_dump_json())
    result = CliRunner().invoke(finance, ["quote", "RCV-1", "--as", "bank", "--face", "100000",
                                          "--due", (history.read_as_of + timedelta(days=90)).isoformat(),
                                          "--on", history.read_as_of.isoformat(), "--history", str(path),
                                          "--debtor", history.debtor, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["claims_not_counted"] == [PLANTED]
    assert data["claims_in_other_currencies"] == {"USD": 1}
    assert "its claims in other currencies (1 in USD) are not in this score" in result.stderr.replace("\n", " ")
