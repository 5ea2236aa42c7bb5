"""A supplier org issues users to new employees, who transact; then revokes one, and the peers refuse it.

`recfin org user add` issues the identity from the supplier org's CA in the suite's data folder and
records it (its connection profile names it); the org's admin binds it to the supplier party, and it
reads as that party. `recfin org user revoke` puts its certificate on the CRL of SupplierMSP in the
channel config, signed by the org's own admin: from that block the peers refuse whatever it signs,
on evaluate and on submit, while another user of the same org goes on as before. The same command
then takes the identity off its party on the ledger, as the same admin; an identity that is its
party's last (counting only identities the org's CRL does not revoke) stays bound until another is,
and running the revocation again then finishes it.

A user whose key was born in an HSM (SoftHSM2, a token made in the test run's temporary folder) is
issued from its certificate request, its MSP folder pointed at the token's key, bound to the party,
and acts with every signature made in the token and no private key of it on disk.
"""
from __future__ import annotations

import json
import secrets

import pytest
from click.testing import CliRunner

from cli.connection import open_session
from cli.main import main
from client.gateway import EndorseError, EvaluateError
from client.invoices.credit_code import credit_code_check_digit
from client.receivables import client_id_of
from client.receivables.errors import rule_violation_from
from network import Network, crl, profiles
from network.crypto import org_crypto
from network.org_definition import revocation_list
from network.org_membership import OrgMembership

from .conftest import peers_caught_up

NEW_USER = "supplier9"
REVOKED_USER = "supplier5"                          # issued and bound as NEW_USER, then revoked
HSM_USER = "supplier8"
LEAVER, SUCCESSOR = "supplier7", "supplier6"        # the only identity of a party, and the one bound after it


def recfin(net, *args: str, ok: bool = True) -> dict | str:
    """`recfin ARGS --data-root NET --json`; its JSON, or (ok=False) its refusal's output."""
    result = CliRunner().invoke(main, [*args, "--data-root", str(net.data_root), "--json"])
    if not ok:
        assert result.exit_code == 1, result.output
        return result.output
    assert result.exit_code == 0, f"recfin {' '.join(args)}: {result.output}"
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def bound_user(receivables_deployed, party_codes):
    """bound_user(user) -> (network, code): ``user`` issued for the tier-1 supplier's enterprise (``code``) and
    bound to its party by the org's admin. Each test issues a user of its own, so that the one revoked is no
    other test's, whichever order they run in."""
    net = receivables_deployed
    code = party_codes["tier1"]

    def issue_and_bind(user: str) -> tuple[Network, str]:
        issued = recfin(net, "org", "user", "add", "supplier", user, "--attr", f"recfin.enterprise={code}")
        assert issued["attrs"] == {"recfin.role": "creditor", "recfin.enterprise": code} and issued["ou"] == "client"
        with open_session("supplier", admin=True, data_root=net.data_root) as admin:
            cert = profiles.load("supplier", net.data_root).user(user).cert
            admin.client.bind_party_identity(code, client_id_of(cert))
        peers_caught_up()
        return Network.load(data_root=net.data_root, say=print), code

    return issue_and_bind


@pytest.fixture(scope="module")
def hsm_token(tmp_path_factory):
    """A SoftHSM2 token of the test run's own (tests/unit/client/softhsm.py); skipped, saying why, without one."""
    pytest.importorskip("pkcs11", reason="python-pkcs11 is not installed: pip install 'recfin[hsm]'")
    from ..unit.client.softhsm import softhsm

    return softhsm(tmp_path_factory)


def recfin_as(env: dict[str, str | None], *args: str) -> dict:
    """`recfin ARGS --json` with env; its JSON."""
    result = CliRunner().invoke(main, [*args, "--json"], env=env)
    assert result.exit_code == 0, f"recfin {' '.join(args)}: {result.output}"
    return json.loads(result.stdout)


def test_a_user_whose_key_was_born_in_an_hsm_acts_for_its_enterprise(hsm_token, receivables_deployed, party_codes,
                                                                      tmp_path):
    net, code = receivables_deployed, party_codes["tier1"]
    root = str(net.data_root)
    pin = {"RECFIN_HSM_PIN": hsm_token.pin}
    token = ["--library", hsm_token.library, "--token", hsm_token.token]
    csr = tmp_path / f"{HSM_USER}.csr"

    generated = recfin_as(pin, "hsm", "generate", *token, "--common-name", f"{HSM_USER}@supplier", "--csr", str(csr))
    issued = recfin_as({}, "org", "user", "add", "supplier", HSM_USER, "--csr", str(csr),
                       "--attr", f"recfin.enterprise={code}", "--data-root", root)
    assert (issued["key"], issued["key_id"]) == ("csr", generated["key_id"])
    linked = recfin_as(pin, "hsm", "link", "--as", f"supplier/{HSM_USER}", *token, "--data-root", root)
    assert linked["key_id"] == generated["key_id"]
    user = profiles.load("supplier", net.data_root).user(HSM_USER)
    assert [f for f in user.msp_dir.rglob("*") if f.is_file() and b"PRIVATE KEY" in f.read_bytes()] == []

    bound = recfin_as({}, "party", "bind", code, "--as", "supplier/admin", "--client", HSM_USER, "--data-root", root)
    assert client_id_of(user.cert) in bound["client_ids"]
    peers_caught_up()
    me = recfin_as(pin, "party", "whoami", "--as", f"supplier/{HSM_USER}", "--data-root", root)
    assert (me["uscc"], me["msp_id"]) == (code, "SupplierMSP")

    # Its signatures come from the token alone: without the token's PIN, the user cannot act.
    refused = CliRunner().invoke(main, ["party", "whoami", "--as", f"supplier/{HSM_USER}", "--data-root", root],
                                 env={"RECFIN_HSM_PIN": None})
    assert refused.exit_code == 1 and "set RECFIN_HSM_PIN to the user PIN of token" in refused.output, refused.output


def test_the_new_user_acts_for_its_enterprise(bound_user):
    net, code = bound_user(NEW_USER)
    listed = {row["user"]: row for row in recfin(net, "org", "user", "list", "supplier")}
    assert listed[NEW_USER]["enterprise"] == code and not listed[NEW_USER]["revoked"]
    with open_session("supplier", NEW_USER, net.data_root) as employee:
        assert employee.client.who_am_i().uscc == code


def test_a_revoked_user_is_refused_by_the_peers_and_the_others_go_on(bound_user):
    net, code = bound_user(REVOKED_USER)
    client_id = client_id_of(profiles.load("supplier", net.data_root).user(REVOKED_USER).cert)
    planned = recfin(net, "org", "user", "revoke", "supplier", REVOKED_USER, "--dry-run")
    assert not planned["submitted"] and (planned["ledger"]["outcome"], planned["ledger"]["party"]) == (
        "would-unbind", code), planned
    revoked = recfin(net, "org", "user", "revoke", "supplier", REVOKED_USER)
    assert revoked["submitted"] and revoked["policy_satisfied"], revoked
    assert revoked["ledger"] == {"outcome": "unbound", "client_id": client_id, "party": code, "reason": None,
                                 "next": None, "disagreement": None}, revoked
    assert [change["element"] for change in revoked["changes"]] == ["/Channel/Application/SupplierMSP/MSP"]
    peers_caught_up()
    config = OrgMembership(net).fetch_config("supplier")
    listed = revocation_list(config.channel_group.groups["Application"].groups["SupplierMSP"])
    assert [crl.number(crl.load(data)) for data in listed] == [revoked["crl_number"]]
    paths = org_crypto(net.data_root, "supplier", net.topology.org("supplier").domain)
    assert (paths.msp_dir / "crls" / "crl.pem").read_bytes() == listed[0]

    with open_session("supplier", REVOKED_USER, net.data_root) as employee:
        contract = employee.client.contract
        # A submit is refused at endorsement: nothing of it reaches the orderer.
        for attempt, refusal in ((contract.evaluate, EvaluateError), (contract.submit, EndorseError)):
            with pytest.raises(refusal) as refused:
                attempt("WhoAmI")
            # the peer refused the identity before any chaincode ran: no rule of the contract speaks
            assert rule_violation_from(refused.value, "WhoAmI") is None, refused.value
            # Fabric's endorser answers a creator whose certificate does not validate (a revoked one among them)
            # "access denied: channel [...] creator org [SupplierMSP]"; why (the CRL) is only in the peer's log.
            assert "access denied: channel [" in str(refused.value), refused.value
            assert "creator org [SupplierMSP]" in str(refused.value), refused.value
    with open_session("supplier", "supplier1", net.data_root) as colleague:
        assert colleague.client.who_am_i().uscc == code
        # on the ledger too: its party no longer lists it
        assert client_id not in colleague.client.get_party(code).client_ids
    with open_session("supplier", admin=True, data_root=net.data_root) as admin:
        found = admin.client.find_identity_party("SupplierMSP", client_id)
        assert (found.party, found.bound_to) == (None, None)        # the binding went with it

    listed_users = {row["user"]: row for row in recfin(net, "org", "user", "list", "supplier")}
    assert listed_users[REVOKED_USER]["revoked"] and not listed_users["supplier1"]["revoked"]
    again = recfin(net, "org", "user", "revoke", "supplier", REVOKED_USER, ok=False)
    assert "already revoked" in again and f"ledger: {REVOKED_USER} acts for no party: nothing to unbind" in again


def test_a_leaver_who_is_its_partys_last_identity_stays_bound_until_another_is(receivables_deployed, party_codes):
    net = receivables_deployed
    root = str(net.data_root)
    for user in (LEAVER, SUCCESSOR):
        recfin(net, "org", "user", "add", "supplier", user, "--attr", f"recfin.enterprise={party_codes['tier1']}")
    body = f"91310000MA1K{secrets.randbelow(10**5):05d}"
    uscc = body + credit_code_check_digit(body)
    party = recfin(net, "party", "register", "--uscc", uscc, "--name", f"Tier-2 Springs Co. {uscc[-4:]}",
                   "--role", "supplier", "--client", LEAVER, "--as", "supplier/admin")
    leaver_id, = party["client_ids"]
    peers_caught_up()

    kept = CliRunner().invoke(main, ["org", "user", "revoke", "supplier", LEAVER, "--data-root", root, "--json"])
    assert kept.exit_code == 1, kept.output
    step = json.loads(kept.stdout)["ledger"]
    assert (step["outcome"], step["party"], step["client_id"]) == ("last-identity", uscc, leaver_id), step
    assert f"recfin party bind {uscc}" in step["next"] and f"recfin party unbind {uscc}" in step["next"]
    assert "is revoked on channel" in kept.stderr and "last identity" in kept.stderr, kept.stderr
    listed_users = {row["user"]: row for row in recfin(net, "org", "user", "list", "supplier")}
    assert listed_users[LEAVER]["revoked"]
    # the JSON summary comes before the error on a run that changes nothing either
    again = CliRunner().invoke(main, ["org", "user", "revoke", "supplier", LEAVER, "--data-root", root, "--json"])
    assert again.exit_code == 1 and json.loads(again.stdout)["ledger"]["outcome"] == "last-identity", again.output

    recfin(net, "party", "bind", uscc, "--client", SUCCESSOR, "--as", "supplier/admin")
    peers_caught_up()
    finished = recfin(net, "org", "user", "revoke", "supplier", LEAVER)
    assert finished["already_revoked"] and not finished["submitted"], finished
    assert (finished["ledger"]["outcome"], finished["ledger"]["party"]) == ("unbound", uscc), finished
    peers_caught_up()
    successor_id = client_id_of(profiles.load("supplier", net.data_root).user(SUCCESSOR).cert)
    with open_session("supplier", admin=True, data_root=net.data_root) as admin:
        assert admin.client.find_identity_party("SupplierMSP", leaver_id).party is None
        assert admin.client.find_identity_party("SupplierMSP", successor_id).party.uscc == uscc
        assert admin.client.get_party(uscc).client_ids == [successor_id]
