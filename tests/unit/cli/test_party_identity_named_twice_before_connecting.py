"""`recfin party register --client USER --client-id ID` where ID is USER's own identity (its certificate's id), or two
--client-id the contract trims to one, name one identity twice, which the contract refuses (argument-invalid: "list
each identity once"). It is decided from the line and the user's certificate in the data folder, so it is a usage
error (exit 2) naming --client-id before anything connects: it came back the contract's refusal once connected
(exit 1), and with the network down the admin was told to start it."""
import pytest

from cli.main import main
from client.receivables import client_id_of
from tests.unit.cli.conftest import user_msp

USCC = "91310000MA1K00002C"
REGISTER = ["party", "register", "--uscc", USCC, "--name", "Tier-1 Parts Co.", "--role", "supplier",
            "--as", "supplier/admin"]


def certificate_id(root, user):
    return client_id_of(next((user_msp(root, "supplier", user) / "signcerts").glob("*.pem")))


@pytest.mark.parametrize("padded", [False, True], ids=["as-formed", "padded"])
def test_a_users_own_id_given_too_is_refused_before_connecting(runner, network_copy, connecting, padded):
    own = certificate_id(network_copy, "supplier3")
    given = f" {own} " if padded else own   # the contract trims it: padded, it is the same identity
    res = runner.invoke(main, [*REGISTER, "--client", "supplier1", "--client", "supplier3", "--client-id", given])
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--client-id': {given!r} is the identity of supplier3, which --client supplier3 "
        "binds already: name each identity once")
    assert connecting == []


def test_another_users_id_gets_as_far_as_connecting(runner, network_copy, connecting):
    other = certificate_id(network_copy, "supplier4")
    res = runner.invoke(main, [*REGISTER, "--client", "supplier3", "--client-id", other])
    assert res.output.strip().splitlines()[-1] == "Error: connecting", res.output
    assert len(connecting) == 1


def test_two_ids_the_contract_trims_to_one_are_refused_before_connecting(runner, network_copy, connecting):
    own = certificate_id(network_copy, "supplier3")
    res = runner.invoke(main, [*REGISTER, "--client-id", own, "--client-id", f"{own}\t"])
    assert res.exit_code == 2, res.output
    assert res.output.strip().splitlines()[-1] == (
        f"Error: Invalid value for '--client-id': {own + chr(9)!r} and {own!r} are one identity once trimmed, as the "
        "contract reads them: name each identity once")
    assert connecting == []
