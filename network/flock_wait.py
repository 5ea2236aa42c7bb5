"""An exclusive flock taken with a time limit, which a blocking flock cannot be given, and who holds one when it
is not taken (/proc: its pid, its start, whether it is stopped)."""
from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Callable
from typing import NamedTuple


def _unsaid(line: str) -> None:
    """A wait said nowhere: a library caller hears of it by giving the lock its own say."""


# How a run waiting for a lock says what it waits for where its caller gives no say of its own: nowhere, but on
# stderr in the CLI, which wires it here (cli.main), as the package's other progress goes through a caller's say.
say_waits: Callable[[str], None] = _unsaid


def flock_within(descriptor: int, wait: float, poll: float,
                 held_for_good: Callable[[], bool] = lambda: False) -> bool:
    """Whether an exclusive flock on descriptor was taken within wait seconds, tried again every poll seconds.

    held_for_good is asked after each refused try: True gives up at once, for a holder known not to let go soon
    (waiting out the rest of the time would only delay the refusal)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if held_for_good() or time.monotonic() >= deadline:
                return False
        time.sleep(poll)


def process_stat(pid: int) -> tuple[str, int] | None:
    """The state letter and start (clock ticks since boot) of process pid, None where there is none (or no /proc)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            fields = stat_file.read().rsplit(b")", 1)[1].split()
        return fields[0].decode(), int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def flock_holders(fd: int) -> set[int] | None:
    """The pids holding a flock on fd's file or folder (/proc/locks), None where that cannot be read."""
    st = os.fstat(fd)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks") as locks:
            return {int(fields[4]) for fields in (line.split() for line in locks)
                    if len(fields) > 5 and fields[1] == "FLOCK" and fields[5] == inode and fields[4].isdigit()}
    except OSError:
        return None


def utc_stamp(moment: dt.datetime | None = None) -> str:
    """A moment (default: now) as lock records, lock messages and backup manifests write it: UTC to the second,
    2026-12-07T06:30:00Z."""
    return (moment or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class FlockHolder(NamedTuple):
    """The process holding a flock, as /proc says it: its pid, when it started (UTC), and whether it is stopped
    (Ctrl-Z, a debugger), when it lets go only once resumed or ended."""
    pid: int
    since: str
    stopped: bool

    def named(self) -> str:
        return f"pid {self.pid}, running since {self.since}"


def held_while_stopped(holder: str, pid: int, path: object) -> str:
    """What a lock's stopped holder (named holder, process pid) does to path: the words every lock's refusal uses."""
    return (f"{holder} holds {path} and is stopped (Ctrl-Z, a debugger): it lets go of it only once resumed "
            f"(`kill -CONT {pid}`) or ended")


def _boot_time() -> float | None:
    """When the machine booted (seconds since the epoch), the origin of a process's start in /proc."""
    try:
        with open("/proc/stat") as stat_file:
            return next(float(line.split()[1]) for line in stat_file if line.startswith("btime "))
    except (OSError, StopIteration, IndexError, ValueError):
        return None


def flock_holder(fd: int) -> FlockHolder | None:
    """The process holding the flock on fd's file or folder, for a lock whose holder writes no record of itself
    (a folder's): None where /proc cannot say (not Linux, or the holder ended meanwhile)."""
    pids = flock_holders(fd)
    if not pids:
        return None
    pid = min(pids)     # an exclusive flock has one holder: the set holds that one pid
    stat, booted = process_stat(pid), _boot_time()
    if stat is None or booted is None:
        return None
    started = dt.datetime.fromtimestamp(booted + stat[1] / os.sysconf("SC_CLK_TCK"), dt.timezone.utc)
    return FlockHolder(pid, utc_stamp(started), stat[0] in "Tt")
