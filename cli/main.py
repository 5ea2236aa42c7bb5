"""`recfin`: the top-level command group.

Ctrl-C ends a command with one line and exit status 130 (the shell's code for SIGINT, which ledger calls cut short
exit with too, naming their request): while the commands load, while one runs, and at a prompt. A command that
handles Ctrl-C itself (`events` and `network logs -f` stop following with exit 0) keeps its own way.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager

INTERRUPTED = "Error: interrupted"
PROMPT_UNANSWERED = "Error: aborted: the prompt got no answer (its input ended)"


def _say_stopped(line: str = INTERRUPTED) -> None:
    """The one line a stop prints, on a line of its own: a terminal shows the ^C where the cursor was."""
    sys.stderr.write(("\n" if sys.stderr.isatty() else "") + line + "\n")


# Loading the commands' modules takes seconds on a busy host, and Ctrl-C then would print Python's traceback.
try:
    from importlib.metadata import PackageNotFoundError, version

    import click

    from .request_ids import EXIT_INTERRUPTED
    from .bench_commands import bench
    from .chaincode_commands import chaincode
    from .connection import ShownSuggestionsGroup
    from .demo_commands import demo
    from .finance_commands import finance
    from .host_commands import host
    from .hsm_commands import hsm
    from .invoice_commands import invoice
    from .network_commands import network
    from .org_commands import org
    from .receivable_commands import discount, party, receivable, request
    from .regulator_commands import regulator
    from .risk_commands import risk
    from .event_commands import events
except KeyboardInterrupt:
    _say_stopped()
    sys.exit(130)   # request_ids.EXIT_INTERRUPTED, whose module may be the one the stop cut short


@contextmanager
def _stops_exit_130():
    """Ctrl-C (KeyboardInterrupt), or a prompt click aborted (on Ctrl-C or at the end of its input), ends the command
    with exit 130, where click would print "Aborted!" and exit 1."""
    try:
        yield
    except KeyboardInterrupt:
        _say_stopped()
        sys.exit(EXIT_INTERRUPTED)
    except click.Abort as aborted:   # click raises it from the KeyboardInterrupt or EOFError the prompt got
        _say_stopped(INTERRUPTED if isinstance(aborted.__context__, KeyboardInterrupt) else PROMPT_UNANSWERED)
        sys.exit(EXIT_INTERRUPTED)


class _Recfin(ShownSuggestionsGroup):
    """The top-level group, which runs every subcommand inside its own invoke: a stop anywhere in one reaches it."""

    def main(self, *args, **kwargs):
        with _stops_exit_130():   # before click's own handling begins (shell completion)
            return super().main(*args, **kwargs)

    def make_context(self, *args, **kwargs):
        with _stops_exit_130():   # recfin's own options, read before any subcommand's
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _stops_exit_130():
            return super().invoke(ctx)


def _version() -> str:
    try:
        return version("recfin")
    except PackageNotFoundError:
        return "unknown"


@click.group(cls=_Recfin, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), "--version", prog_name="recfin")
def main() -> None:
    """recfin: a receivables-financing network on Hyperledger Fabric.

    \b
    Example:
      recfin network up && recfin chaincode deploy
      recfin demo
      recfin receivable get R-0123456789abcdef --as regulator --json
    """
    # An argument that is not UTF-8 (a file name in another encoding) reaches Python as lone surrogates; printed
    # back, it gives the user's own bytes instead of failing, as Python itself prints under the C locale.
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="surrogateescape")


main.add_command(network)
main.add_command(chaincode)
main.add_command(org)
main.add_command(host)
main.add_command(invoice)
main.add_command(risk)
main.add_command(finance)
for group in (party, receivable, discount, request, demo):
    main.add_command(group)
main.add_command(regulator)
main.add_command(events)
main.add_command(bench)
main.add_command(hsm)

if __name__ == "__main__":   # ``python -m cli.main``: run, rather than define the commands and exit 0 silently
    main(prog_name="recfin")
