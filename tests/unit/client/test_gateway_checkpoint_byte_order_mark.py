"""A checkpoint file rewound by hand in an editor that saves a UTF-8 byte order mark is read as the checkpoint it
holds, as the other files a user gives are, where it was refused as no checkpoint file without a word of why."""

import json

from client.gateway import FileCheckpointer

TX_A, TX_B = "a" * 64, "b" * 64


def test_a_checkpoint_file_with_a_byte_order_mark_is_read_and_rewritten_without_it(tmp_path):
    path = tmp_path / "events.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps({"blockNumber": 5, "transactionId": TX_A}).encode())
    with FileCheckpointer(path) as checkpointer:
        assert (checkpointer.block_number, checkpointer.transaction_id) == (5, TX_A)
        checkpointer.checkpoint_transaction(6, TX_B)
    assert json.loads(path.read_bytes()) == {"blockNumber": 6, "transactionId": TX_B}   # bytes: no mark before it
