"""`recfin org user add|list|revoke`: an org's users issued from its CA, listed, and revoked on the channel.

Revocation is run here as a dry run against a config block (what it would submit, and the policy
verdict); the submission itself, through a scripted `peer` CLI, is in tests/unit/network/test_org_users.py.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID

from cli.org_commands import org
from client.gateway import private_key_signer
from client.gateway.hsm import certificate_request
from network import crl, crypto, membership, org_keys, profiles
from network.crypto import cert_attrs, load_cert, load_key, org_crypto
from network.org_definition import MSP_KEY
from network.org_users import CaFolder, plan_revoke
from network.topology import load
from tests.unit.network.channel_fixtures import channel_config, config_block, crl_without_aki, org_crl, with_crls
from tests.unit.network.scripted_channel import ScriptedChannel

from .conftest import files_under

CODE = "91310000MA1K00002C"


@pytest.fixture
def network_home(network_home):
    """The shared data folder and config block, with the network's profiles written too."""
    root, block = network_home
    profiles.write_all(load(), root)
    return root, block


def test_add_issues_the_user_records_it_and_puts_it_in_the_profile(runner, network_home):
    root, _ = network_home
    result = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr", f"recfin.enterprise={CODE}",
                                 "--json"])
    assert result.exit_code == 0, result.output
    issued = json.loads(result.stdout)
    assert (issued["user"], issued["msp_id"], issued["role"], issued["ou"]) == ("supplier9", "SupplierMSP",
                                                                              "client", "client")
    assert issued["attrs"] == {"recfin.role": "creditor", "recfin.enterprise": CODE}
    cert = load_cert(org_crypto(root, "supplier", "supplier.recfin.local").user_msp("supplier9")
                     / "signcerts" / "cert.pem")
    assert issued["serial"] == f"{cert.serial_number:x}" and cert_attrs(cert)["recfin.enterprise"] == CODE
    assert profiles.load("supplier", root).user("supplier9").attrs["recfin.role"] == "creditor"
    assert [u["name"] for u in membership.load_state(root)["users"]["supplier"]] == ["supplier9"]

    listed = runner.invoke(org, ["user", "list", "supplier", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = {row["user"]: row for row in json.loads(listed.stdout)}
    assert rows["supplier9"]["enterprise"] == CODE and rows["admin"]["role"] == "admin"
    assert not any(row["revoked"] for row in rows.values())

    again = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr", f"recfin.enterprise={CODE}"])
    assert again.exit_code == 1 and "supplier9 is already a user of supplier" in again.output


def test_an_enterprise_attribute_typed_in_lower_case_is_issued_in_capitals(runner, network_home):
    # read as `org add --enterprise` and the party commands read a code: it was refused, naming it in capitals
    result = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--attr",
                                 f"recfin.enterprise={CODE.lower()}", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["attrs"]["recfin.enterprise"] == CODE


@pytest.mark.parametrize("args, code, refusal", [
    (["--attr", "recfin.enterprise"], 2, "write KEY=VALUE"),
    (["--attr", "recfin.enterprise=91310000MA1K00002D"], 2, "Invalid value for '--attr recfin.enterprise':"),
    (["--attr", f"recfin.enterprise={CODE}", "--attr", "recfin.role=financier"], 1, "does not fit supplier"),
    ([], 1, "recfin.enterprise=CREDIT_CODE"),
    (["--attr", f"recfin.enterprise={CODE}", "--attr", "hf.Type=admin"], 1, "--attr hf.Type"),
    (["--attr", "recfin.enterprise=91110000MA1K00006B"], 1, "is not an enterprise of supplier"),
])
def test_add_refuses_attributes_that_do_not_fit_and_writes_nothing(runner, network_home, args, code, refusal):
    root, _ = network_home
    before = files_under(root)
    result = runner.invoke(org, ["user", "add", "supplier", "supplier9", *args])
    assert result.exit_code == code and refusal in result.output, result.output
    assert files_under(root) == before


def test_add_without_the_ca_key_here_names_where_it_is(runner, network_home):
    root, _ = network_home
    org_crypto(root, "bank", "bank.recfin.local").ca_key.unlink()
    result = runner.invoke(org, ["user", "add", "bank", "officer3"])
    assert result.exit_code == 1 and "bank's CA key is not on this host" in result.output and "--keys" in result.output


def test_add_from_a_companys_keys_folder(runner, network_home, tmp_path):
    keys = org_keys.make(load(), "bank3", "bank", "91110000MA1K00008H", tmp_path / "bank3-keys").root
    result = runner.invoke(org, ["user", "add", "bank3", "officer3", "--keys", str(keys), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["attrs"]["recfin.enterprise"] == "91110000MA1K00008H"
    listed = runner.invoke(org, ["user", "list", "bank3", "--keys", str(keys), "--json"])
    assert [row["user"] for row in json.loads(listed.stdout)] == ["admin", "officer1", "officer2", "officer3"]


def test_revoke_from_a_keys_folder_without_the_bundle_says_to_give_the_bundle(runner, network_home, tmp_path):
    """On the company's host the revocation acts on the channel its bundle names: run without --bundle, it acted on
    the default topology's network, which lacks the company's org, and was refused as a mistyped org name ("no peer
    org named 'bank3'"), though bank3 is the keys folder's own org."""
    keys = org_keys.make(load(), "bank3", "bank", "91110000MA1K00008H", tmp_path / "bank3-keys").root
    root, block = network_home
    result = runner.invoke(org, ["user", "revoke", "bank3", "officer1", "--keys", str(keys), "--dry-run",
                                 "--config-block", str(block)])
    assert result.exit_code == 1, result.output
    assert "no peer org named" not in result.output
    assert f"bank3, whose keys are in {keys}, is not an org of the network in {root}" in result.output
    assert "--bundle" in result.output


def test_revoke_dry_run_shows_the_one_changed_value_and_the_orgs_admin_policy(runner, network_home):
    root, block = network_home
    before = files_under(root)
    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--config-block", str(block),
                                 "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert [c["element"] for c in plan["changes"]] == ["/Channel/Application/SupplierMSP/MSP"]
    assert (plan["crl_number"], plan["submitted"], plan["policy_satisfied"]) == (1, False, True)
    assert plan["policies"][0]["rule"] == "OR('SupplierMSP.admin')" and plan["signed_by"] == ["SupplierMSP"]
    assert files_under(root) == before
    text = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--config-block", str(block)])
    assert "policy: satisfied" in text.output and "dry run: nothing submitted" in text.output


def test_revoke_dry_run_of_an_org_its_own_crl_locks_out_names_the_way_out(runner, network_home):
    root, block = network_home
    config = with_crls(channel_config(load(), root), "SupplierMSP", [crl_without_aki(load(), root, "supplier", 12345)])
    block.write_bytes(config_block(config, "receivables").SerializeToString())
    result = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--config-block", str(block),
                                 "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert not plan["policy_satisfied"]
    # the default topology's only supplier org: `org remove supplier` asks for another first, so the way out does
    assert ("As the channel stands, `recfin org remove supplier` is refused: supplier is the channel's last supplier "
            "org") in plan["locked_out"]
    assert ("What it asks comes first, signed by the same admins; then `recfin org remove supplier`, then `recfin org "
            "add supplier --role supplier` once") in plan["locked_out"]
    text = runner.invoke(org, ["user", "revoke", "supplier", "supplier2", "--dry-run", "--config-block", str(block)])
    assert "policy: NOT satisfied" in text.output and plan["locked_out"] in text.output
    removal = runner.invoke(org, ["remove", "supplier", "--dry-run", "--config-block", str(block)])
    assert removal.exit_code == 1 and "supplier is the channel's last supplier org" in removal.output


@pytest.mark.parametrize("command", [
    ["user", "revoke", "supplier", "supplier2", "--dry-run"],
    ["add", "bank2", "--role", "bank", "--enterprise", "91110000MA1K00007E", "--dry-run"],
])
@pytest.mark.parametrize("aki, number, named", [
    # an AKI Go cannot decode (a truncated SEQUENCE), and a sound CRL number
    (b"\x30\x05\x80\x03\x01", b"\x02\x01\x07", "CRL number 7) has an Authority Key Identifier that Fabric cannot "
                                                 "decode (asn1: data truncated)"),
    # no AKI, and a CRL number whose INTEGER is cut short
    (None, b"\x02\x05\x01", "CRL number unreadable ("),
])
def test_a_locking_crl_with_extensions_that_do_not_decode_is_named_not_a_traceback(runner, network_home, command, aki,
                                                                                   number, named):
    root, block = network_home
    extensions = [x509.UnrecognizedExtension(ExtensionOID.CRL_NUMBER, number)]
    if aki is not None:
        extensions.append(x509.UnrecognizedExtension(ExtensionOID.AUTHORITY_KEY_IDENTIFIER, aki))
    config = with_crls(channel_config(load(), root), "SupplierMSP", [org_crl(load(), root, "supplier", extensions)])
    block.write_bytes(config_block(config, "receivables").SerializeToString())
    result = runner.invoke(org, [*command, "--config-block", str(block), "--json"])
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    said = plan["locked_out"] if command[0] == "user" else plan["invalid_signatures"][0]
    assert "CRL 1 of 1 in SupplierMSP's MSP in the channel config (issuer CN=ca.supplier" in said and named in said
    assert "so Fabric fails every identity of SupplierMSP" in said


@pytest.mark.parametrize("args, code, refusal", [
    (["supplier", "admin", "--dry-run"], 1, "supplier's admin"),
    (["supplier", "nobody", "--dry-run"], 1, "has no user 'nobody'"),
    (["supplier", "supplier2"], 2, "--config-block is for --dry-run"),
    (["bank", "officer1", "--bundle", "."], 2, "--bundle needs --keys"),
])
def test_revoke_refusals(runner, network_home, args, code, refusal):
    root, block = network_home
    result = runner.invoke(org, ["user", "revoke", *args, "--config-block", str(block)])
    assert result.exit_code == code and refusal in result.output, result.output


def csr_for(public_key, signer_key, cn="whoever@anywhere"):
    """A PEM certificate request for public_key, signed by signer_key (its own private half, or not)."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    return certificate_request(private_key_signer(signer_key), public_key, subject)


def test_add_with_a_csr_issues_for_the_requests_key_with_the_orgs_subject_and_no_keystore_key(runner, network_home,
                                                                                            tmp_path):
    keys = org_keys.make(load(), "bank3", "bank", "91110000MA1K00008H", tmp_path / "bank3-keys").root
    held_in_hsm = ec.generate_private_key(ec.SECP384R1())   # as if in an HSM: only its request leaves it
    csr_file = tmp_path / "officer3.csr"
    csr_file.write_bytes(csr_for(held_in_hsm.public_key(), held_in_hsm, cn="officer3@somewhere-else"))
    result = runner.invoke(org, ["user", "add", "bank3", "officer3", "--csr", str(csr_file), "--keys", str(keys),
                                 "--json"])
    assert result.exit_code == 0, result.output
    issued = json.loads(result.stdout)
    assert issued["key"] == "csr" and issued["key_id"] == crypto.fabric_ski(held_in_hsm.public_key()).hex()
    msp = Path(issued["msp_dir"])
    cert = load_cert(msp / "signcerts" / "cert.pem")
    assert cert.public_key() == held_in_hsm.public_key()
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value.startswith("officer3@")
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value != "officer3@somewhere-else"
    assert cert_attrs(cert) == {"recfin.role": "financier", "recfin.enterprise": "91110000MA1K00008H"}
    assert not any((msp / "keystore").glob("*_sk"))
    text = runner.invoke(org, ["user", "add", "bank3", "officer4", "--csr", str(csr_file), "--keys", str(keys)])
    assert text.exit_code == 1 and "the requested key already has a certificate" in text.output, text.output


def _altered(_root):
    return csr_for(ec.generate_private_key(ec.SECP256R1()).public_key(), ec.generate_private_key(ec.SECP256R1()))


def _on_p521(_root):
    key = ec.generate_private_key(ec.SECP521R1())
    return (x509.CertificateSigningRequestBuilder().subject_name(x509.Name([]))
            .sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))


def _of_supplier1(root):
    key_file = next((org_crypto(root, "supplier", "supplier.recfin.local").user_msp("supplier1") / "keystore")
                    .glob("*_sk"))
    key = load_key(key_file)
    return csr_for(key.public_key(), key)


def _request_by_holder_of(org_name: str, locate):
    """A request for the private key locate(org's crypto paths) names (a key file, or a keystore folder), made by
    its holder: a signature that verifies, so only the one-key-one-identity rule can refuse it."""
    def request(root):
        located = locate(org_crypto(root, org_name, f"{org_name}.recfin.local"))
        key = load_key(next(located.glob("*_sk")) if located.is_dir() else located)
        return csr_for(key.public_key(), key)
    return request


@pytest.mark.parametrize("request_bytes, refusal", [
    (lambda root: b"not a request", "is not a certificate request (PKCS#10, PEM or DER)"),
    # one key, two identities: the org's peer, its CAs, a user's TLS pair, another org's admin
    (_request_by_holder_of("supplier", lambda p: p.node_dir("peer0.supplier.recfin.local") / "msp" / "keystore"),
     "the requested key already has a certificate"),
    (_request_by_holder_of("supplier", lambda p: p.ca_key), "the requested key already has a certificate"),
    (_request_by_holder_of("supplier", lambda p: p.tlsca_key), "the requested key already has a certificate"),
    (_request_by_holder_of("supplier", lambda p: p.user_tls("supplier1") / "client.key"),
     "the requested key already has a certificate"),
    (_request_by_holder_of("regulator", lambda p: p.user_msp("admin") / "keystore"),
     "the requested key already has a certificate"),
    (_altered, "does not verify with the public key it carries"),
    (_on_p521, "for an EC key on curve secp521r1: Fabric client identities sign with ECDSA P-256 or P-384"),
    (_of_supplier1, "the requested key already has a certificate"),
], ids=["garbage", "peer-key", "ca-key", "tlsca-key", "tls-client-key", "other-orgs-admin", "altered", "p521",
        "taken"])
def test_add_refuses_a_csr_that_does_not_prove_a_key_fabric_takes_and_writes_nothing(runner, network_home, tmp_path,
                                                                                     request_bytes, refusal):
    root, _ = network_home
    csr_file = tmp_path / "request.csr"
    csr_file.write_bytes(request_bytes(root))
    before = files_under(root)
    result = runner.invoke(org, ["user", "add", "supplier", "supplier9", "--csr", str(csr_file),
                                 "--attr", f"recfin.enterprise={CODE}"])
    # a file that is no request a Fabric client could use is wrong as --csr's (exit 2); a key another identity
    # holds is the host's answer (exit 1)
    taken = "already has a certificate" in refusal
    assert result.exit_code == (1 if taken else 2) and refusal in result.output, result.output
    assert taken or "Invalid value for '--csr'" in result.output
    assert files_under(root) == before


@pytest.mark.parametrize("command", ["add", "list", "revoke"])
def test_user_commands_show_an_example_and_offer_json(runner, command):
    result = runner.invoke(org, ["user", command, "--help"])
    assert result.exit_code == 0 and f"recfin org user {command}" in result.output and "--json" in result.output


def test_add_help_names_the_command_that_lets_the_user_act_for_its_party(runner):
    text = " ".join(runner.invoke(org, ["user", "add", "--help"]).output.split())
    assert "recfin party bind USCC --client NAME" in text and "party register" not in text


def test_list_help_says_which_crl_it_reads(runner):
    text = " ".join(runner.invoke(org, ["user", "list", "--help"]).output.split())
    assert "the org's CRLs kept on this host (every CRL of its CA in msp/crls/" in text
    assert "recfin org user list supplier --sync" in text


def test_list_where_no_network_was_set_up_says_so_instead_of_listing_users_never_issued(runner, tmp_path):
    result = runner.invoke(org, ["user", "list", "supplier"])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines() == [
        f"Error: no crypto material for supplier in {tmp_path / 'home' / 'network'}: run `recfin network up` first, "
        "or give --data-root the network's data folder (--keys: the company's own keys folder `recfin org keys` "
        "wrote)"]


@pytest.mark.parametrize("args", [["--bundle", "."], ["--msp-dir", "."]])
def test_list_takes_bundle_and_msp_dir_only_to_sync(runner, network_home, args):
    result = runner.invoke(org, ["user", "list", "supplier", *args])
    assert result.exit_code == 2 and "are for --sync" in result.output, result.output


def channel_revoking(root: Path, user: str):
    """The channel's config with a CRL of the supplier org revoking user, made on another host: this folder never
    got it; and the revocation."""
    topology, supplier = load(), load().org("supplier")
    current = channel_config(topology, root)
    cert = load_cert(org_crypto(root, "supplier", supplier.domain).user_msp(user) / "signcerts" / "cert.pem")
    revoked = plan_revoke(current, "receivables", CaFolder(root, supplier), user, cert, None)
    current.channel_group.groups["Application"].groups["SupplierMSP"].values[MSP_KEY].CopyFrom(
        revoked.update.write_set.groups["Application"].groups["SupplierMSP"].values[MSP_KEY])
    return current, revoked


def test_list_sync_brings_a_revocation_made_on_another_host_here(runner, network_home, scripted_peer_cli):
    """The channel's config (the `peer` CLI scripted) carries a CRL revoking supplier2 that this folder never got."""
    root, _ = network_home
    scripted_peer_cli(ScriptedChannel(load(), channel_revoking(root, "supplier2")[0]))
    before = {row["user"]: row["revoked"] for row in json.loads(
        runner.invoke(org, ["user", "list", "supplier", "--json"]).stdout)}
    assert before["supplier2"] is False
    synced = runner.invoke(org, ["user", "list", "supplier", "--sync", "--json"])
    assert synced.exit_code == 0, synced.output
    rows = {row["user"]: row["revoked"] for row in json.loads(synced.stdout)}
    assert rows["supplier2"] is True and rows["supplier1"] is False
    assert "the channel's CRL of SupplierMSP is number 1: written into" in synced.stderr
    assert profiles.load("supplier", root).user("supplier2").revoked
    again = runner.invoke(org, ["user", "list", "supplier", "--sync"])
    assert again.exit_code == 0 and "this host has it already" in again.output, again.output


def test_list_sync_brings_every_crl_the_channel_has_of_the_orgs_ca(runner, network_home, scripted_peer_cli):
    """The channel's MSP of the org holds two CRLs of its CA, each revoking a user the other does not: both
    reach this folder, and both users are listed revoked."""
    root, _ = network_home
    paths = org_crypto(root, "supplier", load().org("supplier").domain)
    ca_key, ca_cert = load_key(paths.ca_key), load_cert(paths.ca_cert)

    def revoking(user, number):
        serial = load_cert(paths.user_msp(user) / "signcerts" / "cert.pem").serial_number
        return crl.pem(crl.build(ca_key, ca_cert, {serial: dt.datetime.now(dt.timezone.utc)}, number))

    two = [revoking("supplier1", 1), revoking("supplier2", 2)]
    scripted_peer_cli(ScriptedChannel(load(), with_crls(channel_config(load(), root), "SupplierMSP", two)))
    synced = runner.invoke(org, ["user", "list", "supplier", "--sync", "--json"])
    assert synced.exit_code == 0, synced.output
    rows = {row["user"]: row["revoked"] for row in json.loads(synced.stdout)}
    assert (rows["supplier1"], rows["supplier2"], rows["supplier3"]) == (True, True, False)
    assert "the channel holds 2 CRLs of SupplierMSP's CA, the newest number 2: written into" in synced.stderr
    assert sorted(p.name for p in (paths.msp_dir / "crls").iterdir()) == ["crl.pem", "crl_0002.pem"]


def test_list_sync_into_a_keys_folder_writes_its_definition_again_with_the_channels_crl(runner, network_home,
                                                                                        scripted_peer_cli, tmp_path):
    """A revocation made on another host reaches the company's keys folder with `--sync --keys`: its definition,
    what it sends to be added back, carries that CRL too."""
    root, _ = network_home
    topology, supplier = load(), load().org("supplier")
    keys = tmp_path / "supplier-keys"
    shutil.copytree(org_crypto(root, "supplier", supplier.domain).root, org_crypto(keys, "supplier",
                                                                                   supplier.domain).root)
    definition_path = org_keys.definition_path(keys, "supplier")
    org_keys.org_definition_file.write(org_keys.org_definition_file.from_crypto(topology.on_hosts(), keys, "supplier"),
                                       definition_path)
    current, revoked = channel_revoking(root, "supplier2")
    scripted_peer_cli(ScriptedChannel(topology, current))
    synced = runner.invoke(org, ["user", "list", "supplier", "--sync", "--keys", str(keys), "--json"])
    assert synced.exit_code == 0, synced.output
    assert f"{definition_path} written again with the org's CRLs" in synced.stderr
    assert org_keys.org_definition_file.read(definition_path).crls == (revoked.crl_pem,)
