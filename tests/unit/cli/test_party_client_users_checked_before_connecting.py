"""A `--client USER` of `recfin party register|bind|unbind` that the org's connection profile has no user of is a
usage error (exit 2) naming the option, the users there are and what to do, decided from the data folder before
anything connects: it was found only once the session had opened, as a failure of the command (exit 1). So is a
user of `register` or `bind` the profile marks revoked (the org's CRL lists its certificate)."""
import json

import pytest

from cli.main import main

USCC = "91310000MA1K00002C"
REGISTER = ["party", "register", "--uscc", USCC, "--name", "Tier-1 Parts Co.", "--role", "supplier"]
CLIENT_USERS = "supplier1, supplier2, supplier3, supplier4"


@pytest.mark.parametrize("command", [[*REGISTER, "--client", "supplier1"], ["party", "bind", USCC]],
                         ids=["register", "bind"])
def test_a_user_the_profile_does_not_have_is_not_bound_and_nothing_connects(runner, connecting, command):
    res = runner.invoke(main, [*command, "--client", "supplier9", "--as", "supplier/admin"])
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--client': 'supplier9': org supplier's profile has no user of that name (its "
        f"client users: {CLIENT_USERS}): name one of them, or issue it a certificate first (`recfin org user add "
        "supplier supplier9`)")
    assert connecting == []


def test_unbind_names_the_client_id_for_a_user_no_longer_in_the_profile(runner, connecting):
    res = runner.invoke(main, ["party", "unbind", USCC, "--client", "supplier9", "--as", "supplier/admin"])
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--client': 'supplier9': org supplier's profile has no user of that name (its "
        f"client users: {CLIENT_USERS}): name one of them, or give the --client-id of one no longer in the profile "
        "(`recfin party get` lists the party's)")
    assert connecting == []


@pytest.mark.parametrize("command", [[*REGISTER, "--client", "supplier3"], ["party", "bind", USCC]],
                         ids=["register", "bind"])
def test_a_revoked_user_is_not_bound_and_nothing_connects(runner, network_copy, connecting, command):
    path = network_copy / "profiles" / "supplier.json"
    profile = json.loads(path.read_text())
    profile["users"]["supplier2"]["revoked"] = True
    path.write_text(json.dumps(profile))
    res = runner.invoke(main, [*command, "--client", "supplier2", "--as", "supplier/admin"])
    assert res.exit_code == 2, res.output
    assert "Invalid value for '--client': supplier2 is revoked: SupplierMSP's CRL lists its certificate" in res.output
    assert connecting == []


@pytest.mark.parametrize("command", [[*REGISTER, "--client", "supplier1", "--client", "supplier3"],
                                     ["party", "bind", USCC, "--client", "supplier3"],
                                     ["party", "unbind", USCC, "--client", "supplier3"]])
def test_users_of_the_profile_get_as_far_as_connecting(runner, connecting, command):
    res = runner.invoke(main, [*command, "--as", "supplier/admin"])
    assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert len(connecting) == 1


def test_without_a_data_folder_the_session_says_what_is_missing(runner, ledger_sessions):
    res = runner.invoke(main, ["party", "bind", USCC, "--client", "supplier9", "--as", "supplier/admin"])
    assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert len(ledger_sessions) == 1
