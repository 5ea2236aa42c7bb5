"""`recfin events --checkpoint FILE --json >> events.jsonl`: each line is on disk before the checkpoint that counts
it as printed, or a power loss could leave the output without events the checkpoint says were printed; a pipe is
only flushed. And --start-block beyond the highest block number is a usage error naming the option."""

import os
import stat
import sys

from click.testing import CliRunner

from cli import connection
from cli.main import main
from tests.unit.client.gateway_fakes import FakeTransport
from tests.unit.receivables_client.test_sdk_docs_events import _events_at

TX = "ab" * 32


def _follow_one_event(tmp_path, monkeypatch, over_a_gateway, stdout) -> list:
    """Run the documented follower with ``stdout`` as its output; the files fsynced, in order, each as
    (stat, what the output file held then)."""
    transport = FakeTransport()
    transport.event_responses = [_events_at(5, TX)]
    over_a_gateway(transport)
    output = tmp_path / "events.jsonl"
    synced, real_fsync = [], os.fsync

    def fsync(descriptor):
        synced.append((os.fstat(descriptor), output.read_text() if output.exists() else None))
        real_fsync(descriptor)

    with monkeypatch.context() as patched:
        patched.setattr(os, "fsync", fsync)
        patched.setattr(sys, "stdout", stdout)
        main.main(["events", "--start-block", "0", "--checkpoint", str(tmp_path / "events.checkpoint"), "--json",
                   "--limit", "1"], standalone_mode=False)
    return synced


def test_a_line_appended_to_a_file_is_synced_before_the_checkpoint_past_it(tmp_path, monkeypatch,
                                                                            over_a_gateway):
    output = tmp_path / "events.jsonl"
    with open(output, "a", encoding="utf-8") as appended:
        synced = _follow_one_event(tmp_path, monkeypatch, over_a_gateway, appended)
    checkpoint = os.stat(tmp_path / "events.checkpoint")   # the new file, renamed into place after its fsync
    order = [("output" if os.path.samestat(status, os.stat(output)) else
              "checkpoint" if os.path.samestat(status, checkpoint) else "folder") for status, _ in synced]
    assert order.index("output") < order.index("checkpoint"), order
    held_when_synced = synced[order.index("output")][1]
    assert held_when_synced.count("\n") == 1 and TX in held_when_synced


def test_a_line_written_to_a_pipe_is_flushed_and_not_synced(tmp_path, monkeypatch, over_a_gateway):
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "r", encoding="utf-8") as reader, os.fdopen(write_end, "w", encoding="utf-8") as piped:
        synced = _follow_one_event(tmp_path, monkeypatch, over_a_gateway, piped)
        os.set_blocking(read_end, False)
        assert TX in reader.readline()   # flushed: there without the pipe being closed
    # a pipe has nothing on disk to sync (fsync on one fails with EINVAL); the checkpoint is still synced
    assert not any(stat.S_ISFIFO(status.st_mode) for status, _ in synced)
    assert any(os.path.samestat(status, os.stat(tmp_path / "events.checkpoint")) for status, _ in synced)


def test_a_start_block_beyond_the_highest_block_number_is_a_usage_error_naming_the_option(monkeypatch):
    opened = []
    monkeypatch.setattr(connection, "open_session", lambda *args, **kwargs: opened.append(args))
    result = CliRunner().invoke(main, ["events", "--start-block", str(2**64)])
    assert result.exit_code == 2, result.output
    assert "Invalid value for '--start-block'" in result.output and str(2**64 - 1) in result.output
    assert opened == []     # refused before anything connects


def test_the_highest_block_number_is_taken_as_start_block(over_a_gateway):
    transport = FakeTransport()
    over_a_gateway(transport)
    result = CliRunner().invoke(main, ["events", "--start-block", str(2**64 - 1)])
    assert result.exit_code == 1 and "the peer ended the event stream" in result.stderr, result.output
    assert len(transport.requests("chaincode_events")) == 1
