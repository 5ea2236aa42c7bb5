"""`recfin party bind`, `party unbind` and `party rename` as an org admin runs them, over the real contract on
MemoryLedger.

The commands, the SDK and the contract run for real; the connection is ``TopologySessions``: the topology's
orgs and users, each with a certificate in the place its connection profile names, so ``--client USER``
resolves a user's identity as it does on a network.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import connection
from cli.main import main
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import client_id_of
from network.contract_config import network_config
from network.topology import load as load_topology

from ..ledger_contract import Channel, TopologySessions

BODY = "91310000MA1K00123"
USCC = BODY + credit_code_check_digit(BODY)


@pytest.fixture
def sessions(monkeypatch, tmp_path) -> TopologySessions:
    topology = load_topology()
    sessions = TopologySessions(Channel(network_config(topology)), topology, tmp_path)
    monkeypatch.setattr(connection, "open_session", sessions.open_session)
    return sessions


def recfin(*args: str):
    return CliRunner().invoke(main, list(args))


def ok(*args: str) -> dict:
    res = recfin(*args, "--json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def user_id(sessions: TopologySessions, user: str) -> str:
    return client_id_of(sessions.identity("supplier", user).certificate)


def registered_with_two_users(sessions: TopologySessions) -> None:
    ok("party", "register", "--uscc", USCC, "--name", "Tier-1 Wiring Co.", "--role", "supplier",
       "--client", "supplier3", "--as", "supplier")
    bound = ok("party", "bind", USCC, "--client", "supplier4", "--as", "supplier")
    assert bound["client_ids"] == [user_id(sessions, "supplier3"), user_id(sessions, "supplier4")]


def test_unbind_takes_a_user_away_from_the_party_at_once(sessions):
    registered_with_two_users(sessions)
    assert ok("party", "whoami", "--as", "supplier/supplier4")["uscc"] == USCC

    left = ok("party", "unbind", USCC, "--client", "supplier4", "--as", "supplier/admin")
    assert left["uscc"] == USCC and left["client_ids"] == [user_id(sessions, "supplier3")]
    assert sessions.channel.ledger.events[-1][1] == "PartyIdentityUnbound"
    refused = recfin("party", "whoami", "--as", "supplier/supplier4")
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: WhoAmI refused: RULE caller-not-a-party: ")
    assert ok("party", "whoami", "--as", "supplier/supplier3")["uscc"] == USCC


def test_unbind_by_client_id_prints_the_party_with_the_identities_left(sessions):
    registered_with_two_users(sessions)
    res = recfin("party", "unbind", USCC, "--client-id", user_id(sessions, "supplier3"), "--as", "supplier")
    assert res.exit_code == 0, res.output
    assert f"uscc: {USCC}" in res.output and user_id(sessions, "supplier4") in res.output
    assert user_id(sessions, "supplier3") not in res.output
    assert ok("party", "whoami", "--as", "supplier/supplier4")["client_ids"] == [user_id(sessions, "supplier4")]


def test_the_last_identity_stays_and_the_refusal_is_one_line_that_says_bind_another_first(sessions):
    registered_with_two_users(sessions)
    ok("party", "unbind", USCC, "--client", "supplier4", "--as", "supplier")
    events, calls = len(sessions.channel.ledger.events), len(sessions.channel.activity)
    res = recfin("party", "unbind", USCC, "--client", "supplier3", "--as", "supplier")
    assert res.exit_code == 1
    # the party read first (who would be left to act), then the contract's own refusal: nothing written
    assert [a.kind for a in sessions.channel.activity[calls:]] == ["evaluate", "refused"]
    assert res.output.startswith("Error: UnbindPartyIdentity refused: RULE last-identity-of-party: ")
    assert "bind another first" in res.output and len(res.output.strip().splitlines()) == 1
    assert len(sessions.channel.ledger.events) == events
    again = recfin("party", "unbind", USCC, "--client", "supplier4", "--as", "supplier")
    assert again.exit_code == 1 and "RULE identity-not-bound: " in again.output


@pytest.mark.parametrize("naming", [[], ["--client", "supplier4", "--client-id", "x509::CN=a::CN=b"]])
def test_unbind_needs_exactly_one_identity_and_sends_nothing_otherwise(sessions, naming):
    registered_with_two_users(sessions)
    calls = len(sessions.channel.activity)
    res = recfin("party", "unbind", USCC, *naming, "--as", "supplier")
    assert res.exit_code == 2 and "give exactly one of --client USER or --client-id ID" in res.output
    assert sessions.channel.activity[calls:] == []


# party rename: an org admin records the new name of an enterprise of its org

@pytest.fixture
def registered(sessions) -> dict:
    return ok("party", "register", "--uscc", USCC, "--name", "Tier-1 Wiring Co.", "--role", "supplier",
              "--client", "supplier3", "--as", "supplier")


def test_rename_changes_the_name_alone_and_prints_its_own_transaction(registered):
    renamed = ok("party", "rename", USCC, "--name", "Tier-1 Harness Group Co.", "--as", "supplier")
    assert renamed["name"] == "Tier-1 Harness Group Co."
    assert {**renamed, "name": registered["name"], "tx_id": None} == {**registered, "tx_id": None}
    assert renamed["tx_id"] != registered["tx_id"]
    assert ok("party", "get", USCC, "--as", "supplier/supplier3")["name"] == "Tier-1 Harness Group Co."

    table = recfin("party", "rename", USCC, "--name", "Tier-1 Harness Co.", "--as", "supplier")
    assert table.exit_code == 0, table.output
    assert "Tier-1 Harness Co." in table.stdout and "tx:" in table.stdout


def test_the_name_it_has_already_is_refused_nothing_sent_twice(registered):
    same = recfin("party", "rename", USCC, "--name", "Tier-1 Wiring Co.", "--as", "supplier")
    assert same.exit_code == 1
    assert "party-name-unchanged" in same.output and "nothing is changed" in same.output


def test_a_name_of_two_lines_is_refused(registered):
    # refused by the contract's own check before connecting, so with no rule named
    refused = recfin("party", "rename", USCC, "--name", "Tier-1\nWiring Co.", "--as", "supplier")
    assert refused.exit_code == 2 and "Invalid value for '--name': name holds '\\n'" in refused.output
    assert ok("party", "get", USCC, "--as", "supplier/supplier3")["name"] == "Tier-1 Wiring Co."


def test_a_user_who_is_no_admin_is_refused(registered):
    # (before connecting, on a network: tests/unit/cli/test_admin_commands_refuse_a_client_user.py)
    refused = recfin("party", "rename", USCC, "--name", "Tier-1 Harness Co.", "--as", "supplier/supplier3")
    assert refused.exit_code == 1 and "not-an-org-admin" in refused.output
    assert ok("party", "get", USCC, "--as", "supplier/supplier3")["name"] == "Tier-1 Wiring Co."


# party history: every write of a party record, a rename's former name among them

def test_history_lists_each_write_with_its_name_and_what_changed(sessions, registered):
    renamed = ok("party", "rename", USCC, "--name", "Tier-1 Harness Group Co.", "--as", "supplier")
    bound = ok("party", "bind", USCC, "--client", "supplier4", "--as", "supplier")
    unbound = ok("party", "unbind", USCC, "--client", "supplier3", "--as", "supplier")

    entries = ok("party", "history", USCC, "--as", "supplier/supplier4")
    assert [(e["tx_id"], e["name"], e["role"], e["client_ids"]) for e in entries] == [
        (registered["tx_id"], "Tier-1 Wiring Co.", "supplier", [user_id(sessions, "supplier3")]),
        (renamed["tx_id"], "Tier-1 Harness Group Co.", "supplier", [user_id(sessions, "supplier3")]),
        (bound["tx_id"], "Tier-1 Harness Group Co.", "supplier",
         [user_id(sessions, "supplier3"), user_id(sessions, "supplier4")]),
        (unbound["tx_id"], "Tier-1 Harness Group Co.", "supplier", [user_id(sessions, "supplier4")])]

    table = recfin("party", "history", USCC, "--as", "supplier/supplier4")
    assert table.exit_code == 0, table.output
    header, *rows = table.stdout.strip().splitlines()
    assert header.split() == ["TIMESTAMP", "CHANGE", "NAME", "ROLE", "MSP_ID", "TX_ID"]
    assert len(rows) == 4
    assert "registered" in rows[0] and registered["tx_id"] in rows[0]
    assert "renamed from Tier-1 Wiring Co." in rows[1] and renamed["tx_id"] in rows[1]
    assert "1 identity bound" in rows[2] and bound["tx_id"] in rows[2]
    assert "1 identity unbound" in rows[3] and unbound["tx_id"] in rows[3]
    assert all(e["timestamp"] in row and "supplier" in row for e, row in zip(entries, rows))


def _written(name: str, role: str | None, msp_id: str, client_ids: list[str] | None, *, deleted: bool = False) -> dict:
    return {"tx_id": "t", "timestamp": "2026-03-02T02:00:00+00:00", "is_delete": deleted,
            "msp_id": None if deleted else msp_id, "name": None if deleted else name,
            "role": None if deleted else role, "client_ids": None if deleted else client_ids}


def test_history_says_a_role_or_org_changed_where_a_write_outside_the_contract_changed_it():
    # no transaction changes a party's role or org, but the party's org alone can rewrite its record
    from cli.receivable_commands import _party_changes

    entries = [_written("Core Co.", "core_enterprise", "CoreEnterpriseMSP", ["a"]),
               _written("Core Co.", "financier", "CoreEnterpriseMSP", ["a", "b"]),
               _written("Core Co.", "financier", "BankMSP", ["b"]),
               _written("", None, "", None, deleted=True),
               _written("Core Co.", "core_enterprise", "CoreEnterpriseMSP", ["c"])]
    assert _party_changes(entries) == [
        "registered",
        "role changed from core_enterprise to financier; 1 identity bound",
        "org changed from CoreEnterpriseMSP to BankMSP; 1 identity unbound",
        "deleted",
        "registered anew after its deletion"]


def test_history_of_a_contract_naming_no_role_nor_identities_says_what_it_can():
    from cli.receivable_commands import _party_changes

    entries = [_written("Core Co.", None, "CoreEnterpriseMSP", None),
               _written("Core Group Co.", None, "CoreEnterpriseMSP", None),
               _written("Core Group Co.", None, "CoreEnterpriseMSP", None)]
    assert _party_changes(entries) == ["registered", "renamed from Core Co.",
                                       "name unchanged (identities bound or unbound)"]
