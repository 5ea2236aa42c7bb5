"""`recfin org user revoke` whose CRL could not be written here, another run (a `network backup`, an `org user add`
stopped with Ctrl-Z) holding the data folder's membership.lock past the wait, ended with the lock's generic refusal
("... then run the command again"): nothing said that the certificate was revoked on the channel all the same, that
the CRL was not written, nor the unbinding made, nor what writes them. It says so, with the commands that finish it.

The channel and the ledger as in test_org_user_revoke_ledger.py.
"""
from __future__ import annotations

import fcntl
import os

import pytest

from network import membership

from . import test_org_user_revoke_ledger
from .test_org_user_revoke_ledger import crl_lists, printed_commands, registered, revoke, user_id

world = test_org_user_revoke_ledger.world   # the fixture of the tests these extend


@pytest.fixture
def lock_held(world, monkeypatch):
    """The data folder's membership.lock held by another open file, as another process's run holds it."""
    root = world[0]
    monkeypatch.setattr(membership, "LOCK_WAIT_SECONDS", 0.05, raising=False)
    holder = os.open(root / membership.LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(holder, fcntl.LOCK_EX)
    yield lambda: os.close(holder)
    try:
        os.close(holder)
    except OSError:
        pass


def test_a_crl_write_refused_by_the_lock_says_the_certificate_is_revoked_and_what_writes_it(
        runner, world, lock_held):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    result = revoke(runner, "supplier2")
    assert result.exit_code == 1, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("Error: supplier2's certificate is revoked on channel receivables, but its CRL was not "
                           "written to the org's MSP folders here, nor was supplier2 unbound from its party on the "
                           "ledger, as another recfin run has held ")
    assert str(root / membership.LOCK_FILE) in said
    assert ["org", "user", "list", "supplier", "--sync"] in printed_commands(said)
    assert "run this revoke again" in said
    assert len(scripted.updates) == 1 and not crl_lists(root, "supplier2")     # revoked there, not written here
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]

    lock_held()                                          # the other run let go: the run again finishes it
    again = revoke(runner, "supplier2")
    assert again.exit_code == 0, again.output
    assert crl_lists(root, "supplier2") and ledger.party() == [user_id(root, "supplier1")]


def test_with_keep_binding_it_names_the_sync_that_writes_the_crl(runner, world, lock_held):
    root, scripted, _ledger = world
    result = revoke(runner, "supplier2", "--keep-binding")
    assert result.exit_code == 1, result.output
    said = result.stderr.strip().splitlines()[-1]
    assert "supplier2's certificate is revoked on channel receivables, but its CRL was not written" in said
    assert "unbound" not in said
    assert "`recfin org user list supplier --sync` writes the channel's CRL here" in said
