"""What the peer offers in READY: Fabric 3.1's batched writes and multi-key reads.

The peer sends a ``ChaincodeAdditionalParams`` message as the READY payload
(Fabric 3.1 ``core/chaincode/handler.go`` sendReady), as declared in
fabric-protos' peer/chaincode.proto, which the installed
hyperledger-fabric-protos build includes. An empty READY payload (older
peers) means neither feature is offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from fabric_protos.peer.chaincode_pb2 import ChaincodeAdditionalParams


# Keys per WRITE_BATCH_STATE or GET_STATE_MULTIPLE when the peer offers the feature but names
# no size: fabric-chaincode-go's default (shim/handler.go), never one unbounded message. A size
# the peer names is used as it is; the Go shim raises any size below 100 to 100, so only with
# such a size do the two send different segments (ours smaller, as the peer asked).
DEFAULT_SEGMENT_SIZE = 100

# The peer's default gRPC message limit, the server's too. No message may exceed it: gRPC ends the
# whole Connect call on one that does. Write batches are cut below it as well as by record count.
MAX_MESSAGE_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class PeerOptions:
    """Features the connected peer enabled and its segment sizes (0: the peer named none)."""

    use_write_batch: bool = False
    max_size_write_batch: int = 0
    use_get_multiple_keys: bool = False
    max_size_get_multiple_keys: int = 0

    @property
    def write_batch_segment(self) -> int:
        """Write records per WRITE_BATCH_STATE message."""
        return self.max_size_write_batch or DEFAULT_SEGMENT_SIZE

    @property
    def get_multiple_keys_segment(self) -> int:
        """Keys per GET_STATE_MULTIPLE message."""
        return self.max_size_get_multiple_keys or DEFAULT_SEGMENT_SIZE

    @classmethod
    def from_ready_payload(cls, payload: bytes) -> PeerOptions:
        params = ChaincodeAdditionalParams.FromString(payload or b"")
        return cls(
            use_write_batch=params.use_write_batch,
            max_size_write_batch=params.max_size_write_batch,
            use_get_multiple_keys=params.use_get_multiple_keys,
            max_size_get_multiple_keys=params.max_size_get_multiple_keys,
        )

    def to_ready_payload(self) -> bytes:
        """The READY payload a peer offering these options sends (used by tests and MemoryLedger)."""
        return ChaincodeAdditionalParams(
            use_write_batch=self.use_write_batch,
            max_size_write_batch=self.max_size_write_batch,
            use_get_multiple_keys=self.use_get_multiple_keys,
            max_size_get_multiple_keys=self.max_size_get_multiple_keys,
        ).SerializeToString()
