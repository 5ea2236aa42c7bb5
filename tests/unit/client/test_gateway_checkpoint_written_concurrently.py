"""A FileCheckpointer checkpointed from two threads at once (an async listener's ``asyncio.to_thread`` checkpoint
given up on by a timeout, whose thread still writes while the next event's checkpoint starts) writes one
checkpoint after the other: the second waits for the first, and the file and the position are the last one's.
The second failed with a bare "File exists" naming the checkpoint file (both staged the file under one name),
and two writes at once could close the descriptor of the file lock twice, the second time another file's."""

from __future__ import annotations

import json
import threading

from client.gateway import FileCheckpointer
from client.gateway import _checkpointer

HANGS_AT_MOST = 60
"""Seconds a paused write waits to be let go at most: a test that fails does so rather than hang."""


class _SignallingLock:
    """The checkpointer's write lock, saying when a second writer has to wait for it."""

    def __init__(self, stuck_or_done: threading.Event) -> None:
        self._lock, self._stuck_or_done = threading.RLock(), stuck_or_done

    def __enter__(self):
        if not self._lock.acquire(blocking=False):
            self._stuck_or_done.set()
            self._lock.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self._lock.release()


def test_a_checkpoint_made_while_another_is_being_written_waits_for_it_and_is_the_one_kept(tmp_path, monkeypatch):
    path = tmp_path / "events.json"
    checkpointer = FileCheckpointer(path)
    checkpointer.checkpoint_transaction(5, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa5")
    first_inside, let_first_go, second_stuck_or_done = threading.Event(), threading.Event(), threading.Event()
    checkpointer._writing = _SignallingLock(second_stuck_or_done)
    fill = _checkpointer.fill

    def paused_fill(temporary, content, **options):
        if b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6" in content:   # the first write: paused once its staged file is there
            first_inside.set()
            let_first_go.wait(HANGS_AT_MOST)
        return fill(temporary, content, **options)

    monkeypatch.setattr(_checkpointer, "fill", paused_fill)
    failures = []

    def checkpoint(transaction: str) -> None:
        try:
            checkpointer.checkpoint_transaction(int(transaction.lstrip("a")), transaction)
        except Exception as failure:  # noqa: BLE001 - reported by the test
            failures.append(failure)
        finally:
            if transaction == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7":
                second_stuck_or_done.set()

    first = threading.Thread(target=checkpoint, args=("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa6",))
    first.start()
    assert first_inside.wait(HANGS_AT_MOST)
    second = threading.Thread(target=checkpoint, args=("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7",))
    second.start()
    assert second_stuck_or_done.wait(HANGS_AT_MOST)
    let_first_go.set()
    first.join(HANGS_AT_MOST)
    second.join(HANGS_AT_MOST)

    assert failures == []
    assert (checkpointer.block_number, checkpointer.transaction_id) == (7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
    assert json.loads(path.read_text()) == {"blockNumber": 7, "transactionId": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7"}
    checkpointer.close()
    assert FileCheckpointer(path).transaction_id == "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7"   # the lock was released with the file it is on
