"""`python -m bench.components`: what each measured operation did, the report's shape, the options.

The chaincode server really runs (its own process, over loopback gRPC) and the SDK really
builds and signs; these tests check the effects and the counts, never the timings.
"""
import asyncio
import json
import os

import pytest
from click.testing import CliRunner
from fabric_protos.common import common_pb2
from fabric_protos.ledger.rwset import rwset_pb2
from fabric_protos.ledger.rwset.kvrwset import kv_rwset_pb2
from fabric_protos.peer import chaincode_shim_pb2, proposal_pb2, proposal_response_pb2, transaction_pb2

from bench.cast import SPLIT_AMOUNT_FEN
from bench.components import (
    CHAINCODE_OPERATIONS, CLIENT_STEPS, COLUMNS, OPERATIONS, Settings, figures, main, run_components,
)
from bench.loopback_peer import Executed
from bench.prepared_gateway import prepared_transaction
from bench.profiling import MACHINE_FIELDS
from chaincode.testing import make_identity
from chaincode.testing._memory_peer import Write
from chaincode.testing._proposals import make_signed_proposal

ITERATIONS = 4
WARMUP = 2


@pytest.fixture(scope="module")
def report():
    return asyncio.run(run_components(Settings(iterations=ITERATIONS, warmup=WARMUP, profile=5)))


def test_every_measured_operation_commits_its_effect_on_the_ledger(report):
    # Each receivable of the measured pass was registered, confirmed by the debtor, and split,
    # the split-off part held by the tier-2 supplier; the part kept was financed and paid to the bank,
    # the part moved frozen, unfrozen and paid early at a discount.
    assert report["ledger"] == {"registered": ITERATIONS, "confirmed": ITERATIONS, "split": ITERATIONS,
                                "moved_to_transferee": ITERATIONS, "paid_to_financier": ITERATIONS,
                                "paid_early": ITERATIONS}


def test_one_row_per_part_and_operation_with_the_iterations_asked_for(report):
    assert [(r["part"], r["operation"]) for r in report["rows"]] == (
        [("chaincode", op) for op in CHAINCODE_OPERATIONS] + [("client", op) for op in OPERATIONS])
    for row in report["rows"]:
        assert row["iterations"] == ITERATIONS
        assert set(COLUMNS) - {"peer_round_trips"} <= set(row)
        assert row["cpu_ms_per_tx"] >= 0 and row["wall_ms_per_tx"] > 0
    for row in report["rows"][len(CHAINCODE_OPERATIONS):]:
        assert list(row["cpu_ms_per_tx_by_step"]) == list(CLIENT_STEPS)


def test_every_row_has_the_memory_of_its_process_over_its_transactions(report):
    for row in report["rows"]:
        assert row["rss_mb"] > 0
        assert isinstance(row["rss_growth_kb"], int)
        # the peak over the transactions is at least what was still held after them (reported where the
        # kernel lets the peak be reset as they start)
        if row["peak_rss_growth_kb"] is not None:
            assert row["peak_rss_growth_kb"] >= max(0, row["rss_growth_kb"])
    # the client's rows also trace its Python heap: each transaction's objects are alive at the peak,
    # and at least as much as stayed
    for row in report["rows"][len(CHAINCODE_OPERATIONS):]:
        assert row["heap_peak_kb"] > 0 and row["heap_peak_kb"] >= row["heap_retained_kb"]


def test_the_chaincode_rows_measure_the_server_process_and_the_client_rows_this_one(monkeypatch):
    from bench import memory

    metered = []
    real_open = memory.Meter.open

    def recording_open(meter):
        metered.append(meter.pid)
        return real_open(meter)

    monkeypatch.setattr(memory.Meter, "open", recording_open)
    report = asyncio.run(run_components(Settings(iterations=1, warmup=1)))
    server_pids = set(metered[:len(CHAINCODE_OPERATIONS)])
    assert len(server_pids) == 1 and server_pids != {os.getpid()}
    assert set(metered[len(CHAINCODE_OPERATIONS):]) == {os.getpid()}
    assert len(metered) == len(report["rows"])


def test_the_chaincode_server_asks_the_peer_once_per_dependent_read_and_once_to_write(report):
    # With Fabric 3.1's multi-key reads and write batching: the caller's binding with the records the
    # transaction reads next, then the caller's party with what it learnt from those (register: then
    # the debtor and the invoices' registry entries), then one WRITE_BATCH_STATE, private terms and
    # disbursement included. Accepting an offer also scans the financing's offers; an offer reads the
    # version of the bank's exposure on the claim's debtor, which it learns from the claim. A new read that
    # costs a round trip shows here. The bank's own entries cost some: an offer scans the bank's
    # recfin.offer-made entries on the debtor, reads the offers they list and the policy of those it drops
    # (more as the bank has offers open there: an average); an acceptance reads the offer's entry with its
    # dropped mark, then the entry's policy and the hash of the offer's private terms; a disbursement reads
    # the loan's recfin.by-financier entry with the accepted offer's recfin.offer-made entry and mark, then one
    # by one the policies of the loan's entry, the offer's entry or mark, the claim and the financing, and the
    # hash of the offer's private terms.
    # A scan in a transaction that writes (the request's offers, twice on acceptance; the bank's entries on an
    # offer) reads once more past its last row, for the rows past the peer's totalQueryLimit; accepting a
    # discount offer reads its debtor's party (its org must still hold the role), and the offer's first write
    # from the key's history (an offer rewritten under its debtor org's policy alone is refused).
    # Confirming, requesting financing and accepting either offer also read the claim's root (for a part) and
    # the registry entry of its invoice under the invoice's other spelling (one invoice backs one live claim):
    # confirming reads the entry with the caller's party; an acceptance the root with a read it makes anyway
    # (the caller's party, the bank's entry on its offer) and the entry with the debtor's party; a request on a
    # part the root with the caller's party, then the entry, which only the root names, in a round trip of its
    # own: 4, not 3. Accepting a financing offer reads the key-level policy of each registry entry naming the
    # claim's root (the benchmark's claim: its invoice's fingerprint alone), to add the bank's org to it, so the
    # debtor's and the supplier's orgs cannot free the invoice of a financed claim between them: 10, not 9.
    # A step changing an existing claim's status or holder reads the key-level policy of the by-status or
    # by-holder entry it drops and of the one it writes (2 more: confirm, transfer, a payment, accepting a
    # discount offer), and an acceptance that ends a request reads the policy of the request's record and of
    # what it lapses (3 more: 13), so two other orgs sealing one cannot hold the claim; a new claim's entries
    # are written without that look (register stays 4). Making an offer reads the key-level policy of its bank's
    # exposure version on the debtor, so two other orgs sealing it cannot stop the bank's offers (9.5, not 8.5).
    # The creditor's link of a paper identity on the financed part reads, each in a round trip of its own, the
    # root, its first live part, the paper identity's registry entry, its other spelling's, the invoice's own
    # entry and that entry's key-level policy, which the new entry copies: 9 with the binding, party and write.
    trips = {r["operation"]: r["peer_round_trips"] for r in report["rows"] if r["part"] == "chaincode"}
    assert trips == {"register": 4, "confirm": 5, "transfer": 5, "request_financing": 4, "make_offer": 9.5,
                     "accept_offer": 13, "link_paper": 9, "disburse": 9, "acknowledge": 3, "record_payment": 5, "repay": 3,
                     "freeze": 3, "unfreeze": 3, "publish_discount": 3, "accept_discount": 7}


def test_the_report_is_json_with_machine_settings_and_profiles(report):
    assert json.loads(json.dumps(report)) == report
    assert set(report["machine"]) == MACHINE_FIELDS
    assert report["settings"]["iterations"] == ITERATIONS
    assert report["settings"]["peer_options"] == "fabric-3.1"
    for part, operations in (("chaincode", CHAINCODE_OPERATIONS), ("client", OPERATIONS)):
        assert set(report["profiles"][part]) == set(operations)
        for functions in report["profiles"][part].values():
            assert 0 < len(functions) <= 5
            assert {"function", "calls", "own_s", "cumulative_s"} == set(functions[0])
    # the server's profile is of the contract's code, not only of the event loop
    everything = [f["function"] for fs in report["profiles"]["chaincode"].values() for f in fs]
    assert any("chaincode/" in name for name in everything)


def test_the_client_replies_carry_the_endorsed_read_write_sets(report):
    sizes = {row["operation"]: row["endorse_reply_bytes"] for row in report["rows"] if row["part"] == "client"}
    assert set(sizes) == set(OPERATIONS)
    assert sizes["transfer"] > sizes["confirm"]  # a split writes two new receivables and their indexes


def test_a_prepared_transaction_holds_the_result_the_writes_and_the_endorsements():
    user = make_identity("SupplierMSP", "tier1-user")
    peers = [make_identity("CoreEnterpriseMSP", "peer0", ou="peer"), make_identity("SupplierMSP", "peer0", ou="peer")]
    signed, tx_id = make_signed_proposal(channel_id="receivables", chaincode_name="receivables", args=[b"f"],
                                         creator=bytes(user), transient={"secret": b"x"})
    executed = Executed(
        signed, tx_id, 200, "", b'{"id":"R-1"}', ("ReceivableRegistered", b"{}"), ["k1", "k1", "k2"],
        [Write(chaincode_shim_pb2.WriteRecord.PUT_STATE, "", "k1", b"v"),
         Write(chaincode_shim_pb2.WriteRecord.PUT_STATE_METADATA, "", "k1", b"policy")])
    envelope = prepared_transaction(executed, peers)
    payload = common_pb2.Payload.FromString(envelope.payload)
    action = transaction_pb2.ChaincodeActionPayload.FromString(
        transaction_pb2.Transaction.FromString(payload.data).actions[0].payload)
    assert len(action.action.endorsements) == 2
    assert not proposal_pb2.ChaincodeProposalPayload.FromString(action.chaincode_proposal_payload).TransientMap
    chaincode_action = proposal_pb2.ChaincodeAction.FromString(
        proposal_response_pb2.ProposalResponsePayload.FromString(action.action.proposal_response_payload).extension)
    assert chaincode_action.response.payload == b'{"id":"R-1"}'
    kv = kv_rwset_pb2.KVRWSet.FromString(rwset_pb2.TxReadWriteSet.FromString(chaincode_action.results).ns_rwset[0].rwset)
    assert [r.key for r in kv.reads] == ["k1", "k2"]
    assert [(w.key, w.value) for w in kv.writes] == [("k1", b"v")]
    assert kv.metadata_writes[0].entries[0].value == b"policy"


def test_figures_per_transaction():
    row = figures("client", "confirm", 0.5, [0.01] * 100, {"proposal": 0.1})
    assert row["cpu_ms_per_tx"] == 5.0
    assert row["wall_ms_per_tx"] == 10.0
    assert row["tx_per_s_one_core"] == 200.0
    assert row["cpu_ms_per_tx_by_step"] == {"proposal": 1.0}
    with pytest.raises(ValueError, match="no transactions"):
        figures("client", "confirm", 0.5, [])


def test_command_json_for_one_part():
    result = CliRunner().invoke(main, ["--part", "client", "--iterations", "2", "--warmup", "1", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [r["part"] for r in report["rows"]] == ["client"] * 3
    assert all({"rss_mb", "peak_rss_growth_kb", "rss_growth_kb", "heap_peak_kb", "heap_retained_kb"} <= set(r)
               for r in report["rows"])
    assert report["settings"]["split_amount_fen"] == SPLIT_AMOUNT_FEN


def test_the_text_report_prints_the_memory_with_the_cpu():
    result = CliRunner().invoke(main, ["--part", "client", "--iterations", "2", "--warmup", "1"])
    assert result.exit_code == 0, result.output
    header = next(line for line in result.output.splitlines() if line.startswith("PART"))
    assert header.split()[-3:] == ["RSS_MB", "PEAK_RSS_GROWTH_KB", "RSS_GROWTH_KB"]
    # wall time per transaction as docs/benchmark.md says: the mean, p50 and p99
    assert "WALL_MS_PER_TX WALL_P50_MS WALL_P99_MS" in " ".join(header.split())
    assert "client register Python heap over 2 tx (traced pass): peak" in result.output


def test_help_has_an_example():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "--profile" in result.output


def test_the_client_part_warms_up_with_warmup_transactions_of_its_own_arguments(monkeypatch):
    from bench import components

    sent = []
    real = components.client_operation

    async def recording(contract, function, arguments, steps, gateway):
        sent.append((function, tuple(arguments)))
        return await real(contract, function, arguments, steps, gateway)

    monkeypatch.setattr(components, "client_operation", recording)
    asyncio.run(run_components(Settings(iterations=2, warmup=5, parts=("client",))))
    registrations = [arguments for function, arguments in sent if function == "RegisterReceivable"]
    # 5 to warm up, 2 measured, the same 2 again on the traced pass
    assert len(registrations) == 5 + 2 + 2
    warm, measured, traced = registrations[:5], registrations[5:7], registrations[7:]
    assert measured == traced and not set(warm) & set(measured)     # each warm-up registration an invoice of its own
    assert len(set(warm)) == 5
    for function in ("ConfirmReceivable", "TransferReceivable"):
        assert sum(f == function for f, _ in sent) == 5 + 2 + 2
