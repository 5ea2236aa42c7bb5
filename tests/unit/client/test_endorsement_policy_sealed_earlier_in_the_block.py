"""A key whose policy a transaction before it in the same block wrote: Fabric holds the later write to no policy
where the earlier one passed the endorsement check of the key's namespace. An ENDORSEMENT_POLICY_FAILURE says it
did not only where Fabric validated it in that namespace alone: validated in several, in no fixed order, its failure
may be another namespace's, and whether the later transaction met its policies is not told."""
from fabric_protos.peer import transaction_pb2

from chaincode.receivables.store_base import org_policy
from tests.unit.bench.test_ledger_check_endorsements import (BANK, CLAIM, CORE, R1, SUPPLIER, VALID, committed,
                                                             endorsed, judged, peers, the_chain)

SUPPLIER_AND_CORE = org_policy(["SupplierMSP", "CoreEnterpriseMSP"])
FAILED = transaction_pb2.ENDORSEMENT_POLICY_FAILURE


def _judged_after(sealing):
    """The write of the claim by the supplier's and the debtor's peers, after ``sealing`` marked as failed."""
    writing = endorsed("tx-3", {R1: {**CLAIM, "v": 2}}, peers(SUPPLIER, CORE))
    return judged(the_chain(committed(sealing, writing, flags=[FAILED, VALID])))


def test_one_failed_in_the_keys_namespace_alone_held_the_key_to_nothing_new():
    sealing = endorsed("tx-2", {R1: CLAIM}, peers(SUPPLIER, BANK), metadata={R1: SUPPLIER_AND_CORE})
    assert _judged_after(sealing) == ([], [])


def test_one_failed_in_one_of_several_namespaces_leaves_it_untold():
    sealing = endorsed("tx-2", {}, peers(SUPPLIER, BANK), metadata={R1: SUPPLIER_AND_CORE},
                       entries=[("receivables", {R1: CLAIM}), ("another", {"k": {"v": 1}})])
    failures, untold = _judged_after(sealing)
    assert failures == []
    assert len(untold) == 1, untold
    assert ("was written by a transaction before it in the same block, marked ENDORSEMENT_POLICY_FAILURE in one of "
            "the several namespaces it was validated in") in untold[0], untold
