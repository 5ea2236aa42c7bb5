"""Native processes for nodes and chaincode servers: start, find, stop, wait.

Each process runs in its own session (so its own process group), writes stdout and
stderr to one log file, and is remembered by a pid file holding its pid, its start time
(/proc/PID/stat field 22, clock ticks since boot), the boot it started in
(/proc/sys/kernel/random/boot_id) and its command line. Each is started with
RECFIN_PID_FILE=<its pid file's absolute path> in its environment: that tag, not the command
line, tells it is this pid file's process, as a wrapper or shim given as the program changes
its command line when it execs the real one but keeps its environment. A pid whose start time
or boot differs, or that carries no tag, is treated as gone, so a recycled pid (another run of
the same python or `peer`, a kernel thread after a reboot) is never signalled; one tagged with
another pid file (a copy of the data folder, made while the network runs, names the original's
processes) runs for that folder, and is never signalled either. The recorded process in the middle of an
exec shows no environment yet (Popen returns before the kernel sets it up): it is read again until it
does (_environ_once_exec_done), not taken for one without the tag; so is its empty command line, for a
record matched by it. Another user's process (started
with sudo), whose environment cannot be read, is checked by start time, boot and command line; it
counts as running, but stopping it is refused with the sudo to run. A pid file of an earlier
version (start time and command line, no tag) is checked by those; one older still holds only the
program (`exe`), which ties no process to itself: a process of that program at its pid is never
signalled (Found.unverifiable), and the stop that finds it fails naming the pid to check by hand.
Stopping sends SIGTERM to the group, then SIGKILL to the group after a grace period if any
member remains; a group whose leader has exited is signalled while a member carrying the pid
file's own tag lives (no other: the group's id no longer ties it to the record, which may even
be an earlier boot's, naming nothing running now). A process carrying the pid file's own tag
that has left the group (setsid() or setpgid(): a server forking a worker into a session of its
own) is found by a /proc scan of the environments this user can read, and stopped alongside,
its new group signalled whole only when that group's leader carries the tag too. Each such
process, and each group leader, is judged by its tag as read when it is used, never by an
earlier scan: a pid may have gone to an unrelated process since, and a pid file's tag is the
only thing that makes a process ours. A process left after SIGKILL keeps the pid file, and the
stop fails naming it.
The recorded process alone is the pid file's process running. What it started and left running
once it exited (left_behind: a crashed server's worker, what a wrapper that daemonised left; only a
process tagged with that very pid file and started at or after it, in this boot) is not: start()
stops it before starting the process afresh, stop() stops it (and is True only
when the recorded process ran), and a wait fails naming it (a program that daemonises is not
supported: the process started is the one watched).
Waiting polls a check against a deadline (no fixed sleeps) and fails naming
the process and its log file, at once if the process died (checked before and after each
check, so another program answering for it is not taken for it). A restarted process appends to
its log, after a line marking the start. A log past log_limit bytes is moved to <log>.1 when the
process starts again; while it runs, whenever `up` or `status` finds it past the limit, its last
log_limit bytes (from a line's start) are copied to <log>.1 and it is emptied in place (the process
writes it with O_APPEND, so it goes on at the emptied log's start). Either way the earlier rotated
logs move up one number first (<log>.1 to <log>.2, ...), the oldest beyond log_kept dropped, so a
process's history is kept to log_kept rotated logs beside the current one (log_limit bytes each where
copied while the process ran; a log moved at a start is moved whole). A log whose part could not be written
to <log>.1 (a full disk) is left whole, nothing moved, and recorded (logs_not_rotated), for the
command to say what to free.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import BinaryIO, NamedTuple

from client.atomic_file import make_folders, staged_file, write_atomically

from .errors import NamespaceError, NetworkError, NodeTimeoutError, first_few, shell_word
from .flock_wait import flock_within

# The environment entry naming the pid file a process was started for (its absolute path).
PID_FILE_ENV = "RECFIN_PID_FILE"


def ip_binary() -> str:
    found = shutil.which("ip") or next((p for p in ("/usr/sbin/ip", "/sbin/ip") if Path(p).is_file()), None)
    if found is None:
        raise NamespaceError("the `ip` command (iproute2) is not installed: apt-get install iproute2")
    return found


def command_in(netns: str, argv: list[str]) -> list[str]:
    """argv run inside netns: the one builder of that command, for a node or chaincode server started there
    (ProcessSpec.netns) and for namespaces.run_in (`recfin network netns exec`)."""
    return [ip_binary(), "netns", "exec", netns, *argv]


@dataclass(frozen=True)
class ProcessSpec:
    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    pid_file: Path
    cwd: Path | None = None
    netns: str | None = None       # a Linux network namespace to run in (`ip netns exec`), else this one

    def command(self) -> list[str]:
        """What is executed: argv, entered into netns first when one is named (ip execs argv in place,
        so the running process's own argv[0] stays argv[0], which is what the pid file records)."""
        if not self.netns:
            return list(self.argv)
        return command_in(self.netns, self.argv)


@dataclass(frozen=True)
class Found:
    """What runs at the pid a pid file records."""
    pid: int | None = None          # the recorded pid (None: no readable pid file)
    alive: bool = False             # the process the record describes runs
    uid: int | None = None          # its owner when that is another user (signals to it are refused)
    runs_for: str | None = None     # the pid file another folder's process at that pid was started for
    name: str = ""                  # the process's name as recorded (its folder's name when none is)
    # While it runs, its start time (stat field 22) as found, the record's when it has one: a stop signals its group
    # only while the process at pid started then, so a pid taken by another process meanwhile is never signalled.
    start_time: str | None = None
    # Whether the record was written in this boot: one of an earlier boot records a pid that, now, may lead any
    # process group, so nothing running ties itself to that record.
    this_boot: bool = False
    # The start time the record holds (stat field 22), also once the process has exited: what it left running was
    # started by it or its descendants, so at or after it.
    recorded_start_time: str | None = None
    # A record of the oldest format (the program alone: no start time, boot or tag) whose pid runs that program: it
    # may be the node, or any process of the same program (another data folder's node, one after a reboot), and
    # nothing tells which. Not alive, so never signalled: a stop refuses it, naming the pid to check by hand.
    unverifiable: bool = False


class Stopped(NamedTuple):
    """A process a stop or a start stopped besides the one its pid file records, for the command to say (line)."""
    name: str                       # the pid file's process's name
    pid: int
    # The recorded process's pid when it had exited, leaving this one running; None: the recorded process ran and
    # this one had left its process group.
    left_by: int | None = None
    to_start: bool = False          # a start stopped it, to start the pid file's process afresh

    @property
    def left_running(self) -> bool:
        """Left running by a process that is gone (not one that left the group of the process that runs)."""
        return self.left_by is not None

    def line(self) -> str:
        afresh = ", to start it afresh" if self.to_start else ""
        if self.left_by is None:
            return f"stopped pid {self.pid} of {self.name}, which had left its process group"
        return f"stopped pid {self.pid}, left running by {self.name}'s exited process (pid {self.left_by}){afresh}"


class LogNotRotated(NamedTuple):
    """A running process's log past its limit whose last part could not be written to <log>.1 (copy_truncate_log):
    left whole, for the command to say (line)."""
    log: Path
    size: int                       # the log's size when looked at
    needed: int                     # bytes of its last part, what <log>.1 was to hold
    reason: str                     # why it could not be written ("No space left on device")
    no_space: bool                  # the disk (or the user's quota) was full
    free: int | None                # bytes free to this user in the log's folder then, None when unknown

    def line(self) -> str:
        aside = rotated_log(self.log)
        said = (f"{self.log} ({_mib(self.size)}) is past its limit and was left whole: writing its last "
                f"{_mib(self.needed)} to {aside} failed ({self.reason})")
        if not self.no_space:
            return (f"{said}: make {aside} a file this user can replace (its folder writable to it), then run "
                    f"`recfin network status` again; until then the log grows on")
        free = f"; {_mib(self.free)} free there now" if self.free is not None else ""
        oldest = rotated_log(self.log, LOG_KEPT).name
        return (f"{said}: it needs {_mib(self.needed)} free on the disk holding {self.log.parent}{free}: free "
                f"that much (the rotated logs {aside.name} to {oldest} may be deleted, the oldest first; the log "
                f"itself is emptied only once its last part is copied), then run `recfin network status` again; "
                f"until then the log grows on")


class LogLockHeld(NamedTuple):
    """A log past its limit that a start could not rotate (rotate_log): another process held its flock for longer
    than the start waits. The process was started on it, for the command to say (line)."""
    log: Path
    waited: float                   # seconds the start waited for the lock

    def line(self) -> str:
        shown = shell_word(self.log)
        return (f"{self.log} was not rotated at this start: another process held its lock for {self.waited:g} s "
                f"(a `recfin network status` stopped with Ctrl-Z or hung, say; `fuser {shown}` or `lsof {shown}` "
                f"names it): the node was started on it, and the log grows on until that process ends "
                f"or is resumed and `recfin network status` is run")


def _mib(size: int) -> str:
    return f"{size / (1 << 20):.1f} MiB" if size >= 1 << 20 else f"{size} bytes"


def pid_file_tag(pid_file: Path) -> str:
    """The RECFIN_PID_FILE value of pid_file's process."""
    return str(Path(pid_file).absolute())


# A log larger than this is moved aside to <log>.1: when its process starts (rotate_log), and, while it runs,
# when `up` or `status` finds it so (copy_truncate_log: its last this many bytes copied there).
LOG_LIMIT_BYTES = 16 << 20
# How many rotated logs are kept: <log>.1 (the newest) to <log>.LOG_KEPT. One digit each: ROTATED_LOGS matches them.
LOG_KEPT = 3
ROTATED_LOGS = ".[1-9]"     # the suffix of a rotated log, as an fnmatch pattern (backups leave them out)
# How long a start waits for the flock a look (copy_truncate_log) holds on the log before starting the process without
# rotating it. A look copies at most LOG_LIMIT_BYTES, a block at a time, in well under a second on any disk; five
# seconds leaves room for a slow or busy one, while a look suspended (Ctrl-Z) or hung holding the lock would
# otherwise keep `up` waiting silently for ever.
LOG_LOCK_WAIT_SECONDS = 5.0
_LOG_LOCK_POLL_SECONDS = 0.05     # how often the start tries the lock again meanwhile


@dataclass
class Supervisor:
    grace: float = 10.0
    poll_interval: float = 0.1
    log_limit: int = LOG_LIMIT_BYTES
    log_kept: int = LOG_KEPT
    log_lock_wait: float = LOG_LOCK_WAIT_SECONDS
    clock: Callable[[], float] = field(default=time.monotonic)
    sleep: Callable[[float], None] = field(default=time.sleep)
    # Children started by this object: polled through Popen so their exit is collected cleanly.
    _children: dict[int, subprocess.Popen] = field(default_factory=dict, repr=False)
    # Each process a stop found outside its pid file's process group, or a start found left running, and stopped: kept
    # for the command to say (take_stopped_alongside), a stop's own line naming the recorded process only.
    stopped_alongside: list[Stopped] = field(default_factory=list)
    # Each running process's log bound_log found past the limit but could not rotate (copy_truncate_log), and each
    # log a start could not rotate for its lock held elsewhere (rotate_log), by log: for the command to say, once,
    # and not tried again by this object (a command's `up` looks at a log twice).
    logs_not_rotated: dict[Path, LogNotRotated | LogLockHeld] = field(default_factory=dict)

    def _running(self, pid: int) -> bool:
        proc = self._children.get(pid)
        if proc is not None:
            return proc.poll() is None
        return _look(pid).alive

    # ---- finding -----------------------------------------------------------
    def find(self, pid_file: Path) -> Found:
        """What runs at the pid pid_file records: whether it is still the process recorded there, else whose."""
        try:
            record = json.loads(pid_file.read_text())
            pid = _recorded_pid(record["pid"])
            name = str(record.get("name") or pid_file.parent.name)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return Found(name=pid_file.parent.name)
        this_boot = record.get("boot_id") is not None and record.get("boot_id") == _boot_id()
        if "exe" not in record:     # every pid file this module writes names its program
            return Found(pid, name=name, this_boot=this_boot)
        recorded = str(record["start_time"]) if record.get("start_time") is not None else None
        proc = self._children.get(pid)
        if proc is not None:
            alive = proc.poll() is None
            return Found(pid, alive, name=name, start_time=recorded if alive else None, this_boot=this_boot,
                         recorded_start_time=recorded)
        found = _look(pid, record, pid_file_tag(pid_file))
        return Found(pid, found.alive, found.uid, found.runs_for, name, found.start_time if found.alive else None,
                     this_boot, recorded, found.unverifiable)

    def running_pid(self, pid_file: Path) -> int | None:
        """The pid recorded in pid_file if that process is still alive and still ours (another user's included:
        it runs, though only that user can stop it), else None: what it left running once it exited (left_behind)
        is not it running."""
        found = self.find(pid_file)
        return found.pid if found.alive else None

    def exited(self, pid_file: Path) -> bool:
        """Whether pid_file records a process of its own that no longer runs: one `down` did not stop (a stop removes
        the pid file), so it crashed, was killed, or went with a restart of the machine. Not a record another
        folder's process runs at (a copied data folder), nor one whose pid cannot be told (none readable, or the
        oldest format's running its program)."""
        found = self.find(pid_file)
        return found.pid is not None and not found.alive and found.runs_for is None and not found.unverifiable

    def left_behind(self, pid_file: Path) -> tuple[int, ...]:
        """The live processes started for pid_file (carrying its tag) that run on while the process it records is
        gone: members of its process group and those that left it (a crashed server's worker, what a wrapper that
        daemonised left), those leading a group of their own first. They are not the pid file's process running:
        start() stops them before starting it afresh, and stop() stops them. Only those whose tag names this very
        pid file and that started at or after the recorded process (_started_for_record). () while the recorded
        process runs (what it started is then part of it), or its own pid still runs carrying the tag though the
        record no longer describes it (start() refuses that with its own message); and when the pid file records
        another folder's process, one of an earlier boot, or no pid that can be read, and when there is none."""
        found = self.find(pid_file)
        if found.alive or found.runs_for is not None or self._own_unrecorded(pid_file, found):
            return ()
        members, outside = _started_for_record(pid_file, found)
        return _leaders_first(members + outside)

    def stop_left_behind(self, pid_file: Path) -> None:
        """Stop what pid_file's exited process left running (left_behind), as start() does before starting it afresh,
        for a command to do before its first step (its lines say "to start it afresh"): one that outlives SIGKILL
        then fails the command before anything has started. NetworkError, the pid file kept, when one does."""
        if self.left_behind(pid_file):
            self._stop(pid_file, self.find(pid_file), to_start=True)

    def started_elsewhere(self, pid_file: Path) -> str | None:
        """The pid file path pid_file's running process was started for (its tag) when that path no longer leads to
        pid_file: its data folder was moved or renamed while it ran, the pid file moving along. It runs on as the
        node, with its configuration and ledger named by the old paths, which it goes on opening files by. None
        while it does not run, runs for this very path (or another that leads here: a symlink, a bind mount), or its
        tag cannot be read (another user's process)."""
        found = self.find(pid_file)
        if not found.alive or found.pid is None:
            return None
        carried = tag_of(found.pid)
        return None if carried is None or _same_file(carried, pid_file_tag(pid_file)) else carried

    @staticmethod
    def _own_unrecorded(pid_file: Path, found: Found) -> bool:
        """Whether the pid the record names runs still as pid_file's own process (it carries the tag) though the
        record no longer describes it (edited, or written over): that process, not something it left running. Its tag
        must name this very file: a pid reused by another folder's process carrying that folder's tag is not ours."""
        if found.alive or found.pid is None:
            return False
        carried = tag_of(found.pid)
        return carried is not None and _same_file(carried, pid_file_tag(pid_file))

    def take_stopped_alongside(self) -> list[Stopped]:
        """stopped_alongside, emptied: what the stops and starts since the last call stopped besides the processes
        their pid files record, for the command that ran them to say right after its own line."""
        taken, self.stopped_alongside = self.stopped_alongside, []
        return taken

    # ---- starting ----------------------------------------------------------
    def start(self, spec: ProcessSpec) -> tuple[int, bool]:
        """Start spec unless it already runs. Returns (pid, started_now).

        What the recorded process left running when it exited (left_behind) is not it running, and could hold its
        ports: it is stopped first, as stop() stops it (each recorded in stopped_alongside, also when the start then
        fails), and the process started afresh. NetworkError, nothing started, when any of it outlives SIGKILL."""
        found = self.find(spec.pid_file)
        if found.alive:
            self.bound_log(spec.log)
            return found.pid, False
        tag = pid_file_tag(spec.pid_file)
        if self._own_unrecorded(spec.pid_file, found):
            # Its own process, which the record no longer describes (edited, or written over): a second copy would
            # run beside it, and writing the pid file anew would lose it for good.
            raise NetworkError(f"{spec.name}: pid {found.pid} still runs for {spec.pid_file}, which no longer "
                               f"describes it: stop it with `kill -- -{found.pid}`, then start again")
        self.stop_left_behind(spec.pid_file)
        make_folders(spec.log.parent)
        make_folders(spec.pid_file.parent)
        if (held := rotate_log(spec.log, self.log_limit, self.log_kept, self.log_lock_wait)) is not None:
            self.logs_not_rotated[spec.log] = held      # started all the same: a log too large beats no node
        with _log_opened(spec) as log:
            try:
                proc = subprocess.Popen(spec.command(), env=spec.env | {PID_FILE_ENV: tag}, cwd=spec.cwd,
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
            except OSError as exc:
                raise NetworkError(_not_run(spec, exc)) from exc
        self._children[proc.pid] = proc
        start_time = None
        try:
            # Popen returns once command()[0] is exec'd, so the start time read now is the process's own
            # (exec keeps it). Its cmdline is argv, or, while `ip netns exec` has not exec'd argv yet, command().
            start_time = _start_time(proc.pid)
            record = {"pid": proc.pid, "exe": spec.argv[0], "name": spec.name, "start_time": start_time,
                      "boot_id": _boot_id(), "tag": tag, "cmdline": list(spec.argv)}
            if spec.command() != spec.argv:
                record["launcher_cmdline"] = spec.command()
            write_atomically(spec.pid_file, json.dumps(record))
        except BaseException as exc:
            # Recorded nowhere, it would run on unseen: `down` finds what to stop by its pid files, and `down
            # --purge` would delete the data folder under it. So it is stopped before the start fails, also when the
            # failure (a Ctrl-C) came before its record was made: a child not yet waited for keeps its pid, so its
            # start time read now is still its own.
            if start_time is None:
                start_time = _start_time(proc.pid)
            left = self._terminate([_Target(proc.pid, group=True, start_time=start_time)])
            if not left:
                self._children.pop(proc.pid, None)
            if not isinstance(exc, OSError):
                raise           # Ctrl-C, say: nothing more to tell
            still = (f"pid {proc.pid} still runs after SIGKILL: stop it with `kill -- -{proc.pid}` once it "
                     f"can be" if left else f"the process started (pid {proc.pid}) was stopped")
            raise NetworkError(f"{spec.name}: its pid file {spec.pid_file} could not be written "
                               f"({exc.strerror or exc}), and nothing else would record the process: "
                               f"{still}. Free the space or fix the folder's permissions, then run the "
                               f"command again") from exc
        return proc.pid, True

    def bound_log(self, log: Path) -> None:
        """Keep a running process's log within log_limit (copy_truncate_log): it is rotated at a start only
        otherwise, and a node may run for months. One it could not rotate is recorded in logs_not_rotated and
        left alone by this object from then on."""
        if log in self.logs_not_rotated:
            return
        if (failure := copy_truncate_log(log, self.log_limit, self.log_kept)) is not None:
            self.logs_not_rotated[log] = failure

    # ---- stopping ----------------------------------------------------------
    def stop(self, pid_file: Path) -> bool:
        """SIGTERM the process group, SIGKILL after the grace period. True when the process the pid file records was
        running (and is stopped), False otherwise. Processes carrying the pid file's tag that left the group are
        stopped alongside, and so are any found once the group is down (one that left it while stopping); once the
        recorded process has exited, what it left running (left_behind) is stopped instead. Each of them is recorded
        in stopped_alongside (also when the stop then fails), for the command to say.

        NetworkError, the pid file kept, when the process is another user's, or when members of its group, or those
        that left it, outlive SIGKILL."""
        return self._stop(pid_file, self.find(pid_file))

    def _stop(self, pid_file: Path, found: Found, *, to_start: bool = False) -> bool:
        """stop() of what find() found at pid_file; to_start: for start(), which stops what the recorded process left
        running before starting it afresh (its lines and its failure say so)."""
        pid = found.pid
        if self._own_unrecorded(pid_file, found):
            # Its own process, which the record no longer describes: stopped as the running node it is.
            found = replace(found, alive=True, start_time=_start_time(pid))
        if found.alive and found.uid is not None:
            raise NetworkError(f"{found.name} pid {pid} runs as uid {found.uid}: run `sudo recfin network down`")
        if found.unverifiable and not found.alive:
            # Signalling it could stop another data folder's node of the same program (its whole group), and
            # deleting the file would lose the last record of the node, should it be that.
            raise NetworkError(f"{found.name}: {pid_file} is an older recfin's record, naming only the program, and "
                               f"pid {pid} runs that program; nothing tells whether it is this data folder's "
                               f"{found.name} or another process of the same program (another data folder's node, "
                               f"or one since a reboot), so it was not signalled and {pid_file} is kept. Check it "
                               f"with `ps -o pid,lstart,args -p {pid}`: stop it yourself if it is this folder's "
                               f"node, then delete {pid_file} and run the command again")
        if found.runs_for is not None:
            return False            # another folder's process: its own pid file there keeps track of it
        tag = pid_file_tag(pid_file)
        if pid is None and pid_file.exists():
            # A pid file cut short ties no process to itself, but one carrying its very tag may be its node, running:
            # deleting the file would lose the last record of it, and stopping it could stop a moved folder's node
            # (whose tag names this path still). Kept, and the processes named, for the user to tell.
            _members, carrying = _started_for(tag, None, exact=True)
            if carrying:
                raise NetworkError(f"{found.name}: {pid_file} records no pid that can be read, and pid "
                                   f"{first_few([str(p) for p in carrying])} carrying its tag run(s) (`ps -o "
                                   f"pid,cmd -p {','.join(map(str, carrying))}`): {pid_file} kept; stop them "
                                   "(`kill PID`) once you have checked they are this data folder's, then run the "
                                   "command again")
        members, escaped = _started_for_record(pid_file, found)
        if found.alive:
            # The start time find() checked, not one read now: a pid reused since is not signalled.
            targets = [_Target(pid, group=True, start_time=found.start_time)]
        elif members and _start_time(pid) is None:
            # Its leader has exited: the group is what it left running (Linux gives no new process the id of a group
            # that has members).
            targets = [_Target(pid, group=True)]
        else:
            targets = _targets_of(members, tag)
        targets += _targets_of(escaped, tag)
        if not targets:
            _forget(pid_file)
            return False
        # Said besides the recorded process: what left its group while it runs, all it left running once it exited.
        alongside = list(escaped) if found.alive else members + escaped
        try:
            left = self._terminate(targets)
            if not left:
                late = [each for each in _started_for_record(pid_file, found)[1] if each not in escaped]
                alongside += late
                left = self._terminate(_targets_of(late, tag))
        finally:
            self.stopped_alongside.extend(
                Stopped(found.name, each, left_by=None if found.alive else pid, to_start=to_start)
                for each in alongside if not _lives(each))
        if left:
            raise NetworkError(_not_stopped(found.name, pid, pid_file, left, to_start=to_start))
        self._children.pop(pid, None)
        _forget(pid_file)
        return found.alive

    def _terminate(self, targets: list[_Target]) -> list[_Target]:
        """SIGTERM each target, SIGKILL those left after the grace period; those left after that."""
        # A whole group, not only its leader: a member ignoring SIGTERM would outlive the pid file.
        def remaining() -> list[_Target]:
            return [target for target in targets if self._target_lives(target)]

        for target in targets:
            target.send(signal.SIGTERM)
        deadline = self.clock() + self.grace
        while remaining() and self.clock() < deadline:
            self.sleep(self.poll_interval)
        for target in remaining():
            target.send(signal.SIGKILL)
        deadline = self.clock() + 5.0
        while remaining() and self.clock() < deadline:
            self.sleep(self.poll_interval)
        return remaining()

    def _target_lives(self, target: _Target) -> bool:
        if not target.still_there():
            return False
        if target.group:
            return self._running(target.pid) or _group_alive(target.pid)
        return _lives(target.pid, target.start_time)

    # ---- waiting -----------------------------------------------------------
    def wait_until(self, check: Callable[[], bool], *, what: str, name: str, log: Path, timeout: float,
                   pid_file: Path | None = None, last_look: Callable[[], str | None] | None = None) -> None:
        """Poll check until true; NodeTimeoutError naming the process and its log otherwise. ``last_look``, when
        given, says what the check found the last time (which part of it failed), for a wait that times out."""
        deadline = self.clock() + timeout

        def exited() -> NodeTimeoutError:
            left = self.left_behind(pid_file) if pid_file is not None else ()
            if not left:
                return NodeTimeoutError(f"{name} exited while waiting for {what}: see {log}{log_hint(log)}")
            # The process started is the one watched: one that forks into the background and exits has exited.
            return NodeTimeoutError(
                f"{name} (pid {self.find(pid_file).pid}) exited while waiting for {what}, leaving pid "
                f"{first_few([str(each) for each in left])} that it started running: a program that daemonises "
                f"(forks into the background and exits) is not supported as a node or chaincode server, so a "
                f"wrapper given as RECFIN_FABRIC_BIN must exec the real program or wait for it; `recfin network "
                f"down` stops what it left: see {log}{log_hint(log)}")

        def gone() -> bool:
            return pid_file is not None and self.running_pid(pid_file) is None

        while True:
            # Alive before and after the check: a check passed while the process is gone (another program
            # answering on its port) is not the process passing it.
            if gone():
                raise exited()
            if check():
                if gone():
                    raise exited()
                return
            if self.clock() >= deadline:
                found = last_look() if last_look is not None else None
                raise NodeTimeoutError(f"{name}: {what} not reached within {timeout:g}s{f' ({found})' if found else ''}"
                                       f": see {log}{log_hint(log)}")
            self.sleep(self.poll_interval)


@contextlib.contextmanager
def _log_opened(spec: ProcessSpec) -> Iterator[BinaryIO]:
    """spec's log, opened for appending with the line that marks this start written. NetworkError, nothing started,
    when it cannot be written: a full disk (the data folder's) failed the start with the write's bare "No space
    left on device", naming neither the process nor the file. Unbuffered, so a write that failed leaves nothing for
    the close to fail on again."""
    try:
        log = open(spec.log, "ab", buffering=0)
    except OSError as exc:
        raise NetworkError(_log_not_written(spec, exc)) from exc
    with log:
        stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        try:
            log.write(f"==== recfin: starting {spec.name} at {stamp}: {' '.join(spec.command())}\n".encode())
        except OSError as exc:
            raise NetworkError(_log_not_written(spec, exc)) from exc
        yield log


def _log_not_written(spec: ProcessSpec, exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        # neither free space nor permissions mend it: the kernel remounts a filesystem so after disk errors
        fix = (f"it is on a read-only filesystem: check that disk (`dmesg`), remount it read-write (`df "
               f"{shell_word(spec.log.parent)}` names its mount point)")
    else:
        fix = f"free space on that disk (`df -h {shell_word(spec.log.parent)}`) or fix the folder's permissions"
    return (f"{spec.name}: its log {spec.log} could not be written ({exc.strerror or exc}), so it was not started: "
            f"{fix}, then run the command again")


def _not_run(spec: ProcessSpec, exc: OSError) -> str:
    """Why spec's program could not be run at all (exec failed: nothing started), and what to do. A script
    whose #! line names an interpreter that is not there fails as if the script itself were missing."""
    program = spec.command()[0]
    if exc.errno == errno.ENOENT and spec.cwd is not None and not Path(spec.cwd).is_dir():
        why = f"its working folder {spec.cwd} is not there"
    elif exc.errno == errno.ENOENT and Path(program).is_file():
        why = ("it is a script whose first line (#!) names an interpreter that is not there, or ends in a "
               "carriage return (the script was saved with Windows line ends): fix that line")
    elif exc.errno == errno.ENOENT:
        why = "it is not there"
    elif exc.errno == errno.EACCES:
        why = (f"it may not be executed: `chmod +x {shell_word(program)}`, and check each folder above it may "
               f"be searched")
    elif exc.errno == errno.ENOEXEC:
        why = "it is neither a program for this machine (one built for another architecture?) nor a #! script"
    else:
        why = exc.strerror or str(exc)
    return f"{spec.name} could not be started: {program}: {why}; nothing was started"


def _forget(pid_file: Path) -> None:
    """Remove the pid file of a process stopped or gone. On a read-only filesystem (remounted so after disk errors)
    it stays: it records a process that no longer runs, which find() tells as such, and stopping the processes is
    what lets the filesystem be checked and mounted read-write again."""
    try:
        pid_file.unlink(missing_ok=True)
    except OSError as exc:
        if exc.errno != errno.EROFS:
            raise


@dataclass(frozen=True)
class _Target:
    """What a stop signals: a process group (by its id, its leader's pid), or one process alone."""
    pid: int
    group: bool
    # The start time of the process at pid when it was targeted (None: none ran there, a group's leader having exited).
    start_time: str | None = None

    def still_there(self) -> bool:
        """Whether the process or group targeted may still be there. Another process at pid has taken it since: a
        lone process is then gone, and so is a group, Linux giving no process the id of a group that has members.
        A group's leader may have exited, its members living on."""
        now = _start_time(self.pid)
        return now in (None, self.start_time) if self.group else now is not None and now == self.start_time

    def send(self, sig: int) -> None:
        _refuse_to_signal(self.pid, group=self.group)
        if not self.still_there():
            return
        if self.group:
            _signal_group(self.pid, sig)
            return
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass


def _targets_of(escaped: list[int], tag: str) -> list[_Target]:
    """How the processes that left a pid file's group are signalled: each with its new group when that group's leader
    carries the tag too (setsid() made it the leader of its own), else alone, the group being someone else's. Each
    process's tag and its group leader's are read as they are targeted: a pid that no longer carries the tag is
    passed over."""
    targets: list[_Target] = []
    for pid in escaped:
        try:
            group = os.getpgid(pid)
        except OSError:
            continue
        start_time, carried = _start_time(pid), tag_of(pid)
        if start_time is None or carried is None or not _same_file(carried, tag):
            continue
        leader_tag = tag_of(group)
        target = _Target(group, group=True, start_time=_start_time(group)) \
            if leader_tag is not None and _same_file(leader_tag, tag) else _Target(pid, group=False,
                                                                                  start_time=start_time)
        if target not in targets:
            targets.append(target)
    return targets


def _not_stopped(name: str, group: int, pid_file: Path, left: list[_Target], *, to_start: bool = False) -> str:
    """The error of a stop that left processes after SIGKILL: which, and the `ps` that shows them; to_start: of the stop
    a start makes of what the exited process left running, which then starts nothing."""
    parts, selected = [], []
    if any(target.pid == group and target.group for target in left):
        members = [str(p) for p in _group_members(group)] or [str(group)]
        parts.append(f"pid {first_few(members)} of process group {group}")
        selected.append(f"-g {group}")
    outside = [str(p) for target in left if target.pid != group or not target.group
               for p in ((_group_members(target.pid) or [target.pid]) if target.group else [target.pid])]
    if outside:
        parts.append(f"pid {first_few(outside)} (which left process group {group})")
        selected.append(f"-p {','.join(outside)}")
    # Neutral on the command: `up`, `chaincode deploy` and `chaincode restart` all start processes, and only the
    # one that failed starts this one (up does not start the server of a deployment not yet committed).
    then = (f"{name} not started: once they have exited, run the command again" if to_start
            else "run the stop again once they have exited")
    return (f"{name}: {' and '.join(parts)} still alive after SIGKILL (see `ps -o pid,stat,cmd {' '.join(selected)}`; "
            f"state D waits on the kernel): {pid_file} kept, {then}")


def _recorded_pid(value: object) -> int:
    """The pid a pid file records: a positive int, as start() writes it, else ValueError (a pid file cut short or
    edited). 0 and negative numbers name no process but groups, to kill() and waitpid(): 0 the caller's own (a
    stop would signal the command itself and the shell that ran it), -N group N, and -1 every process."""
    if type(value) is not int or value <= 0:
        raise ValueError(f"pid {value!r} is not a positive int")
    return value


def _refuse_to_signal(pid: int, *, group: bool) -> None:
    """NetworkError unless pid may be signalled as a node (its group when group): never pid 1 or below (init, this
    process's group, every process) nor this very process or its group, which no pid file this module writes
    records (each node runs in a session of its own), whatever path a pid reached a stop by."""
    if pid <= 0:
        why = "0 and below name this command's own process group, or every process"
    elif pid == 1:
        why = "pid 1 is init"
    elif pid == (os.getpgrp() if group else os.getpid()):
        why = "it is this command's own"
    else:
        return
    what = f"process group {pid}" if group else f"pid {pid}"
    raise NetworkError(f"{what} not signalled ({why}, never a node's): the pid file naming it is damaged; delete it "
                       "once no node of it runs (`recfin network status`), then run the command again")


def _look(pid: int, record: dict | None = None, tag: str | None = None) -> Found:
    """Whether pid runs and, given its pid file's record and tag, is the process the record describes."""
    gone = Found(pid)
    if pid <= 0:
        return gone     # names a process group, not a process: waitpid() would reap any child of ours in it
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)   # reap it if it is our own child and has exited
        if done == pid:
            return gone
    except ChildProcessError:
        pass
    uid = None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return gone
    except PermissionError:
        uid = _owner(pid)       # another user's (started with sudo): its stat and cmdline are still readable
    proc = Path(f"/proc/{pid}")
    if not proc.exists():
        return Found(pid, alive=uid is None)     # no procfs: trust kill(0), which another user's refuses
    try:
        fields = _stat_fields(pid)
        if fields[0] == "Z":
            return gone                  # a zombie is gone for our purposes
        cmdline = _cmdline(pid)
    except (OSError, IndexError):
        return gone
    if cmdline is None:
        return gone
    if record is None:
        return Found(pid, True, uid)
    if "tag" in record:                  # written with the tag: the environment tells whose it is
        if str(record.get("start_time")) != fields[19] or record.get("boot_id") != _boot_id():
            return gone
        environ = _environ_once_exec_done(pid, fields[19])
        if environ is not None:
            carried = _tag_in(environ)
            if carried is not None and _claimed_elsewhere(carried, tag, pid):
                return Found(pid, uid=uid, runs_for=carried)
            return Found(pid, carried is not None, uid, start_time=fields[19])
        # Another user's environment is not readable: its command line has to match, as before the tag.
    # The recorded process in the middle of an exec shows an empty cmdline too: read again once it is done.
    if not cmdline and str(record.get("start_time")) == fields[19] \
            and record.get("boot_id", _boot_id()) == _boot_id():
        cmdline = _once_exec_done(_cmdline, pid, fields[19]) or b""
    # An empty cmdline is a kernel thread or a process between fork and exec: never the one a record names
    # (a child this object started mid-exec is answered by its Popen, not here).
    if not cmdline:
        return gone
    argv = [part.decode(errors="replace") for part in cmdline.split(b"\0")[:-1]]
    if "start_time" not in record:       # the oldest pid file: the program alone, which ties no process to it
        return Found(pid, uid=uid, unverifiable=argv[0] == str(record["exe"]))
    if str(record["start_time"]) != fields[19]:
        return gone
    return Found(pid, argv in (record.get("cmdline"), record.get("launcher_cmdline")), uid, start_time=fields[19])


def _owner(pid: int) -> int | None:
    try:
        return Path(f"/proc/{pid}").stat().st_uid
    except OSError:
        return None


def _environ(pid: int) -> bytes | None:
    """/proc/PID/environ, None when it cannot be read (another user's process, or gone)."""
    try:
        return Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return None


def _cmdline(pid: int) -> bytes | None:
    """/proc/PID/cmdline, None when it cannot be read (gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


# How long the recorded process may show no environment while it is taken for one in the middle of an exec
# (_environ_once_exec_done), and how often its environment is read again meanwhile.
EXEC_SETTLE_SECONDS = 5.0
EXEC_SETTLE_POLL = 0.001


def _environ_once_exec_done(pid: int, start_time: str) -> bytes | None:
    """/proc/PID/environ of the process a record names, read once its exec is done (_once_exec_done)."""
    return _once_exec_done(_environ, pid, start_time)


def _once_exec_done(read: Callable[[int], bytes | None], pid: int, start_time: str) -> bytes | None:
    """read(pid), of a /proc/PID file (environ, cmdline) of the process a record names (its start time and
    boot matched), made again while it is empty and the process still runs. The kernel shows a process no
    environment and no command line in the middle of an
    exec: from the exec's point of no return, where Popen returns (the close-on-exec pipe it waits on is
    closed there), until the new program's stack is set up. Read then, the node start() has just started,
    or one a wrapper or `ip netns exec` execs, would carry no tag and a `recfin network status` from
    another process, or the integration suite's check for a developer's network, would find it stopped.
    Every process start() starts carries its tag, so an empty environment is waited out, up to
    EXEC_SETTLE_SECONDS (a process that cleared its environment then carries no tag, as before). A record
    matched by command line (an older pid file without the tag, another user's process whose environment
    cannot be read) would find the node stopped the same way, its cmdline empty until the exec is done."""
    deadline = time.monotonic() + EXEC_SETTLE_SECONDS
    while True:
        shown = read(pid)
        if shown != b"" or time.monotonic() >= deadline or not _lives(pid, start_time):
            return shown
        time.sleep(EXEC_SETTLE_POLL)


def _tag_in(environ: bytes) -> str | None:
    """The RECFIN_PID_FILE value in a /proc/PID/environ, None when it holds none."""
    prefix = f"{PID_FILE_ENV}=".encode()
    for entry in environ.split(b"\0"):
        if entry.startswith(prefix):
            return entry[len(prefix):].decode(errors="replace")
    return None


def tag_of(pid: int) -> str | None:
    """The pid file a process was started for (its RECFIN_PID_FILE), None when it carries none or its environment
    cannot be read (another user's process, or gone)."""
    environ = _environ(pid)
    return _tag_in(environ) if environ is not None else None


def _claimed_elsewhere(carried: str, tag: str | None, pid: int) -> bool:
    """Whether a process tagged ``carried`` belongs to another data folder's pid file than tag's: that file is
    another and records it (or the group it is in). A tag naming a file that is gone, or records another pid, is
    this folder's moved or renamed (a bind mount, RECFIN_HOME moved while running): start time and boot id, which
    matched, name one process, and only a copy of the folder (`cp -a`) leaves two pid files recording it."""
    if _same_file(carried, tag):
        return False
    try:
        recorded = _recorded_pid(json.loads(Path(carried).read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    try:
        group = os.getpgid(pid)
    except OSError:
        group = None
    return recorded in (pid, group)


def _same_file(carried: str, tag: str | None) -> bool:
    """Whether a process's tag names the pid file tag names: the same path, or another path to it (a symlink)."""
    if carried == tag:
        return True
    try:
        return tag is not None and os.path.samefile(carried, tag)
    except OSError:
        return False


def _boot_id() -> str | None:
    """This boot's id (a start time counts clock ticks since boot: equal ones of two boots are two processes)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return None


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses): field 3 (state) onwards.
    Read as bytes: any process on the machine may give itself a name that is no UTF-8 (the fields after it are
    ASCII), and one such name must not stop a scan of every process."""
    return Path(f"/proc/{pid}/stat").read_bytes().rsplit(b")", 1)[-1].decode("ascii").split()


def _start_time(pid: int) -> str | None:
    """The process's start time (stat field 22, clock ticks since boot), None without procfs."""
    try:
        return _stat_fields(pid)[19]
    except (OSError, IndexError):
        return None


def _pids() -> list[int]:
    """Every process's pid, as /proc lists them now ([] without procfs)."""
    if not _has_procfs():
        return []
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _group_members(pgid: int) -> list[int]:
    """The live processes of a group (zombies, which their parent has yet to reap, are not); [] without procfs."""
    members: list[int] = []
    for pid in _pids():
        try:
            fields = _stat_fields(pid)
        except (OSError, IndexError):
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":
            members.append(pid)
    return sorted(members)


def _started_for_record(pid_file: Path, found: Found) -> tuple[list[int], list[int]]:
    """The live processes started for pid_file as what find() found there ties them to it: (the members of its recorded
    process's group, those outside it). While that process runs its group is its own, and a member is the pid file's
    unless _claimed_elsewhere (a folder moved while running names its old path). Once it has exited nothing ties the
    group's id to the record (a pid file of an earlier run may record a pid that now leads another folder's group,
    one whose folder was moved, its tag naming this path still): a process then counts only when its tag names this
    very file and it started at or after the recorded process (which, or whose descendants, started it), the
    recorded pid itself excepted; none at all when the record is of an earlier boot, or records no pid that can be
    read (nothing ties a process to it)."""
    tag = pid_file_tag(pid_file)
    if found.pid is None:
        return [], []
    if found.alive:
        return _started_for(tag, found.pid)
    try:
        recorded = int(found.recorded_start_time) if found.this_boot else None
    except (TypeError, ValueError):
        recorded = None
    if recorded is None:
        return [], []

    def started_since(pid: int) -> bool:
        start_time = _start_time(pid)
        return pid != found.pid and start_time is not None and int(start_time) >= recorded
    members, outside = _started_for(tag, found.pid, exact=True)
    return [pid for pid in members if started_since(pid)], [pid for pid in outside if started_since(pid)]


def _started_for(tag: str, group: int | None, *, exact: bool = False) -> tuple[list[int], list[int]]:
    """The live processes started for the pid file tag names: (the members of process group ``group``, its recorded
    process's, those outside it). A member is the pid file's unless _claimed_elsewhere (a group whose leader has
    exited keeps its id while a member lives), or, exact, only when its tag names that very file (_same_file). One
    outside the group is only when its tag names that very file: it has no start time to tell a copy's or a moved
    folder's from another folder's. Each process's tag and group are read now, by this scan: another user's
    environment cannot be read, so their processes are not found."""
    members: list[int] = []
    outside: list[int] = []
    for pid in _pids():
        carried = tag_of(pid)
        if carried is None:
            continue
        try:
            in_group = os.getpgid(pid) == group
        except OSError:
            continue
        ours = _same_file(carried, tag) if exact else not _claimed_elsewhere(carried, tag, pid)
        if in_group and ours and _lives(pid):
            members.append(pid)
        elif not in_group and _same_file(carried, tag) and _lives(pid):
            outside.append(pid)
    return sorted(members), sorted(outside)


def unrecorded_under(root: Path) -> dict[str, list[int]]:
    """The live processes this user can see that were started for a pid file under the folder root that is not there
    (deleted by hand, say), by that pid file's path (their tag): nothing records them, so a stop, which finds what to
    stop by the pid files, passes them by. Not stopped here: a tag names a path, and a folder moved away while its
    nodes ran leaves processes naming this one's paths."""
    roots = {Path(root).absolute(), Path(root).resolve()}
    found: dict[str, list[int]] = {}
    for pid in _pids():
        carried = tag_of(pid)
        if carried is None or pid == os.getpid() or not any(Path(carried).is_relative_to(each) for each in roots):
            continue
        if not Path(carried).exists() and _lives(pid):
            found.setdefault(carried, []).append(pid)
    return found


def _leaders_first(pids: list[int]) -> tuple[int, ...]:
    """pids, those leading a process group of their own first (a daemonised program's main process, not a worker of
    it), each part in order."""
    def leads(pid: int) -> bool:
        try:
            return os.getpgid(pid) == pid
        except OSError:
            return False
    return tuple(sorted(pids, key=lambda pid: (not leads(pid), pid)))


def _lives(pid: int, start_time: str | None = None) -> bool:
    """Whether pid runs (a zombie does not), and, given its start time, is still the process that had it."""
    try:
        fields = _stat_fields(pid)
    except (OSError, IndexError):
        return False
    return fields[0] != "Z" and (start_time is None or fields[19] == start_time)


def _has_procfs() -> bool:
    return (Path("/proc") / "self" / "stat").exists()


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is alive."""
    if not _has_procfs():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    return bool(_group_members(pgid))


def rotated_log(log: Path, number: int = 1) -> Path:
    """<log>.<number>: the log as it was <number> rotations ago."""
    return log.with_name(f"{log.name}.{number}")


def _move_rotated_up(log: Path, kept: int) -> None:
    """Make room for a new <log>.1: each rotated log moves up one number, the one at <log>.<kept> dropped (replaced
    by the one below it). A number missing (deleted by hand to free space) is passed over."""
    for number in range(kept - 1, 0, -1):
        try:
            os.replace(rotated_log(log, number), rotated_log(log, number + 1))
        except FileNotFoundError:
            pass


def rotate_log(log: Path, limit: int, kept: int = LOG_KEPT,
               wait: float = LOG_LOCK_WAIT_SECONDS) -> LogLockHeld | None:
    """Move a log past limit bytes to <log>.1, the earlier rotated ones up one number (kept of them at most), so
    a restarted process starts a new one and the one before stays readable.

    It takes the flock copy_truncate_log takes, waiting for a look that holds it (a copy of at most limit bytes),
    and looks at the size again once it is held: a start beside a `status` that rotates the same log would
    otherwise move the rotated logs up twice for one rotation, the oldest one lost. A log this user may not read
    (so no look can rotate it either) is moved without the lock. Held for longer than wait seconds (a look
    suspended or hung), the log is left as it is, nothing moved, and returned as a LogLockHeld for the command to
    say; None otherwise."""
    try:
        descriptor = os.open(log, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except PermissionError:
        _move_aside_past_limit(log, limit, kept)
        return None
    try:
        if not flock_within(descriptor, wait, _LOG_LOCK_POLL_SECONDS):
            return LogLockHeld(log, wait)
        if os.path.samestat(os.fstat(descriptor), log.stat()):     # not moved aside by another start meanwhile
            _move_aside_past_limit(log, limit, kept)
    except FileNotFoundError:
        pass
    finally:
        os.close(descriptor)    # releases the flock
    return None


def _move_aside_past_limit(log: Path, limit: int, kept: int) -> None:
    """log moved to <log>.1, the earlier rotated ones up one number, when it is past limit bytes."""
    try:
        if log.stat().st_size > limit:
            _move_rotated_up(log, kept)
            os.replace(log, rotated_log(log))
    except FileNotFoundError:
        pass


def copy_truncate_log(log: Path, limit: int, kept: int = LOG_KEPT) -> LogNotRotated | None:
    """Rotate the log of a process that still runs: past limit bytes, copy its last part (at most limit bytes,
    from the first line that starts within them: _copy_last_part) to <log>.1 (the earlier rotated ones moved up
    one number once the copy is complete, kept of them at most), then empty it in place. Moving it would leave
    the process writing to <log>.1; it keeps its open file instead, written with O_APPEND, so its next line
    lands at the start of the emptied log. What it writes between the copy and the
    emptying (a line or so) is lost. Only the last part is copied: a log that grew to gigabytes between two looks
    would otherwise need as much free disk again, and its older lines are what a node's recent history does not
    need. A log whose last part cannot be written to <log>.1 (a full disk, another user's folder) is left as it
    is, nothing lost, and returned as a LogNotRotated for the command to say what to free; None otherwise (also
    when there was nothing to rotate, or the log could not be opened to be read and emptied: another user's log
    is left to that user).

    Two looks at once (a `status` from cron beside an operator's) take turns with an flock on the log, the
    size looked at again once it is held: one that found the log past the limit and copied it after the other
    had emptied it would replace <log>.1, the log's last part, with what little was written since. A look that
    finds the log held leaves it to that one; a start's rotate_log waits for it. <log>.1 is replaced whole (as
    write_atomically replaces a file): never seen half-copied."""
    try:
        if log.stat().st_size <= limit:
            return None
        # read and emptied through one descriptor; a log this user may not write (another user's) cannot be
        # emptied, and copied all the same it would be copied again at every look, the rotated logs moved up each
        # time until they all held the same part: it is left to the user who may write it
        descriptor = os.open(log, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:     # another look is rotating it
            return None
        size = os.fstat(descriptor).st_size
        if size <= limit or not os.path.samestat(os.fstat(descriptor), log.stat()):
            return None     # rotated meanwhile (emptied, or moved aside by a start)
        start = _last_part_start(descriptor, size, limit)
        try:
            with staged_file(rotated_log(log)) as copy:
                _copy_last_part(descriptor, start, copy)
                _move_rotated_up(log, kept)
        except OSError as exc:  # a part copied (the disk filled up) is removed with the temporary file
            return _not_rotated(log, size, size - start, exc)
        try:
            # the file copied, not whatever the name holds now: a restart meanwhile (`down`, then `up`) moved it to
            # <log>.1 and began a new log there, whose start a truncate by name would empty
            os.ftruncate(descriptor, 0)
        except OSError:
            pass
    except OSError:
        return None
    finally:
        os.close(descriptor)    # releases the flock
    return None


_COPY_BLOCK = 1 << 20           # bytes read at a time: a log is never read into memory whole


def _last_part_start(descriptor: int, size: int, limit: int) -> int:
    """Where the last part of a log of size bytes kept in <log>.1 starts: at the first line that starts within its
    last limit bytes, so that <log>.1 opens with a whole line; at size - limit when none starts there (one line
    longer than the limit, or a sparse file's hole), cut mid-line rather than keeping nothing."""
    window = size - limit
    offset = window - 1             # a line starts right after a newline, also one just before the window
    while offset < size:
        block = os.pread(descriptor, min(_COPY_BLOCK, size - offset), offset)
        if not block:
            break
        if (newline := block.find(b"\n")) >= 0:
            return min(offset + newline + 1, size)
        offset += len(block)
    return window


def _copy_last_part(descriptor: int, start: int, target: Path) -> None:
    """Copy the log open at descriptor from start to its end (what the process wrote meanwhile included) to target,
    a block at a time. OSError (ENOSPC on a full disk) as os.write raises it."""
    out = os.open(target, os.O_WRONLY | os.O_CLOEXEC)
    try:
        offset = start
        while block := os.pread(descriptor, _COPY_BLOCK, offset):
            offset += len(block)
            view = memoryview(block)
            while view:
                view = view[os.write(out, view):]
        os.fsync(out)
    finally:
        os.close(out)


def _not_rotated(log: Path, size: int, needed: int, exc: OSError) -> LogNotRotated:
    try:
        stats = os.statvfs(log.parent)
        free = stats.f_bavail * stats.f_frsize
    except OSError:
        free = None
    return LogNotRotated(log, size, needed, exc.strerror or str(exc), exc.errno in (errno.ENOSPC, errno.EDQUOT),
                         free)


def _signal_group(pid: int, sig: int) -> None:
    _refuse_to_signal(pid, group=True)
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


# What a failed wait quotes of the process's log. A Go program that panics ends its log with a goroutine dump
# (one goroutine, or every one with GOTRACEBACK=all: hundreds of lines), so the log's last line is a stack
# frame, and the message that says what went wrong is the "panic:" line above the dump. Fabric's own fatal
# errors (FATA, PANI) exit without a dump; a node that is alive but not ready keeps logging, and its last
# lines say what it is doing now. So the hint is the cause (the last "panic:"/"fatal error:" line, else the
# last FATA/PANI line, else the last ERRO line) followed by the last few lines that are not a dump's, both
# from the process's latest start on (an earlier run's panic in the same log is not this failure's cause).
_HINT_WINDOW = 2000             # lines read from the end of the log
_HINT_LAST = 3                  # lines of its end quoted
_HINT_WIDTH = 300               # characters of each quoted line
_STARTED = "==== recfin: starting "      # the line start() writes before each start
_COLOUR = re.compile(r"\x1b\[[0-9;]*m")     # Fabric colours the level when it writes to a terminal
_GO_PANIC = re.compile(r"^(panic|fatal error): ")
_FABRIC_FATAL = re.compile(r"\b(FATA|PANI)\b")
_FABRIC_ERROR = re.compile(r"\bERRO\b")
_GO_DUMP = re.compile(
    r"^(\s|$)"                              # a frame's file:line (tab-indented), a blank line
    r"|^goroutine \d+ \[.*\]:$"             # a goroutine's header
    r"|^created by "                         # the frame that started it
    r"|^\.\.\.\d* ?(additional )?frames elided\.\.\.$"
    r"|^[^\s(]+\(.*\)$"                     # a frame's function: pkg/path.(*Type).Method(0xc000123, {...})
)


def log_hint(log: Path) -> str:
    """What a NodeTimeoutError quotes of ``log``: its cause line and last lines, a Go stack dump left out."""
    lines = [_COLOUR.sub("", line).rstrip() for line in tail(log, _HINT_WINDOW)]
    starts = [i for i, line in enumerate(lines) if line.startswith(_STARTED)]
    lines = lines[starts[-1] + 1:] if starts else lines
    kept = [line for line in lines if not _GO_DUMP.search(line)] or [line for line in lines if line.strip()]
    if not kept:
        return ""
    cause = None
    for pattern in (_GO_PANIC, _FABRIC_FATAL, _FABRIC_ERROR):
        found = [line for line in kept if pattern.search(line)]
        if found:
            cause = found[-1]
            break
    last = kept[-_HINT_LAST:]
    quoted = ([cause, "..."] if cause is not None and cause not in last else []) + last
    return f" (log: {' | '.join(line.strip()[:_HINT_WIDTH] for line in quoted)})"


def tail(path: Path, n: int) -> list[str]:
    """The last n lines of a text file ([] when it does not exist)."""
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            block, data = 8192, b""
            while size > 0 and data.count(b"\n") <= n:
                step = min(block, size)
                size -= step
                f.seek(size)
                data = f.read(step) + data
    except OSError:
        return []
    return [line.decode(errors="replace") for line in data.splitlines()[-n:]] if n > 0 else []


def last_lines(log: Path, n: int) -> list[str]:
    """The last n lines of a process's log, read on into <log>.1 (the log before its last rotation, rotate_log or
    copy_truncate_log) when the log holds fewer: right after a rotation it holds a line or two, and the lines asked
    for, the process's recent history, are in <log>.1."""
    lines = tail(log, n)
    if len(lines) < n:
        lines = tail(rotated_log(log), n - len(lines)) + lines
    return lines


def follow(path: Path, lines: int = 10, *, stop: Callable[[], bool] = lambda: False,
           sleep: Callable[[float], None] = time.sleep, interval: float = 0.25):
    """Yield the last `lines` lines of a log (last_lines), then each line appended to it until stop() is true. A log
    moved aside at a restart (rotated to .1) is read to its end, then the new one at path from its start; one emptied
    in place while its process runs (copy_truncate_log) is read again from its start."""
    yield from last_lines(path, lines)
    try:
        f = open(path, "rb")
    except OSError:
        return
    try:
        f.seek(0, os.SEEK_END)
        pending = b""
        while not stop():
            chunk = f.readline()
            if not chunk:
                try:
                    moved = os.stat(path).st_ino != os.fstat(f.fileno()).st_ino
                except OSError:     # between the rename and the new file: look again next time
                    moved = False
                if moved:
                    if pending:     # the old process's last line, cut short: a line of its own
                        yield pending.decode(errors="replace")
                        pending = b""
                    f.close()
                    f = open(path, "rb")
                    continue
                if _emptied(path, f.tell()):     # copied to .1 and emptied in place: it goes on from its start
                    if pending:     # the line cut short by the emptying: a line of its own, not glued to the next
                        yield pending.decode(errors="replace")
                        pending = b""
                    f.seek(0)
                    continue
                sleep(interval)
                continue
            pending += chunk
            if pending.endswith(b"\n"):
                yield pending.rstrip(b"\n").decode(errors="replace")
                pending = b""
    finally:
        f.close()


def _emptied(path: Path, read_to: int) -> bool:
    """Whether the log at path is now shorter than what was read of it (copy_truncate_log emptied it)."""
    try:
        return os.stat(path).st_size < read_to
    except OSError:
        return False
