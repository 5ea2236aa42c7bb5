"""Every debtor the shipped model was trained on had at least some claims fall due in the 365 days before its as-of date
(late_payment-v16: 10, v17: 4), as its card says: a debtor with fewer is scored from a record unlike any it was fitted
on. `risk score` said so only for a debtor with none, so one claim of 1 fen paid a day late graded a debtor D with
nothing to say the grade was an extrapolation. It says so now, on stderr, beside the table and --json alike."""
import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import DEFAULT_MODEL, ReceivableHistory
from client.risk.model import VERSION, card_path, fewest_fell_due_365

from .risk_helpers import DEBTOR, lifecycle

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md"
AS_OF = date(2026, 6, 30)


def claims(count: int, days_late: int = 0) -> list:
    """``count`` claims of 1,000 yuan, each due 20 days after the last, the first paid ``days_late`` late."""
    events = []
    for k in range(count):
        due = date(2026, 6, 1) - timedelta(days=20 * k)
        events += lifecycle(f"C{k}", due - timedelta(days=60), due,
                            paid=due + timedelta(days=days_late if k == 0 else 0))
    return events


def score(tmp_path, events, *options):
    path = tmp_path / "history.json"
    # read from the ledger as of that day, as `risk history` saves it: scored as of it
    path.write_text(ReceivableHistory(debtor=DEBTOR, read_as_of=AS_OF, events=events).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), *options])
    assert result.exit_code == 0, result.output
    return result


FEWEST = fewest_fell_due_365(card_path(DEFAULT_MODEL).read_text(encoding="utf-8"))


def test_the_shipped_card_gives_the_fewest():
    assert FEWEST is not None and FEWEST > 1   # so that one claim is fewer


def test_one_claim_fallen_due_is_said_to_be_fewer_than_any_debtor_trained_on(tmp_path):
    for options in ((), ("--json",)):
        result = score(tmp_path, claims(1, days_late=1), *options)
        grade = json.loads(score(tmp_path, claims(1, days_late=1), "--json").stdout)["grade"]
        assert (f"note: {DEBTOR} has 1 claim fallen due in the 365 days before {AS_OF}, and every debtor "
                f"late_payment-{VERSION} was trained on had at least {FEWEST}: grade {grade} is the model's "
                "extrapolation from a record that short, not a figure measured on such debtors") in result.stderr


def test_as_many_as_the_fewest_trained_on_gets_no_such_note(tmp_path):
    assert "was trained on had at least" not in score(tmp_path, claims(FEWEST)).stderr
    assert "was trained on had at least" in score(tmp_path, claims(FEWEST - 1)).stderr


def test_the_docs_say_it():
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert ("A debtor with some claims fallen due in those 365 days, but fewer than the card's fewest, gets the "
            "model's score too, and `risk score` says on stderr that it is that extrapolation") in docs
