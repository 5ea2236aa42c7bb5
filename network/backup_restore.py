"""Restore an archive `recfin network backup` wrote into a data folder: `recfin network restore`.

A restore reads the whole archive against its manifest (network/backup_archive.py) before it writes anything (the
heights of its ledgers read as it goes), then again as it writes into a temporary folder beside the target, which
is renamed into place: a target that held anything is moved aside, never deleted. It is refused while a network
of the target runs, by the same guard a backup takes (network/backup.py), while a compose network mounting it
runs, and while any other process writes a file in it (writers_within).
"""
from __future__ import annotations

import errno
import fcntl
import os
import re
import secrets
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from client.atomic_file import sync_folder

from . import block_files, compose_down, containers, membership, nodeconfig
from .backup import NetworkRunningError, OrgScope, _holding_run_lock, refuse_while_running, running_within
from .backup_archive import Manifest, _bad, _read_archive, read_manifest, verify_archive
from .control import DATA_ROOT_MARKER, RUN_LOCK_FILE, write_fix
from .errors import DataRootNotWritable, NetworkError, first_few, shell_word
from .fabric_bin import REPO_ROOT
from .membership import STATE_FILE as MEMBERSHIP_STATE_FILE
from .mounts import mount_table
from .restore_asides import aside_path, asides_of, finished_mark
from .supervisor import Supervisor
from .topology import Topology


@dataclass
class RestoreReport:
    archive: Path
    data_root: Path
    files: int
    bytes: int
    sha256: str             # the archive's own digest
    channel: str
    org: str | None
    created: str            # when the backup was made (UTC), as its manifest says
    moved_aside: Path | None = None
    leftovers_removed: list[Path] = field(default_factory=list)     # folders killed restores left beside it
    leftovers_kept: list[Path] = field(default_factory=list)        # such folders a restore may still write
    # DIR.before-restore-* beside a data folder that was not there: a `restore --replace` stopped between moving the
    # data folder aside and renaming its new one into place leaves it so.
    interrupted_asides: list[Path] = field(default_factory=list)
    # Each node's ledger of a channel the restore took back to a lower height (or whose height could not be read),
    # restored only because --allow-rollback said so.
    rolled_back: list[LedgerRollback] = field(default_factory=list)
    # How many processes of other users could not be looked into for a file they write in the folder moved aside
    # (their /proc/PID/fd is root's to read): the check found none of this user's, and cannot speak for those.
    processes_not_looked_into: int = 0

    def lines(self) -> list[str]:
        scope = f"org {self.org}'s part of a data folder" if self.org else "a data folder"
        out = [f"verified {shell_word(self.archive)} (sha256 {self.sha256}): {scope} of channel {self.channel}, "
               f"backed up {self.created}",
               f"restored {self.files} files, {self.bytes} bytes into {shell_word(self.data_root)}"]
        if self.moved_aside is not None:
            out.append(f"what was there is kept in {shell_word(self.moved_aside)}")
        if self.processes_not_looked_into:
            out.append(f"{self.processes_not_looked_into} process(es) of other users could not be looked into for a "
                       f"file they write in what was moved aside (only root can read which files they hold open): "
                       f"none of this user's writes there; if a node runs as another user, stop it and restore "
                       f"again (or restore as root, which looks into every process)")
        if self.rolled_back:
            out.append(f"rolled back (--allow-rollback): {'; '.join(r.text() for r in self.rolled_back)}; the blocks "
                       f"past the restored heights are only in {shell_word(self.moved_aside)}")
        if self.leftovers_removed:
            out.append(f"removed {len(self.leftovers_removed)} folder(s) a restore killed midway left beside it: "
                       f"{first_few([p.name for p in self.leftovers_removed])}")
        for folder in self.leftovers_kept:
            # chmod first: a restore killed after it set the modes may have left read-only folders in it (a
            # keystore kept 0500), which refuse `rm -rf` the removal of what they hold, as any user but root.
            out.append(f"left {shell_word(folder)}: a restore killed midway, or one still running, wrote it (it "
                       f"holds private keys); once no restore runs, remove it with `chmod -R u+rwX "
                       f"{shell_word(folder)} && rm -rf {shell_word(folder)}`")
        for folder in self.interrupted_asides:
            out.append(f"{shell_word(self.data_root)} was not there but {shell_word(folder)} is: a "
                       f"`restore --replace` stopped midway (killed, or the machine went down) moved the data folder "
                       f"there and did not put its own in place. It is kept as it was (it holds private keys): remove "
                       f"it once you no longer need it, or to go back to it, move {shell_word(self.data_root)} "
                       f"aside and `mv {shell_word(folder)} {shell_word(self.data_root)}`")
        out.extend(self._next_steps())
        return out

    def _next_steps(self) -> list[str]:
        if self.org is None:
            return ["next: `recfin network up` resumes the network on it (with a topology whose data_root, or "
                    "RECFIN_HOME's network/, is this folder)"]
        return [f"this is org {self.org}'s part only (its keys, its nodes' and chaincode servers' folders, the "
                f"channel's files, other orgs' certificates): `recfin network up` cannot run on it, as the other "
                f"orgs' keys are not in it",
                f"next, for {self.org}'s own host, when it was backed up from the hostnames data folder (`prepare "
                f"--hostnames`'s): `recfin org bundle {self.org} --data-root {shell_word(self.data_root)}` "
                f"writes its bundle again, to unpack at its install root (docs/deployment.md, section 3)"]


@dataclass(frozen=True)
class LedgerRollback:
    """A node's ledger of a channel that a restore over it would take to a lower height, or whose height in the
    data folder or in the archive could not be read (its height None, why in unreadable)."""

    node: str
    channel: str
    folder: str             # the ledger's folder in the data folder
    height_now: int | None
    height_restored: int | None
    unreadable: str | None = None

    def text(self) -> str:
        if self.unreadable is not None:
            return f"{self.node} channel {self.channel}: its block files cannot be read ({self.unreadable})"
        return (f"{self.node} channel {self.channel} from height {self.height_now} to "
                f"{self.height_restored}")


def ledger_rollbacks(now_root: Path, restored: dict[str, block_files.Ledger]) -> list[LedgerRollback]:
    """Each node's ledger of a channel in now_root whose height in restored (the archive's ledgers, read as it
    was verified) is lower (a ledger not there at all has height 0), or whose height cannot be read: in
    now_root, or in the archive while now_root holds blocks there."""
    now = block_files.ledgers(now_root)
    found = []
    for folder, ledger in sorted(now.items()):
        after = restored.get(folder, block_files.Ledger(folder, 0))
        unreadable = ledger.unreadable if ledger.height is None else (
            after.unreadable if after.height is None and ledger.height > 0 else None)
        if unreadable is not None or (after.height is not None and after.height < ledger.height):
            found.append(LedgerRollback(ledger.node, ledger.channel, folder, ledger.height, after.height,
                                        unreadable))
    return found


def _check_rollback(archive: Path, target: Path, rollbacks: list[LedgerRollback], allowed: bool) -> None:
    """NetworkError, nothing written, when the restore would lower a ledger's height (or one could not be
    read) and allowed (--allow-rollback) does not say to go on."""
    if not rollbacks or allowed:
        return
    aside = aside_path(target)
    raise NetworkError(
        f"refusing to restore {shell_word(archive)} over {shell_word(target)}: it would roll ledgers back "
        f"({'; '.join(r.text() for r in rollbacks)}). Those nodes would start again from the archive's blocks, and the "
        f"blocks past them would be kept only in the folder {shell_word(target)} is moved aside to "
        f"({shell_word(aside)}, named by the time of the restore). Nothing was written: restore a newer archive, "
        f"or give --allow-rollback to restore this one anyway")


def _refuse_a_path_fabric_misreads(archive: Path, target: Path, manifest: Manifest) -> None:
    """Refused, nothing written, when Fabric would misread the paths under target, as `up`, `prepare` and
    `compose-up` refuse it (nodeconfig.data_root_path_problem): restored there, the network could never start from
    it. A whole network's archive as a native data folder (the report names `up` next, whose orderers split CA
    lists at a comma); an org's part not (`org bundle` reads it, and its nodes run from the bundle elsewhere)."""
    problem = nodeconfig.data_root_path_problem(target, native=manifest.org is None,
                                                fix="give --data-root a folder whose path")
    if problem is not None:
        raise NetworkError(f"refusing to restore {shell_word(archive)} into {shell_word(target)}: {problem}. "
                           f"Nothing was written")


def _holds_anything(target: Path) -> bool:
    """Whether target is there and holds anything (NetworkError when it is there and not a folder)."""
    if not target.exists() and not target.is_symlink():
        return False
    if target.is_symlink():
        # The restored folder is renamed to target's name, which would replace the link, not fill what it leads to.
        leads_to = target.resolve()
        there = "" if leads_to.is_dir() else " (no folder is there)"
        raise NetworkError(f"{shell_word(target)} is a symlink to {shell_word(leads_to)}{there}: a restore "
                           f"renames its new folder into the place of --data-root, which would replace the link. "
                           f"Nothing was written: give --data-root {shell_word(leads_to)} itself")
    if not target.is_dir():
        raise NetworkError(f"{shell_word(target)} is not a folder: give --data-root a new or empty folder to "
                           f"restore into")
    if _is_mount_point(target):
        # The new folder is written beside it, on the parent's disk (whose free space was checked), and renamed
        # into its place, which needs the mount point gone: the rename fails (EBUSY) once everything is written.
        raise NetworkError(f"refusing to restore into {shell_word(target)}: it is a mount point, and a restore "
                           f"writes its new folder beside the data folder (on {shell_word(target.parent)}'s "
                           f"disk) and renames it into its place, which a mount point cannot give up. Nothing was "
                           f"written: restore into a new folder inside it (--data-root "
                           f"{shell_word(target / 'network')}) and point the topology's data_root (or "
                           f"--data-root) at that")
    return any(target.iterdir())


def _is_mount_point(folder: Path) -> bool:
    """Whether folder is a mount point: on another device than its parent, or listed as one (a bind mount of a
    folder of the same file system is on the same device)."""
    if os.path.ismount(folder):
        return True
    mounts = mount_table()
    if mounts is None:
        return False        # not Linux, or no /proc: ismount is all there is
    real = folder.resolve()
    return any(mount.point == real for mount in mounts)


def restore_backup(archive: Path, data_root: Path, *, replace: bool = False, allow_rollback: bool = False,
                   supervisor: Supervisor | None = None, topology: Topology | None = None) -> RestoreReport:
    """Restore the archive `backup` wrote into data_root. Refused, nothing written, when the archive is no
    archive a backup wrote at all (NotABackupArchive, before anything else is looked at), when Fabric would
    misread the paths under data_root (_refuse_a_path_fabric_misreads), when data_root holds
    anything (unless replace: then it is moved aside whole, to aside_path, never deleted; refused while its
    network runs), when the archive does not match its manifest (read whole before anything is written), and,
    given the topology `up` will run on data_root, when the archive is of another channel or other orgs; and,
    over a data folder, when the archive would lower a node's ledger of a channel (or a ledger's block files
    cannot be read: ledger_rollbacks), unless allow_rollback. The files are written into a new folder beside
    data_root, their modes restored, and that folder renamed into place."""
    archive, target = Path(archive), Path(data_root).absolute()
    if not archive.is_file():
        raise NetworkError(f"{shell_word(archive)} is not a file: give the archive `recfin network backup` wrote")
    # The wrong file given (NotABackupArchive) is told first, from the archive's start, before the data folder
    # is looked at: the CLI names it as ARCHIVE's usage error, not as a refusal of where it would go.
    listed = read_manifest(archive)
    _refuse_a_path_fabric_misreads(archive, target, listed)
    holds = _holds_anything(target)
    if holds and not replace:
        raise NetworkError(f"refusing to restore into {shell_word(target)}: it is not empty. Nothing was "
                           f"written: give --data-root a new or empty folder, or --replace to move what is there aside "
                           f"to {target.name}.before-restore-<timestamp>")
    if holds:
        if (reason := _not_a_data_folder_to_move(target, topology)) is not None:
            raise NetworkError(f"refusing to restore over {shell_word(target)}: {reason}, which --replace would "
                               f"move aside whole, putting the restored data folder in its place. Nothing was written: "
                               f"give --data-root the network's own data folder, or a new one")
        if listed.org is not None and (others := _other_orgs_material(target, listed)):
            raise NetworkError(
                f"refusing to restore {shell_word(archive)} over {shell_word(target)}: the archive is org "
                f"{listed.org}'s part alone (`backup --for-org`), and {shell_word(target)} holds what that part "
                f"lacks ({first_few(others)}: other orgs' keys or nodes), which --replace would move aside, leaving a "
                f"folder no `recfin network up` can start. Nothing was written: restore an org's part into a folder of "
                f"its own (--data-root NEW), or restore a whole network's backup here")
        _refuse_over_running(target, supervisor, topology)
    records: dict[str, bytes] = {MEMBERSHIP_STATE_FILE: b""}      # its membership.yaml, read as it is checked
    # the heights of its ledgers too: a rollback is refused before anything is written or removed beside the data
    # folder, the archive unpacked nowhere (the second reading, which unpacks it, checks it is the same archive)
    archive_ledgers = block_files.StreamedLedgers(where=lambda rel: f"{rel} in {shell_word(archive)}")
    manifest, digest = verify_archive(archive, kept=records, readers=archive_ledgers.reader)
    if topology is not None:
        channel_topology = _channel_topology(archive, topology, records[MEMBERSHIP_STATE_FILE])
        _check_topology(archive, target, manifest, channel_topology)
    rolled_back = ledger_rollbacks(target, archive_ledgers.ledgers()) if holds else []
    _check_rollback(archive, target, rolled_back, allow_rollback)
    interrupted = [] if target.exists() or target.is_symlink() else asides_of(target)
    removed, kept = _sweep_leftovers(target)
    _check_room(archive, target, manifest)
    staging = target.with_name(f".{target.name}{_STAGING_MARK}{secrets.token_hex(4)}")
    with _unpacking_said(target, staging):
        target.parent.mkdir(parents=True, exist_ok=True)
        os.mkdir(staging, 0o700)
    held = _hold(staging)       # a restore's own, while it writes: _sweep_leftovers leaves it
    try:
        again, read_digest = _read_archive(archive, into=staging)
        if read_digest != digest:
            raise _bad(archive, "it changed while it was restored")
        _set_modes(staging, again)
        moved_aside = _swap_in(staging, target, holds, supervisor, topology)
    except BaseException:
        _remove_tree(staging, ignore_errors=True)
        raise
    finally:
        os.close(held)
    sync_folder(target.parent)
    files = list(manifest.files.values())
    return RestoreReport(archive, target, len(files), sum(e.size for e in files), digest, manifest.channel,
                         manifest.org, manifest.created, moved_aside.path, removed, kept, interrupted, rolled_back,
                         moved_aside.processes_not_looked_into)


@contextmanager
def _unpacking_said(target: Path, staging: Path) -> Iterator[None]:
    """An OSError of the block, which makes the staging folder beside target, raised saying what to do where
    write_fix knows (a full disk, a read-only mount, another user's folder): its bare "Read-only file system" named
    the staging folder only, never the restore's target nor the way on. (A write into it is RestoreWriteError.)"""
    try:
        yield
    except OSError as exc:
        fix = write_fix(exc, target.parent, "give --data-root a folder on a writable disk")
        if fix is None:
            raise
        raise DataRootNotWritable(
            f"`recfin network restore` could not write {shell_word(exc.filename or staging)} ({exc.strerror}), "
            f"where it unpacks the archive beside {shell_word(target)} before renaming it into place: {fix}, "
            f"then restore again. Nothing was restored", exc) from exc


def _other_orgs_material(target: Path, manifest: Manifest) -> list[str]:
    """What target holds that a backup of manifest.org's part never keeps (backup.OrgScope): other orgs'
    nodes' folders, and files of other orgs' crypto folders but their certificates (their keys, their
    nodes' TLS pairs), each by its path in target."""
    nodes = frozenset(path.split("/")[1] for path in manifest.folders if path.startswith("nodes/"))
    scope = OrgScope(manifest.org, "", nodes)
    found = []
    if (target / "nodes").is_dir():
        found += [f"nodes/{node.name}" for node in sorted((target / "nodes").iterdir())
                  if not scope.keeps(f"nodes/{node.name}", node.is_dir())]
    for parent, _, names in os.walk(target / "crypto"):
        found += [rel for name in sorted(names)
                  if not scope.keeps(rel := (Path(parent) / name).relative_to(target).as_posix(), False)]
    return found


def _not_a_data_folder_to_move(target: Path, topology: Topology | None = None) -> str | None:
    """Why --replace must not move target aside, None when it may: as `down --purge` refuses to delete
    them (control.purge_refusal), the file system's root, a home folder or a folder holding one, a folder
    right under the root, one holding the repository, and one inside it but for its data folders (.recfin/):
    no data folder. Nor a folder inside a data folder (_enclosing_data_folder): its network's crypto/, a
    node's ledger, which the restored data folder would take the place of, from under a node that runs."""
    if (enclosing := _enclosing_data_folder(target, topology)) is not None:
        return (f"it is a folder inside the data folder {shell_word(enclosing)} (of its crypto, a node's ledger "
                f"or its config, which that network's nodes read and write; its pid files lie outside it)")
    root, home, repo = target.resolve(), Path.home().resolve(), REPO_ROOT.resolve()
    if len(root.parts) < 3 or home.is_relative_to(root):
        return ("it is not a folder of its own (the file system's root, a folder right under it, or a home "
                "folder)")
    if repo.is_relative_to(root):
        return f"it holds the repository {shell_word(repo)}"
    data_folders = repo / ".recfin"
    if root.is_relative_to(repo) and not (root != data_folders and root.is_relative_to(data_folders)):
        return (f"it is inside the repository {shell_word(repo)}, whose only data folders are under "
                f"{shell_word(data_folders)}")
    return None


def _enclosing_data_folder(target: Path, topology: Topology | None) -> Path | None:
    """The data folder target lies strictly inside, or None: the topology's, or a folder holding the mark `up`
    and `prepare` leave (DATA_ROOT_MARKER), by target's path as written or where its links lead. Its nodes'
    pid files lie outside target, so the checks of what runs in target do not see them."""
    if topology is not None:
        inner = Path(os.path.abspath(topology.resolved_data_root()))
        if _strictly_inside(target, inner):
            return inner
    for path in (Path(os.path.abspath(target)), target.resolve()):
        for folder in path.parents:
            if (folder / DATA_ROOT_MARKER).is_file():
                return folder
    return None


_NOT_OVER_A_RUNNING_NETWORK = ("stop it with `recfin network down` (the same --topology or data folder), "
                               "then restore again")


def _refuse_over_running(target: Path, supervisor: Supervisor | None, topology: Topology | None) -> int:
    """NetworkRunningError, nothing written, while anything runs that moving target aside would move from
    under it: target's own network, the topology's when its data folder lies inside target (`--data-root /srv`
    over /srv/network), any process a pid file anywhere in target records (another data folder in it), the
    compose network compose-up recorded when it mounts target and its containers run (_refuse_over_compose_network),
    or any other process holding a file in target open for writing (writers_within: a node no pid file records).
    Otherwise how many processes writers_within could not look into (other users', as any user but root)."""
    what = f"restore over {shell_word(target)}"
    refuse_while_running(target, supervisor, what, _NOT_OVER_A_RUNNING_NETWORK)
    inner = Path(os.path.abspath(topology.resolved_data_root())) if topology is not None else None
    if inner is not None and _strictly_inside(inner, target):
        refuse_while_running(inner, supervisor, f"{what}, which holds the topology's data folder "
                                                f"{shell_word(inner)},",
                             _NOT_OVER_A_RUNNING_NETWORK)
    running = running_within(target, supervisor)
    if running:
        raise NetworkRunningError(
            f"refusing to {what} while {len(running)} process(es) run whose pid files lie in it "
            f"({first_few(running)}): moving it aside would move their folders from under them. Nothing was "
            f"written: stop them (`recfin network down` with the --topology or --data-root of the data "
            f"folder they run from), then restore again")
    _refuse_over_compose_network(target, topology)
    writers = writers_within(target)
    if writers.writing:
        unseen = (f"; {len(writers.not_looked_into)} process(es) of other users could not be looked into, as only "
                  f"root can" if writers.not_looked_into else "")
        raise NetworkRunningError(
            f"refusing to {what} while {len(writers.writing)} process(es) that no pid file in it records write files "
            f"in it ({first_few(writers.writing)}: a node started by hand or by another tool{unseen}): moving it "
            f"aside would move those files from under them, and they would go on writing the folder moved aside. "
            f"Nothing was written: stop them, then restore again")
    return len(writers.not_looked_into)


def _refuse_over_compose_network(target: Path, topology: Topology | None) -> None:
    """NetworkRunningError while the compose network `recfin network compose-up` recorded for the topology mounts
    target (or a folder inside it; by its path, or where its links lead, as docker mounts it) and docker says its
    containers run from the recorded compose file (compose_down.not_running_from): their processes run in
    containers, recorded by no pid file, with the folder's crypto, config and channel files bind-mounted, which
    moving it aside would leave them using. Where docker cannot tell (none here, its daemon down), no container of it
    runs here to be refused; docker not answering within DOCKER_ANSWER_TIMEOUT is refused, as it may run them, and
    so is docker listing containers it then cannot say the compose file of (DockerCouldNotTell).
    Docker is asked nothing when no compose network mounting target is recorded."""
    try:
        run = compose_down.recorded(topology) if topology is not None else None
    except NetworkError as unreadable:    # a record it cannot read may name a compose network mounting target
        raise NetworkError(f"refusing to restore over {shell_word(target)}: {unreadable}. Nothing was written; then "
                           f"restore again") from None
    if run is None:
        return
    mounted = Path(os.path.abspath(run.data_root))
    if not (mounted == Path(os.path.abspath(target)) or mounted.resolve() == target.resolve()
            or _strictly_inside(mounted, target)):
        return
    try:
        running = compose_down.not_running_from(run.compose_file, run.data_root, timeout=DOCKER_ANSWER_TIMEOUT) is None
    except subprocess.TimeoutExpired:
        raise NetworkRunningError(
            f"refusing to restore over {shell_word(target)}: docker did not answer within {DOCKER_ANSWER_TIMEOUT:g}s "
            f"whether the containers of {shell_word(run.compose_file)} run, which "
            f"{shell_word(compose_down.record_path(topology))} records as mounting {shell_word(run.data_root)}: moving "
            f"the folder aside would leave any that run on the folder moved aside. Nothing was written: stop them with "
            f"`recfin network down` (the same --topology), or, if none of them runs, delete that record; then restore "
            f"again") from None
    except containers.DockerCouldNotTell as unknown:
        # containers run, from the recorded file or another: refused as a running network is (exit status 2), in the
        # restore's words, not docker's alone
        raise NetworkRunningError(
            f"refusing to restore over {shell_word(target)}: {unknown}; moving the folder aside would leave any that "
            f"mount {shell_word(run.data_root)} on the folder moved aside. Nothing was written: stop them with "
            f"`recfin network down` (the same --topology), or restore again once docker answers `docker inspect`"
        ) from None
    if running:
        raise NetworkRunningError(
            f"refusing to restore over {shell_word(target)} while the compose network of "
            f"{shell_word(run.compose_file)} runs from it (docker lists its containers, which mount "
            f"{shell_word(run.data_root)}): moving it aside would leave them on the folder moved aside. Nothing "
            f"was written: stop it with `recfin network down` (the same --topology), then restore again")


# How long the restore waits for each answer of docker (`docker compose ps`, `docker inspect`), which it asks while it
# holds the data folder's locks: a hung daemon would otherwise hold them, and the restore, for ever. The wait every
# other docker question of recfin's has, under a name of its own here so that a test can shorten the restore's alone.
DOCKER_ANSWER_TIMEOUT = containers.DOCKER_TIMEOUT


@dataclass(frozen=True)
class Writers:
    """What writers_within found: the processes writing in the folder (as it names them), and the pids of those
    whose open files it could not read (another user's, when not root), of which it cannot say either way."""

    writing: list[str]
    not_looked_into: list[int]


# Where writers_within reads the processes' open files: a name a test can point at a folder of its own.
PROC = Path("/proc")


def writers_within(folder: Path) -> Writers:
    """The processes but this one holding a file under folder (by where its links lead) open for writing, each as
    `<command> (pid N) writes <the file's path in folder>` (both as shell_word writes them), from /proc (none without
    it): a peer's or orderer's ledger and log, of a node no pid file records. A process of another user is seen only
    by root: as any other user, the pids of those whose open files it may not read are listed apart
    (not_looked_into), so that no caller takes the folder for free of writers on their account. One that only reads
    a file there (a `tail -f` of a log) is not named, as it writes nothing a move would take from it; nor is a recfin
    run holding or waiting for the folder's own lock files (_RUN_LOCKS), which order it with the restore: run_lock
    refuses the restore naming it, and the restore waits for membership.lock."""
    real, found, unseen = folder.resolve(), [], []
    locks = {real / name for name in _RUN_LOCKS}
    pids = sorted(int(entry.name) for entry in PROC.iterdir() if entry.name.isdigit()) if PROC.is_dir() else []
    for pid in pids:
        if pid == os.getpid():
            continue
        written = _file_written_within(PROC / str(pid), real, locks)
        if written is _NOT_LOOKED_INTO:
            unseen.append(pid)
        elif written is not None:
            try:
                # bytes: a process names itself (prctl, its program's file name) in any bytes, UTF-8 or not
                command = os.fsdecode((PROC / str(pid) / "comm").read_bytes().removesuffix(b"\n"))
            except OSError:
                continue        # gone meanwhile
            found.append(f"{shell_word(command)} (pid {pid}) writes {shell_word(written)}")
    return Writers(found, unseen)


# The data folder's lock files (control.run_lock's, membership.locked's), which every recfin run that writes there
# holds open for writing while it runs or waits.
_RUN_LOCKS = (RUN_LOCK_FILE, membership.LOCK_FILE)


# What _file_written_within answers for a process whose open files this user may not read
_NOT_LOOKED_INTO = "not looked into"


def _file_written_within(process: Path, folder: Path, locks: set[Path]) -> str | None:
    """The path in folder of the first file the process (its /proc folder) holds open for writing there, None
    where it holds none, holds one of locks (a recfin run), or is gone; _NOT_LOOKED_INTO where this user may not
    read its open files (another user's)."""
    try:
        descriptors = sorted(_descriptors(process), key=int)
    except PermissionError:
        return _NOT_LOOKED_INTO
    except OSError:
        return None
    written = None
    for fd in descriptors:
        try:
            opened = os.readlink(process / "fd" / fd)
        except OSError:
            continue            # closed, or the process gone, meanwhile
        if not opened.startswith("/"):
            continue            # a pipe, socket or other descriptor of no path
        path = Path(opened.removesuffix(" (deleted)"))
        if path in locks:
            return None
        if written is not None or not path.is_relative_to(folder):
            continue
        try:    # fdinfo read only for a file in folder: a process may hold tens of thousands of descriptors
            flags = next(line for line in (process / "fdinfo" / fd).read_text().splitlines()
                         if line.startswith("flags:"))
        except (OSError, StopIteration):
            continue
        if int(flags.split()[1], 8) & os.O_ACCMODE != os.O_RDONLY:
            written = path.relative_to(folder).as_posix()
    return written


def _descriptors(process: Path) -> list[str]:
    """The process's open file descriptors (its /proc folder's fd), PermissionError where they are another user's."""
    return os.listdir(process / "fd")


def _strictly_inside(path: Path, folder: Path) -> bool:
    """Whether path lies inside folder, not folder itself: by its path as written (a link in folder that
    leads to it moves aside with folder, and `up` and `down` no longer find it there), or where its links
    lead."""
    return any(inside != outside and inside.is_relative_to(outside) for inside, outside in (
        (Path(os.path.abspath(path)), Path(os.path.abspath(folder))), (path.resolve(), folder.resolve())))


def _channel_topology(archive: Path, topology: Topology, membership_record: bytes) -> Topology:
    """The topology as `up` will take it on the restored folder: with the orgs the archive's membership.yaml
    records added to and removed from the channel (`recfin org add|remove`), as the backup's manifest lists
    them (an archive without one, or an empty one: the topology as it is)."""
    if not membership_record:
        return topology
    with tempfile.TemporaryDirectory(prefix="recfin-restore-") as folder:
        record = membership.state_path(Path(folder))
        record.write_bytes(membership_record)
        try:
            return membership.effective(topology, Path(folder))
        except NetworkError as exc:
            problem = str(exc).replace(str(record), MEMBERSHIP_STATE_FILE)
            raise NetworkError(f"refusing to restore {shell_word(archive)}: {problem}. Nothing was written: "
                               f"`recfin network up` could not read it either") from None


def _check_topology(archive: Path, target: Path, manifest: Manifest, topology: Topology) -> None:
    """Refused, nothing written, when the archive was made with another channel, orderer org or peer orgs than
    the topology's (with the orgs the archive's membership.yaml adds and removes: _channel_topology): `up` on
    it would make a new, empty channel beside the restored ledgers (another channel), or run a network the
    channel's config does not describe (other orgs)."""
    differences = []
    if manifest.channel != topology.channel:
        differences.append(f"its channel is {manifest.channel}, the topology's {topology.channel} "
                           f"(`recfin network up` would make a new, empty channel {topology.channel} beside "
                           f"the restored ledgers)")
    orderer_org = topology.orderer_org.msp_id
    if manifest.orderer_org is not None and manifest.orderer_org != orderer_org:
        differences.append(f"its orderer org is {manifest.orderer_org}, the topology's {orderer_org}")
    wanted = sorted(org.msp_id for org in topology.orgs)
    if manifest.orgs is not None and sorted(manifest.orgs) != wanted:
        differences.append(f"its orgs are {', '.join(sorted(manifest.orgs))}, the topology's "
                           f"{', '.join(wanted)}")
    if differences:
        raise NetworkError(f"refusing to restore {shell_word(archive)} into {shell_word(target)}: it is a "
                           f"backup of another network than the topology's ({'; '.join(differences)}). Nothing was "
                           f"written: give --topology the topology the backup was made with")


def _check_room(archive: Path, target: Path, manifest: Manifest) -> None:
    """Refused, nothing written, when the manifest's files cannot fit in the free space of target's disk."""
    needed = sum(entry.size for entry in manifest.files.values())
    there = next(folder for folder in (target.parent, *target.parents) if folder.is_dir())
    free = shutil.disk_usage(there).free
    if needed > free:
        raise NetworkError(f"refusing to restore {shell_word(archive)} into {shell_word(target)}: its "
                           f"files take {needed} bytes and the disk of {shell_word(there)} has {free} free. "
                           f"Nothing was written: free space there, or restore into a folder on another disk")


# A restore writes into `.<target name>.restoring-<8 hex>` beside the target, holding an flock on it while it does; a
# restore killed midway leaves it (mode 0700, private keys in it). One unlocked and older than _ABANDONED_AFTER is
# such a leftover: the next restore into the same target removes it (the age covers the instant between a
# restore's mkdir and its lock).
_STAGING_MARK = ".restoring-"
_ABANDONED_AFTER = 60.0         # seconds


def _hold(folder: Path) -> int:
    """An exclusive flock on folder, held until the returned descriptor is closed (or its process ends)."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def _sweep_leftovers(target: Path) -> tuple[list[Path], list[Path]]:
    """The folders killed restores into target left beside it: those removed (no restore holds them, older than
    _ABANDONED_AFTER), and those kept (held, newer, or not removable), for the report to name."""
    wanted = re.compile(rf"\.{re.escape(target.name)}{re.escape(_STAGING_MARK)}[0-9a-f]{{8}}")
    try:
        found = sorted(p for p in target.parent.iterdir() if wanted.fullmatch(p.name) and not p.is_symlink()
                       and p.is_dir())
    except FileNotFoundError:
        return [], []
    removed, kept = [], []
    for folder in found:
        (removed if _remove_abandoned(folder) else kept).append(folder)
    return removed, kept


def _remove_abandoned(folder: Path) -> bool:
    """Remove folder if it is a leftover no restore writes (see _STAGING_MARK); whether it was."""
    try:
        if time.time() - folder.lstat().st_mtime < _ABANDONED_AFTER:
            return False
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _remove_tree(folder)
    except OSError:
        return False        # held by a running restore, or not ours to remove: named in the report
    finally:
        os.close(descriptor)
    return True


# Of a mode the manifest records (backup_archive.MODE_LIMIT), what a restore gives: a file its permission bits alone,
# never a set-user-ID or set-group-ID bit (a crafted archive restored by root would make a set-id program); a folder
# also its setgid bit (what is made in it takes its group) and its sticky bit.
_FILE_MODE_BITS = 0o777
_FOLDER_MODE_BITS = stat.S_ISGID | stat.S_ISVTX | 0o777


def _remove_tree(folder: Path, *, ignore_errors: bool = False) -> None:
    """shutil.rmtree of a restore's folder, each folder in it made its owner's to write first: _set_modes
    gives them the modes the manifest records, and a read-only one (a keystore kept 0500) would refuse the
    removal of the files it holds, leaving private keys behind."""
    _make_writable(folder)
    for parent, folders, _ in os.walk(folder):
        for name in folders:
            _make_writable(Path(parent) / name)
    shutil.rmtree(folder, ignore_errors=ignore_errors)


def _make_writable(folder: Path) -> None:
    """folder mode 0700, never through a symlink (what fails is left to the removal to report)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return
    try:
        os.fchmod(descriptor, 0o700)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _set_modes(staging: Path, manifest: Manifest) -> None:
    """Every file's and folder's mode as the manifest records it (of it, the bits above), folders deepest first (a
    folder made read-only before what it holds would refuse the rest)."""
    for entry in manifest.files.values():
        os.chmod(staging / entry.path, entry.mode & _FILE_MODE_BITS)
    for path in sorted(manifest.folders, key=lambda p: p.count("/"), reverse=True):
        os.chmod(staging / path, manifest.folders[path] & _FOLDER_MODE_BITS)
    os.chmod(staging, manifest.data_root_mode & _FOLDER_MODE_BITS)


@dataclass(frozen=True)
class _MovedAside:
    """Where _swap_in moved what target held (None: it held nothing), and how many processes its last look for a
    writer there could not look into (_refuse_over_running)."""

    path: Path | None = None
    processes_not_looked_into: int = 0


def _swap_in(staging: Path, target: Path, holds: bool, supervisor: Supervisor | None,
             topology: Topology | None) -> _MovedAside:
    """Rename the restored staging folder to target, what target held moved aside first (where, returned); what
    was moved aside goes back when the rename fails. What runs in target, started since it was checked, is
    refused (_refuse_over_running)."""
    if not holds:
        try:
            if target.is_dir():
                target.rmdir()      # empty: a rename takes its place
            os.rename(staging, target)
        except OSError as err:
            if err.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            # something (an `up`, another restore) wrote into the folder, empty when it was checked, while the
            # archive was read: what it wrote is left alone
            raise NetworkError(f"refusing to restore into {shell_word(target)}: it filled while the archive was "
                               f"read (another command wrote there). Nothing was written: see what is there now, then "
                               f"restore again with --replace to move it aside, or into a new folder") from None
        return _MovedAside()
    # membership.lock too (see write_backup): a change under way finishes before the folder is moved aside.
    with _holding_run_lock(target, "recfin network restore", membership=True,
                           unwritable_hint=f"restore into a folder this user may write, or restore as the user who "
                                           f"owns {shell_word(target)}"):
        not_looked_into = _refuse_over_running(target, supervisor, topology)
        aside = aside_path(target)
        os.rename(target, aside)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(aside, target)
            raise
        _mark_finished(aside)
    return _MovedAside(aside, not_looked_into)


def _mark_finished(aside: Path) -> None:
    """Say beside aside that the restore finished (finished_mark): once the restored folder is removed (`down
    --purge`), `up` starts anew there rather than refusing it as a restore stopped midway. Not written (a
    full disk), the aside is taken for an interrupted restore's, as every aside was before the mark: the
    safe way, so a failure here does not fail a restore that is done."""
    try:
        os.close(os.open(finished_mark(aside), os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o600))
    except OSError:
        pass
