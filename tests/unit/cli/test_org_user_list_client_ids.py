"""`recfin org user list` shows each user's client id, the id the contract knows it by (x509::<subject DN>::<issuer
DN>), which the client-id-invalid refusal and `recfin party bind|unbind --client-id` ask an admin for: no command
printed it before."""
from __future__ import annotations

import json

import pytest

from chaincode.receivables.identity import client_id_problem
from cli.org_commands import org
from client.receivables import client_id_of
from network import profiles
from network.crypto import load_cert, org_crypto
from network.topology import load


@pytest.fixture
def network_home(network_home):
    root, block = network_home
    profiles.write_all(load(), root)
    return root, block


def _certificate(root, user: str):
    return load_cert(org_crypto(root, "supplier", "supplier.recfin.local").user_msp(user) / "signcerts" / "cert.pem")


def test_the_json_names_each_users_client_id_as_the_contract_forms_it(runner, network_home):
    root, _ = network_home
    added = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr",
                                "recfin.enterprise=91310000MA1K00002C"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(org, ["user", "list", "supplier", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["user"]: row for row in json.loads(listed.stdout)}
    for user in ("supplier9", "admin"):
        client_id = rows[user]["client_id"]
        assert client_id == client_id_of(_certificate(root, user))
        assert client_id.startswith("x509::") and client_id_problem(client_id) is None   # one the contract binds


def test_the_table_has_a_client_id_column(runner, network_home):
    root, _ = network_home
    added = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr",
                                "recfin.enterprise=91310000MA1K00002C"])
    assert added.exit_code == 0, added.output
    listed = runner.invoke(org, ["user", "list", "supplier"])
    assert listed.exit_code == 0, listed.output
    assert "CLIENT_ID" in listed.stdout.splitlines()[0]
    assert client_id_of(_certificate(root, "supplier9")) in listed.stdout


def test_the_help_says_what_the_client_id_is_for(runner):
    helped = runner.invoke(org, ["user", "list", "--help"])
    assert "client_id" in helped.output and "--client-id" in helped.output
