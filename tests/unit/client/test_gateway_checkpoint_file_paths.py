"""What a FileCheckpointer is given as its path: kept absolute, so a later os.chdir does not move the file; a
FIFO or a device refused at once, naming it; a block number beyond uint64 refused as no checkpoint file."""

import json
import os

import pytest

from client.gateway import FileCheckpointer


@pytest.mark.parametrize("existing", [True, False], ids=["existing file", "new file"])
def test_a_relative_path_names_the_same_file_after_the_process_changes_its_folder(tmp_path, monkeypatch, existing):
    started, moved_to = tmp_path / "started", tmp_path / "moved-to"
    started.mkdir()
    moved_to.mkdir()
    monkeypatch.chdir(started)
    if existing:
        (started / "checkpoint.json").write_text('{"blockNumber": 5, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"}')
    with FileCheckpointer("checkpoint.json") as checkpointer:
        monkeypatch.chdir(moved_to)        # a daemon library, say, changing to another folder
        checkpointer.checkpoint_block(9)
        assert checkpointer.path == started / "checkpoint.json"
    assert json.loads((started / "checkpoint.json").read_text())["blockNumber"] == 10
    assert list(moved_to.iterdir()) == []


def test_a_fifo_is_refused_at_once_naming_it(tmp_path):
    fifo = tmp_path / "checkpoint.fifo"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match=rf"^{fifo} is a FIFO, not a file: give the path of the file itself"):
        FileCheckpointer(fifo)
    FileCheckpointer(fifo.with_name("checkpoint.json")).close()   # the refusal left no lock or descriptor behind


def test_a_device_is_refused_naming_it():
    # read as an empty file, it was called "not a checkpoint file", and a checkpoint would have replaced it
    with pytest.raises(ValueError, match=r"^/dev/null is a device, not a file"):
        FileCheckpointer("/dev/null")


@pytest.mark.parametrize("block_number", [2**64, f'"{2**64}"', 10**30], ids=["2**64", "as a string", "10**30"])
def test_a_block_number_beyond_uint64_is_no_checkpoint_file_and_the_refusal_names_the_file(tmp_path,
                                                                                            block_number):
    path = tmp_path / "checkpoint.json"
    text = f'{{"blockNumber": {block_number}, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"}}'
    path.write_text(text)
    with pytest.raises(ValueError, match=rf"^{path} is not a checkpoint file"):
        FileCheckpointer(path)
    assert path.read_text() == text


def test_the_highest_block_number_is_read(tmp_path):
    path = tmp_path / "checkpoint.json"
    path.write_text(f'{{"blockNumber": {2**64 - 1}, "transactionId": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb1"}}')
    with FileCheckpointer(path) as checkpointer:
        assert checkpointer.block_number == 2**64 - 1
