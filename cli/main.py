"""`recfin`: the top-level command group.

Ctrl-C ends a command with one line and exit status 130 (the shell's code for SIGINT, which ledger calls cut short
exit with too, naming their request): while the commands load, while one runs, and at a prompt. A command that
handles Ctrl-C itself (`events` and `network logs -f` stop following with exit 0) keeps its own way. A prompt whose
input ended (stdin not a terminal, or Ctrl-D) is no Ctrl-C: one line saying how to answer it, and exit 1, so that a
script tells it from a stop (`finance quote` exits 130 when its offer may still commit).

A reader that stops reading (`recfin ... --json | head -1`) ends the command quietly with exit 141, the
shell's code for a writer a closed pipe stopped (128 + SIGPIPE), as `cat` and `yes` end: no `Error: Broken
pipe` line (which would read as the command's own failure), no traceback, and not click's exit 1, which
several commands give a meaning of their own (a check failed, findings failed, a transaction committed
invalid) that a script under `set -o pipefail` would take the cut output for.
"""
from __future__ import annotations

import os
import select
import signal
import sys
from contextlib import contextmanager
from typing import NoReturn

INTERRUPTED = "Error: interrupted"
PROMPT_UNANSWERED = "Error: aborted: the prompt got no answer (its input ended): {way_out}"
EXIT_PROMPT_UNANSWERED = 1   # as any other error: nothing was done, and it is not a stop
EXIT_READER_GONE = 128 + signal.SIGPIPE   # 141, as a shell reports a writer that SIGPIPE ended
# How to answer the prompt of each top-level command that has one, without a terminal or beforehand
PROMPT_WAY_OUT = {
    "finance": "answer it in a terminal, or give --yes to make the offer (--json only quotes)",
    "discount": "answer it in a terminal, or give --yes to accept on the offer's terms as read when the "
                "acceptance is sent, or --as-read FILE to accept only on the terms `recfin discount get "
                "--json` printed",
    "hsm": "enter the PIN, or set the variable the prompt names to it",
}


def _say_stopped(line: str = INTERRUPTED) -> None:
    """The one line a stop prints, on a line of its own: a terminal shows the ^C where the cursor was, and a
    question left unanswered on stderr (a yes/no) ends without a newline, on a file or pipe too."""
    if sys.stderr is None:   # started with descriptor 2 closed (`2>&-`): there is nowhere to say it
        return
    left_open = sys.stderr.isatty() or getattr(sys.stderr, "line_left_open", False)
    sys.stderr.write(("\n" if left_open else "") + line + "\n")


class _LineEndTrackingStderr:
    """sys.stderr, telling whether the last text written to it left its line open (a prompt's question):
    everything else is the stream's own."""

    def __init__(self, stream):
        self._stream = stream
        self.line_left_open = False

    def write(self, text):
        written = self._stream.write(text)
        if isinstance(text, str) and text:   # bytes (click's test of the stream's kind) are refused anyway
            self.line_left_open = not text.endswith("\n")
        return written

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextmanager
def _stderr_line_end_tracked():
    """sys.stderr as a _LineEndTrackingStderr while a command runs, the stream it was put back after."""
    stream = sys.stderr
    # descriptor 2 closed (`2>&-`) leaves sys.stderr None, which the wrapper could not write to (every line for
    # stderr failed the command) and click's error report takes for stdout: what is said there goes nowhere
    nowhere = open(os.devnull, "w", encoding="utf-8") if stream is None else None
    sys.stderr = _LineEndTrackingStderr(stream if nowhere is None else nowhere)
    try:
        yield
    finally:
        sys.stderr = stream
        if nowhere is not None:
            nowhere.close()


# Loading the commands' modules takes seconds on a busy host, and Ctrl-C then would print Python's traceback.
try:
    from importlib.metadata import PackageNotFoundError, version

    import click

    from .request_ids import EXIT_INTERRUPTED
    from .options import refuse_text_not_utf8
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
    from .transaction_commands import transaction
    from .event_commands import events
except KeyboardInterrupt:
    _say_stopped()
    sys.exit(130)   # request_ids.EXIT_INTERRUPTED, whose module may be the one the stop cut short


@contextmanager
def _stops_exit_130(ctx: click.Context | None = None):
    """Ctrl-C (KeyboardInterrupt), or at a prompt, ends the command with exit 130, where click would print "Aborted!"
    and exit 1; a prompt whose input ended exits 1 with a line saying how to answer it (ctx: the top-level context
    running a command, which names it)."""
    try:
        yield
    except KeyboardInterrupt as stopped:
        _stop(stopped)
    except click.Abort as aborted:   # click raises it from the KeyboardInterrupt or EOFError the prompt got
        if isinstance(aborted.__context__, KeyboardInterrupt):
            _stop(aborted.__context__)   # SIGTERM at `discount accept`'s question is named as it is elsewhere
        command = ctx.invoked_subcommand if ctx is not None else None
        _say_stopped(PROMPT_UNANSWERED.format(way_out=PROMPT_WAY_OUT.get(command, "answer it in a terminal")))
        sys.exit(EXIT_PROMPT_UNANSWERED)


def _stop(stopped: KeyboardInterrupt) -> NoReturn:
    """End the command stopped by Ctrl-C, exit 130, or by request_ids.Terminated: SIGTERM or SIGHUP, which a
    command waiting on the ledger or at a question takes as a stop, ends with the shell's code for that signal
    (128 + its number) and names it."""
    signum = getattr(stopped, "signum", None)
    _say_stopped(f"Error: {stopped}" if signum else INTERRUPTED)
    sys.exit(getattr(stopped, "exit_code", EXIT_INTERRUPTED))


def _closed_pipes() -> list[int]:
    """The descriptors of stdout and stderr that are a pipe whose reader has closed it: polled, such a pipe
    reports an error (a terminal or a file never does; a stream with no file under it, a test runner's buffer,
    is not polled)."""
    closed = []
    for stream in (sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):
            continue
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        if any(events & select.POLLERR for _, events in poller.poll(0)):
            closed.append(fd)
    return closed


def _end_for_a_reader_gone(closed: list[int]) -> NoReturn:
    """End the command whose output's reader has gone, with EXIT_READER_GONE and nothing said: the closed
    descriptors are pointed at /dev/null first, so that what is still buffered for them is flushed there at
    exit instead of failing again (Python's own advice for a closed pipe)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for fd in closed:
        os.dup2(devnull, fd)
    os.close(devnull)
    raise click.exceptions.Exit(EXIT_READER_GONE)


@contextmanager
def _closed_pipe_ends_quietly():
    """A command's output cut off by its reader leaving is no failure of the command: the commands' error
    wrappers turn any OSError into one `Error:` line, and so printed `Error: Broken pipe` after output a
    script had read in part; and click ends a BrokenPipeError it gets with exit 1, a code several commands
    give a meaning. Either ends with EXIT_READER_GONE instead, quietly, when the pipe that broke is
    stdout's or stderr's: a peer's socket closed under a ledger call is still reported."""
    try:
        yield
    except BrokenPipeError:
        if not (closed := _closed_pipes()):
            raise
        _end_for_a_reader_gone(closed)
    except click.ClickException as error:
        cause = error.__context__
        while cause is not None and not isinstance(cause, BrokenPipeError):
            cause = cause.__context__
        if cause is not None and (closed := _closed_pipes()):
            _end_for_a_reader_gone(closed)
        raise


class _Recfin(ShownSuggestionsGroup):
    """The top-level group, which runs every subcommand inside its own invoke: a stop anywhere in one reaches it."""

    def main(self, *args, **kwargs):
        # before click's own handling begins (shell completion); the stop's line said while stderr is tracked
        with _stderr_line_end_tracked(), _stops_exit_130():
            try:
                # click writes a command's `Error:` line after the command has ended, outside invoke: to a
                # closed stderr it raised BrokenPipeError out of here, and Python ended the command with 1
                with _closed_pipe_ends_quietly():
                    return super().main(*args, **kwargs)
            except click.exceptions.Exit as ended:   # raised by _end_for_a_reader_gone, outside click's main
                sys.exit(ended.exit_code)

    def make_context(self, *args, **kwargs):
        # recfin's own options, read before any subcommand's: `recfin --help | head -0` ends as any command's
        # output cut off does, where click ends a broken pipe with exit 1
        with _stops_exit_130(), _closed_pipe_ends_quietly():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _stops_exit_130(ctx), _closed_pipe_ends_quietly():
            return super().invoke(ctx)


def _show_version(ctx: click.Context, _param, given: bool) -> None:
    """`--version`: the installed distribution's version, read only when asked for: read at import, it ran outside
    the guard around the commands' loading, where Ctrl-C printed Python's traceback, and cost every command its time."""
    if not given or ctx.resilient_parsing:
        return
    try:
        installed = version("recfin")
    except PackageNotFoundError:   # run from a source tree that was never installed
        installed = "unknown"
    click.echo(f"recfin, version {installed}")
    ctx.exit()


@click.group(cls=_Recfin, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
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
main.add_command(transaction)
main.add_command(regulator)
main.add_command(events)
main.add_command(bench)
main.add_command(hsm)


def _text_checked_first(command: click.Command) -> None:
    """Have ``command`` and every command under it refuse a word of its line that is not UTF-8 text before it
    reads the line (:func:`cli.options.refuse_text_not_utf8`): one check for the whole tree, where each
    command's callbacks would name it in words of their own, or send it to the ledger unchecked. Set on each
    command object, as click creates each one's context and parses its line itself."""
    parse_args = command.parse_args
    if getattr(parse_args, "text_checked", False):   # a command under two groups is checked once
        return

    def parse_args_text_checked(ctx: click.Context, args: list[str]) -> list[str]:
        refuse_text_not_utf8(command, ctx, args)
        return parse_args(ctx, args)

    parse_args_text_checked.text_checked = True
    command.parse_args = parse_args_text_checked
    for sub in getattr(command, "commands", {}).values():
        _text_checked_first(sub)


_text_checked_first(main)

if __name__ == "__main__":   # ``python -m cli.main``: run, rather than define the commands and exit 0 silently
    main(prog_name="recfin")
