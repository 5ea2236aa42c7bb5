"""What Docker says of a container's health, asked with `docker container inspect`.

A chaincode server in a container publishes no port: its compose healthcheck asks its /healthz, and Docker is asked
how that went. `recfin network compose-status` asks it of the compose network's servers, `recfin host status` of a
company's own server run from its bundle; each says what to do in its own words (`Hints`).
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import NetworkError
from .tools import last_error_line

# What `docker container inspect` says of a container: its state, the status of its healthcheck ("none" without one)
# and how many times Docker restarted it.
INSPECT_FORMAT = "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}} {{.RestartCount}}"
NO_SUCH_CONTAINER = re.compile(r"No such (container|object)")
DOCKER_TIMEOUT = 30.0       # seconds: a daemon that does not answer leaves the health unknown, not the command hung
# What to check when docker does not answer in its time: the daemon itself, which every docker command asks.
CHECK_THE_DAEMON = "check that the Docker daemon answers (`docker info`)"


class DockerNotAnswering(NetworkError, subprocess.TimeoutExpired):
    """A docker command that had not finished in its time, killed: a NetworkError, which a command prints as its one
    line (what ran, for how long, what to check, what may be half done), and a subprocess.TimeoutExpired for a
    caller that must tell "docker did not say" from "docker said no" (a restore refuses then)."""

    def __init__(self, cmd: list[str], timeout: float, message: str):
        subprocess.TimeoutExpired.__init__(self, cmd, timeout)
        Exception.__init__(self, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class DockerCouldNotTell(NetworkError):
    """Docker answered, but not the question: it listed a compose project's running containers, then failed when
    asked which compose file they run from. Containers run, from that file or another; a caller must not read it
    as "not running" (a restore would move the folder they mount from under them), nor as "running from it"."""


def run_docker(argv: list[str], *, timeout: float, **options) -> subprocess.CompletedProcess:
    """subprocess.run(argv, timeout=timeout, **options), but when docker has not finished in its time, or this process
    is interrupted (Ctrl-C), docker is killed with every process it started: `docker compose` runs the compose plugin
    as a child of its own (in a process group of its own in recent Docker releases), which subprocess.run, killing
    docker alone, would leave running (stopping or starting containers after the command said it stopped it, racing
    the next run). Docker stays in this process's group, so a signal to the group (the terminal's) reaches it as
    before. Raises subprocess.TimeoutExpired as subprocess.run does."""
    if options.pop("capture_output", False):
        options |= {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    with subprocess.Popen(argv, **options) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except BaseException:
            _kill_with_descendants(process.pid)
            process.wait()
            raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def _kill_with_descendants(root: int) -> None:
    """SIGKILL root's descendants, then root, which must be a child of this process not yet waited for: its
    descendants are found through their parents in /proc while it lives (killed first, they would be another's
    children). One forked while they are being killed is found by the next look."""
    killed: set[int] = set()
    for _ in range(10):
        living = _living_descendants(root) - killed
        if not living:
            break
        for pid in living:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass            # exited meanwhile
        killed |= living
    try:
        os.kill(root, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _living_descendants(root: int) -> set[int]:
    """The processes descending from root that are not zombies, from /proc (none without it)."""
    children: dict[int, list[int]] = {}
    zombies = set()
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:    # bytes: the command name in the parentheses may be any bytes, spaces and parentheses too
            state, parent = (entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue            # exited meanwhile
        children.setdefault(int(parent), []).append(int(entry.name))
        if state == b"Z":
            zombies.add(int(entry.name))
    found, to_visit = set(), [root]
    while to_visit:
        for child in children.get(to_visit.pop(), []):
            if child not in found:
                found.add(child)
                to_visit.append(child)
    return found - zombies


@dataclass(frozen=True)
class Hints:
    """What the asking command tells the operator to do, where its containers come from."""
    elsewhere: str          # docker is not installed here: where to run the command instead
    start: str              # the container does not exist: what starts it
    compose_file: str       # the container has no healthcheck: the compose file to recreate it from
    restart: str = ""       # the container runs unhealthy or is stopped: what starts it afresh ("" to say nothing)


def container_health(container: str, hints: Hints) -> tuple[bool | None, str | None]:
    """(healthy, problem) of a container with a healthcheck: healthy only while it runs and its healthcheck passes.

    A container restarting in a loop is rarely "unhealthy": Docker resets its health to "starting" at every
    start, and one that exits within its start period never fails a check. So anything but running and healthy
    counts as not healthy (False), a missing container too. None where Docker cannot say: docker is not
    installed, its daemon does not answer, or the container has no healthcheck."""
    unknown = "container health unknown"
    if shutil.which("docker") is None:
        return None, f"{unknown}: docker is not installed here; {hints.elsewhere}"
    argv = ["docker", "container", "inspect", "--format", INSPECT_FORMAT, container]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=DOCKER_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, (f"{unknown}: `docker container inspect {container}` did not answer within {DOCKER_TIMEOUT:g}s: "
                      f"{CHECK_THE_DAEMON}")
    if done.returncode != 0:
        said = last_error_line(done.stderr or done.stdout)
        if NO_SUCH_CONTAINER.search(said):
            return False, f"no container {container}: see `docker ps -a`; {hints.start}"
        return None, f"{unknown}: docker container inspect {container} failed: {said}"
    words = done.stdout.split()
    if len(words) != 3:
        return None, f"{unknown}: docker container inspect {container} answered {done.stdout.strip()!r}"
    state, health, restarts = words
    if state == "running" and health == "healthy":
        return True, None
    if state == "running" and health == "none":
        return None, f"{unknown}: {container} has no healthcheck; recreate it from {hints.compose_file}"
    return False, (f"container {state}, health {health}, restart count {restarts}: see `docker logs {container}`"
                   + (f"; {hints.restart}" if hints.restart else ""))
