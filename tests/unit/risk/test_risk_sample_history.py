"""The shipped sample history is what the simulator makes today, written by the command docs/risk-and-pricing.md
gives: it holds split claims and claims paid in instalments, which the late shares by amount measure, and it
scores. Drawn before the simulator split claims or took part payments, it held neither, so the sample the docs
and every --help example score exercised none of what the scorer weighs a split or a part payment by."""
import json
import shlex
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from cli.risk_commands import risk
from client.risk import DEFAULT_MODEL, LatePaymentModel, ReceivableHistory, score_debtor
from client.risk.model import VERSION
from client.risk.simulator import main as simulator_main

from ..cli_errors import invoke

ROOT = Path(__file__).parents[3]
SAMPLE = ROOT / "client" / "risk" / "samples" / "history.json"
DOCS = ROOT / "docs" / "risk-and-pricing.md"
DEBTOR = "SYN-DEBTOR-0007"
LAST_DAY = date(2025, 12, 30)


def documented_command() -> list[str]:
    """The arguments of the docs' `python -m client.risk.simulator` line that writes the sample."""
    lines = DOCS.read_text(encoding="utf-8").replace("\\\n", " ").splitlines()
    found = [line for line in lines if "python -m client.risk.simulator" in line]
    assert len(found) == 1, "docs/risk-and-pricing.md gives one command that writes the sample"
    words = shlex.split(found[0])
    return words[words.index("client.risk.simulator") + 1:]


@pytest.fixture(scope="module")
def sample() -> ReceivableHistory:
    return ReceivableHistory.model_validate_json(SAMPLE.read_text(encoding="utf-8"))


def test_the_documented_command_writes_the_shipped_sample(tmp_path):
    args = documented_command()
    assert args[args.index("--out") + 1] == "client/risk/samples/history.json"
    args[args.index("--out") + 1] = str(tmp_path / "history.json")
    simulator_main(args)
    assert (tmp_path / "history.json").read_text(encoding="utf-8") == SAMPLE.read_text(encoding="utf-8")


def test_the_sample_holds_a_split_family_and_a_claim_paid_in_part(sample):
    split = {e.receivable_id for e in sample.events if e.kind == "split"}
    parts = {e.receivable_id: e.parent_id for e in sample.events if e.parent_id is not None}
    assert split and split <= {*parts.values()}, "each split claim's parts are in the sample"
    payments = Counter(e.receivable_id for e in sample.events if e.kind == "paid")
    settled_on = {e.receivable_id: e.event_date for e in sample.events if e.kind == "settled"}
    paid_before_settling = {e.receivable_id for e in sample.events
                            if e.kind == "paid" and e.event_date < settled_on.get(e.receivable_id, date.max)}
    assert paid_before_settling, "a claim paid part of what it owed before its last payment"
    assert any(payments[rid] > 1 for rid in paid_before_settling), "a claim paid in instalments"
    assert sample.synthetic and sample.events[-1].event_date == LAST_DAY


def test_the_sample_scores_each_split_claim_once(sample):
    score = score_debtor(LatePaymentModel.load(DEFAULT_MODEL), sample, LAST_DAY)
    originals = {e.receivable_id for e in sample.events if e.kind == "confirmed" and e.parent_id is None}
    assert score.features.confirmed_count == len(originals)
    assert score.features.originals_not_in_history == []
    # a part of the split claim is still owed past the due date, weighed at what it owes, not the claim's face
    assert score.features.overdue_count == 1
    assert 0 < score.features.overdue_amount < max(e.face_amount for e in sample.events if e.kind == "split")


def test_the_docs_quote_the_samples_score(sample):
    score = score_debtor(LatePaymentModel.load(DEFAULT_MODEL), sample, LAST_DAY)
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    assert f"Scored as of its last day it grades {score.grade} ({score.probability_late}) with " \
           f"late_payment-{VERSION}" in docs


def test_risk_score_scores_the_sample():
    result = invoke(risk, "score", DEBTOR, "--history", str(SAMPLE), "--as-of", LAST_DAY.isoformat(), "--json")
    assert result.exit_code == 0, result.output
    scored = json.loads(result.stdout)
    assert scored["synthetic"] is True and scored["grade"] in "ABCDE"
    assert scored["features"]["overdue_count"] == 1
