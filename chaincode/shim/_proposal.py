"""What the stub learns from the SignedProposal the peer forwards with each transaction.

Creator, transient map, timestamp and binding all come from the proposal so
that every endorsing peer computes the same result: never from the local clock.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from fabric_protos.common import common_pb2
from fabric_protos.peer import proposal_pb2
from google.protobuf import timestamp_pb2

from ._errors import InvalidValue

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# A protobuf Timestamp's valid range, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z: datetime's too.
_MIN_SECONDS = int((datetime(1, 1, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds())
_MAX_SECONDS = int((datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc) - _EPOCH).total_seconds())
_NANOS_PER_SECOND = 1_000_000_000


@dataclass(frozen=True)
class ProposalDetails:
    """The decoded parts of a proposal a transaction may ask for.

    The timestamp stays as the client sent it: the client chooses it, and one outside
    the calendar must fail only the transactions that ask for it, not every one.
    """

    signed_proposal: proposal_pb2.SignedProposal | None = None
    creator: bytes = b""
    transient: dict[str, bytes] = field(default_factory=dict)
    timestamp: timestamp_pb2.Timestamp | None = None
    binding: bytes = b""


def timestamp_to_datetime(ts: timestamp_pb2.Timestamp) -> datetime:
    """A protobuf Timestamp as an aware UTC datetime (microsecond precision).

    Raises ValueError naming the values for one outside the range a Timestamp allows
    (years 1 to 9999, nanos 0 to 999,999,999), which the submitting client can still send.
    """
    if not (_MIN_SECONDS <= ts.seconds <= _MAX_SECONDS and 0 <= ts.nanos < _NANOS_PER_SECOND):
        raise InvalidValue(f"timestamp seconds={ts.seconds} nanos={ts.nanos} is outside the range of a protobuf "
                           f"Timestamp (0001-01-01 to 9999-12-31 UTC, nanos 0 to 999999999)")
    # Through timedelta, not fromtimestamp: the platform's time_t may not reach year 1 or 9999.
    return _EPOCH + timedelta(seconds=ts.seconds, microseconds=ts.nanos // 1000)


def compute_binding(nonce: bytes, creator: bytes, epoch: int) -> bytes:
    """SHA-256 over nonce, creator and the little-endian epoch, as Fabric defines the proposal binding."""
    return hashlib.sha256(nonce + creator + struct.pack("<Q", epoch)).digest()


def decode_proposal(signed: proposal_pb2.SignedProposal | None) -> ProposalDetails:
    """Decode ``signed``; an absent or empty proposal yields empty details (e.g. INIT from old peers)."""
    if signed is None or not signed.proposal_bytes:
        return ProposalDetails(signed_proposal=signed)
    proposal = proposal_pb2.Proposal.FromString(signed.proposal_bytes)
    header = common_pb2.Header.FromString(proposal.header)
    channel_header = common_pb2.ChannelHeader.FromString(header.channel_header)
    signature_header = common_pb2.SignatureHeader.FromString(header.signature_header)
    payload = proposal_pb2.ChaincodeProposalPayload.FromString(proposal.payload)
    return ProposalDetails(
        signed_proposal=signed,
        creator=signature_header.creator,
        transient=dict(payload.TransientMap),
        timestamp=channel_header.timestamp if channel_header.HasField("timestamp") else None,
        binding=compute_binding(signature_header.nonce, signature_header.creator, channel_header.epoch),
    )
