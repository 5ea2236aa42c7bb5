"""`recfin events --checkpoint FILE` over the SDK's gateway: the file records the profile's channel and
chaincode from its first run; a FILE written for another channel or chaincode than the profile's is refused
as a usage error naming --checkpoint (exit 2) before the event stream is asked for, the file left as it was;
the same listener's file resumes."""

import json

import pytest
from click.testing import CliRunner

from cli.main import main
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

OURS = {"channel": "receivables-channel", "chaincode": "receivables"}   # what over_a_gateway connects to


def test_a_first_run_records_the_channel_and_chaincode_and_a_file_of_another_chaincode_is_refused(
        tmp_path, over_a_gateway):
    path = tmp_path / "events.checkpoint"
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]
    over_a_gateway(transport)
    first = CliRunner().invoke(main, ["events", "--start-block", "0", "--checkpoint", str(path),
                                      "--limit", "1"])
    assert first.exit_code == 0, first.output
    assert json.loads(path.read_text()) == {"blockNumber": 5, "transactionId": "aa" * 32, **OURS}

    path.write_text(json.dumps({**json.loads(path.read_text()), "chaincode": "trade-finance"}))
    transport.calls.clear()
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
    assert refused.exit_code == 2 and transport.calls == []
    assert refused.output.endswith("\n") and refused.output.splitlines()[-1].startswith(
        f"Error: Invalid value for '--checkpoint': {path} is the checkpoint of chaincode 'trade-finance' "
        "events of channel 'receivables-channel', not of chaincode 'receivables' events of channel "
        "'receivables-channel'")


@pytest.mark.parametrize("listener, named", [
    ({"channel": "other-channel", "chaincode": "receivables"},
     "chaincode 'receivables' events of channel 'other-channel'"),
    ({"channel": "receivables-channel", "chaincode": "trade-finance"},
     "chaincode 'trade-finance' events of channel 'receivables-channel'"),
    ({"channel": "receivables-channel"}, "block events of channel 'receivables-channel'"),
])
def test_a_checkpoint_of_another_listener_is_a_usage_error_naming_checkpoint(tmp_path, over_a_gateway,
                                                                            listener, named):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": "aa" * 32, **listener}))
    before = path.read_bytes()
    transport = FakeTransport()
    over_a_gateway(transport)
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--start-block", "0"])
    assert refused.exit_code == 2, refused.output
    assert refused.output.splitlines()[-1].startswith(
        f"Error: Invalid value for '--checkpoint': {path} is the checkpoint of {named}, not of chaincode "
        "'receivables' events of channel 'receivables-channel'"), refused.output
    assert transport.calls == [] and path.read_bytes() == before


def test_the_same_listeners_checkpoint_resumes(tmp_path, over_a_gateway):
    path = tmp_path / "events.checkpoint"
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": "aa" * 32, **OURS}))
    transport = FakeTransport()
    transport.result = block(5, (transaction("aa" * 32, event=True), 0))   # qscc's block of that transaction
    transport.event_responses = [_events_at(6, "bb" * 32)]
    over_a_gateway(transport)
    result = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert json.loads(path.read_text()) == {"blockNumber": 6, "transactionId": "bb" * 32, **OURS}


def test_the_help_says_a_checkpoint_of_another_listener_is_a_usage_error():
    text = " ".join(CliRunner().invoke(main, ["events", "--help"]).output.split())
    assert ("the checkpoint of another channel or chaincode than the profile's, is a usage error (exit 2)"
            in text)
