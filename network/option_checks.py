"""Number option checks the CLI (cli.options) and network's own entry points (network.ccprobe) share, so that
a value one refuses the other refuses too, in the same wording."""
from __future__ import annotations

import math
from typing import Any

import click

from client.money import non_ascii_digit
from client.shown import shown_value

# A day: far longer than any node, server or channel takes, and short enough for every timer it is given to
# (subprocess.run, reading a tool's output, raises OverflowError past 2**31 milliseconds, about 24.8 days).
MAX_TIMEOUT_SECONDS = 86400


def ascii_digits_problem(text: str, what: str, example: str) -> str | None:
    """Why ``text`` cannot be ``what`` because of a digit other than ASCII 0-9 (which ``int``, ``float``,
    ``Decimal`` and ``strptime`` would read as one, with nothing to show how), or None. ``text`` is shown cut short
    where it is long: a pasted page of digits is no error line."""
    if (digit := non_ascii_digit(text)) is None:
        return None
    return (f"{shown_value(text)} has the digit {digit}, which is not ASCII: write {what} in the digits 0-9, "
            f"e.g. {example}")


class FiniteFloatRange(click.FloatRange):
    """A number of seconds or a rate: a float in the range, and finite, in ASCII digits. ``inf`` and ``nan`` parse
    as floats and ``nan`` escapes every comparison, but neither is a time a run can be scheduled for: refused as
    options, before anything is registered or prepared. ``float`` reads full-width ``６０`` as 60: refused too, as
    every number option refuses it."""

    def convert(self, value: Any, param, ctx) -> float:
        if isinstance(value, str) and (problem := ascii_digits_problem(value, "numbers", "60")) is not None:
            self.fail(problem, param, ctx)
        unit = "operations per second" if getattr(param, "name", None) == "rate" else "seconds"
        try:
            as_float = click.FLOAT.convert(value, param, ctx)
        except click.BadParameter:
            # click's "is not a valid float." says neither what a number looks like nor that "12,5" is read with
            # a point, not a comma, before its decimals
            self.fail(f"{shown_value(value)} is not a number: give a number of {unit} in digits, with a point "
                      f"before any decimals, e.g. 30 or 2.5", param, ctx)
        # finite first: against a range with a maximum, ``inf`` would read as merely out of range
        if not math.isfinite(as_float):
            self.fail(f"{shown_value(value)} is not a finite number: give a number of {unit}", param, ctx)
        try:
            number = super().convert(value, param, ctx)
        except click.BadParameter:
            # click names the float it made of the value ("0.0", "10000000000.0"): say the value as it was given
            self.fail(f"{value} is not in the range {self._describe_range()}.", param, ctx)
        return number or 0.0   # -0 as 0: no message should say "-0 s"
