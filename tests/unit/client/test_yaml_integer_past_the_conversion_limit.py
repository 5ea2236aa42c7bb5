"""A YAML integer written in hex or binary is read past Python's limit on the decimal digits it converts
(4300 by default), unlike one written in decimal: taken, any message naming it failed with a bare ValueError (a
holiday calendar's year key: a traceback). The reader refuses it at its line and column, as the decimal one."""

from __future__ import annotations

import pytest

from client.risk.working_days import CalendarFileError, read_calendar_file
from client.yaml_files import YamlProblem, load_yaml

HEX = "0x" + "f" * 5000          # 20,000 bits: over 6,000 decimal digits
BINARY = "0b" + "1" * 20_000


@pytest.mark.parametrize("written", [HEX, BINARY, "-" + HEX])
def test_an_integer_too_long_to_write_in_decimal_is_refused_at_its_place(written):
    with pytest.raises(YamlProblem) as refused:
        load_yaml(f"name: x\nchannel: {written}\n", "a topology")
    assert str(refused.value).startswith(f"cannot read the value {written[:20]}... ({len(written)} characters) at "
                                         "line 2, column 10 (Exceeds the limit (4300 digits) for integer string "
                                         "conversion)")


def test_a_holiday_calendar_keyed_by_one_is_refused_as_the_file_not_with_a_traceback(tmp_path):
    calendar = tmp_path / "holidays.yaml"
    calendar.write_text(f"? {HEX}\n: {{holidays: [[01-01, 01-01]], worked_weekend_days: []}}\n")
    with pytest.raises(CalendarFileError) as refused:
        read_calendar_file(calendar)
    assert f"{calendar}: cannot read the value 0xffff" in str(refused.value)
    assert "at line 1, column 3" in str(refused.value)


@pytest.mark.parametrize("written, value", [("0x" + "f" * 500, 16 ** 500 - 1), ("0b101", 5), ("-0x1F", -31)])
def test_a_long_integer_within_the_limit_is_read_as_ever(written, value):
    assert load_yaml(f"a: {written}\n", "a topology") == {"a": value}
