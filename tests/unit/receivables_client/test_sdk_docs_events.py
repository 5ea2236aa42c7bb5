"""The Events example of docs/sdk-receivables.md, run as written: a follower, then its restart."""

from __future__ import annotations

import json
from pathlib import Path

from fabric_protos.gateway import gateway_pb2
from fabric_protos.peer import chaincode_event_pb2

from client.gateway import Identity, connect, private_key_signer
from client.receivables import CONTRACT_NAME, ReceivablesClient
from tests.unit.client.gateway_fakes import FakeTransport, make_key_and_cert
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction

DOC = (Path(__file__).parents[3] / "docs" / "sdk-receivables.md").read_text(encoding="utf-8")
EXAMPLE = DOC.split("## Events\n\n```python\n", 1)[1].split("```", 1)[0]


def _events_at(block: int, tx_id: str) -> gateway_pb2.ChaincodeEventsResponse:
    payload = {"event": "ReceivableConfirmed", "tx_id": tx_id, "receivable_id": "R-1"}
    event = chaincode_event_pb2.ChaincodeEvent(chaincode_id=CONTRACT_NAME, tx_id=tx_id, event_name="ReceivableConfirmed",
                                               payload=json.dumps(payload).encode())
    return gateway_pb2.ChaincodeEventsResponse(block_number=block, events=[event])


def _run_example(fake: FakeTransport) -> gateway_pb2.ChaincodeEventsRequest:
    key, cert = make_key_and_cert("user1")
    gateway = connect(transport=fake, identity=Identity.from_pem("Org1MSP", cert), signer=private_key_signer(key))
    network = gateway.get_network("receivables")
    receivables = ReceivablesClient(network.get_contract("receivables", CONTRACT_NAME), network)
    exec(EXAMPLE, {"receivables": receivables})    # nothing but the client: the example defines the rest
    return gateway_pb2.ChaincodeEventsRequest.FromString(fake.requests("chaincode_events")[-1].request)


def test_the_events_example_checkpoints_and_a_restart_resumes_after_the_last_event(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    first = FakeTransport()
    first.event_responses = [_events_at(5, "aa" * 32)]
    asked = _run_example(first)
    assert asked.start_position.specified.number == 0 and asked.after_transaction_id == ""
    assert "5 ReceivableConfirmed R-1" in capsys.readouterr().out
    assert json.loads((tmp_path / "receivables-events.json").read_text()) == {
        "blockNumber": 5, "transactionId": "aa" * 32, "channel": "receivables", "chaincode": "receivables"}

    assert first.requests("evaluate") == []   # a new file holds no transaction to look for

    restart = FakeTransport()
    restart.result = block(5, (transaction("aa" * 32, event=True), 0))   # qscc's block of the checkpoint's transaction
    asked = _run_example(restart)
    assert asked.start_position.specified.number == 5 and asked.after_transaction_id == "aa" * 32
    assert len(restart.requests("evaluate")) == 1   # the peer asked whether its ledger holds that transaction
