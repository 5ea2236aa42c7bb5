"""`recfin finance quote` scores the debtor as `recfin risk score` does, and so takes the same `--holiday-calendar FILE`
(or the file RECFIN_HOLIDAY_CALENDAR names; the option wins): the years the file adds count with their holidays in
the score the quote is priced on. A file that cannot be used is a usage error (exit 2) naming it, and the variable
when the variable named it, in both commands alike; before, a quote took no such option, and a wrong file the
variable named ended it with exit 1. The year used is made up (2031), so no test reads as a State Council
announcement."""
import json

import pytest
from click.testing import CliRunner

from cli.finance_commands import finance
from cli.risk_commands import risk
from client.risk import ReceivableHistory
from client.risk import working_days
from client.risk.working_days import CALENDAR_ENV

from ..risk.risk_helpers import DEBTOR
from ..risk.test_risk_holiday_calendar_file import AS_OF, MADE_UP, history, written

NOT_HELD = "whose public holidays the working-day calendar does not hold"   # the note of a year no calendar holds
WRONG = "2031:\n  holidays: [[10-07, 10-01]]\n  worked_weekend_days: []\n"
WRONG_SAID = "2031, holiday 1 [10-07, 10-01]: its last day 2031-10-01 comes before its first 2031-10-07"


@pytest.fixture(autouse=True)
def calendar_as_at_start():
    """The calendar a command set from its option left as a start finds it, for the tests that follow."""
    yield
    working_days.use_calendar_from_environment()


@pytest.fixture
def history_file(tmp_path):
    path = tmp_path / "history.json"
    read = ReceivableHistory(debtor=DEBTOR, read_as_of=AS_OF, events=history().events)
    path.write_text(read.model_dump_json(), encoding="utf-8")
    return path


def started(command, args, env=None):
    """``command`` run as a process runs it: with the calendar it starts with, which reads the variable at its
    first look-up; the variable unset unless ``env`` sets it."""
    working_days.use_calendar_from_environment()
    return CliRunner().invoke(command, args, env={CALENDAR_ENV: None, **(env or {})})


def quote(history_file, *options, env=None):
    return started(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2031-06-30", "--on",
                             AS_OF.isoformat(), "--history", str(history_file), "--debtor", DEBTOR, "--json",
                             *options], env)


def score(history_file, *options, env=None):
    return started(risk, ["score", DEBTOR, "--history", str(history_file), "--json", *options], env)


def probability(result) -> str:
    assert result.exit_code == 0, result.output
    return str(json.loads(result.stdout)["probability_late"])


@pytest.mark.parametrize("given", ["option", "variable"])
def test_a_quote_counts_the_year_the_calendar_file_gives_as_risk_score_does(history_file, tmp_path, given):
    calendar = str(written(tmp_path, MADE_UP))
    options, env = (("--holiday-calendar", calendar), None) if given == "option" else ((), {CALENDAR_ENV: calendar})
    without = quote(history_file)
    assert without.exit_code == 0, without.output
    assert NOT_HELD in " ".join(without.stderr.split())   # 2031 counted with its weekends only: said
    quoted = quote(history_file, *options, env=env)
    assert quoted.exit_code == 0, quoted.output
    assert NOT_HELD not in " ".join(quoted.stderr.split())
    # priced on the score `risk score` gives with the same calendar, which the calendar changes
    assert probability(quoted) == probability(score(history_file, *options, env=env))
    assert probability(quoted) != probability(without)


def test_the_option_wins_over_the_variable(history_file, tmp_path):
    wrong, calendar = written(tmp_path, WRONG, "wrong.yaml"), written(tmp_path, MADE_UP)
    quoted = quote(history_file, "--holiday-calendar", str(calendar), env={CALENDAR_ENV: str(wrong)})
    assert quoted.exit_code == 0, quoted.output
    assert NOT_HELD not in " ".join(quoted.stderr.split())


@pytest.mark.parametrize("run", [quote, score], ids=["finance quote", "risk score"])
@pytest.mark.parametrize("given", ["option", "variable"])
def test_a_wrong_calendar_file_is_a_usage_error_naming_it(history_file, tmp_path, run, given):
    wrong = str(written(tmp_path, WRONG))
    options, env = (("--holiday-calendar", wrong), None) if given == "option" else ((), {CALENDAR_ENV: wrong})
    result = run(history_file, *options, env=env)
    assert result.exit_code == 2 and result.stdout == "", result.output
    said = " ".join(result.stderr.split())
    named = wrong if given == "option" else f"{wrong} (named by {CALENDAR_ENV})"
    assert f"Error: Invalid value for '--holiday-calendar': holiday calendar {named}: {WRONG_SAID}" in said


@pytest.mark.parametrize("risk_given", [("--grade", "B"), ("--probability", "0.1")])
def test_a_calendar_file_with_a_grade_given_is_refused_as_it_scores_nothing(tmp_path, risk_given):
    result = started(finance, ["quote", "RCV-1", "--as", "bank", "--face", "1,000,000", "--due", "2031-06-30",
                               "--on", AS_OF.isoformat(), *risk_given,
                               "--holiday-calendar", str(written(tmp_path, MADE_UP))])
    assert result.exit_code == 2 and result.stdout == "", result.output
    assert "with --grade or --probability nothing is scored: drop --holiday-calendar" in result.stderr
