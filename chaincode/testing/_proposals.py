"""Signed proposals as a Fabric client builds them, so tests exercise the stub's real decoding."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from fabric_protos.common import common_pb2
from fabric_protos.peer import chaincode_pb2, proposal_pb2
from google.protobuf import timestamp_pb2


def make_signed_proposal(
    *,
    channel_id: str,
    chaincode_name: str,
    args: list[bytes],
    creator: bytes,
    transient: dict[str, bytes] | None = None,
    timestamp: datetime | None = None,
    signing_key: ec.EllipticCurvePrivateKey | None = None,
) -> tuple[proposal_pb2.SignedProposal, str]:
    """An endorser-transaction proposal and its tx id (SHA-256 of nonce and creator, as clients compute it)."""
    for key, value in (transient or {}).items():
        # protobuf's own refusal names neither the key nor what to do. Text is most often JSON already, which
        # json.dumps would wrap in a JSON string; the value is not shown, transient data being the private kind
        if not isinstance(value, (bytes, bytearray)):
            advice = ("encode the text as UTF-8: value.encode()" if isinstance(value, str)
                      else "encode it as JSON: json.dumps(value).encode()")
            raise TypeError(f"transient value of {key!r} is of type {type(value).__name__}, not bytes: {advice}")
    nonce = os.urandom(24)
    tx_id = hashlib.sha256(nonce + creator).hexdigest()
    when = timestamp or datetime.now(timezone.utc)
    if when.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    proto_timestamp = timestamp_pb2.Timestamp()
    proto_timestamp.FromDatetime(when.astimezone(timezone.utc))
    chaincode_id = chaincode_pb2.ChaincodeID(name=chaincode_name)
    channel_header = common_pb2.ChannelHeader(
        type=common_pb2.ENDORSER_TRANSACTION,
        timestamp=proto_timestamp,
        channel_id=channel_id,
        tx_id=tx_id,
        epoch=0,
        extension=proposal_pb2.ChaincodeHeaderExtension(chaincode_id=chaincode_id).SerializeToString(),
    )
    signature_header = common_pb2.SignatureHeader(creator=creator, nonce=nonce)
    invocation = chaincode_pb2.ChaincodeInvocationSpec(
        chaincode_spec=chaincode_pb2.ChaincodeSpec(
            type=chaincode_pb2.ChaincodeSpec.GOLANG,
            chaincode_id=chaincode_id,
            input=chaincode_pb2.ChaincodeInput(args=args),
        )
    )
    payload = proposal_pb2.ChaincodeProposalPayload(
        input=invocation.SerializeToString(), TransientMap=transient or {}
    )
    proposal = proposal_pb2.Proposal(
        header=common_pb2.Header(
            channel_header=channel_header.SerializeToString(),
            signature_header=signature_header.SerializeToString(),
        ).SerializeToString(),
        payload=payload.SerializeToString(),
    )
    proposal_bytes = proposal.SerializeToString()
    signature = low_s_signature(signing_key, proposal_bytes) if signing_key else b""
    return proposal_pb2.SignedProposal(proposal_bytes=proposal_bytes, signature=signature), tx_id


def low_s_signature(key: ec.EllipticCurvePrivateKey, message: bytes) -> bytes:
    """An ECDSA signature of ``message`` (SHA-256) in the low-S form Fabric's MSP takes: it refuses one whose
    ``s`` is above half the curve order (bccsp/sw/ecdsa.go verifyECDSA), as a Fabric client never sends."""
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    order = CURVE_ORDERS[key.curve.name]
    return encode_dss_signature(r, min(s, order - s))


def is_low_s(signature: bytes, curve: ec.EllipticCurve) -> bool:
    """Whether a DER ECDSA signature's ``s`` is at most half the order of ``curve`` (a curve Fabric's MSP
    takes); False where it is no DER signature."""
    try:
        _, s = decode_dss_signature(signature)
    except ValueError:
        return False
    return curve.name in CURVE_ORDERS and s <= CURVE_ORDERS[curve.name] // 2


# the orders of the curves Fabric's MSP signs with
CURVE_ORDERS = {
    "secp256r1": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "secp384r1": int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                     "581A0DB248B0A77AECEC196ACCC52973", 16),
}
