"""An acknowledged tx is lost only when the peer answers that it holds no such transaction. Any other failure of the
lookup (the peer restarting after a kill, a timeout, access refused) says nothing of its ledger and leaves the tx
unread: listed with the peer and the error, counted apart from lost, and not found, so the check still fails."""
import grpc
import pytest
from fabric_protos.peer import transaction_pb2

from bench.ledger_check import PeerLedger, Verdict, check_peer
from client.gateway import GatewayError

from .test_ledger_check import OneOrgsQscc, processed

RECORD = b'{"id":"R-1"}'


def checked(codes) -> PeerLedger:
    return check_peer("peer0.supplier", OneOrgsQscc(RECORD, codes=codes), OneOrgsQscc(RECORD), "receivables",
                      "receivables", "SupplierMSP", ["tx-1", "tx-2"], [])


@pytest.mark.parametrize("failure", [
    GatewayError("failed to connect to peer0.supplier", code=grpc.StatusCode.UNAVAILABLE),
    GatewayError("evaluate timed out", code=grpc.StatusCode.DEADLINE_EXCEEDED),
    GatewayError("access denied: creator org unknown", code=grpc.StatusCode.PERMISSION_DENIED),
    GatewayError("the gateway is closed", sent=False),
], ids=["unavailable", "deadline", "access-refused", "not-sent"])
def test_a_lookup_no_peer_answered_leaves_the_tx_unread_not_lost(failure):
    ledger = checked({"tx-2": failure})
    assert (ledger.found, ledger.lost, ledger.not_valid) == (1, [], {})
    assert ledger.unread == {"tx-2": str(failure)}
    verdict = Verdict(2, [ledger])
    assert (verdict.found, verdict.lost, verdict.unread) == (1, 0, 1)
    report = verdict.to_json()
    assert (report["found"], report["lost"], report["unread"]) == (1, 0, 1)
    assert report["peers"][0]["peer"] == "peer0.supplier"
    assert report["peers"][0]["unread"] == {"tx-2": str(failure)}


def test_the_peers_answer_that_it_has_no_such_transaction_is_lost():
    ledger = checked({"tx-2": None})
    assert (ledger.lost, ledger.unread) == (["tx-2"], {})
    assert (Verdict(2, [ledger]).lost, Verdict(2, [ledger]).unread) == (1, 0)


def test_a_tx_lost_on_one_peer_and_unread_on_another_counts_once_as_lost():
    peers = [PeerLedger("peer0.bank", found=1, lost=["tx-2"]),
             PeerLedger("peer0.core", found=1, unread={"tx-2": "UNAVAILABLE: connection refused"}),
             PeerLedger("peer0.supplier", found=1, unread={"tx-1": "DEADLINE_EXCEEDED: timed out"},
                        not_valid={"tx-2": transaction_pb2.TxValidationCode.Name(transaction_pb2.MVCC_READ_CONFLICT)})]
    verdict = Verdict(2, peers)
    assert (verdict.found, verdict.lost, verdict.unread) == (0, 1, 1)


class Answers(OneOrgsQscc):
    """A peer of SupplierMSP answering GetTransactionByID for tx-2 with ``answer``."""

    def __init__(self, answer: bytes) -> None:
        super().__init__(RECORD)
        self.answer = answer

    def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        if function == "GetTransactionByID" and arguments[1] == "tx-2":
            return self.answer
        return super().evaluate(function, arguments=arguments, endorsing_organizations=endorsing_organizations)


@pytest.mark.parametrize("answer, named", [
    (b"", "answered no transaction envelope when asked for transaction tx-2"),
    (transaction_pb2.ProcessedTransaction(validationCode=transaction_pb2.VALID).SerializeToString(),
     "answered no transaction envelope"),
    (b"\xff\xff not a transaction", "the peer's answer is no transaction"),
    (processed("tx-1"), "answered transaction 'tx-1' when asked for transaction tx-2"),
    (processed("tx-2", channel="other"), "of channel 'other' when asked on channel receivables"),
], ids=["empty", "no-envelope", "undecodable", "another-tx", "another-channel"])
def test_an_answer_that_is_not_the_transaction_asked_for_leaves_it_unread_not_found(answer, named):
    ledger = check_peer("peer0.supplier", Answers(answer), OneOrgsQscc(RECORD), "receivables", "receivables",
                        "SupplierMSP", ["tx-1", "tx-2"], [])
    assert (ledger.found, ledger.lost, ledger.not_valid) == (1, [], {})
    assert named in ledger.unread["tx-2"]
    verdict = Verdict(2, [ledger])
    assert (verdict.found, verdict.lost, verdict.unread) == (1, 0, 1)
