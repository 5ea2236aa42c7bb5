"""KeyEndorsementPolicy: build the key-level endorsement policy stored as a key's VALIDATION_PARAMETER."""

from __future__ import annotations

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2
from google.protobuf.message import DecodeError

from ._composite import require_str, validate_utf8
from ._errors import InvalidValue

MSPRole = msp_principal_pb2.MSPRole
MSPPrincipal = msp_principal_pb2.MSPPrincipal

# The roles a peer's signature can satisfy, by name.
_ENDORSING_ROLES = {"MEMBER": MSPRole.MEMBER, "PEER": MSPRole.PEER}


# what a policy refused as no bytes, or as bytes of no policy, says to give instead
_GIVE_POLICY_BYTES = ("pass the bytes get_state_validation_parameter (or get_private_data_validation_parameter) "
                      "returned, or None for a new policy")


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
        if not isinstance(policy, (bytes, bytearray, memoryview)):
            # protobuf's refusal, a TypeError, reaches the transaction's caller as an internal error
            raise InvalidValue(f"key-level policy must be bytes, not {type(policy).__name__}: {_GIVE_POLICY_BYTES}")
        try:
            envelope = policies_pb2.SignaturePolicyEnvelope.FromString(bytes(policy))
        except DecodeError:
            raise InvalidValue(f"key-level policy bytes do not parse as a SignaturePolicyEnvelope: "
                               f"{_GIVE_POLICY_BYTES}") from None
        for principal in envelope.identities:
            if principal.principal_classification != MSPPrincipal.ROLE:
                raise InvalidValue("key-level policy holds a principal that is not an MSP role")
            role = MSPRole.FromString(principal.principal)
            self._orgs[role.msp_identifier] = role.role

    def add_orgs(self, role: str, *msp_ids: str) -> None:
        """Require endorsement by each of ``msp_ids`` in ``role``: MEMBER or PEER.

        Endorsements are peers' signatures, which never satisfy a CLIENT, ADMIN or ORDERER principal:
        a key whose policy asked for one could never be written again, not even to change the policy.
        So, like Fabric's Go ``statebased.AddOrgs``, only the two roles a peer holds are accepted.
        """
        role_value = _ENDORSING_ROLES.get(role.upper()) if isinstance(role, str) else None
        if role_value is None:
            raise InvalidValue(f"MSP role {role!r} cannot endorse a key: use MEMBER or PEER "
                               f"(endorsements are peers' signatures)")
        # all checked before any is added: a refused call leaves the policy as it was
        for msp_id in msp_ids:
            _check_msp_id(msp_id)
        for msp_id in msp_ids:
            self._orgs[msp_id] = role_value

    def del_orgs(self, *msp_ids: str) -> None:
        for msp_id in msp_ids:
            self._orgs.pop(msp_id, None)

    def list_orgs(self) -> list[str]:
        return sorted(self._orgs)

    def policy(self) -> bytes:
        msp_ids = self.list_orgs()
        if not msp_ids:
            # An n-out-of-n of no principals is 0-out-of-0, which every write satisfies: it would guard nothing.
            raise InvalidValue("a key-level policy needs at least one org (add_orgs); to drop a key's policy, "
                               "write empty validation metadata (set_state_validation_parameter(key, b\"\"), or "
                               "set_private_data_validation_parameter(collection, key, b\"\") for a private key): "
                               "the collection's endorsement policy, if it has one, else the chaincode-level policy "
                               "then applies")
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


def _check_msp_id(msp_id: object) -> None:
    """Refuse an MSP ID no principal can hold: not a str (bytes, a number), empty, or without a UTF-8 form.
    Taken, it would fail only ``policy()``, with a TypeError or UnicodeEncodeError far from the call."""
    require_str(msp_id, "MSP ID")
    if not msp_id:
        raise InvalidValue("MSP ID must not be empty")
    validate_utf8(msp_id, "MSP ID")
