"""Claims docs/sdk-gateway.md ("Events and checkpoints") makes of checkpointers that no other test holds them to:
a checkpoint keeps its file's permissions, a new file is 0644 as far as the umask allows, refuse_another_listener
checks without recording, and the error on a file that is no checkpoint words the form it expects."""

import json
import os
import stat

import pytest

from client.gateway import CHECKPOINT_FILE_FORM, FileCheckpointer, InMemoryCheckpointer, NotACheckpointFile

TX = "a" * 64


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_each_checkpoint_keeps_the_permissions_given_to_the_file(tmp_path, umask_022):
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"blockNumber": 3, "transactionId": ""}))
    path.chmod(0o600)
    with FileCheckpointer(path) as checkpointer:
        checkpointer.checkpoint_transaction(4, TX)
        checkpointer.checkpoint_block(4)
    assert _mode(path) == 0o600
    assert json.loads(path.read_text())["blockNumber"] == 5


def test_a_new_checkpoint_file_is_0644_under_the_usual_umask(tmp_path, umask_022):
    path = tmp_path / "events.json"
    with FileCheckpointer(path) as checkpointer:
        checkpointer.checkpoint_block(4)
    assert _mode(path) == 0o644


@pytest.mark.parametrize("make", [InMemoryCheckpointer, None], ids=["in memory", "file"])
def test_refuse_another_listener_checks_without_recording(tmp_path, make):
    checkpointer = make() if make is not None else FileCheckpointer(tmp_path / "events.json")
    checkpointer.refuse_another_listener("channel-a", "cc")
    checkpointer.refuse_another_listener("channel-b", None)   # nothing was recorded by the call before
    checkpointer.check_listener("channel-a", "cc")
    with pytest.raises(ValueError) as refused:
        checkpointer.refuse_another_listener("channel-b", "cc")
    assert "chaincode 'cc' events of channel 'channel-a'" in str(refused.value)
    assert "chaincode 'cc' events of channel 'channel-b'" in str(refused.value)


def test_a_file_that_is_no_checkpoint_is_refused_with_the_form_expected(tmp_path):
    path = tmp_path / "events.json"
    path.write_text('{"block": 5}')
    with pytest.raises(NotACheckpointFile) as refused:
        FileCheckpointer(path)
    assert CHECKPOINT_FILE_FORM in str(refused.value)
    assert refused.value.problem.startswith("it holds a key 'block', which this version does not read")
