"""A checkpoint file that holds no checkpoint is refused (NotACheckpointFile) saying what is wrong in it, where the
refusal said only "is not a checkpoint file" for most: an empty file, one cut short, a file of a newer version (a
key this version does not read), a list, a block number or transaction ID of the wrong kind. The user was left to
guess which, with the file's last good position at stake."""
import json

import pytest

from client.gateway import FileCheckpointer
from client.gateway._checkpointer import NotACheckpointFile

TX = "ab" * 32


@pytest.mark.parametrize("content, problem", [
    ("", "it is empty"),
    (" \n", "it is empty"),
    ('{"blockNumber": 5, "transactionId": "ab', "it is not JSON (Unterminated string starting at at line 1 column "
                                                "37: cut short, or damaged)"),
    ('{"blockNumber": 5', "it is not JSON (Expecting ',' delimiter at line 1 column 18: cut short, or damaged)"),
    (json.dumps({"blockNumber": 5, "transactionId": TX, "version": 2}),
     "it holds a key 'version', which this version does not read: a file of a newer version or another program"),
    (json.dumps({"formatVersion": 2, "position": {"block": 5}}),
     "it holds keys 'formatVersion', 'position', which this version does not read"),
    ("[]", "it holds a JSON list, not an object"),
    ('{"blockNumber": -1}', "its blockNumber -1 is no block number, a whole number from 0 to 2**64 - 1"),
    ('{"blockNumber": 5.0}', "its blockNumber 5.0 is no block number"),
    ('{"blockNumber": 1' + "0" * 5000 + "}", "it holds a number of thousands of digits, no block number"),
    (json.dumps({"blockNumber": 5, "transactionId": 7}), "its transactionId is a JSON number, not a string"),
    (json.dumps({"transactionId": TX}), "it gives a transactionId and no blockNumber"),
    (json.dumps({"blockNumber": 5, "chaincode": "receivables"}), "its channel and chaincode are not a channel's name"),
    ("[" * 100_000, "it holds JSON nested too deep to read"),
], ids=["empty", "blank", "cut in a string", "cut after a number", "a newer version's key", "a newer version's form",
        "a list", "a negative block", "a float block", "thousands of digits", "a numeric transaction",
        "a transaction without a block", "a chaincode without a channel", "nested too deep"])
def test_the_refusal_says_what_is_wrong_in_the_file(tmp_path, content, problem):
    path = tmp_path / "events.checkpoint"
    path.write_text(content)
    with pytest.raises(NotACheckpointFile) as refused:
        FileCheckpointer(path)
    assert refused.value.problem.startswith(problem), refused.value.problem
    assert str(refused.value).startswith(f"{path} is not a checkpoint file ({refused.value.problem}) (")
    assert path.read_text() == content          # left as it was: it may hold the last good position


def test_a_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "events.checkpoint"
    path.write_bytes(b"\xff\xfe{")
    with pytest.raises(NotACheckpointFile, match=r"\(it is not UTF-8 text\)"):
        FileCheckpointer(path)
