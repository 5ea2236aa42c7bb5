"""A checkpoint file that gives a key twice (a file merged or edited by hand) is no checkpoint: json keeps the last
of them, and the listener resumed at a guess between the two, skipping or replaying the events between them."""

import json

import pytest

from client.gateway import FileCheckpointer, NotACheckpointFile

TX_A, TX_B = "a" * 64, "b" * 64


@pytest.mark.parametrize("text, key", [
    ('{"blockNumber": 5, "transactionId": "", "blockNumber": 9}', "blockNumber"),
    (f'{{"blockNumber": 5, "transactionId": "{TX_A}", "transactionId": "{TX_B}"}}', "transactionId"),
    ('{"blockNumber": 5, "channel": "a", "channel": "b"}', "channel"),
])
def test_a_key_given_twice_is_refused_naming_it_and_the_file_left_as_it_was(tmp_path, text, key):
    path = tmp_path / "events.json"
    path.write_text(text)
    with pytest.raises(NotACheckpointFile) as refused:
        FileCheckpointer(path)
    assert refused.value.path == path.absolute()
    assert refused.value.problem == f"it gives {key!r} twice"
    assert f"{path} is not a checkpoint file (it gives {key!r} twice)" in str(refused.value)
    assert path.read_text() == text
    FileCheckpointer(path.with_name("other.json")).close()   # the lock on the refused file was let go, as ever
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": TX_A}))
    with FileCheckpointer(path) as taken:   # no lock left held on it either
        assert (taken.block_number, taken.transaction_id) == (5, TX_A)


def test_the_same_key_in_another_object_is_no_repeat(tmp_path):
    # only a member given twice in one object is; the file's members are read as before
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"blockNumber": 5, "transactionId": TX_A, "channel": "c", "chaincode": "cc"}))
    with FileCheckpointer(path) as taken:
        assert (taken.block_number, taken.transaction_id) == (5, TX_A)
