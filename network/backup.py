"""Back a stopped network's data folder up into one archive, and restore such an archive into a data folder.

Fabric's own guidance for a node's backup is to stop it, copy its file system path (a peer's
`peer.fileSystemPath`, an orderer's `FileLedger.Location`, `Consensus.WALDir` and `Consensus.SnapDir`), its MSP
and TLS material and its configuration, then start it again: a ledger copied while its node writes it may hold a
block file and a state or Raft log that disagree. Here all of those live under the data folder (nodes/<node>/data,
crypto/, nodes/<node>/config, channel/, config/, chaincode/), so a backup is the data folder, taken only while
nothing of it runs (its pid files, as `status` and `down` read them) and while no other run holds its run lock.

The archive (tar, gzip) holds a manifest first (MANIFEST_NAME: JSON, every file's path, size, mode and sha256, and
every folder's mode), then each folder and file under DATA_PREFIX, in the manifest's order. A restore reads the
whole archive against its manifest before it writes anything, then again as it writes into a temporary folder
beside the target, which is renamed into place: a target that held anything is moved aside, never deleted.
What processes leave behind is not kept (pid files, locks, logs): nothing of it is the ledger, and a pid file
restored would name another run's processes.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import fnmatch
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import shutil
import stat
import tarfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO

from client.atomic_file import check_output_file, staged_file, sync_folder

from . import ccservers, nodeconfig
from .bundle import PUBLIC_SUFFIXES
from .control import DATA_ROOT_MARKER, RUN_LOCK_FILE, STAGED_LEFTOVER, RunLockedError, run_lock
from .errors import NetworkError, first_few
from .membership import LOCK_FILE as MEMBERSHIP_LOCK_FILE, STATE_FILE as MEMBERSHIP_STATE_FILE, locked as membership_locked
from .supervisor import Supervisor
from .topology import Topology

if TYPE_CHECKING:
    from .control import Network

FORMAT = "recfin-network-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "recfin-backup.json"
DATA_PREFIX = "data"
ARCHIVE_MODE = 0o600            # it holds private keys
MANIFEST_LIMIT = 64 << 20       # a manifest larger than this is no manifest of ours: refused before it is read
_CHUNK = 1 << 20

# Left out of every backup: what a process or a run holds while it runs, and what its writers log.
_LEFT_OUT = (
    RUN_LOCK_FILE, MEMBERSHIP_LOCK_FILE,
    str(nodeconfig.node_dirs(Path(), "*").pid), str(nodeconfig.node_dirs(Path(), "*").log),
    str(nodeconfig.node_dirs(Path(), "*").log) + ".1",
    f"chaincode/*/*/{ccservers.SERVER_PID_FILE}", f"chaincode/*/*/{ccservers.SERVER_LOG_FILE}",
    f"chaincode/*/*/{ccservers.SERVER_LOG_FILE}.1",
)

class NetworkRunningError(NetworkError):
    """A node or chaincode server of the data folder runs, or another run holds its run lock: nothing was written."""


class BackupArchiveError(NetworkError):
    """The archive is not one a backup wrote, or not as its manifest says: nothing was written."""


@dataclass(frozen=True)
class FileEntry:
    path: str           # relative to the data folder, with "/"
    size: int
    mode: int
    sha256: str


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
        return [f"backed up {scope}{self.data_root} (channel {self.channel}): {self.files} files, {self.bytes} bytes",
                f"wrote {self.archive} (sha256 {self.sha256}), mode {self.archive_mode}: it holds private keys, "
                f"keep it where only you can read it"]


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

    def lines(self) -> list[str]:
        scope = f"org {self.org}'s part of a data folder" if self.org else "a data folder"
        out = [f"verified {self.archive} (sha256 {self.sha256}): {scope} of channel {self.channel}, backed up "
               f"{self.created}",
               f"restored {self.files} files, {self.bytes} bytes into {self.data_root}"]
        if self.moved_aside is not None:
            out.append(f"what was there is kept in {self.moved_aside}")
        if self.leftovers_removed:
            out.append(f"removed {len(self.leftovers_removed)} folder(s) a restore killed midway left beside it: "
                       f"{first_few([p.name for p in self.leftovers_removed])}")
        for folder in self.leftovers_kept:
            out.append(f"left {folder}: a restore killed midway, or one still running, wrote it (it holds private "
                       f"keys); once no restore runs, remove it with `rm -rf {folder}`")
        for folder in self.interrupted_asides:
            out.append(f"{self.data_root} was not there but {folder} is: a `restore --replace` stopped midway (killed, "
                       f"or the machine went down) moved the data folder there and did not put its own in place. It is "
                       f"kept as it was (it holds private keys): remove it once you no longer need it, or to go back "
                       f"to it, move {self.data_root} aside and `mv {folder} {self.data_root}`")
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
                f"--hostnames`'s): `recfin org bundle {self.org} --data-root {self.data_root}` writes its bundle "
                f"again, to unpack at its install root (docs/deployment.md, section 3)"]


# ---- what runs ---------------------------------------------------------------------------------------------------
def running_processes(data_root: Path, supervisor: Supervisor | None = None) -> list[str]:
    """The nodes and chaincode servers of data_root that run (by their pid files, as `status` and `down` find them),
    and those whose exited process left processes running: each as `name (pid N)`."""
    supervisor = supervisor or Supervisor()
    named = [(pid_file.parent.name, pid_file) for pid_file in nodeconfig.node_pid_files(data_root)] + [
        (ccservers.folder_server_name(pid_file.parent), pid_file) for pid_file in ccservers.server_pid_files(data_root)]
    out = []
    for name, pid_file in named:
        if (pid := supervisor.running_pid(pid_file)) is not None:
            out.append(f"{name} (pid {pid})")
        elif left := supervisor.left_behind(pid_file):
            out.append(f"{name}'s left-running pid {left[0]}")
    return out


def refuse_while_running(data_root: Path, supervisor: Supervisor | None, what: str, hint: str) -> None:
    """NetworkRunningError naming what runs in data_root, if anything does (what: the refused step; hint: what to
    do instead)."""
    running = running_processes(data_root, supervisor)
    if running:
        raise NetworkRunningError(f"refusing to {what} while {len(running)} process(es) of {data_root} run "
                                  f"({first_few(running)}). Nothing was written: {hint}")


@contextmanager
def _holding_run_lock(data_root: Path, what: str) -> Iterator[None]:
    """The data folder's run lock (control.run_lock) for the block: an `up`, `down` or deploy running there is
    refused as a running network is (NetworkRunningError), and none can start while the folder is read or moved."""
    try:
        with run_lock(data_root, what):
            yield
    except RunLockedError as exc:
        raise NetworkRunningError(str(exc)) from exc


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
    return rel.endswith((".key", "_sk")) or "/keystore/" in f"/{rel}/" or b"PRIVATE KEY" in data


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
            raise NetworkError(f"{root} holds the path {_shown(rel)}, {why}: a restore would refuse it. Nothing "
                               f"was written: move it out of the data folder")
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
            raise NetworkError(f"{root / rel} is {kind}: a backup holds regular files and folders only (a restore "
                               f"refuses anything else). Nothing was written: replace it with what it stands for, "
                               f"or move it out of the data folder")
    return chosen


# ---- writing ---------------------------------------------------------------------------------------------------
class _Hashing:
    """A file read or written through it, its bytes digested on the way."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.digest = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        self.count += len(data)
        return data


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


def _check_request(root: Path, out: Path, replace: bool) -> None:
    """Refused before anything is stopped or written: no network in root, or out is not a file that may be
    written (there already without --replace, a folder, inside the data folder itself)."""
    if not (root / "crypto").is_dir():
        raise NetworkError(f"no network in {root} (no crypto/ there): give --data-root the folder `recfin network "
                           f"up` wrote (or the --topology it ran with)")
    if (problem := check_output_file(out)) is not None:
        raise NetworkError(f"cannot write the backup to {out}: {problem}")
    if out.exists() and not replace:
        raise NetworkError(f"{out} exists: nothing was written; give another file, or --replace to write over it")
    if out.absolute().parent.resolve().is_relative_to(root.resolve()):
        raise NetworkError(f"{out} is inside the data folder {root}, which the backup reads: write it elsewhere")


def write_backup(data_root: Path, out: Path, *, topology: Topology, org: str | None = None, replace: bool = False,
                 supervisor: Supervisor | None = None) -> BackupReport:
    """Write the archive of the stopped network's data folder (of one org's part, given org) to out, atomically
    and mode 0600. NetworkRunningError while a node or server of it runs (or another run holds its lock), and
    NetworkError when out exists (without replace) or the folder holds a symlink: nothing written either way."""
    root, out = Path(data_root).absolute(), Path(out)
    scope = org_scope(topology, org) if org else None
    _check_request(root, out, replace)
    # membership.lock too: `org user add` and `revoke` change crypto/ and membership.yaml with the network stopped,
    # holding only that lock; waited for, so the archive holds a change whole or not at all.
    with _holding_run_lock(root, "recfin network backup"), membership_locked(root):
        refuse_while_running(root, supervisor, "back up", _WHILE_RUNNING_HINT)
        chosen = _select(root, scope)
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "recfin_version": _recfin_version(),
            "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
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
            raise NetworkError(f"{out} appeared while the backup was written: it is left as it is; give another "
                               f"file, or --replace") from None
    sync_folder(out.absolute().parent)
    return BackupReport(out, root, len(chosen.files), sum(e.size for e in chosen.files), digest,
                        f"{ARCHIVE_MODE:04o}", topology.channel, scope.name if scope else None,
                        left_out=chosen.left_out)


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
        except OSError as exc:      # tarfile's "unexpected end of data": it shrank
            raise _changed(source) from exc
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
    return NetworkError(f"{source} {how} while the data folder was backed up, so a process writes the folder "
                        f"although no node or chaincode server of it runs by its pid files (one started by hand or "
                        f"in a container): stop it (`recfin network down`, or give --stop) and back up again. "
                        f"Nothing was written")


def back_up(net: Network, out: Path, *, org: str | None = None, replace: bool = False,
            stop: bool = False) -> BackupReport:
    """`recfin network backup`: write_backup of net's data folder; with stop, a network that runs is stopped first
    (`down`) and started again after (`up`, also when the backup failed)."""
    root, out = net.data_root, Path(out)
    if org:
        org_scope(net.topology, org)        # an unknown org is refused before anything stops
    _check_request(root, out, replace)
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
            f"the backup {out} {written}, but the network stopped for it did not start again "
            f"({_first_line(restart)}): it is down; run `recfin network up`") from (failed or restart)


def _first_line(exc: BaseException) -> str:
    """An error as one line: its text's first line, or its kind when it has no text."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---- reading ---------------------------------------------------------------------------------------------------
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _bad(archive: Path, why: str) -> BackupArchiveError:
    return BackupArchiveError(f"refusing to restore {archive}: {why}. Nothing was written")


# The longest path a manifest may list: Linux's PATH_MAX, and far more parts than any data folder's path has. Checked
# first: each path's parents are looked up, which on a path of 20,000 parts (a 400-byte gzip) takes minutes.
_PATH_BYTES_LIMIT = 4096
_PATH_PARTS_LIMIT = 256


def _too_long(rel: str) -> str | None:
    """Why rel is longer than a backup's path may be, or None."""
    size, parts = len(rel.encode(errors="surrogatepass")), rel.count("/") + 1
    if size > _PATH_BYTES_LIMIT or parts > _PATH_PARTS_LIMIT:
        return (f"{size} bytes in {parts} parts, more than a backup's path may be ({_PATH_BYTES_LIMIT} bytes, "
                f"{_PATH_PARTS_LIMIT} parts)")
    return None


def _shown(rel: str) -> str:
    """rel for a message, its start only when long."""
    return repr(rel) if len(rel) <= 100 else f"{rel[:100]!r}..."


def _safe_path(archive: Path, rel: object) -> str:
    """rel as a path inside the data folder: relative, with no empty, `.` or `..` part, not too long (else
    refused)."""
    if isinstance(rel, str) and (why := _too_long(rel)) is not None:
        raise _bad(archive, f"the path {_shown(rel)} is {why}")
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\0" in rel or any(
            part in ("", ".", "..") for part in rel.split("/")):
        raise _bad(archive, f"the path {rel!r} leads outside the data folder")
    return rel


def _whole(value: object, top: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top


@dataclass(frozen=True)
class Manifest:
    channel: str
    org: str | None
    created: str
    data_root_mode: int
    folders: dict[str, int]             # path -> mode, in the archive's order
    files: dict[str, FileEntry]         # path -> entry, in the archive's order


def _parse_manifest(archive: Path, text: bytes) -> Manifest:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):     # RecursionError: arrays nested deeper than the interpreter's stack
        raise _bad(archive, f"its {MANIFEST_NAME} is not JSON") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(archive, f"its {MANIFEST_NAME} is not a recfin network backup's manifest")
    if doc.get("format_version") != FORMAT_VERSION:
        raise _bad(archive, f"its manifest is format version {doc.get('format_version')!r}, which this recfin "
                            f"(format {FORMAT_VERSION}) cannot read: restore it with the recfin that wrote it "
                            f"({doc.get('recfin_version')})")
    folders: dict[str, int] = {}
    files: dict[str, FileEntry] = {}
    try:
        for item in doc["folders"]:
            path = _safe_path(archive, item["path"])
            if not _whole(item["mode"], 0o777) or path in folders:
                raise _bad(archive, f"its manifest lists the folder {path!r} twice or with a mode out of range")
            folders[path] = item["mode"]
        for item in doc["files"]:
            path = _safe_path(archive, item["path"])
            entry = FileEntry(path, item["size"], item["mode"], item["sha256"])
            if not (_whole(entry.size, 1 << 62) and _whole(entry.mode, 0o777) and isinstance(entry.sha256, str)
                    and _HEX64.fullmatch(entry.sha256)) or path in files or path in folders:
                raise _bad(archive, f"its manifest lists the file {path!r} twice or with a malformed size, mode or "
                                    f"digest")
            files[path] = entry
        channel, org, created, root_mode = doc["channel"], doc["org"], doc["created"], doc["data_root_mode"]
    except (KeyError, TypeError):
        raise _bad(archive, "its manifest lacks a field every backup's has") from None
    if not (isinstance(channel, str) and (org is None or isinstance(org, str)) and isinstance(created, str)
            and _whole(root_mode, 0o777)):
        raise _bad(archive, "its manifest's channel, org, date or folder mode is malformed")
    for path in [*folders, *files]:
        parents = PurePosixPath(path).parents
        if any(str(parent) in files for parent in parents):
            raise _bad(archive, f"its manifest lists {path!r} inside a file")
    return Manifest(channel, org, created, root_mode, folders, files)


_REGULAR = (tarfile.REGTYPE, tarfile.AREGTYPE)
_KINDS = {tarfile.SYMTYPE: "a symlink", tarfile.LNKTYPE: "a hard link", tarfile.CHRTYPE: "a character device",
          tarfile.BLKTYPE: "a block device", tarfile.FIFOTYPE: "a FIFO"}


# What a member's header may take in the unpacked tar stream: 512 bytes, and a pax header for a long path (at most
# PATH_MAX), with the padding of the member before it. tarfile reads the stream a record (10 KiB) ahead.
_HEADER_ROOM = 8 << 10
_READ_AHEAD = tarfile.RECORDSIZE


class _Bounded:
    """The unpacked tar stream, read through it and refused (BackupArchiveError) once a header takes more than
    _HEADER_ROOM or a member more than its size says: a gzip bomb (a huge pax header, which tarfile would read whole
    and search by a regular expression that backtracks) is refused as one, before it fills the memory or the CPU."""

    def __init__(self, handle: BinaryIO, archive: Path):
        self.handle, self.archive = handle, archive
        self.count = 0
        self.limit = 0
        self.header()

    def header(self) -> None:
        """What tar.next() may read from here: a header."""
        self.limit = self.count + _HEADER_ROOM + _READ_AHEAD

    def member(self, size: int) -> None:
        """What reading the member just found may read from here: its size, padded to tar's 512-byte blocks."""
        self.limit = self.count + -(-size // 512) * 512 + _READ_AHEAD

    def read(self, size: int = -1) -> bytes:
        room = self.limit - self.count
        data = self.handle.read(room + 1 if size < 0 or size > room else size)
        self.count += len(data)
        if self.count > self.limit:
            raise _bad(self.archive, f"a header or member in it unpacks to more than a backup writes (past byte "
                                     f"{self.limit} of the tar stream), as a gzip bomb does")
        return data


def _read_archive(archive: Path, *, into: Path | None = None) -> tuple[Manifest, str]:
    """Read the archive against its manifest (the manifest and the archive's own sha256), every member checked:
    listed, a regular file or folder inside the data folder, of its listed size and digest, none twice, none
    listed missing, no header or member unpacked beyond what a backup writes (_Bounded). With into, each folder
    and file is also written there (files mode 0600 until restore sets theirs), as it is read: a member found wrong
    after it was written leaves what into holds to be deleted; a write that fails is RestoreWriteError."""
    with open(archive, "rb") as raw:
        reading = _Hashing(raw)
        try:
            unpacked = _Bounded(gzip.GzipFile(fileobj=reading, mode="rb"), archive)
            with tarfile.open(fileobj=unpacked, mode="r|") as tar:
                manifest = _manifest_member(archive, tar, unpacked)
                _members(archive, tar, unpacked, manifest, into)
            while reading.read(_CHUNK):     # the rest of the file (gzip's end), for the archive's own digest
                pass
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            if isinstance(exc, OSError) and exc.filename is not None:
                raise       # the disk being written, not the archive
            raise _bad(archive, f"it is not a whole gzip tar archive ({exc})") from None
    return manifest, reading.digest.hexdigest()


def _manifest_member(archive: Path, tar: tarfile.TarFile, unpacked: _Bounded) -> Manifest:
    first = tar.next()
    if first is None or first.name != MANIFEST_NAME or first.type not in _REGULAR:
        raise _bad(archive, f"its first member is not {MANIFEST_NAME}, so it is not an archive `recfin network "
                            f"backup` wrote")
    if first.size > MANIFEST_LIMIT:
        raise _bad(archive, f"its {MANIFEST_NAME} is {first.size} bytes, more than any backup's")
    unpacked.member(first.size)
    return _parse_manifest(archive, tar.extractfile(first).read())


def _members(archive: Path, tar: tarfile.TarFile, unpacked: _Bounded, manifest: Manifest,
             into: Path | None) -> None:
    seen: set[str] = set()
    prefix = f"{DATA_PREFIX}/"
    while True:
        unpacked.header()
        if (member := tar.next()) is None:
            break
        if not member.name.startswith(prefix):
            raise _bad(archive, f"its member {member.name!r} lies outside its {prefix} folder")
        rel = _safe_path(archive, member.name[len(prefix):])
        if rel in seen:
            raise _bad(archive, f"it holds {rel!r} twice")
        seen.add(rel)
        if member.type == tarfile.DIRTYPE:
            if rel not in manifest.folders:
                raise _bad(archive, f"it holds the folder {rel!r}, which its manifest does not list")
            if into is not None:
                with _writing(archive, into, rel):
                    os.makedirs(into / rel, mode=0o700, exist_ok=True)
            continue
        if member.type not in _REGULAR:
            kind = _KINDS.get(member.type, f"of tar type {member.type!r}")
            raise _bad(archive, f"its member {rel!r} is {kind}: a backup holds regular files and folders only")
        entry = manifest.files.get(rel)
        if entry is None:
            raise _bad(archive, f"it holds the file {rel!r}, which its manifest does not list")
        if member.size != entry.size:
            raise _bad(archive, f"{rel!r} is {member.size} bytes, its manifest says {entry.size}")
        unpacked.member(member.size)
        source = tar.extractfile(member)
        digest = hashlib.sha256()
        target = None
        if into is not None:
            with _writing(archive, into, rel):
                target = _open_new(into / rel)
        try:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                if target is not None:
                    with _writing(archive, into, rel):
                        _write_all(target, chunk)
            if target is not None:
                with _writing(archive, into, rel):
                    os.fsync(target)
        finally:
            if target is not None:
                os.close(target)
        if digest.hexdigest() != entry.sha256:
            raise _bad(archive, f"{rel!r} does not match its digest in the manifest (changed since the backup)")
    missing = sorted((set(manifest.folders) | set(manifest.files)) - seen)
    if missing:
        raise _bad(archive, f"its manifest lists {len(missing)} entries the archive lacks ({first_few(missing)})")


class RestoreWriteError(NetworkError):
    """Writing the restored files failed (a full or read-only disk), not the archive: nothing was restored."""


@contextmanager
def _writing(archive: Path, into: Path, rel: str) -> Iterator[None]:
    """An OSError while rel is written into the restore's folder into, as what it is: the disk's, not the archive's
    (which was read whole and checked before anything was written)."""
    try:
        yield
    except OSError as exc:
        raise RestoreWriteError(
            f"could not restore {archive}: writing {rel} into {into} failed ({exc.strerror or exc}). The archive is "
            f"fine (checked whole before anything was written); the disk of {into.parent} is full or not writable. "
            f"Nothing was restored (what was written is removed): free space there, or restore elsewhere") from exc


def _open_new(path: Path) -> int:
    """A new file at path (never through a link, never over one), its parents made owner-only until restored."""
    os.makedirs(path.parent, mode=0o700, exist_ok=True)
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]


def verify_archive(archive: Path) -> tuple[Manifest, str]:
    """The archive's manifest and sha256 once every member is checked against it (BackupArchiveError otherwise)."""
    return _read_archive(Path(archive))


# ---- restoring -------------------------------------------------------------------------------------------------
def aside_path(target: Path, now: dt.datetime | None = None) -> Path:
    """Where `restore --replace` moves what target held: DIR.before-restore-<UTC timestamp>, a number added when a
    restore of the same second moved one there already."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    aside = target.with_name(f"{target.name}.before-restore-{stamp}")
    number = 2
    while aside.exists() or aside.is_symlink():
        aside = target.with_name(f"{target.name}.before-restore-{stamp}-{number}")
        number += 1
    return aside


def _asides(target: Path) -> list[Path]:
    """The folders beside target a `restore --replace` moved a data folder of its name to (aside_path's names)."""
    wanted = re.compile(rf"{re.escape(target.name)}\.before-restore-\d{{8}}T\d{{6}}Z(-\d+)?")
    try:
        return sorted(p for p in target.parent.iterdir() if wanted.fullmatch(p.name) and p.is_dir()
                      and not p.is_symlink())
    except FileNotFoundError:
        return []


def _holds_anything(target: Path) -> bool:
    """Whether target is there and holds anything (NetworkError when it is there and not a folder)."""
    if not target.exists() and not target.is_symlink():
        return False
    if target.is_symlink():
        # The restored folder is renamed to target's name, which would replace the link, not fill what it leads to.
        leads_to = target.resolve()
        there = "" if leads_to.is_dir() else " (no folder is there)"
        raise NetworkError(f"{target} is a symlink to {leads_to}{there}: a restore renames its new folder into "
                           f"the place of --data-root, which would replace the link. Nothing was written: give "
                           f"--data-root {leads_to} itself")
    if not target.is_dir():
        raise NetworkError(f"{target} is not a folder: give --data-root a new or empty folder to restore into")
    if _is_mount_point(target):
        # The new folder is written beside it, on the parent's disk (whose free space was checked), and renamed
        # into its place, which needs the mount point gone: the rename fails (EBUSY) once everything is written.
        raise NetworkError(f"refusing to restore into {target}: it is a mount point, and a restore writes its new "
                           f"folder beside the data folder (on {target.parent}'s disk) and renames it into its place, "
                           f"which a mount point cannot give up. Nothing was written: restore into a new folder "
                           f"inside it (--data-root {target / 'network'}) and point the topology's data_root (or "
                           f"--data-root) at that")
    return any(target.iterdir())


def _is_mount_point(folder: Path) -> bool:
    """Whether folder is a mount point: on another device than its parent, or listed as one (a bind mount of a
    folder of the same file system is on the same device)."""
    if os.path.ismount(folder):
        return True
    try:
        mountinfo = Path("/proc/self/mountinfo").read_text(errors="replace")
    except OSError:
        return False        # not Linux, or no /proc: ismount is all there is
    real = str(folder.resolve())
    # The 5th field is the mount point, with a space, tab, newline and backslash written as octal escapes.
    return any(len(fields := line.split(" ")) > 4 and _unescape_mount(fields[4]) == real
               for line in mountinfo.splitlines())


def _unescape_mount(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def restore_backup(archive: Path, data_root: Path, *, replace: bool = False,
                   supervisor: Supervisor | None = None) -> RestoreReport:
    """Restore the archive `backup` wrote into data_root. Refused, nothing written, when data_root holds anything
    (unless replace: then it is moved aside whole, to aside_path, never deleted; refused while its network runs)
    and when the archive does not match its manifest (read whole before anything is written). The files are
    written into a new folder beside data_root, their modes restored, and that folder renamed into place."""
    archive, target = Path(archive), Path(data_root).absolute()
    if not archive.is_file():
        raise NetworkError(f"{archive} is not a file: give the archive `recfin network backup` wrote")
    holds = _holds_anything(target)
    if holds and not replace:
        raise NetworkError(f"refusing to restore into {target}: it is not empty. Nothing was written: give "
                           f"--data-root a new or empty folder, or --replace to move what is there aside to "
                           f"{target.name}.before-restore-<timestamp>")
    not_over_a_running_network = (
        "stop it with `recfin network down` (the same --topology or data folder), then restore again")
    if holds:
        refuse_while_running(target, supervisor, f"restore over {target}", not_over_a_running_network)
    manifest, digest = verify_archive(archive)
    interrupted = [] if target.exists() or target.is_symlink() else _asides(target)
    removed, kept = _sweep_leftovers(target)
    _check_room(archive, target, manifest)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}{_STAGING_MARK}{secrets.token_hex(4)}")
    os.mkdir(staging, 0o700)
    held = _hold(staging)       # a restore's own, while it writes: _sweep_leftovers leaves it
    try:
        again, read_digest = _read_archive(archive, into=staging)
        if read_digest != digest:
            raise _bad(archive, "it changed while it was restored")
        _set_modes(staging, again)
        moved_aside = _swap_in(staging, target, holds, supervisor, not_over_a_running_network)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(held)
    sync_folder(target.parent)
    files = list(manifest.files.values())
    return RestoreReport(archive, target, len(files), sum(e.size for e in files), digest, manifest.channel,
                         manifest.org, manifest.created, moved_aside, removed, kept, interrupted)


def _check_room(archive: Path, target: Path, manifest: Manifest) -> None:
    """Refused, nothing written, when the manifest's files cannot fit in the free space of target's disk."""
    needed = sum(entry.size for entry in manifest.files.values())
    there = next(folder for folder in (target.parent, *target.parents) if folder.is_dir())
    free = shutil.disk_usage(there).free
    if needed > free:
        raise NetworkError(f"refusing to restore {archive} into {target}: its files take {needed} bytes and the "
                           f"disk of {there} has {free} free. Nothing was written: free space there, or restore "
                           f"into a folder on another disk")


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
        shutil.rmtree(folder)
    except OSError:
        return False        # held by a running restore, or not ours to remove: named in the report
    finally:
        os.close(descriptor)
    return True


def _set_modes(staging: Path, manifest: Manifest) -> None:
    """Every file's and folder's mode as the manifest records it, folders deepest first (a folder made read-only
    before what it holds would refuse the rest)."""
    for entry in manifest.files.values():
        os.chmod(staging / entry.path, entry.mode)
    for path in sorted(manifest.folders, key=lambda p: p.count("/"), reverse=True):
        os.chmod(staging / path, manifest.folders[path])
    os.chmod(staging, manifest.data_root_mode)


def _swap_in(staging: Path, target: Path, holds: bool, supervisor: Supervisor | None, hint: str) -> Path | None:
    """Rename the restored staging folder to target, what target held moved aside first (its name returned); what
    was moved aside goes back when the rename fails. A network of target started since it was checked is refused."""
    if not holds:
        if target.is_dir():
            target.rmdir()      # empty: a rename takes its place
        os.rename(staging, target)
        return None
    # membership.lock too (see write_backup): a change under way finishes before the folder is moved aside.
    with _holding_run_lock(target, "recfin network restore"), membership_locked(target):
        refuse_while_running(target, supervisor, f"restore over {target}", hint)
        aside = aside_path(target)
        os.rename(target, aside)
        try:
            os.rename(staging, target)
        except BaseException:
            os.rename(aside, target)
            raise
    return aside
