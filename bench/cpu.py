"""CPU time of processes, read from the OS: /proc/<pid>/stat utime + stime, in clock ticks; the client's own
process from the kernel's count in nanoseconds (``time.process_time``).

The report divides each process's CPU seconds in the measured window by the
transactions committed in it. Processes are the client's own, and the ones the
network supervisor started (peers, orderers, chaincode servers), found through
``Network.status()``, which reads the supervisor's pid files.
"""
from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")


@dataclass(frozen=True)
class Watched:
    """A process the report accounts for: its name, kind (client, peer, orderer, chaincode) and pid; and, when
    known, its start time (``start_time``), so that another process given its pid once it ended is not read as it."""

    name: str
    kind: str
    pid: int
    started: int | None = field(default=None, compare=False)


def _stat_fields(pid: int, proc: Path) -> list[str] | None:
    """The fields of /proc/<pid>/stat from field 3 (state) on; None when the process is gone."""
    try:
        raw = (proc / str(pid) / "stat").read_bytes()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces, ")" or bytes that are no UTF-8 (a pid
    # reused by another program): split after the last ")"; the fields after it are ASCII.
    return raw[raw.rindex(b")") + 2:].decode("ascii").split()


def start_time(pid: int, proc: Path = Path("/proc")) -> int | None:
    """When the process started, in clock ticks after boot (stat field 22); None when it is gone."""
    fields = _stat_fields(pid, proc)
    return None if fields is None else int(fields[19])


def cpu_seconds(pid: int, proc: Path = PROC, started: int | None = None) -> float | None:
    """User + system CPU seconds the process has used so far; None when it is gone, or, given ``started``, when
    the process at ``pid`` started at another time: the one watched ended (a node killed and restarted runs under
    a new pid) and the kernel gave its pid to another process, whose CPU is not the node's.

    This process (the client) is read from the kernel's count in nanoseconds (``time.process_time``: every
    thread, the same user + system time), not from the stat line's clock ticks of 10 ms: read in ticks, a
    window's client CPU is off by up to a tick, 0.1 ms per transaction over the hundred commits of a 30 s
    sequential phase, several per cent of the figure, while the Node client's, compared with it, is read in
    microseconds (``process.cpuUsage``)."""
    fields = _stat_fields(pid, proc)
    if fields is None or (started is not None and int(fields[19]) != started):
        return None
    if pid == os.getpid() and proc == PROC:
        return time.process_time()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def snapshot(processes: Iterable[Watched]) -> dict[str, float | None]:
    """CPU seconds now, by process name."""
    return {p.name: cpu_seconds(p.pid, started=p.started) for p in processes}


def usage_between(before: Mapping[str, float | None], after: Mapping[str, float | None]) -> dict[str, float | None]:
    """CPU seconds each process used between two snapshots; None when it was not running at both
    (a process restarted in between runs under a new pid: its old one is gone, or another process's, which
    ``snapshot`` reads as gone)."""
    out: dict[str, float | None] = {}
    for name, start in before.items():
        end = after.get(name)
        out[name] = None if start is None or end is None or end < start else end - start
    return out


GONE_BEFORE_WATCHED = -1
"""The start time given a process that ended between its status row and the reading of its start time: no start
time after boot, so no process at its pid, a later one that the kernel gave it to included, is read as it."""


def network_processes(statuses: Iterable) -> list[Watched]:
    """The running peers, orderers and chaincode servers of ``Network.status()`` rows: those of the topology (a
    node left running outside it is not the network measured), each with its start time, read now. One that ended
    in between is still listed, its CPU not measured (``GONE_BEFORE_WATCHED``): without a start time, any process
    given its pid later would be read as it."""
    out = []
    for s in statuses:
        if s.pid is not None and s.in_topology:
            started = start_time(s.pid)
            out.append(Watched(s.name, s.kind, s.pid, GONE_BEFORE_WATCHED if started is None else started))
    return out
