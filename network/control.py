"""`Network`: the one object that brings the topology up, down, reports it and deploys chaincode.

Each step prints one line through `say` (the CLI passes click.echo). Every wait polls a
real signal against a deadline: /healthz for health, Raft's is_leader metric for the
leader, block heights (metrics, falling back to the CLIs) for catch-up.
"""
from __future__ import annotations

import errno
import fcntl
import fnmatch
import functools
import hashlib
import os
import re
import shutil
import stat
import tempfile
import threading
import traceback
from collections.abc import Callable, Collection, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from chaincode.receivables.config import untagged_version
from client.atomic_file import make_folders, write_atomically
from client.user_files import on_one_line, special_kind

from . import (builder, bundle, ccservers, channel, compose, configtx, contract_config, crypto, membership,
               namespaces, nodeconfig, packaging, probes, profiles, supervisor)
from .errors import (ChaincodeError, DataRootNotWritable, MissingBinariesError, NetworkError, NodeNotFoundError,
                     NodeTimeoutError, ProcessesNotStoppedError, first_few, shell_word, shell_words)
from .fabric_bin import REPO_ROOT, FabricInstall
from .flock_wait import flock_within
from .lifecycle import (Definition, Lifecycle, check_name_and_version, compiled_signature_policy,
                        next_sequence, same_signature_policy)
from .org_stranded import _deploy_command
from .ports import ensure_free
from .restore_asides import asides_of
from .supervisor import ROTATED_LOGS, ProcessSpec, Stopped, Supervisor, log_hint
from .tools import Tools, inherited_env
from .topology import OPERATIONS_PORT_SHIFT, Node, PeerOrgSpec, Topology, load as load_topology


@dataclass
class NodeStatus:
    name: str
    org: str            # MSP ID
    kind: str           # orderer, peer, chaincode
    address: str
    pid: int | None
    healthy: bool
    height: int | None
    log: Path
    # False for a node that runs while the topology no longer names it (its org taken out of topology.yaml or
    # removed from the channel since it started): shown so the operator sees what holds its ports and ledger,
    # not counted in the network's health; `down` stops it.
    in_topology: bool = True
    # The certificates it relies on that end within 90 days or have ended: its org's CA, TLS CA and admin
    # certificates, a node's own signing and TLS certificates, and a chaincode server's TLS pair and the client
    # certificate its org's peers present to it.
    certificates_ending: list[crypto.CertificateEnd] = field(default_factory=list)
    # True for one whose process exited without `recfin network down` (Supervisor.exited): crashed, killed, or gone
    # with a restart of the machine; its log says why, and `up` starts it again.
    exited: bool = False
    # True for what `status` counts in its exit status: an orderer or peer of the topology, and a server of a
    # committed chaincode for an org with a package of it (its peer dials that server for every transaction of the
    # chaincode, which fails while it is down). A node outside the topology is not, nor a server the network does
    # not run: of an org that joined after the deploy (no package yet), or of a deploy stopped before its commit.
    counted: bool = True

    def __post_init__(self) -> None:
        self.counted = self.counted and self.in_topology


def _chaincode_tls_owner(msp_id: str) -> str:
    """Network.certificates_ending's key for a peer org's chaincode server TLS certificates (one pair per org, for
    every chaincode's server of it): apart from its MSP ID's, which each row of the org takes."""
    return f"{msp_id} chaincode servers"


@dataclass
class DeployResult:
    name: str
    version: str
    sequence: int
    changed: bool
    package_ids: dict[str, str] = field(default_factory=dict)


# The file `up` and `prepare` write into a data folder, and the proof `down --purge` takes that the folder is the
# network's to delete whole. It is written only into a folder that is new, empty or already the network's
# (mark_data_root), so its text says so; a mark of another text was left by an earlier version, which marked
# any folder it was given, and is not proof on its own (purge_refusal).
DATA_ROOT_MARKER = ".recfin-data-root"
MARKER_TEXT = ("A recfin network's data folder, marked when it was new, empty or held only what the network writes: "
               "`recfin network down --purge` deletes this folder and everything in it.\n")

# What the network writes in a data folder, as its writers lay it out: a name (or fnmatch pattern) per entry of a
# folder, and what that entry is. A folder of an older version (before the marker, or marked by one that marked
# any folder) is taken as a data folder only when everything in it is found here, down to these depths.
_FILE = "file"
_STAGED = "staged"      # a file written through client.atomic_file.staged_file: a killed run leaves `.<name>.<hex>.tmp`
_ANY_FOLDER = "any"     # a folder whose content Fabric writes (a node's ledger)


def _org_folder(path: Path) -> bool:
    """An org's folder the generator writes under crypto/: its CA's certificate, or its verifying MSP's, or the CA
    key alone (a run stopped before the certificate: the generator resumes from that key)."""
    org = crypto.OrgCrypto(path, domain="")
    return org.ca_cert.is_file() or org.ca_key.is_file() or (org.msp_dir / "cacerts").is_dir()


def _bundle_folder(path: Path) -> bool:
    """An org's bundle (`org bundle`), an empty folder it is written into, or one its writer renames in or aside."""
    return (path / bundle.MANIFEST).is_file() or not any(path.iterdir()) or (
        path.name.startswith(".") and path.suffix in (".new", ".old"))


# As "Folders" in docs/network.md lays them out; the files by the names their writers' modules give them. The
# `*.tmp` names are what a run killed mid-write left before writes went through staged_file.
RUN_LOCK_FILE = "network.lock"    # run_lock's
_DATA_ROOT_LAYOUT: dict = {
    DATA_ROOT_MARKER: _STAGED,
    membership.STATE_FILE: _STAGED,
    Path(membership.STATE_FILE).with_suffix(".tmp").name: _FILE,
    membership.LOCK_FILE: _FILE,
    RUN_LOCK_FILE: _FILE,
    "crypto": {"*": _org_folder},
    "nodes": {"*": {"config": {"core.yaml": _STAGED, "orderer.yaml": _STAGED}, "data": _ANY_FOLDER,
                    "node.log": _FILE, f"node.log{ROTATED_LOGS}": _FILE, "node.pid": _STAGED}},
    "profiles": {"*.json": _STAGED, ".*.json.tmp": _FILE},
    "channel": {"*.block": _FILE, "updates": {"*.block": _FILE, "*.tx": _STAGED, "*.json": _STAGED}},
    "config": {"configtx.yaml": _STAGED},
    "chaincode": {"*": {"deployment.json": _STAGED, "committed_collections.json": _STAGED,
                        contract_config.CONFIG_FILE: _STAGED, contract_config.COLLECTIONS_FILE: _STAGED,
                        contract_config.SERVED_CONFIG_FILE.format("*"): _STAGED,
                        f"{contract_config.CONFIG_FILE}.tmp": _FILE, f"{contract_config.COLLECTIONS_FILE}.tmp": _FILE,
                        ccservers.PORT_OFFSET_FILE: _STAGED,
                        "*": {"*.tar.gz": _STAGED, compose.CHAINCODE_ENV: _STAGED,
                              ccservers.SERVER_PID_FILE: _STAGED, ccservers.SERVER_LOG_FILE: _FILE,
                              f"{ccservers.SERVER_LOG_FILE}{ROTATED_LOGS}": _FILE}}},
    "builder": {"bin": {name: _FILE for name in builder.SCRIPTS}},
    "bundles": {"*": _bundle_folder},
}
# The entries at the top of a data folder, which `down --purge` names when it refuses.
DATA_ROOT_ENTRIES = frozenset(_DATA_ROOT_LAYOUT) - {DATA_ROOT_MARKER}
# Before anything else, `up` and `prepare` may have written only these (`org` commands' record and its lock).
_FIRST_WRITES = {DATA_ROOT_MARKER: _STAGED, membership.STATE_FILE: _STAGED, membership.LOCK_FILE: _FILE,
                 RUN_LOCK_FILE: _FILE}
STAGED_LEFTOVER = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.tmp")  # staged_file's temporary name


def _fits(path: Path, kind) -> bool | None:
    """Whether the entry path is what kind says; None when kind is a folder layout (checked entry by entry)."""
    if kind == _FILE or kind == _STAGED:
        return path.is_file()
    if not path.is_dir():
        return False
    return None if isinstance(kind, dict) else kind == _ANY_FOLDER or kind(path)


def _unlike_the_networks(folder: Path, layout: dict, shown: str = "") -> list[str]:
    """The entries under folder (shown as paths relative to the data folder, sorted) that layout does not have: a
    name no pattern matches, or one where the network writes another kind of entry."""
    out = []
    for path in sorted(folder.iterdir()):
        name = f"{shown}{path.name}"
        kinds = [kind for pattern, kind in layout.items() if fnmatch.fnmatchcase(path.name, pattern)]
        leftover = STAGED_LEFTOVER.fullmatch(path.name)
        if leftover and path.is_file() and any(kind == _STAGED and fnmatch.fnmatchcase(leftover["name"], pattern)
                                               for pattern, kind in layout.items()):
            continue
        for kind in kinds:
            fits = _fits(path, kind)
            if fits is None:
                out += _unlike_the_networks(path, kind, f"{name}/")
            if fits is not False:
                break
        else:
            out.append(name)
    return out


def _laid_out_as_data_root(root: Path) -> list[str] | None:
    """None when the existing folder root is laid out as the network's: nothing but what the network writes, and
    its crypto/ (or, before anything else, only the membership record and its lock). Else what it holds that the
    network does not write there ([] when that is only the missing crypto/)."""
    foreign = _unlike_the_networks(root, _DATA_ROOT_LAYOUT)
    if foreign:
        return foreign
    return None if (root / "crypto").is_dir() or not _unlike_the_networks(root, _FIRST_WRITES) else []


def _not_a_data_folder(foreign: list[str]) -> str:
    return f"it holds {first_few(foreign)}" if foreign else "it holds no crypto/"


def _stopped_purge_hint(root: Path, foreign: list[str]) -> str:
    """What a refusal adds for an unmarked folder holding nothing but entries under the names the network writes:
    an earlier version's `down --purge` deleted the mark among the first, so stopped midway it left such a folder."""
    if (root / DATA_ROOT_MARKER).exists() or not foreign or any("/" not in entry for entry in foreign):
        return ""
    return (f" (an earlier version's `recfin network down --purge` stopped midway leaves a folder like this: if that "
            f"is what {root} is, delete it by hand)")


def _marked(root: Path) -> bool:
    """Whether root carries this version's data-folder mark (mark_data_root)."""
    marker = root / DATA_ROOT_MARKER
    return marker.is_file() and marker.read_text(errors="replace") == MARKER_TEXT


def data_root_problem(root: Path) -> str | None:
    """Why no network can have ``root`` as its data folder, or None: it, or the first of its parents that exists, is
    a file (RECFIN_HOME naming a file makes ``<file>/network`` the data folder), where making it would fail with
    "File exists" and reading it with "Not a directory", naming no setting. A symbolic link is followed, one to a
    folder not there too (`down --purge` of a data folder that is a link deletes the folder it points to, and
    mark_data_root makes that anew)."""
    followed = Path(os.path.realpath(root))
    for folder in (followed, *followed.parents):
        if os.path.lexists(folder):
            if os.path.isdir(folder):
                return None
            where = "is a file" if folder == followed else f"is inside {folder}, which is a file"
            return (f"the data folder {root} {where}: point --data-root, the topology's data_root or RECFIN_HOME at a "
                    f"new or empty folder")
    return None


def mark_data_root(data_root: Path) -> None:
    """Make the folder (if needed) and mark it as a network data folder, which `down --purge` may delete whole.

    Only a folder that is new, empty, marked by this version or laid out as the network's is marked: any other
    (one an earlier version marked too, as it marked any folder) is refused (NetworkError naming what it holds)
    before anything is written, since the mark would hand the operator's own files there to `down --purge`."""
    root = Path(data_root)
    marker = root / DATA_ROOT_MARKER
    if _marked(root):
        return      # the network's already
    if (problem := data_root_problem(root)) is not None:
        raise NetworkError(problem)
    if root.is_dir() and any(root.iterdir()) and (foreign := _laid_out_as_data_root(root)) is not None:
        earlier = (f" (its {DATA_ROOT_MARKER} was written by an earlier version, which marked whatever folder it "
                   f"was given)" if marker.is_file() else "")
        raise NetworkError(
            f"refusing to use {root} as the network's data folder: {_not_a_data_folder(foreign)}, which the network "
            f"did not write{earlier}, and `recfin network down --purge` deletes its data folder whole. Nothing was "
            f"written: point --data-root, the topology's data_root or RECFIN_HOME at a new or empty folder, or move "
            f"those entries out{_stopped_purge_hint(root, foreign)}")
    make_folders(os.path.realpath(root))    # a link's folder, where the link is left pointing to none
    write_atomically(marker, MARKER_TEXT)


def purge_refusal(root: Path) -> str | None:
    """Why `down --purge` must not delete the folder root (resolved), or None when it may."""
    repo, data_folders = REPO_ROOT.resolve(), (REPO_ROOT / ".recfin").resolve()
    if root in {Path("/").resolve(), Path.home().resolve()} or len(root.parts) < 3:
        return "it is not a folder of its own"
    if repo.is_relative_to(root):
        return f"it holds the repository {repo}"
    in_data_folders = root != data_folders and root.is_relative_to(data_folders)
    if root.is_relative_to(repo) and not in_data_folders:
        return (f"it is inside the repository {repo}, whose only data folders are under {data_folders}: point "
                f"RECFIN_HOME or the topology's data_root outside the repository")
    if not root.is_dir():
        return "it is not a folder"
    marker = root / DATA_ROOT_MARKER
    if marker.is_file() and marker.read_text(errors="replace") == MARKER_TEXT:
        return None
    foreign = _unlike_the_networks(root, _DATA_ROOT_LAYOUT)
    if (root / "crypto").is_dir() and not foreign:
        return None         # a data folder an older version made (with its mark or before the mark)
    if marker.is_file():
        return (f"its {DATA_ROOT_MARKER} was written by an earlier version, which marked whatever folder it was "
                f"given, and the folder does not look like a network data folder ({_not_a_data_folder(foreign)})")
    return (f"it has no {DATA_ROOT_MARKER} (which `recfin network up` and `prepare` write) and does not look like "
            f"a network data folder ({_not_a_data_folder(foreign)})")


def data_root_removal_refused(data_root: Path) -> NetworkError | None:
    """The error `down --purge` refuses to delete the data folder with (purge_refusal), or None when it may (or the
    folder is gone). Checked before anything of a purge is deleted, so a refusal can truly say nothing was."""
    root = Path(data_root).resolve()
    if not root.exists() or not (reason := purge_refusal(root)):
        return None
    written = sorted(name for name in DATA_ROOT_ENTRIES | {DATA_ROOT_MARKER} if (root / name).exists())
    hint = _stopped_purge_hint(root, _unlike_the_networks(root, _DATA_ROOT_LAYOUT)) if root.is_dir() else ""
    return NetworkError(f"refusing to delete {root}: {reason}. Nothing was deleted" + (
        f": remove by hand what the network wrote there ({', '.join(written)})" if written else "") + hint)


def purge_aside(root: Path) -> Path:
    """Where `down --purge` moves the data folder root (resolved) to delete it: beside it, hidden."""
    return root.with_name(f".{root.name}.purging")


def _delete_mark_last(folder: Path) -> None:
    """Delete the marked folder and everything in it, its mark last: a deletion stopped midway leaves a folder
    that still carries the mark, which `up` and `down --purge` take as the network's."""
    for entry in folder.iterdir():
        if entry.name == DATA_ROOT_MARKER:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    (folder / DATA_ROOT_MARKER).unlink(missing_ok=True)
    folder.rmdir()


def remove_data_root(data_root: Path, say: Callable[[str], None]) -> None:
    """Delete a network's data folder (`down --purge`): only one marked as such by `up` or `prepare` (or laid out as
    an older version's), never one in the repository's source nor one holding it.

    Marked first (an older version's folder is proven the network's by then), then moved aside in one rename, so
    the data folder is gone at once: `up` starts anew whenever the deletion stops, and the next `down --purge`
    finishes what is left aside (purge_aside), by its mark. Where it cannot be moved (a mount point), it is emptied
    in place, its mark last, so what a stop leaves is still taken as the network's."""
    root = Path(data_root).resolve()
    aside = purge_aside(root)
    if aside.is_dir() and not aside.is_symlink() and (_marked(aside) or not any(aside.iterdir())):
        try:
            _delete_mark_last(aside)
        except KeyboardInterrupt:
            say(_purge_cut_short(root, aside, root_touched=False))
            raise
        say(f"removed {aside}, left by a `down --purge` that stopped midway")
    if not root.exists():
        return
    if refused := data_root_removal_refused(root):
        raise refused
    if not _marked(root):
        write_atomically(root / DATA_ROOT_MARKER, MARKER_TEXT)
    try:
        os.rename(root, aside)
    except OSError:
        aside = root
    try:
        _delete_mark_last(aside)
    except KeyboardInterrupt:
        # Ctrl-C, or SIGTERM or SIGHUP raised as it (cli.request_ids.terminations_raised)
        say(_purge_cut_short(root, aside, root_touched=True))
        raise
    say(f"removed {root}")


def _purge_cut_short(root: Path, aside: Path, *, root_touched: bool) -> str:
    """What remove_data_root stopped while deleting ``aside`` leaves of the data folder ``root``, and that a rerun
    finishes it: what is left still carries the mark (deleted last), so the next `down --purge` takes it as the
    network's."""
    again = "`recfin network down --purge` again deletes the rest"
    if not root_touched:
        # the data folder is there only where `up` made it anew since the earlier stop (which moved it aside)
        root_state = (f"and the data folder {shell_word(root)} is not deleted yet" if os.path.lexists(root) else
                      f"the data folder {shell_word(root)} itself was gone already")
        return (f"stopped midway: deleting {shell_word(aside)}, left by an earlier `down --purge` that stopped "
                f"midway, was cut short, {root_state}: {again}")
    if aside == root:       # emptied in place (a mount point)
        return (f"stopped midway: deleting the data folder {shell_word(root)} was cut short, part of it is still "
                f"there: {again}")
    return (f"stopped midway: deleting the data folder {shell_word(root)} was cut short: it was moved aside to "
            f"{shell_word(aside)} first, which still holds part of it: {again}")


# Held (flock) by `up`, `down`, `chaincode deploy|restart`, `network backup|restore` and `org add|remove|submit` for
# their whole run, so two of them never start or stop the same processes at once; it holds the holder's pid and what
# it runs, for the refusal to name.
_runs_held = threading.local()      # the data folders this thread holds the run lock of (taken once per thread)


class RunLockedError(NetworkError):
    """Another run holds the data folder's run lock."""


DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
NOT_WRITABLE_ERRNOS = (errno.EACCES, errno.EPERM, errno.EROFS)


def write_fix(exc: OSError, folder: Path, elsewhere: str) -> str | None:
    """What to do about exc, an OSError writing in folder: free space, remount, or write as the user who may; None
    for an error of another kind. elsewhere: how to give the command another folder (for a read-only mount)."""
    if exc.errno in DISK_FULL_ERRNOS:
        return f"free space on that disk (`df -h {shell_word(folder)}`)"
    if exc.errno == errno.EROFS:
        return f"it is on a read-only filesystem: remount it read-write, or {elsewhere}"
    if exc.errno in NOT_WRITABLE_ERRNOS:
        return (f"run the command as the user who may write {folder}, the one that runs the network (`ls -ld "
                f"{shell_word(folder)}` shows its owner)")
    return None


_ANOTHER_DATA_ROOT = "point the topology's data_root (or RECFIN_HOME) at a folder on a writable disk"
_ROTATED_NODE_LOGS = f"nodes/*/node.log{ROTATED_LOGS}"


def unwritable(data_root: Path, exc: OSError, what: str) -> DataRootNotWritable | None:
    """The failure of `what` (a command, as typed) that could not write exc.filename in data_root (or make a folder
    on the way to it), saying what to do (write_fix). None for another OSError, or one about a file elsewhere
    (the Fabric install's, say), which says what it says. An error that names no file: _no_file_named."""
    root = Path(data_root).resolve()
    if not isinstance(exc.filename, (str, os.PathLike)):
        return _no_file_named(root, exc, what)
    where = Path(exc.filename).resolve()
    if where != root and root not in where.parents and where not in root.parents:
        return None
    fix = write_fix(exc, root if root.is_dir() else where, _ANOTHER_DATA_ROOT)
    if fix is None:
        return None
    if exc.errno in DISK_FULL_ERRNOS:
        fix += f" (rotated logs, {_ROTATED_NODE_LOGS}, may be deleted), then {_run_again(what)}"
    failed = (f"could not make the data folder {root} ({exc.strerror}: {where})" if where in root.parents else
              f"could not write {where} ({exc.strerror}), in the data folder {root}")
    return DataRootNotWritable(f"`{what}` {failed}: {fix}", exc)


def _no_file_named(root: Path, exc: OSError, what: str) -> DataRootNotWritable | None:
    """The failure of `what` on an OSError that names no file (a write to a file already open, a signal to another
    user's process): the operation that failed named, and said to name no file, rather than taken for the data
    folder's, which it need not be. None for an error write_fix has nothing to say about."""
    if exc.errno in DISK_FULL_ERRNOS:
        fix = (f"free space on the disk it was writing: the data folder's (`df -h {shell_word(root)}`; "
               f"rotated logs, "
               f"{_ROTATED_NODE_LOGS}, may be deleted) or the temporary folder's "
               f"(`df -h {shell_word(tempfile.gettempdir())}`), then {_run_again(what)}")
    elif (fix := write_fix(exc, root, _ANOTHER_DATA_ROOT)) is None:
        return None
    return DataRootNotWritable(f"`{what}` failed in {_operation(exc)} ({exc.strerror}), an error that names no file, "
                               f"so not necessarily one in the data folder {root}: {fix}", exc)


def _operation(exc: BaseException) -> str:
    """The function exc was raised in, with its file and line: what failed, where the error names no file."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "an operation it does not name"
    innermost = frames[-1]
    return f"{innermost.name} ({Path(innermost.filename).name}:{innermost.lineno})"


def _run_again(what: str) -> str:
    return f"run `{what}` again: it goes on from what is written"


@contextmanager
def writes_said(data_root: Path, what: str) -> Iterator[None]:
    """An OSError of the block that unwritable() explains raised as its DataRootNotWritable: a full disk, a
    read-only mount or another user's folder failed `up` with the bare "No space left on device" of a file deep
    in the crypto folder, naming neither the cause nor the way on."""
    try:
        yield
    except OSError as exc:
        if (said := unwritable(data_root, exc, what)) is None:
            raise
        raise said from exc


@contextmanager
def run_lock(data_root: Path, what: str, *, read_only_ok: bool = False) -> Iterator[bool]:
    """Hold <data_root>/network.lock for the block; RunLockedError naming the holder when another run holds it,
    DataRootNotWritable when the lock file cannot be made (unwritable).

    Refused rather than waited for: the other run may take minutes (a deploy), and what it leaves (nodes up, a
    chaincode committed) changes what this run should do, so it is run again once the other has finished.

    read_only_ok: on a read-only filesystem, the lock file an earlier run made is held through a descriptor opened
    for reading (flock takes no write), its holder not named in it: a run that writes nothing there (a `down`
    that only stops processes: their files must be closed before the filesystem can be checked and mounted
    read-write again) goes on. Yields whether the lock file could be written (False: held so)."""
    root = Path(data_root).resolve()
    held: set[Path] = _runs_held.__dict__.setdefault("roots", set())
    if root in held or not root.is_dir():
        # a folder that does not exist holds nothing to run on: no lock made there (the run finds nothing)
        yield True
        return
    path = root / RUN_LOCK_FILE
    fd, writable = _open_run_lock(root, path, what, read_only_ok)
    try:
        if not _took_run_lock(fd):
            raise _run_locked(fd, path, what)
        if writable:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} (`{what}`)\n".encode(), 0)
        held.add(root)
        try:
            yield writable
        finally:
            held.discard(root)
            if writable:
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)        # releases the flock (as the end of the process does, however it ends)


def _open_run_lock(root: Path, path: Path, what: str, read_only_ok: bool) -> tuple[int, bool]:
    """The run lock opened (its descriptor) and whether for writing: for reading only where read_only_ok and the
    filesystem is read-only (run_lock); DataRootNotWritable otherwise when it cannot be opened for writing."""
    with writes_said(root, what):
        try:
            return os.open(path, os.O_RDWR | os.O_CREAT, 0o644), True
        except OSError as exc:
            if not (read_only_ok and exc.errno == errno.EROFS):
                raise
            try:
                return os.open(path, os.O_RDONLY), False
            except OSError:
                raise exc from None     # no lock file there to hold: refused as the write was


def _purge_on_a_read_only_filesystem(root: Path, refused: DataRootNotWritable) -> DataRootNotWritable:
    """`down --purge` refused at its run lock on a read-only filesystem: the way on is a `down` without --purge
    first, which stops the processes there (run_lock's read_only_ok). What unwritable() says for other commands does
    not do: the running processes prevent a remount read-write, and another data folder would purge nothing here."""
    return DataRootNotWritable(
        f"`recfin network down --purge` cannot delete {shell_word(root)}: it is on a read-only filesystem (the kernel "
        f"remounts one so after disk errors); nothing was stopped or deleted. Run `recfin network down` without "
        f"--purge, which stops the processes on a read-only filesystem too (they hold it busy until they stop); then "
        f"check the disk, remount it read-write and run `recfin network down --purge` again", refused.cause)


# How long run_lock keeps trying a lock held by no run that has said which: _refuse_if_run_locked's shared lock is
# held only for the moment of its check (and a run that has just taken the lock writes its name at once).
_UNNAMED_HOLDER_WAIT = 0.1
_UNNAMED_HOLDER_POLL = 0.005

# How often `up` asks the /healthz of a chaincode server it found running, whose operations endpoint accepts
# connections, until it answers OK or the command's --timeout has passed (then it is taken as hung).
_HUNG_SERVER_POLL = 0.5


def _took_run_lock(fd: int) -> bool:
    """Take the run lock open as fd (exclusive, never waiting on a run): False when a run holds it.

    A holder that has written nothing is a check of _refuse_if_run_locked (its shared lock), or a run between taking
    the lock and naming itself: both let go or name themselves within moments, so that is tried again for
    _UNNAMED_HOLDER_WAIT before it counts as held (refusing then said a run was going on when none was)."""
    return flock_within(fd, _UNNAMED_HOLDER_WAIT, _UNNAMED_HOLDER_POLL, held_for_good=lambda: bool(os.pread(fd, 1, 0)))


def _run_locked(fd: int, path: Path, what: str) -> RunLockedError:
    """The refusal of a run whose data folder's run lock (path, open as fd) another run holds, naming that run."""
    holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "a process that has not said which"
    return RunLockedError(f"another run is using {path.parent}: {holder} holds {path}. Wait for it to finish "
                          f"(or stop it), then run `{what}` again")


def _refuse_where_a_restore_stopped(data_root: Path) -> None:
    """Refuse to start a network where there is no data folder but a `restore --replace` moved one aside
    (DIR.before-restore-*) and stopped before putting its own in place: a new network there would be started with
    new keys and an empty ledger beside the channel's own, which waits, whole, under the aside name."""
    if data_root.exists() or data_root.is_symlink() or not (asides := asides_of(data_root)):
        return
    raise NetworkError(f"{data_root} is not there but {first_few([str(a) for a in asides])} is: a `recfin network "
                       f"restore --replace` stopped midway (killed, or the machine went down) moved the data folder "
                       f"there and did not put its own in place, and `up` would start a new network, with new keys "
                       f"and an empty ledger, in its stead. Put it back "
                       f"(`mv {shell_word(asides[-1])} {shell_word(data_root)}`) or run the "
                       f"restore again, then `recfin network up`; to start a new network there after all, move the "
                       f"folder(s) named elsewhere first")


def _refuse_if_run_locked(data_root: Path, what: str) -> None:
    """RunLockedError naming the holder when another run holds data_root's run lock; nothing written or created.

    For a check made before the lock is taken (`up` checks its ports first): a port the other run's nodes hold is
    that run's doing, and the refusal should name it rather than the port."""
    root = Path(data_root).resolve()
    if root in _runs_held.__dict__.get("roots", set()):
        return
    try:
        fd = os.open(root / RUN_LOCK_FILE, os.O_RDONLY)
    except OSError:         # no lock file (a new folder), or none this user may read: run_lock answers
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)      # shared: two such checks never refuse each other
        except BlockingIOError:
            raise _run_locked(fd, root / RUN_LOCK_FILE, what) from None
    finally:
        os.close(fd)        # releases the shared lock


def _holding_run_lock(what: str):
    """Run the Network method under its data folder's run lock (run_lock)."""
    def wrap(method):
        @functools.wraps(method)
        def locked_method(self, *args, **kwargs):
            with run_lock(self.data_root, what):
                return method(self, *args, **kwargs)
        return locked_method
    return wrap


def _unrecorded(pid_file: Path, pids: list[int]) -> str:
    """What `down` says of processes started for pid_file, which is gone (unrecorded_under): not stopped, and how to."""
    listed = ",".join(map(str, pids))
    kills = " and ".join(kill_command(pid) for pid in pids)
    return (f"{pid_file_owner(pid_file)}: pid {first_few([str(pid) for pid in pids])} runs with {pid_file}'s tag, and "
            f"no pid file records it (deleted?), so it was not stopped: check it is this data folder's (`ps -o "
            f"pid,lstart,args -p {listed}`), stop it with {kills}, then run the command again")


def pid_file_owner(pid_file: Path) -> str:
    """The node or chaincode server a pid file of the data folder is for, by its path (peer0.bank, receivables.bank)."""
    if pid_file.name == ccservers.SERVER_PID_FILE:
        return ccservers.folder_server_name(pid_file.parent)
    return pid_file.parent.name         # as node_dirs names its folder


def owned_pid_files(data_root: Path) -> list[tuple[str, Path]]:
    """Every node's and chaincode server's pid file under data_root, as `status` and `down` find them, each with the
    node or server it is for (pid_file_owner): nodes first, then servers."""
    return [(pid_file_owner(pid_file), pid_file)
            for pid_file in nodeconfig.node_pid_files(data_root) + ccservers.server_pid_files(data_root)]


def kill_command(pid: int) -> str:
    """The kill that stops a process started for a pid file: its whole group when it leads one (each node and server
    runs in a session of its own), else itself alone."""
    try:
        leads = os.getpgid(pid) == pid
    except OSError:
        leads = False
    return f"`kill -- -{pid}`" if leads else f"`kill {pid}`"


def _server_ports(name: str, org: PeerOrgSpec, offset: int) -> list[tuple[str, str, int]]:
    """The ports chaincode name's server for org binds, as the port check names them (owner, what, port)."""
    (_, port), (_, operations_port) = ccservers.server_ports(org, offset)
    owner = ccservers.server_name(name, org.name)
    return [(owner, "chaincode server", port),
            (owner, f"chaincode operations endpoint (the org's chaincode_server_port + {OPERATIONS_PORT_SHIFT})",
             operations_port)]


class Network:
    """A topology bound to a data folder, the Fabric tools and a process supervisor."""

    def __init__(self, topology: Topology, *, data_root: Path | None = None, fabric: FabricInstall | None = None,
                 supervisor_: Supervisor | None = None, say: Callable[[str], None] | None = None,
                 timeout: float = 60.0):
        # Absolute: Fabric reads a relative path in its env or configtx.yaml against the config file's
        # folder (FABRIC_CFG_PATH, configtxgen's -configPath), not against our working directory.
        self.data_root = (Path(data_root) if data_root else topology.resolved_data_root()).absolute()
        if (problem := data_root_problem(self.data_root)) is not None:
            raise NetworkError(problem)
        # The channel's orgs as they are now: topology.yaml plus what `recfin org add|remove` recorded.
        self.topology = membership.effective(topology, self.data_root)
        # topology.yaml as given: an org of it that left comes back as it defines it (membership.returning_org_spec).
        self.defined_topology = topology
        self.fabric = fabric or FabricInstall.locate()
        self.supervisor = supervisor_ or Supervisor()
        self.tools = Tools(self.fabric)
        self.say = say or (lambda _msg: None)
        self.timeout = timeout
        # Each process the last `down` stopped besides those its pid files record (one outside its node's or
        # server's process group, one left running by a node or server that had exited), for its --json (said as
        # each stop ran: say_stopped_alongside).
        self.stopped_alongside: list[Stopped] = []

    @classmethod
    def load(cls, topology_path: str | Path | None = None, **kwargs) -> "Network":
        """Network.load() reads network/topology.yaml (or the given file) and validates it."""
        return cls(load_topology(topology_path), **kwargs)

    # ---- processes -----------------------------------------------------------
    def node_spec(self, node: Node) -> ProcessSpec:
        dirs = nodeconfig.node_dirs(self.data_root, node.name)
        argv = ([str(self.fabric.tool("peer")), "node", "start"] if node.kind == "peer"
                else [str(self.fabric.tool("orderer"))])
        env = inherited_env() | nodeconfig.node_env(self.topology, self.data_root, node)
        return ProcessSpec(node.name, argv, env, dirs.log, dirs.pid, cwd=dirs.root, netns=node.netns)

    def _pid(self, node: Node) -> int | None:
        return self.supervisor.running_pid(nodeconfig.node_dirs(self.data_root, node.name).pid)

    def _owned_ports(self, nodes: list[Node]) -> list[tuple[str, str, int]]:
        return [(n.name, key, port) for n in nodes for key, port in n.ports.items()]

    def say_stopped_alongside(self, indent: str = "") -> list[Stopped]:
        """Say each process the stops and starts since the last call stopped besides the one a pid file records (a
        worker in a session of its own; what a node or server left running when it exited, stopped to start it
        afresh), and return them: the command's own line names the recorded process only."""
        stopped = self.supervisor.take_stopped_alongside()
        for each in stopped:
            self.say(f"{indent}{each.line()}")
        return stopped

    def _pid_file_of(self, owner: str) -> Path | None:
        """The pid file of a node or chaincode server as the port check names it (peer0.bank, receivables.bank)."""
        for node in self.topology.nodes():
            if node.name == owner:
                return nodeconfig.node_dirs(self.data_root, node.name).pid
        for pid_file in ccservers.server_pid_files(self.data_root):
            if ccservers.folder_server_name(pid_file.parent) == owner:
                return pid_file
        return None

    def _left_running_by(self, owner: str) -> tuple[int, ...]:
        """What the exited process of a node or chaincode server (as the port check names it) left running
        (Supervisor.left_behind). Starting it stops those first, so a port they hold is no reason to refuse the
        start."""
        pid_file = self._pid_file_of(owner)
        return self.supervisor.left_behind(pid_file) if pid_file is not None else ()

    def _stop_left_running(self, owners: list[str]) -> None:
        """Stop what each owner the port check passed over left running (ensure_free's answer), before the command's
        first step: one that outlives SIGKILL then fails it before anything has started, not at that owner's start
        after other steps ran. Each said as stopped."""
        for owner in owners:
            pid_file = self._pid_file_of(owner)
            try:
                if pid_file is not None:
                    self.supervisor.stop_left_behind(pid_file)
            finally:
                self.say_stopped_alongside("  ")

    def _say_if_exited(self, spec: ProcessSpec) -> None:
        """Before a start: say that the process spec's pid file records exited without `down` (Supervisor.exited),
        with what its log says of it. Started again, it would pass unnoticed, and the quote reads from the last start
        on, which the new start's line moves past."""
        if self.supervisor.exited(spec.pid_file):
            self.say(f"  {spec.name} had exited without `recfin network down` (a crash, a kill or a restart of the "
                     f"machine): see {spec.log}{log_hint(spec.log)}")

    def _start_node(self, node: Node) -> None:
        spec = self.node_spec(node)
        self._say_if_exited(spec)
        try:
            pid, started = self.supervisor.start(spec)
        finally:
            self.say_stopped_alongside("  ")        # what it stopped first, also when the start then failed
        if started:
            self.say(f"  started {node.name} (pid {pid}), log {spec.log}")
        healthy_before = not started and probes.serving(node)
        if not healthy_before:
            last_look: list[str | None] = [None]     # why it did not serve at the last look, for the failure

            def serving() -> bool:
                last_look[0] = probes.not_serving(node)
                return last_look[0] is None
            # One already running that does not answer (hung) is left running: its wait's failure says so, and how
            # to start it afresh, not only that /healthz was not reached, which reads as a start that failed.
            name = node.name if started else (f"{node.name} (pid {pid}, already running: `recfin network up` "
                                              f"restarts no node it did not start)")
            try:
                self.supervisor.wait_until(serving, what="healthy /healthz and listening", name=name, log=spec.log,
                                           timeout=self.timeout, pid_file=spec.pid_file,
                                           last_look=lambda: last_look[0])
            except NodeTimeoutError as exc:
                running = self.supervisor.running_pid(spec.pid_file) == pid
                if started and running:
                    # Said, as the run ends with it still running: unsaid, the failure reads as a start that failed,
                    # and the next `up` finds it running as if another run had started it.
                    raise NodeTimeoutError(f"{exc}; it was left running (pid {pid}), in case it is only slow: "
                                           f"`recfin network status` shows whether it comes up, and `recfin network "
                                           f"down` stops it (the whole network; {kill_command(pid)} stops it "
                                           f"alone)") from exc
                if started or not running:
                    raise
                raise NodeTimeoutError(f"{exc}; stop it ({kill_command(pid)}, or `recfin network down` for the whole "
                                       f"network), then run `recfin network up` again, which starts it afresh on its "
                                       f"ledger") from exc
        self.say(f"  {node.name} healthy at {node.address}" + ("" if started else " (already running)"))

    def refuse_misread_path(self, *, native: bool = True) -> None:
        """NetworkError when Fabric would misread the paths under the data folder (nodeconfig.data_root_path_problem;
        native: its nodes run here, from it), before a command writes or starts anything there."""
        if (problem := nodeconfig.data_root_path_problem(self.data_root, native=native)) is not None:
            raise NetworkError(problem)

    def refuse_before_prepare(self, *, node_config: bool = True) -> None:
        """What prepare refuses before it writes anything: a data folder path Fabric would misread, and, for the
        native runtime (node_config), a missing configtxgen."""
        self.refuse_misread_path(native=node_config)
        if node_config:
            self.fabric.require(("configtxgen",))

    # ---- up ---------------------------------------------------------------------
    def up(self) -> list[NodeStatus]:
        """Bring the whole network up; nodes already running and healthy are left alone."""
        topo = self.topology
        self.refuse_misread_path()
        self.fabric.require()
        # Another `up` (or `down`, `deploy`) running here holds ports of its own: named as that run, not as the ports.
        _refuse_if_run_locked(self.data_root, "recfin network up")
        _refuse_where_a_restore_stopped(self.data_root)
        # gone, each node would fail with ip's error in its log; cut off, each would be waited for in vain
        namespaces.refuse_unreachable(topo)
        stopped = [n for n in topo.nodes() if self._pid(n) is None]
        passed_over: list[str] = []
        if not topo.namespaces:     # in namespaces each org's ports are its own namespace's, not this one's
            passed_over = ensure_free(topo.listen_host, self._owned_ports(stopped) + self._idle_server_ports(),
                                      left_running_by=self._left_running_by)
        # Marked before the run lock is written there: a folder refused as not the network's gets nothing.
        with writes_said(self.data_root, "recfin network up"):
            mark_data_root(self.data_root)
            with run_lock(self.data_root, "recfin network up"):
                self._stop_left_running(passed_over)
                try:
                    return self._up()
                except KeyboardInterrupt:
                    # Nodes run in sessions of their own, so Ctrl-C stops only this run: what it started runs on,
                    # which the stop's one line ("interrupted") would leave unsaid.
                    self._say_running_after_a_stop("`recfin network up` goes on from here, `recfin network down` "
                                                   "stops them")
                    raise

    def _say_running_after_a_stop(self, what_to_do: str) -> None:
        """Say which of the network's nodes and chaincode servers run as `up` or `down` stops midway (Ctrl-C,
        SIGTERM), and what_to_do about them: each is recorded by its pid file, which `up` and `down` go on from."""
        running = [node.name for node in self.topology.nodes() if self._pid(node) is not None]
        running += [ccservers.folder_server_name(pid_file.parent)
                    for pid_file in ccservers.server_pid_files(self.data_root)
                    if self.supervisor.running_pid(pid_file) is not None]
        if not running:
            self.say("stopped midway: no node or chaincode server of the network runs")
            return
        self.say(f"stopped midway: {len(running)} process(es) run on ({first_few(running)}): {what_to_do}")

    def _start_and_join(self, nodes: list[Node], join: Callable[..., bool], block: Path) -> None:
        """Start every node of nodes, then join each to the channel from block (join: channel.join_orderer or
        join_peer), saying whether it joined now or was in already."""
        for node in nodes:
            self._start_node(node)
        for node in nodes:
            joined = join(self.tools, self.topology, self.data_root, node, block)
            self.say(f"  {node.name} {'joined' if joined else 'already in'} {self.topology.channel}")

    def _up(self) -> list[NodeStatus]:
        topo, root = self.topology, self.data_root
        # a kept channel's nodes moved: refused before anything is written
        channel.check_addresses_kept(topo, root)
        self.say(f"[1/7] crypto material in {root / 'crypto'}")
        crypto.generate(topo, root, say=self.say)
        self.say("[2/7] node configuration and the ccaas builder")
        builder.install(root)
        for node in topo.nodes():
            nodeconfig.write_node_config(topo, root, node, self.fabric.config_dir)
        if channel.genesis_block_lost(topo, root) is None:
            block, created = channel.create_genesis_block(self.tools, topo, root)
            self.say(f"[3/7] channel {topo.channel} genesis block {block}" + (" (created)" if created else " (kept)"))
        else:
            # Not made again (another channel's block 0): the nodes that joined need none, one that must join says
            # how to put it back.
            block = configtx.genesis_block_path(root, topo.channel)
            self.say(f"[3/7] channel {topo.channel} genesis block {block} missing, not made again while the nodes' "
                     f"ledgers here hold the channel: a node that has not joined cannot join until it is back")
        self.say("[4/7] orderers")
        self._start_and_join(topo.orderers(), channel.join_orderer, block)
        leader = self.wait_for_raft_leader()
        self.say(f"  Raft leader: {leader.name if leader else 'elected'}")
        self.say("[5/7] peers")
        self._start_and_join(topo.peers(), channel.join_peer, block)
        self.wait_for_heights()
        self.say("[6/7] chaincode servers")
        started = self.start_chaincode_servers()
        self.say(f"  {len(started)} started" if started else "  none to start")
        self.say("[7/7] connection profiles")
        for path in profiles.write_all(topo, root):
            self.say(f"  {path}")
        return self.status()

    # ---- prepare (nothing started) ------------------------------------------------
    def prepare(self, *, node_config: bool = True) -> Path:
        """Crypto material, configtx.yaml and the channel's genesis block; with node_config, also
        each node's config folder and the ccaas builder (native runtime). Starts nothing: all that
        compose or a separate host needs from the generator. Returns the genesis block path."""
        self.refuse_before_prepare(node_config=node_config)
        with writes_said(self.data_root, "recfin network prepare"):
            return self._prepare(node_config)

    def _prepare(self, node_config: bool) -> Path:
        topo, root = self.topology, self.data_root
        mark_data_root(root)
        # a kept channel's nodes moved: refused before anything is written
        channel.check_addresses_kept(topo, root)
        crypto.generate(topo, root, say=self.say)
        self.say(f"crypto material in {root / 'crypto'}")
        if node_config:
            builder.install(root)
            for node in topo.nodes():
                nodeconfig.write_node_config(topo, root, node, self.fabric.config_dir)
            self.say(f"node configuration in {root / 'nodes'}")
        block = configtx.genesis_block_path(root, topo.channel)
        if not (block.is_file() and block.stat().st_size > 0) and not self.fabric.tool("configtxgen").is_file():
            config_path = configtx.write(topo, root)
            args = " ".join(configtx.configtxgen_args(config_path, topo.channel, block))
            raise MissingBinariesError(
                f"crypto material and {config_path / 'configtx.yaml'} are written, but the genesis block needs "
                f"configtxgen, not found in {self.fabric.bin_dir}: run scripts/install-fabric, "
                f"or run `configtxgen {args}` with Fabric {compose.FABRIC_VERSION}'s configtxgen")
        block, created = channel.create_genesis_block(self.tools, topo, root)
        self.say(f"channel {topo.channel} genesis block {block}" + (" (created)" if created else " (kept)"))
        return block

    def wait_for_raft_leader(self) -> Node | None:
        """Wait until one orderer says it leads the channel's Raft cluster; return it (None if it just moved).

        Raft elects a leader only while a majority of its orderers run: once too few do (they exited at their
        start or channel join, say), NodeTimeoutError at once naming each one down with its log's last lines,
        where the wait ran to its timeout and quoted the first orderer's log, however healthy. One down while
        a majority runs is named if the wait times out."""
        orderers, channel_name = self.topology.orderers(), self.topology.channel

        def down() -> list[Node]:
            return [node for node in orderers if self._pid(node) is None]

        def said(nodes: list[Node]) -> str:
            return "; ".join(f"{node.name} is not running: see {log}{supervisor.log_hint(log)}"
                             for node, log in ((node, self._log(node)) for node in nodes))

        def leader() -> bool:
            if channel.raft_leader(self.topology) is not None:
                return True
            stopped = down()
            running, majority = len(orderers) - len(stopped), len(orderers) // 2 + 1
            if running < majority:
                raise NodeTimeoutError(f"orderers: no Raft leader on {channel_name} can be elected, "
                                       f"{running} of {len(orderers)} orderers running where Raft needs "
                                       f"{majority}: {said(stopped)}")
            return False
        self.supervisor.wait_until(leader, what=f"a Raft leader on {channel_name}", name="orderers",
                                   log=self._log(orderers[0]), timeout=self.timeout,
                                   last_look=lambda: said(down()) or None)
        return channel.raft_leader(self.topology)

    def _log(self, node: Node) -> Path:
        return nodeconfig.node_dirs(self.data_root, node.name).log

    def wait_for_heights(self) -> int:
        """Wait until every orderer and every peer has the highest block height any of them reports; return it.

        Orderers too, those running: one restarted after missing blocks (a killed Raft leader) catches up from the
        others, and until it has, the channel's blocks are on two of three. One that is stopped is left out, as
        Raft carries on without it (a revoke or an org added while it is down must not fail after the channel
        changed); every peer must be running."""
        running_orderers = [n for n in self.topology.orderers() if self._pid(n) is not None]
        nodes = [*running_orderers, *self.topology.peers()]
        heights = [channel.node_height(self.tools, self.topology, self.data_root, n) for n in nodes]
        target = max((h for h in heights if h is not None), default=1)
        for node in nodes:
            dirs = nodeconfig.node_dirs(self.data_root, node.name)
            self.supervisor.wait_until(
                lambda n=node: (channel.node_height(self.tools, self.topology, self.data_root, n) or 0) >= target,
                what=f"block height {target} on {self.topology.channel}", name=node.name, log=dirs.log,
                timeout=self.timeout, pid_file=dirs.pid)
        self.say(f"  every orderer and peer at height >= {target}")
        return target

    # ---- down -------------------------------------------------------------------
    def down(self, purge: bool = False) -> list[str]:
        """Stop chaincode servers, peers, then orderers. Ledgers stay unless purge."""
        # Locked in every folder `up` locks: one it marked (extra files of the operator's in it or not), or one
        # laid out as the network's (wherever it is, even in the repository, which --purge refuses). `down`
        # pointed at another folder writes nothing there, nor does one at an empty folder, which holds nothing
        # of the network's to stop or purge (`up` marks a folder before it locks it): a lock made there would
        # be the one thing a refused purge tells the operator to remove by hand.
        root = Path(self.data_root).resolve()
        ours = (root.is_dir() and any(root.iterdir())
                and (_marked(root) or _laid_out_as_data_root(root) is None))
        # On a read-only filesystem (one the kernel remounted so after disk errors) the processes are stopped all the
        # same, as nothing else needs writing but by a purge: they hold it busy until they are.
        with ExitStack() as held:
            writable = True
            if ours:
                try:
                    writable = held.enter_context(run_lock(self.data_root, "recfin network down",
                                                           read_only_ok=not purge))
                except DataRootNotWritable as refused:
                    if purge and refused.cause.errno == errno.EROFS:
                        raise _purge_on_a_read_only_filesystem(root, refused) from refused
                    raise
            try:
                stopped = self._down(purge)
            except KeyboardInterrupt:
                self._say_running_after_a_stop("`recfin network down` again stops them")
                raise
        if not writable and (nodeconfig.node_pid_files(self.data_root) or ccservers.server_pid_files(self.data_root)):
            self.say(f"{self.data_root} is on a read-only filesystem: its pid files were left as they are, each "
                     f"recording a process that no longer runs (`status` shows them as exited until the next `up` or "
                     f"`down` on it mounted read-write)")
        return stopped

    def _down(self, purge: bool) -> list[str]:
        stopped: list[str] = []
        # One process that cannot be stopped (another user's, one outliving SIGKILL) leaves the others to stop:
        # each is tried, and what was refused is raised at the end, before a purge could delete their folder.
        refused: list[str] = []
        self.stopped_alongside = []

        def stop(pid_file: Path, name: str, note: str = "") -> None:
            try:
                # Stopped only when its own process ran: what an exited one left running is said by its own line.
                if self.supervisor.stop(pid_file):
                    stopped.append(name)
                    self.say(f"stopped {name}{note}")
                elif (found := self.supervisor.find(pid_file)).runs_for is not None:
                    self.say(f"left {name} alone: pid {found.pid} runs for {found.runs_for}, not this data folder")
            except NetworkError as exc:
                refused.append(str(exc))
            # Those it stopped before failing too: each right after its node's line.
            self.stopped_alongside += self.say_stopped_alongside()

        # Every chaincode server with a pid file, not only those of recorded deployments: a deploy that
        # stopped between starting its servers and its commit never recorded them.
        for pid_file in ccservers.server_pid_files(self.data_root):
            stop(pid_file, ccservers.folder_server_name(pid_file.parent))
        # Every node with a pid file too: one of an org taken out of topology.yaml (or removed from the channel)
        # since it started runs on, its ledger and ports still held. Those first, then peers, then orderers.
        named = [nodeconfig.node_dirs(self.data_root, node.name).pid for node in reversed(self.topology.nodes())]
        unnamed = [pid_file for pid_file in nodeconfig.node_pid_files(self.data_root) if pid_file not in named]
        for pid_file in unnamed + named:
            stop(pid_file, pid_file.parent.name,       # as node_dirs names its folder
                 " (a node the topology no longer names)" if pid_file in unnamed else "")
        # One whose pid file is gone runs on unseen by the stops above, and a purge would delete its folder under it.
        refused += [_unrecorded(Path(tag), pids) for tag, pids in supervisor.unrecorded_under(self.data_root).items()]
        if refused:
            raise ProcessesNotStoppedError(f"{len(refused)} process(es) not stopped"
                                           + (f" ({len(stopped)} stopped)" if stopped else "")
                                           + f": {'; '.join(refused[:3])}{'; ...' if len(refused) > 3 else ''}")
        if purge:
            self._purge()
        return stopped

    def _purge(self) -> None:
        remove_data_root(self.data_root, self.say)

    # ---- status and logs -----------------------------------------------------------
    def no_network_here(self) -> str | None:
        """What `status` and `down` say when the data folder does not exist, None when it does. No network ever ran
        there: either none was started yet (a fresh machine) or the folder looked in is not the one meant (another
        topology, RECFIN_HOME unset); both are named."""
        if self.data_root.is_dir():
            return None
        return (f"no network in {self.data_root}: `recfin network up` starts one there; if one runs from another "
                f"folder, check --topology / RECFIN_TOPOLOGY / RECFIN_HOME")

    def status(self) -> list[NodeStatus]:
        out = []
        tools = self.tools if not self.fabric.missing() else None
        for node in self.topology.nodes():
            pid = self._pid(node)
            healthy = pid is not None and probes.healthy(node.operations_address)
            height = channel.node_height(tools, self.topology, self.data_root, node) if healthy else None
            dirs = nodeconfig.node_dirs(self.data_root, node.name)
            out.append(NodeStatus(node.name, node.msp_id, node.kind, node.address, pid, healthy, height, dirs.log,
                                  exited=pid is None and self.supervisor.exited(dirs.pid)))
        out.extend(self._unnamed_node_statuses())
        listed = set()
        for dep in ccservers.deployments(self.data_root):
            for org in self.topology.orgs:
                spec = self._server_spec(dep, org.name)
                listed.add(spec.pid_file)
                pid = self.supervisor.running_pid(spec.pid_file)
                address = spec.env["CHAINCODE_SERVER_ADDRESS"]
                healthy = pid is not None and probes.healthy(spec.env["CHAINCODE_OPERATIONS_ADDRESS"])
                out.append(NodeStatus(spec.name, org.msp_id, "chaincode", address, pid, healthy, None, spec.log,
                                      exited=pid is None and self.supervisor.exited(spec.pid_file),
                                      counted=org.msp_id in dep.package_ids))
        # Servers running with no deployment of theirs listed above, as `down` finds them (by their pid files): a
        # deploy stopped before its commit started them, or their org is no longer the channel's.
        for pid_file in ccservers.server_pid_files(self.data_root):
            if pid_file not in listed and (pid := self.supervisor.running_pid(pid_file)) is not None:
                out.append(self._unrecorded_server_status(pid_file.parent, pid))
        # A running process's log is otherwise rotated only at its next start: bounded at each look instead.
        for row in out:
            if row.pid is not None:
                self.supervisor.bound_log(row.log)
        ending = self.certificates_ending()
        for row in out:
            row.certificates_ending = ending.get(row.org, []) + ending.get(row.name, [])
            if row.kind == "chaincode":
                row.certificates_ending += ending.get(_chaincode_tls_owner(row.org), [])
        return out

    def certificates_ending(self) -> dict[str, list[crypto.CertificateEnd]]:
        """The data folder's CA, node and admin certificates that end within crypto.ENDING_NOTICE or have
        ended (crypto.certificates_ending), by what they belong to: an org's MSP ID (its CA's, TLS CA's and
        admin's signing and TLS certificates), a node's name (its own signing and TLS certificates). The orgs
        and nodes of the channel and of topology.yaml (an org removed since may still run here); and, under
        _chaincode_tls_owner(its MSP ID), a peer org's chaincode server TLS certificate and the client certificate
        its peers present to that server: ended, the handshake fails and the org's peer runs no transaction."""
        orgs = {org.name: org for topo in (self.defined_topology, self.topology)
                for org in (topo.orderer_org, *topo.orgs)}
        nodes = {node.name: node for topo in (self.defined_topology, self.topology) for node in topo.nodes()}
        folders = {name: crypto.org_crypto(self.data_root, org.name, org.domain)
                   for name, org in orgs.items()}
        owners = {org.msp_id: folders[name].org_certificates(org.admin) for name, org in orgs.items()}
        for node in nodes.values():
            owners[node.name] = folders[node.org_name].node_certificates(node.hostname)
        for name, org in orgs.items():
            if name != self.topology.orderer_org.name:
                host = self.topology.chaincode_server_host(org)
                owners[_chaincode_tls_owner(org.msp_id)] = [folders[name].chaincode_server_tls(host) / "server.crt",
                                                            folders[name].chaincode_client_tls(host) / "client.crt"]
        ending = {owner: crypto.certificates_ending(files) for owner, files in owners.items()}
        return {owner: ends for owner, ends in ending.items() if ends}

    def _unnamed_node_statuses(self) -> list[NodeStatus]:
        """A row for each node that runs here (as `down` finds them: by pid file) while the topology no longer
        names it. topology.yaml may still describe it (an org `recfin org remove` took out of the channel): then
        its org, address and /healthz come from there; otherwise only its name, pid and log are known."""
        named = {node.name for node in self.topology.nodes()}
        rows = []
        for pid_file in nodeconfig.node_pid_files(self.data_root):
            name = pid_file.parent.name         # as node_dirs names its folder
            if name in named or (pid := self.supervisor.running_pid(pid_file)) is None:
                continue
            node = next((n for n in self.defined_topology.nodes() if n.name == name), None)
            # In no topology, its kind is told by its folder, not its name (an orderer may be named anything):
            # write_node_config leaves orderer.yaml in every orderer's config folder, core.yaml in a peer's.
            dirs = nodeconfig.node_dirs(self.data_root, name)
            kind = node.kind if node else ("orderer" if (dirs.config / "orderer.yaml").is_file() else "peer")
            healthy = node is not None and probes.healthy(node.operations_address)
            rows.append(NodeStatus(name, node.msp_id if node else "", kind, node.address if node else "", pid,
                                   healthy, None, dirs.log, in_topology=False))
        return rows

    def _unrecorded_server_status(self, folder: Path, pid: int) -> NodeStatus:
        """The status row of a running server no deployment lists, from its folder (<chaincode>/<org>): its address
        from the port offset its deploy recorded and its org as topology.yaml or the channel define it ("" and
        unhealthy when either is unknown, as for an earlier version's deploy)."""
        name, org_name = folder.parent.name, folder.name
        org = next((o for topo in (self.topology, self.defined_topology) for o in topo.orgs if o.name == org_name),
                   None)
        offset = 0 if name == self.topology.chaincode.name else ccservers.recorded_port_offset(self.data_root, name)
        address, healthy = "", False
        if org is not None and offset is not None:
            address = ccservers.server_address(self.topology, org, offset)
            healthy = probes.healthy(ccservers.operations_address(self.topology, org, offset))
        return NodeStatus(ccservers.folder_server_name(folder), org.msp_id if org else org_name, "chaincode", address,
                          pid, healthy, None, folder / ccservers.SERVER_LOG_FILE, counted=False)

    def log_path(self, name: str) -> Path:
        """The log file of a node ("peer0.supplier") or chaincode server ("receivables.supplier"): a node of the
        topology, or one it no longer names that ran here (`status` lists it by its pid file while it runs); a
        server of a recorded deployment, or any other that ran here (a deploy stopped before its commit), as `down`
        finds them."""
        try:
            return nodeconfig.node_dirs(self.data_root, self.topology.node(name).name).log
        except NodeNotFoundError as exc:
            # Its folder is found by the files it holds (nodeconfig.node_folders): never a path made of the name
            # given, which could point anywhere.
            if any(folder.name == name for folder in nodeconfig.node_folders(self.data_root)):
                return nodeconfig.node_dirs(self.data_root, name).log
            for dep in ccservers.deployments(self.data_root):
                for org in self.topology.orgs:
                    spec = self._server_spec(dep, org.name)
                    if spec.name == name:
                        return spec.log
            servers = []
            for folder in ccservers.server_folders(self.data_root):
                if ccservers.folder_server_name(folder) == name:
                    return folder / ccservers.SERVER_LOG_FILE
                servers.append(ccservers.folder_server_name(folder))
            # A chaincode server's name (receivables.bank) given before any deploy was answered with the nodes
            # alone, as though servers had no logs
            servers = sorted(set(servers) | {self._server_spec(dep, org.name).name
                                             for dep in ccservers.deployments(self.data_root)
                                             for org in self.topology.orgs})
            raise NodeNotFoundError(
                f"{exc}; or a chaincode server: " + (", ".join(servers) if servers else
                                                    f"none has run from {on_one_line(os.fsdecode(self.data_root))} "
                                                    f"yet, as `recfin chaincode deploy` starts them")) from None

    def _written_log(self, name: str) -> Path:
        """The log of name, refused while there is none: the node or server has not started from this data folder,
        which an empty list of lines would not tell from a log nothing was written to yet."""
        path = self.log_path(name)
        if path.is_file():
            return path
        try:
            mode = path.stat().st_mode
        except OSError:     # nothing there (or a link leading nowhere)
            raise NetworkError(f"no log yet for {on_one_line(name)} (expected {on_one_line(os.fsdecode(path))}): "
                               f"run `recfin network up`") from None
        # a folder or a FIFO made there by hand: `up` would not mend it, so "no log yet ... run up" sent the
        # operator round in circles
        kind = "a folder" if stat.S_ISDIR(mode) else special_kind(mode)
        raise NetworkError(f"{on_one_line(os.fsdecode(path))}, where {on_one_line(name)} writes its log, is {kind}, "
                           f"not a file: move it aside, then run `recfin network up`")

    def logs(self, name: str, lines: int = 50) -> list[str]:
        """The last lines of name's log (log_path); NetworkError while it has none."""
        return supervisor.last_lines(self._written_log(name), lines)

    def follow(self, name: str, lines: int = 10, *, stop: Callable[[], bool] = lambda: False) -> Iterator[str]:
        """The last lines of name's log, then each line written to it until stop() (supervisor.follow);
        NetworkError, at the call, while it has none."""
        return supervisor.follow(self._written_log(name), lines, stop=stop, sleep=self.supervisor.sleep)

    # ---- chaincode ---------------------------------------------------------------
    def _server_spec(self, dep: ccservers.Deployment, org_name: str) -> ProcessSpec:
        org = self.topology.org(org_name)
        config = None
        if dep.network_config_sha256:
            # The file of the recorded definition's own configuration; a deployment recorded before those files
            # were written runs with network_config.json, which only a committed deploy rewrites now.
            config = contract_config.served_config_path(self.data_root, dep.name, dep.network_config_sha256)
            if not config.is_file():
                config = contract_config.config_path(self.data_root, dep.name)
        return ccservers.server_spec(self.topology, self.data_root, dep.name, org, dep.contract,
                                     dep.package_ids.get(org.msp_id, ""), dep.port_offset, config)

    def _idle_server_ports(self) -> list[tuple[str, str, int]]:
        """The ports of every recorded deployment's servers that do not run (_idle_ports_of): of the orgs it
        has a package for, as start_chaincode_servers starts no server for another (an org that joined after
        the deploy), whose port is then no reason to refuse `up`."""
        return [owned for dep in ccservers.deployments(self.data_root)
                for owned in self._idle_ports_of(dep.name, dep.port_offset, dep.package_ids)]

    def _idle_ports_of(self, name: str, offset: int,
                       packaged: Collection[str] | None = None) -> list[tuple[str, str, int]]:
        """The ports chaincode name's servers bind, of each org whose server does not run (by its pid file): those a
        start needs free. An org in a network namespace of its own is left out, its ports being that
        namespace's; given packaged (a deployment's MSP IDs with a package), so is an org outside it, which
        gets no server."""
        out = []
        for org in self.topology.orgs:
            if packaged is not None and org.msp_id not in packaged:
                continue
            if not self.topology.netns_of(org.name) and \
                    self.supervisor.running_pid(ccservers.server_pid_file(self.data_root, name, org)) is None:
                out += _server_ports(name, org, offset)
        return out

    def _start_server(self, spec: ProcessSpec) -> bool:
        self._say_if_exited(spec)
        try:
            pid, started = self.supervisor.start(spec)
        finally:
            self.say_stopped_alongside("  ")        # what it stopped first, also when the start then failed
        address, operations = spec.env["CHAINCODE_SERVER_ADDRESS"], spec.env["CHAINCODE_OPERATIONS_ADDRESS"]
        # A server just started answers /healthz 200 once gRPC serves (its operations endpoint starts
        # after gRPC); one already running may predate the endpoint, so it only has to listen.
        self.supervisor.wait_until(lambda: probes.accepting(address) and (not started or probes.healthy(operations)),
                                   what=f"chaincode server listening on {address}"
                                        + (f", /healthz OK on {operations}" if started else ""),
                                   name=spec.name, log=spec.log, timeout=self.timeout, pid_file=spec.pid_file)
        if started:
            self.say(f"  started {spec.name} (pid {pid}) on {address}, log {spec.log}")
        return started

    @_holding_run_lock("recfin chaincode restart")
    def start_chaincode_servers(self, name: str | None = None, restart: bool = False) -> list[str]:
        """Start the servers of every recorded deployment (or one name); with restart, stop them first.

        A restart with nothing deployed is refused: the operator asked for servers that do not exist (`up` starts
        whatever is deployed, none included)."""
        started = []
        deps = [d for d in ccservers.deployments(self.data_root) if name in (None, d.name)]
        if name is not None and not deps:
            raise ChaincodeError(f"chaincode {name!r} was never deployed here: "
                                 f"run `recfin chaincode deploy --name {name}`")
        if restart and not deps:
            first = "`recfin chaincode deploy` first" if self.data_root.is_dir() else \
                "`recfin network up` and `recfin chaincode deploy` first"
            raise ChaincodeError(f"no chaincode is deployed in {self.data_root}, so no server to restart: run {first}")
        if restart:
            # cut off, a server would be stopped, then waited for in vain where it served its peer
            namespaces.refuse_unreachable(self.topology)
            self._refuse_servers_their_packages_do_not_name(deps)
        # Before any server is stopped, as `up` and `deploy` check theirs: a port of a server that does not
        # run (it died, and another program took the port) is refused naming what holds it, where the running
        # servers were stopped and then its start failed naming no holder. What its exited process left
        # holding its own ports is passed over, and stopped first.
        idle = [owned for dep in deps
                for owned in self._idle_ports_of(dep.name, dep.port_offset, dep.package_ids)]
        if idle:
            self._stop_left_running(ensure_free(self.topology.listen_host, idle,
                                                left_running_by=self._left_running_by))
        specs = []
        for dep in deps:
            for org in self.topology.orgs:
                if org.msp_id not in dep.package_ids:
                    # An org that joined after the deploy, whose `org add` stopped before its chaincode
                    # step: its peer approved no package, and a server without a package ID exits at once
                    # (CHAINCODE_ID), which stopped the servers after it from starting.
                    self.say(f"  {ccservers.server_name(dep.name, org.name)}: not started, {dep.name} has "
                             f"no package for {org.msp_id} (it joined after the deploy and its `recfin org "
                             f"add` did not finish): run the same `recfin org add {org.name} ...` again, "
                             f"which completes it")
                    continue
                specs.append(self._server_spec(dep, org.name))
        hung = {} if restart else self._hung_servers(specs)
        for done, spec in enumerate(specs):
            if restart:
                self.supervisor.stop(spec.pid_file)
                self.say_stopped_alongside("  ")
            elif spec.pid_file in hung:
                self._stop_hung(spec, hung[spec.pid_file])
            try:
                if self._start_server(spec):
                    started.append(spec.name)
            except NetworkError as exc:
                if not restart:
                    raise
                raise self._restart_failed_at(exc, name, spec, specs[:done], specs[done + 1:]) from exc
        return started

    def _restart_failed_at(self, exc: NetworkError, name: str | None, failed: ProcessSpec,
                           restarted: list[ProcessSpec], not_reached: list[ProcessSpec]) -> ChaincodeError:
        """The error of a `chaincode restart` (of chaincode name, None: every one) whose start of failed raised exc:
        which servers run, which is stopped and what starts it again. failed is stopped first (a start that timed
        out may have left it running, not ready), so that the state the message states is the one left."""
        self.supervisor.stop(failed.pid_file)
        self.say_stopped_alongside("  ")
        running = [spec.name for spec in not_reached if self.supervisor.running_pid(spec.pid_file) is not None]
        dead = [spec.name for spec in not_reached if spec.name not in running]
        state = ([f"restarted and running: {', '.join(spec.name for spec in restarted)}"] if restarted else []) + \
            [f"{failed.name} is stopped"] + \
            ([f"not restarted, still running as before: {', '.join(running)}"] if running else []) + \
            ([f"not started: {', '.join(dead)}"] if dead else [])
        again = shell_words(["recfin", "chaincode", "restart", *(["--name", name] if name is not None else [])])
        return ChaincodeError(f"{exc}. The restart stopped there: {'; '.join(state)}. Once that is fixed, run "
                              f"`recfin network up`, which starts {failed.name} again"
                              + (" and the others not running" if dead else "")
                              + (f" (`{again}` again restarts every one)" if running else ""))

    def _hung_servers(self, specs: list[ProcessSpec]) -> dict[Path, int]:
        """The pid file -> pid of each server of specs (of recorded, committed deployments) found running whose
        operations endpoint accepts connections but whose /healthz has not answered OK within the command's
        --timeout (self.timeout, as every other wait of `up`): its org's peer dials it for every transaction, each
        failing while it hangs, and `up` is the operator's command to make the network healthy. All are asked
        together against one deadline, so that servers hung at once (the machine woke from sleep) cost one
        --timeout, not one each. One whose operations endpoint accepts nothing (started before servers served
        /healthz, which then only had to listen) is not asked, and left alone as before."""
        waiting = {}
        for spec in specs:
            pid = self.supervisor.running_pid(spec.pid_file)
            if pid is not None and probes.accepting(spec.env["CHAINCODE_OPERATIONS_ADDRESS"]):
                waiting[spec.pid_file] = (spec, pid)
        deadline = self.supervisor.clock() + self.timeout if waiting else 0.0
        while waiting:
            waiting = {pid_file: (spec, pid) for pid_file, (spec, pid) in waiting.items()
                       if not probes.healthy(spec.env["CHAINCODE_OPERATIONS_ADDRESS"])}
            if not waiting or self.supervisor.clock() >= deadline:
                break
            self.supervisor.sleep(_HUNG_SERVER_POLL)
        return {pid_file: pid for pid_file, (_spec, pid) in waiting.items()}

    def _stop_hung(self, spec: ProcessSpec, pid: int) -> None:
        """Stop a server _hung_servers found hung, saying why, so that it is started afresh."""
        self.say(f"  {spec.name} (pid {pid}) accepts connections but its /healthz on "
                 f"{spec.env['CHAINCODE_OPERATIONS_ADDRESS']} has not answered OK for {self.timeout:g} s (--timeout), "
                 f"so every transaction its org's peer sends it fails: stopping its process group to start it afresh "
                 f"(what it logged: {spec.log})")
        self.supervisor.stop(spec.pid_file)
        self.say_stopped_alongside("  ")

    def _refuse_servers_their_packages_do_not_name(self, deps: list[ccservers.Deployment]) -> None:
        """Refused (ChaincodeError), before any server is stopped, when a server would start at another
        address or with other TLS material than the package its org's peer installed names (topology.yaml's
        chaincode_server_port or listen_host, or crypto/, changed since the deploy): the peer would dial where
        no server is, and every transaction of the org fail, while the server itself looked healthy."""
        moved, deploys = [], []
        for dep in deps:
            label = f"{dep.name}_{dep.version}"
            servers = []
            for org in self.topology.orgs:
                installed = dep.package_ids.get(org.msp_id)
                connection = ccservers.connection(self.topology, self.data_root, org, dep.port_offset)
                now = packaging.package_id(label, packaging.ccaas_package(label, connection))
                if installed and now != installed:
                    server = ccservers.server_name(dep.name, org.name)
                    servers.append(f"{server} (now at {connection['address']})")
            if servers:
                moved += servers
                deploys.append(self._deploy_again_command(dep))
        if moved:
            raise ChaincodeError(
                f"{', '.join(moved)}: the package its org's peer installed at the deploy names another "
                f"address or other TLS material than topology.yaml and crypto/ give now, so the peer would "
                f"not reach the server restarted. Nothing was stopped: run `{'` and `'.join(deploys)}`, "
                f"which installs packages for the servers as they are now (a new sequence), or put "
                f"topology.yaml back")

    def _deploy_again_command(self, dep: ccservers.Deployment) -> str:
        """The `recfin chaincode deploy` that gives dep's definition again (with the packages as they are
        now): a plain one for the topology's chaincode, whose options are the topology's; another's with its
        contract, version, policy and the collections it was committed with."""
        if dep.name == self.topology.chaincode.name:
            return "recfin chaincode deploy"
        kept = ccservers.kept_collections(self.data_root, dep)
        return _deploy_command(dep, f" --collections-config {shell_word(kept)}" if kept else "")

    def _every_peer_sees_the_approvals(self, lc: Lifecycle, definition: Definition) -> dict[str, bool]:
        """Commit readiness as the first org's peer sees it, once every org's peer sees every approval.

        Each `approveformyorg` waits for its own org's peer only, and the commit is endorsed by every org's peer,
        whose answers must agree: a peer a block behind would answer from fewer approvals. So ask each peer, again
        until the timeout, and name the approvals missing and the peers that miss them."""
        orgs = self.topology.orgs
        deadline = self.supervisor.clock() + self.timeout
        while True:
            views = {org.name: lc.readiness(org.name, definition) for org in orgs}
            lacking = {org: sorted(m for m, ok in view.items() if not ok) for org, view in views.items()}
            lacking = {org: missing for org, missing in lacking.items() if missing}
            if not lacking:
                return views[orgs[0].name]
            if self.supervisor.clock() >= deadline:
                missing = sorted({msp for each in lacking.values() for msp in each})
                where = "on every peer: see `recfin network logs` of those orgs' peers" if len(lacking) == len(orgs) \
                    else (f"on {', '.join(self.topology.peers(org)[0].name for org in lacking)}, a block behind the "
                          f"others: see `recfin network logs` of those peers")
                raise ChaincodeError(f"{definition.name} sequence {definition.sequence} lacks approvals from "
                                     f"{', '.join(missing)} after {self.timeout:g}s {where}")
            self.supervisor.sleep(0.5)

    def _committed_unrecorded(self, lc: Lifecycle, org: str, committed: dict | None, recorded, name: str,
                              version: str, policy: str | None, collections_config: Path | None,
                              package_id: str) -> bool:
        """Whether the definition in force is the one this deploy would commit although the record does not say
        so (a deploy whose commit landed but whose record was not written: the CLI's wait timed out, or the run
        was killed). Same version, this org's approved package, and then the channel itself compares the
        policy and collections: approving the sequence in force is accepted only with its exact parameters
        (and changes nothing else, the package being the one approved already)."""
        if committed is None or str(committed.get("version")) != version:
            return False
        sequence = int(committed["sequence"])
        if recorded is not None and recorded.sequence == sequence:
            return False        # recorded as committed, so something wanted differs: a new sequence
        if lc.approved_package(org, name, sequence) != package_id:
            return False
        self.wait_for_raft_leader()         # an approval is a transaction
        return lc.approve_as_committed(org, Definition(self.topology.channel, name, version, sequence, policy,
                                                       collections_config), package_id)

    def _refuse_a_default_version_the_channel_moved_past(self, committed: dict | None, recorded, name: str,
                                                         version: str) -> None:
        """Refused (ChaincodeError) when a deploy given no version would put the version its record names
        (or, with no record, the topology's: version_to_deploy) over a definition in force that is not the
        recorded one and has another version number: an upgrade whose commit landed but whose record was not
        written (the CLI's wait timed out, the run was killed), or one deployed from another data folder.
        Taken from the record, the version would silently go back to the one before, as a new sequence
        every org approves."""
        if committed is None or (recorded is not None and recorded.sequence == int(committed["sequence"])):
            return
        held, sequence = str(committed.get("version")), int(committed["sequence"])
        if untagged_version(held) == untagged_version(version):
            return      # the same number: the definition in force (_committed_unrecorded), or an upgrade
        record = ccservers.state_file(self.data_root, name)
        ours = (f"{record} records version {recorded.version} at sequence {recorded.sequence}"
                if recorded is not None else f"no deploy of it is recorded in {self.data_root}")
        raise ChaincodeError(
            f"{name}: the channel's definition in force is version {held} at sequence {sequence}, but "
            f"{ours}: deployed given no --version, version {version} would replace it as sequence "
            f"{sequence + 1}. Nothing was deployed: run the same deploy with "
            f"`--version {untagged_version(held)}` to keep the channel's version (the definition in force, "
            f"when it is this deploy's, is recorded, not committed again), or with --version naming the "
            f"version the channel is to have")

    def _check_server_ports(self, name: str, offset: int) -> None:
        """Refused (ChaincodeError) when a server of chaincode `name`, offset ports above each org's
        chaincode_server_port (ccservers.port_offset_for), would take a port the topology's nodes use, one the
        servers of another chaincode take (deployed, or recorded by a deploy not committed yet), or one above
        65535. Topology validation checks the first chaincode's ports alone; a further one's are known only here,
        before its packages name them."""
        topo = self.topology
        taken = {port: f"{node.name}'s {key}" for node in topo.nodes() for key, port in node.ports.items()}
        offsets = ccservers.port_offsets(self.data_root) | {topo.chaincode.name: 0}
        for other, other_offset in offsets.items():
            if other == name or other_offset is None:
                continue
            for org in topo.orgs:
                for what, port in ccservers.server_ports(org, other_offset):
                    taken.setdefault(port, f"the {what} of chaincode {other} for {org.name}")
        for org in topo.orgs:
            for what, port in ccservers.server_ports(org, offset):
                where = (f"port {port} ({org.name}'s chaincode_server_port {org.chaincode_server_port}"
                         + (f" + {offset}" if offset else "")
                         + (f" + {OPERATIONS_PORT_SHIFT}" if what != "chaincode server" else "") + ")")
                if port > 65535:
                    raise ChaincodeError(f"chaincode {name}: its {what} for {org.name} would listen on {where}, "
                                         f"above 65535: lower {org.name}'s chaincode_server_port in topology.yaml")
                if port in taken:
                    further = (f" (chaincode {name} listens {offset} ports above each org's chaincode_server_port: "
                               f"each chaincode name after {topo.chaincode.name} takes the next 10)" if offset else "")
                    raise ChaincodeError(f"chaincode {name}: its {what} for {org.name} would listen on {where}, "
                                         f"which is {taken[port]}: move one of them in topology.yaml{further}. "
                                         f"Nothing was deployed")

    @_holding_run_lock("recfin chaincode deploy")
    def deploy_chaincode(self, name: str | None = None, contract: str | None = None, version: str | None = None,
                         collections_config: Path | None = None, signature_policy: str | None = "topology",
                         allow_one_org_policy: bool = False) -> DeployResult:
        """Package, serve, install, approve (each org), check readiness, commit; upgrade if committed.

        signature_policy: "topology" (default) uses topology.chaincode.endorsement_policy
        (derived from the orgs when it says "derived"); None or "" uses the channel's MAJORITY
        Endorsement policy; any other string is a signature policy such as
        "AND('BankMSP.peer','SupplierMSP.peer')". A signature policy that one org's identities could meet alone, or
        that names a principal of another role than peer, is refused before anything runs
        (contract_config.one_org_policy_refusal) unless allow_one_org_policy: it voids the contract's guarantee
        that no single org writes alone. So is the channel's policy where the channel's configuration, as recfin
        generates it for the topology, lets one org's peers meet it (contract_config.channel_policy_refusal).

        The topology's own chaincode runs with the contract configuration derived from the
        channel's orgs as they are now (contract_config): its digest is added to the version,
        so every org's approval covers it and a changed configuration is a new sequence, and
        its collections are derived from it when the topology says so.
        """
        topo, root = self.topology, self.data_root
        self.fabric.require(("peer",))
        namespaces.refuse_unreachable(topo)     # every org's peer installs and approves; its server is probed
        name = name or topo.chaincode.name
        recorded = ccservers.load_deployment(root, name)
        # As the version: the contract deployed under this name, so a deploy given no --contract never swaps
        # in the topology's class under another chaincode's name (a new sequence running another contract)
        contract = contract or (recorded.contract if recorded else topo.chaincode.contract)
        version_given = bool(version)
        version = version or ccservers.version_to_deploy(recorded, topo.chaincode.version)
        policy = (contract_config.endorsement_policy(topo) if signature_policy == "topology"
                  else (signature_policy or None))
        check_name_and_version(name, version)     # before anything is written (the digest suffix is valid)
        if policy:
            compiled_signature_policy(policy)     # one the peer cannot read: refused before any write
            if not allow_one_org_policy and (refusal := contract_config.one_org_policy_refusal(
                    policy, topo, "the topology's chaincode.endorsement_policy" if signature_policy == "topology"
                    else "endorsement policy")):
                raise ChaincodeError(refusal)
            if recorded is not None and same_signature_policy(recorded.signature_policy, policy):
                policy = recorded.signature_policy      # the rule deployed, typed otherwise: no new sequence
        elif not allow_one_org_policy and (refusal := contract_config.channel_policy_refusal(topo, root)):
            raise ChaincodeError(refusal)       # the channel's policy, on a channel where one org meets it
        if not (Path(root) / "crypto").is_dir():
            # before anything is written: a folder given files here would no longer be one `up` takes as new
            raise ChaincodeError(f"no network in {root} (no crypto/ there): run `recfin network up` first, with "
                                 f"the same --data-root")
        offset = ccservers.port_offset_for(root, name, topo.chaincode.name)
        self._check_server_ports(name, offset)      # before anything is written: the files name the ports
        first = topo.orgs[0].name
        lc = Lifecycle(self.tools, topo, root)
        committed = lc.committed(first, name)
        if not version_given:       # before anything is written or stopped
            self._refuse_a_default_version_the_channel_moved_past(committed, recorded, name, version)
        # Before any ledger step: a port of a server to start that something holds (another chaincode's server a
        # stopped deploy left running, say) is refused now, not after every org has installed and approved.
        # What a server's exited process left holding its ports, which the check passes over, is stopped now too.
        self._stop_left_running(ensure_free(topo.listen_host, self._idle_ports_of(name, offset),
                                            left_running_by=self._left_running_by))
        # Kept before the packages name the ports: if this deploy stops before its commit (its servers running),
        # the next new chaincode name still takes other ports (ccservers.port_offset_for).
        ccservers.record_port_offset(root, name, offset)
        config_sha = None
        if name == topo.chaincode.name:
            config_sha = contract_config.digest(topo)
            version = contract_config.definition_version(topo, version)
            if collections_config is None:
                collections_config = (contract_config.write_collections(topo, root)
                                      or topo.chaincode.resolved_collections_config())
        collections_sha = None
        if collections_config is not None:
            collections_config = Path(collections_config).resolve()
            if not collections_config.is_file():
                raise ChaincodeError(f"collections config {collections_config} not found")
            collections_sha = hashlib.sha256(collections_config.read_bytes()).hexdigest()
        label = f"{name}_{version}"

        self.say(f"[1/6] package {label} (one ccaas package per org: each names its own server, mutual TLS)")
        package_ids = {}
        packages = {}
        for org in topo.orgs:
            address = topo.chaincode_server_address(org, offset)
            pkg = packaging.write_package(ccservers.org_dir(root, name, org), label,
                                          ccservers.connection(topo, root, org, offset))
            packages[org.msp_id], package_ids[org.msp_id] = pkg, pkg.package_id
            self.say(f"  {org.msp_id}: {pkg.package_id} -> {address}")

        wanted = {"version": version, "contract": contract, "signature_policy": policy,
                  "collections_sha256": collections_sha, "package_ids": package_ids}
        sequence, changed = next_sequence(committed, recorded.__dict__ if recorded else None, wanted)
        if changed and self._committed_unrecorded(lc, first, committed, recorded, name, version, policy,
                                                  collections_config, package_ids[topo.orgs[0].msp_id]):
            sequence, changed = int(committed["sequence"]), False
            recorded = None             # what was committed is recorded below, as this deploy's
            self.say(f"  {name} {version} sequence {sequence} is committed as wanted but was not recorded "
                     f"(an earlier deploy stopped after its commit): recording it")
        dep = ccservers.Deployment(name, version, sequence, contract, policy, collections_sha, offset, package_ids,
                                   config_sha, signature_policy_from_topology=signature_policy == "topology",
                                   topology_version=topo.chaincode.version)
        if not changed:
            self.say(f"{name} {version} already committed at sequence {sequence}: ensuring its servers run")
            if recorded is None:
                if collections_config is not None:      # the copy first, as after a commit
                    ccservers.keep_collections(root, name, collections_config)
                ccservers.save_deployment(root, dep)
            elif (recorded.signature_policy_from_topology, recorded.topology_version) != \
                    (dep.signature_policy_from_topology, dep.topology_version):
                # the same policy, now said to be the topology's or given: `org add|remove` keep it by this;
                # and the topology's version now, which the next deploy given no version compares with
                ccservers.save_deployment(root, replace(recorded, signature_policy_from_topology=
                                                        dep.signature_policy_from_topology,
                                                        topology_version=dep.topology_version))
            if config_sha:      # the definition in force: its servers' file, and network_config.json
                contract_config.write_served_config(topo, root)
                contract_config.write_config(topo, root)
            if collections_config is not None:      # a record kept before its collections were: keep them now
                ccservers.keep_collections(root, name, collections_config)
            started = self.start_chaincode_servers(name)
            # A ccaas package names the servers, not the code they run: a change to the contract's code (the
            # checkout pulled) leaves the definition as it is, and a server running since before it runs the old code.
            kept = [ccservers.server_name(name, org.name) for org in topo.orgs if org.msp_id in dep.package_ids
                    and ccservers.server_name(name, org.name) not in started]
            if kept:
                self.say(f"  {', '.join(kept)} already ran and go on with the contract code they started with: after "
                         f"a change to that code, `recfin chaincode restart --name {name}` runs it, or a deploy with "
                         f"a new --version makes it a new definition, which every org approves")
            return DeployResult(name, version, sequence, False, package_ids)
        what = ("new" if committed is None
                else f"upgrade from {committed.get('version')} seq {committed.get('sequence')}")
        self.say(f"[2/6] install on every peer ({what}, sequence {sequence})")
        for org in topo.orgs:
            done = lc.install(org.name, packages[org.msp_id].path, package_ids[org.msp_id])
            self.say(f"  {topo.peers(org.name)[0].name}: {'installed' if done else 'already installed'}")
        definition = Definition(topo.channel, name, version, sequence, policy, collections_config)
        self.wait_for_raft_leader()         # approvals are transactions: the ordering service must have a leader
        self.say(f"[3/6] approve as each org (policy: {policy or 'channel Endorsement: MAJORITY'})")
        ready = lc.readiness(first, definition)
        for org in topo.orgs:
            # Readiness compares the definition alone, not the package an org approved with it: an earlier run
            # that stopped after approving may have approved another package (its server's address or TLS material
            # changed since), whose peer would then dial a server that is not there. Fabric takes the approval of
            # a sequence not yet committed again, with this package.
            earlier = lc.approved_package(org.name, name, sequence) if ready.get(org.msp_id) else None
            if earlier == package_ids[org.msp_id]:
                self.say(f"  {org.msp_id}: already approved")
                continue
            lc.approve(org.name, definition, package_ids[org.msp_id])
            self.say(f"  {org.msp_id}: approved" + (f" again, with package {package_ids[org.msp_id]} (it had "
                                                     f"approved {earlier})" if earlier else ""))
        ready = self._every_peer_sees_the_approvals(lc, definition)
        self.say(f"[4/6] commit readiness: {', '.join(f'{m}={ok}' for m, ok in sorted(ready.items()))}")
        self.say("[5/6] chaincode servers")
        # The new configuration's own file (served_config_path): the definition in force keeps its file, so
        # when the commit below fails (or the run is stopped), its servers restart with the configuration their
        # orgs approved. network_config.json follows only a commit.
        if config_sha:
            self.say(f"  contract configuration {config_sha[:12]}: {contract_config.write_served_config(topo, root)}")
        for org in topo.orgs:
            spec = self._server_spec(dep, org.name)
            running = self.supervisor.running_pid(spec.pid_file)
            if running is not None and recorded is None:
                # left by a deploy stopped before its commit: its package was never committed, and it may serve on
                # other ports than this deploy's (an earlier version recorded no offset), so it makes way
                self.supervisor.stop(spec.pid_file)
                self.say(f"  stopped {spec.name}, left running by a deploy that did not commit")
            elif running is not None and recorded.package_ids.get(org.msp_id) != package_ids[org.msp_id]:
                self.supervisor.stop(spec.pid_file)
                self.say(f"  stopped old {spec.name} ({recorded.version})")
            elif running is not None and recorded.contract != contract:
                # the same package (a package names the server, not its code): it runs the contract recorded
                self.supervisor.stop(spec.pid_file)
                self.say(f"  stopped {spec.name}, which ran {recorded.contract}")
            self.say_stopped_alongside("  ")
            if self.supervisor.running_pid(spec.pid_file) is None and not spec.netns:
                # as before the install, where a server then running (an old one, stopped above) was passed over
                ensure_free(topo.listen_host, _server_ports(name, org, offset),
                            left_running_by=self._left_running_by)
            self._start_server(spec)
        self.say(f"[6/6] commit {name} {version} sequence {sequence}")
        lc.commit(first, definition)
        # The copy first: a record whose collections are not kept beside it could not be approved by a later org.
        if collections_config is not None:
            ccservers.keep_collections(root, name, collections_config)
        ccservers.save_deployment(root, dep)
        if config_sha:
            contract_config.write_config(topo, root)
        now = lc.committed(first, name)
        if now is None or int(now["sequence"]) != sequence:
            raise ChaincodeError(f"commit of {name} sequence {sequence} is not visible on {first}'s peer")
        self.say(f"  committed: {name} {version} sequence {sequence}")
        return DeployResult(name, version, sequence, True, package_ids)
