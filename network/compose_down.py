"""Stop the compose network as `recfin network down` stops the native one.

`recfin network compose-up` records which compose network runs on this machine: once it has
started the containers (`--start`) or found every node answering /healthz, it writes
COMPOSE_RECORD next to the native data folder (`.recfin/compose-run.json` by default) with the
compose file and the hosts data folder the containers mount. Next to the native data folder, not
in the hosts data folder, so `network down` finds it whichever `--data-root` compose-up was given.

`stop_recorded` is the compose half of `network down`, mirroring the native half:

- without purge: `docker compose -f FILE down --remove-orphans` (a removed org's containers, which the compose
  file written since no longer names, too); the ledgers stay in the compose file's named
  volumes and the hosts data folder (crypto, genesis block, packages) stays, so `docker compose
  up -d` resumes on them; the record stays too, so a later `down --purge` still knows the network;
- with purge: once the hosts data folder is known to be one `down --purge` may delete
  (control.data_root_removal_refused: refused, nothing is removed), `docker compose -f FILE
  down --remove-orphans -v` (the volumes: ledgers), then the hosts data folder and the record are removed, as
  native `down --purge` removes its data folder. compose-up records no folder it would refuse. Stopped while the
  data folder is deleted, the record stays: `down --purge` again finds the network and deletes the rest.

`docker compose down` of containers already gone does nothing and succeeds, so a stale record
costs one quick call. When docker fails, nothing is removed.
"""
from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from client.atomic_file import write_atomically

from .compose_up import REMOVE_ORPHANS, docker_compose
from .containers import CHECK_THE_DAEMON, DOCKER_TIMEOUT, DockerCouldNotTell, DockerNotAnswering, run_docker
from .control import data_root_removal_refused, remove_data_root
from .errors import NetworkError, shell_word
from .tools import last_error_line
from .topology import Topology

COMPOSE_RECORD = "compose-run.json"
# How long `docker compose down` may take: Compose gives each container 10 s to stop after SIGTERM before it kills it,
# stopping them in parallel, then removes them (and with -v their volumes), which takes seconds. Only a daemon that
# does not answer takes longer.
DOWN_TIMEOUT = 120.0


@dataclass(frozen=True)
class ComposeRun:
    """The compose network compose-up found running: its compose file and the data folder its containers mount."""
    compose_file: Path
    data_root: Path


@dataclass
class ComposeDown:
    compose_file: Path
    data_root: Path
    command: str                # the docker compose command that ran
    ledgers_removed: bool       # the compose file's named volumes (down -v)
    data_removed: bool          # the hosts data folder and the record


def record_path(topology: Topology) -> Path:
    """Where compose-up records the compose network: next to the native data folder."""
    return topology.resolved_data_root().absolute().parent / COMPOSE_RECORD


def _native_data_root(topology: Topology) -> str:
    return str(topology.resolved_data_root().absolute())


def record(topology: Topology, compose_file: Path, data_root: Path) -> bool:
    """Record that the compose network of compose_file, mounting data_root, runs; False if recorded already.

    A data folder `down --purge` would refuse to delete is not recorded (NetworkError): its purge could only stop
    half way, after the containers and their ledger volumes are gone."""
    if refused := data_root_removal_refused(data_root):
        raise NetworkError(f"not recording the compose network for `recfin network down`: {refused}; give "
                           f"--data-root the folder `recfin network prepare --hostnames` wrote")
    path = record_path(topology)
    text = json.dumps({"compose_file": str(Path(compose_file).absolute()),
                       "data_root": str(Path(data_root).absolute()),
                       "native_data_root": _native_data_root(topology)}, indent=2) + "\n"
    if path.is_file() and path.read_text() == text:
        return False
    write_atomically(path, text)
    return True


CONFIG_FILES_LABEL = "com.docker.compose.project.config_files"


def not_running_from(compose_file: Path, data_root: Path, *, timeout: float | None = None,
                     run: Callable[..., subprocess.CompletedProcess] = run_docker) -> str | None:
    """Why compose_file is not known to run containers here; None when docker says they run from it.

    compose-up without --start reaches the nodes on their published ports, which containers of any
    compose file could be serving. Recording a file they do not run from would make `network down`
    stop other containers, and `--purge` delete another network's data folder. `docker compose ps`
    alone proves little: it lists the containers of the file's project name, and every whole-network
    compose file recfin writes for a topology (the committed docker-compose.yaml, any `recfin network
    compose --write --output FILE`) has the same one, the topology's name (an org bundle's is
    ``<topology>-<org>``: network.bundle). So each listed container's CONFIG_FILES_LABEL, the files
    Compose started it from, must name this file. A docker that has not answered a call within timeout seconds
    (DOCKER_TIMEOUT without one) is killed and DockerNotAnswering (a subprocess.TimeoutExpired) raised: it tells
    nothing either way. When `docker compose ps` lists containers but `docker inspect` of them fails, they run, from
    this file or another: DockerCouldNotTell is raised, as that tells nothing either way too."""
    compose_file = Path(compose_file)
    timeout = DOCKER_TIMEOUT if timeout is None else timeout
    if not compose_file.is_file():
        return f"{shell_word(compose_file)} does not exist"
    try:
        done = docker_compose(compose_file, data_root, ["ps", "-q"], lambda _: None, run=run, timeout=timeout,
                              without_docker="it cannot tell which compose file the containers run from")
    except DockerNotAnswering:
        raise
    except NetworkError as exc:
        return str(exc)
    containers = done.stdout.split()
    if not containers:
        return f"`docker compose -f {shell_word(compose_file)} ps` lists no running container"
    argv = ["docker", "inspect", "--format", f'{{{{index .Config.Labels "{CONFIG_FILES_LABEL}"}}}}', *containers]
    try:
        inspected = run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DockerNotAnswering(argv, timeout, f"docker inspect did not answer within {timeout:g}s, asked which "
                                                f"compose file the containers of {shell_word(compose_file)} run from: "
                                                f"{CHECK_THE_DAEMON}") from None
    if inspected.returncode != 0:
        raise DockerCouldNotTell(
            f"could not tell which compose file the {len(containers)} running container(s) `docker compose -f "
            f"{shell_word(compose_file)} ps` lists run from: docker inspect failed: "
            f"{last_error_line(inspected.stderr or inspected.stdout)}")
    ours = str(compose_file.resolve())
    for started_from in inspected.stdout.splitlines():
        if ours not in _files_in_label(started_from):
            return (f"the project's containers run from {started_from or 'an unnamed file'}, not {compose_file} "
                    f"(their {CONFIG_FILES_LABEL} label)")
    return None


def _files_in_label(label: str) -> set[str]:
    """The files (resolved) a container's CONFIG_FILES_LABEL may name. Compose joins them with commas, and a path may
    hold one itself (/srv/net,prod/docker-compose.yaml): every run of consecutive pieces is taken as a file."""
    pieces = label.split(",")
    runs = (",".join(pieces[first:last]) for first in range(len(pieces)) for last in range(first + 1, len(pieces) + 1))
    return {str(Path(run).resolve()) for run in runs if run}


def recorded(topology: Topology) -> ComposeRun | None:
    """The compose network compose-up recorded, or None."""
    path = record_path(topology)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text())
        run = ComposeRun(Path(doc["compose_file"]), Path(doc["data_root"]))
        # Another topology whose data folder shares this parent folder shares the record's place: its compose
        # network is not this one's to stop (or purge).
        native = _native_data_root(topology)
        return run if doc.get("native_data_root", native) == native else None
    except (ValueError, KeyError, TypeError) as exc:
        raise NetworkError(f"{path} is not a record of `recfin network compose-up` ({type(exc).__name__}: {exc}): "
                           f"run `recfin network compose-up` again to rewrite it, or delete it if no compose "
                           f"network runs here") from None


def stop_recorded(topology: Topology, *, purge: bool = False,
                  say: Callable[[str], None] = lambda _: None) -> ComposeDown | None:
    """`docker compose down` the recorded compose network (-v and its data folder too with purge); None if none."""
    path = record_path(topology)
    compose_run = recorded(topology)
    if compose_run is None:
        return None
    compose_file, data_root = compose_run.compose_file, compose_run.data_root
    if not compose_file.is_file():
        raise NetworkError(f"{shell_word(compose_file)}, the compose file {shell_word(path)} records, does not exist: "
                           f"write it again (`recfin network compose --write`) and rerun, or stop the containers "
                           f"with `docker compose down` and delete {shell_word(path)}")
    # The data folder's refusal first: `down -v` deletes the ledger volumes, which a refusal after it could not undo.
    if purge and (refused := data_root_removal_refused(data_root)):
        raise refused
    # --remove-orphans: a removed org's containers too, which the compose file written since no longer names
    args = ["down", REMOVE_ORPHANS, *(["-v"] if purge else [])]
    try:
        done = _compose_down(compose_file, data_root, args, path, purge, say)
    except KeyboardInterrupt:
        # Ctrl-C, or SIGTERM or SIGHUP raised as it (cli.request_ids.terminations_raised): docker was killed with the
        # compose plugin (run_docker), partway through its containers
        say(f"stopped midway: `docker compose -f {shell_word(compose_file)} {' '.join(args)}` was cut short: "
            f"{_what_a_cut_down_leaves(compose_file, data_root, path, purge)}")
        raise
    if purge:
        try:
            remove_data_root(data_root, say)
        except KeyboardInterrupt:
            # remove_data_root said what is left of the data folder; the record stays, for the rerun to find it
            say(f"the containers and their ledger volumes were removed; {shell_word(path)} is kept, so that "
                f"`recfin network down --purge` again finds the compose network and finishes deleting its data "
                f"folder")
            raise
        path.unlink(missing_ok=True)    # gone with the data folder, if it was inside it
        say(f"removed {shell_word(path)}")
    return ComposeDown(compose_file, data_root, " ".join(done.args), ledgers_removed=purge, data_removed=purge)


def _what_a_cut_down_leaves(compose_file: Path, data_root: Path, path: Path, purge: bool) -> str:
    """What a `docker compose down` that did not finish (its time ran out, or it was stopped) may have left, and what
    to do."""
    return (f"some containers may be stopped and removed already, the rest still run (`docker compose -f "
            f"{shell_word(compose_file)} ps` lists them)"
            + (", and docker may have removed some of the ledger volumes" if purge else "")
            + f"; the data folder {shell_word(data_root)} and {shell_word(path)} are kept: run `recfin network "
              f"down{' --purge' if purge else ''}` again")


def _compose_down(compose_file: Path, data_root: Path, args: list[str], path: Path, purge: bool,
                  say: Callable[[str], None]) -> subprocess.CompletedProcess:
    return docker_compose(compose_file, data_root, args, say, timeout=DOWN_TIMEOUT,
                          without_docker=f"{shell_word(path)} records a compose network: run `recfin network down` on "
                                         f"the Docker machine, or delete {shell_word(path)} if its containers are gone",
                          after_failure=f"fix that and run `recfin network down` again (compose file "
                                        f"{shell_word(compose_file)}; nothing was removed)",
                          after_timeout=f"{_what_a_cut_down_leaves(compose_file, data_root, path, purge)} once "
                                        f"docker answers")
