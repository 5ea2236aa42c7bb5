"""Block files as Fabric's block store writes them (common/ledger/blkstorage): per block, its serialized length as a
varint, then the block as block_serialization.go serializes it, field by field, not as a common.Block message."""
from __future__ import annotations

from fabric_protos.common import common_pb2
from google.protobuf.internal.encoder import _VarintBytes


def _raw(data: bytes) -> bytes:
    return _VarintBytes(len(data)) + data


def stored(block: common_pb2.Block) -> bytes:
    """The block as Fabric's serializeBlock writes it: number, data hash, previous hash, data, metadata."""
    header = block.header
    return b"".join((_VarintBytes(header.number), _raw(header.data_hash), _raw(header.previous_hash),
                     _VarintBytes(len(block.data.data)), *map(_raw, block.data.data),
                     _VarintBytes(len(block.metadata.metadata)), *map(_raw, block.metadata.metadata)))


def block_file(blocks: list[common_pb2.Block]) -> bytes:
    """The bytes of a block file holding blocks, each record its length then the stored block."""
    return b"".join(_raw(stored(block)) for block in blocks)


def snapshot_info(last_block_number: int, last_block_hash: bytes, previous_block_hash: bytes) -> bytes:
    """bootstrappingSnapshot.info as Fabric's block store writes it when a peer joins from a snapshot
    (blkstorage's bootstrappingSnapshotInfo message: lastBlockNum = 1, lastBlockHash = 2, previousBlockHash = 3)."""
    number = b"\x08" + _VarintBytes(last_block_number) if last_block_number else b""   # proto3 leaves out a 0
    return number + b"\x12" + _raw(last_block_hash) + b"\x1a" + _raw(previous_block_hash)
