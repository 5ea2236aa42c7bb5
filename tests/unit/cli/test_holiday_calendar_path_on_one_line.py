"""A line break in the path given to --holiday-calendar leaves the error on one line: the calendar's refusal was
passed on as it was said, and split the error into two lines, the second reading as output of its own."""
from __future__ import annotations

from cli.main import main
from tests.unit.cli.test_error_lines_escape_controls import error_line


def test_a_line_break_in_the_holiday_calendar_path_leaves_one_error_line(runner):
    result = runner.invoke(main, ["risk", "score", "91310000MA1K000019", "--holiday-calendar", "holidays\n2027.yaml"],
                           color=True)
    assert result.exit_code == 2, result.output
    line = error_line(result)
    assert "--holiday-calendar" in line and "2027.yaml" in line, line


def test_the_holiday_calendar_path_is_named_as_given_with_its_line_break_escaped(runner):
    # joined into one line, "holidays\n2027.yaml" read as "holidays; 2027.yaml", a path of another name
    result = runner.invoke(main, ["risk", "score", "91310000MA1K000019", "--holiday-calendar", "holidays\n2027.yaml"])
    assert result.exit_code == 2, result.output
    assert "holiday calendar 'holidays\\n2027.yaml': cannot read file" in error_line(result)


def test_a_holiday_calendar_path_beginning_with_a_space_is_named_quoted(runner):
    result = runner.invoke(main, ["risk", "score", "91310000MA1K000019", "--holiday-calendar", " 2027.yaml"])
    assert result.exit_code == 2, result.output
    assert "holiday calendar ' 2027.yaml': cannot read file" in error_line(result)
