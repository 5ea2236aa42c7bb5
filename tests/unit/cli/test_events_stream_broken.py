"""`recfin events` whose event stream breaks after events were printed names the last event it handled and how
to go on from it: the same command again with its --checkpoint FILE, or --start-block at that event's block.
A stream that fails before any event is reported in the gateway's words alone."""

import json

import grpc
from click.testing import CliRunner
from fabric_protos.gateway import gateway_pb2

from cli.main import main
from client.gateway._transport import TransportError
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.client.test_ledger_event_checkpoint_resumable import block, transaction
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

BROKEN = TransportError(grpc.StatusCode.UNAVAILABLE, "peer went away")


def test_a_stream_broken_after_events_names_the_checkpoint_to_resume_from(tmp_path, over_a_gateway):
    path = tmp_path / "events.checkpoint"
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32), _events_at(6, "bb" * 32), BROKEN]
    over_a_gateway(transport)
    broken = CliRunner().invoke(main, ["events", "--start-block", "0", "--checkpoint", str(path)])
    assert broken.exit_code == 1, broken.output
    assert broken.output.splitlines()[-1] == (
        f"Error: the event stream broke after the event of block 6 tx {'bb' * 32}: UNAVAILABLE: peer went "
        "away; is the network up? `recfin network status` shows its nodes. "
        f"{path} records that event: run the same command again to resume after it")
    assert json.loads(path.read_text())["blockNumber"] == 6

    # asked before resuming, the peer's ledger holds the file's transaction in its block, as one that emitted an event
    transport.result = block(6, (transaction("bb" * 32, event=True), 0))
    transport.event_responses = [_events_at(7, "cc" * 32)]
    again = CliRunner().invoke(main, ["events", "--start-block", "0", "--checkpoint", str(path),
                                      "--limit", "1"])
    assert again.exit_code == 0, again.output
    last_request = transport.requests("chaincode_events")[-1]
    resumed = gateway_pb2.ChaincodeEventsRequest.FromString(last_request.request)
    assert (resumed.start_position.specified.number, resumed.after_transaction_id) == (6, "bb" * 32)


def test_a_stream_broken_without_a_checkpoint_names_the_block_to_start_from(over_a_gateway):
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32), BROKEN]
    over_a_gateway(transport)
    broken = CliRunner().invoke(main, ["events", "--json"])
    assert broken.exit_code == 1, broken.output
    assert json.loads(broken.output.splitlines()[0])["block"] == 5
    assert broken.output.splitlines()[-1].startswith(
        f"Error: the event stream broke after the event of block 5 tx {'aa' * 32}: UNAVAILABLE: peer went "
        "away")
    assert broken.output.splitlines()[-1].endswith(
        ". Run again with --start-block 5 to go on from that block (its events up to that tx come again), or "
        "with --checkpoint FILE to resume after the last event printed")


def test_a_stream_failing_before_any_event_is_reported_in_the_gateways_words(over_a_gateway):
    transport = FakeTransport()
    transport.event_responses = [TransportError(grpc.StatusCode.PERMISSION_DENIED, "access denied")]
    over_a_gateway(transport)
    refused = CliRunner().invoke(main, ["events"])
    assert refused.exit_code == 1, refused.output
    assert refused.output.splitlines()[-1] == "Error: PERMISSION_DENIED: access denied"


def test_a_stream_the_peer_ends_before_the_limit_fails_naming_the_checkpoint_to_resume_from(tmp_path, over_a_gateway):
    path = tmp_path / "events.checkpoint"
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]   # then the stream ends with status OK
    over_a_gateway(transport)
    ended = CliRunner().invoke(main, ["events", "--start-block", "0", "--checkpoint", str(path)])
    assert ended.exit_code == 1, ended.output
    assert ended.stderr.splitlines()[-1] == (
        f"Error: the peer ended the event stream after the event of block 5 tx {'aa' * 32}, 1 event(s) printed "
        f"(a follower never ends on its own): {path} holds the position: run the same command again to resume "
        "there")
    assert json.loads(path.read_text())["blockNumber"] == 5


def test_a_stream_the_peer_ends_without_a_checkpoint_names_the_block_to_start_from(over_a_gateway):
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]
    over_a_gateway(transport)
    ended = CliRunner().invoke(main, ["events", "--limit", "2"])
    assert ended.exit_code == 1, ended.output
    assert ended.stderr.splitlines()[-1].endswith(
        ": run again with --start-block 5 to go on from that block (its events up to that tx come again), or "
        "with --checkpoint FILE to resume after the last event printed")


def test_a_stream_that_reaches_the_limit_ends_with_0(over_a_gateway):
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, "aa" * 32)]
    over_a_gateway(transport)
    assert CliRunner().invoke(main, ["events", "--limit", "1"]).exit_code == 0


def test_a_stream_broken_before_any_event_names_no_call_of_the_sdk(over_a_gateway):
    """The SDK's advice for a broken stream names its checkpointer and start_block parameters, which a user of the
    command line has none of: the line is the gateway's words and the CLI's hint."""
    transport = FakeTransport()
    transport.event_responses = [BROKEN]
    over_a_gateway(transport)
    broken = CliRunner().invoke(main, ["events"])
    assert broken.exit_code == 1, broken.output
    assert broken.output.splitlines()[-1] == ("Error: UNAVAILABLE: peer went away; is the network up? "
                                              "`recfin network status` shows its nodes")
