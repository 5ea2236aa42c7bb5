"""A part's parent_id names another claim; a label is left out only once its settlement was recorded by the date."""
import json
from datetime import date

import pytest
from pydantic import ValidationError

from cli.risk_commands import risk
from client.risk import LedgerEvent, ReceivableHistory, debtor_features
from client.risk.dataset import build_examples, labelled_claims

from ..cli_errors import error_line, invoke
from .risk_helpers import DEBTOR, ev

EVENT = {"receivable_id": "A", "debtor": "D1", "holder": "S1", "face_amount": 100_000, "kind": "confirmed",
         "event_date": "2025-01-01", "due_date": "2025-03-01"}


@pytest.mark.parametrize("parent,expected", [("", "parent_id: empty"), ("A", "parent_id: 'A' is the claim's own id")])
def test_a_parent_id_empty_or_the_claims_own_is_refused(parent, expected):
    with pytest.raises(ValidationError, match=expected):
        LedgerEvent.model_validate({**EVENT, "parent_id": parent})


def test_a_history_file_with_an_empty_parent_id_is_refused_in_one_line(tmp_path):
    """Two unrelated claims with parent_id "" would be counted as the parts of one claim called ""."""
    path = tmp_path / "h.json"
    path.write_text(json.dumps([{**EVENT, "parent_id": ""}, {**EVENT, "receivable_id": "B", "parent_id": ""}]))
    r = invoke(risk, "score", "D1", "--history", path)
    assert r.exit_code == 2 and "events.0: parent_id: empty" in error_line(r)


DUE = date(2025, 7, 1)
AS_OF = date(2025, 6, 1)


def paid_before_recorded_after(rid="R", parent=None, face=100_000):
    """Confirmed 2025-05-01, paid 2025-05-20, the settlement recorded on 2025-06-10, after AS_OF."""
    return [ev(rid, "confirmed", date(2025, 5, 1), DUE, face=face, parent=parent),
            ev(rid, "settled", date(2025, 6, 10), DUE, face=face, settled=date(2025, 5, 20), parent=parent)]


def test_a_settlement_recorded_after_the_as_of_date_leaves_the_claim_labelled():
    """Open to the features as of AS_OF (they cannot see the settlement), so it is a claim a bank prices that day:
    labelled, on time by its payment date."""
    history = ReceivableHistory(debtor=DEBTOR, events=paid_before_recorded_after())
    f = debtor_features(history.as_of(AS_OF), AS_OF)
    assert (f.open_amount, f.settled_on_time_count) == (100_000, 0)
    assert labelled_claims(history, AS_OF, history_ends=date(2025, 12, 31)) == [(DUE, 0)]
    assert build_examples([history], [AS_OF], history_ends=date(2025, 12, 31)).labels == [0]
    # recorded by the date: the features count the settlement, and it is not labelled
    assert labelled_claims(history, date(2025, 6, 10), history_ends=date(2025, 12, 31)) == []


def test_a_split_claim_is_labelled_until_its_last_parts_settlement_is_recorded():
    events = [ev("R", "confirmed", date(2025, 4, 1), DUE), ev("R", "split", date(2025, 4, 10), DUE)]
    # the split divides R's face between its parts
    events += [ev("R.1", "confirmed", date(2025, 4, 10), DUE, face=50_000, parent="R"),
               ev("R.1", "settled", date(2025, 5, 20), DUE, face=50_000, settled=date(2025, 5, 20), parent="R")]
    events += paid_before_recorded_after("R.2", parent="R", face=50_000)[1:]   # R.2 confirmed through R
    history = ReceivableHistory(debtor=DEBTOR, events=events)
    assert labelled_claims(history, AS_OF, history_ends=date(2025, 12, 31)) == [(DUE, 0)]
