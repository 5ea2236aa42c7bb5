"""Decoding ``google.rpc.Status`` from gRPC trailing metadata without googleapis-common-protos.

The status travels as serialized bytes under ``grpc-status-details-bin``.
Its wire format is three fields: code (1, int32), message (2, string) and
details (3, repeated google.protobuf.Any). The message below is declared in a
private descriptor pool, with ``details`` as repeated bytes (same wire format
as embedded messages), so it never clashes with a real ``google.rpc`` module.
"""

from __future__ import annotations

from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory
from fabric_protos.gateway import gateway_pb2

from .errors import ErrorDetail

STATUS_DETAILS_KEY = "grpc-status-details-bin"
_ERROR_DETAIL_TYPE = gateway_pb2.ErrorDetail.DESCRIPTOR.full_name


def _build_status_class():
    file_proto = descriptor_pb2.FileDescriptorProto(name="recfin/private/rpc_status.proto", package="google.rpc")
    message = file_proto.message_type.add(name="Status")
    fdp = descriptor_pb2.FieldDescriptorProto
    message.field.add(name="code", number=1, type=fdp.TYPE_INT32, label=fdp.LABEL_OPTIONAL)
    message.field.add(name="message", number=2, type=fdp.TYPE_STRING, label=fdp.LABEL_OPTIONAL)
    message.field.add(name="details", number=3, type=fdp.TYPE_BYTES, label=fdp.LABEL_REPEATED)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.Status"))


RpcStatus = _build_status_class()


def decode_error_details(status_bytes: bytes) -> tuple[ErrorDetail, ...]:
    """The ``gateway.ErrorDetail`` entries of a serialized ``google.rpc.Status``.

    Details of other types are ignored; undecodable input gives no details
    rather than hiding the original error behind a decoding one. An entry that does
    not decode is passed over alone: the other peers' details are still given.
    """
    try:
        status = RpcStatus.FromString(status_bytes)
    except Exception:  # noqa: BLE001 - malformed trailers must not mask the real error
        return ()
    found = []
    for raw in status.details:
        try:
            any_message = any_pb2.Any.FromString(raw)
            if any_message.type_url.rsplit("/", 1)[-1] != _ERROR_DETAIL_TYPE:
                continue
            detail = gateway_pb2.ErrorDetail.FromString(any_message.value)
        except Exception:  # noqa: BLE001 - one malformed entry must not hide what the other peers said
            continue
        found.append(ErrorDetail(address=detail.address, msp_id=detail.msp_id, message=detail.message))
    return tuple(found)


def details_from_metadata(metadata) -> tuple[ErrorDetail, ...]:
    for key, value in metadata or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, (bytes, bytearray)):
            return decode_error_details(bytes(value))
    return ()
