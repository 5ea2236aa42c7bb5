"""Option checks that commands of several groups share, so that one mistake is refused in one wording."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import click

CREDIT_CODE_EXAMPLE = "91310000MA1K000019"


def credit_code_option(left_out_means: str) -> Callable[[click.Context, click.Parameter, str | None], str | None]:
    """A click callback for an option taking a credit code (``--debtor``, ``--holder``...): an empty or blank
    value, as an unset shell variable gives, is a usage error before anything runs, since leaving the option out
    means something else (``left_out_means``: "to mean your own", "to skip the check")."""

    def refuse_empty(_ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise click.BadParameter(f"empty: give a unified social credit code (18 characters, e.g. "
                                     f"{CREDIT_CODE_EXAMPLE}), or leave {param.opts[0]} out {left_out_means}")
        return value

    return refuse_empty


class FiniteFloatRange(click.FloatRange):
    """A number of seconds or a rate: a float in the range, and finite. ``inf`` and ``nan`` parse as floats and
    ``nan`` escapes every comparison, but neither is a time a run can be scheduled for: refused as options, before
    anything is registered or prepared."""

    def convert(self, value: Any, param, ctx) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            unit = "operations per second" if getattr(param, "name", None) == "rate" else "seconds"
            self.fail(f"{value!r} is not a finite number: give a number of {unit}", param, ctx)
        return number or 0.0   # -0 as 0: no message should say "-0 s"


# A day: far longer than any node, server or channel takes, and short enough for every timer it is given to
# (subprocess.run, reading a tool's output, raises OverflowError past 2**31 milliseconds, about 24.8 days).
MAX_TIMEOUT_SECONDS = 86400


def timeout_option(help_text: str, default: float = 60.0) -> Callable:
    """``--timeout SECONDS``: how long a command waits for a node, a server or the channel. More than 0, finite and
    at most MAX_TIMEOUT_SECONDS: with nan or inf a deadline check (``clock() >= deadline``) never holds and a node
    that never gets healthy would be waited for forever; 0 or less would time out before the first look."""
    return click.option("--timeout", type=FiniteFloatRange(min=0, min_open=True, max=MAX_TIMEOUT_SECONDS),
                        metavar="SECONDS", default=default, show_default=True, help=help_text)
