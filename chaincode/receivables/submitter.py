"""Who submitted a transaction, shown later from what the transaction itself recorded.

Apart from ``identity`` because it reads Fabric's protobuf messages, which the SDK and the CLI need not load: they
import ``identity`` (through ``arguments``) to check a request before sending it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from fabric_protos.common import common_pb2
from fabric_protos.msp import identities_pb2
from fabric_protos.peer import proposal_pb2
from google.protobuf.message import DecodeError


def submitter_proof(stub: Any) -> dict[str, str]:
    """What shows, later, which org's member submitted this transaction: its submitter's serialized identity and
    the nonce of its signature header, base64 (``{"creator": ..., "nonce": ...}``). Fabric makes a transaction's
    id SHA-256 of the two and commits it only when the submitter's signature verifies under that identity, as a
    member of the MSP it names: ``submitted_by`` holds a transaction id from a key's history to it."""
    proposal = proposal_pb2.Proposal.FromString(stub.get_signed_proposal().proposal_bytes)
    header = common_pb2.SignatureHeader.FromString(common_pb2.Header.FromString(proposal.header).signature_header)
    return {"creator": base64.b64encode(header.creator).decode(), "nonce": base64.b64encode(header.nonce).decode()}


def submitted_by(proof: Any, tx_id: str) -> str | None:
    """The MSP ID of the member that submitted the committed transaction ``tx_id``, where ``proof`` (as
    ``submitter_proof`` wrote it) is of that transaction: its nonce and creator hash to ``tx_id``, which no other
    pair does, and Fabric checked that creator's signature. None where it is not (anything two orgs wrote)."""
    if not isinstance(proof, dict) or not all(isinstance(proof.get(f), str) for f in ("creator", "nonce")):
        return None
    try:
        creator, nonce = (base64.b64decode(proof[f], validate=True) for f in ("creator", "nonce"))
        if hashlib.sha256(nonce + creator).hexdigest() != tx_id:
            return None
        return identities_pb2.SerializedIdentity.FromString(creator).mspid or None
    except (binascii.Error, ValueError, DecodeError):
        return None
