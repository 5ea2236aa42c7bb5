"""Back a stopped network's data folder up into one archive: `recfin network backup`.

Fabric's own guidance for a node's backup is to stop it, copy its file system path (a peer's
`peer.fileSystemPath`, an orderer's `FileLedger.Location`, `Consensus.WALDir` and `Consensus.SnapDir`), its MSP
and TLS material and its configuration, then start it again: a ledger copied while its node writes it may hold a
block file and a state or Raft log that disagree. Here all of those live under the data folder (nodes/<node>/data,
crypto/, nodes/<node>/config, channel/, config/, chaincode/), so a backup is the data folder, taken only while
nothing of it runs (its pid files, as `status` and `down` read them) and while no other run holds its run lock.
What processes leave behind is not kept (pid files, locks, logs): nothing of it is the ledger, and a pid file
restored would name another run's processes.

The archive's format, and its reading and checking, live in network/backup_archive.py; restoring it in
network/backup_restore.py, which takes the same guard against a running network (refuse_while_running) from here.
"""
from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import io
import json
import os
import stat
import tarfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from client.atomic_file import check_output_file, staged_file, sync_folder, written_path

from . import ccservers, configtx, nodeconfig
from .backup_archive import (ARCHIVE_MODE, DATA_PREFIX, FORMAT, FORMAT_VERSION, MANIFEST_NAME, _CHUNK, FileEntry,
                             _Hashing, _shown, _too_long)
from .bundle import PUBLIC_SUFFIXES
from .control import (DATA_ROOT_MARKER, DISK_FULL_ERRNOS, NOT_WRITABLE_ERRNOS, RUN_LOCK_FILE, STAGED_LEFTOVER,
                      RunLockedError, owned_pid_files, run_lock)
from .crypto import holds_private_key
from .errors import DataRootNotWritable, NetworkError, first_few, shell_word
from .flock_wait import utc_stamp
from .membership import LOCK_FILE as MEMBERSHIP_LOCK_FILE, STATE_FILE as MEMBERSHIP_STATE_FILE
from .membership import locked as membership_locked
from .supervisor import ROTATED_LOGS, Supervisor
from .topology import Topology

if TYPE_CHECKING:
    from .control import Network

# Left out of every backup: what a process or a run holds while it runs, and what its writers log.
_LEFT_OUT = (
    RUN_LOCK_FILE, MEMBERSHIP_LOCK_FILE,
    str(nodeconfig.node_dirs(Path(), "*").pid), str(nodeconfig.node_dirs(Path(), "*").log),
    str(nodeconfig.node_dirs(Path(), "*").log) + ROTATED_LOGS,
    f"chaincode/*/*/{ccservers.SERVER_PID_FILE}", f"chaincode/*/*/{ccservers.SERVER_LOG_FILE}",
    f"chaincode/*/*/{ccservers.SERVER_LOG_FILE}{ROTATED_LOGS}",
)

class NetworkRunningError(NetworkError):
    """A node or chaincode server of the data folder runs, or another run holds its run lock: nothing was written."""


@dataclass
class BackupReport:
    archive: Path
    data_root: Path
    files: int
    bytes: int
    sha256: str             # the archive's own digest
    archive_mode: str
    channel: str
    org: str | None
    stopped_and_started: bool = False
    left_out: list[str] = field(default_factory=list)      # what processes left in the folder, not kept

    def lines(self) -> list[str]:
        scope = f"org {self.org}'s part of " if self.org else ""
        return [f"backed up {scope}{shell_word(self.data_root)} (channel {self.channel}): {self.files} files, "
                f"{self.bytes} bytes",
                f"wrote {shell_word(self.archive)} (sha256 {self.sha256}), mode {self.archive_mode}: it holds private "
                f"keys, keep it where only you can read it"]


# ---- what runs ---------------------------------------------------------------------------------------------------
def running_processes(data_root: Path, supervisor: Supervisor | None = None) -> list[str]:
    """The nodes and chaincode servers of data_root that run (by their pid files, as `status` and `down` find them),
    and those whose exited process left processes running: each as `name (pid N)`."""
    return _running(owned_pid_files(data_root), supervisor or Supervisor())


def running_within(folder: Path, supervisor: Supervisor | None = None) -> list[str]:
    """What runs by every pid file anywhere under folder (a node's or chaincode server's, as running_processes
    judges each), each as `<the pid file's path in folder> (pid N)`: also the processes of a data folder kept
    inside folder (the topology's, under a folder `restore --replace` would move aside with it)."""
    pid_files = sorted(Path(parent) / name for parent, _, names in os.walk(folder)
                       for name in names if name.endswith(_PID_FILE_SUFFIX))
    return _running([(str(pid_file.relative_to(folder)), pid_file) for pid_file in pid_files],
                    supervisor or Supervisor())


# A node's pid file (node.pid) and a chaincode server's (server.pid) end so.
_PID_FILE_SUFFIX = ".pid"


def _running(named: list[tuple[str, Path]], supervisor: Supervisor) -> list[str]:
    """Of the (name, pid file) pairs, those whose process runs, or whose exited process left processes
    running."""
    out = []
    for name, pid_file in named:
        if (pid := supervisor.running_pid(pid_file)) is not None:
            out.append(f"{name} (pid {pid})")
        elif (found := supervisor.find(pid_file)).unverifiable:
            # an older record naming only the program, whose pid runs it: it may be this node, writing its ledger
            out.append(f"{name} (pid {found.pid}, maybe: its pid file names only the program; check it with "
                       f"`ps -o pid,lstart,args -p {found.pid}`)")
        elif left := supervisor.left_behind(pid_file):
            out.append(f"{name}'s left-running pid {left[0]}")
    return out


def refuse_while_running(data_root: Path, supervisor: Supervisor | None, what: str, hint: str) -> None:
    """NetworkRunningError naming what runs in data_root, if anything does (what: the refused step; hint: what to
    do instead)."""
    running = running_processes(data_root, supervisor)
    if running:
        raise NetworkRunningError(f"refusing to {what} while {len(running)} process(es) of {shell_word(data_root)} run "
                                  f"({first_few(running)}). Nothing was written: {hint}")


@contextmanager
def _holding_run_lock(data_root: Path, what: str, *, membership: bool = False,
                      unwritable_hint: str | None = None) -> Iterator[None]:
    """The data folder's run lock (control.run_lock) for the block, and with membership its membership.lock
    too (waited for): an `up`, `down` or deploy running there is refused as a running network is
    (NetworkRunningError), and none can start while the folder is read or moved. A folder in which the lock
    files cannot be made (a read-only copy, a folder of another user) is refused saying why they are needed,
    and what to do (unwritable_hint; by default, how to back up such a folder)."""
    with ExitStack() as held:
        try:
            held.enter_context(run_lock(data_root, what))
            if membership:
                # recorded as lasting: a run waiting behind it waits while it runs, however long its folder
                held.enter_context(membership_locked(data_root, what=f"`{what}`", lasting=True))
        except RunLockedError as exc:
            raise NetworkRunningError(str(exc)) from exc
        except (OSError, DataRootNotWritable) as exc:
            cause = exc.cause if isinstance(exc, DataRootNotWritable) else exc
            if cause.errno not in NOT_WRITABLE_ERRNOS or Path(cause.filename or "").name not in _LOCK_FILES:
                raise
            raise NetworkError(
                f"cannot lock {shell_word(data_root)}: `{what}` holds lock files in the data folder ({RUN_LOCK_FILE}, "
                f"{MEMBERSHIP_LOCK_FILE}) while it runs, so that no `up`, `down`, deploy or `org user` "
                f"change starts meanwhile, and this user cannot write {shell_word(cause.filename)} ({cause.strerror}). "
                f"Nothing was written: {unwritable_hint or _unwritable_hint(data_root)}") from exc
        yield


_LOCK_FILES = (RUN_LOCK_FILE, MEMBERSHIP_LOCK_FILE)


def _unwritable_hint(data_root: Path) -> str:
    return (f"run it as the user who may write the folder (the one that runs the network), or, for a "
            f"read-only copy (a snapshot, a read-only mount), copy it to a folder you may write "
            f"(`cp -a {shell_word(data_root)} NEW`) and give --data-root NEW")


_WHILE_RUNNING_HINT = ("a ledger copied while its node writes it may not be whole: run `recfin network down` first, "
                       "or give --stop to stop the network, back up and start it again")


# ---- what a backup holds -----------------------------------------------------------------------------------------
def _matches(rel: str, pattern: str) -> bool:
    """Whether the relative path rel fits pattern part by part (a `*` never spans a `/`)."""
    parts, wanted = rel.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(fnmatch.fnmatchcase(p, w) for p, w in zip(parts, wanted))


def _left_out(rel: str) -> bool:
    """Whether the entry at rel is what processes and runs leave, which no backup keeps."""
    if any(_matches(rel, pattern) for pattern in _LEFT_OUT):
        return True
    parts = rel.split("/")
    in_a_ledger = len(parts) > 3 and parts[0] == "nodes" and parts[2] == "data"
    # A temporary file a writer killed mid-write left (staged_file's); Fabric's own, in a node's data/, are kept.
    return not in_a_ledger and STAGED_LEFTOVER.fullmatch(parts[-1]) is not None


def _holds_private_key(rel: str, data: bytes) -> bool:
    """Whether a file of another org, by its name, folder or content, is a private key (never in an org's backup)."""
    return rel.endswith((".key", "_sk")) or "/keystore/" in f"/{rel}/" or holds_private_key(data)


@dataclass(frozen=True)
class OrgScope:
    """What `backup --org` keeps of a data folder: the org's own material and nodes, and what every org needs."""

    name: str                   # the org's folder name under crypto/ and chaincode/<name>/
    msp_id: str
    nodes: frozenset[str]       # its nodes' folder names under nodes/

    def keeps(self, rel: str, is_folder: bool) -> bool:
        parts = rel.split("/")
        top, depth = parts[0], len(parts)
        if depth == 1:
            return is_folder or top in _SHARED_FILES
        if top in _SHARED_FOLDERS:
            return True
        if top == "crypto":
            return parts[1] == self.name or self._others_public(parts[2:], is_folder)
        if top == "nodes":
            return parts[1] in self.nodes
        if top == "chaincode":      # chaincode/<name>/: the definition's files, and the org's own server folder
            return depth == 2 or (depth == 3 and not is_folder) or parts[2] == self.name
        if top == "profiles":
            return rel == f"profiles/{self.name}.json"
        return False

    def is_own(self, rel: str) -> bool:
        """Whether rel lies in the org's own crypto folder (any other crypto file must hold no private key)."""
        return not rel.startswith("crypto/") or rel.split("/")[1] == self.name

    @staticmethod
    def _others_public(inside: list[str], is_folder: bool) -> bool:
        """Of another org's crypto folder: its verifying MSP's certificates and config, its CA certificates."""
        if not inside:
            return True         # the org's folder itself
        if inside[0] == "msp":
            return "keystore" not in inside and (is_folder or inside[-1].endswith(PUBLIC_SUFFIXES))
        return inside in (["ca"], ["tlsca"], ["ca", "ca.pem"], ["tlsca", "tlsca.pem"])


# At the top of a data folder, what every org's node reads: the channel's genesis block and updates, configtx.yaml,
# the ccaas builder; the mark `up` takes a folder by, and the channel's membership record.
_SHARED_FOLDERS = frozenset({"channel", "config", "builder"})
_SHARED_FILES = frozenset({DATA_ROOT_MARKER, MEMBERSHIP_STATE_FILE})


def org_scope(topology: Topology, org: str) -> OrgScope:
    """The scope of `backup --org ORG`: a peer org by name or MSP ID, or the orderer org; NodeNotFoundError naming
    the orgs otherwise."""
    oo = topology.orderer_org
    if org in (oo.name, oo.msp_id):
        return OrgScope(oo.name, oo.msp_id, frozenset(n.name for n in topology.orderers()))
    spec = topology.org(org)
    return OrgScope(spec.name, spec.msp_id, frozenset(n.name for n in topology.peers(spec.name)))


def _walk(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry under root (its path relative to root, its lstat), each folder's entries by name, a folder
    before what it holds."""
    pending = [""]
    while pending:
        rel = pending.pop()
        with os.scandir(root / rel if rel else root) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
        folders = []
        for entry in entries:
            child = f"{rel}/{entry.name}" if rel else entry.name
            info = entry.stat(follow_symlinks=False)
            yield child, info
            if stat.S_ISDIR(info.st_mode):
                folders.append(child)
        pending.extend(reversed(folders))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# What a backup lists of an entry, to tell whether it changed by the end: its kind, and a file's size and mtime (ns).
_Stamp = tuple[int, int, int]


def _stamp(info: os.stat_result) -> _Stamp:
    if stat.S_ISREG(info.st_mode):
        return stat.S_IFMT(info.st_mode), info.st_size, info.st_mtime_ns
    return stat.S_IFMT(info.st_mode), 0, 0     # a folder's mtime moves with what processes leave in it (logs)


@dataclass
class _Selection:
    files: list[FileEntry] = field(default_factory=list)
    folders: list[tuple[str, int]] = field(default_factory=list)      # (path, mode)
    left_out: list[str] = field(default_factory=list)
    listed: dict[str, _Stamp] = field(default_factory=dict)           # every entry considered, as first listed


def _considered(root: Path, scope: OrgScope | None, left_out: list[str] | None = None
                ) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry under root a backup of it (of scope's org alone, given one) considers; what processes and runs
    leave is passed over (its files added to left_out, given one), and a folder passed over with all it holds."""
    skipped: list[str] = []         # a folder left out: nothing under it is looked at
    for rel, info in _walk(root):
        if any(rel.startswith(f"{folder}/") for folder in skipped):
            continue
        is_folder = stat.S_ISDIR(info.st_mode)
        if _left_out(rel) or (scope is not None and not scope.keeps(rel, is_folder)):
            if is_folder:
                skipped.append(rel)
            elif _left_out(rel) and left_out is not None:
                left_out.append(rel)
            continue
        yield rel, info


def _select(root: Path, scope: OrgScope | None) -> _Selection:
    """The folders and files a backup of root keeps (of scope's org alone, given one), each file's digest read."""
    chosen = _Selection()
    for rel, info in _considered(root, scope, chosen.left_out):
        if (why := _too_long(rel)) is not None:
            raise NetworkError(f"{shell_word(root)} holds the path {_shown(rel)}, {why}: a restore would refuse it. "
                               f"Nothing was written: move it out of the data folder")
        chosen.listed[rel] = _stamp(info)
        mode = stat.S_IMODE(info.st_mode)
        if stat.S_ISDIR(info.st_mode):
            chosen.folders.append((rel, mode))
        elif stat.S_ISREG(info.st_mode):
            if scope is not None and not scope.is_own(rel) and _holds_private_key(rel, (root / rel).read_bytes()):
                continue        # another org's key, however it got there: never in an org's backup
            chosen.files.append(FileEntry(rel, info.st_size, mode, _file_sha256(root / rel)))
        else:
            kind = "a symlink" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            raise NetworkError(f"{shell_word(root / rel)} is {kind}: a backup holds regular files and folders only "
                               f"(a restore refuses anything else). Nothing was written: replace it with what it "
                               f"stands for, or move it out of the data folder")
    return chosen


# ---- writing ---------------------------------------------------------------------------------------------------
def _recfin_version() -> str:
    try:
        return version("recfin")
    except PackageNotFoundError:
        return "unknown"


def _member(name: str, size: int, mode: int, kind: bytes, mtime: float) -> tarfile.TarInfo:
    """A member as a backup writes it: owned by nobody in particular (a restore makes every file its user's)."""
    member = tarfile.TarInfo(name)
    member.size, member.mode, member.type, member.mtime = size, mode, kind, int(mtime)
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    return member


def _check_request(root: Path, out: Path, replace: bool, topology: Topology) -> None:
    """Refused before anything is stopped or written: no network in root, or one of another channel than the
    topology's (_refuse_another_channel), or out is not a file that may be written (there already without
    --replace, a folder, inside the data folder itself)."""
    if not (root / "crypto").is_dir():
        raise NetworkError(f"no network in {shell_word(root)} (no crypto/ there): give --data-root the folder "
                           f"`recfin network up` wrote (or the --topology it ran with)")
    if (problem := check_output_file(out)) is not None:
        raise NetworkError(f"cannot write the backup to {shell_word(out)}: {problem}")
    _refuse_another_channel(root, topology)
    if out.exists() and not replace:
        raise NetworkError(f"{shell_word(out)} exists: nothing was written; give another file, or --replace to write "
                           f"over it")
    # Where the archive is written: with replace, through a symlink at out (staged_file's written_path), which
    # may lead into the data folder from outside it, and the archive would replace the file it names there.
    written = written_path(out) if replace else out
    if written.absolute().parent.resolve().is_relative_to(root.resolve()):
        through = f" (a symlink to {shell_word(written)})" if written != out else ""
        raise NetworkError(f"{shell_word(out)}{through} is inside the data folder {shell_word(root)}, which the "
                           f"backup reads: nothing was written; write it elsewhere")


def _refuse_another_channel(root: Path, topology: Topology) -> None:
    """NetworkError when root's channel/ holds genesis blocks, none of them the topology's channel's: the
    manifest records the topology's channel and orgs, which a restore checks its topology against, so the
    archive would name a channel not its own; a restore with the topology the network runs with refused it
    as another network's, and one with this topology let `up` make a new, empty channel beside its ledgers."""
    ours = configtx.genesis_block_path(root, topology.channel)
    blocks = sorted(path.name for path in ours.parent.glob("*.block")) if ours.parent.is_dir() else []
    if blocks and ours.name not in blocks:
        raise NetworkError(f"{shell_word(root)} is not a data folder of the topology's channel {topology.channel}: its "
                           f"channel/ holds {first_few(blocks)}, not {ours.name}. Nothing was written: give "
                           f"--topology the topology its network runs with (or --data-root that topology's "
                           f"data folder)")


def write_backup(data_root: Path, out: Path, *, topology: Topology, org: str | None = None, replace: bool = False,
                 supervisor: Supervisor | None = None) -> BackupReport:
    """Write the archive of the stopped network's data folder (of one org's part, given org) to out, atomically
    and mode 0600. NetworkRunningError while a node or server of it runs (or another run holds its lock), and
    NetworkError when out exists (without replace) or the folder holds a symlink: nothing written either way."""
    root, out = Path(data_root).absolute(), Path(out)
    scope = org_scope(topology, org) if org else None
    _check_request(root, out, replace, topology)
    # membership.lock too: `org user add` and `revoke` change crypto/ and membership.yaml with the network stopped,
    # holding only that lock; waited for, so the archive holds a change whole or not at all.
    with _holding_run_lock(root, "recfin network backup", membership=True):
        refuse_while_running(root, supervisor, "back up", _WHILE_RUNNING_HINT)
        chosen = _select(root, scope)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "recfin_version": _recfin_version(),
            "created": utc_stamp(),
            "channel": topology.channel, "orderer_org": topology.orderer_org.msp_id,
            "orgs": [o.msp_id for o in topology.orgs], "org": scope.name if scope else None,
            "org_msp_id": scope.msp_id if scope else None,
            "data_root": str(root), "data_root_mode": stat.S_IMODE(root.stat().st_mode),
            "folders": [{"path": path, "mode": mode} for path, mode in chosen.folders],
            "files": [{"path": e.path, "size": e.size, "mode": e.mode, "sha256": e.sha256} for e in chosen.files],
        }
        try:
            with staged_file(out, mode=ARCHIVE_MODE, replace=replace) as temporary:
                _write_archive(temporary, root, manifest, chosen)
                _check_listing_unchanged(root, scope, chosen.listed)
                digest = _file_sha256(temporary)
        except FileExistsError:
            raise NetworkError(f"{shell_word(out)} appeared while the backup was written: it is left as it is; give "
                               f"another file, or --replace") from None
        except OSError as exc:
            if exc.errno not in DISK_FULL_ERRNOS:
                raise
            raise NetworkError(_disk_full(out, exc, sum(e.size for e in chosen.files))) from exc
    sync_folder(out.absolute().parent)
    return BackupReport(out, root, len(chosen.files), sum(e.size for e in chosen.files), digest,
                        f"{ARCHIVE_MODE:04o}", topology.channel, scope.name if scope else None,
                        left_out=chosen.left_out)


def _disk_full(out: Path, exc: OSError, size: int) -> str:
    """Why the archive could not be written to out (a full disk, or this user's quota), and what to do."""
    folder = out.absolute().parent
    try:
        stats = os.statvfs(folder)
        free = f"{stats.f_bavail * stats.f_frsize} bytes free there"
    except OSError:
        free = "free space unknown"
    return (f"the backup could not be written to {shell_word(out)} ({exc.strerror}): the disk holding "
            f"{shell_word(folder)} is full "
            f"({free}; the data folder's files take {size} bytes before compression). Nothing was written (the "
            f"part written is removed): free space there, or give a path on another disk")


def _write_archive(path: Path, root: Path, manifest: dict, chosen: _Selection) -> None:
    """The archive: its manifest, then each folder and file as the manifest lists them, flushed to disk."""
    text = json.dumps(manifest, indent=1, sort_keys=True).encode()
    with open(path, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(_member(MANIFEST_NAME, len(text), ARCHIVE_MODE, tarfile.REGTYPE, dt.datetime.now().timestamp()),
                        io.BytesIO(text))
            for rel, mode in chosen.folders:
                try:
                    mtime = (root / rel).stat().st_mtime
                except FileNotFoundError:
                    raise _changed(root / rel, "was removed") from None
                tar.addfile(_member(f"{DATA_PREFIX}/{rel}", 0, mode, tarfile.DIRTYPE, mtime))
            for entry in chosen.files:
                _add_file(tar, root, entry, chosen.listed[entry.path])
        raw.flush()
        os.fsync(raw.fileno())


def _add_file(tar: tarfile.TarFile, root: Path, entry: FileEntry, listed: _Stamp) -> None:
    """The file at entry.path as the archive's member, refused (_changed) unless it is as it was listed once
    copied: tarfile copies the size listed, so a file appended to meanwhile (a block file, a Raft log) would be
    kept cut short, its digest taken of the bytes kept, and the archive look whole."""
    source = root / entry.path
    try:
        handle = open(source, "rb")
    except FileNotFoundError:
        raise _changed(source, "was removed") from None
    with handle:
        reading = _Hashing(handle)
        try:
            tar.addfile(_member(f"{DATA_PREFIX}/{entry.path}", entry.size, entry.mode, tarfile.REGTYPE,
                                os.fstat(handle.fileno()).st_mtime), reading)
        except OSError as exc:
            if exc.errno is not None:   # the archive's write (a full disk) or the file's read failed: not a change
                raise
            raise _changed(source) from exc     # tarfile's "unexpected end of data": it shrank
        now = _stamp(os.fstat(handle.fileno()))
    if now != listed:
        raise _changed(source, f"changed ({listed[1]} bytes when listed, {now[1]} once copied)")
    if reading.digest.hexdigest() != entry.sha256:
        raise _changed(source)


def _check_listing_unchanged(root: Path, scope: OrgScope | None, listed: dict[str, _Stamp]) -> None:
    """Refused (_changed) when root, listed again once every file is copied, holds an entry that was not there
    when it was first listed, lacks one, or has one changed: a file made meanwhile is not in the archive."""
    again = {rel: _stamp(info) for rel, info in _considered(root, scope)}
    if again == listed:
        return
    rel = min(rel for rel in again.keys() | listed.keys() if again.get(rel) != listed.get(rel))
    how = "appeared" if rel not in listed else "was removed" if rel not in again else "changed"
    raise _changed(root / rel, how)


def _changed(source: Path, how: str = "changed") -> NetworkError:
    return NetworkError(f"{shell_word(source)} {how} while the data folder was backed up, so a process writes the "
                        f"folder although no node or chaincode server of it runs by its pid files (one started by "
                        f"hand or in a container): stop it (`recfin network down`, or give --stop) and back up again. "
                        f"Nothing was written")


def back_up(net: Network, out: Path, *, org: str | None = None, replace: bool = False,
            stop: bool = False) -> BackupReport:
    """`recfin network backup`: write_backup of net's data folder; with stop, a network that runs is stopped first
    (`down`) and started again after (`up`, also when the backup failed)."""
    root, out = net.data_root, Path(out)
    if org:
        org_scope(net.topology, org)        # an unknown org is refused before anything stops
    _check_request(root, out, replace, net.topology)
    if not stop:
        return write_backup(root, out, topology=net.topology, org=org, replace=replace, supervisor=net.supervisor)
    # The run lock from the stop to the start again (`down`, `up` and write_backup take it again: it is re-entrant
    # within a thread): no other run starts or stops the network in between, and one going on refuses the backup
    # (NetworkRunningError) before anything is stopped, rather than `down` failing and the network called down.
    with _holding_run_lock(root, "recfin network backup"):
        running = running_processes(root, net.supervisor)
        if not running:
            return write_backup(root, out, topology=net.topology, org=org, replace=replace,
                                supervisor=net.supervisor)
        net.say(f"stopping the network to back it up ({first_few(running)} running)")
        try:
            net.down()
        except BaseException as failed:
            if set(running) <= set(running_processes(root, net.supervisor)):
                raise           # it stopped nothing: nothing to start again, and the network is as it was
            _start_again(net, out, failed)
            raise
        try:
            report = write_backup(root, out, topology=net.topology, org=org, replace=replace,
                                  supervisor=net.supervisor)
        except BaseException as failed:
            _start_again(net, out, failed)
            raise
        _start_again(net, out, None)
    report.stopped_and_started = True
    return report


class NetworkLeftDownError(NetworkError):
    """A --stop backup stopped the network and could not start it again: it is down until `recfin network up`."""


def _start_again(net: Network, out: Path, failed: BaseException | None) -> None:
    """`up` after a --stop backup: also after a failed backup, or a stop that stopped some of what ran (what was
    stopped runs again). When that start fails, whatever its error, the operator must learn the network is down
    and whether the archive was written: NetworkLeftDownError says both, the backup's own error (else the
    start's) as its cause."""
    net.say("starting the network again")
    try:
        net.up()
    except Exception as restart:
        written = (f"was not written: {_first_line(failed)}" if failed is not None else "was written")
        raise NetworkLeftDownError(
            f"the backup {shell_word(out)} {written}, but the network stopped for it did not start again "
            f"({_first_line(restart)}): it is down; run `recfin network up`") from (failed or restart)


def _first_line(exc: BaseException) -> str:
    """An error as one line: its text's first line, or its kind when it has no text."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
