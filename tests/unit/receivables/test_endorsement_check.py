"""The write-set check the contract tests use in place of Fabric's validator: it must judge a key-level policy as
Fabric's signature-policy evaluation does, or a test could pass that Fabric would fail."""
from __future__ import annotations

from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from .support import _clients_satisfy, _peers_satisfy

Role = msp_principal_pb2.MSPRole


def _policy(n: int, *principals: tuple[str, int]) -> bytes:
    envelope = policies_pb2.SignaturePolicyEnvelope(version=0)
    for msp, role in principals:
        envelope.identities.add(principal_classification=msp_principal_pb2.MSPPrincipal.ROLE,
                                principal=Role(msp_identifier=msp, role=role).SerializeToString())
    envelope.rule.n_out_of.n = n
    for index in range(len(principals)):
        envelope.rule.n_out_of.rules.add(signed_by=index)
    return envelope.SerializeToString()


def test_all_of_the_named_orgs_members_or_peers():
    both = _policy(2, ("SupplierMSP", Role.MEMBER), ("BankMSP", Role.PEER))
    assert _peers_satisfy(both, ("SupplierMSP", "BankMSP"))
    assert not _peers_satisfy(both, ("SupplierMSP",))


def test_one_of_two_is_met_by_either():
    either = _policy(1, ("SupplierMSP", Role.MEMBER), ("BankMSP", Role.MEMBER))
    assert _peers_satisfy(either, ("SupplierMSP",)) and _peers_satisfy(either, ("BankMSP",))
    assert not _peers_satisfy(either, ("CoreEnterpriseMSP",))


def test_a_peer_signature_is_no_admin_or_client_signature():
    assert not _peers_satisfy(_policy(1, ("SupplierMSP", Role.ADMIN)), ("SupplierMSP",))
    assert not _peers_satisfy(_policy(1, ("SupplierMSP", Role.CLIENT)), ("SupplierMSP",))


def test_one_signature_meets_one_principal_only():
    twice = _policy(2, ("SupplierMSP", Role.MEMBER), ("SupplierMSP", Role.PEER))
    assert not _peers_satisfy(twice, ("SupplierMSP",))


def test_bytes_that_are_no_policy_are_met_by_nobody():
    assert not _peers_satisfy(b"\xff\xfe not a policy", ("SupplierMSP", "BankMSP", "CoreEnterpriseMSP"))


def test_a_client_signature_meets_a_member_principal_never_a_peer_one():
    assert _clients_satisfy(_policy(1, ("SupplierMSP", Role.MEMBER)), ("SupplierMSP",))
    assert not _clients_satisfy(_policy(1, ("SupplierMSP", Role.PEER)), ("SupplierMSP",))
    assert _peers_satisfy(_policy(1, ("SupplierMSP", Role.PEER)), ("SupplierMSP",))
