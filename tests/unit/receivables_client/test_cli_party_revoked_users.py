"""`recfin party register|bind|unbind` and users whose certificate the org's CRL revokes.

The contract cannot see the CRL: it counts a revoked identity as one left to act for a party. So the commands refuse
to bind a user the profile marks revoked, and refuse an unbind after which no identity of the party is a profile
user not revoked, which would leave the party and its claims with no one any peer lets act for them.
"""

from __future__ import annotations

import pytest

from chaincode.testing import make_identity

from . import test_cli_party_commands
from .test_cli_party_commands import USCC, ok, recfin, user_id

sessions = test_cli_party_commands.sessions   # the fixture of the tests these extend


@pytest.fixture
def revoked(sessions, monkeypatch):
    """Mark profile users revoked, as `recfin org user revoke` (or the CRL reaching the data folder) marks them."""
    names: set[str] = set()
    build = sessions.profile

    def profile(org):
        built = build(org)
        for name in names & set(built.users):
            built.users[name].revoked = True
        return built

    monkeypatch.setattr(sessions, "profile", profile)
    return names


def submitted(sessions, since: int) -> list[str]:
    return [a.kind for a in sessions.channel.activity[since:] if a.kind != "evaluate"]


def test_a_revoked_user_is_neither_registered_nor_bound_for_a_party(sessions, revoked):
    revoked.add("supplier4")
    calls = len(sessions.channel.activity)
    res = recfin("party", "register", "--uscc", USCC, "--name", "Tier-1 Wiring Co.", "--role", "supplier",
                 "--client", "supplier3", "--client", "supplier4", "--as", "supplier")
    assert res.exit_code == 2
    assert "Invalid value for '--client': supplier4 is revoked: SupplierMSP's CRL lists its certificate" in res.output
    assert sessions.channel.activity[calls:] == []

    ok("party", "register", "--uscc", USCC, "--name", "Tier-1 Wiring Co.", "--role", "supplier",
       "--client", "supplier3", "--as", "supplier")
    calls = len(sessions.channel.activity)
    res = recfin("party", "bind", USCC, "--client", "supplier4", "--as", "supplier")
    assert res.exit_code == 2 and "supplier4 is revoked" in res.output and "name a user that is not revoked" in res.output
    assert sessions.channel.activity[calls:] == []
    assert ok("party", "get", USCC, "--as", "supplier/admin")["client_ids"] == [user_id(sessions, "supplier3")]


def test_unbinding_the_last_identity_not_revoked_is_refused_and_sends_nothing(sessions, revoked):
    ok("party", "register", "--uscc", USCC, "--name", "Tier-1 Wiring Co.", "--role", "supplier",
       "--client", "supplier3", "--as", "supplier")
    ok("party", "bind", USCC, "--client", "supplier4", "--as", "supplier")
    revoked.add("supplier4")        # revoked after it was bound (`org user revoke --keep-binding`)
    calls = len(sessions.channel.activity)
    res = recfin("party", "unbind", USCC, "--client", "supplier3", "--as", "supplier")
    assert res.exit_code == 1
    assert res.output.startswith(f"Error: not unbound from {USCC}: no other identity of the party would be left to "
                                 "act for it: the others are revoked by the org's CRL (supplier4)")
    assert f"`recfin party bind {USCC} --client USER --as supplier/admin`" in res.output
    assert submitted(sessions, calls) == []
    both = [user_id(sessions, "supplier3"), user_id(sessions, "supplier4")]
    assert ok("party", "get", USCC, "--as", "supplier/admin")["client_ids"] == both

    # the revoked one goes: the live one is left
    left = ok("party", "unbind", USCC, "--client", "supplier4", "--as", "supplier")
    assert left["client_ids"] == [user_id(sessions, "supplier3")]


def test_force_unbinds_where_the_identity_left_is_not_held_here(sessions, revoked):
    elsewhere = make_identity("SupplierMSP", "clerk@elsewhere").id    # a user this profile does not hold
    ok("party", "register", "--uscc", USCC, "--name", "Tier-1 Wiring Co.", "--role", "supplier",
       "--client", "supplier3", "--client-id", elsewhere, "--as", "supplier")
    calls = len(sessions.channel.activity)
    res = recfin("party", "unbind", USCC, "--client", "supplier3", "--as", "supplier")
    assert res.exit_code == 1 and f"not held on this host to check ({elsewhere})" in res.output
    assert "--force unbinds all the same" in res.output and submitted(sessions, calls) == []

    left = ok("party", "unbind", USCC, "--client", "supplier3", "--force", "--as", "supplier")
    assert left["client_ids"] == [elsewhere]
