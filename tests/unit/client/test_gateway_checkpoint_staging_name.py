"""A FileCheckpointer stages every checkpoint under one temporary name of its own.

On Python 3.12.0 to 3.12.5 pathlib interns, for good, each file name it parses (CPython gh-113993): a new
random temporary name per checkpoint grew a follower that checkpoints each event by some 100 bytes per event,
without end. The bound asserted here is structural: the names a checkpointer ever writes are a fixed few.
"""

import os

from client.gateway import FileCheckpointer


def _recording(monkeypatch, call: str) -> list[str]:
    """The names of the files ``os.<call>`` (``link``: a new file's first checkpoint; ``replace``: every later
    one) moves into place, recorded as it goes on doing so."""
    moved, original = [], getattr(os, call)

    def record(source, destination, *args, **kwargs):
        moved.append(os.path.basename(source))
        return original(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, call, record)
    return moved


def test_every_checkpoint_is_staged_under_the_same_temporary_name(tmp_path, monkeypatch):
    linked, replaced = _recording(monkeypatch, "link"), _recording(monkeypatch, "replace")
    path = tmp_path / "events.json"
    with FileCheckpointer(path) as checkpointer:
        for number in range(1, 9):
            checkpointer.checkpoint_transaction(number, f"{number:a>64}")
    assert len(linked) == 1 and len(replaced) == 7
    assert set(replaced) == set(linked), "a new temporary name per checkpoint"
    assert sorted(os.listdir(tmp_path)) == ["events.json"]   # none left behind
    with FileCheckpointer(path) as resumed:
        assert (resumed.block_number, resumed.transaction_id) == (8, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa8")


def test_two_checkpointers_stage_under_names_of_their_own(tmp_path, monkeypatch):
    # a file created by two checkpointers at once: neither may take the other's temporary file for its own
    linked = _recording(monkeypatch, "link")
    for name in ("a.json", "b.json"):
        with FileCheckpointer(tmp_path / name) as checkpointer:
            checkpointer.checkpoint_transaction(1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1")
    tokens = {name.rsplit(".", 2)[-2] for name in linked}
    assert len(linked) == 2 and len(tokens) == 2
