"""Concentration is the largest holder's share of what the debtor owes on open claims. A debtor whose claims are all
settled owes nothing open, so it has no concentration to show: the table of `risk score` showed 0.000, which an
officer reads as claims spread over many holders, for a debtor whose whole record may be one supplier's. It shows
"-" and says why; a debtor with open claims shows its share as before."""
from datetime import date, timedelta

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import ReceivableHistory

from .risk_helpers import DEBTOR, lifecycle

AS_OF = date(2026, 6, 30)


def score_table(tmp_path, events) -> dict[str, str]:
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=events).model_dump_json())
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(path), "--as-of", str(AS_OF)])
    assert result.exit_code == 0, result.output
    return dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)


def settled_by_one_holder(count: int = 3) -> list:
    events = []
    for k in range(count):
        confirmed = date(2026, 1, 5) + timedelta(days=20 * k)
        events += lifecycle(f"S{k}", confirmed, confirmed + timedelta(days=30), holder="ONLY-SUPPLIER",
                            paid=confirmed + timedelta(days=30))
    return events


def test_a_debtor_with_every_claim_settled_shows_no_concentration(tmp_path):
    shown = score_table(tmp_path, settled_by_one_holder())
    assert shown["concentration"] == "- (nothing open: the largest holder's share of the open amount)"


def test_a_debtor_with_open_claims_of_one_holder_shows_all_of_it_with_that_holder(tmp_path):
    still_open = lifecycle("O1", date(2026, 6, 1), date(2026, 9, 1), holder="ONLY-SUPPLIER")
    shown = score_table(tmp_path, settled_by_one_holder() + still_open)
    assert shown["concentration"] == "1.000"
