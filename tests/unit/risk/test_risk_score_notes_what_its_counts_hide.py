"""What a grade rests on that it does not show, said beside it by `risk score` and `finance quote`: the model counts
claims, not money, so a debtor can dilute large late payments with many tiny claims paid on time; and a claim paid
late or overdue under a freeze, which the contract would not let the debtor pay, counts against the debtor."""
import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk.history import ReceivableHistory

from .risk_helpers import DEBTOR, ev, lifecycle

AS_OF = date(2026, 6, 30)
BIG = 50_000_000_00   # 50 million yuan


def big_late_claims():
    """Four claims of 50 million yuan each, paid 30 days late."""
    events = []
    for k in range(4):
        confirmed = date(2026, 1, 1) + timedelta(days=20 * k)
        events += lifecycle(f"B{k}", confirmed, confirmed + timedelta(days=59), face=BIG,
                            paid=confirmed + timedelta(days=89))
    return events


def tiny_claims_on_time(count=60):
    """``count`` claims of 1 fen each, all held by one supplier and paid on their due date."""
    events = []
    for k in range(count):
        confirmed = date(2025, 8, 1) + timedelta(days=5 * k)
        events += lifecycle(f"T{k}", confirmed, confirmed + timedelta(days=30), face=1, holder="SHELL",
                            paid=confirmed + timedelta(days=30))
    return events


def score(tmp_path, events):
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=events).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def test_tiny_claims_paid_on_time_that_lift_the_grade_are_named_beside_it(tmp_path):
    late_only, said = score(tmp_path, big_late_claims())
    assert late_only["grade"] == "E" and "counts claims, not money" not in said   # by amount as by count: 100%
    padded, said = score(tmp_path, big_late_claims() + tiny_claims_on_time())
    # 60 fen of claims paid on time move the grade from E: the model weighs each claim alike (a known limit)
    assert padded["grade"] < "E"
    assert (f"note: {DEBTOR} paid late, or has not yet paid, 100% of what fell due by amount but 6% by count: "
            f"grade {padded['grade']} counts claims, not money") in said.replace("\n", " ")
    assert "check who held the small ones" in said


def test_a_quote_scored_from_a_padded_history_names_it_too(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=big_late_claims() + tiny_claims_on_time())
                    .model_dump_json())
    result = CliRunner().invoke(finance, ["quote", "RCV-9", "--as", "bank", "--face", "1,000,000", "--due",
                                          "2026-09-01", "--on", str(AS_OF), "--history", str(path), "--debtor",
                                          DEBTOR, "--json"])
    assert result.exit_code == 0, result.output
    assert "counts claims, not money" in result.stderr


def frozen_claim(paid=None):
    """A claim due 2026-05-01 frozen on 2026-04-20; paid on ``paid`` (None: not at all, marked overdue on
    AS_OF, so that a file scored as of its last event is scored as of AS_OF)."""
    due = date(2026, 5, 1)
    events = [ev("F", "registered", date(2026, 3, 1), due), ev("F", "confirmed", date(2026, 3, 2), due),
              ev("F", "frozen", date(2026, 4, 20), due)]
    return events + ([ev("F", "settled", paid, due, settled=paid)] if paid else [ev("F", "overdue", AS_OF, due)])


def on_time_claims():
    events = []
    for k in range(6):
        confirmed = date(2025, 9, 1) + timedelta(days=20 * k)
        events += lifecycle(f"G{k}", confirmed, confirmed + timedelta(days=60), paid=confirmed + timedelta(days=60))
    return events


def test_a_late_or_overdue_claim_beside_a_freeze_is_named_as_perhaps_not_the_debtors_doing(tmp_path):
    freeze_note = "a frozen claim takes no payment until the regulator lifts the order"
    _, said = score(tmp_path, on_time_claims())
    assert freeze_note not in said
    for paid in (None, date(2026, 6, 10)):
        scored, said = score(tmp_path, on_time_claims() + frozen_claim(paid))
        assert (f"note: {DEBTOR}'s claims have 1 freeze order recorded, and some are late or overdue: a frozen "
                f"claim takes no payment until the regulator lifts the order, yet grade {scored['grade']} counts") \
            in said.replace("\n", " ")
    # a freeze on a claim paid on time leaves nothing to say
    _, said = score(tmp_path, on_time_claims() + frozen_claim(date(2026, 5, 1)))
    assert freeze_note not in said
