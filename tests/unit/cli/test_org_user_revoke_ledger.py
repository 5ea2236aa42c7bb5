"""`recfin org user revoke` takes the revoked identity's rights on the ledger too: it unbinds it from its party.

The channel side runs as in test_org_user_commands.py and tests/unit/network/test_org_users.py: the `peer` CLI
scripted (it hands out the config block and takes the update). The ledger side is the real receivables contract
on MemoryLedger behind the real SDK (tests/unit/ledger_contract.py), called as the identity in the MSP folder the
command opens its session with: the org's real admin certificate, the same folder that signed the config update.
"""
from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from fabric_protos.msp import identities_pb2

from chaincode.shim import create_composite_key
from chaincode.testing import TestIdentity
from cli import connection
from cli.main import main
from cli.org_commands import org
from client.receivables import client_id_of
from network import crl, org_keys, profiles
from network.crypto import load_cert, load_key, org_crypto
from network.topology import load
from tests.unit.ledger_contract import Channel
from tests.unit.network.channel_fixtures import channel_config, kept_crl
from tests.unit.network.scripted_channel import ChannelTakingUpdates

CODE = "91310000MA1K00002C"          # the supplier org's enterprise in the topology (supplier1's certificate's)
SUPPLIER2_CODE = "91320500MA1K00003D"     # the enterprise supplier2's certificate names (recfin.enterprise)
SUPPLIER = load().org("supplier")


def msp_folder_identity(msp_dir: Path, msp_id: str) -> TestIdentity:
    """The identity an MSP folder holds (its certificate and keystore key), as the contract's caller."""
    cert = load_cert(next((msp_dir / "signcerts").glob("*.pem")))
    serialized = identities_pb2.SerializedIdentity(
        mspid=msp_id, id_bytes=cert.public_bytes(serialization.Encoding.PEM)).SerializeToString()
    key = load_key(next((msp_dir / "keystore").glob("*_sk")))
    return TestIdentity(serialized, msp_id=msp_id, certificate=cert, private_key=key, ca_certificate=cert)


class Ledger:
    """``connection.open_session`` over the contract on MemoryLedger, as the MSP folder the command names."""

    def __init__(self) -> None:
        self.channel = Channel()
        self.opened: list[tuple[str, Path | None, Path]] = []        # (org, data root, MSP folder)

    @contextmanager
    def open_session(self, org_name: str, user: str | None = None, data_root: Path | None = None, *,
                     admin: bool = False, msp_dir: Path | None = None) -> Iterator[connection.Session]:
        profile = profiles.load(org_name, data_root)
        who = profile.user(user or connection.default_user(profile, admin=admin))
        folder = Path(msp_dir) if msp_dir is not None else who.msp_dir
        self.opened.append((org_name, data_root, folder))
        yield connection.Session(self.channel.client(msp_folder_identity(folder, profile.msp_id)), profile, who)

    def as_folder(self, folder: Path):
        return self.channel.client(msp_folder_identity(folder, SUPPLIER.msp_id))

    def party(self) -> list[str]:
        return self.channel.document("recfin.party", CODE)["client_ids"]


@pytest.fixture
def world(network_copy, scripted_peer_cli, monkeypatch):
    """The supplier org's data folder and profiles, a `peer` CLI whose channel takes the revocation, and the
    ledger, on which ``registered`` registers the supplier's enterprise as the org's admin."""
    root = network_copy
    topology = load()
    profiles.write_all(topology, root)
    scripted = scripted_peer_cli(ChannelTakingUpdates(topology, channel_config(topology, root)))
    ledger = Ledger()
    monkeypatch.setattr(connection, "open_session", ledger.open_session)
    return root, scripted, ledger


def paths(root: Path):
    return org_crypto(root, SUPPLIER.name, SUPPLIER.domain)


def user_id(root: Path, user: str) -> str:
    return client_id_of(paths(root).user_msp(user) / "signcerts" / "cert.pem")


def registered(world, *users: str, code: str = CODE) -> None:
    root, _, ledger = world
    admin = ledger.as_folder(paths(root).user_msp(SUPPLIER.admin))
    admin.register_party(code, f"Enterprise {code}", "supplier", SUPPLIER.msp_id, [user_id(root, u) for u in users])


def binding_key(root: Path, user: str) -> str:
    return create_composite_key("recfin.client", [SUPPLIER.msp_id, user_id(root, user)])


def revoked_step(runner, user: str) -> dict:
    """`org user revoke USER --json`, which must succeed: what became of its binding (the summary's ``ledger``)."""
    result = revoke(runner, user, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["ledger"]


def printed_commands(next_text: str) -> list[list[str]]:
    """The `recfin ...` commands a step's ``next`` names, as argument lists (without `recfin`)."""
    return [shlex.split(command)[1:] for command in re.findall(r"`(recfin [^`]+)`", next_text)]


def revoke(runner, *args: str):
    return runner.invoke(org, ["user", "revoke", "supplier", *args])


def crl_lists(root: Path, user: str) -> bool:
    local = kept_crl(paths(root))
    cert = load_cert(paths(root).user_msp(user) / "signcerts" / "cert.pem")
    return local is not None and crl.lists([local], cert.serial_number) is not None


def test_revoke_unbinds_the_user_from_its_party_as_the_admin_that_signed_the_update(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")

    result = revoke(runner, "supplier2", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["submitted"], summary["already_revoked"]) == (True, False)
    assert summary["ledger"] == {"outcome": "unbound", "client_id": user_id(root, "supplier2"), "party": CODE,
                                 "reason": None, "next": None, "disagreement": None}
    assert ledger.party() == [user_id(root, "supplier1")]
    assert ledger.channel.ledger.events[-1][1] == "PartyIdentityUnbound"
    assert crl_lists(root, "supplier2")
    (msp, env, _sent), = scripted.updates
    (org_name, data_root, folder), = ledger.opened
    assert folder == Path(env["CORE_PEER_MSPCONFIGPATH"]) == paths(root).user_msp(SUPPLIER.admin)
    assert (org_name, data_root) == ("supplier", root)
    # the unbinding is a transaction of the admin's certificate
    assert ledger.channel.submits[-1].transaction == "UnbindPartyIdentity"


def test_an_admin_folder_given_with_msp_dir_signs_the_update_and_calls_the_contract(runner, world, tmp_path):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    elsewhere = tmp_path / "admin-msp"
    shutil.copytree(paths(root).user_msp(SUPPLIER.admin), elsewhere)

    result = revoke(runner, "supplier2", "--msp-dir", str(elsewhere))
    assert result.exit_code == 0, result.output
    assert f"ledger: supplier2 acts for {CODE} no more: its binding is removed" in result.output
    assert [Path(env["CORE_PEER_MSPCONFIGPATH"]) for _, env, _ in scripted.updates] == [elsewhere]
    assert [folder for _, _, folder in ledger.opened] == [elsewhere]
    assert ledger.party() == [user_id(root, "supplier1")]


def test_a_user_bound_to_no_party_is_revoked_and_said_to_act_for_none(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1")

    result = revoke(runner, "supplier3")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("ledger: supplier3 acts for no party: nothing to unbind")
    assert len(scripted.updates) == 1 and crl_lists(root, "supplier3")
    assert ledger.party() == [user_id(root, "supplier1")]


def test_the_partys_last_identity_stays_then_a_second_run_finishes_once_another_is_bound(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier2")

    kept = revoke(runner, "supplier2", "--json")
    assert kept.exit_code == 1, kept.output
    ledger_step = json.loads(kept.stdout)["ledger"]
    assert (ledger_step["outcome"], ledger_step["party"]) == ("last-identity", CODE)
    assert f"`recfin party bind {CODE} --client USER --as supplier/admin`" in ledger_step["next"]
    assert f"`recfin party unbind {CODE} --client-id {shlex.quote(user_id(root, 'supplier2'))} --as supplier/admin`" \
        in ledger_step["next"]
    assert "then run this revoke again" in ledger_step["next"]
    error = kept.stderr.strip().splitlines()[-1]        # after the steps, which go to stderr with --json
    assert error.startswith("Error: supplier2's certificate is revoked on channel receivables, but on the ledger: "
                            f"supplier2 still acts for {CODE}: it is the party's last identity"), error
    # the certificate's revocation committed, and the binding stayed
    assert len(scripted.updates) == 1 and crl_lists(root, "supplier2")
    assert ledger.party() == [user_id(root, "supplier2")]

    admin = ledger.as_folder(paths(root).user_msp(SUPPLIER.admin))
    admin.bind_party_identity(CODE, user_id(root, "supplier1"))
    finished = revoke(runner, "supplier2", "--json")
    assert finished.exit_code == 0, finished.output
    summary = json.loads(finished.stdout)
    assert (summary["already_revoked"], summary["submitted"], summary["ledger"]["outcome"]) == (True, False, "unbound")
    assert "already revoked" in summary["detail"]
    assert len(scripted.updates) == 1                     # nothing sent to the channel again
    assert ledger.party() == [user_id(root, "supplier1")]

    # a third run has nothing left to do, on the channel or the ledger
    again = revoke(runner, "supplier2")
    assert again.exit_code == 1
    assert "supplier2 of supplier is already revoked" in again.output
    assert "ledger: supplier2 acts for no party: nothing to unbind" in again.output
    assert "nothing to do; ledger" not in again.output


def test_after_a_revocation_the_org_acts_as_its_first_user_not_revoked_though_the_revoked_folder_is_kept(runner,
                                                                                                          world):
    root, _, ledger = world
    registered(world, "supplier1", "supplier2")
    assert revoke(runner, "supplier1").exit_code == 0
    assert profiles.load("supplier", root).user("supplier1").revoked
    assert (paths(root).user_msp("supplier1") / "signcerts" / "cert.pem").is_file()     # its folder stays

    result = runner.invoke(main, ["party", "whoami", "--as", "supplier", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["uscc"] == CODE
    assert ledger.opened[-1][2] == paths(root).user_msp("supplier2")     # signed as supplier2, not supplier1


def test_keep_binding_revokes_the_certificate_only_and_asks_no_ledger(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")

    result = revoke(runner, "supplier2", "--keep-binding", "--json")
    assert result.exit_code == 0, result.output
    step = json.loads(result.stdout)["ledger"]
    assert step["outcome"] == "kept" and step["party"] is None
    assert step["next"].startswith(f"`recfin party unbind USCC --client-id {shlex.quote(user_id(root, 'supplier2'))} ")
    assert ledger.opened == [] and len(scripted.updates) == 1 and crl_lists(root, "supplier2")
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]
    # revoked already, and told again to keep the binding: nothing to do, as before
    again = revoke(runner, "supplier2", "--keep-binding")
    assert again.exit_code == 1 and "already revoked" in again.output and ledger.opened == []


def test_a_ledger_that_does_not_answer_is_reported_after_the_revocation_with_how_to_finish(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    shutil.rmtree(profiles.profiles_dir(root))        # no connection profile: the gateway cannot be found

    result = revoke(runner, "supplier2", "--json")
    assert result.exit_code == 1, result.output
    step = json.loads(result.stdout)["ledger"]
    assert step["outcome"] == "failed" and "no connection profile for org 'supplier'" in step["reason"]
    assert step["next"].startswith("once the ledger answers, run this revoke again, or `recfin party unbind USCC")
    assert "is revoked on channel receivables, but on the ledger: could not learn which party supplier2 acts " \
           "for" in result.stderr
    assert len(scripted.updates) == 1 and crl_lists(root, "supplier2")
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]


@pytest.mark.parametrize("bound, outcome, line", [
    (("supplier1", "supplier2"), "would-unbind", f"ledger: would unbind supplier2 from {CODE}"),
    (("supplier2",), "would-keep", f"ledger: would keep supplier2 acting for {CODE}: it is the party's last identity"),
    (("supplier1",), "not-bound", "ledger: supplier2 acts for no party: nothing to unbind"),
])
def test_a_dry_run_names_the_party_it_would_unbind_from_and_changes_nothing(runner, world, bound, outcome, line):
    root, scripted, ledger = world
    registered(world, *bound)
    state = dict(ledger.channel.ledger.state)

    result = revoke(runner, "supplier2", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "dry run: nothing submitted" in result.output and line in result.output
    as_json = json.loads(revoke(runner, "supplier2", "--dry-run", "--json").stdout)
    assert (as_json["submitted"], as_json["ledger"]["outcome"]) == (False, outcome)
    assert scripted.updates == [] and dict(ledger.channel.ledger.state) == state
    assert [t for t in ledger.channel.submits if t.transaction != "RegisterParty"] == []
    assert not crl_lists(root, "supplier2") and not profiles.load("supplier", root).user("supplier2").revoked


def test_a_dry_run_on_a_given_config_block_asks_no_ledger(runner, world, tmp_path):
    root, _, ledger = world
    from tests.unit.network.channel_fixtures import config_block

    block = tmp_path / "config.block"
    block.write_bytes(config_block(channel_config(load(), root), "receivables").SerializeToString())
    result = revoke(runner, "supplier2", "--dry-run", "--config-block", str(block), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ledger"]["outcome"] == "not-asked" and ledger.opened == []


def test_the_help_says_the_binding_goes_too_and_how_to_keep_it(runner):
    text = " ".join(runner.invoke(org, ["user", "revoke", "--help"]).output.split())
    assert "then its binding on the ledger" in text and "FindIdentityParty" in text
    assert "recfin org user revoke supplier supplier5 --keep-binding" in text
    assert "keeps listing" not in text


def test_from_a_companys_keys_folder_the_admin_of_the_data_folder_unbinds(runner, world, tmp_path):
    """The CRL is signed with the CA key in --keys; the admin that submits the update, from the folder the command
    acts from (--data-root here, a bundle on a company's host), calls the contract through its profile there."""
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(paths(root).root, org_crypto(keys, SUPPLIER.name, SUPPLIER.domain).root)
    paths(root).ca_key.unlink()
    # on hostnames, as `recfin org keys` writes it: its anchor peer is the peer's hostname
    org_keys.org_definition_file.write(org_keys.org_definition_file.from_crypto(load().on_hosts(), keys, "supplier"),
                                       org_keys.definition_path(keys, "supplier"))

    result = revoke(runner, "supplier2", "--keys", str(keys), "--data-root", str(root), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ledger"]["outcome"] == "unbound"
    (_msp, env, _sent), = scripted.updates
    assert ledger.opened == [("supplier", root, Path(env["CORE_PEER_MSPCONFIGPATH"]))]
    assert ledger.party() == [user_id(root, "supplier1")]

    # what to run next names the data folder the command acted from
    the_last_one = revoke(runner, "supplier1", "--keys", str(keys), "--data-root", str(root), "--json")
    assert the_last_one.exit_code == 1
    assert f"--as supplier/admin --data-root {root}`" in json.loads(the_last_one.stdout)["ledger"]["next"]


# -- a binding and a party record that disagree

def test_a_record_listing_the_user_whose_binding_is_gone_is_found_from_its_certificate_and_unbound(runner, world):
    """supplier2's binding was written before bindings had a policy of their own, and two other orgs deleted it:
    the contract says it acts for no party, but the record of its certificate's enterprise still lists it, and
    would write the binding back at its next bind."""
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2", code=SUPPLIER2_CODE)
    del ledger.channel.ledger.state[binding_key(root, "supplier2")]

    step = revoked_step(runner, "supplier2")
    assert (step["outcome"], step["party"]) == ("unbound", SUPPLIER2_CODE)
    assert step["disagreement"] == (f"binding and record disagree: no binding names it, but {SUPPLIER2_CODE}'s "
                                    f"record lists it")
    assert ledger.channel.document("recfin.party", SUPPLIER2_CODE)["client_ids"] == [user_id(root, "supplier1")]
    assert binding_key(root, "supplier2") not in ledger.channel.ledger.state


def test_a_binding_naming_a_party_whose_record_does_not_list_the_user_is_said_to_disagree(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1")                                   # CODE's record does not list supplier2
    registered(world, "supplier3", "supplier2", code=SUPPLIER2_CODE)
    ledger.channel.ledger.state[binding_key(root, "supplier2")] = CODE.encode()     # re-pointed by other orgs

    result = revoke(runner, "supplier2")
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith(
        f"ledger: supplier2 is off {SUPPLIER2_CODE}'s record (binding and record disagree: its binding names {CODE}, "
        f"whose record does not list it, but {SUPPLIER2_CODE}'s record lists it)")
    assert ledger.channel.document("recfin.party", SUPPLIER2_CODE)["client_ids"] == [user_id(root, "supplier3")]
    # the binding naming CODE was not SUPPLIER2_CODE's to delete, and acts for no one
    assert ledger.channel.ledger.state[binding_key(root, "supplier2")] == CODE.encode()


def test_a_stray_binding_no_record_read_lists_is_reported_and_nothing_is_unbound(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1")
    ledger.channel.ledger.state[binding_key(root, "supplier2")] = CODE.encode()

    step = revoked_step(runner, "supplier2")
    assert (step["outcome"], step["party"]) == ("not-bound", None)
    assert step["disagreement"] == (f"binding and record disagree: its binding names {CODE}, whose record does not "
                                    f"list it, so it acts for no one; records read: {CODE}")
    assert [t.transaction for t in ledger.channel.submits] == ["RegisterParty"]


# -- who is left to act for the party: identities the org's CRL does not revoke

def test_a_party_is_not_left_with_only_identities_the_crl_revokes(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    assert revoke(runner, "supplier1", "--keep-binding").exit_code == 0       # supplier1 revoked, still listed

    dry = json.loads(revoke(runner, "supplier2", "--dry-run", "--json").stdout)["ledger"]
    assert (dry["outcome"], dry["party"]) == ("would-keep", CODE)
    result = revoke(runner, "supplier2", "--json")
    assert result.exit_code == 1
    step = json.loads(result.stdout)["ledger"]
    assert (step["outcome"], step["party"]) == ("last-identity", CODE)
    assert step["reason"] == ("no other identity of the party would be left to act for it: the "
                              "others are revoked by the org's CRL (supplier1); unbinding it would leave no one to "
                              "act for the party")
    assert "supplier2 still acts for 91310000MA1K00002C: no other identity" in result.stderr
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]
    assert [t.transaction for t in ledger.channel.submits] == ["RegisterParty"]

    # an identity whose certificate is not on this host cannot be checked against the CRL: it is not counted
    ledger.as_folder(paths(root).user_msp(SUPPLIER.admin)).bind_party_identity(
        CODE, "x509::CN=elsewhere@supplier.recfin.local::CN=ca.supplier.recfin.local")
    again = json.loads(revoke(runner, "supplier2", "--json").stdout)["ledger"]
    assert again["outcome"] == "last-identity"
    assert "not held on this host to check (x509::CN=elsewhere@supplier.recfin.local::" in again["reason"]

    # one identity the CRL does not revoke is enough
    ledger.as_folder(paths(root).user_msp(SUPPLIER.admin)).bind_party_identity(CODE, user_id(root, "supplier3"))
    finished = revoke(runner, "supplier2", "--json")
    assert finished.exit_code == 0, finished.output
    assert json.loads(finished.stdout)["ledger"]["outcome"] == "unbound"
    assert user_id(root, "supplier2") not in ledger.party()


def test_a_dry_run_counts_against_the_crl_of_the_revocation_not_an_older_one_kept_here(runner, world):
    """supplier1 was revoked from another host, and this one never synced that CRL: the dry run must count
    supplier1 revoked, as the real run does once it writes its CRL here."""
    root, scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    assert revoke(runner, "supplier1", "--keep-binding").exit_code == 0
    for kept in paths(root).root.rglob("crls/crl.pem"):                # as on a host that never had it
        kept.unlink()
    assert not crl_lists(root, "supplier1")

    dry = json.loads(revoke(runner, "supplier2", "--dry-run", "--json").stdout)["ledger"]
    assert (dry["outcome"], dry["party"]) == ("would-keep", CODE)
    assert "the others are revoked by the org's CRL (supplier1)" in dry["reason"]
    assert not crl_lists(root, "supplier1")                           # a dry run writes nothing
    real = revoke(runner, "supplier2", "--json")
    assert real.exit_code == 1
    assert json.loads(real.stdout)["ledger"]["outcome"] == "last-identity"
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]


# -- the commands printed next run as printed

def test_with_an_admin_folder_kept_elsewhere_the_printed_commands_sign_with_it_and_finish_the_job(runner, world,
                                                                                                 tmp_path):
    root, scripted, ledger = world
    registered(world, "supplier2")
    elsewhere = tmp_path / "admin-msp"
    shutil.move(paths(root).user_msp(SUPPLIER.admin), elsewhere)      # not in the data folder at all

    kept = revoke(runner, "supplier2", "--msp-dir", str(elsewhere), "--json")
    assert kept.exit_code == 1
    bind, unbind = printed_commands(json.loads(kept.stdout)["ledger"]["next"])
    assert bind[:2] == ["party", "bind"] and unbind[:2] == ["party", "unbind"]
    for command in (bind, unbind):
        assert command[command.index("--msp-dir") + 1] == str(elsewhere)
    bind[bind.index("USER")] = "supplier1"
    bound = runner.invoke(main, bind)
    assert bound.exit_code == 0, bound.output
    assert ledger.opened[-1][2] == elsewhere                          # it signed with the folder given
    unbound = runner.invoke(main, unbind)
    assert unbound.exit_code == 0, unbound.output
    assert ledger.party() == [user_id(root, "supplier1")]


def test_with_a_topology_whose_data_folder_is_not_the_default_the_printed_commands_name_it(runner, world, tmp_path):
    root, scripted, ledger = world
    registered(world, "supplier2")
    other = tmp_path / "elsewhere" / "network"
    shutil.copytree(root, other)
    topology = tmp_path / "topology.yaml"
    topology.write_text(f"data_root: {other}\n" + Path("network/topology.yaml").read_text())

    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--topology", str(topology), "--json"])
    assert result.exit_code == 1
    assert ledger.opened[-1][1] == other
    for command in printed_commands(json.loads(result.stdout)["ledger"]["next"]):
        assert command[command.index("--data-root") + 1] == str(other), command


def test_a_json_run_that_ends_in_an_error_prints_its_summary_first(runner, world):
    root, scripted, ledger = world
    registered(world, "supplier2")
    assert revoke(runner, "supplier2").exit_code == 1                  # the last identity stays

    again = revoke(runner, "supplier2", "--json")
    assert again.exit_code == 1
    summary = json.loads(again.stdout)
    assert (summary["already_revoked"], summary["ledger"]["outcome"], summary["ledger"]["party"]) == (
        True, "last-identity", CODE)
    assert again.stderr.strip().splitlines()[-1].startswith("Error: supplier2 of supplier is already revoked")


def test_an_identity_whose_binding_other_orgs_hold_is_not_counted_as_left_to_act(runner, world):
    """Another identity of the party is live here, but its binding is held by other orgs' policy: the contract
    does not count it and would keep the revoked user's binding. The command counts as the contract does, in the
    dry run too, and asks for no unbind the contract would refuse."""
    from chaincode.shim import KeyEndorsementPolicy

    root, _scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    held = KeyEndorsementPolicy()
    held.add_orgs("MEMBER", "BankMSP", "CoreEnterpriseMSP")
    ledger.channel.ledger.validation_parameters[binding_key(root, "supplier1")] = held.policy()
    # the dry run counts as the contract does, and says so before anything is submitted
    dry = json.loads(revoke(runner, "supplier2", "--dry-run", "--json").stdout)["ledger"]
    assert (dry["outcome"], dry["party"]) == ("would-keep", CODE)
    assert dry["reason"] == ("no other identity of the party would be left to act for it: the "
                             "others are not counted by the contract (supplier1: other orgs hold its binding "
                             "(BankMSP, CoreEnterpriseMSP)); unbinding it would leave no one to act for the party")
    result = revoke(runner, "supplier2", "--json")
    assert result.exit_code == 1
    step = json.loads(result.stdout)["ledger"]
    assert (step["outcome"], step["reason"]) == ("last-identity", dry["reason"])
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]
    assert [t.transaction for t in ledger.channel.submits] == ["RegisterParty"]


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "text"])
def test_an_unbind_that_committed_with_an_answer_this_client_cannot_read_is_done(runner, world, monkeypatch, as_json):
    """A newer contract's answer: the unbind is on the ledger, so the step is done, not a failure to run again."""
    from tests.unit.receivables_client.test_unreadable_answers import answers_as_a_newer_contract

    root, _scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    answers_as_a_newer_contract(monkeypatch, "UnbindPartyIdentity")
    result = revoke(runner, "supplier2", *(["--json"] if as_json else []))
    assert result.exit_code == 0, result.output
    assert ledger.party() == [user_id(root, "supplier1")]
    unbind = ledger.channel.submits[-1]
    assert unbind.transaction == "UnbindPartyIdentity"
    said = (f"UnbindPartyIdentity committed in transaction {unbind.tx_id}, but its answer cannot be read "
            "(settlement_account: Extra inputs are not permitted)")
    if as_json:
        step = json.loads(result.stdout)["ledger"]
        assert (step["outcome"], step["party"], step["next"]) == ("unbound", CODE, None)
        assert step["reason"].startswith(said)
    else:
        assert f"ledger: supplier2 acts for {CODE} no more: its binding is removed; {said}" in result.stdout


def test_a_question_whose_answer_this_client_cannot_read_unbinds_nothing_and_says_how_to_finish(runner, world,
                                                                                                  monkeypatch):
    from tests.unit.ledger_contract import LedgerContract

    root, _scripted, ledger = world
    registered(world, "supplier1", "supplier2")
    evaluate = LedgerContract.evaluate

    def newer(self, name, **options):
        answer = json.loads(evaluate(self, name, **options))
        return json.dumps({**answer, "settlement_account": "x"} if name == "FindIdentityParty" else answer).encode()

    monkeypatch.setattr(LedgerContract, "evaluate", newer)
    result = revoke(runner, "supplier2", "--json")
    assert result.exit_code == 1, result.output
    step = json.loads(result.stdout)["ledger"]
    assert step["outcome"] == "failed" and step["reason"].startswith("FindIdentityParty answered with a document "
                                                                     "this client cannot read")
    assert step["next"].startswith("once the ledger answers, run this revoke again")
    assert ledger.party() == [user_id(root, "supplier1"), user_id(root, "supplier2")]


def test_a_revocation_from_a_keys_folder_writes_its_definition_again_with_the_new_crl(runner, world, tmp_path):
    """The definition a company sends to be added back carries its CRLs: `org user revoke --keys` writes it again
    with the one it signed, so no `recfin org keys` is left to run (one already current is left as it is)."""
    root, _, _ = world
    keys = tmp_path / "supplier-keys"
    shutil.copytree(paths(root).root, org_crypto(keys, SUPPLIER.name, SUPPLIER.domain).root)
    definition_path = org_keys.definition_path(keys, "supplier")
    org_keys.org_definition_file.write(org_keys.org_definition_file.from_crypto(load().on_hosts(), keys, "supplier"),
                                       definition_path)
    assert org_keys.org_definition_file.read(definition_path).crls == ()

    result = revoke(runner, "supplier2", "--keys", str(keys), "--data-root", str(root), "--keep-binding", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["definition_written"] == str(definition_path)
    carried = org_keys.org_definition_file.read(definition_path).crls
    assert carried == (crl.crl_path(org_crypto(keys, SUPPLIER.name, SUPPLIER.domain)).read_bytes(),)
    serial = load_cert(paths(keys).user_msp("supplier2") / "signcerts" / "cert.pem").serial_number
    assert crl.lists([crl.load(carried[0])], serial) is not None
    assert org_keys.with_kept_crls(keys, "supplier") is None          # current: not written again

    text = revoke(runner, "supplier3", "--keys", str(keys), "--data-root", str(root), "--keep-binding")
    assert text.exit_code == 0, text.output
    assert f"{definition_path} written again with the org's CRLs" in text.output
    assert "`recfin org keys` need not run" in text.output
    assert crl.number(crl.load(org_keys.org_definition_file.read(definition_path).crls[0])) == 2
