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

import functools
import importlib
import os
import select
import signal
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from gettext import ngettext
from typing import NamedTuple, NoReturn

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
    everything else is the stream's own.

    It forwards as ``cli.forwarding.Forwarding`` does, but is no subclass of it: this module imports no other of
    its package until a command's group loads, under the guard that makes a Ctrl-C there one line, not a
    traceback (:class:`_GroupsLoadedWhenUsed`), and this class is made and used before that."""

    def __init__(self, stream):
        self._stream = stream
        self.line_left_open = False

    def write(self, text):
        written = self._stream.write(text)
        if isinstance(text, str) and text:   # bytes (click's test of the stream's kind) are refused anyway
            self.line_left_open = not text.endswith("\n")
        return written

    def __getattr__(self, name):
        if name == "_stream":   # asked before it is set (copy and pickle make the object first): not forwarded
            raise AttributeError(name)
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


# Ctrl-C while click loads would print Python's traceback. The commands' own modules, which take seconds to load
# on a busy host, are imported only when one of their commands runs (_GroupsLoadedWhenUsed), under _Recfin's guard.
try:
    import click
except KeyboardInterrupt:
    _say_stopped()
    sys.exit(130)   # request_ids.EXIT_INTERRUPTED, whose module is not loaded yet


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
    from .request_ids import EXIT_INTERRUPTED   # here: a stop while a group loads may come before any module

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


class _Group(NamedTuple):
    """A top-level command: the module that defines it (relative to cli), its name there, and the first paragraph
    of its help, which `recfin --help` lists without importing the module."""
    module: str
    attribute: str
    summary: str


# In the order they were registered, which `recfin.commands` keeps. Each summary is its command's own, word for
# word (tests/unit/cli/test_groups_loaded_when_used.py holds them to it).
_GROUPS = {
    "network": _Group(".network_commands", "network",
                      "Run the Fabric network as native processes, or prepare it for docker compose."),
    "chaincode": _Group(".chaincode_commands", "chaincode",
                        "Deploy, restart and configure chaincode as a service; upgrade the ledger's records of "
                        "earlier versions."),
    "org": _Group(".org_commands", "org",
                  "Add and remove orgs on the running channel, issue and revoke their users; per-org bundles for "
                  "running an org on its own host."),
    "host": _Group(".host_commands", "host",
                   "On a company's own host: join the channel and approve the chaincode from its bundle."),
    "invoice": _Group(".invoice_commands", "invoice",
                      "Check e-invoices, match them to orders and receipts, read scans; attest and register on the "
                      "ledger."),
    "risk": _Group(".risk_commands", "risk",
                   "Score debtors by their probability of paying late; train and evaluate the model."),
    # defined with the receivable groups, its quote and compare added by the finance module, which imports both
    "finance": _Group(".finance_commands", "finance",
                      "Financing of a confirmed receivable (保理): request, offers (made, listed and withdrawn), "
                      "acceptance, disbursement, repayment, cancellation, recourse; a bank's priced quote and "
                      "every offer compared."),
    "party": _Group(".receivable_commands", "party",
                    "Enterprises on the ledger and the identities that act for them (org admins)."),
    "receivable": _Group(".receivable_commands", "receivable",
                         "Register, confirm, transfer, pay and look up receivables (应收账款)."),
    "discount": _Group(".receivable_commands", "discount",
                       "Dynamic discounting (动态折扣): the debtor offers early payment, the holder takes it."),
    "request": _Group(".receivable_commands", "request",
                      "Business request ids: whether a call sent with --request-id (or whose error line named its "
                      "id) committed."),
    "demo": _Group(".demo_commands", "demo",
                   "Tell one story across the four orgs with real transactions, printing each step's tx id."),
    "transaction": _Group(".transaction_commands", "transaction",
                          "Fabric transactions by their id: whether one committed, as your org's peer holds the "
                          "ledger."),
    "regulator": _Group(".regulator_commands", "regulator",
                        "The regulator (监管机构): freeze and unfreeze claims under an order, statistics, claims by "
                        "status."),
    "events": _Group(".event_commands", "events",
                     "Follow the receivables contract's events: one line per event, in ledger order."),
    "bench": _Group(".bench_commands", "bench",
                    "Load-test the receivables contract on the running network: counts by outcome, throughput, "
                    "latency p50/p95/p99 and CPU seconds per committed transaction of every process."),
    "hsm": _Group(".hsm_commands", "hsm",
                  "Keep users' signing keys in an HSM (PKCS#11): import, generate, link, check."),
}


class _GroupsLoadedWhenUsed(MutableMapping):
    """recfin's top-level commands by name (the group's ``commands``), each imported with its module the first
    time it is asked for: the modules, the network package, risk model and invoice readers under them, took a
    second and more to import, and every process imported all of them before running one command. Names are
    known without importing anything; a command added with ``add_command`` is kept as given."""

    def __init__(self, groups: dict[str, _Group]):
        self._groups = dict(groups)
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            group = self._groups[name]   # KeyError: no such command, as a dict says it
            command = getattr(importlib.import_module(group.module, __package__), group.attribute)
            _text_checked_first(command)
            _no_callbacks_while_completing(command)
            self._loaded[name] = command
        return self._loaded[name]

    def listed(self, name: str) -> click.Command:
        """The command to list under ``name`` in help or a completion: the command itself once loaded, else one
        standing in for it that carries its summary, so that listing imports nothing."""
        if name in self._loaded or name not in self._groups:
            return self[name]
        return click.Command(name, help=self._groups[name].summary)

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self._groups.pop(name, None)
        self._loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:   # Mapping's own would import the group to answer
        return name in self._groups or name in self._loaded

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys([*self._groups, *self._loaded]))

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._groups, *self._loaded]))


_LISTING = "recfin.listing"   # ctx.meta key: set while the top group lists its commands, rather than runs one


@contextmanager
def _listing(ctx: click.Context) -> Iterator[None]:
    ctx.meta[_LISTING] = True
    try:
        yield
    finally:
        del ctx.meta[_LISTING]


class ShownSuggestionsGroup(click.Group):
    """The top-level group: an unknown option's "Did you mean" names only options its command's --help shows. Click
    suggests from every option the command parses, so `--bogus` would offer the hidden old aliases `--org` and
    `--user` (:func:`cli.connection.who_acts_options`), options --help never tells of, in place of `--as`. Set on
    the top group because the error of any command below it passes through its invoke."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as error:
            if error.ctx is not None and error.possibilities:
                hidden = {name for param in error.ctx.command.params if getattr(param, "hidden", False)
                          for name in (*param.opts, *param.secondary_opts)}
                error.possibilities = [name for name in error.possibilities if name not in hidden]
            raise


def _word_named(word: str) -> str:
    """A word of the command line as a usage error names it: each character that does not print escaped
    (:func:`cli.output.escaped_unless_shown`), and past ``cli.output.TYPED_WHOLE_UP_TO`` characters cut short as
    recfin's own refusals cut a value (``client.shown.shown_value``): its start and end, quoted, and its length."""
    from client.shown import shown_value

    from .output import TYPED_WHOLE_UP_TO, escaped_unless_shown

    return escaped_unless_shown(word) if len(word) <= TYPED_WHOLE_UP_TO else shown_value(word)


@contextmanager
def _unknown_names_cut_short():
    """Click's "No such option '...'" and "No such command '...'" name the word as given (in repr's quotes, so
    escaped): a 10,000-character word made a 10,000-character error line. Past ``cli.output.TYPED_WHOLE_UP_TO``
    characters it is named cut short, as recfin's own refusals name a value (:func:`cli.output.quoted_cut_short`);
    click's wording and its "Did you mean" suggestions are kept."""
    try:
        yield
    except (click.NoSuchOption, click.NoSuchCommand) as error:
        name = error.option_name if isinstance(error, click.NoSuchOption) else error.command_name
        from .output import quoted_cut_short

        error.message = error.message.replace(repr(name), quoted_cut_short(name), 1)
        raise


class _Recfin(ShownSuggestionsGroup):
    """The top-level group, which runs every subcommand inside its own invoke: a stop anywhere in one reaches it.
    Its commands are imported only when one is run (:class:`_GroupsLoadedWhenUsed`); its help and the completion
    of a command's name list them by their summaries."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.commands = _GroupsLoadedWhenUsed(_GROUPS)

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
        with _stops_exit_130(), _closed_pipe_ends_quietly(), _unknown_names_cut_short():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx):
        with _stops_exit_130(ctx), _closed_pipe_ends_quietly(), _unknown_names_cut_short():
            return super().invoke(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if ctx.meta.get(_LISTING) and cmd_name in self.commands:
            return self.commands.listed(cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _listing(ctx):
            super().format_commands(ctx, formatter)

    def shell_complete(self, ctx: click.Context, incomplete: str):
        with _listing(ctx):
            return super().shell_complete(ctx, incomplete)


def _show_version(ctx: click.Context, _param, given: bool) -> None:
    """`--version`: the installed distribution's version, read only when asked for: read at import, it ran outside
    the guard around the commands' loading, where Ctrl-C printed Python's traceback, and cost every command its time."""
    if not given or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

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
    # a run waiting for a data folder's lock behind a running backup says so on stderr, its output left clean
    from network import flock_wait
    flock_wait.say_waits = lambda line: click.echo(line, err=True)
    # a variable exported under a misspelt name would change nothing, without a word: said before the command runs
    # (not while a shell completes a word, where nothing may be printed)
    if not click.get_current_context().resilient_parsing:
        from .environment import misspelt_variable_warnings

        for line in misspelt_variable_warnings(os.environ):
            click.echo(line, err=True)


def _text_checked_first(command: click.Command) -> None:
    """Have ``command`` and every command under it refuse a word of its line that is not UTF-8 text before it
    reads the line (:func:`cli.options.refuse_text_not_utf8`): one check for each group's whole tree, set as the
    group is loaded, where each command's callbacks would name it in words of their own, or send it to the
    ledger unchecked. Set on each command object, as click creates each one's context and parses its line
    itself. recfin's own options are flags, which the check leaves as given, so it is not set on recfin."""
    from .options import refuse_text_not_utf8   # loaded with any group: every group's module imports it

    parse_args = command.parse_args
    if getattr(parse_args, "text_checked", False):   # a command under two groups is checked once
        return

    def parse_args_text_checked(ctx: click.Context, args: list[str]) -> list[str]:
        refuse_text_not_utf8(command, ctx, args)
        # click names extra arguments as given: a line break in one started a second `Error:` line, an ESC drove the
        # terminal (its other refusals quote the word with repr, and recfin's own escape it), and a 10,000-character
        # one made an error line as long. So they are let through click's parse and refused here, in its words,
        # each named as _word_named names it.
        extra_refused, ctx.allow_extra_args = not ctx.allow_extra_args, True
        try:
            rest = parse_args(ctx, args)
        finally:
            ctx.allow_extra_args = not extra_refused
        if rest and extra_refused and not ctx.resilient_parsing:
            ctx.fail(ngettext("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})",
                              len(rest)).format(args=" ".join(_word_named(str(word)) for word in rest)))
        return rest

    parse_args_text_checked.text_checked = True
    command.parse_args = parse_args_text_checked
    for sub in getattr(command, "commands", {}).values():
        _text_checked_first(sub)


def _no_callbacks_while_completing(command: click.Command) -> None:
    """Have the callbacks of the options and arguments of ``command`` and every command under it pass the value on
    unchecked while a shell completes a word of the line (click's resilient parsing), as click's own --help does:
    they hold a value to the contract's, the SDK's or the network's rules, whose modules load pydantic, gRPC and
    cryptography, and `recfin receivable list <TAB>` loaded them to check values no one had typed yet (click drops
    what a callback refuses while completing anyway). Set as the group is loaded, with _text_checked_first."""
    for parameter in command.params:
        callback = parameter.callback
        if callback is None or getattr(callback, "left_out_while_completing", False):   # a command under two groups
            continue

        def called_unless_completing(ctx: click.Context, param: click.Parameter, value, callback=callback):
            return value if ctx.resilient_parsing else callback(ctx, param, value)

        # keeps the callback's name and qualified name, by which a test tells what an option holds its value to
        functools.update_wrapper(called_unless_completing, callback)
        called_unless_completing.left_out_while_completing = True
        parameter.callback = called_unless_completing
    for sub in getattr(command, "commands", {}).values():
        _no_callbacks_while_completing(sub)


if __name__ == "__main__":   # ``python -m cli.main``: run, rather than define the commands and exit 0 silently
    main(prog_name="recfin")
