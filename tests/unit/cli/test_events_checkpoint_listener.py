"""`recfin events --checkpoint FILE` over the SDK's gateway: the file records the profile's channel and chaincode
from its first run, and a FILE of another chaincode is refused in one line."""

import json
from contextlib import contextmanager

from click.testing import CliRunner

from cli import connection
from cli.main import main
from client.gateway import Identity, connect, private_key_signer
from client.receivables import CONTRACT_NAME, ReceivablesClient
from tests.unit.client.gateway_fakes import FakeTransport, make_key_and_cert
from tests.unit.receivables_client.test_cli import profile
from tests.unit.receivables_client.test_sdk_docs_events import _events_at


def _over_a_gateway(monkeypatch, transport: FakeTransport) -> None:
    @contextmanager
    def open_session(org, user=None, data_root=None, *, admin=False):
        key, cert = make_key_and_cert("user1")
        gateway = connect(transport=transport, identity=Identity.from_pem("Org1MSP", cert),
                          signer=private_key_signer(key))
        p = profile(org).model_copy(update={"channel": "receivables-channel"})
        network = gateway.get_network(p.channel)        # as open_session connects: to the profile's channel
        yield connection.Session(ReceivablesClient(network.get_contract(p.chaincode, CONTRACT_NAME), network), p,
                                 p.users["u1"], gateway)

    monkeypatch.setattr(connection, "open_session", open_session)
    monkeypatch.setattr(connection, "note_caller", lambda *args: None)


def test_a_first_run_records_the_channel_and_chaincode_and_a_file_of_another_chaincode_is_refused(tmp_path,
                                                                                                 monkeypatch):
    path = tmp_path / "events.checkpoint"
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]
    _over_a_gateway(monkeypatch, transport)
    first = CliRunner().invoke(main, ["events", "--start-block", "0", "--checkpoint", str(path), "--limit", "1"])
    assert first.exit_code == 0, first.output
    assert json.loads(path.read_text()) == {"blockNumber": 5, "transactionId": "aa" * 32,
                                            "channel": "receivables-channel", "chaincode": "receivables"}

    path.write_text(json.dumps({**json.loads(path.read_text()), "chaincode": "trade-finance"}))
    transport.calls.clear()
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
    assert refused.exit_code == 2 and transport.calls == []
    assert refused.output.endswith("\n") and refused.output.splitlines()[-1].startswith(
        f"Error: Invalid value for '--checkpoint': {path} is the checkpoint of chaincode 'trade-finance' "
        "events of channel 'receivables-channel', not of chaincode 'receivables' events of channel "
        "'receivables-channel'")
