"""Native processes for nodes and chaincode servers: start, find, stop, wait.

Each process runs in its own session (so its own process group), writes stdout and
stderr to one log file, and is remembered by a pid file holding its pid and executable.
A pid whose /proc cmdline no longer names that executable is treated as gone, so a
recycled pid is never signalled. Stopping sends SIGTERM to the group, then SIGKILL after
a grace period. Waiting polls a check against a deadline (no fixed sleeps) and fails
naming the process and its log file, at once if the process died.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from client.atomic_file import write_atomically

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


@dataclass
class Supervisor:
    grace: float = 10.0
    poll_interval: float = 0.1
    clock: Callable[[], float] = field(default=time.monotonic)
    sleep: Callable[[float], None] = field(default=time.sleep)
    # Children started by this object: polled through Popen so their exit is collected cleanly.
    _children: dict[int, subprocess.Popen] = field(default_factory=dict, repr=False)

    def _running(self, pid: int, exe: str | None = None) -> bool:
        proc = self._children.get(pid)
        if proc is not None:
            return proc.poll() is None
        return _alive(pid, exe)

    # ---- finding -----------------------------------------------------------
    def running_pid(self, pid_file: Path) -> int | None:
        """The pid recorded in pid_file if that process is still alive and still ours, else None."""
        try:
            record = json.loads(pid_file.read_text())
            pid, exe = int(record["pid"]), str(record["exe"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return pid if self._running(pid, exe) else None

    # ---- starting ----------------------------------------------------------
    def start(self, spec: ProcessSpec) -> tuple[int, bool]:
        """Start spec unless it already runs. Returns (pid, started_now)."""
        pid = self.running_pid(spec.pid_file)
        if pid is not None:
            return pid, False
        spec.log.parent.mkdir(parents=True, exist_ok=True)
        spec.pid_file.parent.mkdir(parents=True, exist_ok=True)
        with open(spec.log, "ab") as log:
            stamp = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
            log.write(f"==== recfin: starting {spec.name} at {stamp}: {' '.join(spec.command())}\n".encode())
            log.flush()
            proc = subprocess.Popen(spec.command(), env=spec.env, cwd=spec.cwd, stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self._children[proc.pid] = proc
        write_atomically(spec.pid_file, json.dumps({"pid": proc.pid, "exe": spec.argv[0], "name": spec.name}))
        return proc.pid, True

    # ---- stopping ----------------------------------------------------------
    def stop(self, pid_file: Path) -> bool:
        """SIGTERM the process group, SIGKILL after the grace period. False if it was not running."""
        pid = self.running_pid(pid_file)
        if pid is None:
            pid_file.unlink(missing_ok=True)
            return False
        _signal_group(pid, signal.SIGTERM)
        deadline = self.clock() + self.grace
        while self._running(pid) and self.clock() < deadline:
            self.sleep(self.poll_interval)
        if self._running(pid):
            _signal_group(pid, signal.SIGKILL)
            deadline = self.clock() + 5.0
            while self._running(pid) and self.clock() < deadline:
                self.sleep(self.poll_interval)
        self._children.pop(pid, None)
        pid_file.unlink(missing_ok=True)
        return True

    # ---- waiting -----------------------------------------------------------
    def wait_until(self, check: Callable[[], bool], *, what: str, name: str, log: Path, timeout: float,
                   pid_file: Path | None = None) -> None:
        """Poll check until true; NodeTimeoutError naming the process and its log otherwise."""
        deadline = self.clock() + timeout
        while True:
            if check():
                return
            if pid_file is not None and self.running_pid(pid_file) is None:
                raise NodeTimeoutError(f"{name} exited while waiting for {what}: see {log}{_tail_hint(log)}")
            if self.clock() >= deadline:
                raise NodeTimeoutError(f"{name}: {what} not reached within {timeout:g}s: see {log}{_tail_hint(log)}")
            self.sleep(self.poll_interval)


def _alive(pid: int, exe: str | None = None) -> bool:
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
        if (proc / "stat").read_text().rsplit(")", 1)[-1].split()[0] == "Z":
            return False                 # a zombie is gone for our purposes
        argv0 = (proc / "cmdline").read_bytes().split(b"\0", 1)[0].decode(errors="replace")
    except (OSError, IndexError):
        return False
    # An empty cmdline is a process in the middle of exec (just started): it is ours.
    return exe is None or argv0 in ("", exe)


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def _tail_hint(log: Path) -> str:
    lines = tail(log, 1)
    return f" (last line: {lines[-1][:300]})" if lines else ""


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
    """Yield the last `lines` lines of a log, then each line appended to it until stop() is true."""
    yield from tail(path, lines)
    try:
        f = open(path, "rb")
    except OSError:
        return
    with f:
        f.seek(0, os.SEEK_END)
        pending = b""
        while not stop():
            chunk = f.readline()
            if not chunk:
                sleep(interval)
                continue
            pending += chunk
            if pending.endswith(b"\n"):
                yield pending.rstrip(b"\n").decode(errors="replace")
                pending = b""
