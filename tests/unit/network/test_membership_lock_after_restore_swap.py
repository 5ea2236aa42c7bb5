"""A run waiting for a data folder's membership.lock (`recfin org user add`) while `recfin network restore
--replace` held it, moved the folder aside and renamed the restored one into its place, went on holding the
aside folder's lock file: the next run opened the restored folder's, took it at once, and changed
membership.yaml and crypto/ beside the first. Once held, the lock file must be the one at the folder's path.

Real processes: the restore's stand-in holds the lock and swaps the folders as _swap_in does once the waiting
run has opened the lock file; a third run is the probe at the end.
"""
from __future__ import annotations

import fcntl
import multiprocessing
import os
from pathlib import Path

from network import flock_wait, membership


def _restore(root: str, held, waiting, swapped) -> None:
    with membership.locked(Path(root)):
        held.set()
        waiting.wait(60)            # the other run has opened the lock file and waits on it
        os.rename(root, root + ".before-restore-test")
        os.mkdir(root)              # the restored folder, with its own (free) lock file
        Path(root, membership.LOCK_FILE).touch()
    swapped.set()


def _user_add(root: str, waiting, inside, leave) -> None:
    take = fcntl.flock

    def flock(descriptor, operation):
        waiting.set()
        return take(descriptor, operation)

    flock_wait.fcntl.flock = flock
    with membership.locked(Path(root)):
        inside.set()
        leave.wait(60)


def test_a_run_that_waited_while_a_restore_swapped_the_folder_holds_the_restored_folder_s_lock(tmp_path):
    root = tmp_path / "network"
    root.mkdir()
    context = multiprocessing.get_context("fork")
    held, waiting, swapped, inside, leave = (context.Event() for _ in range(5))
    restore = context.Process(target=_restore, args=(str(root), held, waiting, swapped))
    restore.start()
    assert held.wait(60)
    user_add = context.Process(target=_user_add, args=(str(root), waiting, inside, leave))
    user_add.start()
    try:
        assert swapped.wait(60) and inside.wait(60)
        probe = os.open(root / membership.LOCK_FILE, os.O_RDWR)
        try:
            try:
                fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                taken = True
            except BlockingIOError:
                taken = False
        finally:
            os.close(probe)
    finally:
        leave.set()
        restore.join(60)
        user_add.join(60)
    assert not taken, "a third run took the restored folder's lock while the waiting run was inside its own"
    assert (restore.exitcode, user_add.exitcode) == (0, 0)
