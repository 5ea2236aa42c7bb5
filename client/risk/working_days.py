"""China's working days (工作日): the days a debtor's bank pays on, for when a payment is on time.

A debt due on a Saturday, a Sunday or a public holiday is paid on time on the next working day (顺延: the Civil
Code, article 203, makes the first day after the days off the last day of a period that ends on one): a debtor whose
claim falls due on a Saturday and pays it on Monday paid it on time. The risk features measure timeliness that way
(client.risk.features); the receivables contract does not (it counts interest to the due date as recorded, and
lets a holder mark a claim overdue the day after it, whatever day that is).

The days off are the weekends and the public holidays the State Council announces each year
(国务院办公厅关于部分节假日安排的通知), some of whose weekend days are working days in exchange (调休). The
announcement comes out late in the year before. A year the built-in table (``_HOLIDAYS``) does not hold can be
given without a code change, in a calendar file (:func:`read_calendar_file`) named by the environment variable
``RECFIN_HOLIDAY_CALENDAR`` (read at the first look-up) or handed to :func:`use_calendar_file`. A year neither
holds counts its weekends only, so a claim due on one of that year's holidays counts as due that day: the
features name such years (:func:`years_not_held`), and ``recfin risk score`` and ``finance quote`` say so.
"""

from __future__ import annotations

import os
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from ..user_files import blank_path, cannot_read, on_one_line
from ..yaml_files import read_yaml_mapping

# year -> (the public holidays as announced, (first, last) month-day spans: New Year, Spring Festival, Qingming,
# Labour Day, Dragon Boat, Mid-Autumn, National Day; the weekend days worked in exchange)
_HOLIDAYS: dict[int, tuple[tuple[tuple[str, str], ...], tuple[str, ...]]] = {
    2021: ((("01-01", "01-03"), ("02-11", "02-17"), ("04-03", "04-05"), ("05-01", "05-05"), ("06-12", "06-14"),
            ("09-19", "09-21"), ("10-01", "10-07")),
           ("02-07", "02-20", "04-25", "05-08", "09-18", "09-26", "10-09")),
    2022: ((("01-01", "01-03"), ("01-31", "02-06"), ("04-03", "04-05"), ("04-30", "05-04"), ("06-03", "06-05"),
            ("09-10", "09-12"), ("10-01", "10-07")),
           ("01-29", "01-30", "04-02", "04-24", "05-07", "10-08", "10-09")),
    2023: ((("01-01", "01-02"), ("01-21", "01-27"), ("04-05", "04-05"), ("04-29", "05-03"), ("06-22", "06-24"),
            ("09-29", "10-06")),   # Mid-Autumn and National Day together
           ("01-28", "01-29", "04-23", "05-06", "06-25", "10-07", "10-08")),
    2024: ((("01-01", "01-01"), ("02-10", "02-17"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-08", "06-10"),
            ("09-15", "09-17"), ("10-01", "10-07")),
           ("02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12")),
    2025: ((("01-01", "01-01"), ("01-28", "02-04"), ("04-04", "04-06"), ("05-01", "05-05"), ("05-31", "06-02"),
            ("10-01", "10-08")),   # Mid-Autumn and National Day together
           ("01-26", "02-08", "04-27", "09-28", "10-11")),
    2026: ((("01-01", "01-03"), ("02-15", "02-23"), ("04-04", "04-06"), ("05-01", "05-05"), ("06-19", "06-21"),
            ("09-25", "09-27"), ("10-01", "10-07")),
           ("01-04", "02-14", "02-28", "05-09", "09-20", "10-10")),
}
HOLIDAY_YEARS: tuple[int, ...] = tuple(sorted(_HOLIDAYS))   # the built-in table's years
# no run of days off is longer than the Spring Festival's nine: a bound on the search for the next working day
_LONGEST_BREAK = 14
# a calendar file's run of days off may be at most this long, or the search would not find the day after it
LONGEST_RUN_OFF = _LONGEST_BREAK - 1
CALENDAR_ENV = "RECFIN_HOLIDAY_CALENDAR"
_HOLIDAYS_KEY, _WORKED_KEY = "holidays", "worked_weekend_days"
_MONTH_DAY = re.compile(r"\d\d-\d\d")

_Year = tuple[frozenset[date], frozenset[date]]   # (the public holidays, the weekend days worked in exchange)
# the years a calendar file adds; None until the first look-up, which reads the file CALENDAR_ENV names
_added: dict[int, _Year] | None = None


class CalendarFileError(ValueError):
    """A calendar file that cannot be used: ``str()`` names the file, and the year and entry where one is wrong (or
    the variable, set to spaces alone, that was to name it)."""


def _days(first: date, last: date) -> frozenset[date]:
    return frozenset(first + timedelta(days=k) for k in range((last - first).days + 1))


def _built_in(year: int) -> _Year:
    spans, exchanged = _HOLIDAYS[year]
    holidays = frozenset().union(*(_days(date.fromisoformat(f"{year}-{first}"),
                                         date.fromisoformat(f"{year}-{last}")) for first, last in spans))
    return holidays, frozenset(date.fromisoformat(f"{year}-{d}") for d in exchanged)


def _added_years() -> dict[int, _Year]:
    """The years the calendar file in use adds, read from the file ``RECFIN_HOLIDAY_CALENDAR`` names the first
    time (none when it is unset or empty). Set to spaces alone it is refused (:class:`CalendarFileError`), as the
    CLI refuses it: taken as no file, a mistyped variable would leave the years it was to add counted with weekends
    alone, unsaid."""
    global _added
    if _added is None:
        named = os.environ.get(CALENDAR_ENV, "")
        if (blank := blank_path(named, "a file", CALENDAR_ENV)) is not None:
            raise CalendarFileError(blank)
        _added = read_calendar_file(Path(named), source=CALENDAR_ENV) if named else {}
    return _added


def _forget() -> None:
    next_working_day.cache_clear()
    _year.cache_clear()


def use_calendar_file(path: Path | None) -> None:
    """Count the days off of the years the calendar file at ``path`` adds to the built-in table (None: the
    built-in table alone, whatever ``RECFIN_HOLIDAY_CALENDAR`` names). A file that cannot be used raises
    :class:`CalendarFileError` and leaves the calendar as it was."""
    global _added
    added = {} if path is None else read_calendar_file(Path(path))
    _added = added
    _forget()


def use_calendar_from_environment() -> None:
    """Read the calendar file ``RECFIN_HOLIDAY_CALENDAR`` names again at the next look-up (as at start-up)."""
    global _added
    _added = None
    _forget()


def calendar_years() -> tuple[int, ...]:
    """The years whose public holidays the calendar holds: the built-in table's and a calendar file's."""
    return tuple(sorted(set(_HOLIDAYS) | set(_added_years())))


def years_not_held(days) -> list[int]:
    """The years of ``days``, and of the first working day after each, whose public holidays the calendar does not
    hold: for them it counts the weekends only as days off."""
    past_the_table = {d.year for day in days for d in (day, next_working_day(day))} - set(_HOLIDAYS)
    # the calendar file is read only for a year past the built-in table: training, whose dates lie in the table's
    # years, neither reads it nor depends on it
    return sorted(past_the_table - set(_added_years())) if past_the_table else []


@lru_cache(maxsize=None)
def _year(year: int) -> _Year:
    """(the public holidays, the weekend days worked in exchange) of ``year``; both empty for a year neither the
    table nor a calendar file holds."""
    if year in _HOLIDAYS:
        return _built_in(year)
    return _added_years().get(year, (frozenset(), frozenset()))


def is_working_day(day: date) -> bool:
    """``day`` is a working day in China: a weekday that is no public holiday, or a weekend day worked in
    exchange for one (调休). A year whose holidays the calendar does not hold counts its weekends only."""
    holidays, exchanged = _year(day.year)
    return day in exchanged or (day.weekday() < 5 and day not in holidays)


@lru_cache(maxsize=8192)   # asked for each claim's due date many times over as features are computed
def next_working_day(day: date) -> date:
    """``day`` when it is a working day, else the first working day after it: the last day a payment due on
    ``day`` is on time (顺延). The calendar's last day, which has none after it, is its own."""
    for _ in range(_LONGEST_BREAK):
        if is_working_day(day) or day == date.max:
            return day
        day += timedelta(days=1)
    raise AssertionError(f"no working day in the {_LONGEST_BREAK} days to {day}: the holiday table is wrong")


# ---------------------------------------------------------------- the calendar file

def read_calendar_file(path: Path, source: str | None = None) -> dict[int, _Year]:
    """The years a calendar file gives, each as (public holidays, weekend days worked in exchange).

    The file is YAML (or JSON, which YAML reads): per year, the public holidays as the State Council announced
    them, each a ``[first, last]`` span of month-days, and the weekend days worked in exchange (调休), as the
    built-in table holds them (here 2026's, as the table has them; a file gives a year the table lacks)::

        2026:
          holidays: [[01-01, 01-03], [02-15, 02-23], [04-04, 04-06], [05-01, 05-05], [06-19, 06-21],
                     [09-25, 09-27], [10-01, 10-07]]
          worked_weekend_days: [01-04, 02-14, 02-28, 05-09, 09-20, 10-10]

    Refused with :class:`CalendarFileError`, naming the file, the year and the entry: a file that cannot be read
    or holds no such mapping, a key that is no year or a year with other keys, a day that is not a month-day of
    the year, a span whose last day comes before its first, spans that overlap, a worked day that is no Saturday
    or Sunday or lies in a holiday, a year with no holiday, a year the built-in table holds with other days, and a
    run of days off longer than LONGEST_RUN_OFF (the search for the next working day would not reach its end).
    ``source`` names where the path came from (the environment variable), for the messages."""
    named = on_one_line(str(path))   # quoted with escapes where a line break or an edge space would hide it
    shown = f"{named} (named by {source})" if source else named

    def refuse(problem: str) -> CalendarFileError:
        return CalendarFileError(f"holiday calendar {shown}: {problem}")

    doc = read_yaml_mapping(path, "a holiday calendar", refuse, cannot_read=lambda exc: refuse(
        cannot_read(path, exc).problem), holds="a mapping of years",
        hint="give each year's holidays under the year (docs/risk-and-pricing.md, \"Working days\")")
    years: dict[int, _Year] = {}
    entries: dict[date, str] = {}   # each holiday of the file -> the entry that gives it, for the messages
    for key, entry in doc.items():
        year = _year_key(key, refuse)
        if year in years:
            raise refuse(f"the year {year} is given twice: keep one")
        years[year] = _calendar_year(year, entry, refuse, entries)
    _refuse_long_runs_off(years, entries, refuse)
    return years


def _year_key(key: object, refuse) -> int:
    text = str(key)
    if isinstance(key, bool) or not re.fullmatch(r"\d{4}", text) or not 1900 <= int(text) <= 2999:
        raise refuse(f"the key {text!r} is not a year from 1900 to 2999: give each year's holidays under the year "
                     "(2027:)")
    return int(text)


def _month_day(year: int, value: object, where: str, refuse) -> date:
    if not isinstance(value, str) or not _MONTH_DAY.fullmatch(value):
        raise refuse(f"{year}, {where}: {value!r} is not a month-day such as 02-06: write each day as MM-DD "
                     f"within {year}")
    try:
        return date.fromisoformat(f"{year}-{value}")
    except ValueError:
        raise refuse(f"{year}, {where}: {value} is no day of {year}") from None


def _as_written(value: object) -> str:
    """An entry as a calendar file writes it: [10-01, 10-07], 02-20."""
    if isinstance(value, list):
        return "[" + ", ".join(map(_as_written, value)) + "]"
    return value if isinstance(value, str) else repr(value)


def _calendar_year(year: int, entry: object, refuse, entries: dict[date, str]) -> _Year:
    """One year of a calendar file, checked as :func:`read_calendar_file` says; ``entries`` takes the entry that
    gives each of its holidays."""
    if not isinstance(entry, dict) or set(entry) != {_HOLIDAYS_KEY, _WORKED_KEY}:
        keys = sorted(map(str, entry)) if isinstance(entry, dict) else None
        raise refuse(f"{year}: give exactly {_HOLIDAYS_KEY} (the [first, last] spans) and {_WORKED_KEY} (a list, "
                     f"empty when none), not {keys if keys is not None else repr(entry)}")
    spans, worked = entry[_HOLIDAYS_KEY], entry[_WORKED_KEY]
    if not isinstance(spans, list) or not spans:
        raise refuse(f"{year}, {_HOLIDAYS_KEY}: {spans!r} is not a list of [first, last] spans: every year the "
                     "State Council announces has public holidays")
    if not isinstance(worked, list):
        raise refuse(f"{year}, {_WORKED_KEY}: {worked!r} is not a list of month-days (give [] for none)")
    holidays: dict[date, str] = {}
    for n, span in enumerate(spans, 1):
        where = f"holiday {n} {_as_written(span)}"
        if not isinstance(span, list) or len(span) != 2:
            raise refuse(f"{year}, {where}: give a holiday as [first, last], its first and last day off")
        first, last = (_month_day(year, value, where, refuse) for value in span)
        if last < first:
            raise refuse(f"{year}, {where}: its last day {last} comes before its first {first}: give [first, last]")
        for day in sorted(_days(first, last)):   # the first day that overlaps, named
            if day in holidays:
                raise refuse(f"{year}, {where}: {day} is in holiday {holidays[day]} too: spans may not overlap")
            holidays[day] = f"{n} {_as_written(span)}"
    exchanged: set[date] = set()
    for n, value in enumerate(worked, 1):
        where = f"worked weekend day {n} {_as_written(value)}"
        day = _month_day(year, value, where, refuse)
        if day.weekday() < 5:
            raise refuse(f"{year}, {where}: {day} is a {day.strftime('%A')}: a day worked in exchange for a holiday "
                         "is a Saturday or a Sunday (a weekday is worked anyway)")
        if day in holidays or day in exchanged:
            raise refuse(f"{year}, {where}: {day} is given "
                         f"{'as a holiday too' if day in holidays else 'twice'}: keep it in one place")
        exchanged.add(day)
    entries.update(holidays)
    found = (frozenset(holidays), frozenset(exchanged))
    if year in _HOLIDAYS and found != _built_in(year):
        raise refuse(f"{year}: the built-in table holds {year}'s holidays with other days "
                     f"({_differences(found, _built_in(year))}): leave {year} out of the file (the built-in days are "
                     "the State Council's), or correct it")
    return found


def _differences(given: _Year, built_in: _Year) -> str:
    parts = []
    for name, mine, theirs in (("holidays", given[0], built_in[0]), ("worked days", given[1], built_in[1])):
        extra, missing = sorted(mine - theirs), sorted(theirs - mine)
        if extra:
            parts.append(f"{name} not in it: {', '.join(map(str, extra[:3]))}{' ...' if len(extra) > 3 else ''}")
        if missing:
            parts.append(f"{name} left out: {', '.join(map(str, missing[:3]))}{' ...' if len(missing) > 3 else ''}")
    return "; ".join(parts)


def _refuse_long_runs_off(years: dict[int, _Year], entries: dict[date, str], refuse) -> None:
    """Refuse a file whose days off (its holidays, beside the weekends and the built-in years') make a run longer
    than LONGEST_RUN_OFF days, naming the year and the run."""
    def off(day: date) -> bool:
        holidays, exchanged = years.get(day.year) or (_built_in(day.year) if day.year in _HOLIDAYS else ((), ()))
        return day not in exchanged and (day.weekday() >= 5 or day in holidays)

    for year, (holidays, _) in sorted(years.items()):
        checked: set[date] = set()
        for day in sorted(holidays):
            if day in checked:
                continue
            start, end = day, day   # the run of days off the holiday lies in, the weekends beside it included
            while off(start - timedelta(days=1)) and (end - start).days < 366:
                start -= timedelta(days=1)
            while off(end + timedelta(days=1)) and (end - start).days < 366:
                end += timedelta(days=1)
            checked |= _days(start, end)
            if (end - start).days + 1 > LONGEST_RUN_OFF:
                raise refuse(f"{year}, holiday {entries[day]}: the days off from {start} to {end} run "
                             f"{(end - start).days + 1} days, "
                             f"longer than the {LONGEST_RUN_OFF} the search for the next working day takes: check "
                             "the spans and the worked weekend days")
