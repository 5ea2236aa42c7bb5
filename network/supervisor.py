"""Native processes for nodes and chaincode servers: start, find, stop, wait.

Each process runs in its own session (so its own process group), writes stdout and
stderr to one log file, and is remembered by a pid file holding its pid, its start time
(/proc/PID/stat field 22, clock ticks since boot) and its command line. A pid whose start
time or /proc cmdline differs is treated as gone, so a recycled pid (another run of the same
python or `peer`, a kernel thread after a reboot) is never signalled. A pid file of the
older format holds only the program (`exe`): it is checked by that alone, as it was written.
Stopping sends SIGTERM to the group, then SIGKILL to the group after a grace period if any
member remains. Waiting polls a check against a deadline (no fixed sleeps) and fails naming
the process and its log file, at once if the process died (checked before and after each
check, so another program answering for it is not taken for it). A log past log_limit bytes
is moved to <log>.1 (replacing the previous one) when the process starts again.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from client.atomic_file import make_folders, write_atomically

from .errors import NodeTimeoutError


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
        return [shutil.which("ip") or "/usr/sbin/ip", "netns", "exec", self.netns, *self.argv]


# A log larger than this when its process starts is moved aside to <log>.1 (only then: a running process's log
# grows until its next start).
LOG_LIMIT_BYTES = 16 << 20


@dataclass
class Supervisor:
    grace: float = 10.0
    poll_interval: float = 0.1
    log_limit: int = LOG_LIMIT_BYTES
    clock: Callable[[], float] = field(default=time.monotonic)
    sleep: Callable[[float], None] = field(default=time.sleep)
    # Children started by this object: polled through Popen so their exit is collected cleanly.
    _children: dict[int, subprocess.Popen] = field(default_factory=dict, repr=False)

    def _running(self, pid: int, record: dict | None = None) -> bool:
        proc = self._children.get(pid)
        if proc is not None:
            return proc.poll() is None
        return _alive(pid, record)

    # ---- finding -----------------------------------------------------------
    def running_pid(self, pid_file: Path) -> int | None:
        """The pid recorded in pid_file if that process is still alive and still ours, else None."""
        try:
            record = json.loads(pid_file.read_text())
            pid = int(record["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if "exe" not in record:     # every pid file this module writes names its program
            return None
        return pid if self._running(pid, record) else None

    # ---- starting ----------------------------------------------------------
    def start(self, spec: ProcessSpec) -> tuple[int, bool]:
        """Start spec unless it already runs. Returns (pid, started_now)."""
        pid = self.running_pid(spec.pid_file)
        if pid is not None:
            return pid, False
        make_folders(spec.log.parent)
        make_folders(spec.pid_file.parent)
        rotate_log(spec.log, self.log_limit)
        with open(spec.log, "ab") as log:
            stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            log.write(f"==== recfin: starting {spec.name} at {stamp}: {' '.join(spec.command())}\n".encode())
            log.flush()
            proc = subprocess.Popen(spec.command(), env=spec.env, cwd=spec.cwd, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._children[proc.pid] = proc
        # Popen returns once command()[0] is exec'd, so the start time read now is the process's own
        # (exec keeps it). Its cmdline is argv, or, while `ip netns exec` has not exec'd argv yet, command().
        record = {"pid": proc.pid, "exe": spec.argv[0], "name": spec.name, "start_time": _start_time(proc.pid),
                  "cmdline": list(spec.argv)}
        if spec.command() != spec.argv:
            record["launcher_cmdline"] = spec.command()
        write_atomically(spec.pid_file, json.dumps(record))
        return proc.pid, True

    # ---- stopping ----------------------------------------------------------
    def stop(self, pid_file: Path) -> bool:
        """SIGTERM the process group, SIGKILL after the grace period. False if it was not running."""
        pid = self.running_pid(pid_file)
        if pid is None:
            pid_file.unlink(missing_ok=True)
            return False
        _signal_group(pid, signal.SIGTERM)
        # The whole group, not only its leader: a member ignoring SIGTERM would outlive the pid file.
        def remaining() -> bool:
            return self._running(pid) or _group_alive(pid)

        deadline = self.clock() + self.grace
        while remaining() and self.clock() < deadline:
            self.sleep(self.poll_interval)
        if remaining():
            _signal_group(pid, signal.SIGKILL)
            deadline = self.clock() + 5.0
            while remaining() and self.clock() < deadline:
                self.sleep(self.poll_interval)
        self._children.pop(pid, None)
        pid_file.unlink(missing_ok=True)
        return True

    # ---- waiting -----------------------------------------------------------
    def wait_until(self, check: Callable[[], bool], *, what: str, name: str, log: Path, timeout: float,
                   pid_file: Path | None = None, last_look: Callable[[], str | None] | None = None) -> None:
        """Poll check until true; NodeTimeoutError naming the process and its log otherwise. ``last_look``, when
        given, says what the check found the last time (which part of it failed), for a wait that times out."""
        deadline = self.clock() + timeout

        def exited() -> NodeTimeoutError:
            return NodeTimeoutError(f"{name} exited while waiting for {what}: see {log}{_tail_hint(log)}")

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
                                       f": see {log}{_tail_hint(log)}")
            self.sleep(self.poll_interval)


def _alive(pid: int, record: dict | None = None) -> bool:
    """Whether pid runs and, given its pid file's record, is the process the record describes."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)   # reap it if it is our own child and has exited
        if done == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False  # someone else's process: not ours to manage
    proc = Path(f"/proc/{pid}")
    if not proc.exists():
        return True                      # no procfs: trust kill(0)
    try:
        fields = _stat_fields(pid)
        if fields[0] == "Z":
            return False                 # a zombie is gone for our purposes
        cmdline = (proc / "cmdline").read_bytes()
    except (OSError, IndexError):
        return False
    if record is None:
        return True
    # An empty cmdline is a kernel thread or a process between fork and exec: never the one a record names
    # (a child this object started mid-exec is answered by its Popen, not here).
    if not cmdline:
        return False
    argv = [part.decode(errors="replace") for part in cmdline.split(b"\0")[:-1]]
    if "start_time" not in record:       # the older pid file: the program alone, as it was written
        return argv[0] == str(record["exe"])
    if str(record["start_time"]) != fields[19]:
        return False
    return argv in (record.get("cmdline"), record.get("launcher_cmdline"))


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses): field 3 (state) onwards."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()


def _start_time(pid: int) -> str | None:
    """The process's start time (stat field 22, clock ticks since boot), None without procfs."""
    try:
        return _stat_fields(pid)[19]
    except (OSError, IndexError):
        return None


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is alive (zombies, which their parent has yet to reap, are not)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat_fields(int(entry.name))
        except (OSError, IndexError):
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def rotate_log(log: Path, limit: int) -> None:
    """Move a log past limit bytes to <log>.1 (replacing the one there), so a restarted process starts a new one."""
    try:
        if log.stat().st_size > limit:
            os.replace(log, log.with_name(log.name + ".1"))
    except FileNotFoundError:
        pass


def _signal_group(pid: int, sig: int) -> None:
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


def _tail_hint(log: Path) -> str:
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


def follow(path: Path, lines: int = 10, *, stop: Callable[[], bool] = lambda: False,
           sleep: Callable[[float], None] = time.sleep, interval: float = 0.25):
    """Yield the last `lines` lines of a log, then each line appended to it until stop() is true. A log moved
    aside at a restart (rotated to .1) is read to its end, then the new one at path from its start."""
    yield from tail(path, lines)
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
                sleep(interval)
                continue
            pending += chunk
            if pending.endswith(b"\n"):
                yield pending.rstrip(b"\n").decode(errors="replace")
                pending = b""
    finally:
        f.close()
