"""A FileCheckpointer that opens its file removes the staging files a crashed writer of that file left.

A process killed while writing a checkpoint leaves its temporary file (``.events.json.<token>.tmp``) beside
the checkpoint: one more per crash, for good, in the folder of a follower restarted by its supervisor after
each. Opened with the file's lock held, no other checkpointer can be writing that file, so those are stale.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from client.gateway import FileCheckpointer

REPOSITORY = Path(__file__).resolve().parents[3]

KILLED_WHILE_WRITING = textwrap.dedent("""
    import os, sys
    from client.gateway import FileCheckpointer
    checkpointer = FileCheckpointer(sys.argv[1])
    os.replace = lambda *args, **kwargs: os._exit(9)   # dies with the new checkpoint written, not yet in place
    checkpointer.checkpoint_transaction(8, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa8")
""")


def _checkpoint(path: Path, block_number: int, transaction_id: str) -> None:
    with FileCheckpointer(path) as checkpointer:
        checkpointer.checkpoint_transaction(block_number, transaction_id)


def test_the_file_a_killed_writer_left_is_removed_when_the_checkpoint_is_opened_again(tmp_path):
    path = tmp_path / "events.json"
    _checkpoint(path, 7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
    for _ in range(3):   # each restart removes what the last crash left, before it crashes in turn
        killed = subprocess.run([sys.executable, "-c", KILLED_WHILE_WRITING, str(path)], cwd=REPOSITORY)
        assert killed.returncode == 9
        left = [name for name in os.listdir(tmp_path) if name != "events.json"]
        assert len(left) == 1 and left[0].startswith(".events.json."), left

    with FileCheckpointer(path) as resumed:
        assert (resumed.block_number, resumed.transaction_id) == (7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
        assert os.listdir(tmp_path) == ["events.json"]


OTHERS = [
    ".events.json.tmp",               # no token
    ".events.json.notahexx.tmp",      # not a token
    ".events.json.0123abcd.tmp.keep",
    "events.json.0123abcd.tmp",       # not hidden
    ".other.json.0123abcd.tmp",       # another file's
    ".events.json.0123abcd9.tmp",
]


def test_only_its_own_files_staging_names_are_removed(tmp_path):
    path = tmp_path / "events.json"
    _checkpoint(path, 7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
    for name in [*OTHERS, ".events.json.0123abcd.tmp"]:
        (tmp_path / name).write_bytes(b"{}")
    (tmp_path / ".events.json.4567cdef.tmp").mkdir()   # no checkpoint was ever staged as a folder

    with FileCheckpointer(path):
        assert sorted(os.listdir(tmp_path)) == sorted([*OTHERS, ".events.json.4567cdef.tmp", "events.json"])


def test_nothing_is_removed_while_another_checkpointer_holds_the_file_or_before_it_exists(tmp_path):
    path = tmp_path / "events.json"
    staged = tmp_path / ".events.json.0123abcd.tmp"
    staged.write_bytes(b"{}")   # a checkpointer creating the file may be writing this one right now
    FileCheckpointer(path).close()
    assert staged.exists()

    _checkpoint(path, 7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
    staged.write_bytes(b"{}")
    with FileCheckpointer(path):
        staged.write_bytes(b"{}")   # as the holder's own write would stage it
        with pytest.raises(BlockingIOError):
            FileCheckpointer(path)
        assert staged.exists()


def test_through_a_symlink_the_staging_names_beside_the_file_it_leads_to_are_removed(tmp_path):
    kept, linked = tmp_path / "kept", tmp_path / "linked"
    kept.mkdir(), linked.mkdir()
    _checkpoint(kept / "events.json", 7, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa7")
    (linked / "events.json").symlink_to(kept / "events.json")
    (kept / ".events.json.0123abcd.tmp").write_bytes(b"{}")
    (linked / ".events.json.0123abcd.tmp").write_bytes(b"{}")   # not where the link's checkpoints are staged

    with FileCheckpointer(linked / "events.json"):
        assert os.listdir(kept) == ["events.json"]
        assert sorted(os.listdir(linked)) == [".events.json.0123abcd.tmp", "events.json"]
