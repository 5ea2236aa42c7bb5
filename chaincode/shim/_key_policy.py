"""KeyEndorsementPolicy: build the key-level endorsement policy stored as a key's VALIDATION_PARAMETER."""

from __future__ import annotations

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

MSPRole = msp_principal_pb2.MSPRole
MSPPrincipal = msp_principal_pb2.MSPPrincipal


class KeyEndorsementPolicy:
    """Which orgs must endorse changes to a key: all of them (n-out-of-n), each in one MSP role.

    Start empty or from the bytes ``get_state_validation_parameter`` returned,
    add and remove orgs, and store ``policy()``. The bytes are a marshalled
    ``common.SignaturePolicyEnvelope`` with principals sorted by MSP ID, so every
    endorser writes byte-identical policies.
    """

    def __init__(self, policy: bytes | None = None) -> None:
        self._orgs: dict[str, int] = {}
        if policy:
            self._load(policy)

    def _load(self, policy: bytes) -> None:
        envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
        for principal in envelope.identities:
            if principal.principal_classification != MSPPrincipal.ROLE:
                raise ValueError("key-level policy holds a principal that is not an MSP role")
            role = MSPRole.FromString(principal.principal)
            self._orgs[role.msp_identifier] = role.role

    def add_orgs(self, role: str, *msp_ids: str) -> None:
        """Require endorsement by each of ``msp_ids`` in ``role`` (MEMBER, PEER, CLIENT, ADMIN, ...)."""
        try:
            role_value = MSPRole.MSPRoleType.Value(role.upper())
        except ValueError as exc:
            raise ValueError(f"unknown MSP role {role!r}: use one of {list(MSPRole.MSPRoleType.keys())}") from exc
        for msp_id in msp_ids:
            if not msp_id:
                raise ValueError("MSP ID must not be empty")
            self._orgs[msp_id] = role_value

    def del_orgs(self, *msp_ids: str) -> None:
        for msp_id in msp_ids:
            self._orgs.pop(msp_id, None)

    def list_orgs(self) -> list[str]:
        return sorted(self._orgs)

    def policy(self) -> bytes:
        msp_ids = self.list_orgs()
        principals = [
            MSPPrincipal(
                principal_classification=MSPPrincipal.ROLE,
                principal=MSPRole(msp_identifier=msp_id, role=self._orgs[msp_id]).SerializeToString(),
            )
            for msp_id in msp_ids
        ]
        rule = policies_pb2.SignaturePolicy(
            n_out_of=policies_pb2.SignaturePolicy.NOutOf(
                n=len(msp_ids),
                rules=[policies_pb2.SignaturePolicy(signed_by=index) for index in range(len(msp_ids))],
            )
        )
        envelope = policies_pb2.SignaturePolicyEnvelope(version=0, rule=rule, identities=principals)
        return envelope.SerializeToString(deterministic=True)
