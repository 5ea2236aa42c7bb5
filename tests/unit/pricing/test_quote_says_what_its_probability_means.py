"""`recfin finance quote` says what the probability it priced on means, as `recfin risk score` does: a bare
probability_late of 0.2506 beside a grade could be read as the share of the debtor's claims paid late so far, or as
a chance of default, where it is the chance that a claim falling due in the next 90 days is paid late. A grade or a
probability given is no score the model made: nothing is said of it."""

from __future__ import annotations

import json

from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk

from .test_finance_ledger import CONFIG, SAMPLE_HISTORY

QUOTE = ["quote", "RCV-1", "--as", "bank", "--config", CONFIG, "--face", "100000", "--due", "2026-03-01", "--on",
         "2026-01-10"]
MEANING = ("the probability that a confirmed receivable of the debtor, open on 2025-12-30 and falling due in the 90 "
           "days after it, is not paid by its due date (or the next working day when that is a day off); grades: "
           "A below 3%, B below 7%, C below 15%, D below 30%, "
           "E from 30%")


def _rows(output: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in output.splitlines() if ": " in line)


def test_the_table_says_what_the_probability_means_as_risk_score_does():
    quoted = CliRunner().invoke(finance, [*QUOTE, "--history", SAMPLE_HISTORY, "--debtor", "SYN-DEBTOR-0007"])
    assert quoted.exit_code == 0, quoted.output
    scored = CliRunner().invoke(risk, ["score", "SYN-DEBTOR-0007", "--history", SAMPLE_HISTORY])
    assert _rows(quoted.stdout)["meaning"] == _rows(scored.stdout)["meaning"] == MEANING


def test_the_json_says_it_too():
    result = CliRunner().invoke(finance, [*QUOTE, "--history", SAMPLE_HISTORY, "--debtor", "SYN-DEBTOR-0007",
                                          "--json"])
    assert json.loads(result.stdout)["meaning"] == MEANING


def test_a_grade_or_probability_given_is_not_explained():
    for given in (["--grade", "B"], ["--probability", "0.05"]):
        shown = CliRunner().invoke(finance, [*QUOTE, *given])
        assert shown.exit_code == 0, shown.output
        assert "meaning" not in _rows(shown.stdout)
        assert json.loads(CliRunner().invoke(finance, [*QUOTE, *given, "--json"]).stdout)["meaning"] is None
