"""`recfin events --checkpoint FILE`: one follower per file, a second refused in the CLI's words."""

from contextlib import contextmanager

from click.testing import CliRunner

from cli import connection
from cli.main import main
from client.gateway import FileCheckpointer


def test_a_second_follower_on_a_checkpoint_file_in_use_is_refused_in_one_line(tmp_path, monkeypatch):
    # The SDK's refusal said to close() the other checkpointer: nothing a person at the command line can do.
    @contextmanager
    def no_network(*args, **kwargs):
        yield None

    monkeypatch.setattr(connection, "open_session", no_network)
    monkeypatch.setattr(connection, "note_caller", lambda *args: None)
    path = tmp_path / "events.checkpoint"
    with FileCheckpointer(path) as first:
        first.checkpoint_transaction(3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa3")
        result = CliRunner().invoke(main, ["events", "--checkpoint", str(path)])
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: another recfin events, or another program, holds {path}: one follower per checkpoint file, or each "
        "would skip the events the other has not printed yet; stop the other, or give this one its own --checkpoint "
        "FILE\n")
