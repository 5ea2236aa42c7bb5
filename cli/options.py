"""Option checks that commands of several groups share, so that one mistake is refused in one wording."""
from __future__ import annotations

from collections.abc import Callable

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
