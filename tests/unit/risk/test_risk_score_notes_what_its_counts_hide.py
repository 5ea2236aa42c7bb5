"""What a grade rests on that it does not show, said beside it by `risk score` and `finance quote`: the model weighs
claims by amount (since late_payment-v8; by the square root of the face since v15), so a few large claims paid on time
outweigh many small ones paid late; and a claim that fell due under a freeze, which the contract would not let the
debtor pay, counts neither on time nor late."""
import json
from datetime import date, timedelta

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk.history import ReceivableHistory

from .risk_helpers import BIG, DEBTOR, big_late_claims, ev, lifecycle, tiny_claims_on_time

AS_OF = date(2026, 6, 30)


def score(tmp_path, events, as_of=AS_OF):
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=events).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(as_of), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result.stderr


def small_late_claims_beside_a_large_one_on_time():
    """Ten claims of 1,000 yuan paid 30 days late, and one of 50 million yuan held by one supplier and paid on
    time: 91% of the claims late, 4% of them weighed by the square root of their amounts (10 x 316 of
    10 x 316 + 70,711)."""
    events = lifecycle("L", date(2025, 12, 1), date(2026, 3, 1), face=BIG, holder="SHELL",
                       paid=date(2026, 3, 1))
    for k in range(10):
        confirmed = date(2026, 1, 1) + timedelta(days=10 * k)
        events += lifecycle(f"S{k}", confirmed, confirmed + timedelta(days=60),
                            paid=confirmed + timedelta(days=90))
    return events


def test_large_claims_paid_on_time_that_outweigh_small_late_ones_are_named_beside_the_grade(tmp_path):
    scored, said = score(tmp_path, small_late_claims_beside_a_large_one_on_time())
    assert (f"note: {DEBTOR} paid late, or has not yet paid, 91% of the claims that fell due but 4% of them "
            f"weighed by the square root of their amounts: grade {scored['grade']} weighs claims by the square "
            "root of their amount, so a few large claims paid on time outweigh many small ones paid late"
            ) in said.replace("\n", " ")
    assert "check who held the large ones" in said


def test_padding_with_tiny_claims_is_not_noted_as_the_grade_weighs_it_by_amount(tmp_path):
    """Since late_payment-v8 the 1-fen claims move the grade no more than their amount
    (test_risk_padding_with_small_claims): nothing is left for a note to say, and none says the grade counts
    claims. Both are scored as of one date, the last event of the four claims alone (a file is scored as of
    its last event at the latest, and the padding's last is weeks later)."""
    late_only, _ = score(tmp_path, big_late_claims(), as_of=date(2026, 5, 30))
    padded, said = score(tmp_path, big_late_claims() + tiny_claims_on_time(), as_of=date(2026, 5, 30))
    assert padded["as_of"] == late_only["as_of"] == "2026-05-30"
    assert padded["grade"] == late_only["grade"]
    assert "paid late, or has not yet paid" not in said and "counts claims" not in said


def test_a_quote_scored_from_a_history_whose_amounts_hide_late_claims_names_it_too(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=small_late_claims_beside_a_large_one_on_time())
                    .model_dump_json())
    result = CliRunner().invoke(finance, ["quote", "RCV-9", "--as", "bank", "--face", "1,000,000", "--due",
                                          "2026-09-01", "--on", str(AS_OF), "--history", str(path), "--debtor",
                                          DEBTOR, "--json"])
    assert result.exit_code == 0, result.output
    assert ("weighs claims by the square root of their amount, so a few large claims paid on time"
            in result.stderr.replace("\n", " "))


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


def test_a_claim_that_fell_due_under_a_freeze_is_named_as_counted_neither_way(tmp_path):
    freeze_note = "fell due under a freeze order and counts neither on time nor late"
    _, said = score(tmp_path, on_time_claims())
    assert freeze_note not in said
    # 2026-05-06: the last day it is on time, the first working day after Labour Day, its due date; a claim
    # registered on AS_OF has the file scored as of then, when the claim paid on 2026-05-06 has fallen due
    registered_later = [ev("N", "registered", AS_OF, date(2026, 9, 1))]
    for paid in (None, date(2026, 6, 10), date(2026, 5, 6)):
        scored, said = score(tmp_path, on_time_claims() + frozen_claim(paid) + registered_later)
        assert (f"note: 1 claim of {DEBTOR} (F) fell due under a freeze order and counts neither on time "
                f"nor late in grade {scored['grade']}: a frozen claim takes no payment until the regulator "
                "lifts every order on it") in said.replace("\n", " ")
    # as of that last day itself it has not fallen due yet, as an open claim due that day has not: the order may
    # still be lifted that day
    _, said = score(tmp_path, on_time_claims() + frozen_claim(date(2026, 5, 6)))
    assert "scored as of 2026-05-06" in said and freeze_note not in said
    # an order recorded after the due date finds the claim already late: it counts, with nothing to say
    late = [e if e.kind != "frozen" else ev("F", "frozen", date(2026, 5, 20), e.due_date)
            for e in frozen_claim(date(2026, 6, 10))]
    scored, said = score(tmp_path, on_time_claims() + late)
    assert freeze_note not in said and scored["features"]["settled_late_count"] == 1


def test_the_table_shows_the_late_share_the_model_weighs(tmp_path):
    """The table's late shares by amount are the ones the grade weighs, each claim by the square root of its
    face (since late_payment-v15): 4% late for the ten small claims beside the large one, where by face they
    would read 0% and hide what the grade counts."""
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=small_late_claims_beside_a_large_one_on_time())
                    .model_dump_json())
    table = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF)])
    assert table.exit_code == 0, table.output
    shown = dict(line.split(": ", 1) for line in table.stdout.splitlines() if ": " in line)
    assert shown["late_share_by_amount_90/180/365"] == "100%, 4%, 4%"   # only small claims fell due in 90 days
