"""KeyEndorsementPolicy bytes are the SignaturePolicyEnvelope Fabric's validator expects."""

import pytest
from fabric_protos.common import policies_pb2
from fabric_protos.msp import msp_principal_pb2

from chaincode.shim import KeyEndorsementPolicy


def decode(policy: bytes):
    envelope = policies_pb2.SignaturePolicyEnvelope.FromString(policy)
    principals = []
    for identity in envelope.identities:
        assert identity.principal_classification == msp_principal_pb2.MSPPrincipal.ROLE
        role = msp_principal_pb2.MSPRole.FromString(identity.principal)
        principals.append((role.msp_identifier, msp_principal_pb2.MSPRole.MSPRoleType.Name(role.role)))
    return envelope, principals


def test_policy_is_n_out_of_n_over_principals_sorted_by_msp_id():
    policy = KeyEndorsementPolicy()
    policy.add_orgs("MEMBER", "SupplierMSP", "CoreEnterpriseMSP")
    policy.add_orgs("peer", "BankMSP")
    envelope, principals = decode(policy.policy())
    assert envelope.version == 0
    assert principals == [("BankMSP", "PEER"), ("CoreEnterpriseMSP", "MEMBER"), ("SupplierMSP", "MEMBER")]
    assert envelope.rule.n_out_of.n == 3
    assert [rule.signed_by for rule in envelope.rule.n_out_of.rules] == [0, 1, 2]


def test_insertion_order_does_not_change_the_bytes():
    one, two = KeyEndorsementPolicy(), KeyEndorsementPolicy()
    one.add_orgs("MEMBER", "A", "B", "C")
    two.add_orgs("MEMBER", "C")
    two.add_orgs("MEMBER", "B", "A")
    assert one.policy() == two.policy()


def test_existing_bytes_round_trip_and_can_be_edited():
    original = KeyEndorsementPolicy()
    original.add_orgs("MEMBER", "CoreEnterpriseMSP", "SupplierMSP")
    loaded = KeyEndorsementPolicy(original.policy())
    assert loaded.policy() == original.policy()
    assert loaded.list_orgs() == ["CoreEnterpriseMSP", "SupplierMSP"]
    loaded.add_orgs("MEMBER", "BankMSP")
    loaded.del_orgs("SupplierMSP", "NotThereMSP")
    _, principals = decode(loaded.policy())
    assert principals == [("BankMSP", "MEMBER"), ("CoreEnterpriseMSP", "MEMBER")]


def test_bad_roles_and_principals_are_rejected():
    with pytest.raises(ValueError, match="MSP role 'BOSS' cannot endorse a key: use MEMBER or PEER"):
        KeyEndorsementPolicy().add_orgs("BOSS", "A")
    not_a_role = policies_pb2.SignaturePolicyEnvelope(
        identities=[msp_principal_pb2.MSPPrincipal(principal_classification=msp_principal_pb2.MSPPrincipal.IDENTITY)]
    ).SerializeToString()
    with pytest.raises(ValueError, match="not an MSP role"):
        KeyEndorsementPolicy(not_a_role)


@pytest.mark.parametrize("role", ["CLIENT", "ADMIN", "ORDERER", "client"])
def test_only_roles_a_peer_holds_are_accepted(role):
    # Endorsements are peers' signatures: a key whose policy asked for a client, an admin or an orderer could
    # never be written again, its policy included (Fabric's Go statebased.AddOrgs refuses these roles too).
    policy = KeyEndorsementPolicy()
    with pytest.raises(ValueError, match=f"MSP role {role!r} cannot endorse a key: use MEMBER or PEER"):
        policy.add_orgs(role, "SupplierMSP")
    assert policy.list_orgs() == []


def test_a_policy_naming_no_org_is_refused_rather_than_satisfied_by_anyone():
    # n-out-of-n of no principals is 0-out-of-0, which Fabric's validator counts as met by every write
    emptied = KeyEndorsementPolicy()
    emptied.add_orgs("MEMBER", "SupplierMSP")
    emptied.del_orgs("SupplierMSP")
    for policy in (KeyEndorsementPolicy(), emptied):
        with pytest.raises(ValueError, match=r"needs at least one org .*set_state_validation_parameter\(key, b\"\"\)"):
            policy.policy()


@pytest.mark.parametrize("msp_id, named", [
    (5, "MSP ID must be a str, not int: give it as text"),
    (b"SupplierMSP", "MSP ID must be a str, not bytes: give it as text \\(decode bytes first"),
    (None, "MSP ID must be a str, not NoneType"),
    ("Supplier\udc80MSP", "MSP ID 'Supplier\\\\udc80MSP' is not valid UTF-8"),
    ("", "MSP ID must not be empty"),
])
def test_an_msp_id_no_policy_can_hold_is_refused_and_adds_no_org(msp_id, named):
    # refused by add_orgs, naming it, rather than later by policy() as an internal TypeError or UnicodeEncodeError;
    # and the orgs named before it in the same call are not added either
    policy = KeyEndorsementPolicy()
    policy.add_orgs("PEER", "BankMSP")
    with pytest.raises(ValueError, match=named):
        policy.add_orgs("PEER", "CoreEnterpriseMSP", msp_id)
    assert policy.list_orgs() == ["BankMSP"]
    _, principals = decode(policy.policy())
    assert principals == [("BankMSP", "PEER")]


def test_a_role_that_is_no_str_is_refused_by_name():
    with pytest.raises(ValueError, match="MSP role 1 cannot endorse a key: use MEMBER or PEER"):
        KeyEndorsementPolicy().add_orgs(1, "SupplierMSP")


def test_bytes_that_are_no_policy_are_refused_saying_so():
    with pytest.raises(ValueError, match="key-level policy bytes do not parse as a SignaturePolicyEnvelope"):
        KeyEndorsementPolicy(b"garbage")


@pytest.mark.parametrize("given, kind", [("CgQIARAB", "str"), (5, "int")])
def test_a_policy_that_is_no_bytes_is_refused_naming_its_type(given, kind):
    # protobuf's own "expected bytes, str found" reached the transaction's caller as an internal TypeError
    with pytest.raises(ValueError, match=rf"^key-level policy must be bytes, not {kind}: pass the bytes "
                                         r"get_state_validation_parameter \(or get_private_data_validation_parameter\) "
                                         r"returned, or None for a new policy$"):
        KeyEndorsementPolicy(given)
