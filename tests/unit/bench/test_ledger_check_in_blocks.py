"""An acknowledged tx the peer's lookup (GetTransactionByID, answered from its index) says is VALID must also be
VALID in the peer's blocks, whose replay the world state is compared with: one its blocks hold as invalid, or
not at all, did not commit valid there, and counts as lost."""
import pytest
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import Verdict, check_peer, receivable_key

from .test_ledger_check import OneOrgsQscc, block, envelope, sealed

RECORD = b'{"id":"R-1"}'


class BlocksDisagree(OneOrgsQscc):
    """A peer of SupplierMSP answering every lookup VALID, whose one block after the genesis block holds ``held``
    (tx id -> its flag)."""

    def __init__(self, held: dict) -> None:
        super().__init__(RECORD)
        self.held = held

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == "GetBlockByNumber":
            envelopes = [envelope([(receivable_key("R-1"), RECORD)] if tx_id == "tx-1" else [], tx_id=tx_id)
                         for tx_id in self.held]
            return sealed([block(envelopes, list(self.held.values()))])[int(arguments[1])].SerializeToString()
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


@pytest.mark.parametrize("held", [
    {"tx-1": transaction_pb2.VALID, "tx-2": transaction_pb2.MVCC_READ_CONFLICT},
    {"tx-1": transaction_pb2.VALID},
], ids=["invalid-in-its-block", "in-no-block"])
def test_a_tx_the_lookup_says_is_valid_and_the_blocks_do_not_hold_as_valid_is_lost(held):
    ledger = check_peer("peer0.supplier", BlocksDisagree(held), OneOrgsQscc(RECORD), "receivables", "receivables",
                        "SupplierMSP", ["tx-1", "tx-2"], [])
    assert ledger.found == 1
    assert ledger.not_valid == {"tx-2": "VALID as GetTransactionByID answers it, but in none of the peer's blocks "
                                         "as VALID"}
    assert (Verdict(2, [ledger]).found, Verdict(2, [ledger]).lost) == (1, 1)
