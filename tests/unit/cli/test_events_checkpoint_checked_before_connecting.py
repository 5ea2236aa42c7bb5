"""`recfin events --checkpoint FILE` reads FILE before it connects: one that holds no checkpoint is a usage error
(exit 2, as its --help says) and one another follower holds is refused, with the network down too. Both were found
only once the command had connected, so with no network (no connection profile, a peer not answering) the user
was told about the network instead, and fixing that only led to the next error."""

from click.testing import CliRunner

from cli.main import main
from client.gateway import FileCheckpointer


def test_a_file_holding_no_checkpoint_is_a_usage_error_before_connecting(tmp_path, ledger_sessions):
    path = tmp_path / "events.checkpoint"
    path.write_text('{"blockNumber": 5, "transactionId": ')
    res = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
    assert res.exit_code == 2, res.output
    assert f"Error: Invalid value for '--checkpoint': {path} is not a checkpoint file (" in res.output
    assert ledger_sessions == []
    assert path.read_text() == '{"blockNumber": 5, "transactionId": '


def test_a_file_another_follower_holds_is_refused_before_connecting(tmp_path, ledger_sessions):
    path = tmp_path / "events.checkpoint"
    with FileCheckpointer(path) as first:
        first.checkpoint_transaction(3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3")
        res = CliRunner().invoke(main, ["receivable", "events", "--checkpoint", str(path)])
    assert res.exit_code == 1, res.output
    assert f"another recfin events, or another program, holds {path}: one follower per checkpoint file" in res.output
    assert ledger_sessions == []


def test_a_checkpoint_or_a_file_not_there_yet_gets_as_far_as_connecting(tmp_path, ledger_sessions):
    held = tmp_path / "held.checkpoint"
    with FileCheckpointer(held) as first:
        first.checkpoint_transaction(3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3")
    for path in (held, tmp_path / "new.checkpoint"):
        res = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
        assert res.exit_code == 1 and "connecting" in res.output, res.output
    assert len(ledger_sessions) == 2
    assert not (tmp_path / "new.checkpoint").exists()
