"""The archive `recfin network backup` writes, and its reading: the format, the manifest, and every member checked.

The archive (tar, gzip) holds a manifest first (MANIFEST_NAME: JSON, every file's path, size, mode and sha256, and
every folder's mode), then each folder and file under DATA_PREFIX, in the manifest's order. verify_archive reads it
whole against its manifest; a restore (network/backup_restore.py) does so before it writes anything, then again as
it unpacks it into a folder (_read_archive's into). Writing it is network/backup.py's.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import tarfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from client.yaml_files import MAX_YAML_BYTES

from .errors import NetworkError, first_few

FORMAT = "recfin-network-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "recfin-backup.json"
DATA_PREFIX = "data"
ARCHIVE_MODE = 0o600            # it holds private keys
MANIFEST_LIMIT = 64 << 20       # a manifest larger than this is no manifest of ours: refused before it is read
KEPT_LIMIT = MAX_YAML_BYTES     # a file kept in memory as the archive is read (_read_archive's kept): YAML
# The modes a manifest may record: a backup records each entry's whole mode, set-id and sticky bits too (a folder made
# inside a setgid folder, as a group's shared /srv often is, carries the setgid bit); a restore gives a file its
# permission bits only (a crafted archive restored by root must not make a set-id program) and a folder also its
# setgid and sticky bits (network/backup_restore.py).
MODE_LIMIT = 0o7777
_CHUNK = 1 << 20
# What takes a file's bytes as an archive is read: by the file's path in the data folder, a function given each
# chunk in order, or None for a file it does not read.
Readers = Callable[[str], Callable[[bytes], None] | None]


class BackupArchiveError(NetworkError):
    """The archive is not one a backup wrote, or not as its manifest says: nothing was written."""


class NotABackupArchive(BackupArchiveError):
    """The file is no archive a backup wrote at all, as its start shows (empty, not gzip, not tar, its first
    member not MANIFEST_NAME): the wrong file was given, which the CLI refuses as a usage error naming ARCHIVE
    (exit 2), where an archive a backup wrote refused on what it holds (its manifest included) exits 1."""


@dataclass(frozen=True)
class FileEntry:
    path: str           # relative to the data folder, with "/"
    size: int
    mode: int
    sha256: str


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


# ---- reading ---------------------------------------------------------------------------------------------------
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _bad(archive: Path, why: str) -> BackupArchiveError:
    return BackupArchiveError(f"refusing to restore {archive}: {why}. Nothing was written")


def _not_a_backup(archive: Path, why: str) -> NotABackupArchive:
    return NotABackupArchive(f"{archive} is not an archive `recfin network backup` wrote: {why}. Nothing was "
                             f"written: give the file `recfin network backup` wrote")


# The longest path a manifest may list: Linux's PATH_MAX, and far more parts than any data folder's path has. Checked
# first, before anything else is done with a path: one of 20,000 parts fits in a 400-byte gzip.
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
    # An empty, `.` or `..` part, found by string search (looked at a part at a time, a manifest's many parts
    # take seconds).
    if not isinstance(rel, str) or not rel or "\0" in rel or any(
            bad in f"/{rel}/" for bad in ("//", "/./", "/../")):
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
    orderer_org: str | None = None      # the topology's orderer org and peer orgs (MSP IDs) it was made with
    orgs: tuple[str, ...] | None = None


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
            if not _whole(item["mode"], MODE_LIMIT) or path in folders:
                raise _bad(archive, f"its manifest lists the folder {path!r} twice or with a mode out of range")
            folders[path] = item["mode"]
        for item in doc["files"]:
            path = _safe_path(archive, item["path"])
            entry = FileEntry(path, item["size"], item["mode"], item["sha256"])
            if not (_whole(entry.size, 1 << 62) and _whole(entry.mode, MODE_LIMIT) and isinstance(entry.sha256, str)
                    and _HEX64.fullmatch(entry.sha256)) or path in files or path in folders:
                raise _bad(archive, f"its manifest lists the file {path!r} twice or with a malformed size, mode or "
                                    f"digest")
            files[path] = entry
        channel, org, created, root_mode = doc["channel"], doc["org"], doc["created"], doc["data_root_mode"]
    except (KeyError, TypeError):
        raise _bad(archive, "its manifest lacks a field every backup's has") from None
    if not (isinstance(channel, str) and (org is None or isinstance(org, str)) and isinstance(created, str)
            and _whole(root_mode, MODE_LIMIT)):
        raise _bad(archive, "its manifest's channel, org, date or folder mode is malformed")
    orderer_org, orgs = doc.get("orderer_org"), doc.get("orgs")
    if not ((orderer_org is None or isinstance(orderer_org, str))
            and (orgs is None or isinstance(orgs, list) and all(isinstance(o, str) for o in orgs))):
        raise _bad(archive, "its manifest's orderer org or orgs are malformed")
    if (inside := _inside_a_file(folders, files)) is not None:
        raise _bad(archive, f"its manifest lists {inside!r} inside a file")
    return Manifest(channel, org, created, root_mode, folders, files, orderer_org,
                    None if orgs is None else tuple(orgs))


def _inside_a_file(folders: dict[str, int], files: dict[str, FileEntry]) -> str | None:
    """A path listed inside a listed file, or None. Each path is looked at once, never through its every
    parent (a manifest of long, deep paths would take minutes): with "/" written as NUL, which no path holds
    (_safe_path), and sorted, what lies inside an entry sorts right after it, before any sibling ("a/b/x"
    before "a/b-c", after "a/b"), so a file that holds anything is followed by what it holds."""
    ordered = sorted((path.replace("/", "\0"), path) for path in [*folders, *files])
    for (before, before_path), (key, path) in zip(ordered, ordered[1:]):
        if before_path in files and key.startswith(before + "\0"):
            return path
    return None


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


def _read_archive(archive: Path, *, into: Path | None = None, kept: dict[str, bytes] | None = None,
                  readers: Readers | None = None) -> tuple[Manifest, str]:
    """Read the archive against its manifest (the manifest and the archive's own sha256), every member checked:
    listed, a regular file or folder inside the data folder, of its listed size and digest, none twice, none
    listed missing, no header or member unpacked beyond what a backup writes (_Bounded). With into, each folder
    and file is also written there (files mode 0600 until restore sets theirs), as it is read: a member found wrong
    after it was written leaves what into holds to be deleted; a write that fails is RestoreWriteError.
    With kept, the bytes of each file its keys name (at most KEPT_LIMIT) are put there once found whole. With
    readers, each file's bytes are also handed, chunk by chunk as they are read, to what readers(its path) gives
    (None: not that file's): what they make of them counts only once the archive is read whole."""
    with _opened(archive) as (reading, unpacked, tar, manifest):
        _members(archive, tar, unpacked, manifest, into, kept, readers)
        _nothing_after_the_end(archive, unpacked)
        while reading.read(_CHUNK):     # the rest of the file, for the archive's own digest
            pass
    return manifest, reading.digest.hexdigest()


def _nothing_after_the_end(archive: Path, unpacked: _Bounded) -> None:
    """The tar stream past the block that ends the tar archive: tar's zero padding alone (less than a record),
    read to the end of the gzip stream, whose CRC and length gzip checks there (EOFError for one cut short,
    and BadGzipFile for anything but a gzip stream after it: _opened's refusals). tarfile stops at that block,
    so unread, an archive cut short in its last bytes, or with an archive appended, was restored as whole."""
    rest = unpacked.handle.read(_READ_AHEAD + 1)
    if len(rest) > _READ_AHEAD or rest.count(0) != len(rest):
        raise _bad(archive, "it holds more than tar's padding after the end of its tar archive "
                            "(something was appended to it since the backup)")


def read_manifest(archive: Path) -> Manifest:
    """The archive's manifest, read from its start alone (NotABackupArchive when the file is no archive a
    backup wrote): a restore tells the wrong file given from the data folder's refusals before it reads the
    rest."""
    with _opened(Path(archive)) as (_, _, _, manifest):
        return manifest


@contextmanager
def _opened(archive: Path) -> Iterator[tuple[_Hashing, _Bounded, tarfile.TarFile, Manifest]]:
    """The archive as a tar stream, its manifest read first; what fails to read as gzip or tar is refused:
    NotABackupArchive until its first member is found to be MANIFEST_NAME (the file is no backup at all),
    after it a damaged backup's BackupArchiveError."""
    first = None
    with open(archive, "rb") as raw:
        if os.fstat(raw.fileno()).st_size == 0:
            raise _not_a_backup(archive, "the file is empty")
        reading = _Hashing(raw)
        try:
            unpacked = _Bounded(gzip.GzipFile(fileobj=reading, mode="rb"), archive)
            with tarfile.open(fileobj=unpacked, mode="r|") as tar:
                first = _manifest_header(archive, tar)
                manifest = _manifest_member(archive, tar, unpacked, first)
                yield reading, unpacked, tar, manifest
        except BackupArchiveError:
            damage = None if first is None else _gzip_damage(
                unpacked.handle, max(os.fstat(raw.fileno()).st_size * _DAMAGE_READ_RATIO, _DAMAGE_READ_FLOOR))
            if damage is not None:
                raise _bad(archive, f"it is damaged: its gzip data fails gzip's own check ({damage}), as a file "
                                    f"corrupted or cut short since the backup does: use another copy of the "
                                    f"backup") from None
            raise
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            if isinstance(exc, OSError) and exc.filename is not None:
                raise       # the disk being written, not the archive
            if first is None:
                raise _not_a_backup(archive, f"it is not a gzip tar archive ({exc})") from None
            raise _bad(archive, f"it is not a whole gzip tar archive ({exc})") from None


# How far the gzip stream is read on for _gzip_damage: a backup's gzip unpacks to a few times its size, and a gzip
# bomb is not unpacked whole to be told damaged (a 100 MB one in some seconds). The floor is for an orderer's raft
# WAL segments, files of 64 MiB preallocated with zeros that gzip packs a thousandfold: a few of them in a backup of
# a few MB took the read past 64 times its size, short of the stream's end.
_DAMAGE_READ_RATIO = 64
_DAMAGE_READ_FLOOR = 4 << 30


def _gzip_damage(unpacked: BinaryIO, budget: int) -> str | None:
    """What gzip says is wrong with the rest of the stream (its CRC or length, the deflate data, a stream cut
    short), read on to its end from where a check of the archive failed; None when it finds none (or the stream
    unpacks to more than a backup's would). A bit flipped on disk is read on by tarfile and found by the first
    check after it: a member's digest, the manifest, or a member header read as the tar archive's end, each of
    which says the archive was changed, where gzip's check, at the end, tells damage. At most ``budget`` bytes
    are read (_DAMAGE_READ_RATIO)."""
    try:
        while budget > 0 and (chunk := unpacked.read(min(_CHUNK, budget))):
            budget -= len(chunk)
    except (EOFError, zlib.error, OSError) as exc:     # gzip.BadGzipFile is an OSError
        if isinstance(exc, OSError) and exc.filename is not None:
            return None     # the disk, not the archive
        return str(exc) or type(exc).__name__
    return None


def _manifest_header(archive: Path, tar: tarfile.TarFile) -> tarfile.TarInfo:
    """The archive's first member, which is a backup's manifest (else NotABackupArchive)."""
    first = tar.next()
    if first is None or first.name != MANIFEST_NAME or first.type not in _REGULAR:
        raise _not_a_backup(archive, f"its first member is not {MANIFEST_NAME}")
    return first


def _manifest_member(archive: Path, tar: tarfile.TarFile, unpacked: _Bounded,
                     first: tarfile.TarInfo) -> Manifest:
    if first.size > MANIFEST_LIMIT:
        raise _bad(archive, f"its {MANIFEST_NAME} is {first.size} bytes, more than any backup's")
    unpacked.member(first.size)
    return _parse_manifest(archive, tar.extractfile(first).read())

def _members(archive: Path, tar: tarfile.TarFile, unpacked: _Bounded, manifest: Manifest,
             into: Path | None, kept: dict[str, bytes] | None = None, readers: Readers | None = None) -> None:
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
        keeping = kept is not None and rel in kept and entry.size <= KEPT_LIMIT
        reader = readers(rel) if readers is not None else None
        content = bytearray()
        target = None
        if into is not None:
            with _writing(archive, into, rel):
                target = _open_new(into / rel)
        try:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                if keeping:
                    content += chunk
                if reader is not None:
                    reader(chunk)
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
        if keeping:
            kept[rel] = bytes(content)
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


def verify_archive(archive: Path, *, kept: dict[str, bytes] | None = None,
                   readers: Readers | None = None) -> tuple[Manifest, str]:
    """The archive's manifest and sha256 once every member is checked against it (BackupArchiveError
    otherwise). With kept, the bytes of each small file its keys name are put there; with readers, each file's
    bytes handed on as they are read (_read_archive)."""
    return _read_archive(Path(archive), kept=kept, readers=readers)
