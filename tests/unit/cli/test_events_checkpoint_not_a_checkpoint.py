"""`recfin events --checkpoint FILE` refuses a FILE that holds no checkpoint with the way on that loses no event:
remove it and run again with --start-block at the block of the last event handled. Removed alone, as the advice
once said ("remove it to start afresh"), the follower started at the next commit, past every event committed since
the last good checkpoint."""

import pytest
from click.testing import CliRunner
from fabric_protos.gateway import gateway_pb2

from cli.main import main
from client.gateway import FileCheckpointer
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.receivables_client.test_sdk_docs_events import _events_at


def test_a_file_holding_no_checkpoint_is_refused_naming_the_start_block_that_loses_no_event(tmp_path,
                                                                                          over_a_gateway):
    path = tmp_path / "events.checkpoint"
    path.write_text('{"blockNumber": 5, "transactionId": ')   # cut short by a disk that filled up
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]
    over_a_gateway(transport)
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
    assert refused.exit_code == 2 and transport.calls == []
    error = refused.stderr.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for '--checkpoint': {path} is not a checkpoint file (")
    assert "remove it and run again with --start-block N, N the block of the last event already handled" in error
    assert "to start afresh" not in error

    path.unlink()   # as the advice says, the last line printed having been of block 5
    again = CliRunner().invoke(main, ["events", "--checkpoint", str(path), "--start-block", "5", "--limit", "1"])
    assert again.exit_code == 0, again.output
    request = gateway_pb2.ChaincodeEventsRequest.FromString(transport.requests("chaincode_events")[-1].request)
    assert request.start_position.specified.number == 5


def test_the_sdk_says_to_give_a_start_block_too(tmp_path):
    path = tmp_path / "events.checkpoint"
    path.write_text("[]")
    with pytest.raises(ValueError, match="remove it and start the listener with start_block at the block of the last "
                                         "event handled"):
        FileCheckpointer(path)


@pytest.mark.parametrize("transaction_id", ["AA" * 32, "aa" * 31, "tx-7"])
def test_a_transaction_id_not_in_fabrics_form_is_refused_saying_so(tmp_path, over_a_gateway, transaction_id):
    """A file whose transactionId is not 64 lowercase hex digits (edited by hand, or written by another tool) was
    refused only as "not a checkpoint file", leaving the user to guess which of its fields was wrong: the refusal
    says what the SDK found in it."""
    path = tmp_path / "events.checkpoint"
    path.write_text(f'{{"blockNumber": 5, "transactionId": "{transaction_id}"}}')
    transport = FakeTransport()
    over_a_gateway(transport)
    refused = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
    assert refused.exit_code == 2 and transport.calls == []
    error = refused.stderr.splitlines()[-1]
    assert error.startswith(f"Error: Invalid value for '--checkpoint': {path} is not a checkpoint file (its "
                            f"transactionId '{transaction_id}' is no Fabric transaction ID, 64 lowercase hex digits) "
                            "("), error
    assert "remove it and run again with --start-block N, N the block of the last event already handled" in error
