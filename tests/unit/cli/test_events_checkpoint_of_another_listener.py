"""`recfin events --checkpoint FILE`: a FILE written for another channel or chaincode than the profile's is
refused as a usage error naming --checkpoint (exit 2) before the event stream is asked for, the file left as
it was; the same listener's file resumes."""

import json

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.unit.cli.test_events_checkpoint_listener import _over_a_gateway
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

OURS = {"channel": "receivables-channel", "chaincode": "receivables"}   # what _over_a_gateway connects to


@pytest.mark.parametrize("listener, named", [
    ({"channel": "other-channel", "chaincode": "receivables"},
     "chaincode 'receivables' events of channel 'other-channel'"),
    ({"channel": "receivables-channel", "chaincode": "trade-finance"},
     "chaincode 'trade-finance' events of channel 'receivables-channel'"),
    ({"channel": "receivables-channel"}, "block events of channel 'receivables-channel'"),
])
def test_a_checkpoint_of_another_listener_is_a_usage_error_naming_checkpoint(tmp_path, monkeypatch, listener,
                                                                            named):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": "aa" * 32, **listener}))
    before = path.read_bytes()
    transport = FakeTransport()
    _over_a_gateway(monkeypatch, transport)
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--start-block", "0"])
    assert refused.exit_code == 2, refused.output
    assert refused.output.splitlines()[-1].startswith(
        f"Error: Invalid value for '--checkpoint': {path} is the checkpoint of {named}, not of chaincode "
        "'receivables' events of channel 'receivables-channel'"), refused.output
    assert transport.calls == [] and path.read_bytes() == before


def test_the_same_listeners_checkpoint_resumes(tmp_path, monkeypatch):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": "aa" * 32, **OURS}))
    transport = FakeTransport()
    transport.event_responses = [_events_at(6, "bb" * 32)]
    _over_a_gateway(monkeypatch, transport)
    result = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text()) == {"blockNumber": 6, "transactionId": "bb" * 32, **OURS}


def test_the_help_says_a_checkpoint_of_another_listener_is_a_usage_error():
    text = " ".join(CliRunner().invoke(main, ["events", "--help"]).output.split())
    assert ("the checkpoint of another channel or chaincode than the profile's, is a usage error (exit 2)"
            in text)
