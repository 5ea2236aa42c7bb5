"""Training leaves out a rising input that comes out negative, fitting it again at weight 0: late_payment-v15 and
v16 weighed the most days late 0 (their cards list `log_max_days_late` at +0.000). The table of `risk score` still
called max_days_late "the model's input", so a credit officer reading why a debtor is graded E took its most days
late for a reason the model had not weighed. The table says which the model weighs, from the artefact that
scored: one of weight 0 is said to be weighed 0, as docs/risk-and-pricing.md says."""
import json
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner

from cli.risk_commands import risk
from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory
from client.risk.model import VERSION

from .risk_helpers import DEBTOR, lifecycle, write_card

DOCS = Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md"
AS_OF = date(2026, 6, 30)


def history_file(tmp_path) -> Path:
    """A claim paid 30 days late and one paid on time."""
    due = date(2026, 3, 2)   # a working day: late from the day after it
    path = tmp_path / "history.json"
    path.write_text(ReceivableHistory(debtor=DEBTOR, events=[
        *lifecycle("A", date(2026, 1, 5), due, paid=due + timedelta(days=30)),
        *lifecycle("B", date(2026, 1, 6), due, paid=due)]).model_dump_json())
    return path


def table(tmp_path, *model: str) -> dict[str, str]:
    result = CliRunner().invoke(risk, ["score", DEBTOR, "--history", str(history_file(tmp_path)),
                                       "--as-of", str(AS_OF), *model])
    assert result.exit_code == 0, result.output
    return dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)


def artefact_weighing(tmp_path, weight: float) -> Path:
    """The shipped artefact with the most days late weighed ``weight``, and its card."""
    data = json.loads(DEFAULT_MODEL.read_text())
    data["coef"][data["features"].index("log_max_days_late")] = weight
    artefact = tmp_path / "models" / DEFAULT_MODEL.name
    artefact.parent.mkdir()
    artefact.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    write_card(artefact)
    return artefact


def test_a_model_that_weighs_it_0_says_so(tmp_path):
    """As v15 and v16 did, training leaving it out: the table says it is weighed 0, not that it is the input."""
    shown = table(tmp_path, "--model", str(artefact_weighing(tmp_path, 0.0)))
    assert shown["max_days_late"] == (f"30 (the most days a claim was paid late: an input late_payment-{VERSION} "
                                      "weighs 0, as training left it out)")
    assert shown["recent_days_late"].endswith(": the model's input)")


def test_a_model_that_weighs_it_says_it_is_its_input(tmp_path):
    """The same artefact with the most days late weighed: the table follows the model that scored."""
    shown = table(tmp_path, "--model", str(artefact_weighing(tmp_path, 0.25)))
    assert shown["max_days_late"] == "30 (the most days a claim was paid late: the model's input)"


def test_the_shipped_model_says_which_it_weighs(tmp_path):
    weights = dict(zip(*(lambda m: (m.features, m.coef))(LatePaymentModel.load())))
    said = "the model's input" if weights["log_max_days_late"] else f"an input late_payment-{VERSION} weighs 0"
    assert said in table(tmp_path)["max_days_late"]


def test_the_docs_say_the_table_names_an_input_weighed_0():
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert ("`max_days_late` as the model's input, or as one the model weighs 0 when training left it out (as "
            "late_payment-v15 and v16 did)") in docs
