"""Signature policies as the memory ledger's validation reads and evaluates them.

The language is read and evaluated by :mod:`chaincode.signature_policy`, which the network's tooling and
the client's ledger checks use too; this module adds what the test ledger asks of a policy: its MSPs, and
whether the peers of a set of orgs satisfy it.
"""

from __future__ import annotations

from collections.abc import Iterable

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2
from google.protobuf.message import DecodeError

from chaincode.signature_policy import evaluate, signature_policy

MSPRole = msp_principal_pb2.MSPRole
# the principals a peer's signature meets in its MSP, NodeOUs on: a peer is a member too, no admin or client
PEER_ROLES = (MSPRole.MEMBER, MSPRole.PEER)


def compile_policy(text: str) -> bytes:
    """``text`` in Fabric's signature policy language ("AND('A.peer', 'B.peer')") as the marshalled
    SignaturePolicyEnvelope a peer evaluates; ValueError (SignaturePolicySyntaxError) naming what is wrong
    where it is none."""
    return signature_policy(text).SerializeToString()


def principals_of(policy: bytes) -> tuple[policies_pb2.SignaturePolicy, list[tuple[str, int]]] | None:
    """The envelope's rule and its (MSP ID, role) principals; None for bytes Fabric cannot read as a
    policy of MSP roles, which nobody satisfies then."""
    try:
        envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
        principals = []
        for principal in envelope.identities:
            if principal.principal_classification != msp_principal_pb2.MSPPrincipal.ROLE:
                return None
            role = MSPRole.FromString(principal.principal)
            principals.append((role.msp_identifier, role.role))
    except DecodeError:
        return None
    return envelope.rule, principals


def policy_orgs(policy: bytes) -> list[str]:
    """The MSP IDs the policy names, sorted, for a message."""
    read = principals_of(policy)
    return sorted({msp for msp, _ in read[1]}) if read else ["<unreadable policy>"]


def signers_satisfy(policy: bytes, signers: Iterable[str], roles: tuple[int, ...] = PEER_ROLES) -> bool:
    """Whether one signature of each MSP in ``signers`` (one of its peers' by default: ``roles`` are the
    principal roles of its MSP a signature meets) satisfies ``policy``, as Fabric evaluates it
    (:func:`chaincode.signature_policy.evaluate`). An MSP named twice is still one signature: Fabric drops an
    identity's repeats."""
    read = principals_of(policy)
    if read is None:
        return False
    rule, principals = read
    signers = list(dict.fromkeys(signers))

    def meets(signer: int, principal: int) -> bool:
        msp, role = principals[principal]
        return signers[signer] == msp and role in roles

    return evaluate(rule, principals=len(principals), signers=len(signers), meets=meets).met
