"""What the stub learns from the SignedProposal the peer forwards with each transaction.

Creator, transient map, timestamp and binding all come from the proposal so
that every endorsing peer computes the same result: never from the local clock.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone

from fabric_protos.common import common_pb2
from fabric_protos.peer import proposal_pb2


@dataclass(frozen=True)
class ProposalDetails:
    """The decoded parts of a proposal a transaction may ask for."""

    signed_proposal: proposal_pb2.SignedProposal | None = None
    creator: bytes = b""
    transient: dict[str, bytes] = field(default_factory=dict)
    timestamp: datetime | None = None
    binding: bytes = b""


def timestamp_to_datetime(ts) -> datetime:
    """A protobuf Timestamp as an aware UTC datetime (microsecond precision)."""
    return datetime.fromtimestamp(ts.seconds, tz=timezone.utc).replace(microsecond=ts.nanos // 1000)


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
    timestamp = timestamp_to_datetime(channel_header.timestamp) if channel_header.HasField("timestamp") else None
    return ProposalDetails(
        signed_proposal=signed,
        creator=signature_header.creator,
        transient=dict(payload.TransientMap),
        timestamp=timestamp,
        binding=compute_binding(signature_header.nonce, signature_header.creator, channel_header.epoch),
    )
