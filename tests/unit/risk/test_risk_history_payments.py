"""A history's payments as the ledger records them: never more than the face, and the payment of the last fen
settles the claim the same day. A file that breaks either is refused, not scored as a claim left unpaid."""
import json
from datetime import date

import pytest
from pydantic import ValidationError

from cli.risk_commands import risk
from client.risk import ReceivableHistory, debtor_features

from ..cli_errors import error_line, invoke
from .risk_helpers import DEBTOR, ev

DUE = date(2025, 5, 1)
AS_OF = date(2025, 6, 30)   # two months past the due date


def paid_in_full(*, settled: bool):
    """Claim P of 100,000 fen confirmed, then paid 60,000 and 40,000 before its due date (settled with the
    second payment, as the ledger settles it, when ``settled``)."""
    events = [ev("P", "registered", date(2025, 3, 1), DUE), ev("P", "confirmed", date(2025, 3, 2), DUE),
              ev("P", "paid", date(2025, 4, 1), DUE, amount=60_000),
              ev("P", "paid", date(2025, 4, 20), DUE, amount=40_000)]
    paid_off = date(2025, 4, 20)
    return events + ([ev("P", "settled", paid_off, DUE, settled=paid_off)] if settled else [])


def test_a_claim_paid_in_full_is_settled_on_time_not_overdue():
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=paid_in_full(settled=True)), AS_OF)
    assert (f.settled_on_time_count, f.overdue_count, f.late_90) == (1, 0, 0)


def test_payments_up_to_the_face_without_a_settlement_are_refused_saying_what_to_add():
    """Scored as it was, the claim paid in full counted as overdue for 60 days and late."""
    with pytest.raises(ValidationError) as refused:
        ReceivableHistory(debtor=DEBTOR, events=paid_in_full(settled=False))
    message = str(refused.value)
    assert "P is paid in full on 2025-04-20" in message and "no 'settled' event" in message
    assert "event_date and settled_date 2025-04-20" in message


def test_a_settlement_recorded_after_the_last_payment_is_refused():
    late_settlement = date(2025, 6, 1)
    events = paid_in_full(settled=False) + [ev("P", "settled", late_settlement, DUE, settled=late_settlement)]
    with pytest.raises(ValidationError, match="P is paid in full on 2025-04-20"):
        ReceivableHistory(debtor=DEBTOR, events=events)


def test_payments_adding_up_to_more_than_the_face_are_refused():
    events = paid_in_full(settled=True)[:3] + [ev("P", "paid", date(2025, 4, 2), DUE, amount=900_000)]
    with pytest.raises(ValidationError, match="the payments on P add up to 960000 fen by 2025-04-02, "
                                              "more than its face of 100000 fen"):
        ReceivableHistory(debtor=DEBTOR, events=events)


def test_part_payments_below_the_face_are_taken_as_they_are():
    """What is still owed counts as open, and as overdue past the due date: the ledger's partly paid claim."""
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=paid_in_full(settled=False)[:3]), AS_OF)
    assert (f.open_amount, f.overdue_count, f.overdue_amount) == (40_000, 1, 40_000)


def test_risk_score_refuses_such_a_file_naming_the_claim_not_the_files_shape(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(json.dumps([e.model_dump(mode="json") for e in paid_in_full(settled=False)]))
    result = invoke(risk, "score", DEBTOR, "--history", path)
    # the file given is wrong: a usage error naming --history (exit 2), as every other wrong history file is
    assert result.exit_code == 2, result.output
    line = error_line(result)
    assert line.startswith(f"Error: Invalid value for '--history': {path}: events: P is paid in full on "
                           "2025-04-20"), line
    assert "give a ReceivableHistory object" not in line
