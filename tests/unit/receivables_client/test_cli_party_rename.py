"""`recfin party rename`: an org admin records the new name of an enterprise of its org, over the real contract on
MemoryLedger (the commands, the SDK and the contract run for real, as in test_cli_party_commands.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import connection
from cli.main import main
from client.invoices.credit_code import credit_code_check_digit
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
    refused = recfin("party", "rename", USCC, "--name", "Tier-1\nWiring Co.", "--as", "supplier")
    assert refused.exit_code != 0 and "argument-invalid" in refused.output
    assert ok("party", "get", USCC, "--as", "supplier/supplier3")["name"] == "Tier-1 Wiring Co."


def test_a_user_who_is_no_admin_is_refused(registered):
    # (before connecting, on a network: tests/unit/cli/test_admin_commands_refuse_a_client_user.py)
    refused = recfin("party", "rename", USCC, "--name", "Tier-1 Harness Co.", "--as", "supplier/supplier3")
    assert refused.exit_code == 1 and "not-an-org-admin" in refused.output
    assert ok("party", "get", USCC, "--as", "supplier/supplier3")["name"] == "Tier-1 Wiring Co."
