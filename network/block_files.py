"""A node's block store read offline: the height of each channel's ledger under a data folder, from Fabric's files.

Fabric keeps a channel's blocks in files named blockfile_NNNNNN (a peer under ledgersData/chains/chains/<channel>,
an orderer under ledger/chains/<channel>), each a sequence of records: the record's length as a protobuf varint,
then the block as its block store serializes it (common/ledger/blkstorage, block_serialization.go), not as a
common.Block message: the header's number (a varint), its data hash and previous hash (each a varint length and
the bytes), the count of data entries (a varint) and each entry (length and bytes), then the count of metadata
entries and each entry likewise. A node killed while it wrote a block leaves part of a record at the end of its
last file, which Fabric cuts off when it starts again: it is no block of the ledger, and is passed over here too.

A peer that joined its channel from a snapshot (`peer channel joinbysnapshot`) holds no block up to the snapshot's:
its block store starts with a file SNAPSHOT_INFO (blkstorage's bootstrappingSnapshotInfo message: the snapshot's
last block number, field 1, and that block's hash and previous hash, fields 2 and 3) and an empty
blockfile_000000, which takes the first block after the snapshot's. Fabric counts its height from that file until
a block is written (blockfile_mgr.go, newBlockfileMgr), and so is it counted here.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_BLOCK_FILE = re.compile(r"blockfile_(\d{6,})")
SNAPSHOT_INFO = "bootstrappingSnapshot.info"
# Its message holds a number and two hashes: a file far larger is none of Fabric's, and is not read whole.
_SNAPSHOT_INFO_LIMIT = 1 << 10
_VARINT_MAX_BYTES = 10


class UnreadableLedger(Exception):
    """A block file that holds no sequence of blocks as Fabric writes them (or cannot be opened)."""


@dataclass(frozen=True)
class Ledger:
    """A channel's block store in a data folder: its folder (relative to the data folder), and its height (the
    number of blocks: the last complete block's number + 1, 0 when it holds none), or why it cannot be read."""

    folder: str
    height: int | None
    unreadable: str | None = None

    @property
    def channel(self) -> str:
        return self.folder.rsplit("/", 1)[-1]

    @property
    def node(self) -> str:
        """The node folder's name (nodes/<node>/data/...), or the folder's path when it lies elsewhere."""
        parts = self.folder.split("/")
        for place in range(len(parts) - 2):
            if parts[place] == "nodes" and parts[place + 2] == "data":
                return "/".join(parts[:place] + [parts[place + 1]])
        return self.folder


def ledgers(data_root: Path) -> dict[str, Ledger]:
    """Every folder under data_root holding block files, by its path relative to data_root, with its height."""
    found = {}

    def unlisted(error: OSError) -> None:
        # A folder of a node's data/ that cannot be listed may be a ledger: named, not passed over.
        rel = Path(error.filename).relative_to(data_root).as_posix()
        if (ledger := Ledger(rel, None, f"{error.filename}: {error.strerror}")).node != rel:
            found[rel] = ledger

    for parent, folders, names in os.walk(data_root, onerror=unlisted):
        folders.sort()
        if any(_BLOCK_FILE.fullmatch(name) or name == SNAPSHOT_INFO for name in names):
            rel = Path(parent).relative_to(data_root).as_posix()
            try:
                found[rel] = Ledger(rel, height(Path(parent)))
            except UnreadableLedger as why:
                found[rel] = Ledger(rel, None, str(why))
    return found


def height(folder: Path) -> int:
    """The height of the block store in folder: its last block file holding a complete block gives it (Fabric
    moves to a new file before it writes a block there, so the last file may hold none yet); where none holds
    one, the snapshot it was joined from (SNAPSHOT_INFO), else 0."""
    try:
        names = os.listdir(folder)
    except OSError as exc:
        raise UnreadableLedger(f"{folder}: {exc.strerror or exc}") from None
    files = sorted(((int(m.group(1)), folder / name) for name in names if (m := _BLOCK_FILE.fullmatch(name))),
                   reverse=True)
    for _, path in files:
        last = last_block_number(path)
        if last is not None:
            return last + 1
    if SNAPSHOT_INFO in names:
        info = folder / SNAPSHOT_INFO
        try:
            with open(info, "rb") as handle:
                return snapshot_height(handle.read(_SNAPSHOT_INFO_LIMIT + 1), info)
        except OSError as exc:
            raise UnreadableLedger(f"{info}: {exc.strerror or exc}") from None
    return 0


def snapshot_height(data: bytes, path: Path | str) -> int:
    """The height a block store joined from a snapshot has before its first block: the snapshot's last block
    number (field 1 of the bootstrappingSnapshotInfo message in data, SNAPSHOT_INFO's bytes) + 1. UnreadableLedger
    when data is no such message (path: where it was read, for the message)."""
    fields, number = _Fields(data), 0
    fields.broken = len(data) > _SNAPSHOT_INFO_LIMIT
    while fields.at < len(data) and not fields.broken:
        key = fields.varint()
        if key == 1 << 3:                   # field 1, a varint
            number = fields.varint()
        elif key in (2 << 3 | 2, 3 << 3 | 2):   # fields 2 and 3, bytes
            fields.raw_bytes()
        else:
            fields.broken = True
    if fields.broken or fields.at != len(data):
        raise UnreadableLedger(f"{path}: not the snapshot information Fabric writes when a peer joins from a "
                               f"snapshot")
    return number + 1


def last_block_number(path: Path) -> int | None:
    """header.number of the last complete block in the block file at path; None when it holds none (empty, or
    part of one record alone). UnreadableLedger when a complete record is no block."""
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            last_record = last_start = last_length = None
            offset = 0
            while offset < size:
                handle.seek(offset)
                head = handle.read(_VARINT_MAX_BYTES)
                decoded = _varint(head)
                if decoded is None:
                    if len(head) < _VARINT_MAX_BYTES and offset + len(head) == size:
                        break           # the length of a record cut short
                    raise UnreadableLedger(f"{path}: no block length at byte {offset}")
                length, used = decoded
                if (wrong := _wrong_length(length, offset)) is not None:
                    raise UnreadableLedger(f"{path}: {wrong}")
                if offset + used + length > size:
                    break               # a record cut short: Fabric cuts it off when its node starts again
                last_record, last_start, last_length = offset, offset + used, length
                offset += used + length
            if last_start is None:
                return None
            handle.seek(last_start)
            return _block_number(path, handle.read(last_length), last_record)
    except OSError as exc:
        raise UnreadableLedger(f"{path}: {exc.strerror or exc}") from None


class StreamedLedgers:
    """The block stores among files read as streams, each file by its path relative to a data folder (an archive's
    members as they are read), their heights as ledgers() reads them on disk, without writing the files anywhere.
    where(rel): how a file is named in a message."""

    def __init__(self, where: Callable[[str], str] = str):
        self._where = where
        self._block_files: dict[str, _BlockFileScan] = {}
        self._snapshot_infos: dict[str, bytearray] = {}

    def reader(self, rel: str) -> Callable[[bytes], None] | None:
        """What takes the bytes of the file rel, chunk by chunk, in order; None for a file of no block store."""
        name = rel.rpartition("/")[2]
        if _BLOCK_FILE.fullmatch(name):
            scan = self._block_files[rel] = _BlockFileScan(self._where(rel))
            return scan.feed
        if name == SNAPSHOT_INFO:
            kept = self._snapshot_infos.setdefault(rel, bytearray())
            # past its limit, a byte more says it is too large (snapshot_height): the rest is not kept
            return lambda chunk: kept.extend(chunk[:_SNAPSHOT_INFO_LIMIT + 1 - len(kept)])
        return None

    def ledgers(self) -> dict[str, Ledger]:
        """Every folder holding block files (or a snapshot's information) among the files read, with its height."""
        folders: dict[str, list[tuple[int, _BlockFileScan]]] = {}
        for rel, scan in self._block_files.items():
            folder, name = rel.rpartition("/")[::2]
            folders.setdefault(folder, []).append((int(_BLOCK_FILE.fullmatch(name).group(1)), scan))
        for rel in self._snapshot_infos:
            folders.setdefault(rel.rpartition("/")[0], [])
        found = {}
        for folder, scans in sorted(folders.items()):
            try:
                found[folder] = Ledger(folder, self._height(folder, sorted(scans, key=lambda s: s[0], reverse=True)))
            except UnreadableLedger as why:
                found[folder] = Ledger(folder, None, str(why))
        return found

    def _height(self, folder: str, scans: list[tuple[int, _BlockFileScan]]) -> int:
        """height()'s reading, of the files read as streams."""
        for _, scan in scans:
            last = scan.last_block_number()
            if last is not None:
                return last + 1
        rel = f"{folder}/{SNAPSHOT_INFO}"
        if rel in self._snapshot_infos:
            return snapshot_height(bytes(self._snapshot_infos[rel]), self._where(rel))
        return 0


class _BlockFileScan:
    """last_block_number() of a block file whose bytes come in chunks (feed): of each whole record, only what it
    tells (its block's number, or why it is no block) is kept, which counts once it is the last."""

    def __init__(self, where: str):
        self.where = where
        self.pending = bytearray()      # from the start of the record not yet whole
        self.offset = 0                 # where pending starts in the file
        self.record: tuple[int, int] | None = None      # the bytes its length takes, and that length, once read
        self.last: int | UnreadableLedger | None = None     # the last whole record's block number, or why it is none
        self.broken: str | None = None

    def feed(self, chunk: bytes) -> None:
        if self.broken is not None:
            return
        self.pending += chunk
        while True:
            if self.record is None:
                decoded = _varint(self.pending[:_VARINT_MAX_BYTES])
                if decoded is None:
                    if len(self.pending) >= _VARINT_MAX_BYTES:
                        self.broken = f"no block length at byte {self.offset}"
                    return          # else the length's bytes are still to come (or were cut short)
                if (wrong := _wrong_length(decoded[0], self.offset)) is not None:
                    self.broken = wrong
                    return
                self.record = (decoded[1], decoded[0])
            used, length = self.record
            if len(self.pending) < used + length:
                return
            try:
                self.last = _block_number(self.where, self.pending[used:used + length], self.offset)
            except UnreadableLedger as why:
                self.last = why
            del self.pending[:used + length]
            self.offset += used + length
            self.record = None

    def last_block_number(self) -> int | None:
        """As last_block_number(path): what is left pending at the end is a record cut short, passed over."""
        if self.broken is not None:
            raise UnreadableLedger(f"{self.where}: {self.broken}")
        if isinstance(self.last, UnreadableLedger):
            raise self.last
        return self.last


# More than any block Fabric stores (the orderer's AbsoluteMaxBytes stays under the 100 MB gRPC messages carry): a
# record's length past it is no block's, and a record is held in memory whole to be read (in an archive, one
# unpacking to gigabytes from a small gzip stream would be).
_RECORD_LIMIT = 1 << 28


def _wrong_length(length: int, offset: int) -> str | None:
    """Why a record of length bytes at offset is no block's record, or None."""
    if length == 0:
        return f"an empty record at byte {offset}"
    if length > _RECORD_LIMIT:
        return f"a record of {length} bytes at byte {offset}, more than any block Fabric stores"
    return None


def _varint(data: bytes) -> tuple[int, int] | None:
    """The protobuf varint at the start of data and the bytes it takes, or None when data holds no whole one."""
    value = 0
    for place, byte in enumerate(data[:_VARINT_MAX_BYTES]):
        value |= (byte & 0x7F) << (7 * place)
        if not byte & 0x80:
            return value, place + 1
    return None


def _block_number(path: Path | str, data: bytes | bytearray, offset: int) -> int:
    """The number of the block serialized as data (the record at offset), every field of it read to its end, as
    Fabric's block store reads it back: UnreadableLedger when it is not a whole block so serialized."""
    fields = _Fields(data)
    number = fields.varint()
    for _ in range(2):          # its data hash and previous hash
        fields.raw_bytes()
    for _ in range(2):          # its data entries, then its metadata entries
        count = fields.varint()
        if count > len(data):   # each entry takes a byte at least: a count no block has
            fields.broken = True
        for _ in range(count if not fields.broken else 0):
            fields.raw_bytes()
    if fields.broken or fields.at != len(data):
        raise UnreadableLedger(f"{path}: the record at byte {offset} is no block as Fabric stores one")
    return number


class _Fields:
    """Reads varints and length-prefixed bytes from the start of data; broken once one runs past its end."""

    def __init__(self, data: bytes):
        self.data, self.at, self.broken = data, 0, False

    def varint(self) -> int:
        decoded = None if self.broken else _varint(self.data[self.at:self.at + _VARINT_MAX_BYTES])
        if decoded is None:
            self.broken = True
            return 0
        self.at += decoded[1]
        return decoded[0]

    def raw_bytes(self) -> None:
        length = self.varint()
        if self.at + length > len(self.data):
            self.broken = True
        self.at += length
