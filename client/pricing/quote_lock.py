"""One bank's quotes on one debtor take turns on a host: an exclusive lock from the exposure read to the offer.

A quote reads what the bank lends against the debtor and what its open offers
there would advance, prices an offer within what its limit leaves, and makes it.
Two quotes that both read before either offer is on the ledger each see the same
room, and between them offer it twice. Held from that read until the offer has
committed (or was not made), :func:`quote_lock` makes the second quote read
after the first offer is on the ledger, so it prices with what that offer left.

The lock is ``flock`` on one file per bank and debtor: released when its holder
ends, however it ends (there is no stale lock to clear by hand), and it excludes
other processes and other threads alike, since each holder opens the file
itself. It orders the quotes that use one lock folder on one host; quotes on
other hosts are not ordered by it (docs/risk-and-pricing.md says what the limit
guarantees then). On a folder shared over NFS, whether flocks of two clients
exclude each other depends on the NFS setup. The file is empty while free; its
holder writes who it is into it, so that a quote that waits can say for whom.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

# how often a wait with a time limit tries the lock again (flock itself has no time limit)
POLL_SECONDS = 0.05
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_UNNAMED = "a quote that has not said which"


class QuoteLockTimeout(TimeoutError):
    """Another quote held the lock for the whole wait allowed; ``holder`` is who it said it is."""

    def __init__(self, path: Path, holder: str, waited: float) -> None:
        super().__init__(f"{holder} still holds {path} after {waited:g} s")
        self.path, self.holder, self.waited = path, holder, waited


def quote_lock_path(folder: Path, bank: str, debtor: str) -> Path:
    """The lock file of ``bank``'s quotes on ``debtor`` under ``folder``: ``<folder>/<bank>/<debtor>.lock``."""
    return Path(folder) / _file_name(bank) / f"{_file_name(debtor)}.lock"


def _file_name(text: str) -> str:
    """``text`` itself when it is a plain file name (an MSP ID, a credit code), else a digest of it: a name with a
    slash, a leading dot or any other character a file system could read otherwise keys the same lock every time."""
    if _PLAIN_NAME.fullmatch(text):
        return text
    return "sha256-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@contextmanager
def quote_lock(folder: Path, bank: str, debtor: str, *, timeout: float | None = None,
               waiting: Callable[[str], None] | None = None, holder: str = "") -> Iterator[Path]:
    """Hold the lock of ``bank``'s quotes on ``debtor`` for the block; yields the lock file's path.

    While another quote holds it, ``waiting`` is told who that is (once, before the wait) and the wait lasts
    until it is free, or at most ``timeout`` seconds (0: not at all), after which :class:`QuoteLockTimeout` is
    raised and the block never runs. ``holder`` is who this quote is, for the next one that waits."""
    path = quote_lock_path(folder, bank, debtor)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not _taken(fd):
            if waiting is not None and timeout != 0:
                waiting(_holder(fd))
            _wait(fd, path, timeout)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (holder or _UNNAMED).encode("utf-8", "replace"), 0)
        try:
            yield path
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)    # releases the flock


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


def _holder(fd: int) -> str:
    return os.pread(fd, 300, 0).decode("utf-8", "replace").strip() or _UNNAMED
