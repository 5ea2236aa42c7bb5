"""One bank's quotes on one debtor take turns on a host: an exclusive lock from the exposure read to the offer.

A quote reads what the bank lends against the debtor and what its open offers
there would advance, prices an offer within what its limit leaves, and makes it.
Two quotes that both read before either offer is on the ledger each see the same
room, and between them offer it twice. Held from that read until the offer has
committed (or was not made), :func:`quote_lock` makes the second quote read
after the first offer is on the ledger, so it prices with what that offer left.

The lock is ``flock`` on one file per channel, bank and debtor: released when
its holder ends, however it ends (there is no stale lock to clear by hand), and
it excludes other processes and other threads alike, since each holder opens
the file itself. It orders the quotes that use one lock folder on one host; quotes on
other hosts are not ordered by it (docs/risk-and-pricing.md says what the limit
guarantees then). On a folder shared over NFS, whether flocks of two clients
exclude each other depends on the NFS setup.

A lock cannot outlive its process, but an offer can outlive its quote: a
transaction sent to the orderer may commit after its quote stopped waiting for
it (the commit status lost, Ctrl-C, kill -9). So the file also carries the
offers whose outcome is not known yet, one line each, ``pending <tx id>
<financing> <advance fen> <currency> <expires on>`` (:class:`PendingOffer`): a
quote notes its offer's transaction before the proposal is endorsed and forgets
it once it knows the outcome, and what it leaves is read by the next holder,
which asks for that outcome (:func:`ask_outcome`) before it reads the exposure.
The channel is in the file's path, so that a quote on another network never
reads these notes. A transaction's line is read once however often the file
repeats it, and a change never leaves a line twice in the file, even when its
writer is killed half-way (:meth:`QuoteTurn._write`). While held, the file's
first line is ``holder <who>``, so that a quote that waits can say for whom; a
free file holds only pending lines, or nothing.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from client.gateway import CommitStatusError, Status

# how often a wait with a time limit tries the lock again (flock itself has no time limit)
POLL_SECONDS = 0.05
# how long an ask for a commit status waits at least, and the pause after a peer that could not answer at once
ASK_AT_LEAST_SECONDS = 1.0
ASK_AGAIN_AFTER_SECONDS = 1.0
PRIVATE_MODE = 0o600   # a lock file's mode: its owner reads and writes it, no one else
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
# a digest's prefix: a plain name that starts so (in any case, for case-insensitive file systems) is digested too,
# or it could name the file another name's digest names
_DIGEST_PREFIX = "sha256-"
_UNNAMED = "a quote that has not said which"
_HOLDER, _PENDING = "holder", "pending"
_TRANSACTION_ID = re.compile(r"[0-9a-f]{64}")


class QuoteLockTimeout(TimeoutError):
    """Another quote held the lock for the whole wait allowed; ``holder`` is who it said it is."""

    def __init__(self, path: Path, holder: str, waited: float) -> None:
        super().__init__(f"{holder} still holds {path} after {waited:g} s")
        self.path, self.holder, self.waited = path, holder, waited


@dataclass(frozen=True)
class PendingOffer:
    """An offer transaction sent (or about to be), whose outcome its quote did not learn: it may still commit.

    ``advance`` (fen of ``currency``) is what it would lend if its holder accepted it, which the ledger counts
    against the bank until ``expires_on``; ``financing_id`` is the request it offers on."""

    transaction_id: str
    financing_id: str
    advance: int
    currency: str
    expires_on: date

    def line(self) -> str:
        return (f"{_PENDING} {self.transaction_id} {self.financing_id} {self.advance} {self.currency} "
                f"{self.expires_on.isoformat()}")

    @classmethod
    def parse(cls, line: str) -> PendingOffer | None:
        """The offer a ``pending`` line names; None for any other line."""
        words = line.split()
        if (len(words) != 6 or words[0] != _PENDING or not _TRANSACTION_ID.fullmatch(words[1])
                or not words[3].isascii() or not words[3].isdigit()):   # an advance is whole fen, never negative
            return None
        try:
            return cls(words[1], words[2], int(words[3]), words[4], date.fromisoformat(words[5]))
        except ValueError:
            return None


class QuoteTurn:
    """A held turn: the lock file's ``path`` and the offers noted in it whose outcome is not known (``pending``),
    those earlier holders left and this holder's own. Each change is written to the file at once, so that it
    outlives this process however it ends."""

    def __init__(self, fd: int, path: Path, holder: str, pending: list[PendingOffer]) -> None:
        self._fd: int | None = fd
        self.path, self._holder, self._pending = path, holder, pending

    @property
    def pending(self) -> tuple[PendingOffer, ...]:
        return tuple(self._pending)

    def note(self, offer: PendingOffer, *, replacing: str | None = None) -> None:
        """Note ``offer`` before its transaction is endorsed (in place of ``replacing``, the transaction id of an
        earlier attempt whose outcome is known): on disk before this returns."""
        self._pending = [p for p in self._pending if p.transaction_id not in (offer.transaction_id, replacing)]
        self._pending.append(offer)
        self._write(self._holder)
        os.fsync(self._fd)

    def forget(self, transaction_id: str) -> None:
        """The transaction's outcome is known (committed, invalid, never sent, or it can add nothing any more)."""
        kept = [p for p in self._pending if p.transaction_id != transaction_id]
        if len(kept) != len(self._pending):
            self._pending = kept
            self._write(self._holder)

    def _write(self, holder: str) -> None:
        """The file as this turn has it, in one write: where the new text is shorter than the old, the rest of the
        old is overwritten with empty lines before the file is cut to the new length, so that a process killed
        between the two leaves no old line behind (a line left twice would count its advance twice). The file
        cannot be replaced by a renamed copy instead: the lock is on this file, which waiting quotes hold open."""
        if self._fd is None:   # its descriptor is closed, and its number may be another file's by now
            raise RuntimeError(f"the turn on {self.path} is over: an offer is noted and made only within its turn")
        lines = ([f"{_HOLDER} {holder}"] if holder else []) + [p.line() for p in self._pending]
        data = "".join(f"{line}\n" for line in lines).encode("utf-8", "replace")
        old_size = os.fstat(self._fd).st_size
        os.pwrite(self._fd, data + b"\n" * max(old_size - len(data), 0), 0)
        os.ftruncate(self._fd, len(data))


def quote_lock_path(folder: Path, channel: str, bank: str, debtor: str) -> Path:
    """The lock file of ``bank``'s quotes on ``debtor`` on ``channel`` under ``folder``:
    ``<folder>/<channel>/<bank>/<debtor>.lock``."""
    return Path(folder) / _file_name(channel) / _file_name(bank) / f"{_file_name(debtor)}.lock"


def _file_name(text: str) -> str:
    """``text`` itself when it is a plain file name (an MSP ID, a credit code), else a digest of it: a name with a
    slash, a leading dot or any other character a file system could read otherwise keys the same lock every time.
    One name, one file: a digest starts with ``sha256-``, which no name kept as itself does."""
    if _PLAIN_NAME.fullmatch(text) and not text.lower().startswith(_DIGEST_PREFIX):
        return text
    return _DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@contextmanager
def quote_lock(folder: Path, channel: str, bank: str, debtor: str, *, timeout: float | None = None,
               waiting: Callable[[str], None] | None = None, holder: str = "") -> Iterator[QuoteTurn]:
    """Hold the lock of ``bank``'s quotes on ``debtor`` on ``channel`` for the block; yields the
    :class:`QuoteTurn`.

    While another quote holds it, ``waiting`` is told who that is (once, before the wait) and the wait lasts
    until it is free, or at most ``timeout`` seconds (0: not at all), after which :class:`QuoteLockTimeout` is
    raised and the block never runs. ``holder`` is who this quote is, for the next one that waits. The pending
    offers the turn still has when the block ends stay in the file for the next holder."""
    path = quote_lock_path(folder, channel, bank, debtor)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the file holds the pending offers' advances and private expiries: its owner's alone, as an earlier
    # version's file becomes once opened (only its owner could open it for writing, the lock's use, anyway)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) & ~PRIVATE_MODE:
            os.fchmod(fd, PRIVATE_MODE)
        if not _taken(fd):
            if waiting is not None and timeout != 0:
                waiting(_holder(fd))
            _wait(fd, path, timeout)
        turn = QuoteTurn(fd, path, " ".join((holder or _UNNAMED).split()), _pending_in(_text(fd)))
        turn._write(turn._holder)
        try:
            yield turn
        finally:
            turn._write("")
            turn._fd = None
    finally:
        os.close(fd)    # releases the flock


def ask_outcome(network: Any, transaction_id: str, *, within: float) -> Status | None:
    """The commit status of ``transaction_id`` (``network.new_commit(tx).status()``, valid or not), asked again
    while the peer cannot tell, for about ``within`` seconds (at least once); None if it still could not.

    A transaction in a block is answered at once; one the orderer has not put in a block yet is waited for;
    one it never took is never answered."""
    deadline = time.monotonic() + within
    while True:
        try:
            return network.new_commit(transaction_id).status(
                timeout=max(ASK_AT_LEAST_SECONDS, deadline - time.monotonic()))
        except CommitStatusError:
            if time.monotonic() + ASK_AGAIN_AFTER_SECONDS >= deadline:
                return None
            time.sleep(ASK_AGAIN_AFTER_SECONDS)


def _taken(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _wait(fd: int, path: Path, timeout: float | None) -> None:
    if timeout is None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        return
    deadline = time.monotonic() + timeout
    while not _taken(fd):
        left = deadline - time.monotonic()
        if left <= 0:
            raise QuoteLockTimeout(path, _holder(fd), timeout)
        time.sleep(min(POLL_SECONDS, left))


def _text(fd: int) -> str:
    return os.pread(fd, max(os.fstat(fd).st_size, 0), 0).decode("utf-8", "replace")


def _pending_in(text: str) -> list[PendingOffer]:
    """The pending offers ``text`` notes, each transaction once (the first line that names it), however often a
    hand edit repeats it: an offer counted twice would take its advance off the limit twice."""
    by_transaction: dict[str, PendingOffer] = {}
    for line in text.splitlines():
        if (p := PendingOffer.parse(line)) is not None:
            by_transaction.setdefault(p.transaction_id, p)
    return list(by_transaction.values())


def _holder(fd: int) -> str:
    for line in _text(fd).splitlines():
        kind, _, who = line.partition(" ")
        if kind == _HOLDER and who.strip():
            return who.strip()
    return _UNNAMED
