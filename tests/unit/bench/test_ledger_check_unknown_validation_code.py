"""A peer may answer an acknowledged transaction with a validation code this SDK's protos do not name (a newer
Fabric's): the transaction is not VALID, so it is named among the peer's not-valid ones with its number, where
the check stopped on a protobuf ValueError before, reporting nothing of any peer."""
from bench.ledger_check import check_peer

from .test_ledger_check import OneOrgsQscc

RECORD = b'{"id":"R-1"}'


def test_an_acknowledged_tx_with_a_code_no_enum_names_is_not_valid_and_named_with_its_number():
    qscc = OneOrgsQscc(RECORD, codes={"tx-2": 77})
    ledger = check_peer("peer0.supplier", qscc, OneOrgsQscc(RECORD), "receivables", "receivables", "SupplierMSP",
                        ["tx-1", "tx-2"], [])
    assert (ledger.found, ledger.lost, ledger.not_valid) == (1, [], {"tx-2": "77"})
