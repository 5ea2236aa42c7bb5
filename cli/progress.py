"""A line on stderr while a ledger call of a command waits for its answer.

A submit is endorsed by peers, handed to the orderer and waited for until it commits; an evaluation waits for a
peer's answer. On a loaded network that takes seconds, and with a peer slow or unreachable it takes as long as
the SDK's timeout of that kind of call (tens of seconds): a command that says nothing meanwhile looks hung. So
a call not answered after :data:`PROGRESS_DELAY_SECONDS` says what it waits for, and one answered sooner says
nothing at all.

The line goes to stderr: stdout carries the command's answer (its JSON with --json), which a script reads. On a
terminal the line is rewritten in place as the call moves on (endorsed, with the orderer, committing) and erased
once the call ends, so that what the command prints next starts on a clean line. Elsewhere (a file, a pipe, a
CI log), where a rewritten line would leave its control characters behind, each is a plain line of its own: one
when the delay passes, then one for each later step the call reaches, so that the log of a call that never
answered says where it waited. Nothing else of a call changes: its answer, its error, and a Ctrl-C (with the
transaction id and how far it got, which the command's "may have committed" line names) pass as they were.
"""
from __future__ import annotations

import copy
import functools
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from .forwarding import Forwarding
from .output import escaped_unless_shown

PROGRESS_DELAY_SECONDS = 1.0
"""How long a ledger call answers without a word: a call on a network that is up answers well within it."""

_ERASE_LINE = "\r\x1b[K"   # back to the start of the line, and clear it


class Wait:
    """One call's wait, as said on ``stream``: nothing until ``delay`` seconds have passed (a timer thread says
    it then), then what it waits for (:meth:`reached` moves that on) until :meth:`end`. The lock makes the end
    and the timer exclusive: a call that ends before the line is written never has it written."""

    def __init__(self, stream: TextIO, delay: float, waits_for: str) -> None:
        self._stream = stream
        self._in_place = _rewrites_lines(stream)
        self._waits_for = waits_for
        self._lock = threading.Lock()
        self._shown = False
        self._over = False
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True   # a command that ends never waits for the line of a call it no longer makes
        self._timer.start()

    def reached(self, waits_for: str) -> None:
        """The call has reached a step that waits for something else: said at once when the line is shown."""
        with self._lock:
            if waits_for == self._waits_for:
                return
            self._waits_for = waits_for
            if self._shown and not self._over:
                self._say()

    def end(self) -> None:
        """The call answered, failed or was stopped: no line from now on, and a line shown in place erased."""
        with self._lock:
            self._over = True
            self._timer.cancel()
            if self._shown and self._in_place:
                self._put(_ERASE_LINE)

    def _show(self) -> None:
        with self._lock:
            if self._over:
                return
            self._shown = True
            self._say()

    def _say(self) -> None:
        line = escaped_unless_shown(self._waits_for)
        self._put(f"{_ERASE_LINE}{_fitted(line, _columns(self._stream))}" if self._in_place else f"{line}\n")

    def _put(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):   # stderr closed or gone (a reader that left): progress is not worth a failure
            self._over = True


def _fitted(line: str, columns: int) -> str:
    """``line`` cut to fit one row of a terminal ``columns`` wide, its cut end marked: the erase clears only the row
    the cursor is on, so a line that wrapped (a transaction id is 64 characters) would leave its first rows behind
    at each rewrite and after the call. The cursor stays short of the last column, where some terminals wrap."""
    room = max(columns - 1, 4)
    return line if len(line) <= room else line[:room - 3] + "..."


def _columns(stream: TextIO) -> int:
    """How wide the terminal ``stream`` writes to is now (it may have been resized since the call began): that of
    its own file descriptor, else COLUMNS or 80 (shutil's fallback). A terminal not told its size (a new
    pseudo-terminal's, a container's) says it is 0 columns wide: that is no width either."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):   # no descriptor (a stand-in stream), or not a terminal's
        columns = 0
    return columns if columns > 0 else shutil.get_terminal_size().columns


def _rewrites_lines(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that takes the erase's control sequence: not one whose TERM says it is
    dumb (an editor's shell buffer, some CI consoles), which would show it as text."""
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):   # no isatty, or a closed stream: write plain lines
        return False


_current = threading.local()   # the Wait of the call this thread is in, which each step of it moves on


@contextmanager
def waiting(waits_for: str, *, delay: float | None = None, stream: TextIO | None = None) -> Iterator[None]:
    """A call's :class:`Wait` for as long as the block runs, saying ``waits_for`` until a step of the call says
    more (:func:`_reached`), on ``stream`` (the command's stderr) after ``delay`` seconds
    (:data:`PROGRESS_DELAY_SECONDS`). A call made inside another's (``submit_transaction`` calls ``submit``) is
    said as part of the outer one."""
    stream = sys.stderr if stream is None else stream
    if getattr(_current, "wait", None) is not None or stream is None:   # `2>&-`: nowhere to say it
        yield
        return
    wait = Wait(stream, PROGRESS_DELAY_SECONDS if delay is None else delay, waits_for)
    _current.wait = wait
    try:
        yield
    finally:
        _current.wait = None
        wait.end()


def _reached(waits_for: str) -> None:
    wait = getattr(_current, "wait", None)
    if wait is not None:
        wait.reached(waits_for)


def reporting_waits(contract: Any) -> Any:
    """A copy of the SDK's ``contract`` whose ``evaluate`` and ``submit`` say what they wait for when they have
    not answered within the delay (:func:`waiting`), and whose steps (the proposal the SDK builds for each
    attempt with the contract's ``new_proposal``, its endorsement, its hand-over to the orderer, its commit
    status) say which one the call waits for. A copy of the same class but for those methods: a command that
    copies the session's contract and watches its ``new_proposal`` (``cli.quote_turn``) still sees each
    proposal, and the calls still run on the contract it made. Anything else (an async contract, whose calls
    return before they are answered; a stand-in) is returned as it is."""
    from client.gateway import Contract

    if not isinstance(contract, Contract):
        return contract
    watched = copy.copy(contract)
    watched.__class__ = _reporting_class(type(contract))
    return watched


@functools.cache
def _reporting_class(contract_class: type) -> type:
    class ReportingWaits(contract_class):
        def evaluate(self, name, *args, **kwargs):
            with waiting(f"waiting for a peer to answer {name}..."):
                return super().evaluate(name, *args, **kwargs)

        def submit(self, name, *args, **kwargs):
            with waiting(f"waiting for the ledger to take {name}..."):
                return super().submit(name, *args, **kwargs)

        def new_proposal(self, name, *args, **kwargs):
            return _WatchedProposal(super().new_proposal(name, *args, **kwargs), name)

    ReportingWaits.__name__ = ReportingWaits.__qualname__ = f"ReportingWaits{contract_class.__name__}"
    return ReportingWaits


class StepOfTheSdk(Forwarding):
    """One step object of the SDK (a proposal, an endorsed transaction, a commit), ``_wrapped``, as it is: what a
    subclass does not define is the step's own. It copies and pickles as the step does."""


class _Watched(StepOfTheSdk):
    """One step object of the SDK as it is, but for the call that starts the next step, which says what the call
    now waits for."""

    def __init__(self, step: Any, name: str) -> None:
        self._wrapped, self._name = step, name


class _WatchedProposal(_Watched):
    def endorse(self, *args, **kwargs):
        _reached(f"waiting for the peers to endorse {self._name} (transaction {self._wrapped.transaction_id})...")
        return _WatchedTransaction(self._wrapped.endorse(*args, **kwargs), self._name)


class _WatchedTransaction(_Watched):
    def submit(self, *args, **kwargs):
        _reached(f"waiting for the orderer to take transaction {self._wrapped.transaction_id} ({self._name})...")
        return _WatchedCommit(self._wrapped.submit(*args, **kwargs), self._name)


class _WatchedCommit(_Watched):
    def status(self, *args, **kwargs):
        _reached(f"waiting for transaction {self._wrapped.transaction_id} ({self._name}) to commit...")
        return self._wrapped.status(*args, **kwargs)
