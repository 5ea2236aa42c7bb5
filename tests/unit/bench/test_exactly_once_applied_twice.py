"""A request applied twice on the ledger is duplicated whether or not both answers came: a resend whose
dedupe failed commits a second split, and its answer may never arrive. Which request a split no record names
belongs to is read from the ledger (the transaction that made it wrote that request's record), not from the
answers, where such a split was counted unaccounted and the request found."""
from __future__ import annotations

import asyncio

from fabric_protos.peer import transaction_pb2

from bench.exactly_once import Acknowledgement, LedgerTransfer, check, lines, read_split_requests
from client.gateway import GatewayError
from client.receivables.ledger_keys import composite_key, receivable_key

from .test_exactly_once_one_part_one_request import record
from .test_ledger_check import envelope

# root R (100) split by r1 -> R.1 (5) + R.2 (95); a resend of r1 applied again on R.2 -> R.2.1 (5), R.2.2 (90)
FAMILY = [record("R", "SPLIT", ["R.1", "R.2"], 100, "t0"), record("R.1", "ACTIVE", [], 5, "tx-a"),
          record("R.2", "SPLIT", ["R.2.1", "R.2.2"], 95, "tx-b"), record("R.2.1", "ACTIVE", [], 5, "tx-b"),
          record("R.2.2", "ACTIVE", [], 90, "tx-b")]
RECORDED = {"r1": LedgerTransfer("R.1", 5, "tx-a")}


def test_a_request_whose_second_split_was_never_answered_is_duplicated_not_found():
    verdict = check({"r1": 5}, [Acknowledgement("r1", "R.1", "tx-a")], RECORDED, FAMILY, "R",
                    applied_by={"R.2.1": "r1"})
    assert (verdict.acknowledged, verdict.found, verdict.duplicated, verdict.lost, verdict.unaccounted) == \
        (1, 0, 1, 0, 0)
    assert verdict.problems == ["duplicated: request r1 moved 2 parts (R.1, R.2.1); answers named ['R.1']"]
    assert "duplicated 1" in lines({"exactly_once": verdict.to_json()})[0]


def test_a_request_applied_twice_and_never_answered_is_duplicated_not_committed_unacknowledged():
    verdict = check({"r1": 5}, [], RECORDED, FAMILY, "R", applied_by={"R.2.1": "r1"})
    counts = (verdict.acknowledged, verdict.duplicated, verdict.committed_unacknowledged, verdict.unaccounted)
    assert counts == (0, 1, 0, 0)
    assert verdict.problems == ["duplicated: request r1 moved 2 parts (R.1, R.2.1); no answer came"]


def test_a_split_whose_transaction_recorded_no_request_of_the_run_stays_unaccounted():
    verdict = check({"r1": 5}, [Acknowledgement("r1", "R.1", "tx-a")], RECORDED, FAMILY, "R",
                    applied_by={"R.2.1": "another-run"})
    assert (verdict.found, verdict.duplicated, verdict.unaccounted) == (1, 0, 1)


class _Qscc:
    """qscc as a peer answers GetTransactionByID: tx-b made R.2.1 and wrote r1's request record; tx-c wrote
    none; tx-d is not on the peer; tx-e is answered with tx-b's transaction; tx-f wrote r2's record but was
    invalidated (MVCC_READ_CONFLICT); tx-g deleted r3's record with an empty value."""

    def __init__(self):
        self.asked = []

    async def evaluate(self, function, *, arguments=(), endorsing_organizations=None):
        self.asked.append((function, tuple(arguments), endorsing_organizations))
        writes = {"tx-b": [(receivable_key("R.2.1"), b"{}"),
                           (composite_key("recfin.request", "91310000MA1FL0000X", "r1"), b"{}")],
                  "tx-c": [(receivable_key("R.3.1"), b"{}")],
                  "tx-f": [(receivable_key("R.5.1"), b"{}"),
                           (composite_key("recfin.request", "91310000MA1FL0000X", "r2"), b"{}")],
                  # an empty value not flagged as a delete: the peer deletes the record
                  "tx-g": [(receivable_key("R.7.1"), b"{}"),
                           (composite_key("recfin.request", "91310000MA1FL0000X", "r3"), b"")]}
        asked = arguments[1]
        answered = "tx-b" if asked == "tx-e" else asked
        if answered not in writes:
            raise GatewayError(f"no such transaction ID [{asked}]")
        code = transaction_pb2.MVCC_READ_CONFLICT if answered == "tx-f" else transaction_pb2.VALID
        return transaction_pb2.ProcessedTransaction(
            transactionEnvelope=_envelope(writes[answered], answered), validationCode=code).SerializeToString()


def _envelope(writes, tx_id):
    from fabric_protos.common import common_pb2
    return common_pb2.Envelope.FromString(envelope(writes, tx_id=tx_id))


class _Client:
    def __init__(self):
        self.qscc = _Qscc()
        self.network = type("Network", (), {"name": "recfin", "get_contract": lambda _, name: self.qscc})()
        self.contract = type("Contract", (), {"chaincode_name": "receivables"})()


def test_the_request_a_split_belongs_to_is_read_from_the_transaction_that_made_it():
    client = _Client()
    splits = [LedgerTransfer("R.2.1", 5, "tx-b"), LedgerTransfer("R.3.1", 5, "tx-c"),
              LedgerTransfer("R.4.1", 5, "tx-d")]
    assert asyncio.run(read_split_requests(client, "SupplierMSP", splits)) == {"R.2.1": "r1"}
    assert client.qscc.asked[0] == ("GetTransactionByID", ("recfin", "tx-b"), ["SupplierMSP"])


def test_a_split_is_not_credited_from_another_transaction_or_one_the_peer_invalidated():
    client = _Client()
    splits = [LedgerTransfer("R.6.1", 5, "tx-e"), LedgerTransfer("R.5.1", 5, "tx-f")]
    assert asyncio.run(read_split_requests(client, "SupplierMSP", splits)) == {}


def test_no_split_to_read_asks_nothing():
    client = _Client()
    assert asyncio.run(read_split_requests(client, "SupplierMSP", [])) == {}
    assert client.qscc.asked == []


def test_a_split_is_not_credited_from_a_transaction_that_wrote_the_request_record_empty():
    """An empty value is a delete to the peer (Fabric's rwsetutil.IsKVWriteDelete), whatever its is_delete says:
    such a transaction wrote no record of the request."""
    assert asyncio.run(read_split_requests(_Client(), "SupplierMSP", [LedgerTransfer("R.7.1", 5, "tx-g")])) == {}
