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


def _build_message_classes():
    file_proto = descriptor_pb2.FileDescriptorProto(name="recfin/private/rpc_status.proto", package="google.rpc")
    fdp = descriptor_pb2.FieldDescriptorProto
    message = file_proto.message_type.add(name="Status")
    message.field.add(name="code", number=1, type=fdp.TYPE_INT32, label=fdp.LABEL_OPTIONAL)
    message.field.add(name="message", number=2, type=fdp.TYPE_STRING, label=fdp.LABEL_OPTIONAL)
    message.field.add(name="details", number=3, type=fdp.TYPE_BYTES, label=fdp.LABEL_REPEATED)
    # gateway.ErrorDetail with its strings as bytes: the proto3 class refuses a whole entry whose message (or
    # address, or MSP ID) is not valid UTF-8, and with it which peer refused and why
    detail = file_proto.message_type.add(name="GatewayErrorDetailBytes")
    for number, name in enumerate(_ERROR_DETAIL_FIELDS, start=1):
        detail.field.add(name=name, number=number, type=fdp.TYPE_BYTES, label=fdp.LABEL_OPTIONAL)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_proto)
    return (message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.Status")),
            message_factory.GetMessageClass(pool.FindMessageTypeByName("google.rpc.GatewayErrorDetailBytes")))


_ERROR_DETAIL_FIELDS = {"address": "address", "msp_id": "MSP ID", "message": "message"}
"""gateway.ErrorDetail's fields, numbered 1, 2, 3 as in gateway.proto, and how a message names them."""

RpcStatus, _ErrorDetailBytes = _build_message_classes()


def _error_detail(encoded: bytes) -> ErrorDetail:
    """A gateway.ErrorDetail; text that is not valid UTF-8 is kept, what does not decode shown as U+FFFD, and
    its message says which fields were so."""
    raw = _ErrorDetailBytes.FromString(encoded)
    fields = {name: getattr(raw, name).decode("utf-8", errors="replace") for name in _ERROR_DETAIL_FIELDS}
    garbled = [name for name in _ERROR_DETAIL_FIELDS if _is_not_utf8(getattr(raw, name))]
    if garbled:
        named = " and ".join(_ERROR_DETAIL_FIELDS[name] for name in garbled)
        fields["message"] += f" ({named} not valid UTF-8: what does not decode is shown as \ufffd)"
    return ErrorDetail(**fields)


def _is_not_utf8(value: bytes) -> bool:
    try:
        value.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def decode_error_details(status_bytes: bytes) -> tuple[ErrorDetail, ...]:
    """The ``gateway.ErrorDetail`` entries of a serialized ``google.rpc.Status``.

    Details of other types are ignored; undecodable input gives no details
    rather than hiding the original error behind a decoding one. An entry that does
    not decode is passed over alone: the other peers' details are still given. One whose text is not valid
    UTF-8 is kept (see :func:`_error_detail`).
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
            detail = _error_detail(any_message.value)
        except Exception:  # noqa: BLE001 - one malformed entry must not hide what the other peers said
            continue
        found.append(detail)
    return tuple(found)


def details_from_metadata(metadata) -> tuple[ErrorDetail, ...]:
    for key, value in metadata or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, (bytes, bytearray)):
            return decode_error_details(bytes(value))
    return ()
