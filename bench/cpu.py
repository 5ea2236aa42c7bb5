"""CPU time of processes, read from the OS: /proc/<pid>/stat utime + stime, in clock ticks.

The report divides each process's CPU seconds in the measured window by the
transactions committed in it. Processes are the client's own, and the ones the
network supervisor started (peers, orderers, chaincode servers), found through
``Network.status()``, which reads the supervisor's pid files.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Watched:
    """A process the report accounts for: its name, kind (client, peer, orderer, chaincode) and pid."""

    name: str
    kind: str
    pid: int


def cpu_seconds(pid: int, proc: Path = Path("/proc")) -> float | None:
    """User + system CPU seconds the process has used so far; None when it is gone."""
    try:
        text = (proc / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # The command name (field 2) is in parentheses and may hold spaces or ")": split after the last ")".
    fields = text[text.rindex(")") + 2:].split()
    # fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    utime, stime = int(fields[11]), int(fields[12])
    return (utime + stime) / CLOCK_TICKS


def snapshot(processes: Iterable[Watched]) -> dict[str, float | None]:
    """CPU seconds now, by process name."""
    return {p.name: cpu_seconds(p.pid) for p in processes}


def usage_between(before: Mapping[str, float | None], after: Mapping[str, float | None]) -> dict[str, float | None]:
    """CPU seconds each process used between two snapshots; None when it was not running at both
    (a process restarted in between has a new pid and a counter that started again)."""
    out: dict[str, float | None] = {}
    for name, start in before.items():
        end = after.get(name)
        out[name] = None if start is None or end is None or end < start else end - start
    return out


def network_processes(statuses: Iterable) -> list[Watched]:
    """The running peers, orderers and chaincode servers of ``Network.status()`` rows: those of the topology (a
    node left running outside it is not the network measured)."""
    return [Watched(s.name, s.kind, s.pid) for s in statuses if s.pid is not None and s.in_topology]
