"""The options the benchmark's own commands (``python -m bench.<name>``) share, so that each takes a count of
transactions, a profile and JSON output alike, with the same bounds and wording."""
from __future__ import annotations

from collections.abc import Callable

import click

from cli.options import WholeNumberRange

JSON_HELP = "Print the report as JSON (progress goes to stderr)."
# a benchmark's command (click.command(name, context_settings=HELP_OPTIONS)) answers -h as well as --help
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
MAX_COUNT = 1_000_000
"""The most transactions (or signatures) a count option takes: their arguments are built before the first is
sent, so a count far past it (1e23 was taken) filled memory before anything was measured; a million is minutes to
hours of CPU at the figures these commands measure."""


def measured_counts(iterations: int, iterations_help: str, warmup: int, warmup_help: str, *,
                    least_warmup: int = 0) -> Callable:
    """--iterations (the measured count, at least 1) and then --warmup (unmeasured first, at least
    ``least_warmup``), each at most MAX_COUNT and showing its default."""
    def decorate(command: Callable) -> Callable:
        command = click.option("--warmup", type=WholeNumberRange(min=least_warmup, max=MAX_COUNT), default=warmup,
                               show_default=True, help=warmup_help)(command)
        return click.option("--iterations", type=WholeNumberRange(min=1, max=MAX_COUNT), default=iterations,
                            show_default=True, help=iterations_help)(command)
    return decorate


def profile_option(help_text: str) -> Callable:
    """--profile N: 0 (the default) for no profiled pass."""
    return click.option("--profile", type=click.IntRange(min=0), default=0, metavar="N", help=help_text)


def json_option(help_text: str = JSON_HELP) -> Callable:
    """--json, passed to the command as ``as_json``."""
    return click.option("--json", "as_json", is_flag=True, help=help_text)
