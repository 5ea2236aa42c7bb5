"""What the peer offers in READY: Fabric 3.1's batched writes and multi-key reads.

The peer sends a ``ChaincodeAdditionalParams`` message as the READY payload
(Fabric 3.1 ``core/chaincode/handler.go`` sendReady). The installed
hyperledger-fabric-protos build predates that message, so it is declared here
with the field numbers of fabric-protos' peer/chaincode.proto (0.3.7), in a
private descriptor pool so it can never clash with a newer protos package.
An empty READY payload (older peers) means neither feature is offered.
"""

from __future__ import annotations

from dataclasses import dataclass

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def _build_message_class():
    file_proto = descriptor_pb2.FileDescriptorProto(
        name="recfin/chaincode_additional_params.proto", package="protos", syntax="proto3"
    )
    message = file_proto.message_type.add(name="ChaincodeAdditionalParams")
    fields = [
        ("use_write_batch", 1, descriptor_pb2.FieldDescriptorProto.TYPE_BOOL),
        ("max_size_write_batch", 2, descriptor_pb2.FieldDescriptorProto.TYPE_UINT32),
        ("use_get_multiple_keys", 3, descriptor_pb2.FieldDescriptorProto.TYPE_BOOL),
        ("max_size_get_multiple_keys", 4, descriptor_pb2.FieldDescriptorProto.TYPE_UINT32),
    ]
    for name, number, field_type in fields:
        message.field.add(
            name=name, number=number, type=field_type, label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL
        )
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("protos.ChaincodeAdditionalParams"))


ChaincodeAdditionalParams = _build_message_class()


# Keys per WRITE_BATCH_STATE or GET_STATE_MULTIPLE when the peer offers the feature but names
# no size: fabric-chaincode-go's default (shim/handler.go), so a peer sees the same segments
# from this runtime as from a Go chaincode, never one unbounded message.
DEFAULT_SEGMENT_SIZE = 100


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
