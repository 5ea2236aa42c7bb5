"""The working-day calendar takes the years its built-in table lacks from a calendar file (RECFIN_HOLIDAY_CALENDAR,
`risk score --holiday-calendar`), refused whole when an entry is wrong; a claim due in a year neither holds is
counted with the weekends as the only days off there, and the score says so. The year used is made up (2031), so
no test reads as a State Council announcement."""
import json
import re
from datetime import date
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.risk_commands import load_model, risk
from client.risk import DEFAULT_MODEL, ReceivableHistory, debtor_features
from client.risk import working_days
from client.risk.working_days import (CALENDAR_ENV, HOLIDAY_YEARS, CalendarFileError, calendar_years, is_working_day,
                                      next_working_day, read_calendar_file, use_calendar_file)

from .risk_helpers import DEBTOR, lifecycle

# a made-up year: New Year's Day on Wednesday 1 January with the Thursday and Friday off, Saturday the 4th worked
MADE_UP = """\
2031:
  holidays: [[01-01, 01-03], [10-01, 10-07]]
  worked_weekend_days: [01-04]
"""
DUE = date(2031, 1, 2)   # a Thursday: a holiday in MADE_UP, a working day in a calendar that does not hold 2031
AS_OF = date(2031, 3, 31)


@pytest.fixture(autouse=True)
def calendar_as_at_start(monkeypatch):
    monkeypatch.delenv(CALENDAR_ENV, raising=False)
    working_days.use_calendar_from_environment()
    yield
    monkeypatch.delenv(CALENDAR_ENV, raising=False)
    working_days.use_calendar_from_environment()


def written(tmp_path, text, name="holidays.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def history():
    """A claim due on DUE, paid on Saturday 4 January: on time by MADE_UP (the first working day after the holiday,
    worked in exchange for it), 2 days late by a calendar that counts 2031's weekends only."""
    return ReceivableHistory(debtor=DEBTOR, events=lifecycle("R", date(2030, 11, 1), DUE, paid=date(2031, 1, 4)))


def test_a_year_the_file_gives_is_counted_with_its_holidays_and_worked_days(tmp_path):
    assert next_working_day(DUE) == DUE and 2031 not in calendar_years()
    use_calendar_file(written(tmp_path, MADE_UP))
    assert next_working_day(DUE) == date(2031, 1, 4) and is_working_day(date(2031, 1, 4))
    assert next_working_day(date(2031, 10, 1)) == date(2031, 10, 8)
    assert 2031 in calendar_years() and 2031 not in HOLIDAY_YEARS
    f = debtor_features(history(), AS_OF)
    assert (f.settled_on_time_count, f.settled_late_count, f.holiday_years_unknown) == (1, 0, [])


def test_a_year_no_calendar_holds_is_named_by_the_features():
    f = debtor_features(history(), AS_OF)
    assert (f.settled_late_count, f.max_days_late, f.holiday_years_unknown) == (1, 2, [2031])
    # a claim due after the date is not judged yet: its year does not matter
    assert debtor_features(history(), date(2030, 12, 31)).holiday_years_unknown == []
    # within the built-in years nothing is said
    built_in = lifecycle("R", date(2026, 1, 5), date(2026, 3, 7), paid=date(2026, 3, 9))
    assert debtor_features(ReceivableHistory(debtor=DEBTOR, events=built_in), AS_OF).holiday_years_unknown == []


def test_the_file_the_environment_names_is_read_at_the_first_look_up(tmp_path, monkeypatch):
    monkeypatch.setenv(CALENDAR_ENV, str(written(tmp_path, MADE_UP)))
    working_days.use_calendar_from_environment()
    assert next_working_day(DUE) == date(2031, 1, 4)


def test_features_within_the_built_in_years_never_read_the_calendar_file(tmp_path, monkeypatch):
    """Training's histories lie in the built-in years: there the file is not read, so a wrong one stops no training
    and a right one changes none."""
    wrong = written(tmp_path, "2031:\n  holidays: [[10-07, 10-01]]\n  worked_weekend_days: []\n")
    monkeypatch.setenv(CALENDAR_ENV, str(wrong))
    working_days.use_calendar_from_environment()
    built_in = lifecycle("R", date(2026, 1, 5), date(2026, 3, 7), paid=date(2026, 3, 9))   # due Saturday, paid Monday
    f = debtor_features(ReceivableHistory(debtor=DEBTOR, events=built_in), date(2026, 6, 30))
    assert (f.settled_on_time_count, f.holiday_years_unknown) == (1, [])
    with pytest.raises(CalendarFileError):   # a year past the table reads it, and is refused
        debtor_features(history(), AS_OF)


@pytest.mark.parametrize("text, said", [
    ("2031:\n  holidays: [[01-01, 01-03], [02-30, 03-02]]\n  worked_weekend_days: []\n",
     "2031, holiday 2 [02-30, 03-02]: 02-30 is no day of 2031"),
    ("2031:\n  holidays: [[1-1, 01-03]]\n  worked_weekend_days: []\n",
     "2031, holiday 1 [1-1, 01-03]: '1-1' is not a month-day such as 02-06"),
    ('{"2031": {"holidays": [["10-07", "10-01"]], "worked_weekend_days": []}}',
     "2031, holiday 1 [10-07, 10-01]: its last day 2031-10-01 comes before its first 2031-10-07"),
    ("2031:\n  holidays: [[10-01, 10-07], [10-05, 10-08]]\n  worked_weekend_days: []\n",
     "2031, holiday 2 [10-05, 10-08]: 2031-10-05 is in holiday 1 [10-01, 10-07] too"),
    ("2031:\n  holidays: [[01-01, 01-03]]\n  worked_weekend_days: [01-06]\n",
     "2031, worked weekend day 1 01-06: 2031-01-06 is a Monday"),
    ("2026:\n  holidays: [[01-01, 01-03]]\n  worked_weekend_days: [01-04]\n",
     "2026: the built-in table holds 2026's holidays with other days (holidays left out: 2026-02-15"),
    ("2031:\n  holidays: [[01-27, 02-07]]\n  worked_weekend_days: []\n",
     "2031, holiday 1 [01-27, 02-07]: the days off from 2031-01-25 to 2031-02-09 run 16 days, longer than the 13"),
    ("2031:\n  holidays: []\n  worked_weekend_days: []\n", "2031, holidays: [] is not a list of [first, last] spans"),
    ("2031:\n  holidays: [[01-01, 01-01]]\n", "2031: give exactly holidays"),
    ("31:\n  holidays: [[01-01, 01-01]]\n  worked_weekend_days: []\n", "the key '31' is not a year"),
])
def test_a_wrong_entry_is_refused_naming_the_file_the_year_and_the_entry(tmp_path, text, said):
    path = written(tmp_path, text)
    with pytest.raises(CalendarFileError) as refused:
        read_calendar_file(path)
    assert str(refused.value).startswith(f"holiday calendar {path}: ") and said in str(refused.value)


def test_a_refused_file_leaves_the_calendar_as_it_was(tmp_path):
    use_calendar_file(written(tmp_path, MADE_UP))
    with pytest.raises(CalendarFileError):
        use_calendar_file(written(tmp_path, "2031:\n  holidays: [[02-30, 03-01]]\n  worked_weekend_days: []\n",
                                  "bad.yaml"))
    assert next_working_day(DUE) == date(2031, 1, 4)


def test_the_docs_example_is_the_built_in_2026_and_is_taken(tmp_path):
    """A file may give a year the built-in table holds, with the same days: the docs' example of the format is
    2026 as the table holds it."""
    docs = (Path(__file__).resolve().parents[3] / "docs" / "risk-and-pricing.md").read_text(encoding="utf-8")
    example = re.search(r"\n    2026:\n(?:     .*\n)+", docs)
    assert example, "docs/risk-and-pricing.md no longer shows a calendar file"
    text = "\n".join(line[4:] for line in example.group(0).strip("\n").splitlines()) + "\n"
    assert read_calendar_file(written(tmp_path, text)) == {2026: working_days._year(2026)}


def score(args, env=None):
    return CliRunner().invoke(risk, ["score", DEBTOR, *args], env=env or {})


@pytest.fixture
def history_file(tmp_path):
    path = tmp_path / "history.json"
    path.write_text(history().model_dump_json(), encoding="utf-8")
    return path


def test_risk_score_says_which_year_it_holds_no_holidays_of_and_how_to_give_them(history_file):
    result = score(["--history", str(history_file), "--as-of", str(AS_OF), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["features"]["holiday_years_unknown"] == [2031]
    said = " ".join(result.stderr.split())
    assert (f"note: {DEBTOR} has claims that fell due in 2031, whose public holidays the working-day calendar does "
            f"not hold (it holds {HOLIDAY_YEARS[0]} to {HOLIDAY_YEARS[-1]})") in said
    assert f"calendar file named by {CALENDAR_ENV} or by the command's --holiday-calendar option" in said


def test_risk_score_counts_the_year_a_calendar_file_gives(history_file, tmp_path):
    calendar = written(tmp_path, MADE_UP)
    for args, env in (((), {CALENDAR_ENV: str(calendar)}), (("--holiday-calendar", str(calendar)), {})):
        result = score(["--history", str(history_file), "--as-of", str(AS_OF), "--json", *args], env)
        assert result.exit_code == 0, result.output
        features = json.loads(result.stdout)["features"]
        assert (features["holiday_years_unknown"], features["settled_late_count"]) == ([], 0)
        assert "whose public holidays" not in result.stderr


def test_risk_score_refuses_a_wrong_calendar_file_naming_it(history_file, tmp_path):
    calendar = written(tmp_path, "2031:\n  holidays: [[10-07, 10-01]]\n  worked_weekend_days: []\n")
    result = score(["--history", str(history_file), "--holiday-calendar", str(calendar)])
    assert result.exit_code == 2 and "Invalid value for '--holiday-calendar'" in result.stderr
    assert f"holiday calendar {calendar}: 2031, holiday 1 [10-07, 10-01]" in " ".join(result.stderr.split())


def test_a_wrong_file_the_environment_names_stops_a_score_in_one_line(tmp_path, monkeypatch):
    """Where no --holiday-calendar option read it first, as a caller loads its model, before it scores: one line,
    not a traceback midway."""
    calendar = written(tmp_path, "2031:\n  holidays: [[10-07, 10-01]]\n  worked_weekend_days: []\n")
    monkeypatch.setenv(CALENDAR_ENV, str(calendar))
    working_days.use_calendar_from_environment()
    with pytest.raises(click.ClickException) as refused:
        load_model(DEFAULT_MODEL, None)
    assert f"holiday calendar {calendar} (named by {CALENDAR_ENV}): 2031, holiday 1" in refused.value.message



def test_a_blank_variable_is_refused_by_the_sdk_as_the_cli_refuses_it(tmp_path, monkeypatch):
    # taken as no file, a mistyped variable left 2031's holidays counted as working days, and nobody was told
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(CALENDAR_ENV, "  ")
    working_days.use_calendar_from_environment()
    with pytest.raises(CalendarFileError) as refused:
        next_working_day(DUE)
    assert str(refused.value) == f"{CALENDAR_ENV}='  ' is blank: give the path of a file, or unset {CALENDAR_ENV}"
    with pytest.raises(CalendarFileError):   # not read once and forgotten: every look-up is told
        calendar_years()


def test_a_calendar_file_named_by_spaces_is_read_as_any_other(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written(tmp_path, MADE_UP, name="  ")
    monkeypatch.setenv(CALENDAR_ENV, "  ")
    working_days.use_calendar_from_environment()
    assert next_working_day(DUE) == date(2031, 1, 4)
