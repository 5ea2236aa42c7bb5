"""A history read that holds parts of a split claim but not the claim itself (registered before the history read
begins, or not readable by the reader): the parts are scored once, as the claim they came from, not as claims of
their own confirmed on the day of the split, and the score names that claim."""
import json
from datetime import date

from cli.risk_commands import risk
from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, debtor_features, score_debtor
from client.risk.history import events_from_payment_record

from ..cli_errors import invoke
from .risk_helpers import DEBTOR

ROOT_CONFIRMED = date(2025, 1, 10)   # more than a year before the score
SPLIT_ON = date(2026, 5, 1)          # within the last 90 days
DUE = date(2026, 9, 30)
SCORED_ON = date(2026, 6, 30)


def record(receivable_id, face, *, registered_on, parent_id=None, holder="S1", **dates):
    """A GetDebtorPaymentRecord entry confirmed on ROOT_CONFIRMED: a part keeps its original's date."""
    return dict(receivable_id=receivable_id, holder=holder, face_amount=face, due_date=DUE,
                registered_on=registered_on, confirmed_on=ROOT_CONFIRMED, parent_id=parent_id, **dates)


ROOT = record("R", 1_000_000, registered_on=ROOT_CONFIRMED, split_on=SPLIT_ON)
PARTS = [record("R.1", 300_000, registered_on=SPLIT_ON, parent_id="R", holder="S2"),
         record("R.2", 700_000, registered_on=SPLIT_ON, parent_id="R")]
# a registration the debtor rejected last month: the 90-day rejection rate weighs it against its recent confirmations
REJECTED = dict(receivable_id="X", holder="S3", face_amount=50_000, due_date=DUE, registered_on=date(2026, 6, 1),
                rejected_on=date(2026, 6, 2))


def history(*records):
    return ReceivableHistory(debtor=DEBTOR, events=[e for r in records for e in events_from_payment_record(DEBTOR, r)])


def test_parts_of_a_claim_confirmed_before_the_history_are_not_a_recent_confirmation():
    """R, confirmed 18 months ago, split last month: read without R, the parts' confirmation is dated the day they
    came to be. Counted as of that day, R would be a claim confirmed in the last 90 days, which makes a debtor look
    busier and its rejections rarer than they are. Every feature but the name of R is as with R read too."""
    whole = debtor_features(history(ROOT, *PARTS, REJECTED), SCORED_ON)
    parts_only = debtor_features(history(*PARTS, REJECTED), SCORED_ON)
    assert (whole.confirmed_count_365, whole.confirmed_count_90) == (0, 0)
    assert (parts_only.confirmed_count, parts_only.confirmed_amount) == (1, 1_000_000)   # one claim, not two
    assert (parts_only.confirmed_count_365, parts_only.confirmed_count_90) == (0, 0)
    assert parts_only.model_inputs() == whole.model_inputs()
    assert parts_only.model_dump(exclude={"originals_not_in_history"}) == \
        whole.model_dump(exclude={"originals_not_in_history"})
    assert (parts_only.originals_not_in_history, whole.originals_not_in_history) == (["R"], [])


def test_the_score_names_the_claim_it_holds_only_parts_of_and_scores_as_with_it():
    model = LatePaymentModel.load(DEFAULT_MODEL)
    whole = score_debtor(model, history(ROOT, *PARTS, REJECTED), SCORED_ON)
    parts_only = score_debtor(model, history(*PARTS, REJECTED), SCORED_ON)
    assert parts_only.probability_late == whole.probability_late and parts_only.grade == whole.grade
    assert parts_only.features.originals_not_in_history == ["R"]


def test_risk_score_says_which_claims_it_holds_only_parts_of(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(history(*PARTS).model_dump_json())
    r = invoke(risk, "score", DEBTOR, "--history", path, "--as-of", SCORED_ON.isoformat(), "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["features"]["originals_not_in_history"] == ["R"]
    assert (f"note: the history of {DEBTOR} holds only parts of 1 confirmed claim (R), not the original "
            "registration") in r.stderr
    whole = tmp_path / "whole.json"
    whole.write_text(history(ROOT, *PARTS).model_dump_json())
    r = invoke(risk, "score", DEBTOR, "--history", whole, "--as-of", SCORED_ON.isoformat(), "--json")
    assert r.exit_code == 0 and "only parts of" not in r.stderr


def test_finance_quote_says_which_claims_the_score_it_priced_on_holds_only_parts_of(tmp_path):
    """The quote prices on the same score as `risk score`, and says what that score cannot tell alike."""
    from cli.finance_commands import finance

    path = tmp_path / "history.json"
    path.write_text(history(*PARTS).model_dump_json())
    r = invoke(finance, "quote", "RCV-1", "--as", "bank", "--face", "100,000", "--due", "2026-09-30", "--on",
               SCORED_ON.isoformat(), "--history", path, "--debtor", DEBTOR, "--json")
    assert r.exit_code == 0, r.output
    assert r.stderr.count(f"note: the history of {DEBTOR} holds only parts of 1 confirmed claim (R), not the "
                          "original registration") == 1
