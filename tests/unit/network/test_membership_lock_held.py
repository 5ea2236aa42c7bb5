"""A run waited with no time limit for a data folder's membership.lock: an `org user add` stopped with Ctrl-Z (or
hung) while it held it kept a `network backup`, `org user revoke` or profile write waiting silently for ever. The
wait is bounded, and the refusal names the lock file, how to find its holder and what to do."""
from __future__ import annotations

import fcntl
import os

import pytest

from network import membership
from network.errors import NetworkError


@pytest.fixture
def held_lock(tmp_path):
    """The data folder's membership.lock, held by another open file (as another process's run holds it)."""
    root = tmp_path / "held data ü"
    root.mkdir()
    (root / membership.LOCK_FILE).touch()
    holder = os.open(root / membership.LOCK_FILE, os.O_RDWR)
    fcntl.flock(holder, fcntl.LOCK_EX)
    yield root
    os.close(holder)


def test_a_lock_held_past_the_wait_is_refused_naming_it(held_lock, never_hangs, monkeypatch):
    monkeypatch.setattr(membership, "LOCK_WAIT_SECONDS", 0.05, raising=False)
    with pytest.raises(NetworkError) as refused:
        with membership.locked(held_lock):
            pytest.fail("the lock was taken while another held it")
    said = str(refused.value)
    assert str(held_lock / membership.LOCK_FILE) in said
    assert f"fuser '{held_lock / membership.LOCK_FILE}'" in said     # a command to paste, the space quoted
    assert "run the command again" in said
    assert not getattr(membership._held, "roots", set())      # nothing left counted as held


def test_a_refused_wait_releases_the_locks_taken_before_it(held_lock, never_hangs, monkeypatch):
    monkeypatch.setattr(membership, "LOCK_WAIT_SECONDS", 0.05, raising=False)
    free = held_lock.parent / "free"        # its path sorts before the held folder's: taken first
    free.mkdir()
    with pytest.raises(NetworkError):
        with membership.locked(free, held_lock):
            pytest.fail("the lock was taken while another held it")
    probe = os.open(free / membership.LOCK_FILE, os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)     # BlockingIOError if the refused run kept it
    finally:
        os.close(probe)
