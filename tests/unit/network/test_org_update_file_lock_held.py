"""`recfin org sign` (and `org add|remove --update-out` over a file that holds signatures) waited with no time limit
for the lock on the update file's folder: a signer stopped with Ctrl-Z or hung while it held it kept every other
signer of a file in that folder waiting silently for ever. The wait is bounded, and the refusal names the folder,
how to find the holder and what to do, with the file left as it was."""
from __future__ import annotations

import fcntl
import os

import pytest

from network import config_signing


def test_a_signer_holding_the_lock_past_the_wait_is_named(tmp_path, never_hangs, monkeypatch):
    monkeypatch.setattr(config_signing, "UPDATE_FILE_WAIT_SECONDS", 0.05, raising=False)
    folder = tmp_path / "updates folder ü"
    folder.mkdir()
    path = folder / "add-bank2.tx"
    path.write_bytes(b"collected signatures")
    holder = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)      # another signer, inside its lock
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        with pytest.raises(config_signing.UpdateFileError) as refused:
            with config_signing.update_file_lock(path):
                pytest.fail("the lock was taken while another signer held it")
    finally:
        os.close(holder)
    said = str(refused.value)
    assert f"fuser '{folder}'" in said and "run the command again" in said
    assert path.read_bytes() == b"collected signatures"
    with config_signing.update_file_lock(path):     # released: the next signer takes it at once
        pass
