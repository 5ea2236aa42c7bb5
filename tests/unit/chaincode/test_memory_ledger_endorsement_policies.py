"""MemoryLedger.commit(..., endorsers=...) checks the endorsement policies as Fabric's validator does
(core/common/validation/statebased/validator_keylevel.go), before the reads: a written key's key-level policy
in force before the transaction, else a private key's collection endorsement policy, else the chaincode's."""

import pytest

from chaincode.contract import Context, transaction
from chaincode.shim import KeyEndorsementPolicy
from chaincode.testing import MemoryLedger
from chaincode.testing._policies import compile_policy, signers_satisfy

from .memory_ledger_support import ALICE, PutsState

A, B, C = "SupplierMSP", "BankMSP", "CoreEnterpriseMSP"
FAILURE = "ENDORSEMENT_POLICY_FAILURE"
SHARED, OPEN = "shared", "open"   # a collection with its own endorsement policy, and one without


class Keys(PutsState):
    name = "keys"

    @transaction
    async def Guard(self, ctx: Context, key: str, value: str, orgs: list[str]) -> None:
        """Write ``key`` and give it a key-level policy of ``orgs``' peers in the same transaction."""
        await ctx.stub.put_state(key, value.encode())
        policy = KeyEndorsementPolicy()
        policy.add_orgs("PEER", *orgs)
        await ctx.stub.set_state_validation_parameter(key, policy.policy())

    @transaction
    async def PutPrivate(self, ctx: Context, collection: str, key: str, value: str) -> None:
        await ctx.stub.put_private_data(collection, key, value.encode())

    @transaction
    async def GuardPrivate(self, ctx: Context, collection: str, key: str, org: str) -> None:
        policy = KeyEndorsementPolicy()
        policy.add_orgs("PEER", org)
        await ctx.stub.set_private_data_validation_parameter(collection, key, policy.policy())

    @transaction
    async def Append(self, ctx: Context, key: str, suffix: str) -> None:
        """Read ``key`` and write it with ``suffix`` appended."""
        await ctx.stub.put_state(key, (await ctx.stub.get_state(key) or b"") + suffix.encode())

    @transaction
    async def Touch(self, ctx: Context, key: str) -> None:
        """Read ``key`` and write nothing."""
        await ctx.stub.get_state(key)


def member_of_all(name: str, endorsement: dict | None = None) -> dict:
    definition = {"name": name, "policy": f"OR('{A}.member', '{B}.member', '{C}.member')",
                  "requiredPeerCount": 0, "maxPeerCount": 3, "blockToLive": 0}
    return {**definition, "endorsementPolicy": endorsement} if endorsement else definition


@pytest.fixture
def ledger():
    return MemoryLedger([Keys()], collections=[
        member_of_all(SHARED, {"signaturePolicy": f"AND('{A}.peer', '{B}.peer')"}), member_of_all(OPEN)])


async def commit(ledger, *call, endorsers):
    endorsement = await ledger.endorse(ALICE, *call)
    assert endorsement.result.status == 200, endorsement.result.message
    return ledger.commit(endorsement, endorsers=endorsers)


async def test_a_key_policy_set_in_a_transaction_binds_from_the_next_one():
    ledger = MemoryLedger([Keys()])
    # no policy before it: the one it sets does not judge it
    assert await commit(ledger, "Guard", "k", "1", '["BankMSP"]', endorsers=(A,)) == "VALID"
    assert await commit(ledger, "Put", "k", "2", endorsers=(A,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert ledger.state["k"] == b"1" and len(ledger.history["k"]) == 1
    assert await commit(ledger, "Put", "k", "3", endorsers=(B,)) == "VALID"
    assert ledger.state["k"] == b"3"


async def test_a_policy_change_needs_the_policy_in_force():
    ledger = MemoryLedger([Keys()])
    assert await commit(ledger, "Guard", "k", "1", '["BankMSP"]', endorsers=(A,)) == "VALID"
    assert await commit(ledger, "Guard", "k", "1", '["SupplierMSP"]', endorsers=(A,)) == \
        "ENDORSEMENT_POLICY_FAILURE"
    assert KeyEndorsementPolicy(ledger.validation_parameters["k"]).list_orgs() == [B]


async def test_the_chaincode_policy_judges_keys_without_their_own_and_a_transaction_that_writes_nothing():
    ledger = MemoryLedger([Keys()], chaincode_policy=f"AND('{A}.peer', '{B}.peer')")
    assert await commit(ledger, "Put", "k", "1", endorsers=(A,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert "k" not in ledger.state
    assert await commit(ledger, "Guard", "k", "1", '["CoreEnterpriseMSP"]', endorsers=(A, B)) == "VALID"
    # the key's own policy replaces the chaincode's for it
    assert await commit(ledger, "Put", "k", "2", endorsers=(C,)) == "VALID"
    assert await commit(ledger, "Touch", "k", endorsers=(C,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert await commit(ledger, "Touch", "k", endorsers=(B, A)) == "VALID"


async def test_a_private_key_needs_its_collections_policy_else_the_chaincodes(ledger):
    ledger.chaincode_policy = f"OR('{C}.peer')"
    assert await commit(ledger, "PutPrivate", SHARED, "p", "1", endorsers=(A, C)) == FAILURE
    assert ledger.private_state.get(SHARED, {}) == {}
    assert await commit(ledger, "PutPrivate", SHARED, "p", "1", endorsers=(A, B)) == "VALID"
    assert await commit(ledger, "PutPrivate", OPEN, "p", "1", endorsers=(A, B)) == FAILURE
    assert await commit(ledger, "PutPrivate", OPEN, "p", "1", endorsers=(C,)) == "VALID"


async def test_a_private_keys_own_policy_comes_before_its_collections(ledger):
    assert await commit(ledger, "PutPrivate", SHARED, "p", "1", endorsers=(A, B)) == "VALID"
    assert await commit(ledger, "GuardPrivate", SHARED, "p", C, endorsers=(A, B)) == "VALID"
    assert await commit(ledger, "PutPrivate", SHARED, "p", "2", endorsers=(A, B)) == FAILURE
    assert await commit(ledger, "PutPrivate", SHARED, "p", "3", endorsers=(C,)) == "VALID"
    assert ledger.private_state[SHARED]["p"] == b"3"


async def test_the_policy_is_checked_before_the_reads_and_a_failure_keeps_its_id(ledger):
    assert await commit(ledger, "Guard", "k", "1", '["BankMSP"]', endorsers=(A,)) == "VALID"
    stale = await ledger.endorse(ALICE, "Append", "k", "2")
    assert await commit(ledger, "Put", "k", "3", endorsers=(B,)) == "VALID"   # stale's read is out of date
    assert ledger.commit(stale, endorsers=(A,)) == "ENDORSEMENT_POLICY_FAILURE"
    assert ledger.commit(stale, endorsers=(B,)) == "DUPLICATE_TXID"
    assert ledger.state["k"] == b"3"


async def test_without_endorsers_no_policy_is_checked():
    ledger = MemoryLedger([Keys()], chaincode_policy=f"AND('{A}.peer', '{B}.peer')")
    assert await commit(ledger, "Put", "k", "1", endorsers=None) == "VALID"
    assert (await ledger.submit(ALICE, "Put", "k", "2")).status == 200 and ledger.state["k"] == b"2"


async def test_a_collection_policy_naming_a_channel_policy_cannot_be_checked():
    ledger = MemoryLedger([Keys()], collections=[
        member_of_all(SHARED, {"channelConfigPolicy": "/Channel/Application/Writers"})])
    assert await commit(ledger, "Put", "k", "1", endorsers=(A,)) == "VALID"   # no key of it written
    with pytest.raises(ValueError, match="signaturePolicy only.*commit without endorsers"):
        await commit(ledger, "PutPrivate", SHARED, "p", "1", endorsers=(A,))


def test_the_policy_language_compiles_as_fabric_reads_it():
    either_two = compile_policy(f"OutOf(2, '{A}.peer', '{B}.member', OR('{C}.peer', '{A}.admin'))")
    assert signers_satisfy(either_two, (A, C)) and signers_satisfy(either_two, (B, C))
    assert not signers_satisfy(either_two, (A,)) and not signers_satisfy(either_two, (C,))
    assert not signers_satisfy(compile_policy(f"'{A}.admin'"), (A,))   # a peer is no admin
    for wrong in ("AND('SupplierMSP.peer'", "XOR('A.peer')", "OutOf(3, 'A.peer', 'B.peer')", "'A.boss'", ""):
        with pytest.raises(ValueError, match="policy"):
            compile_policy(wrong)
